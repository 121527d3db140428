"""The symbolic path for `Minimiser` claims: optimality conditions, then minimality.

Stationarity (or the subgradient condition, case by case, for a non-smooth cost) says only that
the point is a critical point.  A minimiser is proved when minimality is proved too:

* f is convex in the variable, shown structurally (`verify.convexity`: sums and non-negative
  multiples of squared norms of affine maps, quadratic forms of PSD matrices, ...), or by a
  Hessian whose principal minors SymPy shows non-negative everywhere (cross-checked in high
  precision); a critical point of a convex function is a global minimiser;
* otherwise an exact member of the domain where the Hessian at the point has a negative
  eigenvalue disproves it (a saddle or a maximum), and anything else leaves minimality to the
  numeric path: the claim can then be `verified`, never `proved`.
"""

from __future__ import annotations

import sympy as sp

from . import crosscheck
from ._errors import EvaluationError
from .claim import Claim, Minimiser, variable_shape, variable_value, variable_zero
from .convexity import prove_convex
from .evaluate import EXACT, evaluate
from .exact import (SymbolicResult, _tex, find_exact_counterexample, generic_env, provably_nonnegative,
                    rational_envs, scope_of, symmetric_psd_proof)
from .nodes import Grad

MINIMALITY_LEFT = "stationarity proved; minimality checked numerically"


def subgradient_cases(claim: Claim, st: Minimiser, sizes: dict, steps: list, members: dict | None = None) -> SymbolicResult:
    """The subgradient condition case by case (`st.cases` cover the domain), then convexity."""
    base = generic_env(claim, sizes, members=members)
    rows, cols = variable_shape(st.wrt, sizes)
    w = sp.Matrix(rows, cols, lambda i, j: sp.Dummy(f"w{i}{j}", real=True))
    for description, substitution in st.cases:
        by_name = {str(k): sp.sympify(v, strict=True) for k, v in substitution.items()}
        env = {}
        for name, value in base.items():
            if isinstance(value, sp.Basic):
                value = value.xreplace({s: by_name[s.name] for s in value.free_symbols if s.name in by_name})
            env[name] = value
        point = _entries(evaluate(st.point, env, EXACT)).applyfunc(sp.simplify)
        w_value = variable_value(st.wrt, sp.ImmutableMatrix(w))
        f_w = sp.sympify(evaluate(st.f, {**env, str(st.wrt.name): w_value}, EXACT), strict=True)
        if isinstance(f_w, sp.MatrixBase):
            f_w = f_w[0, 0]
        at_point = dict(zip(list(w), list(point)))
        for k, (wk, pk) in enumerate(zip(list(w), list(point))):
            d = sp.diff(f_w, wk)
            if sp.simplify(pk) == 0 and crosscheck.equal_everywhere(pk, 0).ok:
                right_raw, left_raw = d.subs(sp.sign(wk), 1).xreplace(at_point), d.subs(sp.sign(wk), -1).xreplace(at_point)
                right, left = sp.simplify(right_raw), sp.simplify(left_raw)
                ok = bool(right.is_nonnegative and left.is_nonpositive) and _signs_hold(right_raw, -left_raw)
                wrong = bool(right.is_negative and crosscheck.sign_everywhere(-right_raw, "positive").ok) or \
                    bool(left.is_positive and crosscheck.sign_everywhere(left_raw, "positive").ok)
                evidence = f"one-sided derivatives {_tex(left)} and {_tex(right)}"
                steps.append(f"case {description}: coordinate {k + 1} of the point is 0; one-sided derivatives "
                             f"${_tex(left)} \\le 0 \\le {_tex(right)}$: {'holds' if ok else 'not shown'}.")
            else:
                raw = d.xreplace(at_point)
                value = sp.simplify(raw)
                ok = value == 0 and crosscheck.equal_everywhere(raw, 0).ok
                wrong = value.is_zero is False and not crosscheck.equal_everywhere(raw, 0).ok
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
                                                    variable_zero(st.wrt)) if st.smooth else None
                reason = f"case {description}: the optimality condition for coordinate {k + 1} was not shown"
                if counter:
                    return SymbolicResult("disproved", scope_of(claim, sizes), tuple(steps), reason, counter,
                                          exact_member=True)
                return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps), reason)
    convex = _convex_plus_l1(claim, st, base, w, sizes)
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


def _signs_hold(*values) -> bool:
    """Each value is >= 0 at random points in 50-digit arithmetic (a check on SymPy's sign decision)."""
    return all(crosscheck.sign_everywhere(v, "nonnegative").ok for v in values)


