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
