"""Linear algebra claims that are properties or inequalities over a domain (catalog section 1):
row rank = column rank, the l_p norms, and the page-rank eigenvector.

Rank is integer-valued and discontinuous, so a float rank (an SVD with a threshold) would decide
row rank = column rank by the threshold, and compare A's singular values with themselves.  The
claim is checked through the minors instead: rank(A) is the largest k with a nonzero k x k
minor, and each k x k minor of A^T is the corresponding minor of A transposed.  Minors are
polynomials in the entries, so both paths compare continuous quantities; equal minors, for every
k, give equal ranks.
"""

from __future__ import annotations

import itertools

import sympy as sp

from verify import Claim, Identity, Inequality, domains, scalar

SRC = "000_dc19b0ffecab0c76.txt"

# --- rank ----------------------------------------------------------------------------------------------

m = sp.Symbol("m", integer=True, positive=True)
n = sp.Symbol("n", integer=True, positive=True)
A = sp.MatrixSymbol("A", m, n)


def _minors(matrix, rows: int, cols: int, transposed: bool):
    """Every k x k minor (k = 1 .. min(rows, cols)) as an unevaluated determinant: of the
    submatrix of A with those rows and columns, or of A^T with those columns and rows."""
    out = []
    for k in range(1, min(rows, cols) + 1):
        for r in itertools.combinations(range(rows), k):
            for c in itertools.combinations(range(cols), k):
                if transposed:
                    sub = sp.ImmutableMatrix(k, k, lambda i, j: sp.Transpose(matrix)[c[i], r[j]])
                else:
                    sub = sp.ImmutableMatrix(k, k, lambda i, j: matrix[r[i], c[j]])
                out.append(sp.Determinant(sub))
    return sp.ImmutableMatrix(len(out), 1, out)


def _rank_statement(sizes):
    rows, cols = sizes["m"], sizes["n"]
    return Identity(_minors(A, rows, cols, transposed=True), _minors(A, rows, cols, transposed=False))


rank_row_equals_column = Claim(
    id="linear_algebra.rank.row_equals_column",
    title="Row rank equals column rank: every k x k minor of A^T is the matching minor of A",
    source=f"{SRC} — Linear Algebra › 6. Rank of a Matrix",
    statement=_rank_statement,
    domain={A: domains.any_rank()},
    sizes={m: (2, 3), n: (2, 3)},
    symbolic_sizes=({"m": 2, "n": 3}, {"m": 3, "n": 2}, {"m": 3, "n": 3}),
    notes=(
        "No assumption on A (any real m x n matrix; the domain draws full-rank and rank-deficient members, half "
        "each). rank(A) is the size of the largest square submatrix with a nonzero determinant, so rank(A) = "
        "rank(A^T) follows once every k x k minor of A^T equals the minor of A on the same rows and columns "
        "(taken transposed). The statement lists all of them, for every k up to min(m, n), as determinants of "
        "explicit submatrices; the two sides are built from A^T and from A separately. Rank itself is not "
        "computed in floating point: it is discontinuous, and a thresholded float rank would decide the claim by "
        "the threshold. Symbolic: at 2 x 3, 3 x 2 and 3 x 3 with generic entries (a polynomial identity, so every "
        "value, rank-deficient ones included). Numeric: every size pair with m, n in 2..3 (with a single row or column every minor is an entry, and the two sides are one expression)."
    ),
)

# --- l_p norms -------------------------------------------------------------------------------------------

x = sp.MatrixSymbol("x", n, 1)
y = sp.MatrixSymbol("y", n, 1)
p = sp.Symbol("p", positive=True)
t = sp.Symbol("t", real=True)


def lp_norm(v, power):
    """(sum_i |v_i|^p)^(1/p)."""
    return scalar(sp.OneMatrix(1, v.shape[0]) * v.applyfunc(lambda s: sp.Abs(s) ** power)) ** (1 / power)


def l2_norm(v):
    return sp.sqrt(scalar(v.T * v))


P_RANGE = domains.positive(1.0, 8.0)


def _lp(name: str, title: str, statement, domain: dict, notes: str) -> Claim:
    """A part of the catalog entry linear_algebra.norm.lp_family, for n-vectors with n = 1..4."""
    return Claim(id=f"linear_algebra.norm.lp_family.{name}", catalog="linear_algebra.norm.lp_family", title=title,
                 source=f"{SRC} — Linear Algebra › 12. Norm of a Vector", statement=statement, domain=domain,
                 sizes={n: (1, 4)}, notes=notes)


lp_triangle = _lp(
    "triangle", "The l_p norm satisfies the triangle inequality for p >= 1 (Minkowski)",
    Inequality(lp_norm(x + y, p), lp_norm(x, p) + lp_norm(y, p), "<="),
    {x: domains.vector(), y: domains.vector(), p: P_RANGE},
    (
        "p >= 1 (the norm axioms fail for p < 1); p is drawn log-uniformly in [1, 8], x and y are any real "
        "n-vectors, n = 1..4. ||v||_p = (sum_i |v_i|^p)^(1/p). Symbolic: at n = 2 with p a symbol SymPy cannot "
        "sign the slack (Minkowski's inequality needs Hoelder's), so the verdict rests on the numeric path: "
        "random instances and the violation search, which minimises the slack over x, y and p."
    ),
)

