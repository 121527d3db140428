"""The symbolic path: decide a claim with SymPy, or say honestly that SymPy could not.

Matrix claims are instantiated at small concrete sizes with explicit generic members of their
domains (one SymPy symbol per free parameter; every component of a domain with several, such as
the rotations and reflections of O(n)) through the same evaluator as the numeric path.  Residuals
are reduced with specific, cheap routines first and `simplify` last (`verify.reduce`), and every
"= 0" and every sign decision is cross-checked in 50-digit arithmetic at random points
(`verify.crosscheck`) before it is accepted.  A residual that does not reduce to zero is *not* a
disproof: the claim is disproved only when an exact member of the domain makes the two sides
differ, and otherwise the result is `undecided` with the reason.

"Proved" means the whole claim on its whole domain at the sizes stated: a proof on a sub-family
(`symbolic_restriction`), at sizes outside `sizes=`, or of stationarity alone is not one.

This module runs in a child process with a CPU-time budget (see `verify.runner`); it never
imports JAX.  Results are plain frozen dataclasses of strings so that they cross processes.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import sympy as sp

from sympy.matrices.exceptions import NonInvertibleMatrixError

from . import crosscheck, inequality, undefined
from ._errors import EvaluationError, ShapeMismatch
from .claim import (Algorithmic, Claim, Derivation, Expectation, Gradient, Identity, Inequality, Minimiser,
                    Property, Shape, size_assignment_ok, sizes_text, symbol_shapes, variable_zero)
from .distributions import ExpectationOver
from .evaluate import EXACT, evaluate
from .limits import check_limit_symbolic, check_order_symbolic
from .logic import check_directions_symbolic, check_exists_symbolic
from .logic_kinds import Equivalence, Exists, Implies, Limit, Order
from .expectations import check_expectation_symbolic
from .exact import (SymbolicResult, sizes_scope, _tex, component_choices, exact_value, find_exact_counterexample,
                    generic_env, provably_nonnegative, rational_envs, scope_of, symmetric_psd_proof)
from .minimality import MINIMALITY_LEFT, minimality, subgradient_cases
from .nodes import Grad
from .reduce import CHEAP_REDUCERS, COSTLY_REDUCERS, reduce_to_zero
from .shapes import conditions, equal_shape_conditions, expected_shape_conditions

__all__ = ["SymbolicResult", "check_symbolic", "shape_conditions", "check_shapes", "reduce_to_zero"]




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
    elif isinstance(statement, Inequality):
        conds += equal_shape_conditions(statement.lhs, statement.rhs, "the two sides of the inequality")
    elif isinstance(statement, Shape):
        conds += expected_shape_conditions(statement.expr, statement.expected, "the formula against expected=")
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
                return [f"Ill-formed at sizes {sizes_text(dict(sizes))}: {bad[0]}."], dict(sizes), False
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
            return [f"Ill-formed at sizes {sizes_text(sizes)}: {bad[0]}."], sizes, False
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
                variable_zero(statement.wrt))]
        if statement.reference is not None:
            out.append(("point - independent closed form", statement.point, statement.reference))
        return out
    return []


def _unsound(label: str, how: str, detail: str) -> str:
    return (f"{label}: `{how}` reduced the residual to 0, but {detail}: that symbolic route was unsound here, so "
            "its result is not used")


def _compare_pairs(claim, statement, sizes, steps, members=None) -> SymbolicResult:
    env = generic_env(claim, sizes, members=members)
    for index, (label, lhs, rhs) in enumerate(_pairs(statement)):
        failed = index if isinstance(statement, Derivation) else None
        # Where to look first: exact instances cost seconds for a network (SymPy multiplies out tanh
        # of fractions), the generic evaluation and the cheap zero tests about one (they give up at
        # once on a visibly nonzero residual).  A claim expected to hold tries the proof first, one
        # expected to fail (an erratum, a mutant) two exact instances first.  The result is the same
        # either way, instances in the same order; only the time differs.
        expected_false = claim.expect == "fails"
        counter = find_exact_counterexample(claim, sizes, lhs, rhs, tries=2) if expected_false else None
        if counter:
            steps += [f"{label}: does not vanish.", "An exact member of the domain makes the two sides differ (below)."]
            return SymbolicResult("disproved", scope_of(claim, sizes), tuple(steps), "", counter, failed,
                                  exact_member=True)
        try:
            a, b = evaluate(lhs, env, EXACT), evaluate(rhs, env, EXACT)
        except NonInvertibleMatrixError:  # a side undefined on a whole component (verify.undefined)
            found = undefined.generic_disproof(claim, sizes, label, lhs, rhs, env,
                                               rational_envs(claim, sizes, 12, seed=2), _tex)
            if found is None:
                raise
            return SymbolicResult("disproved", scope_of(claim, sizes), tuple(steps + found[0]), "", found[1],
                                  failed, exact_member=True)
        if isinstance(rhs, sp.ZeroMatrix) or (rhs == 0 and isinstance(a, sp.MatrixBase)):
            b = sp.zeros(*a.shape)
        residual = a - b
        zero, how, left = reduce_to_zero(residual, CHEAP_REDUCERS)
        if not zero:
            counter = ((None if expected_false else find_exact_counterexample(claim, sizes, lhs, rhs, tries=2))
                       or find_exact_counterexample(claim, sizes, lhs, rhs, tries=6, seed=1))
        if not zero and not counter:
            zero, how, left = reduce_to_zero(residual, COSTLY_REDUCERS)
        if zero:
            check = crosscheck.equal_everywhere(a, b)
            if not check.ok:
                steps.append(_unsound(label, how, check.detail) + ".")
                return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps),
                                      _unsound(label, how, check.detail), (), failed)
            steps.append(f"{label}: reduced to 0 by `{how}`; cross-checked at {check.points} random points in "
                         f"{crosscheck.DIGITS}-digit arithmetic.")
            continue
        if counter:
            steps.append(f"{label}: does not vanish.")
        else:
            steps.append(f"{label}: SymPy leaves the residual ${_tex(left)}$.")
        if counter:
            steps.append("An exact member of the domain makes the two sides differ (below).")
            return SymbolicResult("disproved", scope_of(claim, sizes), tuple(steps), "", counter, failed,
                                  exact_member=True)
        return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps),
                              f"{label}: the residual did not reduce to 0 and vanished on every exact random "
                              "instance tried", (), failed)
    return SymbolicResult("proved", scope_of(claim, sizes), tuple(steps))


def _smooth_minimiser(claim: Claim, st: Minimiser, sizes: dict, steps: list, members=None) -> SymbolicResult:
    """Stationarity (and the independent closed form, if given), then minimality."""
    first = _compare_pairs(claim, st, sizes, steps, members)
    if first.status != "proved":
        return first
    verdict, text, counter = minimality(claim, st, sizes, members)
    steps = list(first.steps) + [text]
    if verdict == "not_minimal":
        return SymbolicResult("disproved", scope_of(claim, sizes), tuple(steps), "", counter, exact_member=True)
    if verdict == "convex":
        return SymbolicResult("proved", scope_of(claim, sizes) + "; stationarity and convexity: a global minimiser",
                              tuple(steps))
    return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps), MINIMALITY_LEFT)


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


def _special_envs(claim: Claim, sizes: dict):
    """Exact members at the edges SymPy's random draws rarely hit: each scalar symbol at 0, 1 and
    -1 where its domain has them (kinks of Max, Abs and sign sit at 0)."""
    scalars = {name: domain for name, (shape, domain) in symbol_shapes(claim, sizes).items() if not shape}
    if not scalars:
        return
    base = next(rational_envs(claim, sizes, 1, seed=3))
    for value in (0.0, 1.0, -1.0):
        env = dict(base)
        for name, domain in scalars.items():
            exact = domain.rationalize(value)
            if exact is not None:
                env[name] = exact
        yield env


def _violates(value, relation: str) -> bool:
    """Whether an exact value breaks the relation (decided exactly, or at 50 digits)."""
    entries = list(value) if isinstance(value, sp.MatrixBase) else [value]
    if relation == "psd":
        m = sp.Matrix(value)
        sym = (m + m.T) / 2
        return all(x.is_Rational for x in sym) and sym.is_positive_semidefinite is False
    for e in entries:
        e = sp.sympify(e, strict=True)
        number = e if e.is_Rational else sp.N(e, 50)
        if not number.is_number or not number.is_real:
            continue
        if (relation == "nonnegative" and number < 0) or (relation == "positive" and number <= 0):
            return True
    return False


def _property_counterexample(claim: Claim, st: Property, sizes: dict, steps: list) -> SymbolicResult | None:
    envs = itertools.chain(rational_envs(claim, sizes, 8), _special_envs(claim, sizes))
    for env in envs:
        value = exact_value(st.expr, env)
        if value is not None and _violates(value, st.relation):
            shown = (("value", _tex(value)),)
            if st.relation == "psd":
                m = sp.Matrix(value)
                shown = (("matrix", _tex(m)), ("eigenvalues of its symmetric part", _tex(list(((m + m.T) / 2).eigenvals()))))
            steps.append(f"An exact member of the domain breaks the relation ({st.relation}) (below).")
            return SymbolicResult("disproved", scope_of(claim, sizes), tuple(steps), "",
                                  tuple((k, _tex(v)) for k, v in env.items() if k not in sizes) + shown,
                                  exact_member=True)
    return None


def _property(claim: Claim, st: Property, sizes: dict, steps: list, members=None) -> SymbolicResult:
    if st.local_min_of is not None:
        return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps),
                              "the property is evaluated at a local minimiser, which is found numerically; "
                              "SymPy has no closed form for it")
    counter = _property_counterexample(claim, st, sizes, steps)
    if counter is not None:
        return counter
    value = evaluate(st.expr, generic_env(claim, sizes, members=members), EXACT)
    if st.relation == "psd":
        # PSD means x^T M x >= 0 for every x: a property of the symmetric part (M + M^T) / 2, which
        # is what the numeric path tests too (principal minors of a non-symmetric M decide nothing)
        m = sp.ImmutableMatrix(value)
        if not (m - m.T).is_zero_matrix:
            steps.append("The matrix is not symmetric as written: PSD is decided on its symmetric part (M + M^T)/2 "
                         "(x^T M x = x^T (M + M^T)/2 x).")
            m = sp.ImmutableMatrix((m + m.T) / 2)
        bounded, was_bounded = _bound_exponentials(m)
        if was_bounded:
            steps.append("Each exp(u) with u <= 0 is written 1/(1 + t) with t >= 0 (it lies in (0, 1]).")
        shown, text = symmetric_psd_proof(bounded)
        if shown:
            check = crosscheck.psd_everywhere(m)  # the matrix itself, before the exp bound
            if check.ok:
                steps.append(text)
                return SymbolicResult("proved", scope_of(claim, sizes), tuple(steps))
            text = f"the proof did not survive a 50-digit check: {check.detail}"
        if text:
            steps.append(text)
        return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps),
                              "SymPy's assumptions could not decide the sign of every principal minor")
    entries = list(value) if isinstance(value, sp.MatrixBase) else [value]
    decided = []
    for e in entries:
        simplified = sp.simplify(e)
        ok = simplified.is_nonnegative if st.relation == "nonnegative" else simplified.is_positive
        decided.append(bool(ok) and crosscheck.sign_everywhere(e, st.relation).ok)
        if not decided[-1]:
            break
    if all(decided):
        what = f"${_tex(sp.simplify(entries[0]))}$ is" if len(entries) == 1 else f"each of the {len(entries)} entries is"
        steps.append(f"{what} {st.relation} by SymPy's assumptions (cross-checked at random points in "
                     f"{crosscheck.DIGITS}-digit arithmetic).")
        return SymbolicResult("proved", scope_of(claim, sizes), tuple(steps))
    return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps), "SymPy could not decide the sign")


def _conclusion_residual(st: Algorithmic, env: dict, new):
    """(lhs, rhs) of the conclusion after one step to `new`, both exact."""
    nxt = sp.MatrixSymbol(str(st.state.name) + "_next", *st.state.shape)
    parts = st.conclusion(st.state, nxt)
    lhs = evaluate(parts[0], {**env, nxt.name: new}, EXACT)
    rhs = evaluate(parts[1], {**env, nxt.name: new}, EXACT) if parts[1] != 0 else 0
    if isinstance(lhs, sp.MatrixBase) and not isinstance(rhs, sp.MatrixBase):
        rhs = sp.zeros(*lhs.shape) if rhs == 0 else rhs
    return lhs, rhs


def _scalar(value):
    return value[0, 0] if isinstance(value, sp.MatrixBase) and value.shape == (1, 1) else value


def _line_search_first_order(claim: Claim, st: Algorithmic, sizes: dict, steps: list, members=None):
    """A proof that needs no closed form of the step: the conclusion after a step of length eta is
    -+ phi'(eta), phi(eta) = C(update(eta)), identically in eta; and phi'(0) <= 0.  The exact line
    search returns a minimiser eta* of phi over eta >= 0: if eta* > 0 it is interior, so
    phi'(eta*) = 0; if eta* = 0 then phi'(0) >= 0, with phi'(0) <= 0 again phi'(eta*) = 0.  Either way
    the conclusion holds at the step taken.  None when the argument does not go through."""
    env = generic_env(claim, sizes, members=members)
    eta = sp.Symbol("eta_step", nonnegative=True)
    update = evaluate(st.update, {**env, str(st.step.name): eta}, EXACT)
    dphi = sp.diff(_along_update(st, env, update), eta)
    lhs, rhs = _conclusion_residual(st, env, update)
    lhs, rhs = _scalar(lhs), _scalar(rhs)
    if isinstance(lhs, sp.MatrixBase) or isinstance(rhs, sp.MatrixBase):
        return None
    for sign, text in ((1, "-"), (-1, "")):
        zero, how, _ = reduce_to_zero(lhs - rhs + sign * dphi, CHEAP_REDUCERS)
        if zero and crosscheck.equal_everywhere(lhs - rhs, -sign * dphi).ok:
            break
    else:
        return None
    slope_at_zero = dphi.xreplace({eta: 0})
    if not _descends(slope_at_zero, update, eta):
        return None
    steps.append(f"The conclusion after a step of any length η equals {text}φ'(η), "
                 f"φ(η) = C(update(η)) (reduced to 0 by `{how}`, cross-checked at random points in "
                 f"{crosscheck.DIGITS}-digit arithmetic).")
    steps.append("φ'(0) <= 0 (by SymPy's assumptions, or as minus the squared norm of the step's direction; "
                 "cross-checked): the step the exact line search returns, a "
                 "minimiser η* of φ over η >= 0, is either interior (φ'(η*) = 0) or 0 "
                 "with φ'(0) >= 0, hence φ'(0) = 0; either way the conclusion holds at the step taken. No "
                 "closed form of the step is needed, so no sub-family either.")
    return SymbolicResult("proved", scope_of(claim, sizes) + ", every step of the exact line search (wherever it "
                          "returns a minimiser), from a generic state", tuple(steps))


def _descends(slope_at_zero, update, eta) -> bool:
    """phi'(0) <= 0: by SymPy's assumptions, or as -||d||^2 with d = d update / d eta at 0 the
    direction of the step (steepest descent: phi'(0) = grad C . d = -||d||^2), checked exactly."""
    if provably_nonnegative(-slope_at_zero):
        return True
    direction = sp.Matrix(update).diff(eta).xreplace({eta: 0})
    if not all(e.is_extended_real for e in direction):
        return False
    squared = sum(e**2 for e in direction)
    zero, _, _ = reduce_to_zero(slope_at_zero + squared, CHEAP_REDUCERS)
    return zero and crosscheck.equal_everywhere(slope_at_zero, -squared).ok


def _algorithmic(claim: Claim, st: Algorithmic, sizes: dict, steps: list, members=None) -> SymbolicResult:
    if st.step_rule == "exact_line_search":
        general = _line_search_first_order(claim, st, sizes, list(steps), members)
        if general is not None:
            return general
    restriction = {str(k): v for k, v in st.symbolic_restriction.items()}
    env = generic_env(claim, sizes, restriction, members=members)
    eta = sp.Symbol("eta_step", positive=True)
    update = evaluate(st.update, {**env, str(st.step.name): eta}, EXACT)
    if st.step_rule == "exact_line_search":
        phi = _along_update(st, env, update)
        condition = sp.diff(phi, eta)
        if not condition.is_rational_function(eta):
            # solve() on a transcendental equation can run for minutes and rarely finds a closed form
            return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps),
                                  "the line-search condition d/d eta C = 0 is not a rational equation in eta, so no "
                                  "closed-form step was sought (and the first-order argument did not go through)")
        solutions = sp.solve(condition, eta)
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
    lhs, rhs = _conclusion_residual(st, env, update.xreplace({eta: step}))
    zero, how, left = reduce_to_zero(sp.Matrix(lhs) - sp.Matrix(rhs) if isinstance(lhs, sp.MatrixBase) else lhs - rhs)
    where = ", ".join(f"{k} = {v}" for k, v in restriction.items())
    scope = scope_of(claim, sizes) + (f", on the sub-family {where}" if where else "") + ", one step from a generic state"
    if zero:
        check = crosscheck.equal_everywhere(lhs, rhs)
        if not check.ok:
            reason = _unsound("the conclusion after one step", how, check.detail)
            return SymbolicResult("undecided", scope, tuple(steps + [reason + "."]), reason)
        steps.append(f"The conclusion after one step reduces to 0 by `{how}`; cross-checked at {check.points} random "
                     f"points in {crosscheck.DIGITS}-digit arithmetic.")
        if where:
            outside = [k for k, v in restriction.items() if _outside_domain(claim, k, v)]
            reason = (f"proved only on the sub-family {where}"
                      + (f", which lies outside the domain of {', '.join(outside)}" if outside else "")
                      + "; the engine cannot show that the sub-family loses no generality, so this is no proof of "
                        "the claim")
            steps.append(f"This covers only the sub-family {where}: not a proof of the claim.")
            return SymbolicResult("undecided", scope, tuple(steps), reason)
        return SymbolicResult("proved", scope, tuple(steps))
    steps.append(f"After one step SymPy leaves ${_tex(left)}$.")
    return SymbolicResult("undecided", scope, tuple(steps), "the conclusion did not reduce to 0 symbolically")


