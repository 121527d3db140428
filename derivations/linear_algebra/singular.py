"""Singular matrices, determinants and what a full-rank matrix reaches.

Claims of catalog section 1 (`000_dc19b0ffecab0c76.txt`, Linear Algebra > 6-8) stated with the
equivalence and existence kinds (`verify.logic_kinds`): each direction of an "iff" is checked on
the matrices where its premise holds.
"""

import sympy as sp

from verify import Claim, Identity, domains
from verify.logic_kinds import Equivalence, Exists, Implies

n = sp.Symbol("n", integer=True, positive=True)
A = sp.MatrixSymbol("A", n, n)
b = sp.MatrixSymbol("b", n, 1)
x = sp.MatrixSymbol("x", n, 1)  # the witness of full_rank_spans (bound)

det_zero_no_inverse = Claim(
    id="linear_algebra.singular.det_zero_no_inverse",
    title="A square matrix has rank below n iff its determinant is 0 iff it has no inverse",
    source="000_dc19b0ffecab0c76.txt, Linear Algebra > 6. Rank of a Matrix; 8. Inverse of a Matrix",
    statement=Equivalence(directions=(
        Implies(Identity(sp.Determinant(A), 0), given={A: domains.rank_deficient()},
                premise="rank A < n"),
        Implies((Identity(A * A.I, sp.Identity(n)), Identity(A.I * A, sp.Identity(n))),
                given={A: domains.full_column_rank()}, premise="rank A = n"),
        Implies(Identity(sp.Determinant(A) * sp.Determinant(A.I), 1), given={A: domains.full_column_rank()},
                premise="A has an inverse"),
    )),
    domain={A: domains.any_rank()},
    sizes={n: (2, 4)},
    notes=(
        "A is square, n from 2 to 4 (symbolically n = 2).  The three conditions (rank A < n, det A = 0, A has no "
        "inverse) are shown equivalent by a cycle of implications, each checked on the matrices where its premise "
        "holds: (1) rank A < n => det A = 0, on rank-deficient A (one column a copy of another); (2) rank A = n => "
        "A^{-1} exists with A A^{-1} = A^{-1} A = I, on full-rank A; (3) A has an inverse => det A det A^{-1} = 1, "
        "so det A != 0.  Then det A = 0 => no inverse (contrapositive of 3) => rank A < n (contrapositive of 2), "
        "and rank A < n => det A = 0 is (1).  Symbolically the full-rank matrices are generic (independent "
        "entries: full rank except on a set of measure zero, where A^{-1} is undefined); the inverse is the "
        "adjugate over the determinant."),
)

full_rank_spans = Claim(
    id="linear_algebra.rank.full_rank_spans",
    title="A full-rank square matrix reaches every vector: b = A x for x = A^{-1} b",
    source="000_dc19b0ffecab0c76.txt, Linear Algebra > 6. Rank of a Matrix",
    statement=Exists(witness={x: A.I * b}, conditions=(Identity(A * x, b),)),
    domain={A: domains.full_column_rank(), b: domains.vector()},
    sizes={n: (1, 4)},
    notes=(
        "A square of rank n (n from 1 to 4, symbolically n = 2), b any vector.  The existence of x with A x = b "
        "for every b (the columns of A span R^n) is shown by the witness x = A^{-1} b, substituted and checked "
        "for every A and b (symbolically with generic entries, where A^{-1} is the adjugate over the "
        "determinant; numerically on random full-rank A).  Linear independence of the columns is the same "
        "statement read for b = 0 (A x = 0 forces x = A^{-1} 0 = 0)."),
)
