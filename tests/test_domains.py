"""Every domain's random, exact and generic members belong to it.

For each domain in `domains.ALL`:

* random members (JAX floats) satisfy the domain's membership test up to rounding;
* exact members (`rational`) satisfy it exactly, in SymPy arithmetic;
* generic members (every component of `generic_members`), with random rational values
  substituted for their symbols as the symbols' assumptions allow (positive -> positive,
  nonnegative -> >= 0 and sometimes 0, real -> any sign), satisfy it exactly.

The coverage side (that the members reach the *whole* domain) is in test_domain_coverage.py.
"""

from fractions import Fraction

import jax
import numpy as np
import pytest
import sympy as sp

from verify import domains

KEY = jax.random.PRNGKey(0)


def samples(domain, shape, count=50):
    return np.asarray(jax.vmap(lambda k: domain.sample(k, shape))(jax.random.split(KEY, count)))


def constant_domain():
    return domains.constant(lambda shape: np.diag([0.0] + [1.0] * (shape[0] - 1)), "diag(0, 1, ..., 1)")


def frac(x) -> Fraction:
    """An exact SymPy rational as a Fraction (exact comparison with float bounds)."""
    x = sp.Rational(x)
    return Fraction(int(x.p), int(x.q))


def rational_entries(m) -> bool:
    return all(sp.sympify(e).is_Rational for e in (m if isinstance(m, sp.MatrixBase) else [m]))


def is_diagonal(m) -> bool:
    return all(m[i, j] == 0 for i in range(m.rows) for j in range(m.cols) if i != j)


# name -> (domain, shapes, membership of a float member, membership of an exact SymPy member).
# Membership means the domain itself (a positive real, not the sampling range [lo, hi]).
FLOAT_TOL = 1e-9
MEMBERSHIP = {
    "real": (domains.real(), [()],
             lambda x: x.shape == () and np.isfinite(x),
             lambda x: x.is_Rational),
    "positive": (domains.positive(), [()],
                 lambda x: x > 0,
                 lambda x: x.is_Rational and x > 0),
    "interval": (domains.interval(-0.5, 2.0), [()],
                 lambda x: -0.5 < x < 2.0,
                 lambda x: x.is_Rational and Fraction(-0.5) < frac(x) < Fraction(2.0)),
    "probability": (domains.probability(), [()],
                    lambda x: 0 < x < 1,
                    lambda x: x.is_Rational and 0 < x < 1),
    "general": (domains.general(), [(3, 2), (2, 3)],
                lambda m: np.isfinite(m).all(),
                rational_entries),
    "vector": (domains.vector(), [(3, 1)],
               lambda m: m.shape[1] == 1 and np.isfinite(m).all(),
               lambda m: m.cols == 1 and rational_entries(m)),
    "symmetric": (domains.symmetric(), [(3, 3)],
                  lambda m: np.allclose(m, m.T),
                  lambda m: rational_entries(m) and m == m.T),
    "spd": (domains.spd(), [(1, 1), (2, 2), (3, 3)],
            lambda m: np.allclose(m, m.T) and np.linalg.eigvalsh(m).min() > 0,
            lambda m: rational_entries(m) and m == m.T and m.is_positive_definite),
    "psd": (domains.psd(), [(1, 1), (2, 2), (3, 3)],
            lambda m: np.allclose(m, m.T) and np.linalg.eigvalsh(m).min() > -FLOAT_TOL * max(1, np.abs(m).max()),
            lambda m: rational_entries(m) and m == m.T and m.is_positive_semidefinite),
    "orthogonal": (domains.orthogonal(), [(1, 1), (2, 2), (3, 3)],
                   lambda m: np.allclose(m.T @ m, np.eye(m.shape[0])),
                   lambda m: rational_entries(m) and m.T * m == sp.eye(m.rows)),
    "diagonal_positive": (domains.diagonal_positive(), [(3, 3)],
                          lambda m: np.allclose(m, np.diag(np.diag(m))) and np.diag(m).min() > 0,
                          lambda m: rational_entries(m) and is_diagonal(m) and all(m[i, i] > 0 for i in range(m.rows))),
    "diagonal_nonnegative": (domains.diagonal_nonnegative(), [(3, 3)],
                             lambda m: np.allclose(m, np.diag(np.diag(m))) and np.diag(m).min() >= 0,
                             lambda m: rational_entries(m) and is_diagonal(m)
                             and all(m[i, i] >= 0 for i in range(m.rows))),
    "full_column_rank": (domains.full_column_rank(), [(4, 2), (3, 3)],
                         lambda m: np.linalg.matrix_rank(m) == m.shape[1],
                         lambda m: rational_entries(m) and m.rank() == m.cols),
    "rank_deficient": (domains.rank_deficient(), [(4, 3), (2, 3)],
                       lambda m: np.linalg.matrix_rank(m) < m.shape[1],
                       lambda m: rational_entries(m) and m.rank() < m.cols),
    # any real matrix; that about half are rank-deficient is a coverage test
    "any_rank": (domains.any_rank(), [(3, 2), (2, 2), (2, 3), (1, 3)],
                 lambda m: np.isfinite(m).all(),
                 rational_entries),
    "simplex": (domains.simplex(), [(4, 1)],
                lambda v: v.min() > 0 and np.isclose(v.sum(), 1),
                lambda v: rational_entries(v) and v.cols == 1 and all(x > 0 for x in v) and sum(v) == 1),
    "joint_pmf": (domains.joint_pmf(), [(3, 2)],
                  lambda m: m.min() > 0 and np.isclose(m.sum(), 1),
                  lambda m: rational_entries(m) and all(x > 0 for x in m) and sum(m) == 1),
    "stochastic": (domains.stochastic(), [(3, 2)],
                   lambda m: m.min() > 0 and np.allclose(m.sum(axis=1), 1),
                   lambda m: rational_entries(m) and all(x > 0 for x in m)
                   and all(sum(m[i, :]) == 1 for i in range(m.rows))),
    "with_intercept": (domains.with_intercept(), [(4, 3)],
                       lambda m: np.all(m[:, 0] == 1),
                       lambda m: rational_entries(m) and all(x == 1 for x in m[:, 0])),
    "constant": (constant_domain(), [(3, 3)],
                 lambda m: np.array_equal(m, np.diag([0.0, 1.0, 1.0])),
                 lambda m: m == sp.diag(0, 1, 1)),
}


