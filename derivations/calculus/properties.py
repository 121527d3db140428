"""Calculus claims that are properties or inequalities over a domain (catalog section 2): the
sign of the eigenvalues of a PSD matrix, and local minima of a convex function."""

from __future__ import annotations

import sympy as sp

from verify import Claim, Grad, Identity, Inequality, domains, scalar

SRC = "000_dc19b0ffecab0c76.txt"

n = sp.Symbol("n", integer=True, positive=True)
m = sp.Symbol("m", integer=True, positive=True)

# --- PSD and eigenvalues ------------------------------------------------------------------------------------

Q = sp.MatrixSymbol("Q", n, n)
lam = sp.MatrixSymbol("lam", n, 1)
A_sym = Q * sp.DiagMatrix(lam) * Q.T  # every real symmetric matrix, with eigenvalues lam and eigenvectors Q

psd_eigenvalue_sign = Claim(
    id="calculus.psd.eigenvalue_sign",
    title="Each eigenvalue of a symmetric A is the value of its quadratic form at a unit eigenvector",
    source=f"{SRC} — Calculus (untitled) › 5. Positive Semi-Definite and Positive Definite",
    statement=Identity(sp.DiagonalOf(Q.T * A_sym * Q), lam),
    domain={Q: domains.orthogonal(), lam: domains.vector()},
    sizes={n: (2, 4)},
    tex_names={"lam": r"\lambda"},
    notes=(
        "A symmetric (the catalog's condition: for a non-symmetric A the form only sees (A + A^T)/2, and "
        "[[1, -1], [1, 1]] has a positive form but eigenvalues 1 +- i). Every symmetric A is Q diag(lam) Q^T with "
        "Q orthogonal and lam real, so A is built that way (Q over rotations and reflections, lam any real "
        "vector). The check: q_i^T A q_i = lam_i for each column q_i of Q, a unit vector. Hence x^T A x >= 0 for "
        "every x gives lam_i >= 0 (take x = q_i), and x^T A x > 0 for every x != 0 gives lam_i > 0. Symbolic at "
        "n = 2 on both components of O(2); numeric n = 2..4."
    ),
)

# --- convex functions: local minima are global --------------------------------------------------------------

B = sp.MatrixSymbol("B", m, n)
b = sp.MatrixSymbol("b", m, 1)
u = sp.MatrixSymbol("u", n, 1)
v = sp.MatrixSymbol("v", n, 1)
t = sp.Symbol("t", positive=True)
half = sp.Rational(1, 2)


def f(w):
    """A convex quadratic 1/2 ||B w - b||^2; with B rank-deficient its minimisers are not unique."""
    return half * scalar((B * w - b).T * (B * w - b))


CONVEX_DOMAIN = {B: domains.any_rank(), b: domains.vector(), u: domains.vector(), v: domains.vector()}
CONVEX_NOTES = ("f(w) = 1/2 ||B w - b||^2 with B any m x n matrix (half of the instances rank-deficient, so that "
                "the minimisers form an affine set, not a point), m, n = 1..3. ")

convex_chord = Claim(
    id="calculus.convex.local_is_global.chord",
    catalog="calculus.convex.local_is_global",
    title="A convex function lies below its chords",
    source=f"{SRC} — Calculus (untitled) › 7. Convex Set; 8. Convex Function",
    statement=Inequality(f(t * u + (1 - t) * v), t * f(u) + (1 - t) * f(v), "<="),
    domain={**CONVEX_DOMAIN, t: domains.probability()},
    sizes={m: (1, 3), n: (1, 3)},
    notes=CONVEX_NOTES + ("The definition of convexity, for every u, v and t in (0, 1). Symbolic at m = n = 2: "
                          "the slack factors as t (1 - t) times a quadratic form in u and v with a PSD Gram matrix."),
)

convex_first_order = Claim(
    id="calculus.convex.local_is_global.first_order",
    catalog="calculus.convex.local_is_global",
    title="A convex function lies above its tangent planes, so a stationary point is a global minimiser",
    source=f"{SRC} — Calculus (untitled) › 7. Convex Set; 8. Convex Function",
    statement=Inequality(f(u) + scalar(Grad(f(u), u).T * (v - u)), f(v), "<="),
    domain=CONVEX_DOMAIN,
    sizes={m: (1, 3), n: (1, 3)},
    notes=CONVEX_NOTES + ("f(v) >= f(u) + grad f(u)^T (v - u) for every u, v. At a local minimum u the gradient "
                          "vanishes, so f(v) >= f(u) for every v: the local minimum is global, and every "
                          "minimiser has the same value. Symbolic at m = n = 2 (a quadratic form in u, v)."),
)
