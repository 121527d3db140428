"""sigmoid, softplus, logsumexp and softmax: the symbolic path reduces them as the exp/log forms
they stand for (so true identities come out `proved`, not just `verified`), every backend
evaluates them (exact SymPy, JAX with the numerically stable jax.nn / jax.scipy forms, 60-digit
intervals, the mpmath cross-check), and the reducer behind it stays sound.

The false counterparts, aimed at each shortcut, are in tests/quality/test_red_team.py (area
`explog`); here the true ones must be proved and the reducer's refusals are pinned."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import mpmath
import numpy as np
import pytest
import sympy as sp

from verify import (Claim, Derivation, Gradient, Identity, Minimiser, domains, logsumexp, scalar, sigmoid, softmax,
                    softplus)
from verify.crosscheck import mp_value
from verify.evaluate import EXACT, evaluate, jax_backend
from verify.highprec import has_transcendental, mp_evaluate
from verify.reduce import _exp_log_normal_form, definitions_in_exp, reduce_to_zero
from verify.runner import run_claims

t, c = sp.symbols("t c", real=True)
z = sp.Symbol("z")  # complex: no positivity may be assumed
p = sp.Symbol("p", positive=True)
q = sp.Symbol("q", positive=True)
n = sp.Symbol("n", integer=True, positive=True)
x = sp.MatrixSymbol("x", n, 1)
w = sp.MatrixSymbol("w", 1, 1)
ONE = sp.OneMatrix(n, 1)
R, V = domains.real, domains.vector

# --- the true identities of the brief (and their neighbours) must come out `proved` ----------------

TRUE = {
    "sigmoid_reflection": (Identity(sigmoid(-t), 1 - sigmoid(t)), {t: R()}, {}),
    "sigmoid_derivative_via_exp": (Gradient(sigmoid(w[0, 0]), w, sp.ImmutableMatrix(
        [[sp.exp(-w[0, 0]) / (1 + sp.exp(-w[0, 0])) ** 2]])), {w: V()}, {}),
    # (sp.diff(sigmoid(t), t) is built as sigmoid(t)(1 - sigmoid(t)) itself: as a first step it would make
    # the chain trivially true as built, and loading it warns)
    "sigmoid_derivative_chain": (Derivation((sigmoid(t) * (1 - sigmoid(t)), sigmoid(t) * sigmoid(-t),
                                             sp.exp(t) / (1 + sp.exp(t)) ** 2)), {t: R()}, {}),
    "sigmoid_as_exp_ratio": (Identity(sigmoid(t), sp.exp(t) / (1 + sp.exp(t))), {t: R()}, {}),
    "log_sigmoid_ratio": (Identity(sp.log(sigmoid(t)) - sp.log(sigmoid(-t)), t), {t: R()}, {}),
    "tanh_via_sigmoid": (Identity(sp.tanh(t), 2 * sigmoid(2 * t) - 1), {t: R()}, {}),
    "sigmoid_via_tanh_half": (Identity(sigmoid(t), (1 + sp.tanh(t / 2)) / 2), {t: R()}, {}),
    "sigmoid_of_logit": (Identity(sigmoid(sp.log(q) - sp.log(1 - q)), q), {q: domains.probability()}, {}),
    "softplus_difference": (Identity(softplus(t) - softplus(-t), t), {t: R()}, {}),
    "softplus_is_minus_log_sigmoid": (Identity(softplus(-t), -sp.log(sigmoid(t))), {t: R()}, {}),
    "softplus_derivative": (Gradient(softplus(w[0, 0]), w, sp.ImmutableMatrix([[1 - sigmoid(-w[0, 0])]])),
                            {w: V()}, {}),
    "logsumexp_shift": (Identity(logsumexp(x + c * ONE), logsumexp(x) + c), {x: V(), c: R()}, {n: (1, 3)}),
    "logsumexp_of_two_is_softplus": (Identity(logsumexp(sp.ImmutableMatrix([t, c])), c + softplus(t - c)),
                                     {t: R(), c: R()}, {}),
    "logsumexp_gradient_is_softmax": (Gradient(logsumexp(x), x, softmax(x)), {x: V()}, {n: (1, 3)}),
    "softmax_shift": (Identity(softmax(x + c * ONE), softmax(x)), {x: V(), c: R()}, {n: (1, 3)}),
    "softmax_is_exp_minus_logsumexp": (Identity(softmax(x), (x - logsumexp(x) * ONE).applyfunc(sp.exp)),
                                       {x: V()}, {n: (1, 3)}),
    "softmax_sums_to_one": (Identity(scalar(ONE.T * softmax(x)), sp.Integer(1)), {x: V()}, {n: (1, 3)}),
    # minimisers: the convexity rules for the nodes (logsumexp / softplus of affine arguments)
    "logsumexp_ridge_minimiser": (Minimiser(logsumexp(x) + scalar(x.T * x) / 2, x, -ONE / n), {x: V()}, {n: (1, 3)}),
    "softplus_pair_minimiser": (Minimiser(softplus(w[0, 0]) + softplus(-w[0, 0]), w, sp.ZeroMatrix(1, 1)), {w: V()}, {}),
    "softmax_jacobian": (Gradient(softmax(x), x, sp.DiagMatrix(softmax(x)) - softmax(x) * softmax(x).T),
                         {x: V()}, {n: (1, 3)}),
}


@pytest.fixture(scope="module")
def true_results():
    claims = [Claim(id=f"test.explog.{name}", title=name, source="tests", statement=st, domain=dom, sizes=sizes)
              for name, (st, dom, sizes) in TRUE.items()]
    return {r.id.rsplit(".", 1)[1]: r for r in run_claims(claims, instances=16, symbolic_budget=20)}


@pytest.mark.parametrize("name", list(TRUE))
def test_true_identity_is_proved(name, true_results):
    r = true_results[name]
    assert r.verdict == "proved", (r.verdict, r.reason, r.symbolic.reason, r.symbolic.steps[-1:])


def test_the_brief_identities_needed_the_new_route():
    """Negative control: without the exp/log route (the two reducers that were there before it) the
    sigmoid identities stay unreduced, so `proved` above is this route's doing."""
    from verify.reduce import _exp_atoms_as_symbols, _rational_normal_form

    before = (("rational", _rational_normal_form, None), ("exp atoms", _exp_atoms_as_symbols, None))
    for residual in (sigmoid(-t) - (1 - sigmoid(t)), sigmoid(t) - sp.exp(t) / (1 + sp.exp(t)),
                     sp.log(sigmoid(t)) - sp.log(sigmoid(-t)) - t, sp.tanh(t) - 2 * sigmoid(2 * t) + 1):
        assert reduce_to_zero(residual, before)[0] is False, residual
        assert reduce_to_zero(residual)[0] is True, residual


