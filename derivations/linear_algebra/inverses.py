"""Linear algebra, inverses (catalog section 1): the two-sided inverse, the inverse of a product,
and the pseudo-inverse.

* A A^{-1} = A^{-1} A = I for an invertible A, and I^{-1} = I.
* (AB)^{-1} = B^{-1} A^{-1} for invertible square A and B of one size (the notes give no
  conditions; for rectangular A, B with AB invertible the right side does not exist).
* Erratum: "for singular or rectangular A the pseudo-inverse is (A^T A)^{-1} A^T".  A^T A is
  invertible exactly when A has full column rank, so the formula is undefined for every singular
  square A and every wide A, the very cases the notes single out.  It is encoded as written,
  against the Moore-Penrose pseudo-inverse `pinv(A)`, on matrices of any rank: the engine refutes
  it by showing the left side undefined on a whole component of the domain (the determinant of
  A^T A cancels to 0 at the generic rank-deficient member) while A^+ exists, with an exact member
  where A^T A is exactly singular.  Its correction: with full column rank the formula is the
  pseudo-inverse, a left inverse, and gives the least-squares solution.

Square matrices that must be invertible are drawn from `full_column_rank()`: for a square matrix
full column rank is invertibility.  Its random members are Gaussian (singular with probability
0), its generic members independent symbols (invertible at generic values).
"""

from __future__ import annotations

import sympy as sp

from verify import Claim, Derivation, Identity, Minimiser, domains, pinv, scalar

SRC_INV = "000_dc19b0ffecab0c76.txt — Linear Algebra › 8. Inverse of a Matrix"
SRC_PINV = "000_dc19b0ffecab0c76.txt — Linear Algebra › 9. Pseudo Inverse of a Matrix"

m = sp.Symbol("m", integer=True, positive=True)
n = sp.Symbol("n", integer=True, positive=True)

A = sp.MatrixSymbol("A", n, n)
B = sp.MatrixSymbol("B", n, n)
I = sp.Identity(n)

# --- A A^{-1} = A^{-1} A = I ------------------------------------------------------------------

inverse_two_sided = Claim(
    id="linear_algebra.inverse.two_sided",
    title="The inverse is two-sided: A A^{-1} = I = A^{-1} A, and I^{-1} = I",
    source=SRC_INV,
    statement=Derivation(
        # built unevaluated: SymPy would cancel A A^{-1} to I while building the formula
        steps=(sp.MatMul(A, A.I, evaluate=False), I, sp.MatMul(A.I, A, evaluate=False), sp.Inverse(I)),
        reasons=("definition of the inverse (right inverse)", "the right inverse of a square matrix is also a "
                 "left inverse", "I I = I, so I is its own inverse"),
    ),
    domain={A: domains.full_column_rank()},
    sizes={n: (1, 4)},
    symbolic_sizes=({"n": 1}, {"n": 2}, {"n": 3}),
    notes=(
        "A is a real n x n matrix with det A != 0 (a square matrix of full column rank; Gaussian "
        "instances are invertible with probability 1). The chain A A^{-1} = I = A^{-1} A = I^{-1} "
        "checks both products and, in its last link, that the identity is its own inverse. The "
        "inverse is computed independently on each path (adjugate over determinant in SymPy, LU in "
        "JAX). Symbolic: independent symbols for the entries at n = 1, 2, 3 (generic, so invertible); "
        "numeric: n = 1..4."
    ),
)

# --- (AB)^{-1} = B^{-1} A^{-1} ----------------------------------------------------------------

inverse_product_reversal = Claim(
    id="linear_algebra.inverse.product_reversal",
    title="The inverse of a product reverses the order: (AB)^{-1} = B^{-1} A^{-1}",
    source=SRC_INV,
    # Inverse(A*B), not (A*B).I: SymPy would rewrite the latter to B^{-1} A^{-1} while building it
    statement=Identity(sp.Inverse(A * B), B.I * A.I),
    domain={A: domains.full_column_rank(), B: domains.full_column_rank()},
    sizes={n: (1, 4)},
    symbolic_sizes=({"n": 1}, {"n": 2}, {"n": 3}),
    notes=(
        "Conditions the notes leave out: A and B are square of the same size n and both invertible "
        "(square matrices of full column rank). Without them the right side need not exist: "
        "A = [1 0] and B = [1 0]^T give AB = [1], invertible, while A and B have no inverses; the "
        "left side is computed by inverting the product itself, not by the rule. Symbolic: "
        "independent symbols at n = 1, 2, 3; numeric: n = 1..4. The false variant (AB)^{-1} = "
        "A^{-1} B^{-1} is a negative control in tests/test_claims_linear_algebra.py."
    ),
)

# --- the pseudo-inverse -----------------------------------------------------------------------

M = sp.MatrixSymbol("A", m, n)  # m x n, any shape; named A as in the notes (and the correction)
b = sp.MatrixSymbol("b", m, 1)
z = sp.MatrixSymbol("z", n, 1)


def normal_equations_formula(a):
    """(A^T A)^{-1} A^T, the formula the notes give."""
    return (a.T * a).inv() * a.T


