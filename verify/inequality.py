"""Inequalities over a domain: `lhs <= rhs` (or `<`, `>=`, `>`), scalars or entrywise.

Both paths work with the *slack*: `rhs - lhs` for `<=` and `<`, `lhs - rhs` for `>=` and `>`.
The claim is that every entry of the slack is >= 0 (> 0 for a strict relation) on the whole
domain.

Symbolic path (`decide`): first exact members of the domain (random rationals, and each scalar
at 0, 1 and -1 where its domain has them, the edges where a strict inequality turns into an
equality); one whose exact slack has the wrong sign refutes the claim.  Then the slack at the
generic members, entry by entry, through `sign_proof`:

* SymPy's assumptions on the factored or simplified slack (a square, an `Abs`, a product of
  positive symbols);
* a product: the sign of each factor;
* a polynomial that is a quadratic form in some of its variables (homogeneous of degree 2 in
  the entries of one or two matrix symbols, coefficients polynomial in the rest): its Gram
  matrix is PSD (every principal minor >= 0, `verify.exact.symmetric_psd_proof`) -- the
  chord inequality of a convex quadratic, Cauchy-Schwarz at n = 2;
* a difference `A - B` with `A >= 0` (terms SymPy shows non-negative): `A^2 - B^2 >= 0` gives
  `A >= |B| >= B`, to depth 2 (the triangle inequality of the Euclidean norm).

Every sign it accepts is re-evaluated at random points in 50-digit arithmetic
(`crosscheck.sign_everywhere`); a contradiction withdraws the proof.  Otherwise the result is
`undecided`, with what SymPy left.

Numeric path (`numeric_checks`): the slack on random instances, compared entry by entry with
the claim's tolerance (a negative entry counts beyond atol + rtol * max(|lhs|, |rhs|)), and on
the instances the violation search of `verify.search` finds.  A float cannot tell a slack of 0
from one a rounding below it, so a strict relation is checked numerically as its non-strict
form beyond rounding; the equality cases are the exact path's (the edge members above, and the
exact re-evaluation of a counterexample).
"""

from __future__ import annotations

import itertools

import sympy as sp

from . import crosscheck
from .claim import Claim, Inequality, symbol_shapes
from .evaluate import EXACT, evaluate
from .exact import (SymbolicResult, _tex, exact_value, generic_env, rational_envs, scope_of,
                    symmetric_psd_proof)

STRICT = ("<", ">")
REVERSED = (">=", ">")
RELATION_TEXT = {"<=": "<=", "<": "<", ">=": ">=", ">": ">"}
SQUARING_DEPTH = 2
MAX_GRAM = 8  # a quadratic form in more variables than this is not tried (its minors grow fast)


def is_strict(st: Inequality) -> bool:
    return st.relation in STRICT


def slack(st: Inequality):
    """The expression that must be >= 0 (> 0 when strict), entry by entry."""
    big, small = (st.lhs, st.rhs) if st.relation in REVERSED else (st.rhs, st.lhs)
    if getattr(big, "is_Matrix", False) and getattr(small, "is_Matrix", False) and \
            not (isinstance(big, sp.MatrixBase) and isinstance(small, sp.MatrixBase)):
        # built without `doit` (SymPy's `-` on matrix expressions calls it): doit sums every `Sum`
        # symbolically, and Gosper's algorithm shifts an entry index past its axis (x[0, i + 1]
        # of a 1 x 1 x), where SymPy raises a bare IndexError at any size
        return sp.MatAdd(big, sp.MatMul(sp.Integer(-1), small))
    return big - small


def _is_matrix(value) -> bool:
    return isinstance(value, sp.MatrixBase)


def slack_value(st: Inequality, env: dict, backend=EXACT):
    """The slack at `env`: rhs - lhs (or lhs - rhs), a scalar 0 broadcast against a matrix side."""
    a, b = evaluate(st.lhs, env, backend), evaluate(st.rhs, env, backend)
    if _is_matrix(a) and not _is_matrix(b):
        b = sp.ones(*a.shape) * b
    elif _is_matrix(b) and not _is_matrix(a):
        a = sp.ones(*b.shape) * a
    return a - b if st.relation in REVERSED else b - a


def _entries(value) -> list:
    return list(value) if _is_matrix(value) else [value]


def _violated(value, strict: bool) -> bool:
    """Whether an exact slack has the wrong sign somewhere (decided exactly, or at 50 digits)."""
    for e in _entries(value):
        e = sp.sympify(e, strict=True)
        number = e if e.is_Rational else sp.N(e, 50)
        if not number.is_number or not number.is_real:
            continue
        if number < 0 or (strict and number == 0):
            return True
    return False