# --- the reducer: what it proves, and what it must refuse ------------------------------------------


@pytest.mark.parametrize("residual", [
    sp.exp(t / 2) * sp.exp(t / 3) - sp.exp(5 * t / 6),
    sp.log((1 + sp.exp(t)) ** 2) - 2 * softplus(t),
    sp.log(p ** 2) - 2 * sp.log(p),
    sp.log(sp.exp(t)) - t,
    sp.exp(2 * sp.log(p)) - p ** 2,
    sp.exp(sp.log(z)) - z,  # exp(log z) = z for every z != 0, complex too
    sp.log(6 * p) - sp.log(2) - sp.log(3) - sp.log(p),
    sp.exp(sp.log(1 + sp.exp(t)) / 2) ** 2 - (1 + sp.exp(t)),
    sp.exp(t / 2 + sp.log(1 + sp.exp(t)) / 3) - sp.exp(t / 2) * sp.exp(sp.log(1 + sp.exp(t)) / 3),
], ids=lambda e: sp.sstr(e)[:40])
def test_exp_log_normal_form_reduces_identities(residual):
    assert _exp_log_normal_form(residual) == 0


@pytest.mark.parametrize("residual", [
    sp.log((1 - sp.exp(t)) ** 2) - 2 * sp.log(1 - sp.exp(t)),  # 1 - e^t < 0 for t > 0: not split
    sp.log(z ** 2) - 2 * sp.log(z),  # a complex z: not split
    sp.log(sp.exp(z)) - z,  # log(exp(z)) = z only for a real z
    sp.exp(sp.log(p) / 2) - p,  # exp(k log z) = z^k only for an integer k
    sp.log(-sp.exp(t)) - t,  # a negative constant factor
    sigmoid(t) - (1 + sp.tanh(t / 3)) / 2,
    sp.log(sp.exp(t) + sp.exp(-t)) - t - sp.log(1 + sp.exp(-t)),
], ids=lambda e: sp.sstr(e)[:40])
def test_exp_log_normal_form_refuses_what_does_not_hold_everywhere(residual):
    assert _exp_log_normal_form(residual) != 0


def test_definitions_in_exp():
    assert definitions_in_exp(sigmoid(t)) == 1 / (1 + sp.exp(-t))
    assert definitions_in_exp(softplus(t)) == sp.log(1 + sp.exp(t))
    assert definitions_in_exp(logsumexp(sp.ImmutableMatrix([t, c]))) == sp.log(sp.exp(t) + sp.exp(c))
    assert definitions_in_exp(logsumexp(x)) == logsumexp(x)  # symbolic size: nothing to unfold
    assert definitions_in_exp(t + 1) == t + 1


# --- every backend evaluates the nodes, JAX stably ----------------------------------------------------

v3 = sp.MatrixSymbol("v", 3, 1)
VALUES = {"v": [[sp.Rational(1, 3)], [-2], [sp.Rational(5, 4)]], "t": sp.Rational(-7, 3)}
EXPRS = [sigmoid(t), softplus(t), logsumexp(v3), softmax(v3), logsumexp(v3.applyfunc(softplus)) * sigmoid(t),
         scalar(v3.T * softmax(2 * v3))]


