"""The symbolic path: decide a claim with SymPy, or say honestly that SymPy could not.

Matrix claims are instantiated at small concrete sizes with explicit generic members of their
domains (one SymPy symbol per free parameter; rotations as rational Cayley transforms) through
the same evaluator as the numeric path.  Residuals are reduced with specific, cheap routines
first (`expand`, `cancel`, rewriting to `exp`) and `simplify` last.  A residual that does not
reduce to zero is *not* a disproof: the claim is disproved only when an exact member of the
domain makes the two sides differ, and otherwise the result is `undecided` with the reason.

This module runs in a child process with a wall-clock budget (see `verify.runner`); it never
imports JAX.  Results are plain frozen dataclasses of strings so that they cross processes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ._errors import EvaluationError, ShapeMismatch
from .claim import (Algorithmic, Claim, Derivation, Expectation, Gradient, Identity, Minimiser,
                    Property, Shape, _concrete, size_assignment_ok, symbol_shapes)
from .evaluate import EXACT, evaluate
from .nodes import Grad
from .shapes import conditions, equal_shape_conditions


@dataclass(frozen=True)
class SymbolicResult:
    status: str  # proved | disproved | undecided
    scope: str = ""
    steps: tuple = ()
    reason: str = ""
    counterexample: tuple = ()  # (("name", "latex value"), ...) then lhs/rhs/residual lines
    failed_step: int | None = None
    subfamily: str = ""  # non-empty when a proof covers only a sub-family of the domain (e.g. "c = 0")
    partial: str = ""  # what a "proved" leaves to the numeric path (e.g. "minimality")


def _exp_atoms_as_symbols(e):
    """Rewrite tanh, sigmoid, ... in exp, then name every exp(...) atom: softmax-type expressions
    become rational functions, which `cancel` decides quickly (no `simplify` needed)."""
    e = e.rewrite(sp.exp)
    atoms = sorted(e.atoms(sp.exp), key=sp.default_sort_key)
    # exp(a + b) = exp(a) exp(b): split sums first so that the atoms are independent
    e = sp.powsimp(sp.expand_power_exp(e), combine="base")
    atoms = sorted(e.atoms(sp.exp), key=sp.default_sort_key)
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


# (name, routine, time slice in seconds): each routine gets a bounded slice, so one that is slow
# on a given residual gives way to the next instead of eating the claim's whole budget.
CHEAP_REDUCERS = (
    ("rational normal form over function atoms", _rational_normal_form, 10.0),
    ("exp atoms as positive symbols, then cancel", _exp_atoms_as_symbols, 30.0),
)
COSTLY_REDUCERS = (("simplify", sp.simplify, None),)


class _SliceOver(Exception):
    pass


def _within(seconds, fn, *args):
    """fn(*args), or _SliceOver after `seconds` (SIGALRM; the symbolic path runs in a child's main
    thread, where signals are delivered)."""
    import signal
    import threading

    if seconds is None or threading.current_thread() is not threading.main_thread():
        return fn(*args)

    def stop(signum, frame):
        raise _SliceOver()

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def reduce_to_zero(residual, reducers=CHEAP_REDUCERS + COSTLY_REDUCERS) -> tuple[bool, str, object]:
    """(is zero, the routine that showed it, what is left) for a scalar or matrix residual."""
    entries = list(residual) if isinstance(residual, sp.MatrixBase) else [residual]
    left = entries
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


def _tex(expr, limit: int = 400) -> str:
    text = sp.latex(expr)
    return text if len(text) <= limit else text[: limit - 3] + r"\dots"


def _fmt_sizes(sizes: dict) -> str:
    return ", ".join(f"{k} = {v}" for k, v in sorted(sizes.items()))


def generic_env(claim: Claim, sizes: dict, restriction: dict | None = None) -> dict:
    env = dict(sizes)
    for name, (shape, domain) in symbol_shapes(claim, sizes).items():
        env[name] = domain.generic(name, shape)
    for name, value in (restriction or {}).items():
        env[str(name)] = sp.sympify(value, strict=True)
    return env


def rational_envs(claim: Claim, sizes: dict, count: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        env = dict(sizes)
        for name, (shape, domain) in sorted(symbol_shapes(claim, sizes).items()):
            env[name] = domain.rational(rng, shape)
        yield env


def _magnitude(value) -> tuple[float, bool]:
    """(largest |entry|, whether every entry is rational) of an exact value.

    Rationals are exact; anything else (transcendental in rationals: tanh(1/3), ...) is evaluated
    with mpmath at 50 significant digits through `lambdify` (far faster than `evalf` on a large
    expression), and a result below 1e-30 counts as 0."""
    import mpmath

    entries = list(value) if isinstance(value, sp.MatrixBase) else [value]
    largest, rational = 0.0, True
    for e in entries:
        e = sp.nsimplify(e) if isinstance(e, sp.Float) else sp.sympify(e, strict=True)
        if e.is_Rational:
            largest = max(largest, abs(float(e)))
            continue
        rational = False
        with mpmath.workdps(50):
            number = abs(sp.lambdify([], e, modules="mpmath")())
            if number > mpmath.mpf("1e-30"):
                largest = max(largest, float(number))
    return largest, rational


def _nonzero(value) -> bool:
    return _magnitude(value)[0] > 0


def find_exact_counterexample(claim: Claim, sizes: dict, lhs, rhs, tries: int = 6, seed: int = 0):
    """An exact (rational) member of the domain where lhs and rhs differ, or None."""
    for env in rational_envs(claim, sizes, tries, seed):
        a, b = evaluate(lhs, env, EXACT), evaluate(rhs, env, EXACT)
        if isinstance(b, int) or (not isinstance(b, sp.MatrixBase) and b == 0 and isinstance(a, sp.MatrixBase)):
            b = sp.zeros(*a.shape)
        if _nonzero(a - b):
            values = tuple((n, _tex(v)) for n, v in env.items() if n not in sizes)
            return values + (("left side", _tex(a)), ("right side", _tex(b)))
    return None


def scope_of(claim: Claim, sizes: dict) -> str:
    if not sizes:
        return "general"
    return f"entrywise at sizes {_fmt_sizes(sizes)}"


# --- shape -----------------------------------------------------------------------------------


def shape_conditions(statement) -> list:
    from .claim import sides

    conds = []
    for e in sides(statement):
        if isinstance(e, sp.Basic):
            conditions(e, conds)
    if isinstance(statement, Identity):
        conds += equal_shape_conditions(statement.lhs, statement.rhs, "the two sides")
    elif isinstance(statement, Gradient):
        conds += equal_shape_conditions(statement.derivative(), statement.claimed, "the derivative and the claim")
    elif isinstance(statement, Derivation):
        for i, (a, b) in enumerate(zip(statement.steps, statement.steps[1:])):
            conds += equal_shape_conditions(a, b, f"steps {i} and {i + 1}")
    elif isinstance(statement, Minimiser):
        conds += equal_shape_conditions(statement.point, statement.wrt, "the point and the variable")
    return conds


def check_shapes(claim: Claim) -> tuple[list[str], dict | None, bool]:
    """(steps, sizes where ill-formed or None, whether well-formedness holds for all sizes).

    Only a statement with symbolic dimensions whose every condition holds identically is
    well-formed for all sizes; anything else is well-formed at the sizes checked.

    A statement with symbolic dimensions is checked for every admissible size in the ranges by
    substituting integers into the conditions that do not hold identically; a statement built
    per size (a builder) is checked at its symbolic sizes here and at every sampled size on the
    numeric path."""
    if claim.is_builder:
        for sizes in (claim.symbolic_sizes or (claim.smallest_sizes(),)):
            bad = [c for c in shape_conditions(claim.build(dict(sizes))) if not c.holds_for(dict(sizes))]
            if bad:
                return [f"Ill-formed at sizes {_fmt_sizes(dict(sizes))}: {bad[0]}."], dict(sizes), False
        return ["Well-formed at the symbolic sizes (the statement is built per size; the numeric path checks "
                "every sampled size)."], None, False
    conds = [c for c in shape_conditions(claim.statement) if not c.identically]
    if not conds:
        return ["Every product, sum and side is well-formed for all sizes (each dimension condition holds "
                "identically)."], None, True
    names = sorted(claim.sizes)
    for combo in itertools.product(*[range(claim.sizes[n][0], claim.sizes[n][1] + 1) for n in names]):
        sizes = dict(zip(names, combo))
        bad = [c for c in conds if not c.holds_for(sizes)]
        if bad and size_assignment_ok(claim, sizes):
            return [f"Ill-formed at sizes {_fmt_sizes(sizes)}: {bad[0]}."], sizes, False
    return [f"Well-formed at every admissible size: {'; '.join(str(c) for c in conds)}, "
            "and the size ranges and rules force these."], None, False


# --- kinds -------------------------------------------------------------------------------------


def _pairs(statement) -> list[tuple[str, object, object]]:
    if isinstance(statement, Identity):
        return [("left side - right side", statement.lhs, statement.rhs)]
    if isinstance(statement, Gradient):
        return [("sympy derivative - claimed derivative", statement.derivative(), statement.claimed)]
    if isinstance(statement, Derivation):
        return [(f"step {i} - step {i + 1}", a, b) for i, (a, b) in enumerate(zip(statement.steps, statement.steps[1:]))]
    if isinstance(statement, Expectation):
        return [("exact expectation - claimed value", statement.mean(), statement.equals)]
    if isinstance(statement, Minimiser):
        out = [("gradient of f at the point", Grad(statement.f, statement.wrt, at=statement.point),
                sp.ZeroMatrix(*statement.wrt.shape))]
        if statement.reference is not None:
            out.append(("point - independent closed form", statement.point, statement.reference))
        return out
    return []


def _compare_pairs(claim, statement, sizes, steps) -> SymbolicResult:
    env = generic_env(claim, sizes)
    for index, (label, lhs, rhs) in enumerate(_pairs(statement)):
        a, b = evaluate(lhs, env, EXACT), evaluate(rhs, env, EXACT)
        if isinstance(rhs, sp.ZeroMatrix) or (rhs == 0 and isinstance(a, sp.MatrixBase)):
            b = sp.zeros(*a.shape)
        residual = a - b
        failed = index if isinstance(statement, Derivation) else None
        # A false claim usually shows at once on an exact instance, long before `expand` or
        # `simplify` of a deep network's residual would finish: try two instances first.
        counter = find_exact_counterexample(claim, sizes, lhs, rhs, tries=2)
        zero, how, left = (False, "", residual) if counter else reduce_to_zero(residual, CHEAP_REDUCERS)
        if not zero and not counter:
            counter = find_exact_counterexample(claim, sizes, lhs, rhs, tries=6, seed=1)
        if not zero and not counter:
            zero, how, left = reduce_to_zero(residual, COSTLY_REDUCERS)
        if zero:
            steps.append(f"{label}: reduced to 0 by `{how}`.")
            continue
        if counter:
            steps.append(f"{label}: does not vanish.")
        else:
            steps.append(f"{label}: SymPy leaves the residual ${_tex(left)}$.")
        if counter:
            steps.append("An exact member of the domain makes the two sides differ (below).")
            return SymbolicResult("disproved", scope_of(claim, sizes), tuple(steps), "", counter, failed)
        return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps),
                              f"{label}: the residual did not reduce to 0 and vanished on every exact random "
                              "instance tried", (), failed)
    return SymbolicResult("proved", scope_of(claim, sizes), tuple(steps))


def _shape_at(symbol: sp.MatrixSymbol, sizes: dict) -> tuple[int, int]:
    return tuple(_concrete(d, sizes, None) for d in symbol.shape)


def _subgradient_cases(claim: Claim, st: Minimiser, sizes: dict, steps: list) -> SymbolicResult:
    base = generic_env(claim, sizes)
    rows, cols = _shape_at(st.wrt, sizes)
    w = sp.Matrix(rows, cols, lambda i, j: sp.Dummy(f"w{i}{j}", real=True))
    for description, substitution in st.cases:
        by_name = {str(k): sp.sympify(v, strict=True) for k, v in substitution.items()}
        env = {}
        for name, value in base.items():
            if isinstance(value, sp.Basic):
                value = value.xreplace({s: by_name[s.name] for s in value.free_symbols if s.name in by_name})
            env[name] = value
        point = evaluate(st.point, env, EXACT).applyfunc(sp.simplify)
        f_w = sp.sympify(evaluate(st.f, {**env, str(st.wrt.name): sp.ImmutableMatrix(w)}, EXACT), strict=True)
        if isinstance(f_w, sp.MatrixBase):
            f_w = f_w[0, 0]
        at_point = dict(zip(list(w), list(point)))
        for k, (wk, pk) in enumerate(zip(list(w), list(point))):
            d = sp.diff(f_w, wk)
            if sp.simplify(pk) == 0:
                right = sp.simplify(d.subs(sp.sign(wk), 1).xreplace(at_point))
                left = sp.simplify(d.subs(sp.sign(wk), -1).xreplace(at_point))
                ok = right.is_nonnegative and left.is_nonpositive
                wrong = right.is_negative or left.is_positive
                evidence = f"one-sided derivatives {_tex(left)} and {_tex(right)}"
                steps.append(f"case {description}: coordinate {k + 1} of the point is 0; one-sided derivatives "
                             f"${_tex(left)} \\le 0 \\le {_tex(right)}$: {'holds' if ok else 'not shown'}.")
            else:
                value = sp.simplify(d.xreplace(at_point))
                ok = value == 0
                wrong = value.is_zero is False
                evidence = _tex(value)
                steps.append(f"case {description}: coordinate {k + 1} is ${_tex(pk)}$ (nonzero); the derivative "
                             f"there simplifies to ${_tex(value)}$.")
            if not ok and wrong:
                steps.append(f"case {description}: the optimality condition for coordinate {k + 1} fails for every "
                             "member of this case.")
                return SymbolicResult("disproved", scope_of(claim, sizes), tuple(steps), "",
                                      (("case", description), ("coordinate", str(k + 1)),
                                       ("point", _tex(pk)), ("derivative there", evidence)))
            if not ok:
                counter = find_exact_counterexample(claim, sizes, Grad(st.f, st.wrt, at=st.point),
                                                    sp.ZeroMatrix(*st.wrt.shape)) if st.smooth else None
                reason = f"case {description}: the optimality condition for coordinate {k + 1} was not shown"
                if counter:
                    return SymbolicResult("disproved", scope_of(claim, sizes), tuple(steps), reason, counter)
                return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps), reason)
    convex = _convex_plus_l1(claim, st, base, w)
    if not convex:
        return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps),
                              "the subgradient condition holds in every case, but SymPy did not show that f is a "
                              "convex smooth function plus non-negative multiples of |w_i|, so it does not make "
                              "the point a minimiser")
    steps.append(convex)
    steps.append("The subgradient optimality condition holds in every case; f being convex, it makes the point "
                 "a global minimiser.")
    return SymbolicResult("proved", scope_of(claim, sizes) + " (case split: " + "; ".join(d for d, _ in st.cases) + ")",
                          tuple(steps))


def _convex_plus_l1(claim: Claim, st: Minimiser, env: dict, w) -> str:
    """A sentence when f = (smooth, convex) + sum_k c_k |w_k| with every c_k >= 0 is shown, else ''."""
    f_w = sp.sympify(evaluate(st.f, {**env, str(st.wrt.name): sp.ImmutableMatrix(w)}, EXACT), strict=True)
    f_w = f_w[0, 0] if isinstance(f_w, sp.MatrixBase) else f_w
    entries = list(w)
    names = {sp.Abs(wk): sp.Dummy(f"a{k}", nonnegative=True) for k, wk in enumerate(entries)}
    g = sp.expand(f_w.xreplace(names))
    kinks = (sp.Abs, sp.sign, sp.Max, sp.Min, sp.Heaviside, sp.Piecewise)
    if any(atom.has(*entries) for atom in g.atoms(*kinks)):
        return ""  # a kink of w other than |w_k|: not of the convex-plus-L1 form this proof needs
    for a in names.values():
        coefficient = sp.diff(g, a)
        if coefficient.has(*names.values()) or coefficient.has(*entries) or not coefficient.is_nonnegative:
            return ""
    smooth = g.xreplace({a: 0 for a in names.values()})
    if not all(_provably_nonnegative(m) for m in _principal_minors(sp.hessian(smooth, entries))):
        return ""
    return ("Convexity: f is a smooth part whose Hessian has non-negative principal minors, plus non-negative "
            "multiples of |w_i|.")


def _bound_exponentials(matrix):
    """Replace exp(u) with u provably <= 0 by 1/(1 + t), t >= 0: a fact SymPy's assumptions lack
    (exp(u) lies in (0, 1]).  Atoms with the same expanded exponent share one t."""
    names: dict = {}

    def bound(atom):
        if not (-atom.args[0]).is_nonnegative:
            return atom
        key = sp.expand(atom.args[0])
        if key not in names:
            names[key] = 1 / (1 + sp.Dummy("t", nonnegative=True))
        return names[key]

    return matrix.replace(lambda e: isinstance(e, sp.exp), bound), bool(names)


def _principal_minors(m) -> list:
    """Every principal minor of a square matrix (all are >= 0 iff it is PSD, for symmetric m)."""
    return [m.extract(list(idx), list(idx)).det() for k in range(1, m.rows + 1)
            for idx in itertools.combinations(range(m.rows), k)]


def _provably_nonnegative(expr) -> bool:
    return bool(sp.factor(sp.cancel(sp.together(expr))).is_nonnegative) or bool(sp.simplify(expr).is_nonnegative)


def _property(claim: Claim, st: Property, sizes: dict, steps: list) -> SymbolicResult:
    if st.local_min_of is not None:
        return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps),
                              "the property is evaluated at a local minimiser, which is found numerically; "
                              "SymPy has no closed form for it")
    value = evaluate(st.expr, generic_env(claim, sizes), EXACT)
    if st.relation == "psd":
        n = value.rows
        value, bounded = _bound_exponentials(sp.ImmutableMatrix(value))
        if bounded:
            steps.append("Each exp(u) with u <= 0 is written 1/(1 + t) with t >= 0 (it lies in (0, 1]).")
        minors = _principal_minors(value)
        facts = [_provably_nonnegative(m) for m in minors]
        if all(facts):
            steps.append(f"All {len(minors)} principal minors are non-negative (SymPy's assumptions).")
            return SymbolicResult("proved", scope_of(claim, sizes), tuple(steps))
        for env in rational_envs(claim, sizes, 6):
            m = evaluate(st.expr, env, EXACT)
            if not all(x.is_Rational for x in m):
                break
            if m.is_positive_semidefinite is False:
                return SymbolicResult("disproved", scope_of(claim, sizes), tuple(steps),
                                      "", tuple((k, _tex(v)) for k, v in env.items() if k not in sizes)
                                      + (("matrix", _tex(m)), ("eigenvalues", _tex(list(m.eigenvals())))))
        return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps),
                              "SymPy's assumptions could not decide the sign of every principal minor")
    simplified = sp.simplify(value)
    decided = simplified.is_nonnegative if st.relation == "nonnegative" else simplified.is_positive
    if decided:
        steps.append(f"${_tex(simplified)}$ is {st.relation} by SymPy's assumptions.")
        return SymbolicResult("proved", scope_of(claim, sizes), tuple(steps))
    return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps), "SymPy could not decide the sign")


def _algorithmic(claim: Claim, st: Algorithmic, sizes: dict, steps: list) -> SymbolicResult:
    restriction = {str(k): v for k, v in st.symbolic_restriction.items()}
    env = generic_env(claim, sizes, restriction)
    state = str(st.state.name)
    eta = sp.Symbol("eta_step", positive=True)
    update = evaluate(st.update, {**env, str(st.step.name): eta}, EXACT)
    if st.step_rule == "exact_line_search":
        phi = _along_update(st, env, update)
        solutions = sp.solve(sp.diff(phi, eta), eta)
        if len(solutions) != 1:
            return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps),
                                  f"the line-search condition d/d eta C = 0 has {len(solutions)} closed-form solutions")
        step = sp.cancel(solutions[0])
        steps.append(f"Exact line search: d/d\u03b7 C(update) = 0 gives \u03b7* = ${_tex(step)}$.")
        negative = _negative_step_at(claim, st, sizes, restriction)
        if negative:
            return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps),
                                  f"the stationary step is negative at an exact member of the domain ({negative}): "
                                  "the line search over \u03b7 >= 0 then stops at the boundary, not at this root")
    else:
        step = evaluate(st.step_rule, env, EXACT)
        step = step[0, 0] if isinstance(step, sp.MatrixBase) else step
        steps.append(f"Step size: ${_tex(step)}$.")
    new = update.xreplace({eta: step})
    nxt = sp.MatrixSymbol(state + "_next", *st.state.shape)
    parts = st.conclusion(st.state, nxt)
    lhs = evaluate(parts[0], {**env, nxt.name: new}, EXACT)
    rhs = evaluate(parts[1], {**env, nxt.name: new}, EXACT) if parts[1] != 0 else 0
    zero, how, left = reduce_to_zero(sp.Matrix(lhs) - (sp.Matrix(rhs) if isinstance(rhs, sp.MatrixBase) else rhs)
                                     if isinstance(lhs, sp.MatrixBase) else lhs - rhs)
    where = ", ".join(f"{k} = {v}" for k, v in restriction.items())
    scope = scope_of(claim, sizes) + (f", on the sub-family {where}" if where else "") + ", one step from a generic state"
    if zero:
        steps.append(f"The conclusion after one step reduces to 0 by `{how}`.")
        return SymbolicResult("proved", scope, tuple(steps), subfamily=where)
    steps.append(f"After one step SymPy leaves ${_tex(left)}$.")
    return SymbolicResult("undecided", scope, tuple(steps), "the conclusion did not reduce to 0 symbolically")


def _along_update(st: Algorithmic, env: dict, update):
    """phi(eta) = cost(update(eta)) as a scalar SymPy expression."""
    phi = sp.sympify(evaluate(st.cost, {**env, str(st.state.name): update}, EXACT), strict=True)
    return phi[0, 0] if isinstance(phi, sp.MatrixBase) else phi


def _negative_step_at(claim: Claim, st: Algorithmic, sizes: dict, restriction: dict, tries: int = 3) -> str:
    """The stationary step at a few exact members of the domain; '' when it is positive at all."""
    eta = sp.Symbol("eta_step", positive=True)
    for k, env in enumerate(rational_envs(claim, sizes, tries, seed=1)):
        env = {**env, **restriction}
        phi = _along_update(st, env, evaluate(st.update, {**env, str(st.step.name): eta}, EXACT))
        roots = sp.solve(sp.diff(phi, eta), eta)
        if not roots:  # with eta declared positive, SymPy drops negative roots
            plain = sp.Symbol("eta_any", real=True)
            roots = sp.solve(sp.diff(phi.xreplace({eta: plain}), plain), plain)
            if roots and all(r.is_negative for r in roots):
                return f"instance {k + 1}, \u03b7* = {roots[0]}"
    return ""


def check_symbolic(claim: Claim) -> SymbolicResult:
    """Decide `claim` with SymPy at its symbolic sizes: proved, disproved or undecided (with a reason)."""
    steps, bad_sizes, all_sizes = check_shapes(claim)
    if bad_sizes is not None:
        return SymbolicResult("disproved", "ill-formed", tuple(steps),
                              counterexample=tuple(("size " + k, str(v)) for k, v in sorted(bad_sizes.items())))
    result = None
    for sizes in (claim.symbolic_sizes or (claim.smallest_sizes(),)):
        sizes = dict(sizes)
        statement = claim.build(sizes)
        local = list(steps)
        local.append(f"Instantiated at {_fmt_sizes(sizes) or 'no dimensions (scalars)'} with generic domain members.")
        try:
            if isinstance(statement, Minimiser) and not statement.smooth:
                result = _subgradient_cases(claim, statement, sizes, local)
            elif isinstance(statement, Property):
                result = _property(claim, statement, sizes, local)
            elif isinstance(statement, Algorithmic):
                result = _algorithmic(claim, statement, sizes, local)
            elif isinstance(statement, Shape):
                evaluate(statement.expr, generic_env(claim, sizes), EXACT)
                local.append("The formula evaluates at these sizes.")
                result = SymbolicResult("proved", "general (all sizes)" if all_sizes else scope_of(claim, sizes),
                                        tuple(local))
            else:
                result = _compare_pairs(claim, statement, sizes, local)
        except ShapeMismatch as exc:
            return SymbolicResult("disproved", "ill-formed", tuple(local + [f"Ill-formed: {exc}"]),
                                  counterexample=tuple(("size " + k, str(v)) for k, v in sorted(sizes.items())))
        except EvaluationError as exc:
            return SymbolicResult("undecided", "", tuple(local), f"the symbolic evaluator stopped: {exc}")
        if result.status != "proved":
            return result
    first = claim.build(claim.smallest_sizes())
    if isinstance(first, Minimiser) and first.smooth:
        sizes = dict((claim.symbolic_sizes or (claim.smallest_sizes(),))[0])
        verdict, text, counter = _second_order(claim, claim.build(sizes), sizes)
        steps = result.steps + (text,)
        if verdict == "not_minimal":
            return SymbolicResult("disproved", scope_of(claim, sizes), steps, "", counter)
        if verdict == "convex":
            return SymbolicResult("proved", result.scope + "; stationarity and a Hessian that is PSD everywhere "
                                  "(convex cost): a global minimiser", steps)
        result = SymbolicResult(result.status, result.scope + "; first-order condition (stationarity), minimality "
                                "is checked on the numeric path", steps, partial="minimality")
    return result


def _hessian(claim: Claim, st: Minimiser, env: dict):
    """The Hessian of `f` with respect to the entries of `wrt`, and the entries (symbols)."""
    rows, cols = _shape_at(st.wrt, {k: v for k, v in env.items() if isinstance(v, int)})
    entries = [sp.Symbol(f"{st.wrt.name}_{i}_{j}", real=True) for i in range(rows) for j in range(cols)]
    value = evaluate(st.f, {**env, str(st.wrt.name): sp.ImmutableMatrix(rows, cols, entries)}, EXACT)
    value = value[0, 0] if isinstance(value, sp.MatrixBase) else value
    return sp.hessian(value, entries), entries


def _second_order(claim: Claim, st: Minimiser, sizes: dict) -> tuple[str, str, tuple]:
    """After stationarity: `convex` (the Hessian is PSD at every point, so the stationary point is a
    global minimiser), `not_minimal` (at an exact member of the domain the Hessian at the point has
    a negative eigenvalue: a stationary point that is not a minimum) or `unknown`."""
    try:
        hess, entries = _within(20.0, _hessian, claim, st, generic_env(claim, sizes))
        minors = _principal_minors(hess)
        if _within(20.0, lambda: all(_provably_nonnegative(m) for m in minors)):
            return "convex", (f"Second order: all {len(minors)} principal minors of the Hessian of f are "
                              "non-negative everywhere (SymPy's assumptions), so f is convex."), ()
        for env in rational_envs(claim, sizes, 4, seed=2):
            h, ents = _within(20.0, _hessian, claim, st, env)
            point = evaluate(st.point, env, EXACT)
            at = h.xreplace(dict(zip(ents, list(sp.Matrix(point)))))
            if all(x.is_Rational for x in at) and at.is_positive_semidefinite is False:
                return "not_minimal", ("Second order: at an exact member of the domain the Hessian of f at the "
                                       "point has a negative eigenvalue, so the stationary point is not a "
                                       "minimum (below)."), (
                    tuple((k, _tex(v)) for k, v in env.items() if k not in sizes)
                    + (("Hessian at the point", _tex(at)), ("eigenvalues", _tex(list(at.eigenvals())))))
    except (_SliceOver, EvaluationError, ValueError, TypeError, NotImplementedError):
        pass
    return "unknown", "Second order: SymPy did not decide the sign of the Hessian.", ()
