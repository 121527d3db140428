"""Limits and determinant identities of linear algebra (catalog section 1)."""

import sympy as sp

from verify import Claim, Identity, domains
from verify.logic_kinds import Limit

n = sp.Symbol("n", integer=True, positive=True)
x = sp.MatrixSymbol("x", n, 1)
A = sp.MatrixSymbol("A", n, n)
p = sp.Symbol("p", positive=True)  # the exponent of the p-norm (bound by the Limit)


def sup_limit_at(sizes):
    entries = [sp.Abs(x[i, 0]) for i in range(sizes["n"])]
    p_norm = sp.Add(*[e**p for e in entries]) ** (1 / p)
    return Limit(p_norm, p, sp.oo, sp.Max(*entries))


sup_limit = Claim(
    id="linear_algebra.norm.sup_limit",
    title="The p-norm tends to the largest absolute entry as p -> infinity",
    source="000_dc19b0ffecab0c76.txt, Linear Algebra > 12. Norm of a Vector",
    statement=sup_limit_at,
    domain={x: domains.vector()},
    sizes={n: (2, 5)},
    tex_names={"p": "p"},
    notes=(
        "x a real vector with n from 2 to 5 entries (the statement is built per n: the maximum is over the "
        "entries).  Symbolically SymPy's limit at n = 2 with symbolic entries; numerically the sequence "
        "p = 2, 4, ..., 256 on random x, whose gap to max |x_i| must shrink as described in the numeric notes "
        "(||x||_p - max|x_i| is at most (n^{1/p} - 1) max|x_i|, a 1/p rate)."),
)

volume = Claim(
    id="linear_algebra.det.volume",
    title="|det A| is the volume spanned by the rows: |det A| = sqrt(det(A A^T))",
    source="000_dc19b0ffecab0c76.txt, Linear Algebra > 7. Determinant of a Matrix",
    statement=Identity(sp.Abs(sp.Determinant(A)), sp.sqrt(sp.Determinant(A * A.T))),
    domain={A: domains.general()},
    sizes={n: (1, 4)},
    symbolic_sizes=({"n": 2}, {"n": 3}),
    notes=(
        "A square, n from 1 to 4, symbolically at n = 2 and 3.  The volume of the parallelepiped spanned by the "
        "rows r_i of A is sqrt(det G) with G = A A^T the Gram matrix of the rows (base times height, generalised); "
        "the claim is that it equals |det A|.  At n = 2, det(A A^T) = ||r_1||^2 ||r_2||^2 - (r_1 . r_2)^2, the "
        "squared area of the parallelogram."),
)
