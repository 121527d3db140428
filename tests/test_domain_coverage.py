"""Domain members reach the *whole* domain, not only a convenient part of it.

"Proved" means the whole claim on its whole domain, so the generic members must cover every
component (O(n): det +1 and det -1), and random and exact members must reach every part a claim
could fail on: reflections, rank-deficient matrices, singular PSD matrices, the whole sampling
range of a positive number, large reals, narrow intervals.
"""

import math
import signal
from contextlib import contextmanager
from fractions import Fraction

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import sympy as sp

from test_domains import random_value
from verify import domains

KEY = jax.random.PRNGKey(0)


def samples(domain, shape, count):
    return np.asarray(jax.vmap(lambda k: domain.sample(k, shape))(jax.random.split(KEY, count)))


def at_random_values(expr, rng):
    expr = sp.sympify(expr)
    return expr.xreplace({s: random_value(s, rng) for s in expr.free_symbols})


@contextmanager
def deadline(seconds):
    """Fail (instead of hanging) when the block runs longer than `seconds`."""

    def stop(signum, frame):
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --- orthogonal: both components ---------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3])
def test_orthogonal_random_members_have_both_determinants(n):
    det = np.linalg.det(samples(domains.orthogonal(), (n, n), 200))
    assert np.allclose(np.abs(det), 1)
    assert 0.3 < np.mean(det > 0) < 0.7


@pytest.mark.parametrize("n", [1, 2, 3])
def test_orthogonal_exact_members_have_both_determinants(n):
    rng = np.random.default_rng(0)
    dets = [domains.orthogonal().rational(rng, (n, n)).det() for _ in range(40)]
    assert set(dets) == {1, -1}
    assert 8 <= dets.count(-1) <= 32


def test_orthogonal_generic_members_are_rotations_and_reflections_exactly():
    (rot_label, rotation), (ref_label, reflection) = domains.orthogonal().generic_members("Q", (2, 2))
    assert rot_label and ref_label and rot_label != ref_label
    assert sp.simplify(rotation.det()) == 1
    assert sp.simplify(reflection.det()) == -1
    assert sp.simplify(reflection.T * reflection) == sp.eye(2)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_orthogonal_generic_members_cover_both_determinants(n):
    rng = np.random.default_rng(n)
    components = domains.orthogonal().generic_members("Q", (n, n))
    assert len(components) == 2
    for (_, member), sign in zip(components, (1, -1)):
        for _ in range(5):
            value = at_random_values(member, rng)
            assert value.T * value == sp.eye(n)
            assert value.det() == sign


def test_orthogonal_generic_is_still_the_rotation_component():
    d = domains.orthogonal()
    assert d.generic("Q", (3, 3)) == d.generic_members("Q", (3, 3))[0][1]


def test_orthogonal_says_what_the_cayley_transform_misses():
    note = domains.orthogonal().generic_note
    assert "eigenvalue -1" in note and "continuity" in note


def test_one_component_domains_return_their_generic_member():
    for domain, shape in ((domains.real(), ()), (domains.spd(), (2, 2)), (domains.simplex(), (3, 1))):
        assert domain.components is None
        assert domain.generic_members("X", shape) == [("", domain.generic("X", shape))]


# --- spd and psd: positivity visible to SymPy; singular PSD members ---------------------------------


@pytest.mark.parametrize("n", [1, 2, 3])
def test_spd_generic_member_is_positive_definite_for_sympy(n):
    h = domains.spd().generic("H", (n, n))
    assert h == h.T
    assert all(h[i, i].is_positive for i in range(n))
    assert sp.factor(h.det()).is_positive


@pytest.mark.parametrize("n", [1, 2, 3])
def test_psd_generic_member_is_semidefinite_for_sympy(n):
    h = domains.psd().generic("H", (n, n))
    assert h == h.T
    assert all(h[i, i].is_nonnegative for i in range(n))
    assert sp.factor(h.det()).is_nonnegative
    # ... and it reaches singular matrices: a diagonal symbol may be 0
    diagonal = [s for s in h.free_symbols if s.is_nonnegative]
    assert len(diagonal) == n and not any(s.is_positive for s in diagonal)


