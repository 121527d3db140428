"""Checks of implications, equivalences and existence statements (`verify.logic_kinds`).

**Implications and equivalences.**  Each direction `premise => then` is checked as a claim of its
own: the statement `then` on the domain where the premise holds (the direction's `given` domains,
the claim's own for the other symbols), by the same symbolic and numeric paths as any claim, with
its own instances (drawn from the key `<id>.direction_<i>_<j>`).  The claim is proved when every
direction is, refuted when any is (the report names the direction), and each direction's steps
and comparisons are shown under its label.

**Existence.**  `Exists(witness, conditions)` substitutes the witness and checks each condition.
Symbolically a condition on closed numbers (a rational, an algebraic number such as `CRootOf`) is
decided exactly: a difference is 0 exactly when its minimal polynomial is the variable itself,
and the sign of a nonzero algebraic number is SymPy's certified evaluation; a condition that
still has the claim's symbols is reduced like an identity and cross-checked at 50 digits, or
broken by an exact member of the domain.  Numerically the witness is evaluated in float64 and
each condition compared with the claim's tolerances (strict inequalities beyond rounding).
"""

from __future__ import annotations

import warnings
from dataclasses import replace

import sympy as sp

from . import crosscheck
from .claim import Claim, Identity, _sites_of_symbols
from .evaluate import EXACT, evaluate
from .exact import SymbolicResult, _tex, generic_env, rational_envs, scope_of
from .logic_kinds import RELATIONS, Equivalence, Exists, Implies
from .reduce import CHEAP_REDUCERS, COSTLY_REDUCERS, reduce_to_zero

# --- implications and equivalences ---------------------------------------------------------------


def directions_of(statement) -> list[Implies]:
    return list(statement.directions) if isinstance(statement, Equivalence) else [statement]


def direction_label(index: int, part: int, parts: int, premise: str) -> str:
    where = f"direction {index}" + (f", part {part}" if parts > 1 else "")
    return where + (f" ({premise})" if premise else "")


def direction_claims(claim: Claim) -> list[tuple[str, Claim]]:
    """[(label, claim of one direction's statement on the premise's domain), ...]."""
    out = []
    for i, d in enumerate(directions_of(claim.statement), 1):
        given = {str(getattr(k, "name", k)): v for k, v in dict(d.given).items()}
        for j, part in enumerate(d.parts, 1):
            used = _sites_of_symbols(part)
            domain = {k: v for k, v in {**claim.domain, **given}.items() if k in used}
            suffix = f".direction_{i}_{j}"
            with warnings.catch_warnings():  # the claim itself was validated (and warned about) at load
                warnings.simplefilter("ignore")
                sub = replace(claim, id=claim.id + suffix, statement=part, domain=domain, expect="holds",
                              correction=None, tex_names={}, symbolic_sizes=claim.symbolic_sizes,
                              instances_of=(claim.instances_of + suffix) if claim.instances_of else None)
            out.append((direction_label(i, j, len(d.parts), d.premise), sub))
    return out


def check_directions_symbolic(claim: Claim, check_symbolic) -> SymbolicResult:
    steps: list[str] = []
    scopes: list[str] = []
    reasons: list[str] = []
    sizes: set = set()
    for label, sub in direction_claims(claim):
        result = check_symbolic(sub)
        word = {"proved": "proved", "disproved": "DISPROVED", "undecided": "undecided"}[result.status]
        steps.append(f"**{label[0].upper() + label[1:]}**: `{sub.statement.kind}` on "
                     f"{_domains_text(sub)}: {word}.")
        steps += [f"  {s}" for s in result.steps]
        if result.status == "disproved":
            return replace(result, steps=tuple(steps), scope=result.scope,
                           reason=f"{label}: {result.reason}" if result.reason else "")
        if result.status == "undecided":
            reasons.append(f"{label}: {result.reason}")
        elif result.scope and result.scope not in scopes:
            scopes.append(result.scope)
        sizes |= set(result.sizes)
    if reasons:
        return SymbolicResult("undecided", "; ".join(scopes), tuple(steps), "; ".join(reasons))
    return SymbolicResult("proved", "every direction: " + "; ".join(scopes), tuple(steps), sizes=tuple(sorted(sizes)))


