"""Infinite sums (Poisson-type series) through the whole pipeline, and the two engine defects that
mutation testing found around them and around entry-indexed sums:

* a false series claim's counterexample was confirmed by `sp.summation` at a rational rate with
  a 17-digit denominator, which ran for minutes and past the 8 GiB memory limit, because the
  time-out signal was swallowed inside JAX's garbage-collection callback (`reduce._within`);
* a transposed operand inside `Sum(x[i, 0], (i, 0, n - 1))` crashed the numeric path with a
  bare IndexError from SymPy instead of being reported ill-formed (`shapes.IndexCondition`)."""

from __future__ import annotations

import time

import mpmath
import pytest
import sympy as sp

from verify import Claim, Identity, Inequality, domains
from verify.highprec import Unsupported, mp_evaluate
from verify.reduce import _SliceOver, _within
from verify.runner import check_claim
from verify.shapes import conditions

k = sp.Symbol("k", integer=True, nonnegative=True)
lam = sp.Symbol("lam", positive=True)
pmf = lam ** k * sp.exp(-lam) / sp.factorial(k)
MASS_MEAN = sp.ImmutableMatrix([sp.Sum(pmf, (k, 0, sp.oo)), sp.Sum(k * pmf, (k, 0, sp.oo))])
VARIANCE = sp.Sum((k - lam) ** 2 * pmf, (k, 0, sp.oo))


def poisson(cid, lhs, rhs):
    return Claim(id=f"test.series.{cid}", title=cid, source="tests", statement=Identity(lhs, rhs),
                 domain={lam: domains.positive(0.1, 20.0)})


def test_the_true_moments_hold_and_false_ones_are_refuted_with_a_confirmed_counterexample():
    true = check_claim(poisson("true", MASS_MEAN, sp.ImmutableMatrix([1, lam])), instances=8, symbolic_budget=60)
    assert true.verdict in ("proved", "verified"), true.reason
    for cid, lhs, rhs in (("negated", -MASS_MEAN, sp.ImmutableMatrix([1, lam])),
                          ("scaled_rhs", MASS_MEAN, 2 * sp.ImmutableMatrix([1, lam]))):
        started = time.monotonic()
        r = check_claim(poisson(cid, lhs, rhs), instances=8, symbolic_budget=60)
        assert r.verdict == "refuted", (cid, r.reason, r.numeric.message)
        c = r.numeric.counterexample
        assert c is not None and c.exact_confirmed, (cid, c)
        assert time.monotonic() - started < 120, cid  # was: minutes, then the 8 GiB memory limit


@pytest.mark.parametrize("rate", [sp.Rational(7410293847561237, 562949953421312), sp.Rational(1, 10), sp.Integer(20)])
def test_series_enclosed_at_60_digits_with_a_proven_tail(rate):
    # a float rate as exact rational (17-digit denominator): sp.summation of the variance term
    # there took minutes; the ratio test's tail bound makes it a fraction of a second
    started = time.process_time()
    values = mp_evaluate(sp.ImmutableMatrix([MASS_MEAN[0], MASS_MEAN[1], VARIANCE]), {"lam": rate})
    assert time.process_time() - started < 10
    for value, exact in zip(values.flat, (1, rate, rate)):
        low, high = _exact(value.a), _exact(value.b)
        assert low <= sp.Rational(exact) <= high  # the enclosure contains the exact sum
        assert high - low < sp.Rational(1, 10 ** 40)  # and is narrow


def _exact(end) -> sp.Rational:
    """An interval's end (a binary float) as the rational it is."""
    with mpmath.workdps(100):  # enough for the 60-digit ends: no rounding here
        man, exp = mpmath.mpf(end).man_exp
    return sp.Integer(man) * sp.Integer(2) ** exp


