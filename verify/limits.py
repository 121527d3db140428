"""Checks of limits and orders (`verify.logic_kinds.Limit`, `Order`).

**Limit** `lim_{v -> a} expr = L`.  Symbolically: at the symbolic sizes with generic members,
`sympy.limit` (a series whose upper bound is `v -> oo` is summed to infinity with `Sum.doit`
and its convergence asked of SymPy); a result that reduces to `L` (cross-checked at 50 digits)
is a proof.  SymPy's limit is a heuristic (Gruntz) algorithm: where it gives up, or depends on
the sign of an expression it cannot decide, the path looks for an exact member of the domain
where the limit (computed there) differs from `L` or the series diverges, and otherwise stays
undecided.  Numerically: the sequence `v_j` (`2^j`, j = 1..LIMIT_STEPS, towards infinity;
`a + 2^-j`, j = 4..3 + LIMIT_STEPS, towards a finite point) must approach `L`: with gaps
`g_j = |expr(v_j) - L|`, the last gap may not exceed `TAIL_FACTOR` times the larger of the last
two steps of the sequence, nor the larger of the two gaps before it (beyond the claim's
tolerance).  Two, not one: a sequence whose next-order term cancels its leading one near the
end crosses L there, so one gap dips and the one after it is larger again (a true difference
quotient limit did so at 1 of 20 seeds).  A sequence converging to another value keeps a gap
while its steps shrink; a divergent one has growing gaps.  The test assumes
convergence at least about as fast as 1/v (a slower sequence would be refuted falsely, and the
report states the assumption).

**Order** `error = O(|v - a|^k)`.  Symbolically: when `error` is built from smooth functions only
(no Abs, sign, Max, Min, Heaviside or Piecewise), it is C-infinity in v near a wherever it is
defined, and it is O(|v - a|^k) exactly when its Taylor coefficients of orders 0..k-1 at a vanish;
each is computed with `sympy.diff` and reduced to 0 (cross-checked at 50 digits).  A coefficient
below k that an exact member of the domain makes nonzero disproves the claim (the error is then
of a lower order there).  Numerically: steps `t_j = 2^-(2+j)`, j = 0..ORDER_STEPS-1 (t from 1/4
down to 2^-21), and at each the error's largest |entry|.  A step is *usable* when that exceeds
`ROUNDING` times the size of the error's terms (well above the error rounding leaves there).  Between
consecutive usable steps, the local slope of log|error| against log t.  Far from 0, the error's
higher Taylor terms can cancel its leading one, which makes a dip (a zero crossing) where the local
slopes swing; closer to 0 they settle at the order.  The estimate is therefore a least-squares fit
over the *settled tail*: the longest run of the smallest usable steps whose local slopes lie within
`ORDER_BAND` of one another.  It must exceed `k - ORDER_SLACK`.  An error that is within rounding of 0
at all but two steps passes (it is O of any order there), and the notes say so.  An instance whose
slopes do not settle (fewer than two in the tail) before the error reaches rounding is left out of
the decision and counted in the report; when more than half are left out the result is an error, so
a claim cannot pass on unsettled instances.  After a dip the slopes approach k from below (at a
quarter of the dip's step they are within about 0.33 of k), which the slack of 0.5 absorbs.  A claim whose true order is k - 1 has slopes settling
at k - 1 and fails; a lower-order term too small to show before rounding (its coefficient below about
2^-20 times the next one) is beyond this check, which the symbolic path covers.
"""

from __future__ import annotations

import math

import sympy as sp

from . import crosscheck
from .claim import Claim
from .evaluate import EXACT, evaluate
from .exact import SymbolicResult, _tex, generic_env, rational_envs, scope_of
from .logic_kinds import Limit, Order
from .reduce import CHEAP_REDUCERS, COSTLY_REDUCERS, reduce_to_zero

