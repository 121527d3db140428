"""The 50-digit cross-checks that every symbolic "= 0" and sign decision must survive."""

import sympy as sp

from verify import sigmoid
from verify.crosscheck import equal_everywhere, psd_everywhere, sign_everywhere

x = sp.Symbol("x", positive=True)
y = sp.Symbol("y", real=True)
t = sp.Symbol("t", real=True)


def test_true_identities_pass():
    assert equal_everywhere(sp.tanh(t), 2 * sigmoid(2 * t) - 1).ok
    assert equal_everywhere(sp.log(x * x), 2 * sp.log(x)).ok
    assert equal_everywhere(sp.exp(t) * sp.exp(-t), 1).ok
    assert equal_everywhere(sp.Matrix([t, 1]), sp.Matrix([t, 1])).ok


def test_identities_false_only_far_out_are_caught():
    # |cos(t/8)| = cos(t/8) holds for |t| < 4 pi: the points must reach well past it
    for lhs, rhs in [(sp.Abs(sp.cos(t / 8)), sp.cos(t / 8)), (sp.sign(sp.cos(t / 8)), 1),
                     (sp.Max(sp.cos(t / 8), 0), sp.cos(t / 8)), (sp.sqrt(t**2), t)]:
        check = equal_everywhere(lhs, rhs)
        assert not check.ok and "50-digit" in check.detail, (lhs, rhs)


def test_signs_follow_the_assumptions_of_each_symbol():
    assert sign_everywhere(x**2 + y**2, "nonnegative").ok
    assert sign_everywhere(sp.exp(y) * x, "positive").ok
    assert not sign_everywhere(y, "nonnegative").ok  # a real symbol takes negative values
    assert not sign_everywhere(x - 1, "nonnegative").ok  # magnitudes down to 1e-2
    assert not sign_everywhere(sp.Float(1e14) - sp.exp(x), "nonnegative").ok  # magnitudes up to 1e3
    assert not sign_everywhere(sp.Max(y, 0), "positive").ok  # 0 is not > 0


def test_psd_is_decided_on_eigenvalues():
    assert psd_everywhere(sp.Matrix([[1, 0], [0, x]])).ok
    assert not psd_everywhere(sp.Matrix([[1, t / 2], [t / 2, 1]])).ok  # indefinite once |t| > 2


def test_visibly_nonzero_never_flags_an_identity_however_it_cancels():
    """The shortcut that lets the zero tests give up early (verify.reduce) must never call an
    identity nonzero: rounding noise at 30 digits and at 60 digits never agree."""
    from verify.crosscheck import visibly_nonzero

    identities = [
        (1 + x) ** 40 - sp.expand((1 + x) ** 40),  # terms up to 1e120 cancel to 0
        sp.exp(3 * x) - sp.exp(x) ** 3,  # values up to e^3000
        sp.tanh(t) - (2 * sigmoid(2 * t) - 1),
        sp.log(x * x) - 2 * sp.log(x),
        sp.Matrix([t - t, sp.exp(t) * sp.exp(-t) - 1]),
        sp.Integer(0),
    ]
    for residual in identities:
        assert not visibly_nonzero(residual, points=8), residual


def test_visibly_nonzero_sees_real_differences_and_leaves_tiny_ones_to_the_zero_tests():
    from verify.crosscheck import visibly_nonzero
    from verify.reduce import reduce_to_zero

    for residual in [sp.sin(t) - t + t**3 / 6, 2 * sigmoid(t) - sp.tanh(t) - 1, sp.Matrix([0, x - 1 - x**2])]:
        assert visibly_nonzero(residual), residual
    # a difference below the low precision is not "visible": the exact zero tests decide it
    tiny = sp.exp(x + sp.Rational(1, 10**40)) - sp.exp(x)
    assert not visibly_nonzero(tiny)
    assert reduce_to_zero(tiny)[0] is False


def test_visibly_nonzero_is_not_fooled_by_absorbed_rounding():
    """rl.pg.baseline_unbiased's residual: b (p1 - p1^2) - b p1 p2 - b p1 p3 = 0 for softmax p.  With
    theta_1 far above the others (shifted by 1000 here), p1 - p1^2 rounds to exactly 0 at 30 and at
    60 digits while the other terms are ~e^-1000 at both: the two precisions agree on a value that
    is rounding, so points where a sum absorbs a term must not count."""
    from verify.crosscheck import visibly_nonzero

    b = sp.Symbol("b", real=True)
    th = sp.symbols("theta1:4", real=True)
    s = sp.exp(th[0] + 1000) + sp.exp(th[1]) + sp.exp(th[2])
    p = [sp.exp(th[0] + 1000) / s, sp.exp(th[1]) / s, sp.exp(th[2]) / s]
    residual = b * (p[0] - p[0] ** 2) - b * p[0] * p[1] - b * p[0] * p[2]
    assert not visibly_nonzero(residual, points=40)
    s = sum(sp.exp(v) for v in th)
    p = [sp.exp(v) / s for v in th]
    residual = b * (p[0] - p[0] ** 2) - b * p[0] * p[1] - b * p[0] * p[2]
    assert not visibly_nonzero(residual, points=40)
    assert visibly_nonzero(residual + b * p[0] * p[1] / 1000, points=40)


def test_exact_counterexample_values_print_rationals_exactly_and_the_rest_to_12_digits():
    from verify.exact import _value_tex

    assert _value_tex(sp.Rational(1, 3)) == r"\frac{1}{3}"
    assert _value_tex(sp.Matrix([[1, sp.Rational(-2, 7)]])) == sp.latex(sp.Matrix([[1, sp.Rational(-2, 7)]]))
    shown = _value_tex(sp.Matrix([sp.tanh(sp.Rational(1, 3)), 2]))
    assert shown.startswith(r"\approx ") and "0.321512737532" in shown and "tanh" not in shown
    assert r"\\2\end" in shown  # the exact entry 2 stays exact
