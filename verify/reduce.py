"""Zero tests for residuals: cheap exact routines first, `simplify` last.

`reduce_to_zero(residual)` says whether a scalar or matrix residual is identically 0 and which
routine showed it.  Every routine here must be sound on its own terms (a routine may fail to see
an identity, never invent one); the symbolic path still cross-checks each "0" in high precision
(`verify.crosscheck`) before it accepts it, because a rewrite that relies on an assumption the
residual does not satisfy (exp(i t) named as a positive number) is exactly the bug that slips by.
"""

from __future__ import annotations

import sympy as sp

from .crosscheck import mp_value, visibly_nonzero


def _exp_atoms_as_symbols(e):
    """Rewrite tanh, sigmoid, ... in exp, then name every exp(...) atom: softmax-type expressions
    become rational functions, which `cancel` decides quickly (no `simplify` needed)."""
    e = e.rewrite(sp.exp)
    # exp(a + b) = exp(a) exp(b): split sums first so that the atoms are independent
    e = sp.powsimp(sp.expand_power_exp(e), combine="base")
    atoms = sorted(e.atoms(sp.exp), key=sp.default_sort_key)
    if not all(a.args[0].is_extended_real for a in atoms):
        # exp(i t) from cos/sin is not positive: naming it by a positive symbol lets Abs, sign and
        # Max simplify away (|cos t| = cos t would "reduce to 0"); this route is for real exponents
        return e
    names = {a: sp.Dummy("e", positive=True) for a in atoms}
    return sp.cancel(sp.together(e.xreplace(names)))


def _rational_normal_form(e):
    """Zero test by exact rational-function arithmetic (SymPy's sparse polynomial fields).

    Every function application (tanh(u), exp(u), sigmoid(u), log(u), ...) is named by a fresh
    symbol, keyed by the function and its (recursively normalised, expanded) argument, so the
    residual becomes a rational function over the rationals; it is zero iff the numerator is.
    Sound (independent symbols can only hide identities, never invent them) and much faster
    than `expand` on the residual of a deep network's chain rule."""
    from sympy.polys.fields import sfield

    names: dict = {}

    def walk(x):
        if x.is_Atom:
            return x
        args = [walk(a) for a in x.args]
        if isinstance(x, (sp.Add, sp.Mul)) or (isinstance(x, sp.Pow) and x.exp.is_Integer):
            return x.func(*args)
        if x.func is sp.exp:
            # exp(2a - b) = exp(a)**2 / exp(b): name exp of each primitive term, so that softmax
            # identities between exp(a) and exp(2a) survive the renaming
            factors = []
            for term in sp.Add.make_args(sp.expand(args[0])):
                coeff, rest = term.as_coeff_Mul()
                if coeff.is_Integer and rest != 1:
                    factors.append(name(sp.exp, (rest,)) ** int(coeff))
                else:
                    factors.append(name(sp.exp, (term,)))
            return sp.Mul(*factors)
        return name(x.func, tuple(sp.expand(a) for a in args))

    def name(func, args):
        key = (func, args)
        if key not in names:
            names[key] = sp.Dummy("f")
        return names[key]

    reduced = walk(sp.sympify(e, strict=True))
    if not reduced.free_symbols:
        return sp.nsimplify(reduced) if reduced.is_Float else reduced
    _, value = sfield(reduced)
    return 0 if value == 0 else e


# (name, routine, time slice): the routines run in this order, each to its end.  There are no time
# slices (None): a route chosen by which routine finished first in so many seconds would depend on
# the machine's load, and the same claim would get another proof step, or another verdict, on a
# busy machine.  A routine that really hangs is stopped by the claim's budget (verify.runner).
CHEAP_REDUCERS = (
    ("rational normal form over function atoms", _rational_normal_form, None),
    ("exp atoms as positive symbols, then cancel", _exp_atoms_as_symbols, None),
)
# simplify is the last resort
COSTLY_REDUCERS = (("simplify", sp.simplify, None),)


class _SliceOver(Exception):
    pass


def _within(seconds, fn, *args):
    """fn(*args), or _SliceOver after `seconds` of this process's CPU time (SIGPROF, so that a busy
    machine does not change the outcome; checks run in a child's main thread, where signals are
    delivered)."""
    import signal
    import threading

    if seconds is None or threading.current_thread() is not threading.main_thread():
        return fn(*args)

    def stop(signum, frame):
        raise _SliceOver()

    previous = signal.signal(signal.SIGPROF, stop)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        return fn(*args)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def reduce_to_zero(residual, reducers=CHEAP_REDUCERS + COSTLY_REDUCERS) -> tuple[bool, str, object]:
    """(is zero, the routine that showed it, what is left) for a scalar or matrix residual."""
    entries = list(residual) if isinstance(residual, sp.MatrixBase) else [residual]
    left = entries
    if visibly_nonzero(entries):  # no sound routine can reduce it to 0: do not spend minutes trying
        return False, "", next(e for e in entries if e != 0)
    functions = {type(a) for e in entries for a in sp.sympify(e, strict=True).atoms(sp.Function)}
    if functions and functions <= {sp.exp}:
        # softmax-type residuals: naming exp atoms and cancelling is the fast route
        reducers = sorted(reducers, key=lambda r: r[1] is not _exp_atoms_as_symbols)
    for name, routine, seconds in reducers:
        try:
            left = _within(seconds, lambda: [e if e == 0 else routine(e) for e in entries])
        except _SliceOver:
            continue
        if all(e == 0 for e in left):
            return True, name, 0
    nonzero = [e for e in left if e != 0]
    return False, "", nonzero[0] if nonzero else residual



def exact_difference(lhs, rhs) -> tuple[float, bool]:
    """(largest |lhs - rhs| over the entries, whether every difference is rational) of exact values.

    A rational difference is exact.  Anything else (transcendental in rationals: tanh(1/3), ...) is
    evaluated with mpmath at 60 significant digits (`crosscheck.mp_value`, far faster than `evalf` or
    `lambdify` on a large expression), and counts as 0 when it is below 1e-30 of the larger side: relative, because
    at exp(78) the rounding of 60 digits alone is far above any absolute threshold."""
    import mpmath

    left = list(lhs) if isinstance(lhs, sp.MatrixBase) else [lhs]
    right = list(rhs) if isinstance(rhs, sp.MatrixBase) else [rhs]
    if len(right) == 1 and len(left) > 1:
        right = right * len(left)
    largest, rational = 0.0, True
    for x, y in zip(left, right):
        d = sp.sympify(x, strict=True) - sp.sympify(y, strict=True)
        d = sp.nsimplify(d) if isinstance(d, sp.Float) else d
        if d.is_Rational:
            largest = max(largest, abs(float(d)))
            continue
        rational = False
        with mpmath.workdps(60):
            largest = max(largest, mp_gap(mp_value(x), mp_value(y)))
    return largest, rational


def mp_gap(x, y) -> float:
    """|x - y| of two 60-digit mpmath values, or 0.0 when it is below 1e-30 of the larger side
    (rounding, not a difference)."""
    import mpmath

    gap = abs(x - y)
    return float(gap) if gap > mpmath.mpf("1e-30") * max(1, abs(x), abs(y)) else 0.0