def test_every_domain_has_a_membership_test():
    assert set(MEMBERSHIP) == set(domains.ALL)


def cases():
    return [(name, shape) for name in sorted(MEMBERSHIP) for shape in MEMBERSHIP[name][1]]


def case_id(case):
    name, shape = case
    return f"{name}-{'x'.join(map(str, shape)) or 'scalar'}"


@pytest.mark.parametrize("case", cases(), ids=case_id)
def test_random_members_belong(case):
    name, shape = case
    domain, _, member, _ = MEMBERSHIP[name]
    values = samples(domain, shape)
    assert values.shape == (50,) + tuple(shape)
    assert all(member(x) for x in values)


@pytest.mark.parametrize("case", cases(), ids=case_id)
def test_exact_members_belong(case):
    name, shape = case
    domain, _, _, member = MEMBERSHIP[name]
    rng = np.random.default_rng(0)
    for _ in range(20):
        exact = domain.rational(rng, shape)
        assert member(exact if shape else sp.sympify(exact))


@pytest.mark.parametrize("case", cases(), ids=case_id)
def test_members_far_out_belong(case):
    """The violation search (verify.search) starts from raw normals scaled by 10 and steps out to
    +-RAW_CLAMP: each domain's transform must still give members there, not its open boundary.
    Before the CDF clip an interval(0, 1) gave exactly 1.0 and a stochastic row 0/0 = NaN."""
    from verify.search import RAW_CLAMP

    name, shape = case
    domain, _, member, _ = MEMBERSHIP[name]
    if domain.transform is None:
        pytest.skip("a domain with its own sampler")
    raw_shape = domain.raw_shape(tuple(shape))
    draws = [10.0 * np.asarray(jax.random.normal(k, raw_shape, dtype="float64")) for k in jax.random.split(KEY, 30)]
    draws += [np.full(raw_shape, RAW_CLAMP), np.full(raw_shape, -RAW_CLAMP)] if name not in FULL_RANK else []
    for raw in draws:
        value = np.asarray(domain.transform(jax.numpy.asarray(np.clip(raw, -RAW_CLAMP, RAW_CLAMP)), tuple(shape)))
        assert np.isfinite(value).all() and member(value[()] if not shape else value), (name, raw)


# a matrix of equal entries has rank 1: not a member of these, whatever the transform
FULL_RANK = {"full_column_rank", "orthogonal", "spd"}


def random_value(symbol, rng):
    """A random rational value that the symbol's assumptions allow."""
    if symbol.is_positive:
        return sp.Rational(int(rng.integers(1, 60)), int(rng.integers(1, 8)))
    if symbol.is_nonnegative:
        return sp.Integer(0) if rng.random() < 1 / 3 else sp.Rational(int(rng.integers(1, 60)), int(rng.integers(1, 8)))
    return sp.Rational(int(rng.integers(-60, 61)), int(rng.integers(1, 8)))


@pytest.mark.parametrize("case", cases(), ids=case_id)
def test_generic_members_belong(case):
    """Each component of the generic member, at random values of its symbols, is a member."""
    name, shape = case
    domain, _, _, member = MEMBERSHIP[name]
    rng = np.random.default_rng(1)
    components = domain.generic_members("X", shape)
    assert components
    for label, generic in components:
        symbols = sp.sympify(generic).free_symbols
        # a symbol without a real assumption would let SymPy treat the member as complex
        assert all(s.is_real for s in symbols), (label, symbols)
        for _ in range(8):
            value = sp.sympify(generic).xreplace({s: random_value(s, rng) for s in symbols})
            assert member(value), (label, value)


def test_rationalized_rotation_is_exactly_orthogonal():
    q = samples(domains.orthogonal(), (3, 3), 4)
    for value in q:
        exact = domains.orthogonal().rationalize(value)
        assert exact.T * exact == sp.eye(3)
        assert np.abs(np.asarray(exact, dtype=float) - value).max() < 1e-9


def test_rationalized_probabilities_sum_to_one_exactly():
    v = samples(domains.simplex(), (4, 1), 3)
    for value in v:
        assert sum(domains.simplex().rationalize(value)) == 1


def test_scalar_domains():
    assert samples(domains.positive(1e-3, 1e2), ()).min() >= 1e-3
    p = samples(domains.probability(), ())
    assert p.min() > 0 and p.max() < 1
    assert sp.Symbol("lam", positive=True) == domains.positive().generic("lam", ())


def test_shape_rules():
    assert not domains.spd().shape_rule((2, 3))
    assert not domains.full_column_rank().shape_rule((2, 3)) and domains.full_column_rank().shape_rule((3, 2))
    assert not domains.vector().shape_rule((3, 2))
