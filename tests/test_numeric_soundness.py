"""Soundness of the numeric path's comparisons: each test is a false claim that an earlier version
passed (or a true one it must keep passing), checked with `check_numeric` directly.

* entrywise tolerances: a wrong small entry beside a large one;
* minimality without additive constants: a maximum hidden behind `1e14 - ...`;
* `relation="positive"` is strict: 0 is not > 0;
* a local-minimiser property on instances where the search did not converge;
* every scale the claim (or the engine) supplies is stated in the notes.
"""

import numpy as np
import pytest
import sympy as sp

from verify import Claim, Grad, Identity, Jacobian, Minimiser, Property, domains, scalar
from verify.conditioning import ROUNDING_FLOOR
from verify.numeric import compare_entrywise, check_numeric

n = sp.Symbol("n", integer=True, positive=True)
s = sp.Symbol("s", real=True)
t = sp.Symbol("t", real=True)
x = sp.Symbol("x", real=True)
b = sp.Symbol("b", real=True)
w = sp.MatrixSymbol("w", n, 1)
a = sp.MatrixSymbol("a", n, 1)
c = sp.MatrixSymbol("c", n, 1)


def claim(cid, statement, domain, sizes=None, **kw):
    return Claim(id=f"test.soundness.{cid}", title=cid, source="tests", statement=statement, domain=domain,
                 sizes=sizes or {}, **kw)


# --- 1. entrywise tolerances ------------------------------------------------------------------------

BIG_AND_SMALL = {s: domains.interval(20, 25), t: domains.real()}


def test_a_wrong_small_entry_beside_a_large_one_fails():
    # with one scale for the whole matrix (its largest entry, exp(s) ~ 5e8 .. 7e10) the tolerance of
    # the second entry was ~5 .. 700, and t vs 2 t passed on every instance
    st = Identity(sp.ImmutableMatrix([sp.exp(s), t]), sp.ImmutableMatrix([sp.exp(s), 2 * t]))
    c_ = claim("small_entry_doubled", st, BIG_AND_SMALL)
    result = check_numeric(c_, seed=0, instances=32)
    assert result.status == "failed"
    comparison = result.comparisons[0]
    assert comparison.mismatched == comparison.instances == 32
    # max_rel is entrywise, relative to the scale of the entry's tolerance (its size or the rounding
    # floor, 1e-6 exp(s)): far above rtol, where relative to exp(s) it was ~1e-10, below rtol
    assert comparison.max_rel > 1e3 * c_.rtol
    cx = result.counterexample
    assert cx.entry == 1  # the small entry decided it
    assert cx.entry_abs_err == pytest.approx(abs(cx.values["t"]))
    assert cx.entry_tolerance < 1e-3 * cx.entry_abs_err


def test_rounding_from_cancellation_in_a_small_entry_is_within_the_floor():
    # (e^s + t)^2 - e^{2s} - 2 t e^s = t^2: the second entry is computed from terms ~ e^{2s} ~ 1e17 .. 5e21,
    # so its rounding error (~ 1e1 .. 1e6) is far above rtol * t^2; the floor (relative to the
    # largest entry, e^{2s}) leaves room for it.  A true claim must pass.
    lhs = sp.ImmutableMatrix([sp.exp(2 * s), (sp.exp(s) + t) ** 2 - sp.exp(2 * s) - 2 * t * sp.exp(s)])
    c_ = claim("cancellation", Identity(lhs, sp.ImmutableMatrix([sp.exp(2 * s), t**2])), BIG_AND_SMALL)
    result = check_numeric(c_, seed=0, instances=32)
    assert result.status == "passed", result.counterexample
    # the floor is what lets it pass: the rounding error is far above rtol * t^2 + atol
    assert result.comparisons[0].max_abs > 1.0


