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
from sympy.matrices.expressions.matexpr import MatrixElement


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


@dataclass(frozen=True)
class IndexCondition:
    """An entry index within its axis: `low` (the smallest value the index takes, over the ranges
    of the sums around it) >= 0, or `high` (the largest) <= `size` - 1.  `ranges` are the
    (first, last) of those sums' indices: a sum with no terms at some sizes reads no entry there.

    SymPy builds `Sum(x.T[i, 0], (i, 0, n - 1))` for a 1 x n `x.T` without complaint, then raises
    a bare IndexError from deep inside `doit` once n is a number (a transposed operand in a
    mutant); as a condition it names the sizes where the formula is ill-formed, as a mismatched
    product does."""

    left: sp.Expr  # the index's extreme value (`_here` shows it at the sizes)
    right: sp.Expr  # the axis's length
    where: "str | Where"
    upper: bool  # True: left <= right - 1; False: left >= 0
    ranges: tuple = ()

    def holds_for(self, sizes: dict) -> bool:
        def at(e):
            e = sp.sympify(e, strict=True)
            return e.xreplace({s: sp.Integer(sizes[str(s.name)]) for s in e.free_symbols if str(s.name) in sizes})

        if any((d := at(last) - at(first)).is_Integer and d < 0 for first, last in self.ranges):
            return True  # an empty sum: no entry is read
        value, size = at(self.left), at(self.right)
        if not (value.is_Integer and size.is_Integer):
            return True  # not decided by the sizes (evaluation checks each entry it reads)
        return value <= size - 1 if self.upper else value >= 0

    @property
    def identically(self) -> bool:
        gap = (sp.sympify(self.right, strict=True) - 1 - self.left) if self.upper else sp.sympify(self.left, strict=True)
        # the sizes are positive integers: say so to SymPy's assumptions
        gap = gap.xreplace({s: sp.Dummy(str(s.name), integer=True, positive=True) for s in gap.free_symbols})
        return bool(sp.expand(gap).is_nonnegative)

    def __str__(self) -> str:
        if self.upper:
            return f"{self.where} needs {self.left} < {self.right} (the axis's length)"
        return f"{self.where} needs {self.left} >= 0"


def _index_extremes(index, ranges: dict):
    """(smallest, largest, the ranges used) of an index affine in the enclosing sums' indices with
    numeric coefficients, or None (then evaluation alone checks it)."""
    index = sp.sympify(index, strict=True)
    bound = [v for v in ranges if v in index.free_symbols]
    if not bound:
        return index, index, ()
    low = high = index.xreplace({v: 0 for v in bound})
    for v in bound:
        c = index.diff(v)
        if not c.is_number or c.is_zero or index.diff(v, 2) != 0:
            return None
        first, last = ranges[v]
        if any(w in ranges for e in (first, last) for w in sp.sympify(e, strict=True).free_symbols):
            return None  # a range that depends on another sum's index
        low, high = (low + c * first, high + c * last) if c > 0 else (low + c * last, high + c * first)
    if any(sp.sympify(e, strict=True).free_symbols & set(bound) for e in (low, high)):
        return None
    return low, high, tuple(ranges[v] for v in bound)


def _entry_conditions(expr, ranges: dict, out: list) -> None:
    parent = expr.parent
    shape = _shape(parent)
    if shape is None:
        return
    for axis, (index, size) in enumerate(zip((expr.i, expr.j), shape)):
        found = _index_extremes(index, ranges)
        if found is None:
            continue
        low, high, used = found
        label = "row" if axis == 0 else "column"
        where = Where(lambda expr=expr, label=label: f"the entry {sp.sstr(expr)[:60]} ({label} index)")
        if not (low.is_number and low >= 0):  # a constant index in range needs no condition
            out.append(IndexCondition(low, sp.Integer(0), where, False, used))
        if not (high.is_number and sp.sympify(size, strict=True).is_number and high <= size - 1):
            out.append(IndexCondition(high, size, where, True, used))


def conditions(expr, out: list | None = None, ranges: dict | None = None) -> list[ShapeCondition]:
    """Every dimension equality that `expr` needs in order to be well-formed, and every entry
    index within its axis (`IndexCondition`)."""
    out = [] if out is None else out
    ranges = {} if ranges is None else ranges
    if not isinstance(expr, sp.Basic):
        return out
    if isinstance(expr, sp.Sum):
        inner = dict(ranges)
        for limit in expr.limits:
            if len(limit) == 3 and limit[2] is not sp.oo:
                inner[limit[0]] = (limit[1], limit[2])
        conditions(expr.function, out, inner)
        return out
    if isinstance(expr, MatrixElement):
        _entry_conditions(expr, ranges, out)
    for arg in expr.args:
        conditions(arg, out, ranges)
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
