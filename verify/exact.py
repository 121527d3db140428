"""Exact instantiation for the symbolic path: generic members, exact members, scope.

A claim about matrices is checked at small concrete sizes with explicit *generic* members of its
domains (one SymPy symbol per free parameter).  A domain whose generic members come in several
components (O(n): rotations and reflections) is checked on every combination of components, so
that a proof covers the whole domain.  *Exact* members (rational entries) serve disproofs: a
claim is disproved only by an exact member of its domain where the two sides differ.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import sympy as sp

from . import crosscheck
from ._errors import EvaluationError
from .claim import Claim, sizes_text, symbol_shapes
from .evaluate import EXACT, evaluate
from .highprec import Unsupported, difference, has_transcendental, mp_evaluate, value_tex
from .reduce import exact_difference
from .texprint import claim_latex, fit


@dataclass(frozen=True)
class SymbolicResult:
    status: str  # proved | disproved | undecided
    scope: str = ""
    steps: tuple = ()
    reason: str = ""
    counterexample: tuple = ()  # (("name", "latex value"), ...) then lhs/rhs/residual lines
    failed_step: int | None = None
    # the size assignments a proof covers, as sorted (name, size) tuples; () for a proof with no
    # dimensions (scalars), which covers every instance
    sizes: tuple = ()
    # a disproof by an exact member of the domain (rational entries), shown in `counterexample`;
    # False for a disproof by a symbolic argument (a case where the condition fails for every member)
    exact_member: bool = False


TEX_LIMIT = 1500  # a value or residual longer than this is shown in part (whole rows) or not at all


def _latex(expr) -> str:
    try:
        return claim_latex(expr)
    except Exception:  # a node the claim printer does not know: SymPy's own printer, conventions aside
        return sp.latex(expr)


def _tex(expr, limit: int = TEX_LIMIT) -> str:
    """`expr` as LaTeX for a report.  A formula is never cut: a matrix too long to show keeps its first
    whole rows and says how many are left out; anything else too long is replaced by a note."""
    text = _latex(expr)
    if len(text) <= limit:
        return text
    if isinstance(expr, sp.MatrixBase) and expr.rows > 1:
        rows = []
        for i in range(expr.rows):
            row = " & ".join(_latex(e) for e in expr.row(i))
            if sum(len(r) + 4 for r in rows) + len(row) > limit:
                break
            rows.append(row)
        if rows:
            dots = " & ".join([r"\vdots"] * expr.cols)
            return (r"\left[\begin{matrix}%s \\ %s\end{matrix}\right] \text{ (%d of %d rows shown)}"
                    % (r" \\ ".join(rows), dots, len(rows), expr.rows))
    return fit(text, limit, "a formula")


def _value_tex(value) -> str:
    """An exact value as LaTeX: exactly when every entry is rational, else each entry to 12
    significant digits after `\\approx` (the exact form of a network's output is pages of nested
    tanh of fractions, which no reader checks by eye and which takes SymPy seconds to print; the
    decision that the sides differ was made exactly, before this)."""
    import mpmath

    def exact(e):
        return isinstance(e, int) or (isinstance(e, sp.Basic) and e.is_Rational)

    entries = list(value) if isinstance(value, sp.MatrixBase) else [value]
    if all(exact(e) for e in entries):
        return _tex(value)
    approx = []
    for e in entries:
        if exact(e):  # exact entries stay exact
            approx.append(e)
            continue
        try:
            with mpmath.workdps(30):
                v = crosscheck.mp_value(e)
            approx.append(sp.Float(mpmath.nstr(v, 12), 12) if isinstance(v, mpmath.mpf) else sp.N(e, 12))
        except Exception:  # a node mp_value cannot evaluate: SymPy's own evalf
            approx.append(sp.N(e, 12))
    shown = sp.Matrix(value.shape[0], value.shape[1], approx) if isinstance(value, sp.MatrixBase) else approx[0]
    return r"\approx " + _tex(shown)



def component_choices(claim: Claim, sizes: dict) -> list[tuple[dict, str]]:
    """Every combination of generic components: [({name: member}, label), ...].

    One combination for most claims; two for a claim with one orthogonal matrix (det +1 and
    det -1), and so on.  A proof must hold on each."""
    options = []
    for name, (shape, domain) in sorted(symbol_shapes(claim, sizes).items()):
        options.append([(name, label, member) for label, member in domain.generic_members(name, shape)])
    out = []
    for combo in itertools.product(*options):
        label = "; ".join(f"{name}: {text}" for name, text, _ in combo if text)
        out.append(({name: member for name, _, member in combo}, label))
    return out


def generic_env(claim: Claim, sizes: dict, restriction: dict | None = None, members: dict | None = None) -> dict:
    """Sizes, a generic member of each symbol's domain (`members` picks the component), and the
    values a restriction substitutes."""
    env = dict(sizes)
    for name, (shape, domain) in symbol_shapes(claim, sizes).items():
        env[name] = members[name] if members and name in members else domain.generic(name, shape)
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


def exact_value(expr, env: dict):
    """`expr` at an exact member, or None where it is undefined there (a Max of a complex number,
    a division by zero, zoo): such a point is no evidence either way."""
    try:
        value = evaluate(expr, env, EXACT)
    except (ValueError, TypeError, KeyError, ZeroDivisionError):
        return None
    entries = list(value) if isinstance(value, sp.MatrixBase) else [value]
    if any(isinstance(e, sp.Basic) and e.has(sp.zoo, sp.nan, sp.oo, -sp.oo) for e in entries):
        return None
    return value


def find_exact_counterexample(claim: Claim, sizes: dict, lhs, rhs, tries: int = 6, seed: int = 0):
    """An exact (rational) member of the domain where lhs and rhs differ, or None."""
    fast = has_transcendental(lhs, rhs)  # not rational at a rational member: judged at 60 digits either way
    for env in rational_envs(claim, sizes, tries, seed):
        if fast:
            try:
                a, b = mp_evaluate(lhs, env), mp_evaluate(rhs, env)
                size = difference(a, b)
            except (ValueError, ZeroDivisionError):
                continue  # undefined at this member: no evidence either way
            except (Unsupported, EvaluationError, TypeError, KeyError):
                size = None  # SymPy decides at this member (cancellation, a nested derivative, ...)
            if size is not None:
                if size > 0:
                    values = tuple((n, _tex(v)) for n, v in env.items() if n not in sizes)
                    return values + (("left side", value_tex(a)), ("right side", value_tex(b)))
                continue
        a, b = exact_value(lhs, env), exact_value(rhs, env)
        if a is None or b is None:
            continue
        if isinstance(b, int) or (not isinstance(b, sp.MatrixBase) and b == 0 and isinstance(a, sp.MatrixBase)):
            b = sp.zeros(*a.shape)
        try:
            differ = exact_difference(a, b)[0] > 0
        except (ValueError, TypeError, KeyError, ZeroDivisionError):
            continue
        if differ:
            values = tuple((n, _tex(v)) for n, v in env.items() if n not in sizes)
            return values + (("left side", _value_tex(a)), ("right side", _value_tex(b)))
    return None


def scope_of(claim: Claim, sizes: dict) -> str:
    if not sizes:
        return "general"
    return f"entrywise at sizes {sizes_text(sizes)}"


def sizes_scope(size_list: list) -> str:
    """The scope of a proof done at each of several size assignments: `entrywise at each of the sizes
    (m, n) = (2, 1), (3, 2)` (one dimension: `n = 1, 2, 3`)."""
    names = sorted(size_list[0])
    if len(names) == 1:
        return f"entrywise at each of the sizes {names[0]} = " + ", ".join(str(s[names[0]]) for s in size_list)
    values = ", ".join("(" + ", ".join(str(s[k]) for k in names) + ")" for s in size_list)
    return f"entrywise at each of the sizes ({', '.join(names)}) = {values}"


def principal_minors(m) -> list:
    """Every principal minor of a square matrix (all are >= 0 iff it is PSD, for symmetric m)."""
    return [m.extract(list(idx), list(idx)).det() for k in range(1, m.rows + 1)
            for idx in itertools.combinations(range(m.rows), k)]


def provably_nonnegative(expr) -> bool:
    """SymPy's assumptions say `expr` >= 0, and 50-digit evaluation at random points agrees."""
    decided = bool(sp.factor(sp.cancel(sp.together(expr))).is_nonnegative) or bool(sp.simplify(expr).is_nonnegative)
    return decided and crosscheck.sign_everywhere(expr, "nonnegative").ok


def symmetric_psd_proof(matrix) -> tuple[bool, str]:
    """(whether the symmetric `matrix` is shown PSD, the step): every principal minor is >= 0 by
    SymPy's assumptions, cross-checked by the smallest eigenvalue at random points."""
    minors = principal_minors(matrix)
    if not all(provably_nonnegative(m) for m in minors):
        return False, ""
    check = crosscheck.psd_everywhere(matrix)
    if not check.ok:
        return False, (f"SymPy's assumptions call all {len(minors)} principal minors non-negative, but {check.detail}: "
                       "the sign decision was unsound, so it is not used")
    return True, (f"All {len(minors)} principal minors are non-negative (SymPy's assumptions; the smallest eigenvalue "
                  f"is non-negative at {check.points} random points in 50-digit arithmetic).")
