"""The kinds for conditions, existence, limits and orders (verify.logic_kinds) and the claims on them.

Each kind gets a true control and false variants (negative controls) that must be refuted: a
direction of an equivalence that fails, a witness off by a rounding, a printed digit that is
wrong, a wrong limit, a divergent series, an order one too high.  The claims of
derivations/linear_algebra/singular.py, limits.py and derivations/calculus/taylor.py, optima.py
are run by tests/test_builtin_verdicts.py; here their errata and the shape of their reports.
"""

from __future__ import annotations

import jax
import pytest
import sympy as sp

from verify import Claim, ClaimDefinitionError, Grad, Identity, Property, domains
from verify.logic_kinds import Equivalence, Exists, Implies, Limit, Order, rounds_to
from verify.runner import check_claim

jax.config.update("jax_enable_x64", True)

INSTANCES = 16
SOURCE = "tests/test_claims_logic.py"
n = sp.Symbol("n", integer=True, positive=True)
A = sp.MatrixSymbol("A", n, n)
a = sp.Symbol("a", real=True)
u = sp.Symbol("u", real=True)
w = sp.Symbol("w", real=True)
h = sp.Symbol("h", positive=True)
p = sp.Symbol("p", positive=True)


def _claim(cid, statement, domain, **kw):
    return Claim(id=f"test.logic.{cid}", title=cid, source=SOURCE, statement=statement, domain=domain, **kw)


def _verdict(claim):
    r = check_claim(claim, instances=INSTANCES, symbolic_budget=30)
    return r.verdict, r


def quartic(v):
    return v**4 - 3 * v**2 + v


ROOT_HIGH = sp.CRootOf(sp.Poly(4 * u**3 - 6 * u + 1, u), 2)


# --- existence and worked examples ------------------------------------------------------------------


def test_an_exact_algebraic_witness_is_proved():
    claim = _claim("witness", Exists({w: ROOT_HIGH}, (sp.Eq(Grad(quartic(u), u, at=w), 0),
                                                      rounds_to(w, "1.1309"))), {})
    verdict, r = _verdict(claim)
    assert verdict == "proved", r.reason
    assert any("minimal polynomial is t" in s for s in r.symbolic.steps)


@pytest.mark.parametrize("witness, conditions, why", [
    (sp.Rational(11309, 10000), (sp.Eq(Grad(quartic(u), u, at=w), 0),), "the printed root is not a root"),
    (ROOT_HIGH, rounds_to(quartic(w), "-1.071"), "the value is -1.0700..., printed -1.071"),
    (ROOT_HIGH, (sp.Lt(quartic(w), -2),), "the right minimum's value is above -2"),
])
def test_a_wrong_witness_is_refuted_exactly(witness, conditions, why):
    verdict, r = _verdict(_claim("bad_witness", Exists({w: witness}, conditions), {}, expect="fails"))
    assert verdict == "refuted", (why, r.reason)
    assert r.symbolic.status == "disproved" and r.symbolic.exact_member, why


def test_rounds_to_is_half_a_unit_of_the_last_digit():
    low, high = rounds_to(w, "-1.30")
    assert low.lhs == sp.Rational(-1305, 1000) and high.rhs == sp.Rational(-1295, 1000)
    with pytest.raises(TypeError, match="string"):
        rounds_to(w, -1.3)


# --- implications and equivalences ------------------------------------------------------------------


def test_each_direction_is_checked_on_its_own_premise():
    true = _claim("iff", Equivalence((
        Implies(Identity(sp.Determinant(A), 0), given={A: domains.rank_deficient()}, premise="rank A < n"),
        Implies(Identity(A * A.I, sp.Identity(n)), given={A: domains.full_column_rank()}, premise="rank A = n"))),
        {A: domains.any_rank()}, sizes={n: (2, 3)})
    verdict, r = _verdict(true)
    assert verdict == "proved", r.reason
    assert any("Direction 2" in s for s in r.symbolic.steps)
    # the same statement with the premises swapped: the rank-deficient direction fails
    swapped = _claim("iff_swapped", Equivalence((
        Implies(Identity(sp.Determinant(A), 0), given={A: domains.full_column_rank()}, premise="rank A = n"),
        Implies(Identity(A * A.I, sp.Identity(n)), given={A: domains.full_column_rank()}, premise="rank A = n"))),
        {A: domains.any_rank()}, sizes={n: (2, 3)}, expect="fails")
    verdict, r = _verdict(swapped)
    assert verdict == "refuted", r.reason
    assert r.numeric.counterexample.check.startswith("direction 1")