def _edge_envs(claim: Claim, sizes: dict):
    """Exact members at the edges random rationals rarely hit: each scalar symbol at 0, 1 and -1
    where its domain has them (a strict inequality often fails exactly there)."""
    scalars = {name: domain for name, (shape, domain) in symbol_shapes(claim, sizes).items() if not shape}
    if not scalars:
        return
    base = next(rational_envs(claim, sizes, 1, seed=3))
    for values in itertools.product((0.0, 1.0, -1.0), repeat=min(len(scalars), 2)):
        env = dict(base)
        for (name, domain), value in zip(sorted(scalars.items()), itertools.cycle(values)):
            exact = domain.rationalize(value)
            if exact is not None:
                env[name] = exact
        yield env


def exact_counterexample(claim: Claim, st: Inequality, sizes: dict):
    """An exact member of the domain where the slack has the wrong sign, as report rows, or None."""
    for env in itertools.chain(rational_envs(claim, sizes, 8), rational_envs(claim, sizes, 8, seed=1),
                               _edge_envs(claim, sizes)):
        lhs, rhs = exact_value(st.lhs, env), exact_value(st.rhs, env)
        if lhs is None or rhs is None:
            continue
        try:
            value = slack_value(st, env)
        except (ValueError, TypeError, ZeroDivisionError):
            continue
        if _violated(value, is_strict(st)):
            return (tuple((k, _tex(v)) for k, v in env.items() if k not in sizes)
                    + (("left side", _tex(lhs)), ("right side", _tex(rhs)), ("slack", _tex(value))))
    return None


# --- the sign prover --------------------------------------------------------------------------------


def _assumed(e, strict: bool) -> bool:
    return bool(e.is_positive) if strict else bool(e.is_nonnegative)


def _groups(symbols) -> dict:
    """Symbols grouped by the matrix they are entries of (`x_1`, `x_2` -> `x`)."""
    out: dict = {}
    for s in symbols:
        out.setdefault(str(s.name).split("_")[0], []).append(s)
    return out


def _quadratic_form_proof(poly_expr) -> str:
    """'' or the step: the polynomial is a PSD quadratic form in the entries of one or two matrix
    symbols (its Gram matrix has every principal minor >= 0)."""
    expr = sp.expand(poly_expr)
    if not expr.is_polynomial() or expr.is_number:
        return ""
    groups = _groups(expr.free_symbols)
    names = sorted(groups)
    for k in (1, 2):
        for chosen in itertools.combinations(names, k):
            variables = sorted((s for g in chosen for s in groups[g]), key=lambda s: str(s.name))
            if len(variables) > MAX_GRAM:
                continue
            try:
                poly = sp.Poly(expr, *variables)
            except sp.PolynomialError:
                continue
            if not poly.is_homogeneous or poly.total_degree() != 2:
                continue
            n = len(variables)
            gram = sp.zeros(n, n)
            for monom, coeff in poly.terms():
                idx = [i for i, d in enumerate(monom) for _ in range(d)]
                i, j = idx
                if i == j:
                    gram[i, i] += coeff
                else:
                    gram[i, j] += coeff / 2
                    gram[j, i] += coeff / 2
            shown, _ = symmetric_psd_proof(sp.ImmutableMatrix(gram))
            if shown:
                return (f"a quadratic form in {', '.join(map(str, variables))} whose {n} x {n} Gram matrix has every "
                        "principal minor >= 0 (PSD)")
    return ""


def sign_proof(e, strict: bool, depth: int = SQUARING_DEPTH) -> str:
    """'' or how SymPy shows `e` >= 0 (> 0 when strict) for every value of its symbols."""
    e = sp.sympify(e, strict=True)
    if e.is_number:
        value = sp.N(e, 50)
        return "a number of that sign" if value.is_real and (value > 0 or (not strict and value == 0)) else ""
    candidates = [e, sp.factor(sp.cancel(sp.together(e)))]
    for c in candidates:
        if _assumed(c, strict):
            return "by SymPy's assumptions"
    factored = candidates[1]
    if isinstance(factored, sp.Mul):
        parts = []
        negatives = 0
        for f in factored.args:
            if _assumed(f, strict):
                continue
            if _assumed(-f, strict):
                negatives += 1
                continue
            how = _quadratic_form_proof(f) if not strict else ""
            if how:
                parts.append(how)
                continue
            break
        else:
            if negatives % 2 == 0:
                return "factor by factor" + (": " + "; ".join(parts) if parts else "")
    if not strict:
        how = _quadratic_form_proof(sp.numer(sp.together(e))) if sp.denom(sp.together(e)).is_positive else ""
        if how:
            return how
    if depth > 0:
        terms = sp.Add.make_args(sp.expand(e, power_base=False, power_exp=False, mul=True, multinomial=False))
        big = [t for t in terms if _assumed(t, False)]
        rest = [t for t in terms if t not in big]
        if big and rest:
            a, b = sp.Add(*big), -sp.Add(*rest)
            inner = sign_proof(sp.expand(a**2 - b**2), strict, depth - 1)
            if inner:
                return (f"A - B with A = {sp.sstr(a)[:60]} >= 0 and A^2 - B^2 >= 0 ({inner}), so A >= |B| >= B"
                        if not strict else f"A - B with A >= 0 and A^2 - B^2 > 0 ({inner}), so A > |B| >= B")
    return ""


