"""Shape checking at the matrix level, for every size at once.

SymPy builds `W.T * g` for symbolic dimensions without checking that they agree.  Here every
product, sum and side of an equation is walked with its symbolic dimensions, and each pair of
dimensions that must agree becomes a condition (`n_k == n_km1`).  A condition that holds
identically is discharged for all sizes; one that does not names the sizes at which the formula
is ill-formed.  This is the dimension-generic part of the shape check; concrete sizes are
checked again on both paths when the formula is evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp


class Where:
    """The text of where a condition comes from, made only when it is read.  Printing an operand
    with `sstr` can take tens of milliseconds (SymPy's printer rebuilds `-M` for each MatMul to
    choose its sign), and a statement has hundreds of conditions of which almost none fail: made
    eagerly, the text cost seconds per claim on the numeric path."""

    __slots__ = ("_make", "_text")

    def __init__(self, make):
        self._make, self._text = make, None

    def __str__(self) -> str:
        if self._text is None:
            self._text = self._make()
        return self._text

    def __add__(self, more: str) -> "Where":
        return Where(lambda: str(self) + more)

    def __eq__(self, other) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))

    def __reduce__(self):
        return str, (str(self),)


@dataclass(frozen=True)
class ShapeCondition:
    left: sp.Expr
    right: sp.Expr
    where: "str | Where"

    def holds_for(self, sizes: dict) -> bool:
        diff = sp.sympify(self.left, strict=True) - sp.sympify(self.right, strict=True)
        sub = {s: sp.Integer(sizes[str(s.name)]) for s in diff.free_symbols if str(s.name) in sizes}
        return diff.xreplace(sub) == 0

    @property
    def identically(self) -> bool:
        # dimensions are integer expressions such as n, 2*n, n + 1: expand decides them
        return sp.expand(sp.sympify(self.left, strict=True) - sp.sympify(self.right, strict=True)) == 0

    def __str__(self) -> str:
        return f"{self.where} needs {self.left} = {self.right}"


def _short(expr) -> str:
    """An operand as a reader can find it in the statement: short ones in full, long ones by kind
    and shape."""
    text = sp.sstr(expr)
    if len(text) <= 40:
        return f"({text})" if isinstance(expr, (sp.MatAdd, sp.Add)) else text
    rows, cols = expr.shape
    return f"<{type(expr).__name__} of shape {rows} x {cols}>"


def _shape(expr):
    return getattr(expr, "shape", None) if getattr(expr, "is_Matrix", False) else None


def conditions(expr, out: list | None = None) -> list[ShapeCondition]:
    """Every dimension equality that `expr` needs in order to be well-formed."""
    out = [] if out is None else out
    if not isinstance(expr, sp.Basic):
        return out
    for arg in expr.args:
        conditions(arg, out)
    if isinstance(expr, (sp.MatMul,)):
        mats = [a for a in expr.args if _shape(a) is not None]
        for a, b in zip(mats, mats[1:]):
            out.append(ShapeCondition(a.shape[1], b.shape[0],
                                      Where(lambda a=a, b=b: f"the product {_short(a)} * {_short(b)}")))
    elif isinstance(expr, (sp.MatAdd, sp.HadamardProduct)):
        mats = [a for a in expr.args if _shape(a) is not None]
        for a, b in zip(mats, mats[1:]):
            what = "sum" if isinstance(expr, sp.MatAdd) else "elementwise product"
            for axis, label in ((0, "rows"), (1, "columns")):
                out.append(ShapeCondition(a.shape[axis], b.shape[axis], Where(
                    lambda a=a, b=b, what=what, label=label: f"the {what} of {_short(a)} and {_short(b)} ({label})")))
    elif isinstance(expr, sp.Inverse):
        out.append(ShapeCondition(expr.arg.shape[0], expr.arg.shape[1],
                                  Where(lambda arg=expr.arg: f"the inverse of {_short(arg)}")))
    elif isinstance(expr, (sp.Trace, sp.Determinant)) and _shape(expr.arg) is not None:
        # SymPy builds tr(W) and det(W) for an n x m W; only a square matrix has either
        what = "trace" if isinstance(expr, sp.Trace) else "determinant"
        out.append(ShapeCondition(expr.arg.shape[0], expr.arg.shape[1],
                                  Where(lambda arg=expr.arg, what=what: f"the {what} of {_short(arg)}")))
    return out


def expected_shape_conditions(expr, expected, where: str) -> list[ShapeCondition]:
    """The conditions for `expr` to have the shape `expected = (rows, cols)` (a `Shape` statement's
    `expected=`): its rows and its columns.  A scalar counts as 1 x 1.  `expected=None` asks for
    nothing."""
    if expected is None:
        return []
    rows, cols = expected
    shape = _shape(expr)
    note = ""
    if shape is None:
        shape, note = (sp.Integer(1), sp.Integer(1)), "; a scalar is 1 x 1"
    return [ShapeCondition(shape[0], sp.sympify(rows, strict=True), f"{where} (rows{note})"),
            ShapeCondition(shape[1], sp.sympify(cols, strict=True), f"{where} (columns{note})")]


def equal_shape_conditions(a, b, where: str) -> list[ShapeCondition]:
    sa, sb = _shape(a), _shape(b)
    if sa is None and sb is None:
        return []
    if sa is None or sb is None:
        # a scalar against a matrix: only a 1 x 1 matrix may stand for a scalar
        shape = sa if sa is not None else sb
        return [ShapeCondition(shape[0], 1, f"comparing {where} (a scalar against a matrix)"),
                ShapeCondition(shape[1], 1, f"comparing {where} (a scalar against a matrix)")]
    return [ShapeCondition(sa[0], sb[0], f"comparing {where} (rows)"),
            ShapeCondition(sa[1], sb[1], f"comparing {where} (columns)")]