def test_a_one_directional_equivalence_is_refuted():
    claim = _claim("one_way", Equivalence((
        Implies(Identity(A, A.T), given={A: domains.psd()}, premise="A is PSD"),
        Implies(Property(A, "psd"), given={A: domains.symmetric()}, premise="A is symmetric"))),
        {A: domains.symmetric()}, sizes={n: (2, 2)}, expect="fails")
    verdict, r = _verdict(claim)
    assert verdict == "refuted", r.reason
    assert "direction 2" in r.numeric.counterexample.check


# --- limits and orders ------------------------------------------------------------------------------


b = sp.Symbol("b", real=True)
P_NORM = (sp.Abs(a) ** p + sp.Abs(b) ** p) ** (1 / p)


@pytest.mark.parametrize("claimed, expect", [
    (sp.Max(sp.Abs(a), sp.Abs(b)), "holds"),
    (sp.Abs(a) + sp.Abs(b), "fails"),
    (2 * sp.Max(sp.Abs(a), sp.Abs(b)), "fails"),
])
def test_the_sup_limit_and_wrong_limits(claimed, expect):
    claim = _claim("sup", Limit(P_NORM, p, sp.oo, claimed), {a: domains.real(), b: domains.real()}, expect=expect)
    verdict, r = _verdict(claim)
    assert verdict == ("verified" if expect == "holds" else "refuted"), r.reason
    if expect == "fails":  # SymPy's limit at an exact member differs from the claim
        assert r.symbolic.status == "disproved" and r.symbolic.exact_member


def test_a_difference_quotient_limit_is_proved_and_a_wrong_one_refuted():
    right = _claim("dq", Limit((sp.exp(a * h) - 1) / h, h, 0, a), {a: domains.real()})
    wrong = _claim("dq_wrong", Limit((sp.exp(a * h) - 1) / h, h, 0, 2 * a), {a: domains.real()}, expect="fails")
    assert _verdict(right)[0] == "proved"
    assert _verdict(wrong)[0] == "refuted"


def test_a_divergent_series_is_refuted():
    k, N = sp.Symbol("k", integer=True, positive=True), sp.Symbol("N", integer=True, positive=True)
    t = sp.Symbol("t", real=True)
    inside = _claim("geometric", Limit(sp.Sum(t**k, (k, 0, N)), N, sp.oo, 1 / (1 - t)), {t: domains.interval(-0.5, 0.5)})
    outside = _claim("geometric_out", Limit(sp.Sum(t**k, (k, 0, N)), N, sp.oo, 1 / (1 - t)),
                     {t: domains.interval(1.1, 1.9)}, expect="fails")
    assert _verdict(inside)[0] == "proved"
    verdict, r = _verdict(outside)
    assert verdict == "refuted" and "diverges" in " ".join(r.symbolic.steps), r.reason


@pytest.mark.parametrize("order, verdict", [(3, "proved"), (2, "proved"), (4, "refuted")])
def test_an_order_is_a_bound_and_one_too_high_is_refuted(order, verdict):
    # sin(a h) - a h = -a^3 h^3 / 6 + ...: O(h^3), hence O(h^2), but not O(h^4)
    claim = _claim(f"order_{order}", Order(sp.sin(a * h) - a * h, h, order), {a: domains.real()},
                   expect="holds" if verdict == "proved" else "fails")
    got, r = _verdict(claim)
    assert got == verdict, r.reason


def _slope(error_of_t, order, floor=1e-300):
    import math

    import jax.numpy as jnp

    from verify.limits import ORDER_STEPS, settled_slope
    steps = [2.0 ** -(2 + j) for j in range(ORDER_STEPS)]
    errs = jnp.asarray([abs(error_of_t(t)) for t in steps])
    slope, conclusive = settled_slope(jnp.asarray([math.log(t) for t in steps]), errs, errs > floor, float(order))
    return float(slope), bool(conclusive)


