"""The high-precision backend (verify.highprec): interval enclosures at 60 digits with forward-mode
derivatives, used to judge counterexamples at exact members when the sides are not rational.

Each test compares it with SymPy's exact evaluation (the backend it stands in for) or pins a way
it could wrongly refute a true claim: a difference lost to cancellation, an undecided comparison,
a derivative of a derivative."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from verify import Claim, Grad, Identity, Jacobian, domains, sigmoid
from verify.evaluate import EXACT, evaluate
from verify.exact import find_exact_counterexample
from verify.highprec import Unsupported, difference, has_transcendental, mp_evaluate, value_tex
from verify.reduce import exact_difference

t, u = sp.symbols("t u", real=True)
w = sp.MatrixSymbol("w", 3, 1)
A = sp.MatrixSymbol("A", 3, 3)
W = sp.Matrix([[sp.Rational(1, 3), -2, sp.Rational(5, 7)]]).T
M = sp.Matrix([[2, sp.Rational(1, 2), 0], [-1, 3, sp.Rational(2, 5)], [sp.Rational(1, 4), 1, -2]])
ENV = {"w": sp.ImmutableMatrix(W), "A": sp.ImmutableMatrix(M), "t": sp.Rational(-7, 3), "u": sp.Rational(5, 4)}


def _exact_vs_mp(expr):
    exact = evaluate(expr, ENV, EXACT)
    enclosure = mp_evaluate(expr, ENV)
    return exact, enclosure


SCALAR_FUNCTIONS = [sp.exp, sp.tanh, sp.sin, sp.cos, sigmoid, lambda x: sp.log(1 + x**2), sp.Abs,
                    lambda x: sp.Max(x, 1 - x), lambda x: sp.Min(x**2, 3 * x), lambda x: x ** sp.Rational(3, 2)]


@pytest.mark.parametrize("fn", SCALAR_FUNCTIONS, ids=lambda f: getattr(f, "__name__", "composite"))
def test_gradients_match_sympy_exactly_differentiated(fn):
    """A gradient through each function agrees with SymPy's symbolic derivative at a rational point
    to the 1e-30 band (the backend's derivatives are exact rules, not differences)."""
    inner = (A * w)[0, 0] * sp.Rational(1, 5) + (w.T * w)[0, 0] / 7
    if fn is SCALAR_FUNCTIONS[-1]:  # x^(3/2): keep the base positive
        inner = 1 + inner**2
    f = fn(inner) * sp.exp(-((w.T * w)[0, 0]) / 9)
    enclosure = mp_evaluate(Grad(f, w), ENV)
    # the reference: SymPy differentiates f in three real symbols, then the rationals go in
    xs = sp.symbols("x0:3", real=True)
    f_x = evaluate(f, {**ENV, "w": sp.ImmutableMatrix(xs)}, EXACT)
    at = dict(zip(xs, W))
    exact = sp.Matrix([sp.diff(f_x, x).subs(at) for x in xs])
    assert exact_difference(exact, sp.zeros(3, 1))[0] > 0  # a nonzero gradient: the comparison means something
    for k in range(3):
        assert difference(enclosure[k, 0], mp_evaluate(exact[k, 0], {})) == 0.0


def test_inverse_det_trace_jacobian_match_sympy():
    for expr in (A.inv() * w, sp.Determinant(A) * sp.tanh(t), sp.Trace(A * A.T) * sigmoid(u),
                 Jacobian(A * w.applyfunc(sp.tanh), w)):
        exact, enclosure = _exact_vs_mp(expr)
        assert difference(enclosure, mp_evaluate(sp.ImmutableMatrix(exact) if isinstance(exact, sp.MatrixBase)
                                                 else exact, {})) == 0.0


def test_enclosures_are_narrow_and_contain_the_value():
    enclosure = mp_evaluate(sp.tanh(t) * sp.exp(u), ENV)
    assert float(enclosure.delta.b) < 1e-50
    exact = sp.N(sp.tanh(ENV["t"]) * sp.exp(ENV["u"]), 70)
    assert enclosure.a <= exact <= enclosure.b


def test_cancellation_is_never_a_difference():
    """(e^x + 1) - e^x = 1 at x = 300: 60 digits cannot see the 1 next to e^300.  A 60-digit float
    evaluation would call the sides 0 and 1 (a wrong disproof of a true identity); the enclosure is
    wide instead, and the backend gives the decision to SymPy."""
    lhs, rhs = sp.Add(sp.exp(t) + 1, -sp.exp(t), evaluate=False), sp.Integer(1)  # as built, not cancelled
    env = {"t": sp.Integer(300)}
    with pytest.raises(Unsupported):
        difference(mp_evaluate(lhs, env), mp_evaluate(rhs, env))
    claim = Claim(id="t.cancel", title="cancel", source="tests", statement=Identity(lhs, rhs),
                  domain={t: domains.interval(250, 350)}, sizes={})
    assert find_exact_counterexample(claim, {}, lhs, rhs) is None


def test_a_tiny_real_difference_below_the_band_is_rounding_as_before():
    env = {"t": sp.Rational(1, 3)}
    assert difference(mp_evaluate(sp.tanh(t) + sp.Rational(1, 10**40), env), mp_evaluate(sp.tanh(t), env)) == 0.0
    size = difference(mp_evaluate(sp.tanh(t) + sp.Rational(1, 10**20), env), mp_evaluate(sp.tanh(t), env))
    assert size == pytest.approx(1e-20)


def test_undefined_points_and_what_it_leaves_to_sympy():
    with pytest.raises(ValueError):
        mp_evaluate(sp.log(t), {"t": sp.Integer(-2)})
    with pytest.raises(ZeroDivisionError):
        B = sp.MatrixSymbol("B", 2, 2)
        mp_evaluate(B.inv() * sp.exp(t), {"t": sp.Integer(0), "B": sp.ImmutableMatrix([[1, 2], [2, 4]])})
    with pytest.raises(Unsupported):  # forward mode has one epsilon
        mp_evaluate(Grad(Grad(sp.tanh((w.T * w)[0, 0]), w).T * w, w), ENV)
    with pytest.raises(Unsupported):  # sign of an enclosure around 0
        tiny = sp.Add(sp.exp(t) * (1 + sp.Rational(1, 10**70)), -sp.exp(t), evaluate=False)  # 1e-70 e^t > 0
        mp_evaluate(sp.sign(tiny), {"t": sp.Rational(1, 3)})


def test_which_expressions_take_the_fast_path():
    assert has_transcendental(sp.tanh(t)) and has_transcendental(sp.sqrt(t)) and has_transcendental(sp.pi * t)
    assert has_transcendental(w.applyfunc(sigmoid))
    assert not has_transcendental(sp.Abs(t) + sp.Max(t, u) ** 2, A.inv() * w)


def test_counterexample_search_uses_it_and_shows_approximations():
    true = Claim(id="t.tanh_sigmoid", title="tanh", source="tests", statement=Identity(sp.tanh(t), 2 * sigmoid(2 * t) - 1),
                 domain={t: domains.real()}, sizes={})
    assert find_exact_counterexample(true, {}, sp.tanh(t), 2 * sigmoid(2 * t) - 1) is None
    lhs, rhs = sp.tanh(t), 2 * sigmoid(t) - 1
    false = Claim(id="t.tanh_sigmoid_wrong", title="tanh", source="tests", statement=Identity(lhs, rhs),
                  domain={t: domains.real()}, sizes={})
    found = dict(find_exact_counterexample(false, {}, lhs, rhs))
    assert sp.Rational(sp.parse_expr(found["t"].replace("\\frac{", "(").replace("}{", ")/(").replace("}", ")")))
    assert found["left side"].startswith(r"\approx ") and found["right side"].startswith(r"\approx ")
    assert found["left side"] != found["right side"]


def test_value_tex_prints_midpoints_to_twelve_digits():
    text = value_tex(mp_evaluate(sp.Matrix([[sp.tanh(sp.Rational(1, 3)), 0]]), {}))
    assert text == r"\approx \left[\begin{matrix}0.321512737532 & 0\end{matrix}\right]"
    assert np.isclose(float(text.split()[1][len(r"\left[\begin{matrix}"):]), np.tanh(1 / 3))
