"""Linear algebra, products (catalog section 1): the matrix product, the dot product, and a matrix
acting on a vector.

Each is checked as the notes define it: the product's shape and its entries as sums of products,
the dot product as a sum of products that does not depend on the order of the two vectors, and
A x both entry by entry and as a combination of the columns of A.  The formulas are polynomial in
the entries, so the symbolic path expands them at every size of the declared ranges (the scope
then covers every size the claim declares); the numeric path compares the same formulas in
float64 on Gaussian matrices.
"""

from __future__ import annotations

import itertools

import sympy as sp

from verify import Claim, Derivation, Identity, Shape, SumOver, domains, scalar

SRC = "000_dc19b0ffecab0c76.txt — Linear Algebra › 3. Matrix"

m = sp.Symbol("m", integer=True, positive=True)
n = sp.Symbol("n", integer=True, positive=True)
q = sp.Symbol("q", integer=True, positive=True)
i = sp.Symbol("i", integer=True)

A = sp.MatrixSymbol("A", m, n)
B = sp.MatrixSymbol("B", n, q)
x = sp.MatrixSymbol("x", n, 1)


def _every(**ranges):
    """Every size assignment of the given inclusive ranges, for symbolic_sizes=."""
    names = sorted(ranges)
    return tuple(dict(zip(names, combo))
                 for combo in itertools.product(*[range(lo, hi + 1) for lo, hi in (ranges[k] for k in names)]))


# --- the matrix product -------------------------------------------------------------------------

PRODUCT_SIZES = {m: (1, 3), n: (1, 3), q: (1, 3)}

matmul_shape = Claim(
    id="linear_algebra.matmul.shape_and_entries.shape",
    catalog="linear_algebra.matmul.shape_and_entries",
    title="The product of an m x n and an n x q matrix is defined and is m x q",
    source=SRC + " › Product of Two Matrices",
    statement=Shape(A * B, expected=(m, q)),
    domain={A: domains.general(), B: domains.general()},
    sizes=PRODUCT_SIZES,
    notes=(
        "A is m x n and B is n x q with real entries: the inner dimensions agree by declaration, and "
        "the claim is that AB is well-formed with m rows and q columns. The shape conditions hold "
        "identically in the dimension symbols, so this part is decided for every size, not only the "
        "sizes drawn. The converse (no product when the inner dimensions differ) is not a statement "
        "the engine can prove for all sizes; tests/test_claims_linear_algebra.py checks that a "
        "product of an m x n and a p x q matrix is refuted as ill-formed where n != p."
    ),
)


def _matmul_entries(sizes):
    rows, inner, cols = sizes["m"], sizes["n"], sizes["q"]
    by_sums = sp.ImmutableMatrix(rows, cols,
                                 lambda r, c: sp.Add(*[A[r, k] * B[k, c] for k in range(inner)]))
    return Identity(A * B, by_sums)


matmul_entries = Claim(
    id="linear_algebra.matmul.shape_and_entries.entries",
    catalog="linear_algebra.matmul.shape_and_entries",
    title="Entry (i, j) of AB is the sum over k of A_ik B_kj",
    source=SRC + " › Product of Two Matrices",
    statement=_matmul_entries,
    domain={A: domains.general(), B: domains.general()},
    sizes={m: (2, 3), n: (2, 3), q: (2, 3)},
    symbolic_sizes=_every(m=(2, 3), n=(2, 3), q=(2, 3)),
    notes=(
        "Real matrices A (m x n) and B (n x q). The right side is built entry by entry from the "
        "definition, C_ij = A_i1 B_1j + ... + A_in B_nj, as an explicit m x q matrix, and compared "
        "with the matrix product AB (whose shape must then be m x q as well). The entry formula is "
        "the catalog's reconstruction. Checked symbolically with independent symbols for every "
        "entry at all 8 size assignments m, n, q in 2..3 (the whole declared range; 1 x 1 factors are left out so that the report's display, built at the smallest sizes, shows a real sum), and "
        "numerically on Gaussian matrices at the same sizes."
    ),
)