@pytest.mark.parametrize("error, order, low, high", [
    (lambda t: t**3, 3, 2.99, 3.01),  # no cancellation
    # the next term cancels the leading one at t = 1/64: the slopes swing there, then settle at 3
    (lambda t: t**3 - 64 * t**4, 3, 2.6, 3.01),
    (lambda t: t**4 + 40 * t**5, 4, 3.9, 4.1),
    # a false order-3 claim whose error is really O(t^2), with the same kind of dip: settles at 2
    (lambda t: t**2 - 64 * t**3, 3, 1.9, 2.4),
    (lambda t: 1e-4 * t**2 + t**3, 3, 1.9, 2.4),  # the t^2 term wins only below t = 1e-4
])
def test_the_order_slope_is_fitted_where_the_local_slopes_settle(error, order, low, high):
    slope, conclusive = _slope(error, order)
    assert conclusive and low <= slope <= high, slope


def test_an_order_slope_that_never_settles_is_left_out_and_rounding_is_any_order():
    # a dip at t = 2^-10, and the error under the floor from 2^-12 on: two unsettled slopes only
    slope, conclusive = _slope(lambda t: t**3 - 1024 * t**4, 3, floor=2.0 ** -37)
    assert not conclusive
    assert _slope(lambda t: 0.0, 3) == (3.0, True)  # exactly 0: O of any order


@pytest.mark.parametrize("seed", range(6))
def test_a_true_order_with_a_cancellation_passes_and_a_false_one_fails_at_every_seed(seed):
    from verify.numeric import check_numeric
    # b h^3 (1 - 8 c h) with c in [1, 8]: the dip sits between h = 1/64 and 1/8 depending on c
    b, c = sp.Symbol("b", positive=True), sp.Symbol("c", positive=True)
    domain = {b: domains.interval(0.5, 2), c: domains.interval(1, 8)}
    true = _claim("order_dip", Order(b * h**3 * (1 - 8 * c * h), h, 3), domain)
    false = _claim("order_dip_false", Order(b * h**2 * (1 - 8 * c * h), h, 3), domain, expect="fails")
    assert check_numeric(true, seed=seed, instances=32).status == "passed"
    assert check_numeric(false, seed=seed, instances=32).status == "failed"


def test_a_limit_whose_sequence_crosses_it_near_the_end_passes_and_a_wrong_one_fails():
    from verify.numeric import check_numeric
    # a + b s (1 - 1000 s) -> a as s -> 0+, crossing a at s = 1/1000, between the last steps 2^-9 .. 2^-11:
    # one gap dips and the last is larger again (the old test, against the gap before only, refuted it)
    b = sp.Symbol("b", positive=True)
    s = sp.Symbol("s", positive=True)
    domain = {a: domains.real(), b: domains.interval(0.5, 2)}
    crossing = _claim("limit_crossing", Limit(a + b * s * (1 - 1000 * s), s, 0, a), domain)
    wrong = _claim("limit_crossing_wrong", Limit(a + b * s * (1 - 1000 * s), s, 0, a + sp.Rational(1, 20)), domain,
                   expect="fails")
    for seed in range(3):
        assert check_numeric(crossing, seed=seed, instances=16).status == "passed"
        assert check_numeric(wrong, seed=seed, instances=16).status == "failed"


def test_an_order_with_kinks_is_not_proved_by_its_taylor_coefficients():
    r = sp.Symbol("r", real=True)  # a real step: |r|^3 stays an Abs (for a positive h SymPy writes h^3)
    claim = _claim("order_kink", Order(sp.Abs(r) ** 3 * a, r, 3), {a: domains.real()})
    got, r = _verdict(claim)
    assert got == "verified" and "Abs" in r.symbolic.reason, r.reason


# --- load-time errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("statement, message", [
    (Equivalence((Implies(Identity(a, a)),)), "two or more Implies"),
    (Exists({w: 1}, ()), "no conditions"),
    (Exists({w: 1}, (sp.Lt(1, 2),)), "SymPy decided it"),
    (Order(a * h**3, h, 0), "positive integer"),
    (Limit(a / p, p, sp.I, 0), "real number"),
])
def test_malformed_statements_are_refused_at_load(statement, message):
    with pytest.raises(ClaimDefinitionError, match=message):
        _claim("bad", statement, {a: domains.real()})