def test_series_the_ratio_test_cannot_bound_are_left_to_sympy():
    x = sp.Symbol("x", positive=True)
    with pytest.raises(Unsupported, match="not hypergeometric"):
        mp_evaluate(sp.Sum(x ** k + 1 / (k + 1) ** 2, (k, 0, sp.oo)), {"x": sp.Rational(1, 3)})
    with pytest.raises(Unsupported, match="does not tend below 1"):  # divergent: no bound, no 4096 terms either
        mp_evaluate(sp.Sum(1 / (k + 1), (k, 0, sp.oo)), {})
    with pytest.raises(Unsupported, match="does not tend below 1"):
        mp_evaluate(sp.Sum(x ** k, (k, 0, sp.oo)), {"x": sp.Rational(3, 2)})
    geometric = mp_evaluate(sp.Sum(x ** k, (k, 0, sp.oo)), {"x": sp.Rational(1, 3)})
    assert geometric.a <= sp.Rational(3, 2) <= geometric.b


class _SlowFinaliser:
    def __del__(self):  # CPU time spent where a signal handler's exception is swallowed
        end = time.process_time() + 0.2
        while time.process_time() < end:
            pass


def test_a_time_out_swallowed_in_a_finaliser_still_stops_the_computation():
    def work():
        start = time.process_time()
        while time.process_time() - start < 0.3:  # the first signal lands in a __del__ and is swallowed
            _SlowFinaliser()
        while time.process_time() - start < 5.0:  # then plain work, where a repeat takes effect
            pass
        return "ran on"

    started = time.process_time()
    with pytest.raises(_SliceOver):
        _within(0.1, work)
    assert time.process_time() - started < 2.0
    assert _within(5.0, lambda: 7) == 7  # a call that finishes in time is untouched


n = sp.Symbol("n", integer=True, positive=True)
x = sp.MatrixSymbol("x", n, 1)
p = sp.Symbol("p", positive=True)
i = sp.Symbol("i", integer=True, nonnegative=True)


def test_entry_indices_are_well_formedness_conditions():
    transposed = sp.Sum(sp.Abs(x.T[i, 0]), (i, 0, n - 1))  # x.T is 1 x n: only row 0 exists
    bad = [c for c in conditions(transposed) if not c.identically]
    assert [all(c.holds_for({"n": m}) for c in bad) for m in (1, 2, 3)] == [True, False, False]
    assert "index" in str(bad[0])
    assert all(c.identically for c in conditions(sp.Sum(sp.Abs(x[i, 0]), (i, 0, n - 1))))  # negative control
    assert all(c.identically for c in conditions(sp.Sum(x[i + 1, 0], (i, 0, n - 2))))  # shifted within the axis
    assert not all(c.identically for c in conditions(sp.Sum(x[i + 1, 0], (i, 0, n - 1))))  # one past the end


def test_a_transposed_operand_in_an_indexed_sum_is_refuted_as_ill_formed_not_an_index_error():
    def norm(v):
        return sp.Sum(sp.Abs(v[i, 0]) ** p, (i, 0, n - 1)) ** (1 / p)

    def claim(cid, v):
        return Claim(id=f"test.series.{cid}", title=cid, source="tests",
                     # MatMul, not `*`: SymPy's `*` calls doit, which raises the IndexError itself
                     statement=Inequality(x.applyfunc(sp.Abs), sp.MatMul(norm(v), sp.OneMatrix(n, 1)), "<="),
                     domain={x: domains.vector(), p: domains.positive(1.0, 8.0)}, sizes={n: (1, 3)})

    good = check_claim(claim("definite", x), instances=8, symbolic_budget=30)
    assert good.verdict in ("proved", "verified"), good.reason
    bad = check_claim(claim("definite_transposed", x.T), instances=8, symbolic_budget=30)
    assert bad.verdict == "refuted", (bad.reason, bad.numeric.message)
    assert "IndexError" not in bad.reason
    c = bad.numeric.counterexample
    assert c.ill_formed and "index" in c.ill_formed and c.sizes["n"] >= 2