@pytest.mark.parametrize("expr", EXPRS, ids=lambda e: sp.sstr(e)[:40])
def test_backends_agree(expr):
    exact_env = {"v": sp.ImmutableMatrix(VALUES["v"]), "t": VALUES["t"]}
    exact = evaluate(expr, exact_env, EXACT)
    exact = sp.Matrix(exact) if isinstance(exact, sp.MatrixBase) else sp.Matrix([exact])
    assert not any(e.has(softmax, logsumexp) for e in exact)  # the exact backend builds the exp/log form
    expected = np.asarray(sp.N(exact, 30), dtype=float)
    numeric = np.asarray(evaluate(expr, {k: jnp.asarray(np.asarray(v, dtype=float)) if isinstance(v, list)
                                         else jnp.asarray(float(v)) for k, v in VALUES.items()}, jax_backend()))
    np.testing.assert_allclose(numeric.reshape(expected.shape), expected, rtol=1e-12, atol=1e-14)
    enclosure = mp_evaluate(expr, exact_env)
    mids = [float(mpmath.mpf(e.mid)) for e in (enclosure.flat if hasattr(enclosure, "flat") else [enclosure])]
    np.testing.assert_allclose(np.asarray(mids).reshape(expected.shape), expected, rtol=1e-14)
    assert has_transcendental(expr)


def test_jax_lowering_is_stable_far_out():
    """Where the naive exp forms overflow (exp(1000)) or cancel, the lowered forms stay finite and
    right, and so do their derivatives."""
    be = jax_backend()
    big = jnp.asarray([[1000.0], [1000.0], [-1000.0]])
    assert float(evaluate(logsumexp(v3), {"v": big}, be)) == pytest.approx(1000 + np.log(2), rel=1e-15)
    sm = np.asarray(evaluate(softmax(v3), {"v": big}, be))
    np.testing.assert_allclose(sm[:, 0], [0.5, 0.5, 0.0], atol=1e-300)
    assert float(evaluate(softplus(t), {"t": jnp.asarray(1000.0)}, be)) == 1000.0
    assert float(evaluate(softplus(t), {"t": jnp.asarray(-1000.0)}, be)) == 0.0
    assert float(evaluate(sigmoid(t), {"t": jnp.asarray(-1000.0)}, be)) == 0.0
    grads = jax.grad(lambda s: evaluate(softplus(t), {"t": s}, be))(jnp.asarray(-1000.0))
    assert np.isfinite(float(grads))
    g = jax.grad(lambda v: evaluate(logsumexp(v3), {"v": v}, be))(big)
    np.testing.assert_allclose(np.asarray(g)[:, 0], [0.5, 0.5, 0.0], atol=1e-300)


def test_mpmath_crosscheck_evaluates_the_scalar_nodes():
    with mpmath.workdps(50):
        assert abs(mp_value(softplus(t), {t: mpmath.mpf(3)}) - mpmath.log(1 + mpmath.e ** 3)) < mpmath.mpf(10) ** -45
        assert abs(mp_value(sigmoid(t), {t: mpmath.mpf(-2)}) - 1 / (1 + mpmath.e ** 2)) < mpmath.mpf(10) ** -45
    assert sp.N(softplus(15) - 15, 30) > 0 and sp.N(logsumexp(sp.ImmutableMatrix([0, 0])), 20) == sp.N(sp.log(2), 20)


# --- the nodes: what they accept, and what they say otherwise ------------------------------------------


def test_nodes_take_column_vectors_and_say_what_to_give_otherwise():
    A = sp.MatrixSymbol("A", n, n)
    for node in (logsumexp, softmax):
        assert node(x).free_symbols == {x}
        with pytest.raises(TypeError, match=rf"{node.__name__}: t is a scalar; {node.__name__} takes a column vector"):
            node(t)
        with pytest.raises(TypeError, match=r"is 1 x n, not a column vector \(a row vector: transpose it\)"):
            node(x.T)
        with pytest.raises(TypeError, match=r"A is n x n, not a column vector"):
            node(A)
    assert softmax(x).shape == (n, 1) and (softmax(x).T * x).shape == (1, 1)
    assert sp.diff(softplus(t), t) == sigmoid(t) and sp.diff(sigmoid(t), t) == sigmoid(t) * (1 - sigmoid(t))
    assert sigmoid(t).is_positive and softplus(t).is_positive and sigmoid(z).is_positive is None
    assert sp.diff(logsumexp(sp.ImmutableMatrix([t, 2 * t])), t) == sp.diff(sp.log(sp.exp(t) + sp.exp(2 * t)), t)


def test_exported_from_verify():
    import verify

    assert {"sigmoid", "softplus", "logsumexp", "softmax"} <= set(verify.__all__)