def _outside_domain(claim: Claim, name: str, value) -> bool:
    domain = claim.domain.get(str(name))
    value = sp.sympify(value, strict=True)
    if domain is None or not domain.scalar or not value.is_number:
        return False
    return domain.rationalize(float(value)) is None


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


def _shape_claim(claim: Claim, st: Shape, sizes: dict, steps: list, all_sizes: bool, members=None) -> SymbolicResult:
    value = evaluate(st.expr, generic_env(claim, sizes, members=members), EXACT)
    shape = tuple(value.shape) if isinstance(value, sp.MatrixBase) else (1, 1)
    steps.append(f"The formula evaluates at these sizes, to a {shape[0]} x {shape[1]} matrix.")
    if st.expected is not None:
        subs = {sp.Symbol(k, integer=True, positive=True): v for k, v in sizes.items()}
        want = tuple(int(sp.sympify(d, strict=True).xreplace(subs)) for d in st.expected)
        if shape != want:
            steps.append(f"The expected shape is {want[0]} x {want[1]}.")
            return SymbolicResult("disproved", scope_of(claim, sizes), tuple(steps), "",
                                  tuple(("size " + k, str(v)) for k, v in sorted(sizes.items()))
                                  + (("shape of the formula", f"{shape[0]} x {shape[1]}"),
                                     ("expected shape", f"{want[0]} x {want[1]}")))
        steps.append(f"It has the expected shape {want[0]} x {want[1]}.")
    return SymbolicResult("proved", "general (all sizes)" if all_sizes else scope_of(claim, sizes), tuple(steps))