def _convex_plus_l1(claim: Claim, st: Minimiser, env: dict, w, sizes: dict) -> str:
    """A sentence when f = (smooth, convex) + sum_k c_k |w_k| with every c_k >= 0 is shown, else ''."""
    structural, why = prove_convex(st.f, st.wrt, claim, sizes)
    if structural:
        return "Convexity (structural): " + why
    f_w = sp.sympify(evaluate(st.f, {**env, str(st.wrt.name): variable_value(st.wrt, sp.ImmutableMatrix(w))}, EXACT),
                     strict=True)
    f_w = f_w[0, 0] if isinstance(f_w, sp.MatrixBase) else f_w
    entries = list(w)
    names = {sp.Abs(wk): sp.Dummy(f"a{k}", nonnegative=True) for k, wk in enumerate(entries)}
    g = sp.expand(f_w.xreplace(names))
    kinks = (sp.Abs, sp.sign, sp.Max, sp.Min, sp.Heaviside, sp.Piecewise)
    if any(atom.has(*entries) for atom in g.atoms(*kinks)):
        return ""  # a kink of w other than |w_k|: not of the convex-plus-L1 form this proof needs
    for a in names.values():
        coefficient = sp.diff(g, a)
        if coefficient.has(*names.values()) or coefficient.has(*entries) or not provably_nonnegative(coefficient):
            return ""
    smooth = g.xreplace({a: 0 for a in names.values()})
    shown, _ = symmetric_psd_proof(sp.hessian(smooth, entries))
    if not shown:
        return ""
    return ("Convexity: f is a smooth part whose Hessian has non-negative principal minors (cross-checked at random "
            "points in 50-digit arithmetic), plus non-negative multiples of |w_i|.")


def _entries(value) -> sp.ImmutableMatrix:
    """A value of the variable as the matrix of its entries (a scalar variable's as 1 x 1)."""
    return sp.ImmutableMatrix(value) if isinstance(value, sp.MatrixBase) else sp.ImmutableMatrix([[value]])


def _hessian(claim: Claim, st: Minimiser, env: dict):
    """The Hessian of `f` with respect to the entries of `wrt`, and the entries (symbols)."""
    rows, cols = variable_shape(st.wrt, {k: v for k, v in env.items() if isinstance(v, int)})
    entries = [sp.Symbol(f"{st.wrt.name}_{i}_{j}", real=True) for i in range(rows) for j in range(cols)]
    value = evaluate(st.f, {**env, str(st.wrt.name): variable_value(st.wrt, sp.ImmutableMatrix(rows, cols, entries))},
                     EXACT)
    value = value[0, 0] if isinstance(value, sp.MatrixBase) else value
    return sp.hessian(value, entries), entries


def minimality(claim: Claim, st: Minimiser, sizes: dict, members: dict | None = None) -> tuple[str, str, tuple]:
    """After stationarity: `convex` (f is convex, so the stationary point is a global minimiser),
    `not_minimal` (at an exact member of the domain the Hessian at the point has a negative
    eigenvalue: a stationary point that is not a minimum) or `unknown`."""
    structural, why = prove_convex(st.f, st.wrt, claim, sizes)
    if structural:
        return "convex", "Minimality: f is convex in the variable (structural argument): " + why, ()
    steps = f"Minimality: the structural convexity argument does not apply ({why})."
    try:
        hess, _ = _hessian(claim, st, generic_env(claim, sizes, members=members))
        shown, text = symmetric_psd_proof(hess)
        if shown:
            return "convex", f"{steps} Second order: the Hessian of f is PSD everywhere. {text} So f is convex.", ()
        if text:
            steps += " " + text
        for env in rational_envs(claim, sizes, 4, seed=2):
            h, ents = _hessian(claim, st, env)
            point = evaluate(st.point, env, EXACT)
            at = h.xreplace(dict(zip(ents, list(_entries(point)))))
            if all(x.is_Rational for x in at) and at.is_positive_semidefinite is False:
                return "not_minimal", (f"{steps} Second order: at an exact member of the domain the Hessian of f at "
                                       "the point has a negative eigenvalue, so the stationary point is not a "
                                       "minimum (below)."), (
                    tuple((k, _tex(v)) for k, v in env.items() if k not in sizes)
                    + (("Hessian at the point", _tex(at)), ("eigenvalues", _tex(list(at.eigenvals())))))
    except (EvaluationError, ValueError, TypeError, NotImplementedError):
        pass
    return "unknown", f"{steps} Second order: SymPy did not show the Hessian PSD everywhere.", ()
