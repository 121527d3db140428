"""Linear algebra, unit vectors and projections (catalog section 1, "Unit Vector").

* u = x / ||x|| has length 1 and points the way x does (u^T x = ||x||: the angle between them
  is 0).
* The scalar projection of v1 on the direction of v2 is v1^T u2 = v1^T v2 / ||v2||, and what is
  left of v1 after removing that component, v1 - (v1^T u2) u2, is orthogonal to v2.

Both need a nonzero vector to divide by (the notes leave the condition out).  Gaussian instances
are nonzero with probability 1; exact members that happen to be 0 are skipped as undefined.  The
Euclidean norm is written sqrt(x^T x).  Each catalog entry is checked as its parts, one claim
each (ids `<catalog id>.<part>`).
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


def norm_of(v):
    """||v|| with v kept whole: v^T v built unevaluated, so that a named v (u = x / ||x||) stays one
    factor instead of SymPy merging its scalar into the product."""
    return sp.sqrt(scalar(sp.MatMul(sp.Transpose(v), v, evaluate=False)))


u = x / norm(x)
UNIT_NOTE = ("x is a real n-vector with x != 0 (a condition the notes leave out); u = x / ||x||_2 with "
             "||x||_2 = sqrt(x^T x) (the catalog's reconstruction). ")

unit_vector_norm = Claim(
    id="linear_algebra.unit_vector.norm_one.norm",
    catalog="linear_algebra.unit_vector.norm_one",
    title="u = x / ||x|| has norm 1",
    source=SRC,
    statement=Identity(norm_of(u), 1),
    domain={x: domains.vector()},
    sizes={n: (1, 4)},
    symbolic_sizes=({"n": 1}, {"n": 2}, {"n": 3}),
    tex_names={u: "u"},
    notes=UNIT_NOTE + "Checked: ||u|| = sqrt(u^T u) = 1. Symbolic at n = 1, 2, 3 with real symbolic entries; "
                      "numeric at n = 1..4.",
)

unit_vector_direction = Claim(
    id="linear_algebra.unit_vector.norm_one.direction",
    catalog="linear_algebra.unit_vector.norm_one",
    title="u = x / ||x|| has the direction of x: the cosine of the angle between them is 1",
    source=SRC,
    statement=Identity(scalar(sp.MatMul(sp.Transpose(u), x, evaluate=False)) / norm(x), 1),
    domain={x: domains.vector()},
    sizes={n: (1, 4)},
    symbolic_sizes=({"n": 1}, {"n": 2}, {"n": 3}),
    tex_names={u: "u"},
    notes=UNIT_NOTE + "Checked: u^T x / ||x|| = 1, i.e. the cosine of the angle between u and x is 1 (u has "
                      "norm 1: see the part .norm), so u is a positive multiple of x. Symbolic at n = 1, 2, 3 "
                      "with real symbolic entries; numeric at n = 1..4.",
)

u2 = v2 / norm(v2)
component = scalar(sp.MatMul(v1.T, u2, evaluate=False))  # v1^T u2, with u2 kept whole
PROJECTION_NOTE = "v1 and v2 are real n-vectors with v2 != 0 (a condition the notes leave out); u2 = v2 / ||v2||. "

projection_component = Claim(
    id="linear_algebra.projection.scalar_projection.component",
    catalog="linear_algebra.projection.scalar_projection",
    title="The scalar projection of v1 on the direction of v2 is v1^T u2 = v1^T v2 / ||v2||",
    source=SRC,
    statement=Identity(component, scalar(v1.T * v2) / norm(v2)),
    domain={v1: domains.vector(), v2: domains.vector()},
    sizes={n: (1, 4)},
    symbolic_sizes=({"n": 1}, {"n": 2}, {"n": 3}),
    tex_names={u2: "u_{2}"},
    notes=PROJECTION_NOTE + "Checked: v1^T u2 = v1^T v2 / ||v2||, the two forms of the scalar projection. "
                            "Symbolic at n = 1, 2, 3 with real symbolic entries; numeric at n = 1..4.",
)

residual = sp.MatAdd(v1, sp.MatMul(-1, component, u2, evaluate=False), evaluate=False)  # v1 - (v1^T u2) u2

projection_residual = Claim(
    id="linear_algebra.projection.scalar_projection.residual_orthogonal",
    catalog="linear_algebra.projection.scalar_projection",
    title="What is left of v1 after removing its component along v2, v1 - (v1^T u2) u2, is orthogonal to v2",
    source=SRC,
    statement=Identity(scalar(sp.MatMul(sp.Transpose(residual), v2, evaluate=False)), 0),
    domain={v1: domains.vector(), v2: domains.vector()},
    sizes={n: (1, 4)},
    symbolic_sizes=({"n": 1}, {"n": 2}, {"n": 3}),
    tex_names={u2: "u_{2}"},
    notes=PROJECTION_NOTE + "Checked: (v1 - (v1^T u2) u2)^T v2 = 0, what the word projection implies (the notes "
                            "do not state it). Symbolic at n = 1, 2, 3 with real symbolic entries; numeric at "
                            "n = 1..4 (the orthogonality is compared with 0 relative to the size of the terms).",
)