LIMIT_STEPS = 8  # v_j = 2^j up to 256, or a + 2^-j from 2^-4 to 2^-11
TAIL_FACTOR = 2.0  # the last gap may be at most this many times the last step of the sequence
ORDER_STEPS = 20  # t from 1/4 down to 2^-21
ORDER_SLACK = 0.5  # the fitted slope must exceed order - ORDER_SLACK
ORDER_BAND = 0.25  # the local slopes of the settled tail differ by at most this
ROUNDING = 128 * 2.0 ** -52  # an error below this times the size of its terms is rounding
# (measured on the Order claims at seeds 0-11: rounding leaves errors below 1e-3 of the old 1e3 * eps,
# so 128 * eps keeps each usable error within about 1% of its value, and each local slope within 0.05)

NON_SMOOTH = (sp.Abs, sp.sign, sp.Max, sp.Min, sp.Heaviside, sp.Piecewise)


def limit_sequence(point) -> list:
    if point in (sp.oo, -sp.oo):
        sign = 1 if point == sp.oo else -1
        return [sign * 2 ** j for j in range(1, LIMIT_STEPS + 1)]
    a = float(point)
    return [a + 2.0 ** -j for j in range(4, 4 + LIMIT_STEPS)]


def order_steps() -> list[float]:
    return [2.0 ** -(2 + j) for j in range(ORDER_STEPS)]


# --- symbolic -----------------------------------------------------------------------------------


def _value(expr, env, var):
    return evaluate(expr, {**env, str(var.name): var}, EXACT)


def _series_to_infinity(expr, var, env):
    """For `Sum(term, (n, lo, var))` (the partial sums of a series) as var -> oo: the series
    itself with its bound at infinity, with the claim's symbols substituted (scalars only)."""
    sums = [s for s in sp.preorder_traversal(expr) if isinstance(s, sp.Sum) and s.limits[0][2] == var]
    if not sums:
        return None
    subs = {s: env[str(s.name)] for s in expr.free_symbols if str(s.name) in env and s != var}
    if any(isinstance(v, sp.MatrixBase) for v in subs.values()):
        return None
    return expr.xreplace({s: sp.Sum(s.function, (s.limits[0][0], s.limits[0][1], sp.oo)) for s in sums}).xreplace(subs)


def _limit_at(st: Limit, env):
    """(limit value or None, how, diverges) at the values of `env`."""
    series = _series_to_infinity(st.expr, st.var, env) if st.point == sp.oo else None
    if series is not None:
        sums = list(series.atoms(sp.Sum))
        if len(sums) == 1 and not sums[0].free_symbols:
            convergent = sums[0].is_convergent()
            if convergent is sp.false or convergent is False:
                return None, "the series diverges there (SymPy's convergence tests)", True
        value = _resolve_piecewise(series.doit())
        if value.has(sp.Sum) or value.has(sp.Piecewise):
            return None, "SymPy cannot sum the series", False
        return value, "the series summed to infinity (`Sum.doit`)", False
    expr = _value(st.expr, env, st.var)
    if st.point not in (sp.oo, -sp.oo):
        found = _quotient_rule(expr, st.var, st.point)
        if found is not None:
            return found
    value = sp.limit(expr, st.var, st.point)
    if value.has(sp.Limit) or value.has(sp.AccumBounds):
        return None, "SymPy's limit returned unevaluated", False
    if value in (sp.oo, -sp.oo, sp.zoo, sp.nan):
        return None, f"the limit is {value}", True
    return value, "`sympy.limit`", False