# --- the dot product ----------------------------------------------------------------------------

v1 = sp.MatrixSymbol("v1", n, 1)
v2 = sp.MatrixSymbol("v2", n, 1)

dot_sum_of_products = Claim(
    id="linear_algebra.dot.sum_of_products",
    title="The dot product v1^T v2 is the sum of the products of the entries, and v1^T v2 = v2^T v1",
    source=SRC + " › Dot Product of Two Vectors",
    statement=Derivation(
        steps=(scalar(v1.T * v2), sp.Sum(v1[i, 0] * v2[i, 0], (i, 0, n - 1)), scalar(v2.T * v1)),
        reasons=("definition of the matrix product of a 1 x n row and an n x 1 column",
                 "the products of real numbers commute, term by term"),
    ),
    domain={v1: domains.vector(), v2: domains.vector()},
    sizes={n: (1, 5)},
    symbolic_sizes=_every(n=(1, 5)),
    notes=(
        "Two real column vectors of the same length n; the 1 x 1 product v1^T v2 is read as a "
        "scalar. The chain is v1^T v2 = sum_i v1_i v2_i = v2^T v1, each link checked on its own "
        "(the engine indexes entries from 0 and sums i = 0..n - 1; the report shows the same sum "
        "counted from 1). Checked symbolically with symbolic entries at every n in 1..5 (the whole declared "
        "range) and numerically on Gaussian vectors."
    ),
)


# --- a matrix acting on a vector ----------------------------------------------------------------


J = sp.Symbol("j", integer=True, positive=True)  # a column counted from 1, as the report counts entries


def _column(j, rows):
    """Column j (0-based) of A, written out entry by entry."""
    return sp.ImmutableMatrix(rows, 1, lambda r, _: A[r, j])


def _columns(sizes) -> SumOver:
    """x_1 a_1 + ... + x_n a_n as a sum over the columns (printed as sum_j x_j a_j)."""
    rows = sizes["m"]
    return SumOver("j", lambda j: sp.MatMul(x[j, 0], _column(j, rows), evaluate=False),
                   tuple(range(sizes["n"])), J - 1, r"1, \dots, n")


def _column_combination(sizes):
    rows, cols = sizes["m"], sizes["n"]
    entrywise = sp.ImmutableMatrix(rows, 1, lambda r, _: sp.Add(*[A[r, j] * x[j, 0] for j in range(cols)]))
    return Derivation(
        steps=(A * x, entrywise, _columns(sizes).expr()),
        reasons=("entry i of A x is row i of A times x", "collect the terms by column: x_j multiplies column a_j"),
    )


def _column_names(sizes) -> dict:
    family = _columns(sizes)
    return {family.expr(): family, _column(J - 1, sizes["m"]): "a_{j}"}


matvec_column_combination = Claim(
    id="linear_algebra.matvec.column_combination",
    title="A x is the m-vector with entries sum_j A_ij x_j, i.e. the combination sum_j x_j a_j of the columns",
    source=SRC + " › Matrix Working on a Vector",
    statement=_column_combination,
    tex_names=_column_names,
    domain={A: domains.general(), x: domains.vector()},
    sizes={m: (2, 4), n: (2, 4)},
    symbolic_sizes=_every(m=(2, 4), n=(2, 4)),
    notes=(
        "A is a real m x n matrix with columns a_1, ..., a_n (each a_j is written out entry by "
        "entry from A) and x a real n-vector; no conditions. The chain is A x = (sum_j A_ij x_j)_i "
        "= x_1 a_1 + ... + x_n a_n, each link checked on its own; the shape of each step must be "
        "m x 1. The display formulas are the catalog's reconstruction. Checked symbolically with "
        "symbolic entries at all 9 size assignments m, n in 2..4 (the whole declared range; m, n >= 2 so that the report's display, built at the smallest sizes, shows a real combination of columns) and "
        "numerically on Gaussian instances."
    ),
)
