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

from verify import Claim, Derivation, Identity, domains, eigvals, eigvecs, scalar

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
DOMAIN = {M: domains.general(), x: domains.vector(), lam: domains.real()}
EIGENPAIR_NOTE = (
    "A is square (non-square matrices have no eigenvectors) with a real eigenpair (lambda, x), x != 0, "
    "built as A = M + (lambda x - M x) x^T / (x^T x) from any real M, x and lambda (every such A arises, "
    "with M = A). "
)


def _grouped(*factors):
    """A product kept as written (c (A x), not SymPy's c A x): each factor after the first is grouped."""
    out = factors[-1]
    for f in reversed(factors[:-1]):
        out = sp.MatMul(f, out, evaluate=False)
    return out


definition_scaled = Claim(
    id="linear_algebra.eigen.definition_direction.scaled",
    catalog="linear_algebra.eigen.definition_direction",
    title="Eigenvectors: every multiple c x of an eigenvector x is an eigenvector for the same lambda",
    source=SRC,
    statement=Derivation(
        steps=(_grouped(A, c, x), _grouped(c, A, x), _grouped(c, lam, x), _grouped(lam, c, x)),
        reasons=("a matrix product is linear: the scalar c moves out", "A x = lambda x",
                 "products of scalars commute"),
    ),
    domain={**DOMAIN, c: domains.real()},
    sizes={n: (1, 4)},
    symbolic_sizes=({"n": 1}, {"n": 2}),
    tex_names={lam: r"\lambda", A: "A"},
    notes=(
        EIGENPAIR_NOTE + "The chain A (c x) = c (A x) = c (lambda x) = lambda (c x) holds for every real c, "
        "so c x is an eigenvector for lambda whenever c != 0. Symbolic at n = 1, 2; numeric at n = 1..4."
    ),
)

definition_sign = Claim(
    id="linear_algebra.eigen.definition_direction.sign",
    catalog="linear_algebra.eigen.definition_direction",
    title="Eigenvectors: the component of A x along x is lambda ||x||, so A x points along x iff lambda > 0",
    source=SRC,
    statement=Identity(scalar(x.T * A * x) / scalar(x.T * x), lam),
    domain=DOMAIN,
    sizes={n: (1, 4)},
    symbolic_sizes=({"n": 1}, {"n": 2}),
    tex_names={lam: r"\lambda", A: "A"},
    notes=(
        EIGENPAIR_NOTE + "Checked: x^T A x / x^T x = lambda, so the component of A x along x has the sign of "
        "lambda. With the stretch factor (the part .stretch) the cosine of the angle between A x and x "
        "is lambda / |lambda|: +1 (same direction) for lambda > 0 and -1 (opposite) for lambda < 0. The "
        "cosine itself is not compared because it is undefined at lambda = 0 (A x = 0). Symbolic at n = 1, 2; "
        "numeric at n = 1..4."
    ),
)

definition_stretch = Claim(
    id="linear_algebra.eigen.definition_direction.stretch",
    catalog="linear_algebra.eigen.definition_direction",
    title="Eigenvectors: A stretches its eigenvector x by |lambda|",
    source=SRC,
    statement=Identity(norm(A * x) / norm(x), sp.Abs(lam)),
    domain=DOMAIN,
    sizes={n: (1, 4)},
    symbolic_sizes=({"n": 1}, {"n": 2}),
    tex_names={lam: r"\lambda", A: "A"},
    notes=(
        EIGENPAIR_NOTE + "Checked: ||A x|| / ||x|| = |lambda|, the stretch factor (the notes call it the "
        "eigenvalue; strictly it is its absolute value). Symbolic at n = 1, 2; numeric at n = 1..4."
    ),
)

H = sp.MatrixSymbol("H", n, n)
Q = eigvecs(H)
Lam = eigvals(H)

SPECTRAL_NOTE = (
    "H is a real symmetric n x n matrix. Q and Lambda are its eigenvectors (as columns, orthonormalised "
    "within each eigenspace) and eigenvalues (on the diagonal): exactly by SymPy, numerically by "
    "jnp.linalg.eigh (Lambda is diagonal and real by construction: SymPy's eigenvalues of a real symmetric "
    "matrix, the radicals of its characteristic polynomial). Symbolic at n = 1, 2 (at n >= 3 the closed-form "
    "eigenvectors are roots of a cubic); numeric at n = 1..4. Scope of the proof: SymPy's eigenvectors of "
    "the generic symmetric 2 x 2 matrix divide by its off-diagonal entry, so the proof covers the symmetric "
    "matrices with H_12 != 0; the diagonal ones (Q = I) are not reached by continuity, since Q jumps there, "
    "and are covered only by the numeric instances and the n = 1 case. "
)

spectral_decomposition = Claim(
    id="linear_algebra.spectral.symmetric_orthonormal.decomposition",
    catalog="linear_algebra.spectral.symmetric_orthonormal",
    title="A real symmetric H is Q Lambda Q^T, with its eigenvectors as the columns of Q and its eigenvalues "
          "on the diagonal of Lambda",
    source=SRC_SPECTRAL,
    statement=Identity(H, Q * Lam * Q.T),
    domain={H: domains.symmetric()},
    sizes={n: (1, 4)},
    symbolic_sizes=({"n": 1}, {"n": 2}),
    notes=SPECTRAL_NOTE + "Checked: H = Q Lambda Q^T.",
)

spectral_orthonormal = Claim(
    id="linear_algebra.spectral.symmetric_orthonormal.orthonormal",
    catalog="linear_algebra.spectral.symmetric_orthonormal",
    title="The eigenvectors of a real symmetric H are orthonormal: Q Q^T = Q^T Q = I",
    source=SRC_SPECTRAL,
    statement=Derivation(steps=(Q * Q.T, Q.T * Q, sp.Identity(n)),
                         reasons=("a square Q with orthonormal columns has orthonormal rows",
                                  "the columns of Q are orthonormal eigenvectors")),
    domain={H: domains.symmetric()},
    sizes={n: (1, 4)},
    symbolic_sizes=({"n": 1}, {"n": 2}),
    notes=SPECTRAL_NOTE + "Checked as the chain Q Q^T = Q^T Q = I, each link on its own.",
)