def _decided(condition):
    """True / False / None: a condition of a Piecewise decided from its symbols' assumptions
    (`Abs(e) <= c` is read as `-c <= e <= c`; each difference is brought over one denominator)."""
    if condition in (sp.true, sp.false):
        return bool(condition)
    if isinstance(condition, (sp.And, sp.Or)):
        parts = [_decided(c) for c in condition.args]
        if isinstance(condition, sp.And):
            return False if False in parts else (None if None in parts else True)
        return True if True in parts else (None if None in parts else False)
    if isinstance(condition, sp.Ne):
        d = sp.factor(sp.together(condition.lhs - condition.rhs))
        return True if d.is_nonzero else (False if d.is_zero else None)
    if isinstance(condition, (sp.LessThan, sp.StrictLessThan, sp.GreaterThan, sp.StrictGreaterThan)):
        small, big = (condition.lhs, condition.rhs) if isinstance(condition, (sp.LessThan, sp.StrictLessThan)) \
            else (condition.rhs, condition.lhs)
        strict = isinstance(condition, (sp.StrictLessThan, sp.StrictGreaterThan))
        absolute = list(small.atoms(sp.Abs))
        if len(absolute) == 1:  # alpha |e| + beta <= c with alpha >= 0  <=>  both signs of e
            slot = sp.Dummy("abs")
            linear = small.xreplace({absolute[0]: slot})
            alpha, beta = sp.diff(linear, slot), linear.xreplace({slot: 0})
            if sp.simplify(linear - alpha * slot - beta) == 0 and not alpha.has(slot) \
                    and sp.factor(sp.together(alpha)).is_nonnegative:
                rel = sp.StrictLessThan if strict else sp.LessThan
                e = absolute[0].args[0]
                return _decided(sp.And(rel(alpha * e + beta, big, evaluate=False),
                                       rel(-alpha * e + beta, big, evaluate=False)))
        d = sp.factor(sp.together(big - small))
        holds = d.is_positive if strict else d.is_nonnegative
        fails = d.is_nonpositive if strict else d.is_negative
        return True if holds else (False if fails else None)
    return None


def _resolve_piecewise(value):
    """A Piecewise whose conditions the assumptions decide, replaced by the piece that applies."""
    if not isinstance(value, sp.Piecewise):
        return value.replace(lambda e: isinstance(e, sp.Piecewise), _resolve_piecewise) \
            if value.has(sp.Piecewise) else value
    for piece, condition in value.args:
        decided = _decided(condition)
        if decided is None:
            return value
        if decided:
            return _resolve_piecewise(piece)
    return value


def _quotient_rule(expr, var, point):
    """The limit at a finite point of a smooth expression: its value there when it is defined, else
    for a quotient num/den with both 0 there, l'Hopital's rule (num^(k)(a) / den^(k)(a) at the first
    k <= 3 where den^(k)(a) is not 0).  None when neither applies (then `sympy.limit` is asked)."""
    if _non_smooth(expr):
        return None
    num, den = sp.fraction(expr)
    at = lambda e: e.xreplace({var: point})  # noqa: E731
    is_zero = lambda e: e == 0 or reduce_to_zero(e, CHEAP_REDUCERS)[0]  # noqa: E731
    if not den.has(var):
        value = at(expr)
        return (value, "substitution (the expression is smooth and defined at the point)", False) \
            if not value.has(sp.nan, sp.zoo, sp.oo) else None
    if not (is_zero(at(num)) and is_zero(at(den))):
        return None
    for k in range(1, 4):
        num, den = sp.diff(num, var), sp.diff(den, var)
        bottom = at(den)
        if bottom.is_number and bottom != 0:
            return (at(num) / bottom, f"l'Hopital's rule ({k} derivative{'s' if k > 1 else ''} of a smooth "
                                      "numerator and denominator, both 0 at the point)", False)
        if not is_zero(at(num)):
            return None
    return None


