"""How far one random instance can be trusted: its condition number and its distance to kinks.

Both are computed per instance inside the numeric path's `jit(vmap(...))`, from the same SymPy
statement the comparisons use, by walking it once at trace time:

* **condition number**: the largest 2-norm condition number kappa = s_max / s_min among the
  matrices the formula inverts (`Inverse` nodes and negative `MatPow`s), evaluated at the
  instance.  Rounding in an inverse grows like eps * kappa, so the numeric path widens the
  relative tolerance with kappa (see `effective_rtol`).  Square inputs that are never inverted
  do not count: a singular PSD matrix that is only multiplied loses no accuracy, and counting it
  would widen the tolerance for nothing.
* **kinks**: the arguments of the non-smooth atoms (`Abs`, `sign`, `Heaviside`, `Max`, `Min`,
  and the relations of `Piecewise` conditions).  An instance whose kink argument is within
  `KINK_MARGIN` of 0, relative to the size of the terms it is computed from, sits where rounding
  can pick the other branch (or where autodiff and the formula legitimately disagree, at the kink
  itself); the numeric path excludes it from the decision unless the claim is about the kink.

Bound variables are given their values as the evaluator would: an elementwise function's
variable is the matrix it is applied to, `Grad(f, x, at=p)` sees `x = p`, and a smooth
`Minimiser`'s variable is its point.  A site that still mentions a variable with no value at
the instance (the variable of a non-smooth minimiser, a summation index) is skipped.
"""

from __future__ import annotations

import itertools
from typing import Any, Callable

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from ._errors import EvaluationError, ShapeMismatch
from .claim import Minimiser, sides
from .evaluate import evaluate, jax_backend
from .nodes import DERIVATIVE_NODES

# rtol_eff = rtol * min(max(1, kappa), KAPPA_CAP): at the cap the default rtol 1e-8 becomes 1e-4,
# still far below the O(1) relative error of a wrong term, sign or factor of 2.
KAPPA_CAP = 1e4
# a kink argument within this fraction of the size of its terms counts as "at the kink"
KINK_MARGIN = 1e-6

# Tolerances are entrywise: entry ij is compared against atol + rtol_eff * scale_ij with
# scale_ij = max(|lhs_ij|, |rhs_ij|, the claim's or check's extra scale, floor), so a factor-2
# error in a small entry is not hidden by a large entry elsewhere in the same matrix (it was, when
# the scale was the largest entry of the whole matrix).  The floor is ROUNDING_FLOOR times the
# largest |entry| of the instance's two sides.  Why a floor, and why 1e-6:
# * the rounding error of an entry is proportional to the size of the terms it was computed from,
#   not to the entry: an entry that is a near-cancellation (a small entry of a product of large
#   matrices) carries an absolute error of about c * u * T (u = 2.2e-16, T the size of the terms,
#   c a small accumulation factor: the number of terms and operations).  T is not known per entry,
#   but it is at most about the largest entry of the result whenever the result is not itself a
#   cancellation of much larger intermediates (and that case was never covered: the old, whole-
#   matrix scale did not cover it either);
# * at the default rtol 1e-8 the floor's tolerance is 1e-8 * 1e-6 * max|entry| = 1e-14 * max|entry|,
#   about 45 u * max|entry|: room for accumulation factors up to ~45 relative to the largest entry,
#   and rtol_eff = rtol * min(max(1, kappa), KAPPA_CAP) grows with the condition number exactly as
#   the normwise rounding of an inverse (u * kappa * ||x||) does, so the room stays ~45 up to the cap;
# * beyond the cap rtol_eff stops growing while the normwise error of an inverse does not, so the
#   floor grows by kappa / KAPPA_CAP instead, up to the whole-instance scale (kappa >= 1e10: the
#   comparison is then normwise, as it was before for every instance; the push-through identity
#   in tests/test_numeric_tolerance.py, kappa ~ 1e12, fails without this growth);
# * it still catches a wrong small entry: a factor-2 error in an entry of size |t| shows once
#   |t| > 2e-14 * max|entry| at the default rtol (e.g. t ~ 1 beside exp(25) ~ 7e10), where the
#   whole-matrix scale needed |t| > 2e-8 * max|entry|.
# Every built-in claim passes with it (and fails where expected).
ROUNDING_FLOOR = 1e-6