def _domains_text(sub: Claim) -> str:
    return ", ".join(f"{k} in {v.name}" for k, v in sorted(sub.domain.items())) or "no free symbols"


def check_directions_numeric(claim: Claim, seed: int, instances: int, check_numeric):
    """Each direction on its own instances; the first failing direction's counterexample is the
    claim's, confirmed exactly on that direction's domain."""
    from .numeric import Comparison, NumericResult
    from .verdict import confirm_exactly

    results = []
    for label, sub in direction_claims(claim):
        r = check_numeric(sub, seed=seed, instances=instances)
        if r.status == "error":
            return replace(r, message=f"{label}: {r.message}")
        if r.status == "failed":
            r = confirm_exactly(sub, r)
        results.append((label, sub, r))
    comps, notes, sizes = [], [], []
    counter, failed = None, False
    for label, sub, r in results:
        comps += [Comparison(f"{label}: {c.name}", c.instances, c.mismatched, c.max_abs, c.max_rel)
                  for c in r.comparisons]
        notes += [f"{label}: checked on {_domains_text(sub)}"] + [f"{label}: {n}" for n in r.notes]
        for s in r.sizes:
            if s not in sizes:
                sizes.append(s)
        if r.status == "failed" and counter is None:
            failed = True
            counter = replace(r.counterexample, check=f"{label}: {r.counterexample.check}")
    first = results[0][2]
    worst = [r.worst_condition for _, _, r in results if r.worst_condition is not None]
    return NumericResult("failed" if failed else "passed", sum(r.instances for _, _, r in results), tuple(sizes),
                         tuple(comps), tuple(x for _, _, r in results for x in r.ill_formed), counter,
                         first.tolerance, "", tuple(notes), worst_condition=max(worst) if worst else None,
                         near_kink=sum(r.near_kink for _, _, r in results),
                         tolerance_used=max(r.tolerance_used for _, _, r in results),
                         excluded=sum(r.excluded for _, _, r in results),
                         per_size=(), size_plan="per direction", admissible_sizes=None,
                         declared_sizes=first.declared_sizes, planned_sizes=len(sizes))


# --- existence ----------------------------------------------------------------------------------------


def condition_parts(condition) -> tuple[str, object, object]:
    """(operator, lhs, rhs) of a condition."""
    if isinstance(condition, Identity):
        return "=", condition.lhs, condition.rhs
    return RELATIONS[type(condition)][0], condition.lhs, condition.rhs


def witness_env(statement: Exists, env: dict, backend) -> dict:
    """`env` with each witness symbol's value (closed constants as they are, expressions evaluated)."""
    out = dict(env)
    for sym, value in statement.witness.items():
        value = sp.sympify(value, strict=True)
        if value.free_symbols or getattr(value, "is_Matrix", False):
            out[str(sym.name)] = evaluate(value, out, backend)
        elif backend is EXACT:
            out[str(sym.name)] = value
        else:
            out[str(sym.name)] = backend.const(float(sp.N(value, 30)))
    return out


def closed_sign(d) -> tuple[int | None, str]:
    """(sign of a closed number, how it was decided); sign None when SymPy cannot decide."""
    d = sp.sympify(d, strict=True)
    if d.is_Rational:
        return int(sp.sign(d)), "exact rational"
    try:
        poly = sp.minimal_polynomial(d, sp.Dummy("t"))
        algebraic = True
    except (NotImplementedError, sp.polys.polyerrors.NotAlgebraic, ValueError, TypeError):
        poly, algebraic = None, False
    if algebraic:
        if poly.is_Symbol:
            return 0, "exactly 0 (its minimal polynomial is t)"
        sign = 1 if d.is_positive else -1 if d.is_negative else None
        return sign, f"a nonzero algebraic number (minimal polynomial ${sp.latex(poly)}$), sign by certified evaluation"
    if d.is_zero:
        return 0, "0 by SymPy"
    sign = 1 if d.is_positive else -1 if d.is_negative else None
    return sign, "sign by SymPy's certified evaluation"


