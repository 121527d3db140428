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
from .nodes import logsumexp, sigmoid, softplus


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


# The nodes dlverify adds that stand for exp/log forms, and tanh: the exp/log route rewrites them
# before it reduces (the first route keeps them as opaque atoms, which is what a network's chain
# rule needs: the same sigmoid(z) on both sides cancels without unfolding it).
DEFINITIONS = (sigmoid, softplus, logsumexp, sp.tanh)
NODE_DEFINITIONS = (sigmoid, softplus, logsumexp)


def definitions_in_exp(e, kinds=DEFINITIONS):
    """`e` with sigmoid(x) as 1/(1 + exp(-x)), softplus(x) as log(1 + exp(x)), logsumexp of an
    explicit vector as log(sum_i exp(v_i)) and tanh in exp (softmax is built in exp form by the
    exact backend already)."""
    e = sp.sympify(e, strict=True)
    if not e.has(*kinds):
        return e
    return e.replace(lambda x: isinstance(x, kinds), lambda x: x.rewrite(sp.exp))


# The exp/log route is for the formulas of activations and normalisers, not a network's whole chain
# rule: rewritten in exp, the residual of a two-layer network's gradient has ~10^4 nodes and
# rational functions inside exp, whose expansion does not finish in minutes.  Larger residuals are
# left to the opaque-atom route and simplify (a size, not a time: the same on a busy machine).
EXP_LOG_NODES = 3000


def _smaller_than(e, limit: int) -> bool:
    for count, _ in enumerate(sp.preorder_traversal(e)):
        if count >= limit:
            return False
    return True


def _expand_polynomial(a):
    """`expand(a)` when `a` has no division by a sum (a polynomial in its atoms, where expanding is
    cheap and makes equal terms equal); `a` itself otherwise (expanding products of rational
    functions blows up; leaving them unexpanded can only hide an identity, not invent one)."""
    if any(p.exp.is_negative and isinstance(p.base, sp.Add) for p in a.atoms(sp.Pow)):
        return a
    return sp.expand(a)


