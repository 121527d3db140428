"""Every statement kind: a true case that the engine proves (or verifies) and a false case --
a negative control with a realistic slip -- that it refutes.  These are first-class tests: a
verifier that passes wrong claims is worse than none."""

import sympy as sp
import pytest

from verify import (Algorithmic, Claim, Derivation, Expectation, Grad, Gradient, Identity, Minimiser, Property,
                    Shape, domains, scalar, sigmoid)
from verify.claim import free_symbols
from verify.runner import check_claim

n = sp.Symbol("n", integer=True, positive=True)
m = sp.Symbol("m", integer=True, positive=True)
A = sp.MatrixSymbol("A", n, n)
B = sp.MatrixSymbol("B", n, n)
X = sp.MatrixSymbol("X", m, n)
x = sp.MatrixSymbol("x", n, 1)
y = sp.MatrixSymbol("y", m, 1)
w = sp.MatrixSymbol("w", n, 1)
t = sp.Symbol("t", real=True)
lam = sp.Symbol("lam", positive=True)
u = sp.MatrixSymbol("u", 1, 1)

MAT = {A: domains.general(), B: domains.general(), x: domains.vector()}


def claim(cid, statement, domain, sizes=None, **kw):
    # the cases share domain tables; each claim declares only the symbols its statement uses
    used = {str(s.name) for s in free_symbols(statement)} if not callable(statement) else None
    domain = {k: v for k, v in domain.items() if used is None or str(getattr(k, "name", k)) in used}
    return Claim(id=f"test.kinds.{cid}", title=cid, source="tests", statement=statement, domain=domain,
                 sizes={n: (1, 3)} if sizes is None else sizes, **kw)


def quadratic_cost():
    return scalar(x.T * A * x) / 2


CASES = [
    # identity: transpose of a product reverses the order; the slip keeps the order
    # sp.Transpose keeps (AB)^T as written: `.T` applies the rule while building, and the claim would be
    # trivially true as built (B^T A^T = B^T A^T)
    ("identity_true", lambda: claim("identity_true", Identity(sp.Transpose(A * B), B.T * A.T), MAT), {"proved"}),
    ("identity_order", lambda: claim("identity_order", Identity((A * B).T, A.T * B.T), MAT), {"refuted"}),
    ("identity_sign", lambda: claim("identity_sign", Identity(sp.tanh(-t), sp.tanh(t)), {t: domains.real()}, {}),
     {"refuted"}),
    # gradient: d/dx x^T A x = (A + A^T) x; a dropped transpose and a missing factor 2
    ("gradient_true", lambda: claim("gradient_true", Gradient(x.T * A * x, x, (A + A.T) * x), MAT), {"proved"}),
    ("gradient_dropped_transpose", lambda: claim("gradient_dropped_transpose",
                                                 Gradient(x.T * A * x, x, 2 * A * x), MAT), {"refuted"}),
    ("gradient_missing_two", lambda: claim("gradient_missing_two",
                                           Gradient(scalar(x.T * x), x, x), {x: domains.vector()}), {"refuted"}),
    # gradient through autodiff: d/du log sigmoid(u) = 1 - sigmoid(u); the slip writes sigmoid(u)
    ("gradient_sigmoid", lambda: claim("gradient_sigmoid", Gradient(sp.log(sigmoid(u[0, 0])), u,
                                                                    sp.ImmutableMatrix([[1 - sigmoid(u[0, 0])]])),
                                       {u: domains.vector()}, {}), {"proved"}),
    ("gradient_sigmoid_slip", lambda: claim("gradient_sigmoid_slip", Gradient(sp.log(sigmoid(u[0, 0])), u,
                                                                              sp.ImmutableMatrix([[sigmoid(u[0, 0])]])),
                                            {u: domains.vector()}, {}), {"refuted"}),
    # derivation: each step; the broken one is found
    ("derivation_true", lambda: claim("derivation_true", Derivation(((A + B).T * x, A.T * x + B.T * x, (A.T + B.T) * x)),
                                      {**MAT}), {"proved"}),
    ("derivation_factor", lambda: claim("derivation_factor", Derivation(((A + A).T * x, A.T * x, 2 * A.T * x)), MAT),
     {"refuted"}),
    # minimiser: ridge; the slip halves the penalty weight
    ("minimiser_true", lambda: claim("minimiser_true", Minimiser(
        scalar((y - X * w).T * (y - X * w)) + lam * scalar(w.T * w), w,
        (X.T * X + lam * sp.Identity(n)).inverse() * X.T * y),
        {X: domains.general(), y: domains.vector(), lam: domains.positive(1e-2, 1e1)}, {m: (2, 3), n: (1, 2)}),
     {"proved"}),
    ("minimiser_factor", lambda: claim("minimiser_factor", Minimiser(
        scalar((y - X * w).T * (y - X * w)) + lam * scalar(w.T * w), w,
        (X.T * X + lam / 2 * sp.Identity(n)).inverse() * X.T * y),
        {X: domains.general(), y: domains.vector(), lam: domains.positive(1e-2, 1e1)}, {m: (2, 3), n: (1, 2)}),
     {"refuted"}),
    # expectation: a state baseline has zero mean score; an action-dependent one does not
    ("expectation_true", lambda: _baseline(False), {"proved"}),
    ("expectation_action_baseline", lambda: _baseline(True), {"refuted"}),
    # property: Gram matrix of a Gaussian kernel is PSD; the "similarity" -|x - y|^2 is not
    ("property_true", lambda: _gram(True), {"proved", "verified"}),
    ("property_false", lambda: _gram(False), {"refuted"}),
    # algorithmic: exact line search makes consecutive gradients orthogonal; a fixed step does not
    ("algorithmic_true", lambda: _descent("exact_line_search"), {"proved"}),
    ("algorithmic_fixed_step", lambda: _descent(sp.Rational(1, 10)), {"refuted"}),
    # shape: x^T A x is 1 x 1; A x^T is ill-formed
    ("shape_true", lambda: claim("shape_true", Shape(x.T * A * x, (1, 1)), MAT), {"proved"}),
    ("shape_false", lambda: claim("shape_false", Shape(A * x.T), MAT), {"refuted"}),
]