def test_compare_entrywise_reports_the_deciding_entry():
    lhs = np.array([[1e10, 1.0, 3.0]])
    rhs = np.array([[1e10, 2.0, 3.0]])
    cmp = compare_entrywise(lhs, rhs, np.zeros(1), atol=1e-10, rtol=1e-8, kappa=np.ones(1))
    assert cmp.ratio[0] > 1e3 and cmp.entry[0] == 1
    assert cmp.entry_err[0] == 1.0
    # the floor: 1e-8 * ROUNDING_FLOOR * 1e10 (+ atol), not 1e-8 * 2
    assert cmp.entry_tol[0] == pytest.approx(1e-10 + 1e-8 * ROUNDING_FLOOR * 1e10)
    # a claim-supplied scale (extra) widens every entry's tolerance
    wide = compare_entrywise(lhs, rhs, np.array([1e10]), atol=1e-10, rtol=1e-8, kappa=np.ones(1))
    assert wide.ratio[0] < 1


def test_the_floor_grows_beyond_the_condition_number_cap():
    from verify.conditioning import KAPPA_CAP, rounding_floor

    assert rounding_floor(np.array([1.0, KAPPA_CAP]))[0] == ROUNDING_FLOOR == rounding_floor(KAPPA_CAP)
    assert rounding_floor(KAPPA_CAP * 100) == pytest.approx(100 * ROUNDING_FLOOR)
    assert rounding_floor(np.inf) == 1.0 and rounding_floor(np.nan) == 1.0


# --- 2. minimality without additive constants --------------------------------------------------------

MIN_DOMAIN = {w: domains.vector(), a: domains.vector(), b: domains.real()}
QUAD = scalar((w - a).T * (w - a))


@pytest.mark.parametrize("f", [10**14 - sp.exp(b) * QUAD,  # the constant as a term of the sum
                               sp.exp(b) * (10**14 - QUAD)],  # and inside a factor times a sum
                         ids=["constant_term", "constant_times_factor"])
def test_a_maximum_behind_a_large_constant_is_not_a_minimiser(f):
    # a is the maximum; stationarity holds, and with a tolerance relative to |f(a)| ~ 1e14 (1e6) the
    # decrease of the perturbations (~ e^b ||d||^2 ~ 1 .. 1e3) passed
    result = check_numeric(claim("maximum_offset", Minimiser(f, w, a), MIN_DOMAIN, {n: (1, 3)}),
                           seed=0, instances=16)
    assert result.status == "failed"
    by_name = {k.name: k for k in result.comparisons}
    assert by_name["autodiff gradient at the point = 0"].mismatched == 0
    perturb = by_name["no perturbation of the point lowers f"]
    assert perturb.mismatched == perturb.instances
    assert any("additive constants" in note and "100000000000000" in note for note in result.notes)


def test_a_minimum_behind_a_large_constant_still_passes():
    result = check_numeric(claim("minimum_offset", Minimiser(10**14 + sp.exp(b) * QUAD, w, a), MIN_DOMAIN,
                                 {n: (1, 3)}), seed=0, instances=16)
    assert result.status == "passed", result.counterexample
    assert {k.name for k in result.comparisons} >= {"no perturbation of the point lowers f",
                                                    "an independent solver (normalised (sub)gradient descent) "
                                                    "finds no lower value"}


# --- 3. relation="positive" is strict ---------------------------------------------------------------

@pytest.mark.parametrize("expr", [sp.Max(x, 0), x + sp.Abs(x)], ids=["relu", "x_plus_abs"])
def test_zero_is_not_positive(expr):
    # 0 on half the domain: the old check compared min(value, 0) with 0 and passed
    result = check_numeric(claim("zero_positive", Property(expr, relation="positive"), {x: domains.real()}),
                           seed=0, instances=32)
    assert result.status == "failed"
    cx = result.counterexample
    assert "value > 0" in cx.check
    assert cx.values["x"] <= 0 and cx.lhs == [0.0]
    assert 0 < result.comparisons[0].mismatched < result.comparisons[0].instances


def test_positive_values_pass_and_nonnegative_keeps_its_rule():
    positive = check_numeric(claim("exp_positive", Property(sp.exp(x), relation="positive"), {x: domains.real()}),
                             seed=0, instances=32)
    assert positive.status == "passed"
    assert any("strictly" in note for note in positive.notes)
    nonnegative = check_numeric(claim("relu_nonnegative", Property(sp.Max(x, 0), relation="nonnegative"),
                                      {x: domains.real()}), seed=0, instances=32)
    assert nonnegative.status == "passed"