def _holds(op: str, sign: int) -> bool:
    return {"=": sign == 0, "!=": sign != 0, "<": sign < 0, "<=": sign <= 0, ">": sign > 0, ">=": sign >= 0}[op]


def _difference(lhs, rhs, env):
    a, b = evaluate(lhs, env, EXACT), evaluate(rhs, env, EXACT)
    if isinstance(a, sp.MatrixBase) and not isinstance(b, sp.MatrixBase):
        b = sp.zeros(*a.shape) if b == 0 else b
    return a - b


def check_exists_symbolic(claim: Claim, st: Exists, sizes: dict, steps: list, members=None) -> SymbolicResult:
    env = witness_env(st, generic_env(claim, sizes, members=members), EXACT)
    shown = tuple((str(k.name), _tex(v)) for k, v in st.witness.items())
    steps.append("Witness: " + ", ".join(f"${k} = {v}$" for k, v in shown) + ".")
    undecided = []
    for index, condition in enumerate(st.conditions, 1):
        op, lhs, rhs = condition_parts(condition)
        d = _difference(lhs, rhs, env)
        entries = list(d) if isinstance(d, sp.MatrixBase) else [d]
        label = f"condition {index} (${_tex(lhs)} {_OP_TEX[op]} {_tex(rhs)}$)"
        if not any(getattr(e, "free_symbols", None) for e in entries):
            decided = [closed_sign(e) for e in entries]
            if any(s is None for s, _ in decided):
                undecided.append(f"{label}: SymPy could not decide the sign of ${_tex(d)}$")
                steps.append(undecided[-1] + ".")
                continue
            ok = all(_holds(op, s) for s, _ in decided) if op != "!=" else any(s != 0 for s, _ in decided)
            steps.append(f"{label}: left - right is ${_tex(d)}$: {decided[0][1]}; "
                         + ("holds." if ok else "FAILS."))
            if not ok:
                return SymbolicResult("disproved", scope_of(claim, sizes), tuple(steps), "",
                                      shown + (("left side", _tex(evaluate(lhs, env, EXACT))),
                                               ("right side", _tex(evaluate(rhs, env, EXACT))),
                                               ("left - right", _tex(d))), exact_member=True)
            continue
        result = _open_condition(claim, st, sizes, op, lhs, rhs, d, label, steps)
        if isinstance(result, SymbolicResult):
            return result
        if result:
            undecided.append(result)
    if undecided:
        return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps), "; ".join(undecided))
    return SymbolicResult("proved", scope_of(claim, sizes), tuple(steps))


_OP_TEX = {"=": "=", "!=": r"\neq", "<": "<", "<=": r"\le", ">": ">", ">=": r"\ge"}


