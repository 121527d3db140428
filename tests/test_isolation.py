"""Isolation: a claim that hangs, crashes, returns NaN or eats memory costs its budget, gets the
verdict `error` with the reason, and every other claim still gets its verdict."""

import sympy as sp

from verify import Algorithmic, Claim, Grad, domains, scalar
from verify.runner import check_claim

n = sp.Symbol("n", integer=True, positive=True)


def test_a_nan_tolerance_scale_is_an_error_not_a_pass():
    """A false claim (fixed-step descent: consecutive gradients are not orthogonal) whose scale is
    NaN: every comparison with a NaN tolerance is False, so it passed before."""
    theta, S, b = sp.MatrixSymbol("theta", n, 1), sp.MatrixSymbol("S", n, n), sp.MatrixSymbol("b", n, 1)
    eta = sp.Symbol("eta", positive=True)
    cost = scalar(theta.T * S * theta) / 2 - scalar(b.T * theta)

    def conclusion(th, nxt):
        g, g_next = Grad(cost, theta, at=th), Grad(cost, theta, at=nxt)
        return scalar(g_next.T * g), 0, sp.sqrt(-1 - scalar(g.T * g))  # the scale: sqrt of a negative

    claim = Claim(id="test.isolation.nan_scale", title="NaN scale", source="tests",
                  statement=Algorithmic(cost, theta, eta, theta - eta * Grad(cost, theta), conclusion,
                                        step_rule=sp.Rational(1, 10), iterations=2),
                  domain={theta: domains.vector(), S: domains.spd(), b: domains.vector()}, sizes={n: (2, 2)})
    result = check_claim(claim, instances=8, symbolic_budget=5)
    assert result.verdict == "error"
    assert "conclusion after each of 2 steps: non-finite values (NaN or inf)" in result.numeric.message