def test_zero_by_cancellation_is_not_positive():
    # (e^x + 1)^2 - e^{2x} - 2 e^x - 1 is 0: its computed value is 0 or a rounding artefact of either sign
    zero = (sp.exp(x) + 1) ** 2 - sp.exp(2 * x) - 2 * sp.exp(x) - 1
    result = check_numeric(claim("cancelled_zero", Property(zero, relation="positive"), {x: domains.real()}),
                           seed=0, instances=16)
    assert result.status == "failed"
    # every random instance is a mismatch; the violation search adds starts scaled up to 10 sigma, where
    # exp(2x) makes the rounding of the cancellation large enough to pass as a value beyond rounding
    # (the claim is refuted all the same)
    assert result.comparisons[0].mismatched >= 16


def test_a_tiny_positive_value_needs_a_claim_set_atol():
    # 1e-12 e^x > 0 is true, but below the default atol 1e-10 it is indistinguishable from 0;
    # a claim about tiny values sets its own atol (its report says so)
    tiny = sp.Float(1e-12) * sp.exp(x)
    default = check_numeric(claim("tiny_default", Property(tiny, relation="positive"), {x: domains.real()}),
                            seed=0, instances=16)
    assert default.status == "failed"
    own = check_numeric(claim("tiny_own_atol", Property(tiny, relation="positive"), {x: domains.real()},
                              atol=1e-16), seed=0, instances=16)
    assert own.status == "passed"


# --- 4. local minimiser searches that did not converge ---------------------------------------------

def test_a_property_at_local_minima_of_a_function_without_any_is_not_passed():
    # a linear f has no local minimum: every search runs off; the old check gave those instances
    # margin 0 and passed
    f = scalar(c.T * w)
    st = Property(Jacobian(Grad(f, w), w), relation="psd", local_min_of=(f, w))
    result = check_numeric(claim("no_local_min", st, {w: domains.vector(), c: domains.vector()}, {n: (1, 3)}),
                           seed=0, instances=16)
    assert result.status == "error"
    assert "did not converge" in result.message and "fewer than half" in result.message
    assert "strict local minimum" in result.message  # the suggested fix


def test_instances_where_the_search_did_not_converge_are_left_out_and_counted():
    # f = w^3/3 - w has its local minimum at w = 1; from a start below -1 the search runs off to
    # -inf (about 16% of N(0, 1) starts): those are left out, the rest decide
    f = scalar(sp.OneMatrix(1, n) * w.applyfunc(lambda z: z**3 / 3 - z))
    st = Property(Jacobian(Grad(f, w), w), relation="psd", local_min_of=(f, w))
    result = check_numeric(claim("cubic_local_min", st, {w: domains.vector()}, {n: (1, 1)}), seed=0, instances=32)
    assert result.status == "passed", result.message
    assert 0 < result.excluded < 16
    comparison = result.comparisons[0]
    assert comparison.instances == result.instances - result.excluded  # 32 random draws and the search's starts
    note = next(note for note in result.notes if "did not converge on" in note)
    assert f"on {result.excluded} of the {result.instances} instances" in note


# --- 5. every scale is stated ------------------------------------------------------------------------

# (the scale an Algorithmic conclusion supplies is stated in the report's conventions: tests/test_claim.py)


def test_the_stationarity_scale_is_stated():
    # (a claim's own rtol/atol is stated by the report, from the claim: tests/test_claim.py)
    f = scalar((w - a).T * (w - a)) + sp.exp(b) * scalar(w.T * w)
    point = a / (1 + sp.exp(b))
    result = check_numeric(claim("ridge_like", Minimiser(f, w, point), MIN_DOMAIN, {n: (1, 2)}, rtol=1e-6),
                           seed=0, instances=16)
    assert result.status == "passed"
    note = next(note for note in result.notes if note.startswith("autodiff gradient at the point = 0"))
    assert sp.sstr(sp.exp(b) * scalar(w.T * w)) in note