def check_limit_symbolic(claim: Claim, st: Limit, sizes: dict, steps: list, members=None) -> SymbolicResult:
    env = generic_env(claim, sizes, members=members)
    claimed = evaluate(st.claimed, env, EXACT)
    try:
        value, how, _ = _limit_at(st, env)
    except (NotImplementedError, ValueError, TypeError, RecursionError) as exc:
        value, how = None, f"SymPy's limit failed: {str(exc).splitlines()[0][:160]}"
    if value is not None:
        residual = sp.sympify(value - claimed, strict=True)
        zero, via, left = reduce_to_zero(residual, CHEAP_REDUCERS)
        if not zero and not residual.has(sp.Piecewise):
            zero, via, left = reduce_to_zero(residual, COSTLY_REDUCERS)
        if zero and crosscheck.equal_everywhere(value, claimed).ok:
            steps.append(f"The limit is ${_tex(value)}$ by {how}; minus the claimed value it reduces to 0 by `{via}` "
                         f"(cross-checked in {crosscheck.DIGITS}-digit arithmetic).")
            return SymbolicResult("proved", scope_of(claim, sizes), tuple(steps))
        steps.append(f"The limit is ${_tex(value)}$ by {how}; SymPy does not reduce its difference from the claimed "
                     "value to 0 for every member.")
        how = "the limit and the claimed value could not be shown equal"
    else:
        steps.append(f"At generic members: {how}.")
    for exact_env in rational_envs(claim, sizes, 4, seed=7):
        try:
            value, how_here, diverges = _limit_at(st, exact_env)
            claimed_here = evaluate(st.claimed, exact_env, EXACT)
        except (NotImplementedError, ValueError, TypeError, RecursionError, ZeroDivisionError):
            continue
        members_shown = tuple((k, _tex(v)) for k, v in exact_env.items() if k not in sizes)
        if diverges:
            steps.append(f"At an exact member of the domain {how_here}, while the claimed value is "
                         f"${_tex(claimed_here)}$ (below).")
            return SymbolicResult("disproved", scope_of(claim, sizes), tuple(steps), "",
                                  members_shown + (("claimed limit", _tex(claimed_here)), ("limit", how_here)),
                                  exact_member=True)
        if value is None:
            continue
        gap = sp.nsimplify(value - claimed_here) if value.is_Rational else value - claimed_here
        if (gap.is_zero is False) or (gap.is_number and abs(sp.N(gap, 50)) > sp.Float(10) ** -40):
            steps.append(f"At an exact member of the domain the limit is ${_tex(value)}$ ({how_here}), not the "
                         f"claimed ${_tex(claimed_here)}$ (below).")
            return SymbolicResult("disproved", scope_of(claim, sizes), tuple(steps), "",
                                  members_shown + (("limit", _tex(value)), ("claimed limit", _tex(claimed_here))),
                                  exact_member=True)
    return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps),
                          f"{how}; at the exact members tried the limit equals the claimed value or SymPy "
                          "cannot compute it")


def _non_smooth(expr) -> list[str]:
    return sorted({type(a).__name__ for a in sp.preorder_traversal(expr) if isinstance(a, NON_SMOOTH)})


