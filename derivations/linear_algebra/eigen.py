"""Linear algebra, eigenvectors (catalog section 1, "Eigen Vectors"; lecture notes page 3).

* A x = lambda x with x != 0: every nonzero multiple c x is an eigenvector for the same lambda;
  A x points the way x does when lambda > 0 and the opposite way when lambda < 0 (the cosine of
  the angle between A x and x is sign(lambda)); the stretch factor ||A x|| / ||x|| is |lambda|.
  Instances with a known real eigenpair are built, not solved for: for any square M, nonzero x
  and real lambda, A = M + (lambda x - M x) x^T / (x^T x) has A x = lambda x, and every square A
  with a real eigenpair (lambda, x) arises so (take M = A).  So the domain is every real matrix
  with a real eigenvalue, not only symmetric ones.
* Spectral theorem: a real symmetric H is Q Lambda Q^T with Q orthogonal and Lambda real
  diagonal.  Q and Lambda come from the eigen-decomposition nodes `eigvecs` / `eigvals`
  (SymPy's eigenvectors orthonormalised, exactly; `jnp.linalg.eigh` numerically).
"""

from __future__ import annotations

import sympy as sp

from verify import Claim, Identity, domains, eigvals, eigvecs, scalar

SRC = "000_dc19b0ffecab0c76.txt — Linear Algebra › 11. Eigen Vectors"
SRC_SPECTRAL = "003_ca8f127fce5a905b.txt — page ③ (eigenvalue decomposition of H)"

n = sp.Symbol("n", integer=True, positive=True)
M = sp.MatrixSymbol("M", n, n)
x = sp.MatrixSymbol("x", n, 1)
lam = sp.Symbol("lam", real=True)
c = sp.Symbol("c", real=True)


def norm(v):
    return sp.sqrt(scalar(v.T * v))


A = M + (lam * x - M * x) * x.T / scalar(x.T * x)  # A x = lam x by construction


def _definition_direction(sizes):
    k = sizes["n"]
    scaled = A * (c * x) - lam * (c * x)  # A (c x) - lam (c x)
    Ax = A * x
    entries = [scaled[r, 0] for r in range(k)]
    entries += [scalar(x.T * Ax) / scalar(x.T * x),  # the component of A x along x, per unit of ||x||^2
                norm(Ax) / norm(x)]                    # stretch factor
    return Identity(sp.ImmutableMatrix(len(entries), 1, entries),
                    sp.ImmutableMatrix(len(entries), 1, [0] * k + [lam, sp.Abs(lam)]))


definition_direction = Claim(
    id="linear_algebra.eigen.definition_direction",
    title="Eigenvectors: c x is an eigenvector too, A x points along x iff lambda > 0, and stretches by |lambda|",
    source=SRC,
    statement=_definition_direction,
    domain={M: domains.general(), x: domains.vector(), lam: domains.real(), c: domains.real()},
    sizes={n: (1, 4)},
    symbolic_sizes=({"n": 1}, {"n": 2}),
    tex_names={lam: r"\lambda"},
    notes=(
        "A is square (non-square matrices have no eigenvectors) with a real eigenpair (lambda, x), "
        "x != 0, built as A = M + (lambda x - M x) x^T / (x^T x) from any real M, x and lambda "
        "(every such A arises, with M = A). Checked as the entries of one vector: A (c x) - "
        "lambda (c x) = 0 for every real c (an eigenvector for c != 0); x^T A x / x^T x = lambda, "
        "so the component of A x along x has the sign of lambda; ||A x|| / ||x|| = |lambda|, the "
        "stretch factor (the notes call it the eigenvalue; strictly it is its absolute value). "
        "Together: the cosine of the angle between A x and x is lambda / |lambda|, +1 (same "
        "direction) for lambda > 0 and -1 (opposite) for lambda < 0; the cosine itself is not "
        "compared because it is undefined at lambda = 0 (A x = 0). Symbolic at n = 1, 2; numeric "
        "at n = 1..4."
    ),
)

H = sp.MatrixSymbol("H", n, n)
Q = eigvecs(H)
Lam = eigvals(H)

spectral = Claim(
    id="linear_algebra.spectral.symmetric_orthonormal",
    title="A real symmetric H has an orthonormal eigenbasis: H = Q Lambda Q^T with Q^T Q = Q Q^T = I",
    source=SRC_SPECTRAL,
    statement=lambda sizes: Identity(
        sp.ImmutableMatrix(sp.BlockMatrix([[Q * Lam * Q.T - H], [Q.T * Q - sp.Identity(n)],
                                           [Q * Q.T - sp.Identity(n)]]).subs(n, sizes["n"]).as_explicit()),
        sp.zeros(3 * sizes["n"], sizes["n"])),
    domain={H: domains.symmetric()},
    sizes={n: (1, 4)},
    symbolic_sizes=({"n": 1}, {"n": 2}),
    notes=(
        "H is a real symmetric n x n matrix. Q and Lambda are its eigenvectors (as columns, "
        "orthonormalised within each eigenspace) and eigenvalues (on the diagonal): exactly by "
        "SymPy, numerically by jnp.linalg.eigh. Checked: Q Lambda Q^T = H, Q^T Q = I and Q Q^T = I "
        "(Lambda is diagonal and real by construction: SymPy's eigenvalues of a real symmetric "
        "matrix, the radicals of its characteristic polynomial). Symbolic at n = 1, 2 (at n >= 3 the "
        "closed-form eigenvectors are roots of a cubic); numeric at n = 1..4. Scope of the proof: "
        "SymPy's eigenvectors of the generic symmetric 2 x 2 matrix divide by its off-diagonal "
        "entry, so the proof covers the symmetric matrices with H_12 != 0; the diagonal ones "
        "(Q = I) are not reached by continuity, since Q jumps there, and are covered only by the "
        "numeric instances and the n = 1 case."
    ),
)