KINK_ATOMS = (sp.Abs, sp.sign, sp.Heaviside, sp.Max, sp.Min, sp.Piecewise)


def effective_rtol(rtol: float, kappa):
    """The relative tolerance of an instance with condition number `kappa` (array-friendly)."""
    import numpy as np

    return rtol * np.minimum(np.maximum(1.0, np.nan_to_num(kappa, nan=np.inf)), KAPPA_CAP)


def rounding_floor(kappa):
    """The floor of an entry's scale, as a fraction of the instance's largest |entry| (array-friendly):
    ROUNDING_FLOOR, growing by kappa / KAPPA_CAP beyond the cap, at most 1 (see ROUNDING_FLOOR)."""
    import numpy as np

    kappa = np.nan_to_num(np.asarray(kappa, dtype=float), nan=np.inf)
    return np.minimum(1.0, ROUNDING_FLOOR * np.maximum(1.0, kappa / KAPPA_CAP))


def tolerance_text(atol: float, rtol: float) -> str:
    return (f"|lhs_ij - rhs_ij| <= {atol:g} + {rtol:g} * min(max(1, kappa), {KAPPA_CAP:g}) * scale_ij for every "
            "entry ij of every instance, scale_ij = max(|lhs_ij|, |rhs_ij|, the check's own scale if any, "
            f"{ROUNDING_FLOOR:g} * max(1, kappa / {KAPPA_CAP:g}) (at most 1) * the instance's largest |entry|: "
            "room for rounding in an entry computed by cancellation); kappa is the instance's largest 2-norm "
            "condition number of a matrix the formula inverts (1 when it inverts none)")


# --- which expressions to walk, with which bindings ------------------------------------------------


def _roots(statement) -> list[tuple[Any, tuple]]:
    """(expression, bindings) to walk; bindings are (variable, expression giving its value)."""
    if isinstance(statement, Minimiser):
        # stationarity is checked at the point, so a smooth f is looked at there; the variable of a
        # non-smooth minimiser is left unbound: its kinks are what the subgradient check is about
        bind = ((statement.wrt, statement.point),) if statement.smooth else ()
        roots = [(statement.f, bind), (statement.point, ())]
        if statement.reference is not None:
            roots.append((statement.reference, ()))
        return roots
    return [(e, ()) for e in sides(statement) if isinstance(e, sp.Basic)]


def mentions(statement, types) -> bool:
    """Whether any expression of the statement contains a node of one of `types` (cheap, symbolic)."""
    return any(e.has(*types) for e, _ in _roots(statement))


def _is_inverse(node) -> bool:
    if isinstance(node, sp.Inverse):
        return True
    return isinstance(node, sp.MatPow) and node.exp.is_Integer and node.exp < 0


def _inverted_arg(node):
    return node.arg if isinstance(node, sp.Inverse) else node.base


class _Walk:
    """One trace-time walk over a statement's expressions with the instance's values in `env`."""

    def __init__(self, env: dict, visit: Callable):
        self.env = env
        self.visit = visit
        self.seen: set = set()

    def run(self, roots):
        for expr, bindings in roots:
            env, scales = dict(self.env), {}
            for var, value_expr in bindings:
                value = self.value(value_expr, env)
                if value is None:
                    break
                env[str(var.name)] = value
                scales[str(var.name)] = _abs(value)
            else:
                self.walk(expr, env, scales, tuple(bindings))

    def value(self, expr, env):
        try:
            return evaluate(expr, env, jax_backend())
        except (EvaluationError, ShapeMismatch, KeyError, TypeError, ValueError):
            return None

    def walk(self, expr, env, scales, key):
        if not isinstance(expr, sp.Basic) or expr.is_Atom:
            return
        if (expr, key) in self.seen:
            return
        self.seen.add((expr, key))
        self.visit(self, expr, env, scales)
        if isinstance(expr, ElementwiseApplyFunction):
            lam = expr.function
            (var,) = lam.variables
            inner = self.value(expr.expr, env)
            if inner is not None:
                inner_scale = self.scale(expr.expr, env, scales)
                self.walk(lam.expr, {**env, str(var.name): inner}, {**scales, str(var.name): inner_scale},
                          key + ((var, expr.expr),))
            self.walk(expr.expr, env, scales, key)
            return
        if isinstance(expr, DERIVATIVE_NODES):
            body, wrt, at = expr.args
            point = self.value(at, env)
            if point is not None:
                self.walk(body, {**env, str(wrt.name): point}, {**scales, str(wrt.name): _abs(point)},
                          key + ((wrt, at),))
            self.walk(at, env, scales, key)
            return
        if isinstance(expr, sp.Lambda):
            return
        for arg in expr.args:
            self.walk(arg, env, scales, key)

    def scale(self, expr, env, scales):
        """Entrywise size of the terms `expr` is the sum of (the size cancellation starts from)."""
        name = str(getattr(expr, "name", "")) if isinstance(expr, (sp.Symbol, sp.MatrixSymbol)) else None
        if name and name in scales:
            return scales[name]
        if isinstance(expr, (sp.Add, sp.MatAdd)):
            import jax.numpy as jnp

            parts = [self.scale(t, env, scales) for t in expr.args]
            if any(p is None for p in parts):
                return None
            out = parts[0]
            for p in parts[1:]:
                out = jnp.maximum(out, p)
            return out
        value = self.value(expr, env)
        return None if value is None else _abs(value)