def numeric_rank(m, tol=1e-9):
    s = np.linalg.svd(m, compute_uv=False)
    return int(np.sum(s > tol * max(s[0], 1e-300)))


def test_psd_random_and_exact_members_include_rank_deficient_ones():
    ranks = [numeric_rank(m) for m in samples(domains.psd(), (3, 3), 60)]
    assert {1, 2, 3} <= set(ranks)
    rng = np.random.default_rng(0)
    exact_ranks = [domains.psd().rational(rng, (3, 3)).rank() for _ in range(30)]
    assert {1, 2, 3} <= set(exact_ranks)


def test_psd_rationalize_is_exactly_psd_and_keeps_the_rank():
    d = domains.psd()
    for value in samples(d, (3, 3), 12):
        exact = d.rationalize(value)
        assert exact == exact.T and exact.is_positive_semidefinite
        assert exact.rank() == numeric_rank(value)
        assert np.abs(np.asarray(exact, dtype=float) - value).max() < 1e-9 * max(1, np.abs(value).max())


def test_spd_rationalize_is_exactly_positive_definite():
    d = domains.spd()
    for value in samples(d, (3, 3), 8):
        exact = d.rationalize(value)
        assert exact == exact.T and exact.is_positive_definite
        assert np.abs(np.asarray(exact, dtype=float) - value).max() < 1e-9 * max(1, np.abs(value).max())
    assert d.rationalize(np.diag([1.0, -1.0])) is None


# --- any_rank: rank-deficient in about half of the instances -----------------------------------

SHAPES = [(5, 2), (4, 3), (3, 3), (2, 4)]


@pytest.mark.parametrize("shape", SHAPES)
def test_any_rank_random_members_are_deficient_about_half_the_time(shape):
    x = samples(domains.any_rank(), shape, 200)
    s = np.linalg.svd(x, compute_uv=False)
    ratio = s[:, -1] / s[:, 0]
    deficient, full = ratio < 1e-10, ratio > 1e-6
    # every draw is clearly one or the other: exactly rank-deficient, or comfortably full rank
    assert np.all(deficient | full)
    assert 0.3 <= deficient.mean() <= 0.7


@pytest.mark.parametrize("shape", SHAPES)
def test_any_rank_full_rank_half_is_not_sign_biased(shape):
    # the entry that decides full rank or not is redrawn, so its sign is not fixed by the decision
    x = samples(domains.any_rank(), shape, 200)
    full = np.linalg.svd(x, compute_uv=False)[:, -1] > 1e-6
    assert 0.3 <= np.mean(x[full, -1, -1] > 0) <= 0.7


@pytest.mark.parametrize("shape", SHAPES)
def test_any_rank_exact_members_are_deficient_about_half_the_time(shape):
    rng = np.random.default_rng(0)
    ranks = [domains.any_rank().rational(rng, shape).rank() for _ in range(100)]
    assert 0.3 <= np.mean([bool(r < min(shape)) for r in ranks]) <= 0.7


@pytest.mark.parametrize("shape", SHAPES)
def test_any_rank_rationalize_keeps_the_rank(shape):
    d = domains.any_rank()
    for value in samples(d, shape, 16):
        exact = d.rationalize(value)
        assert exact.rank() == numeric_rank(value)
        assert np.abs(np.asarray(exact, dtype=float) - value).max() < 1e-8


@pytest.mark.parametrize("shape", SHAPES + [(3, 1), (1, 3)])
def test_any_rank_transform_is_jittable_and_differentiable(shape):
    d = domains.any_rank()
    raws = jax.random.normal(KEY, (20,) + shape, dtype="float64")
    for raw in raws:
        assert np.allclose(jax.jit(lambda r: d.transform(r, shape))(raw), d.transform(raw, shape))
        grad = jax.grad(lambda r: jnp.sum(d.transform(r, shape) ** 2))(raw)
        assert np.isfinite(np.asarray(grad)).all()


@pytest.mark.parametrize("shape", SHAPES)
def test_any_rank_generic_members_cover_full_and_deficient_ranks(shape):
    rng = np.random.default_rng(0)
    (_, full), (_, deficient) = domains.any_rank().generic_members("X", shape)
    for _ in range(4):
        assert at_random_values(full, rng).rank() == min(shape)
        assert at_random_values(deficient, rng).rank() < min(shape)