pinv_as_written = Claim(
    id="linear_algebra.pinv.normal_equations_formula",
    title="As written: for singular or rectangular A the pseudo-inverse is (A^T A)^{-1} A^T",
    source=SRC_PINV,
    statement=Identity(normal_equations_formula(M), pinv(M)),
    domain={M: domains.any_rank()},
    sizes={m: (1, 4), n: (1, 4)},
    symbolic_sizes=({"m": 2, "n": 2},),
    expect="fails",
    correction="linear_algebra.pinv.full_column_rank.moore_penrose",
    notes=(
        "Encoded as written: (A^T A)^{-1} A^T equals the Moore-Penrose pseudo-inverse A^+ for "
        "matrices that are singular or rectangular, drawn from the any_rank domain (tall and wide, "
        "about half of them rank-deficient), at m, n in 1..4. A^+ (pinv) is computed independently: "
        "exactly as the limit of (A^T A + d I)^{-1} A^T as d -> 0+, numerically by an SVD. "
        "The formula needs A^T A invertible, i.e. full column rank; for a rank-deficient A (every "
        "singular square A among them) and for every wide A, A^T A is singular and the left side "
        "does not exist, while A^+ always does. A statement whose left side is undefined where its "
        "right side is defined is false there: the engine reports the left side as undefined "
        "(the determinant of A^T A cancels to 0 at the generic rank-deficient member, so this is "
        "no accident of one instance) and gives an exact member where A^T A is exactly singular, "
        "e.g. A = [[1, 1], [1, 1]] with A^T A = [[2, 2], [2, 2]] and A^+ = [[1, 1], [1, 1]]/4. "
        "Where A has full column rank the formula is right: see the correction."
    ),
)

P = normal_equations_formula(sp.MatrixSymbol("A", m, n))
Afull = sp.MatrixSymbol("A", m, n)
PINV_SIZES = {m: (1, 4), n: (1, 3)}
FULL_RANK_NOTE = (
    "A is a real m x n matrix of full column rank (rank n, so m >= n; Gaussian instances have it "
    "with probability 1, and the generic member, independent symbols, has it at generic values); "
    "P = (A^T A)^{-1} A^T. "
)

pinv_full_column_rank = Claim(
    id="linear_algebra.pinv.full_column_rank.moore_penrose",
    catalog="linear_algebra.pinv.full_column_rank",
    title="With full column rank, (A^T A)^{-1} A^T is the Moore-Penrose pseudo-inverse A^+",
    source=SRC_PINV + " (the correct restricted form)",
    statement=Identity(P, pinv(Afull)),
    domain={Afull: domains.full_column_rank()},
    sizes=PINV_SIZES,
    symbolic_sizes=({"m": 2, "n": 1}, {"m": 3, "n": 2}),
    notes=(
        FULL_RANK_NOTE + "The right side A^+ is computed independently of the formula: exactly as "
        "the limit of (A^T A + d I)^{-1} A^T as d -> 0+ (a characterisation valid at every rank), "
        "numerically by an SVD (jnp.linalg.pinv). A^+ is the unique matrix meeting the four "
        "Penrose conditions; tests/test_claims_linear_algebra.py checks that the exact pinv meets "
        "them on random rational matrices of every rank. Symbolic at (m, n) = (2, 1) and (3, 2); "
        "numeric at m in 1..4, n in 1..3 with m >= n."
    ),
)

pinv_left_inverse = Claim(
    id="linear_algebra.pinv.full_column_rank.left_inverse",
    catalog="linear_algebra.pinv.full_column_rank",
    title="With full column rank, A^+ = (A^T A)^{-1} A^T is a left inverse: A^+ A = I_n",
    source=SRC_PINV + " (the correct restricted form)",
    statement=Identity(sp.MatMul(P, Afull, evaluate=False), sp.Identity(n)),
    domain={Afull: domains.full_column_rank()},
    sizes=PINV_SIZES,
    symbolic_sizes=({"m": 2, "n": 1}, {"m": 3, "n": 2}, {"m": 4, "n": 3}),
    notes=(
        FULL_RANK_NOTE + "A^+ A = I_n; with it three of the four Penrose conditions follow at once "
        "(A A^+ A = A, A^+ A A^+ = A^+, A^+ A symmetric), and the fourth, A A^+ symmetric, holds "
        "because (A^T A)^{-1} is symmetric. Symbolic at (m, n) = (2, 1), (3, 2), (4, 3); numeric at "
        "m in 1..4, n in 1..3 with m >= n."
    ),
)

pinv_least_squares = Claim(
    id="linear_algebra.pinv.full_column_rank.least_squares",
    catalog="linear_algebra.pinv.full_column_rank",
    title="With full column rank, x = A^+ b minimises ||A x - b||^2",
    source=SRC_PINV + " (the correct restricted form)",
    statement=Minimiser(f=scalar((Afull * z - b).T * (Afull * z - b)), wrt=z,
                        point=P * b, reference=pinv(Afull) * b),
    domain={Afull: domains.full_column_rank(), b: domains.vector(), z: domains.vector()},
    sizes=PINV_SIZES,
    symbolic_sizes=({"m": 3, "n": 2},),
    notes=(
        FULL_RANK_NOTE + "b is any real m-vector. The squared residual ||A x - b||^2 is convex in x "
        "(a squared norm of an affine map), so a stationary point is a global minimiser; A^+ b is "
        "stationary because A^T (A A^+ b - b) = A^T b - A^T b = 0. The reference A^+ b uses the "
        "independently computed pseudo-inverse. The minimiser of ||A x - b|| (without the square) is "
        "the same point. Symbolic at (m, n) = (3, 2); numeric at m in 1..4, n in 1..3 with m >= n."
    ),
)