def _decide(claim: Claim, statement, sizes: dict, steps: list, all_sizes: bool, members: dict) -> SymbolicResult:
    if isinstance(statement, Minimiser) and not statement.smooth:
        return subgradient_cases(claim, statement, sizes, steps, members)
    if isinstance(statement, Minimiser):
        return _smooth_minimiser(claim, statement, sizes, steps, members)
    if isinstance(statement, Property):
        return _property(claim, statement, sizes, steps, members)
    if isinstance(statement, Algorithmic):
        return _algorithmic(claim, statement, sizes, steps, members)
    if isinstance(statement, Inequality):
        return inequality.decide(claim, statement, sizes, steps, members)
    if isinstance(statement, Shape):
        return _shape_claim(claim, statement, sizes, steps, all_sizes, members)
    if isinstance(statement, Exists):  # verify.logic
        return check_exists_symbolic(claim, statement, sizes, steps, members)
    if isinstance(statement, Limit):  # verify.limits
        return check_limit_symbolic(claim, statement, sizes, steps, members)
    if isinstance(statement, Order):
        return check_order_symbolic(claim, statement, sizes, steps, members)
    if isinstance(statement, ExpectationOver):
        return check_expectation_symbolic(claim, statement, sizes, steps, members)
    return _compare_pairs(claim, statement, sizes, steps, members)