# --- scalars: exact members on the whole range ------------------------------------------------------


@pytest.mark.parametrize("lo, hi", [(10, 20), (1e-3, 1e-2), (1e-2, 1e2), (0.5, 0.6), (1e3, 1e6)])
def test_positive_exact_members_lie_in_and_cover_the_range(lo, hi):
    rng = np.random.default_rng(0)
    values = [domains.positive(lo, hi).rational(rng, ()) for _ in range(200)]
    assert all(v.is_Rational and lo <= v <= hi for v in values)
    position = [math.log(float(v) / lo) / math.log(hi / lo) for v in values]  # 0 at lo, 1 at hi
    assert min(position) < 0.15 and max(position) > 0.85
    assert 0.3 < np.mean([p < 0.5 for p in position]) < 0.7


def test_positive_exact_members_have_small_denominators_where_possible():
    rng = np.random.default_rng(0)
    assert all(domains.positive(10, 20).rational(rng, ()).q <= 4 for _ in range(100))


def test_real_exact_members_reach_far_out():
    rng = np.random.default_rng(0)
    values = [domains.real().rational(rng, ()) for _ in range(300)]
    large = np.mean([bool(abs(v) > 5) for v in values])
    assert 0.15 < large < 0.6
    assert max(abs(v) for v in values) > 50
    assert all(v.q <= 4 for v in values)


def test_real_exact_members_follow_the_scale():
    rng = np.random.default_rng(0)
    values = [domains.real(0.1).rational(rng, ()) for _ in range(100)]
    assert max(abs(v) for v in values) <= 50 and max(abs(v) for v in values) > 5


def test_general_exact_entries_reach_beyond_the_small_range():
    # moderately: entries up to +-12 (times 3), because exact tanh / exp of large arguments is slow
    rng = np.random.default_rng(0)
    entries = [e for _ in range(40) for e in domains.general().rational(rng, (3, 3))]
    large = np.mean([bool(abs(e) > 4) for e in entries])
    assert 0.03 < large < 0.3
    assert max(abs(e) for e in entries) <= 12
    assert all(e.q <= 4 for e in entries)
    assert any(abs(e) > 4 for _ in range(20) for e in domains.vector().rational(rng, (3, 1)))


@pytest.mark.parametrize("lo, hi", [(0.1, 0.11), (1.0, 1.0 + 1e-9), (-2e-12, -1e-12), (0.0, 1.0)])
def test_narrow_interval_has_exact_members(lo, hi):
    rng = np.random.default_rng(0)
    with deadline(10):
        values = [domains.interval(lo, hi).rational(rng, ()) for _ in range(50)]
    bounds = (Fraction(lo), Fraction(hi))
    assert all(bounds[0] < Fraction(int(v.p), int(v.q)) < bounds[1] for v in values)
    middle = Fraction(lo) + (Fraction(hi) - Fraction(lo)) / 2
    assert 0.2 < np.mean([Fraction(int(v.p), int(v.q)) < middle for v in values]) < 0.8


def test_probability_exact_members():
    rng = np.random.default_rng(0)
    with deadline(10):
        values = [domains.probability().rational(rng, ()) for _ in range(100)]
    assert all(0 < v < 1 for v in values)
    assert min(values) < sp.Rational(1, 5) and max(values) > sp.Rational(4, 5)


def test_interval_generic_member_is_the_open_interval():
    x = domains.interval(0.1, 0.11).generic("x", ())
    (u,) = x.free_symbols
    assert u.is_positive
    # x - lo > 0 and hi - x > 0 for every u > 0, and the ends are the limits
    assert sp.factor(x - sp.Rational(1, 10)).is_positive and sp.factor(sp.Rational(11, 100) - x).is_positive
    assert sp.limit(x, u, 0) == sp.Rational(1, 10) and sp.limit(x, u, sp.oo) == sp.Rational(11, 100)
    p = domains.probability().generic("p", ())
    assert sp.factor(p).is_positive and sp.factor(1 - p).is_positive
