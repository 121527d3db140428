"""Each domain's random members, generic members and exact members belong to it."""

import jax
import numpy as np
import pytest
import sympy as sp

from verify import domains

KEY = jax.random.PRNGKey(0)


def samples(domain, shape, count=50):
    return np.asarray(jax.vmap(lambda k: domain.sample(k, shape))(jax.random.split(KEY, count)))


MEMBERSHIP = {
    "spd": (lambda m: np.linalg.eigvalsh(m).min() > 0 and np.allclose(m, m.T), (3, 3)),
    "psd": (lambda m: np.linalg.eigvalsh(m).min() > -1e-10 and np.allclose(m, m.T), (3, 3)),
    "symmetric": (lambda m: np.allclose(m, m.T), (3, 3)),
    "orthogonal": (lambda m: np.allclose(m.T @ m, np.eye(3)), (3, 3)),
    "diagonal_positive": (lambda m: np.allclose(m, np.diag(np.diag(m))) and np.diag(m).min() > 0, (3, 3)),
    "diagonal_nonnegative": (lambda m: np.allclose(m, np.diag(np.diag(m))) and np.diag(m).min() >= 0, (3, 3)),
    "simplex": (lambda v: v.min() > 0 and np.isclose(v.sum(), 1), (4, 1)),
    "joint_pmf": (lambda m: m.min() > 0 and np.isclose(m.sum(), 1), (3, 2)),
    "stochastic": (lambda m: m.min() > 0 and np.allclose(m.sum(axis=1), 1), (3, 2)),
    "rank_deficient": (lambda m: np.linalg.matrix_rank(m) < 3, (4, 3)),
    "full_column_rank": (lambda m: np.linalg.matrix_rank(m) == 2, (4, 2)),
    "with_intercept": (lambda m: np.all(m[:, 0] == 1), (4, 3)),
}


@pytest.mark.parametrize("name", sorted(MEMBERSHIP))
def test_random_members_belong(name):
    member, shape = MEMBERSHIP[name]
    domain = domains.ALL[name]()
    assert all(member(x) for x in samples(domain, shape))


@pytest.mark.parametrize("name", sorted(MEMBERSHIP))
def test_exact_members_belong(name):
    member, shape = MEMBERSHIP[name]
    domain = domains.ALL[name]()
    rng = np.random.default_rng(0)
    for _ in range(5):
        exact = domain.rational(rng, shape)
        assert all(e.is_Rational for e in exact)
        assert member(np.asarray(exact, dtype=float))


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