def _abs(value):
    import jax.numpy as jnp

    return jnp.abs(jnp.asarray(value, dtype=jnp.float64))


# --- condition numbers -----------------------------------------------------------------------------


def _cond(matrix):
    import jax.numpy as jnp

    s = jnp.linalg.svd(matrix, compute_uv=False)
    return jnp.where(s[-1] > 0, s[0] / jnp.where(s[-1] > 0, s[-1], 1.0), jnp.inf)


def instance_condition(statement, env: dict):
    """The instance's largest condition number of an inverted matrix (traceable); 1.0 when the
    formula inverts none.  Also returns whether it inverts any."""
    import jax.numpy as jnp

    found = []

    def visit(walk, node, local_env, scales):
        if _is_inverse(node):
            value = walk.value(_inverted_arg(node), local_env)
            if value is not None and getattr(value, "ndim", 0) == 2 and value.shape[0] == value.shape[1]:
                found.append(_cond(jnp.asarray(value, dtype=jnp.float64)))

    if mentions(statement, (sp.Inverse, sp.MatPow)):
        _Walk(env, visit).run(_roots(statement))
    if not found:
        return jnp.asarray(1.0), False
    return jnp.max(jnp.stack(found)), True


# --- kinks -----------------------------------------------------------------------------------------


def _kink_arguments(node):
    """[(a, b), ...]: the kink is where a = b."""
    if isinstance(node, (sp.Abs, sp.sign, sp.Heaviside)):
        return [(node.args[0], sp.Integer(0))]
    if isinstance(node, (sp.Max, sp.Min)):
        return list(itertools.combinations(node.args, 2))
    if isinstance(node, sp.Piecewise):
        out = []
        for _, cond in node.args:
            if isinstance(cond, sp.Basic):
                out += [(r.lhs, r.rhs) for r in cond.atoms(sp.core.relational.Relational)]
        return out
    return []


def near_kink(statement, env: dict, margin: float = KINK_MARGIN):
    """Whether the instance has a kink argument within `margin` of 0, relative to the size of the
    terms it is computed from (traceable boolean; exactly 0 always counts), and the sorted names
    of the non-smooth functions whose arguments were looked at."""
    import jax.numpy as jnp

    flags, names = [], set()

    def visit(walk, node, local_env, scales):
        for a, b in _kink_arguments(node):
            va, vb = walk.value(a, local_env), walk.value(b, local_env)
            sa, sb = walk.scale(a, local_env, scales), walk.scale(b, local_env, scales)
            if va is None or vb is None or sa is None or sb is None:
                continue
            gap = jnp.abs(jnp.asarray(va, dtype=jnp.float64) - jnp.asarray(vb, dtype=jnp.float64))
            flags.append(jnp.any(gap <= margin * jnp.maximum(sa, sb)))
            names.add(type(node).__name__)

    if mentions(statement, KINK_ATOMS):
        _Walk(env, visit).run(_roots(statement))
    if not flags:
        return jnp.asarray(False), []
    return jnp.any(jnp.stack(flags)), sorted(names)


def kink_atoms(statement) -> list[str]:
    """Names of the non-smooth functions the statement uses (for the report), sorted."""
    names = set()
    for expr, _ in _roots(statement):
        for node in sp.preorder_traversal(expr):
            if isinstance(node, KINK_ATOMS):
                names.add(type(node).__name__)
    return sorted(names)
