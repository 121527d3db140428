"""Linear algebra, unit vectors and projections (catalog section 1, "Unit Vector").

* u = x / ||x|| has length 1 and points the way x does (u^T x = ||x||: the angle between them
  is 0).
* The scalar projection of v1 on the direction of v2 is v1^T u2 = v1^T v2 / ||v2||, and what is
  left of v1 after removing that component, v1 - (v1^T u2) u2, is orthogonal to v2.

Both need a nonzero vector to divide by (the notes leave the condition out).  Gaussian instances
are nonzero with probability 1; exact members that happen to be 0 are skipped as undefined.  The
Euclidean norm is written sqrt(x^T x).
"""

from __future__ import annotations

import sympy as sp

from verify import Claim, Identity, domains, scalar

SRC = "000_dc19b0ffecab0c76.txt — Linear Algebra › 10. Unit Vector"

n = sp.Symbol("n", integer=True, positive=True)
x = sp.MatrixSymbol("x", n, 1)
v1 = sp.MatrixSymbol("v1", n, 1)
v2 = sp.MatrixSymbol("v2", n, 1)


def norm(v):
    return sp.sqrt(scalar(v.T * v))


u = x / norm(x)

unit_vector = Claim(
    id="linear_algebra.unit_vector.norm_one",
    title="u = x / ||x|| has norm 1 and the direction of x",
    source=SRC,
    # entry 1: ||u||; entry 2: u^T x / ||x||, the cosine of the angle between u and x
    statement=Identity(sp.ImmutableMatrix([[norm(u)], [scalar(u.T * x) / norm(x)]]),
                       sp.ImmutableMatrix([[1], [1]])),
    domain={x: domains.vector()},
    sizes={n: (1, 4)},
    symbolic_sizes=({"n": 1}, {"n": 2}, {"n": 3}),
    tex_names={u: "u"},
    notes=(
        "x is a real n-vector with x != 0 (a condition the notes leave out); u = x / ||x||_2 with "
        "||x||_2 = sqrt(x^T x) (the catalog's reconstruction). Two facts are checked as the two "
        "entries of one vector: ||u|| = 1, and u^T x / ||x|| = 1, i.e. the cosine of the angle "
        "between u and x is 1, so u is a positive multiple of x. Symbolic at n = 1, 2, 3 with "
        "real symbolic entries; numeric at n = 1..4."
    ),
)

u2 = v2 / norm(v2)
component = scalar(v1.T * u2)

scalar_projection = Claim(
    id="linear_algebra.projection.scalar_projection",
    title="The projection of v1 on v2 is v1^T u2 = v1^T v2 / ||v2||, and the residual is orthogonal to v2",
    source=SRC,
    # entry 1: the two forms of the scalar projection; entry 2: (v1 - (v1^T u2) u2)^T v2 = 0
    statement=Identity(sp.ImmutableMatrix([[component], [scalar((v1 - component * u2).T * v2)]]),
                       sp.ImmutableMatrix([[scalar(v1.T * v2) / norm(v2)], [0]])),
    domain={v1: domains.vector(), v2: domains.vector()},
    sizes={n: (1, 4)},
    symbolic_sizes=({"n": 1}, {"n": 2}, {"n": 3}),
    tex_names={u2: "u_2"},
    notes=(
        "v1 and v2 are real n-vectors with v2 != 0; u2 = v2 / ||v2||. Checked together as the two "
        "entries of one vector: v1^T u2 = v1^T v2 / ||v2|| (the scalar projection), and "
        "(v1 - (v1^T u2) u2)^T v2 = 0 (what the word projection implies: the residual is "
        "orthogonal to v2). Symbolic at n = 1, 2, 3 with real symbolic entries; numeric at n = 1..4 "
        "(the orthogonality is compared with 0 relative to the size of the terms)."
    ),
)