def _baseline(action_dependent: bool):
    k = 3
    theta = sp.MatrixSymbol("theta", k, 1)
    b = sp.Symbol("b", real=True)
    z = sum(sp.exp(theta[j, 0]) for j in range(k))
    probs = [sp.exp(theta[a, 0]) / z for a in range(k)]
    values = [Grad(sp.log(probs[a]), theta) * (b + (a if action_dependent else 0)) for a in range(k)]
    return claim("expectation_" + ("action" if action_dependent else "state"),
                 Expectation(tuple(probs), tuple(values), sp.ZeroMatrix(k, 1)),
                 {theta: domains.vector(), b: domains.real()}, {})


def _gram(gaussian: bool):
    pts = sp.MatrixSymbol("P", 2, 3)
    sigma = sp.Symbol("sigma", positive=True)

    def build(sizes):
        def k(i, j):
            d2 = sum((pts[r, i] - pts[r, j]) ** 2 for r in range(2))
            return sp.exp(-d2 / (2 * sigma**2)) if gaussian else -d2
        return Property(sp.ImmutableMatrix(3, 3, lambda i, j: k(i, j)), "psd")

    return claim("gram_" + str(gaussian).lower(), build, {pts: domains.general(), sigma: domains.positive(0.3, 3)}, {})


def _descent(step_rule):
    theta = sp.MatrixSymbol("theta", n, 1)
    S = sp.MatrixSymbol("S", n, n)
    bvec = sp.MatrixSymbol("bvec", n, 1)
    eta = sp.Symbol("eta", positive=True)
    cost = scalar(theta.T * S * theta) / 2 - scalar(bvec.T * theta)
    g = lambda at: Grad(cost, theta, at=at)  # noqa: E731
    return claim("descent_" + ("exact" if step_rule == "exact_line_search" else "fixed"), Algorithmic(
        cost, theta, eta, theta - eta * Grad(cost, theta),
        lambda th, nxt: (scalar(g(nxt).T * g(th)), 0, sp.sqrt(scalar(g(nxt).T * g(nxt)) * scalar(g(th).T * g(th)))),
        step_rule=step_rule, iterations=3),
        {theta: domains.vector(), S: domains.spd(), bvec: domains.vector()}, {n: (2, 3)})


@pytest.mark.parametrize("name,make,allowed", CASES, ids=[c[0] for c in CASES])
def test_kind_verdicts(name, make, allowed):
    result = check_claim(make(), seed=0, instances=12, symbolic_budget=60)
    assert result.verdict in allowed, (result.verdict, result.reason, result.symbolic, result.numeric.message)


def test_refutation_names_first_broken_step():
    _, make, _ = next(c for c in CASES if c[0] == "derivation_factor")
    result = check_claim(make(), seed=0, instances=8)
    assert result.symbolic.failed_step == 0
    assert "step 0 = step 1" in [c.name for c in result.numeric.comparisons if c.mismatched]
