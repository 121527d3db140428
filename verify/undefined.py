"""A side of a statement that does not exist: a formula that inverts a singular matrix.

`(A^T A)^{-1} A^T = A^+` is false for a rank-deficient A not because the two sides differ but
because the left one is undefined while the right one exists.  The engine treats that as a
counterexample only when it is no accident of a measure-zero set of instances:

* symbolic path: evaluating one side at the *generic* member of a domain component (one symbol per
  free parameter) inverts a matrix whose determinant cancels to 0 identically, so that side is
  undefined on the whole component; the other side evaluates there.  An exact member of the domain
  where the same matrix is exactly singular and the other side exists is shown (`generic_disproof`).
* numeric path: an instance whose one side is non-finite (an inverse of a numerically singular
  matrix) while the other is finite counts as a failing instance (`one_sided_nonfinite`), and the
  exact confirmation (`exact_undefined_text`) shows the singular matrix at the rationalized member.

When both sides are undefined nothing is claimed either way (the statement is about neither).
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from sympy.matrices.exceptions import NonInvertibleMatrixError

from .evaluate import EXACT, evaluate

# the ratio (error / tolerance) recorded for an instance with one side undefined: just over 1, so it
# fails, while a finite mismatch elsewhere (whose numbers a reader can compare) is preferred as the
# counterexample shown
UNDEFINED_RATIO = 1.5


def _side_value(expr, env):
    """(value, None) or (None, the singular matrix it inverts) at an exact environment."""
    try:
        return evaluate(expr, env, EXACT), None
    except NonInvertibleMatrixError:
        return None, singular_inverted(expr, env)


def singular_inverted(expr, env):
    """The first matrix `expr` inverts that is exactly singular at `env`, as an exact matrix (None if
    none is found: the failure came from elsewhere)."""
    for node in sp.preorder_traversal(expr):
        arg = None
        if isinstance(node, sp.Inverse):
            arg = node.arg
        elif isinstance(node, sp.MatPow) and sp.sympify(node.exp, strict=True).is_negative:
            arg = node.base
        if arg is None:
            continue
        try:
            value = sp.Matrix(evaluate(arg, env, EXACT))
        except NonInvertibleMatrixError:
            continue  # an inner inverse fails first: found by the traversal
        if value.rows == value.cols and sp.cancel(value.det(method="berkowitz")) == 0:
            return value, arg
    return None


def generic_disproof(claim, sizes, label, lhs, rhs, env, rational_envs, tex):
    """When one side is undefined at the generic member `env` and the other is not: (steps,
    counterexample pairs) of the disproof, with an exact member from `rational_envs`; else None."""
    a, a_sing = _side_value(lhs, env)
    b, b_sing = _side_value(rhs, env)
    if (a is None) == (b is None):
        return None
    side, other = ("left", "right") if a is None else ("right", "left")
    undefined_expr, defined_expr = (lhs, rhs) if a is None else (rhs, lhs)
    found = a_sing if a is None else b_sing
    what = f"${tex(found[1])}$" if found else "a matrix"
    steps = [f"{label}: the {side} side inverts {what}, whose determinant cancels to 0 identically at the "
             f"generic member: it is singular for every member of this component of the domain, so the {side} "
             f"side is undefined there, while the {other} side evaluates."]
    for exact in rational_envs:
        u, u_sing = _side_value(undefined_expr, exact)
        try:
            d = evaluate(defined_expr, exact, EXACT)
        except (NonInvertibleMatrixError, ValueError, ZeroDivisionError):
            continue
        if u is not None or u_sing is None:
            continue  # the exact member fell outside this component (or is defined there)
        matrix, arg = u_sing
        values = tuple((n, tex(v)) for n, v in exact.items() if n not in sizes)
        steps.append(f"An exact member of the domain where ${tex(arg)}$ is exactly singular (determinant 0) and "
                     f"the {other} side exists (below).")
        return steps, values + ((f"{side} side", rf"\text{{undefined: it inverts }} {tex(arg)} = {tex(matrix)}"
                                 r",\ \det = 0"), (f"{other} side", tex(d)))
    return None


def inverts(expr) -> bool:
    """Whether `expr` inverts a matrix (the only way this module lets a side be undefined)."""
    if not isinstance(expr, sp.Basic):
        return False
    return any(isinstance(node, sp.Inverse) or (isinstance(node, sp.MatPow) and sp.sympify(node.exp, strict=True).is_negative)
               for node in sp.preorder_traversal(expr))


def one_sided_nonfinite(lhs, rhs, n: int, exprs=None):
    """Per instance: whether exactly one side has a non-finite entry, and that side inverts a matrix
    (None when some instance has non-finite entries on both sides, or on a side that inverts no
    matrix: an overflow, say, of exp in a naive log-sum-exp, which says nothing about the claim and
    stays an error).  `exprs` = (lhs_expr, rhs_expr); without them nothing is decided (None)."""
    if exprs is None:
        return None
    left = ~np.isfinite(np.asarray(lhs, dtype=float)).reshape(n, -1).all(axis=1)
    right = ~np.isfinite(np.asarray(rhs, dtype=float)).reshape(n, -1).all(axis=1)
    if np.any(left & right):
        return None
    if (left.any() and not inverts(exprs[0])) or (right.any() and not inverts(exprs[1])):
        return None
    return left ^ right


def finite_copy(lhs, rhs, undefined):
    """lhs, rhs with the non-finite side of each undefined instance replaced by the other side (for
    the error statistics; the instance fails by `UNDEFINED_RATIO`, not by these numbers)."""
    lhs, rhs = np.array(lhs, dtype=float), np.array(rhs, dtype=float)
    mask = undefined.reshape((-1,) + (1,) * (lhs.ndim - 1))
    bad_left = mask & ~np.isfinite(lhs)
    bad_right = mask & ~np.isfinite(rhs)
    lhs = np.where(bad_left, np.where(np.isfinite(rhs), rhs, 0.0), lhs)
    rhs = np.where(bad_right, np.where(np.isfinite(lhs), lhs, 0.0), rhs)
    return lhs, rhs


def exact_undefined_text(lhs_expr, rhs_expr, env, tex=None) -> tuple[str, bool] | None:
    """At an exact member where evaluating a side raised NonInvertibleMatrixError: (text, confirmed),
    confirmed when exactly one side is undefined; None when neither side is (another failure)."""
    a, a_sing = _side_value(lhs_expr, env)
    b, b_sing = _side_value(rhs_expr, env)
    if a is not None and b is not None:
        return None
    if a is None and b is None:
        return ("not confirmed: at the exact member both sides invert an exactly singular matrix (both are "
                "undefined there)", False)
    side, other, found = ("left", "right", a_sing) if a is None else ("right", "left", b_sing)
    shown = ""
    if found:
        matrix, arg = found
        value = sp.sstr(matrix.tolist())
        shown = f" ({sp.sstr(arg)}{' = ' + value if len(value) <= 200 else ''}, determinant 0)"
    return (f"confirmed in exact arithmetic: at the exact member nearest this instance the {side} side inverts "
            f"an exactly singular matrix{shown}, so it is undefined there, while the {other} side exists", True)