def _open_condition(claim, st, sizes, op, lhs, rhs, d, label, steps):
    """A condition that still has the claim's symbols: proved for every member (a proof), broken by
    an exact member (a SymbolicResult), or '' / the reason it stays undecided."""
    if op == "=":
        zero, how, left = reduce_to_zero(d, CHEAP_REDUCERS)
        if not zero:
            zero, how, left = reduce_to_zero(d, COSTLY_REDUCERS)
        check = crosscheck.equal_everywhere(d, sp.zeros(*d.shape) if isinstance(d, sp.MatrixBase) else 0) \
            if zero else None
        if zero and check.ok:
            steps.append(f"{label}: left - right reduced to 0 by `{how}` for every member; cross-checked at "
                         f"{check.points} random points in {crosscheck.DIGITS}-digit arithmetic.")
            return ""
    elif op in ("<", "<=", ">", ">="):
        value = d if op in (">", ">=") else -d
        relation = "positive" if op in ("<", ">") else "nonnegative"
        simplified = sp.simplify(value)
        ok = simplified.is_positive if relation == "positive" else simplified.is_nonnegative
        if ok and crosscheck.sign_everywhere(value, relation).ok:
            steps.append(f"{label}: the difference is {relation} by SymPy's assumptions for every member "
                         f"(cross-checked in {crosscheck.DIGITS}-digit arithmetic).")
            return ""
    for env in rational_envs(claim, sizes, 4, seed=5):
        env = witness_env(st, env, EXACT)
        try:
            value = _difference(lhs, rhs, env)
        except (ValueError, ZeroDivisionError, TypeError):
            continue
        entries = list(value) if isinstance(value, sp.MatrixBase) else [value]
        signs = [closed_sign(e)[0] for e in entries]
        if None in signs:
            continue
        ok = all(_holds(op, s) for s in signs) if op != "!=" else any(s != 0 for s in signs)
        if not ok:
            steps.append(f"{label}: an exact member of the domain breaks it (below).")
            return SymbolicResult("disproved", scope_of(claim, sizes), tuple(steps), "",
                                  tuple((k, _tex(v)) for k, v in env.items() if k not in sizes)
                                  + (("left - right", _tex(value)),), exact_member=True)
    reason = f"{label}: SymPy could not show it for every member, and no exact member tried breaks it"
    steps.append(reason + ".")
    return reason


def exists_pairs(st: Exists, notes: list, ev, as_array):
    """The numeric checks: one `Pair` per condition, on the witness evaluated in float64."""
    import jax.numpy as jnp

    from .evaluate import jax_backend
    from .numeric import Pair

    out = []

    def values(e, lhs, rhs):
        e = witness_env(st, e, jax_backend())
        return as_array(ev(lhs, e)), as_array(ev(rhs, e))

    substituted = dict(st.witness)
    for index, condition in enumerate(st.conditions, 1):
        op, lhs, rhs = condition_parts(condition)
        name = f"condition {index}: {_plain(lhs)} {op} {_plain(rhs)}"
        if op == "=":
            exact = (sp.sympify(lhs, strict=True).xreplace(substituted), sp.sympify(rhs, strict=True).xreplace(substituted))
            out.append(Pair(name, lambda e, l=lhs, r=rhs: (*values(e, l, r), 0.0), exact))
        elif op in (">", "<"):
            big, small = (lhs, rhs) if op == ">" else (rhs, lhs)
            out.append(Pair(name, lambda e, b=big, s=small: (*values(e, b, s), 0.0), strict=True))
        elif op in (">=", "<="):
            big, small = (lhs, rhs) if op == ">=" else (rhs, lhs)

            def shortfall(e, b=big, s=small):
                x, y = values(e, b, s)
                return jnp.minimum(x - y, 0.0), jnp.zeros_like(x), jnp.maximum(jnp.abs(x), jnp.abs(y))

            out.append(Pair(name, shortfall))
        else:  # !=
            def apart(e, a=lhs, b=rhs):
                x, y = values(e, a, b)
                return jnp.max(jnp.abs(x - y)), jnp.zeros(()), 0.0

            out.append(Pair(name, apart, strict=True))
    notes.append("existence: the witness is evaluated in float64 (exact constants rounded once); each condition "
                 "is compared with the claim's tolerances: `=` within atol + rtol * scale, `<` and `>` beyond it "
                 "(strict), `<=` and `>=` allow a shortfall within it")
    return out


def _plain(expr) -> str:
    text = str(expr)
    return text if len(text) <= 60 else text[:57] + "..."


def witness_tex(st: Exists) -> list[str]:
    """LaTeX lines `w = value` for the report."""
    return [f"{_tex(k)} = {_tex(v)}" for k, v in st.witness.items()]
