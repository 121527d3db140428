"""verify.convexity: the structural convexity prover behind "a minimiser is proved only when f is
shown convex".

* the five built-in smooth Minimiser costs are proved convex, and the explanation names the rule;
* extra true cases exercise each further rule (exp, |.|, L1, log-sum-exp, Gram and congruence
  matrices, inverses of PD matrices, constant matrices) and, as a guard against an unsound proof,
  every proved cost is also checked for midpoint convexity at random exact instances;
* false or unprovable costs, aimed at each rule, are NOT proved, the reason names the culprit,
  and for the false ones a midpoint-convexity violation is exhibited, so the case is really false;
* the random cross-check of SymPy's sign assumptions rejects a sign SymPy gets wrong.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import numpy as np
import pytest
import sympy as sp

from derivations import optimization as opt
from derivations import regularization as reg
from verify import domains
from verify.convexity import prove_convex
from verify.evaluate import EXACT, evaluate
from verify.nodes import scalar

# --- the five built-in minimiser costs ------------------------------------------------------------

BUILTINS = [reg.ridge_closed_form, reg.ridge_unpenalized_intercept, reg.l2_solution,
            reg.alpha_zero_recovers_wstar, opt.quadratic_step]
RULES = {  # a phrase each explanation must contain: the rule that makes the main term convex
    "regularization.ridge.closed_form": ["non-negative multiple", "||u||^2 with u = -X*theta + Y", "lam >= 0"],
    "regularization.ridge.unpenalized_intercept": ["||u||^2 with u = X*theta - Y", "Ip = [[0, 0], [0, 1]]",
                                                   "exactly PSD"],
    "regularization.quadratic_model.l2_solution": ["u^T P u with u = w - wstar", "H has domain psd", "alpha/2 >= 0"],
    "regularization.quadratic_model.alpha_zero_recovers_wstar": ["u^T P u with u = w - wstar", "H has domain spd"],
    "optimization.steepest_descent.quadratic_step": ["A has domain spd", "is affine in eta", "PSD quadratic form"],
}


@pytest.mark.parametrize("claim", BUILTINS, ids=lambda c: c.id)
def test_builtin_minimiser_costs_are_proved_convex(claim):
    assert claim.id in RULES
    sizes = claim.smallest_sizes()
    st = claim.build(sizes)
    start = time.perf_counter()
    ok, why = prove_convex(st.f, st.wrt, claim, sizes)
    elapsed = time.perf_counter() - start
    assert ok, why
    assert elapsed < 10.0
    for phrase in RULES[claim.id]:
        assert phrase in why, (phrase, why)
    assert why.endswith(f"so f is convex in {st.wrt.name}.")


def test_builtin_costs_at_symbolic_sizes_and_log_sum_exp_cost():
    claim = reg.ridge_closed_form
    sizes = claim.symbolic_sizes[0]
    st = claim.build(sizes)
    assert prove_convex(st.f, st.wrt, claim, sizes)[0]
    # the steepest-descent orthogonality cost: quadratic + c * log-sum-exp, c >= 0
    claim = opt.orthogonality
    st = claim.build(claim.smallest_sizes())
    ok, why = prove_convex(st.cost, st.state, claim, claim.smallest_sizes())
    assert ok, why
    assert "log-sum-exp of affine functions" in why and "c >= 0" in why


# --- a small toolkit for hand-made costs ----------------------------------------------------------

n = sp.Symbol("n", integer=True, positive=True)
SIZES = {"n": 2}
w = sp.MatrixSymbol("w", n, 1)
a = sp.MatrixSymbol("a", n, 1)
v = sp.MatrixSymbol("v", n, 1)
H = sp.MatrixSymbol("H", n, n)  # spd
K = sp.MatrixSymbol("K", n, n)  # psd
S = sp.MatrixSymbol("S", n, n)  # symmetric
G = sp.MatrixSymbol("G", n, n)  # general
R = sp.MatrixSymbol("R", n, n)  # rank deficient
D = sp.MatrixSymbol("D", n, n)  # diagonal, non-negative
B = sp.MatrixSymbol("B", n, n)  # general, used in congruences
M = sp.MatrixSymbol("M", 3, n)  # general, wide Gram factor
J = sp.MatrixSymbol("J", n, n)  # constant diag(1, -1)
alpha = sp.Symbol("alpha", positive=True)
beta = sp.Symbol("beta", real=True)
gamma = sp.Symbol("gamma", nonnegative=True)

CLAIM = SimpleNamespace(domain={
    "w": domains.vector(), "a": domains.vector(), "v": domains.vector(), "H": domains.spd(), "K": domains.psd(),
    "S": domains.symmetric(), "G": domains.general(), "R": domains.rank_deficient(), "B": domains.general(),
    "D": domains.diagonal_nonnegative(), "M": domains.general(), "alpha": domains.positive(),
    "beta": domains.real(), "gamma": domains.positive(),
    "J": domains.constant(lambda shape: np.diag([1.0, -1.0]), "diag(1, -1)"),
})
w0, w1 = w[0, 0], w[1, 0]


def sq(x):
    return scalar(x.T * x)


def quad(x, p):
    return scalar(x.T * p * x)


def midpoint_violation(f, tries=40, seed=0):
    """An exact random instance where f((x+y)/2) > (f(x)+f(y))/2, or None."""
    rng = np.random.default_rng(seed)
    for _ in range(tries):
        env = dict(SIZES)
        for name, dom in CLAIM.domain.items():
            shape = () if dom.scalar else ((3, 2) if name == "M" else (2, 1) if name in "wav" else (2, 2))
            env[name] = dom.rational(rng, shape)
        den = int(rng.choice([8, 40]))  # points of size up to 5, and up to 1
        x, y = (sp.ImmutableMatrix(2, 1, [sp.Rational(int(rng.integers(-40, 41)), den) for _ in range(2)])
                for _ in range(2))

        def at(p):
            value = evaluate(f, {**env, "w": p}, EXACT)
            return sp.N(value[0, 0] if isinstance(value, sp.MatrixBase) else value, 30)

        fx, fy, fm = at(x), at(y), at((x + y) / 2)
        if fm > (fx + fy) / 2 + sp.Float("1e-20", 30) * (1 + abs(fx) + abs(fy)):
            return env, x, y
    return None


# --- true costs that exercise each rule are proved (and are convex at random instances) -----------

TRUE_CASES = {
    "exp_affine": (sp.exp(scalar(a.T * w) + beta), "exp of a convex term"),
    "abs_affine": (sp.Abs(w0 - 3 * w1 + beta), "absolute value of an affine scalar"),
    "weighted_l1": (alpha * sp.Abs(w0) + gamma * sp.Abs(w1) + sq(w - a), "absolute value"),
    "even_power": ((w0 - beta) ** 4 + 2 * w1, "even power of the affine scalar"),
    "softplus": (sp.log(1 + sp.exp(w0 + beta)), "log-sum-exp of affine functions"),
    "gram_wide": (quad(w - a, M.T * M), "Gram matrix B^T B with B = M"),
    "gram_outer": (quad(w, B * B.T), "Gram matrix B^T B with B = B.T"),
    "congruence": (quad(w, B.T * H * B), "congruence B^T P B with B = B"),
    "inverse_pd_sum": (quad(w - a, (K + alpha * sp.Identity(n)).inv()), "PSD + PD is PD"),
    "inverse_spd": (quad(w, H.inv()), "the inverse of a PD matrix"),
    "diag_nonneg_plus_psd": (quad(w, D + 2 * K), "a sum of PSD matrices"),
    "psd_power": (quad(w, sp.MatPow(K, 3)), "a positive power of a PSD matrix"),
    "transpose_spd": (quad(w, H.T), "the transpose of a symmetric PSD matrix"),
    "max_of_convex": (sp.Max(sq(w), scalar(a.T * w)), "a max of convex terms"),
}


@pytest.mark.parametrize("name", sorted(TRUE_CASES))
def test_true_costs_are_proved_and_the_rule_is_named(name):
    f, rule = TRUE_CASES[name]
    ok, why = prove_convex(f, w, CLAIM, SIZES)
    assert ok, why
    assert rule in why, why
    assert midpoint_violation(f, tries=10) is None


# --- false or unprovable costs are not proved -----------------------------------------------------

# name: (cost, a phrase the reason must contain, whether the cost is really non-convex somewhere)
FALSE_CASES = {
    "negative_norm": (-sq(w), "in `-(w.T*w)[0, 0]`, the coefficient -1 is not shown >= 0", True),
    "symmetric_form": (quad(w, S), "S has domain symmetric, which is not PSD", True),
    "general_form": (quad(w, G), "G has domain general, which is not PSD", True),
    "real_coefficient": (beta * sq(w), "beta is not shown >= 0", True),
    "u_scaled_by_w": (quad(w0 * w, H), "product of 2 factors", True),
    "u_quadratic_in_w": (quad(a + w0 * w, H), "u = w[0, 0]*w + a is not affine in w", True),
    "inverse_of_psd": (quad(w, K.inv()), "K has domain psd, which is not positive definite (the inverse", False),
    "cosine": (sp.cos(w0), "no convexity rule matches the term `cos(w[0, 0])`", True),
    "big_constant_minus_norm": (sp.Float(1e14) - sp.exp(beta) * sq(w - a), "-exp(beta) is not shown >= 0", True),
    "product_of_affine": (scalar(a.T * w) * scalar(v.T * w), "product of 2 factors", True),
    "abs_of_indefinite_quadratic": (sp.Abs(sq(w) - 1), "no convexity rule matches the term `Abs(", True),
    "alpha_minus_one": ((alpha - 1) * sq(w), "alpha - 1 is not shown >= 0", True),
    "transpose_of_general": (quad(w, G.T), "G has domain general, which is not PSD", True),
    "spd_minus_multiple_of_identity": (quad(w, H - alpha * sp.Identity(n)), "-alpha is not shown >= 0", True),
    "product_of_two_spd": (quad(w, H * H.T * K), "no rule shows H*H.T*K (MatMul) PSD", True),
    "exp_of_concave": (sp.exp(-sq(w)), "-1 is not shown >= 0", True),
    "log_of_difference": (sp.log(sp.exp(w0) - sp.exp(w1)), "the coefficient -1 is not shown > 0", False),
    "inverse_of_symmetric": (quad(w, S.inv()), "S has domain symmetric, which is not positive definite", True),
    "rank_deficient_form": (quad(w, R), "R has domain rank_deficient, which is not PSD", True),
    "square_of_general": (quad(w, sp.MatPow(G, 2)), "G has domain general, which is not PSD", True),
    "congruence_of_symmetric": (quad(w, B.T * S * B), "S has domain symmetric, which is not PSD", True),
    "cubic_scalar_factor": (w0 * sq(w), "product of 2 factors", True),
    "max_with_concave": (sp.Max(w0, -w0 ** 2), "in `-w[0, 0]**2`, the coefficient -1 is not shown >= 0", True),
    "constant_indefinite": (quad(w, J), "the constant matrix J = [[1, 0], [0, -1]] is not PSD", True),
    "odd_power": (w0 ** 3, "no convexity rule matches the term `w[0, 0]**3`", True),
}


@pytest.mark.parametrize("name", sorted(FALSE_CASES))
def test_false_or_unprovable_costs_are_not_proved(name):
    f, phrase, really_false = FALSE_CASES[name]
    ok, why = prove_convex(f, w, CLAIM, SIZES)
    assert ok is False, why
    assert phrase in why, why
    if really_false:  # the cost is genuinely non-convex: an exact midpoint violation exists
        assert midpoint_violation(f) is not None


def test_non_scalar_cost_is_not_proved():
    ok, why = prove_convex(w - a, w, CLAIM, SIZES)
    assert not ok and "not a scalar" in why


def test_missing_domain_is_not_proved():
    c = sp.Symbol("c", positive=True)  # no domain in the claim: nothing can be instantiated
    ok, why = prove_convex(c * sq(w), w, CLAIM, SIZES)
    assert not ok and "could not instantiate" in why


# --- the cross-check of SymPy's sign assumptions --------------------------------------------------


class Liar(sp.Function):
    """A real function whose assumptions claim it is >= 0, but whose value is -1 - x^2 < 0."""

    is_real = True
    _imp_ = staticmethod(lambda x: -1 - x * x)

    def _eval_is_nonnegative(self):
        return True


def test_a_wrong_sympy_sign_is_caught():
    # a scalar domain whose generic member is Liar(c): SymPy's assumptions say c >= 0, the values do not
    lying = domains.Domain(**{**domains.real().__dict__, "name": "lying",
                              "generic": lambda name, shape: Liar(sp.Symbol(name, real=True))})
    c = sp.Symbol("c", real=True)
    claim = SimpleNamespace(domain={**CLAIM.domain, "c": lying})
    assert Liar(c).is_nonnegative is True
    ok, why = prove_convex(c * sq(w), w, claim, SIZES)
    assert not ok
    assert "SymPy was wrong" in why and "c >= 0" in why
    # the same cost with an honest non-negative coefficient is proved
    assert prove_convex(c * sq(w), w, SimpleNamespace(domain={**CLAIM.domain, "c": domains.positive()}), SIZES)[0]