lp_homogeneity = _lp(
    "homogeneity", "The l_p norm is absolutely homogeneous: ||t x||_p = |t| ||x||_p",
    Identity(lp_norm(t * x, p), sp.Abs(t) * lp_norm(x, p)),
    {x: domains.vector(), t: domains.real(), p: P_RANGE},
    "Any real t and n-vector x, p in [1, 8] (the identity holds for every p > 0). Checked at n = 2 symbolically.",
)

lp_definite = _lp(
    "definite", "Each |x_i| is at most ||x||_p, so ||x||_p = 0 only for x = 0",
    Inequality(x.applyfunc(sp.Abs), lp_norm(x, p) * sp.OneMatrix(n, 1), "<="),
    {x: domains.vector(), p: P_RANGE},
    (
        "Positive definiteness: ||x||_p >= |x_i| >= 0 for every i (entrywise, n = 1..4, p in [1, 8]), so the norm "
        "vanishes only when every entry does; with ||0||_p = 0 that is definiteness. SymPy cannot sign "
        "(|x_1|^p + |x_2|^p)^(1/p) - |x_1| for a symbolic p."
    ),
)

euclidean_triangle = _lp(
    "euclidean_triangle", "The Euclidean length ||x||_2 = sqrt(x^T x) satisfies the triangle inequality",
    Inequality(l2_norm(x + y), l2_norm(x) + l2_norm(y), "<="),
    {x: domains.vector(), y: domains.vector()},
    (
        "The p = 2 member of the family written as the Euclidean length. Symbolic at n = 2: squaring twice "
        "leaves x^T x y^T y - (x^T y)^2, a quadratic form in x with a PSD Gram matrix (Cauchy-Schwarz)."
    ),
)

# --- page rank ---------------------------------------------------------------------------------------------

S = sp.MatrixSymbol("S", n, n)  # row-stochastic; the transition matrix is P = S^T (columns sum to 1)
d = sp.Symbol("d", positive=True)
ones_row = sp.OneMatrix(1, n)
ones = sp.OneMatrix(n, 1)
Pt = S.T
G = d * Pt + (1 - d) / n * ones * ones_row
r = (1 - d) / n * (sp.Identity(n) - d * Pt).inv() * ones
DAMPING = domains.interval(0.0, 1.0)
PR_NOTES = ("P = S^T with S row-stochastic (positive entries, rows summing to 1), so P is column-stochastic with "
            "no dangling page; n = 2..4 pages. ")


def _pagerank(name: str, title: str, statement, notes: str, damped: bool = True) -> Claim:
    """A part of the catalog entry linear_algebra.eigen.pagerank_eigenvalue_one: P = S^T for a random
    row-stochastic S with n = 2..4 pages, and with `damped` a damping factor d in (0, 1)."""
    domain = {S: domains.stochastic(), d: DAMPING} if damped else {S: domains.stochastic()}
    return Claim(id=f"linear_algebra.eigen.pagerank_eigenvalue_one.{name}",
                 catalog="linear_algebra.eigen.pagerank_eigenvalue_one", title=title,
                 source=f"{SRC} — Linear Algebra › 11. Eigen Vectors", statement=statement, domain=domain,
                 sizes={n: (2, 4)}, notes=PR_NOTES + notes)


pagerank_eigenvalue_one = _pagerank(
    "eigenvalue_one", "A column-stochastic matrix has 1 as an eigenvalue: 1^T P = 1^T",
    Identity(ones_row * Pt, ones_row),
    "1^T is a left eigenvector with eigenvalue 1, and P and P^T have the same eigenvalues.", damped=False,
)

pagerank_fixed_point = _pagerank(
    "damped_fixed_point", "With damping, r = (1 - d)/n (I - d P)^{-1} 1 satisfies G r = r",
    Identity(G * r, r),
    ("G = d P + (1 - d)/n 1 1^T with 0 < d < 1; I - d P is invertible because d P has spectral "
     "radius d < 1. The closed form of r is the Neumann series of the power iteration."),
)

pagerank_positive = _pagerank(
    "damped_positive", "The damped page-rank vector is strictly positive",
    Inequality(r, sp.ZeroMatrix(n, 1), ">"),
    ("Entrywise r > 0 for 0 < d < 1 ((I - d P)^{-1} = sum_k d^k P^k has non-negative entries and a "
     "positive diagonal). Uniqueness (Perron-Frobenius for the positive matrix G) is not checked."),
)

pagerank_normalised = _pagerank(
    "damped_normalised", "The damped page-rank vector sums to 1",
    Identity(ones_row * r, sp.OneMatrix(1, 1)),
    "1^T r = (1 - d)/n 1^T (I - d P)^{-1} 1 = (1 - d)/n * n/(1 - d), since 1^T (I - d P) = (1 - d) 1^T.",
)