def _in_range(claim: Claim, sizes: dict) -> bool:
    """Whether a size assignment is one of the claim's own (inside sizes= and its rules)."""
    inside = all(claim.sizes[k][0] <= v <= claim.sizes[k][1] for k, v in sizes.items() if k in claim.sizes)
    return inside and size_assignment_ok(claim, sizes)


def _key(sizes: dict) -> tuple:
    return tuple(sorted(sizes.items()))


def check_symbolic(claim: Claim) -> SymbolicResult:
    """Decide `claim` with SymPy at its symbolic sizes: proved, disproved or undecided (with a reason)."""
    if isinstance(claim.statement, (Implies, Equivalence)):  # each direction as a claim (verify.logic)
        return check_directions_symbolic(claim, check_symbolic)
    steps, bad_sizes, all_sizes = check_shapes(claim)
    if bad_sizes is not None:
        result = SymbolicResult("disproved", "ill-formed", tuple(steps),
                                counterexample=tuple(("size " + k, str(v)) for k, v in sorted(bad_sizes.items())))
        return _within_claim_sizes(claim, result, [bad_sizes])
    size_list = [dict(s) for s in (claim.symbolic_sizes or (claim.smallest_sizes(),))]
    result = None
    labels: list[str] = []
    for sizes in size_list:
        statement = claim.build(sizes)
        for members, label in component_choices(claim, sizes):
            local = list(steps)
            local.append(f"Instantiated at {sizes_text(sizes)} with generic domain "
                         f"members{' (' + label + ')' if label else ''}.")
            try:
                result = _decide(claim, statement, sizes, local, all_sizes, members)
            except ShapeMismatch as exc:
                result = SymbolicResult("disproved", "ill-formed", tuple(local + [f"Ill-formed: {exc}"]),
                                        counterexample=tuple(("size " + k, str(v)) for k, v in sorted(sizes.items())))
                return _within_claim_sizes(claim, result, [sizes])
            except EvaluationError as exc:
                return SymbolicResult("undecided", "", tuple(local), f"the symbolic evaluator stopped: {exc}")
            if result.status != "proved":
                return _within_claim_sizes(claim, result, [sizes])
            steps = list(result.steps)  # the next size's or component's steps follow this one's
            if label and label not in labels:
                labels.append(label)
    components = "; on every component of the domain (" + " | ".join(labels) + ")" if labels else ""
    last = scope_of(claim, size_list[-1])
    if len(size_list) > 1 and result.scope.startswith(last) and last != "general":
        # proved at each size in turn: the scope names them all, not only the last one
        result = replace(result, scope=sizes_scope(size_list) + result.scope[len(last):])
    result = replace(result, scope=result.scope + components,
                     sizes=() if result.scope.startswith("general") else tuple(_key(s) for s in size_list))
    return _within_claim_sizes(claim, result, size_list)


def _within_claim_sizes(claim: Claim, result: SymbolicResult, size_list: list) -> SymbolicResult:
    """A proof or a disproof at sizes outside `sizes=` says nothing about the claim's own sizes."""
    outside = [s for s in size_list if s and not _in_range(claim, s)]
    if not outside or result.status == "undecided":
        return result
    where = "; ".join(sizes_text(s) for s in outside)
    what = "proved it" if result.status == "proved" else "found a counterexample"
    return replace(result, status="undecided", sizes=(),
                   reason=f"SymPy {what} at sizes {where}, outside the claim's sizes= (or its size rules): that "
                          "covers none of the claim's own sizes")