def decide(claim: Claim, st: Inequality, sizes: dict, steps: list, members=None) -> SymbolicResult:
    """proved / disproved (by an exact member) / undecided, at `sizes` on the component `members`."""
    strict = is_strict(st)
    counter = exact_counterexample(claim, st, sizes)
    if counter is not None:
        steps.append(f"An exact member of the domain breaks `lhs {st.relation} rhs` (below).")
        return SymbolicResult("disproved", scope_of(claim, sizes), tuple(steps), "", counter, exact_member=True)
    value = slack_value(st, generic_env(claim, sizes, members=members))
    entries = _entries(value)
    relation = "positive" if strict else "nonnegative"
    for k, e in enumerate(entries):
        how = sign_proof(e, strict)
        where = f"entry {k + 1} of the slack" if len(entries) > 1 else "the slack"
        if not how:
            steps.append(f"SymPy could not show {where}, ${_tex(sp.factor(e))}$, to be "
                         f"{'> 0' if strict else '>= 0'}.")
            return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps),
                                  f"SymPy could not decide the sign of {where} (the slack "
                                  f"{'rhs - lhs' if st.relation not in REVERSED else 'lhs - rhs'}); no exact member "
                                  "tried breaks it")
        check = crosscheck.sign_everywhere(e, relation)
        if not check.ok:
            reason = (f"{where}: SymPy's sign decision ({how}) did not survive a 50-digit check: {check.detail}; that "
                      "route was unsound here, so it is not used")
            steps.append(reason + ".")
            return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps), reason)
        steps.append(f"{where[0].upper() + where[1:]} is {'> 0' if strict else '>= 0'}: {how} (cross-checked at "
                     f"{check.points} random points in {crosscheck.DIGITS}-digit arithmetic).")
    return SymbolicResult("proved", scope_of(claim, sizes), tuple(steps))


# --- numeric ---------------------------------------------------------------------------------------


def numeric_checks(st: Inequality, notes: list) -> list[dict]:
    """The fields of the numeric path's `Pair`s (verify.numeric wraps them): the slack's negative
    part against 0, entry by entry, with a tolerance relative to the larger side."""
    import jax.numpy as jnp

    from .evaluate import jax_backend

    be = jax_backend()
    reversed_ = st.relation in REVERSED

    def compute(e):
        a = jnp.asarray(evaluate(st.lhs, e, be), dtype=jnp.float64)
        b = jnp.asarray(evaluate(st.rhs, e, be), dtype=jnp.float64)
        a, b = jnp.broadcast_arrays(a, b)
        gap = (a - b) if reversed_ else (b - a)
        below = jnp.reshape(jnp.minimum(gap, 0.0), (-1,))
        scale = jnp.reshape(jnp.maximum(jnp.abs(a), jnp.abs(b)), (-1,))
        return below, jnp.zeros_like(below), scale

    notes.append(f"lhs {st.relation} rhs, entry by entry: the slack "
                 f"({'lhs - rhs' if reversed_ else 'rhs - lhs'}) counts as negative only beyond atol + rtol * "
                 "max(|lhs|, |rhs|) of its entry"
                 + ("; the relation is strict, and a float cannot tell a slack of 0 from one a rounding below it, "
                    "so numerically it is checked in its non-strict form: the equality cases are decided in exact "
                    "arithmetic (the symbolic path's edge members, the exact re-evaluation of a counterexample)"
                    if is_strict(st) else ""))
    violation = slack(st).applyfunc(lambda s: sp.Min(s, 0)) if getattr(slack(st), "is_Matrix", False) \
        else sp.Min(slack(st), 0)
    return [dict(name=f"lhs {st.relation} rhs (the slack's negative part = 0)", compute=compute,
                 exact=(violation, sp.Integer(0) if not getattr(violation, "is_Matrix", False)
                        else sp.ZeroMatrix(*violation.shape)))]


def search_slack(st: Inequality, env: dict, atol: float, rtol: float):
    """For the violation search: min over entries of slack / tolerance (< -1: the check fails)."""
    import jax.numpy as jnp

    from .evaluate import jax_backend

    be = jax_backend()
    a = jnp.asarray(evaluate(st.lhs, env, be), dtype=jnp.float64)
    b = jnp.asarray(evaluate(st.rhs, env, be), dtype=jnp.float64)
    a, b = jnp.broadcast_arrays(a, b)
    gap = (a - b) if st.relation in REVERSED else (b - a)
    tol = atol + rtol * jnp.maximum(jnp.abs(a), jnp.abs(b))
    return jnp.min(gap / tol)


__all__ = ["decide", "numeric_checks", "search_slack", "sign_proof", "slack", "is_strict"]