def check_order_symbolic(claim: Claim, st: Order, sizes: dict, steps: list, members=None) -> SymbolicResult:
    env = generic_env(claim, sizes, members=members)
    error = _value(st.error, env, st.var)
    entries = list(error) if isinstance(error, sp.MatrixBase) else [error]
    kinks = _non_smooth(st.error)
    shift = st.var + st.point if st.point != 0 else st.var
    first_nonzero = None
    for k in range(st.order):
        coeffs = [sp.diff(e.xreplace({st.var: shift}) if st.point != 0 else e, st.var, k).xreplace({st.var: 0})
                  / sp.factorial(k) for e in entries]
        for c in coeffs:
            zero, via, _ = reduce_to_zero(c, CHEAP_REDUCERS)
            if not zero:
                zero, via, _ = reduce_to_zero(c, COSTLY_REDUCERS)
            if not (zero and crosscheck.equal_everywhere(c, 0).ok):
                first_nonzero = (k, c)
                break
        if first_nonzero:
            break
        steps.append(f"The coefficient of $t^{{{k}}}$ in the Taylor expansion of the error at the point vanishes "
                     f"(`{via}`, cross-checked in {crosscheck.DIGITS}-digit arithmetic).")
    if first_nonzero is None:
        if kinks:
            return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps),
                                  f"the coefficients below order {st.order} vanish, but the error has "
                                  f"{', '.join(kinks)}, so it need not be smooth and its Taylor expansion need not "
                                  "describe it")
        steps.append(f"The error is built from smooth functions, so it equals its Taylor polynomial plus "
                     f"O(t^{st.order}); its coefficients of orders 0 to {st.order - 1} vanish, so it is "
                     f"O(t^{st.order}).")
        return SymbolicResult("proved", scope_of(claim, sizes), tuple(steps))
    k, c = first_nonzero
    for exact_env in rational_envs(claim, sizes, 4, seed=11):
        try:
            value = _coefficient_at(st, exact_env, k)
        except (NotImplementedError, ValueError, TypeError, ZeroDivisionError):
            continue
        if value is not None and value != 0 and not kinks:
            steps.append(f"The coefficient of $t^{{{k}}}$ does not vanish: at an exact member of the domain it is "
                         f"${_tex(value)}$, so there the error is of order {k} < {st.order} (below).")
            return SymbolicResult("disproved", scope_of(claim, sizes), tuple(steps), "",
                                  tuple((n, _tex(v)) for n, v in exact_env.items() if n not in sizes)
                                  + ((f"coefficient of t^{k}", _tex(value)),
                                     ("so error / t^%d" % st.order, r"\to \infty")), exact_member=True)
    steps.append(f"SymPy leaves the coefficient of $t^{{{k}}}$ as ${_tex(c)}$.")
    return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps),
                          f"the Taylor coefficient of order {k} did not reduce to 0, and no exact member tried makes "
                          "it nonzero")


def _coefficient_at(st: Order, env: dict, k: int):
    """The exact Taylor coefficient of order k of the error at the point, at an exact member."""
    error = _value(st.error, env, st.var)
    entries = list(error) if isinstance(error, sp.MatrixBase) else [error]
    for e in entries:
        e = e.xreplace({st.var: st.var + st.point}) if st.point != 0 else e
        c = sp.simplify(sp.diff(e, st.var, k).xreplace({st.var: 0}) / sp.factorial(k))
        if c.is_number and c != 0 and abs(sp.N(c, 50)) > sp.Float(10) ** -40:
            return c
    return None


# --- numeric ------------------------------------------------------------------------------------


def limit_pairs(st: Limit, notes: list, ev, as_array):
    import jax.numpy as jnp

    from .numeric import Pair

    seq = limit_sequence(st.point)
    name = str(st.var.name)
    integer = bool(st.var.is_integer)

    def compute(e):
        values = [jnp.reshape(as_array(ev(st.expr, {**e, name: (int(v) if integer else float(v))})), (-1,))
                  for v in seq]
        claimed = jnp.reshape(as_array(ev(st.claimed, e)), (-1,))
        gaps = [jnp.max(jnp.abs(v - claimed)) for v in values]
        step = jnp.maximum(jnp.max(jnp.abs(values[-1] - values[-2])), jnp.max(jnp.abs(values[-2] - values[-3])))
        excess = jnp.maximum(jnp.maximum(gaps[-1] - TAIL_FACTOR * step, gaps[-1] - jnp.maximum(gaps[-2], gaps[-3])),
                             0.0)
        scale = jnp.maximum(jnp.max(jnp.abs(claimed)), jnp.max(jnp.abs(values[-1])))
        return excess, jnp.zeros(()), scale

    where = "2^j, j = 1..%d" % LIMIT_STEPS if st.point in (sp.oo, -sp.oo) else \
        "the point + 2^-j, j = 4..%d" % (3 + LIMIT_STEPS)
    notes.append(f"limit: the sequence {st.var} = {where}; with gaps g_j = |expr - claimed|, the last gap must not "
                 f"exceed {TAIL_FACTOR:g} times the larger of the last two steps of the sequence, nor the larger of "
                 "the two gaps before it (the excess is compared with 0 within atol + rtol * the size of the values); "
                 "this assumes convergence at least about as fast as 1/v")
    return [Pair(f"the sequence approaches the claimed limit as {st.var} -> {st.point}", compute)]