def _exp_log_normal_form(e):
    """Zero test for exp/log forms: sigmoid, softplus and tanh rewritten in exp, then rational
    normal form where (a) exp(c*u) with rational c is a power of one positive symbol per u
    (exp(t/2) and exp(t) share the symbol for exp(t/2): sigmoid(t) = (1 + tanh(t/2))/2 reduces),
    (b) log of a positive constant times a product of powers of polynomials with positive
    coefficients in positive symbols is split into the logs of the factors (log(exp(u)) = u,
    log(1 + exp(t)) - log(1 + exp(-t)) = t), and (c) exp(k log z) = z^k for an integer k.

    Sound: each rewrite is an identity on the real domain it is applied on (an exp atom is named
    positive only for a real exponent; a log is split only when every factor is provably positive),
    and independent symbols can only hide identities, never invent them."""
    from sympy.polys.fields import sfield

    e = definitions_in_exp(e)
    if not e.has(sp.exp, sp.log) or not _smaller_than(e, EXP_LOG_NODES):
        return e
    names: dict = {}
    exp_of: dict = {}  # Dummy named exp(u) -> u (for log(exp(u)) = u)
    log_of: dict = {}  # Dummy named log(z) -> z (for exp(k log z) = z^k)
    denominators: dict = {}  # u -> lcm of the denominators of the c in every exp(c*u)

    def name(func, args, **assumptions):
        key = (func, args)
        if key not in names:
            names[key] = sp.Dummy("f", **assumptions)
        return names[key]

    def split(argument):
        """The terms of an exp's (walked) argument as (rational coefficient, rest)."""
        for term in sp.Add.make_args(_expand_polynomial(argument)):
            coeff, rest = term.as_coeff_Mul()
            if not coeff.is_Rational:
                coeff, rest = sp.Integer(1), term
            yield coeff, rest

    def exp_of_terms(argument, collect: bool):
        factors = []
        for coeff, rest in split(argument):
            if rest in log_of and coeff.is_Integer:
                factors.append(log_of[rest] ** int(coeff))
            elif collect:
                denominators[rest] = sp.ilcm(denominators.get(rest, 1), coeff.q)
            else:
                # the first walk saw this rest with every coefficient it has (so coeff * q is an
                # integer) unless the rest holds a log or exp, which the two walks write differently:
                # then exp of the whole term is its own symbol (sound, only less connected)
                q = denominators.get(rest, 1)
                power = coeff * q
                if not power.is_Integer:
                    q, power = coeff.q * q, coeff.p * q  # == rest / (coeff.q q) to the power coeff.p q
                base = sp.expand(rest / q)
                atom = name(sp.exp, (base,), positive=True) if base.is_extended_real else name(sp.exp, (base,))
                exp_of.setdefault(atom, base)
                factors.append(atom ** int(power))
        return sp.Mul(*factors)

    def log_of_constant(c):
        out = []
        for part, sign in ((c.p, 1), (c.q, -1)):
            if part == 1:
                continue
            primes = sp.factorint(part, limit=10 ** 6)
            for prime, k in primes.items():
                atom = name(sp.log, (sp.Integer(prime),), positive=True)
                log_of.setdefault(atom, sp.Integer(prime))
                out.append(sign * k * atom)
        return sp.Add(*out)

    def positive_polynomial(f) -> bool:
        poly = sp.Poly(f)
        return (all(g.is_positive for g in poly.gens)
                and all(c.is_Rational and c > 0 for c in poly.coeffs()))

    def log_value(argument):
        num, den = sp.fraction(sp.cancel(sp.together(argument)))
        cn, fn = sp.factor_list(num)
        cd, fd = sp.factor_list(den)
        c = sp.Rational(cn) / sp.Rational(cd) if cn.is_Rational and cd.is_Rational else None
        factors = [(f, k) for f, k in fn] + [(f, -k) for f, k in fd]
        if c is None or not c > 0 or not all(positive_polynomial(f) for f, _ in factors):
            atom = name(sp.log, (sp.expand(argument),))
            log_of.setdefault(atom, argument)
            return atom
        out = [log_of_constant(c)]
        for f, k in factors:
            if f in exp_of:
                out.append(k * exp_of[f])
            else:
                atom = name(sp.log, (sp.expand(f),), real=True)
                log_of.setdefault(atom, f)
                out.append(k * atom)
        return sp.Add(*out)

    def walk(x, collect: bool):
        if x.is_Atom:
            return x
        args = [walk(a, collect) for a in x.args]
        if isinstance(x, (sp.Add, sp.Mul)) or (isinstance(x, sp.Pow) and x.exp.is_Integer):
            return x.func(*args)
        if x.func is sp.exp:
            return exp_of_terms(args[0], collect)
        if x.func is sp.log and not collect:
            return log_value(args[0])
        return name(x.func, tuple(_expand_polynomial(a) for a in args))

    # two walks: the first finds every exp(c*u), so that the second names each u once, with the
    # power of its symbol that every c needs
    walk(e, collect=True)
    names.clear(), exp_of.clear(), log_of.clear()
    reduced = walk(e, collect=False)
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
    ("sigmoid, softplus and tanh in exp; exp/log normal form", _exp_log_normal_form, None),
)


def _simplify(e):
    """`simplify` of `e`, with dlverify's nodes in their exp/log form when that is small (simplify
    knows exp, not sigmoid; a network's residual stays as it is, as before the nodes were unfolded)."""
    unfolded = definitions_in_exp(e, NODE_DEFINITIONS)
    return sp.simplify(unfolded if unfolded is e or _smaller_than(unfolded, EXP_LOG_NODES) else e)


# simplify is the last resort
COSTLY_REDUCERS = (("simplify", _simplify, None),)


class _SliceOver(Exception):
    pass


def _within(seconds, fn, *args):
    """fn(*args), or _SliceOver after `seconds` of this process's CPU time (SIGPROF, so that a busy
    machine does not change the outcome; checks run in a child's main thread, where signals are
    delivered).

    The signal repeats every `_SLICE_REPEAT` CPU seconds until `_SliceOver` has left `fn`: Python
    runs a signal handler at whatever bytecode comes next, and when that is a callback the
    interpreter calls from C (a `__del__`, or JAX's garbage-collection hook), the exception is
    printed as "Exception ignored" and swallowed.  A single shot then left `fn` running with no
    limit: the exact confirmation of a false Poisson claim's counterexample (`sp.summation` at a
    rational rate) grew past the 8 GiB memory limit that way."""
    import signal
    import threading

    if seconds is None or threading.current_thread() is not threading.main_thread():
        return fn(*args)
    state = {"running": True}

    def stop(signum, frame):
        if state["running"]:
            raise _SliceOver()

    previous = signal.signal(signal.SIGPROF, stop)
    try:
        signal.setitimer(signal.ITIMER_PROF, max(seconds, 1e-6), _SLICE_REPEAT)
        try:
            return fn(*args)
        finally:
            state["running"] = False  # from here on a late signal is ignored, not raised
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


_SLICE_REPEAT = 0.05  # CPU seconds between repeats of the time-out signal until it takes effect


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