def order_pairs(st: Order, notes: list, ev, as_array):
    import jax.numpy as jnp

    from .numeric import Pair

    steps = order_steps()
    name = str(st.var.name)
    point = float(st.point)
    terms = list(st.error.args) if isinstance(st.error, (sp.Add, sp.MatAdd)) else [st.error]
    logs = [math.log(t) for t in steps]

    def compute(e):
        errs, floors = [], []
        for t in steps:
            at = {**e, name: point + t}
            errs.append(jnp.max(jnp.abs(as_array(ev(st.error, at)))))
            size = sum(jnp.max(jnp.abs(as_array(ev(term, at)))) for term in terms)
            floors.append(ROUNDING * jnp.maximum(size, 1e-300))
        errs, floors = jnp.stack(errs), jnp.stack(floors)
        slope, settled = settled_slope(jnp.asarray(logs), errs, errs > floors, float(st.order))
        return slope, jnp.asarray(float(st.order) - ORDER_SLACK), 0.0, settled

    notes.append(f"order: steps t = 2^-2 .. 2^-{1 + ORDER_STEPS}; a step is usable where the error exceeds "
                 f"{ROUNDING:.1e} times the size of its terms; the slope of log|error| against log t, fitted over the "
                 f"settled tail (the longest run of the smallest usable steps whose local slopes lie within "
                 f"{ORDER_BAND:g} of one another; an instance with fewer than two settled slopes is left out), must "
                 f"exceed {st.order} - {ORDER_SLACK:g} (strictly); an error within rounding of 0 at all but two "
                 "steps passes (it is O of any order there)")
    return [Pair(f"log-log slope of the error > {st.order} - {ORDER_SLACK:g}", compute, strict=True,
                 excluded_when="the local slopes did not settle before the error reached rounding (Taylor terms "
                               "of different orders cancelling near the smallest steps)",
                 excluded_fix="move the claim's domain away from the cancellation, or state the error with "
                              "larger terms (a larger point or scale)")]


def settled_slope(x, errs, usable, order: float):
    """(slope, conclusive): the slope of log errs against x (log t, decreasing) over the settled
    tail of the usable steps (see the module docstring).  With fewer than three usable steps the
    error vanishes to rounding: (order, True).  Without two settled slopes: (the fit, False).
    Traceable by JAX (fixed shapes), so it runs vmapped over the instances."""
    import jax
    import jax.numpy as jnp

    n = x.shape[0]
    index = jnp.arange(n)
    y = jnp.log(jnp.where(usable, errs, 1.0))
    # the previous usable step of each step (-1: none)
    marked = jnp.where(usable, index, -1)
    previous = jnp.concatenate([jnp.array([-1]), jax.lax.cummax(marked)[:-1]])
    has_slope = usable & (previous >= 0)
    at = jnp.maximum(previous, 0)
    local = jnp.where(has_slope, (y - y[at]) / jnp.where(has_slope, x - x[at], 1.0), 0.0)
    # from the smallest step back: the range of the local slopes seen so far
    high = jax.lax.cummax(jnp.where(has_slope, local, -jnp.inf), reverse=True)
    low = jax.lax.cummin(jnp.where(has_slope, local, jnp.inf), reverse=True)
    settled = has_slope & (high - low <= ORDER_BAND)
    first = jnp.min(jnp.where(settled, index, n))
    weight = (settled | (index == previous[jnp.minimum(first, n - 1)])).astype(x.dtype)
    count = jnp.sum(weight)
    mx = jnp.sum(weight * x) / jnp.maximum(count, 1.0)
    my = jnp.sum(weight * y) / jnp.maximum(count, 1.0)
    slope = jnp.sum(weight * (x - mx) * (y - my)) / jnp.maximum(jnp.sum(weight * (x - mx) ** 2), 1e-300)
    vanishes = jnp.sum(usable) < 3  # the error is rounding: consistent with any order
    return jnp.where(vanishes, order, slope), vanishes | (jnp.sum(settled) >= 2)
