"""Combining the two paths into one of the five verdicts, and confirming counterexamples exactly.

| symbolic \\ numeric | passed | failed |
|---|---|---|
| proved | proved | inconsistent |
| undecided | verified | refuted |
| disproved | inconsistent | refuted |

A symbolic disproof by an exact member of the domain meets passing numeric instances as
`refuted` (random draws are no proof and may miss the part of the domain where it fails); a
symbolic disproof by argument alone, against passing instances, is `inconsistent`.
The symbolic path never calls a partial result "proved" (a proof on a sub-family, of stationarity
alone, or at sizes outside `sizes=` is `undecided` with the reason), so those meet a numeric
counterexample as `refuted`.  A proof covers only its sizes: a numeric counterexample at other
sizes, confirmed in exact arithmetic, makes the claim `refuted` with the proof's scope in the
reason (identities exist that hold for every 2 x 2 matrix and fail at 3 x 3); unconfirmed, the
two paths disagree: `inconsistent`.
A numeric error makes the verdict `error`.  A numeric counterexample that exact arithmetic shows
to be a rounding artefact (residual exactly 0) makes it `inconsistent`: the engine's tolerance,
not the claim, is wrong, and the report says so.  (A marginal failure has already had a second
look from its rounding sensitivity, `verify.rounding`; this is what remains after it.)
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import sympy as sp

from ._errors import EvaluationError
from .claim import Claim, symbol_shapes
from .evaluate import EXACT, evaluate
from .numeric import NumericResult
from .exact import SymbolicResult
from .highprec import Unsupported, difference, has_transcendental, mp_evaluate
from .reduce import _SliceOver, _within, exact_difference
from .undefined import exact_undefined_text
from sympy.matrices.exceptions import NonInvertibleMatrixError

CONFIRM_SECONDS = 60.0  # generous: the report must not depend on the machine's speed

VERDICTS = ("proved", "verified", "refuted", "inconsistent", "error")


def confirm_exactly(claim: Claim, numeric: NumericResult, seconds: float = CONFIRM_SECONDS) -> NumericResult:
    """Re-evaluate the worst numeric instance in exact arithmetic where it can be made rational."""
    if numeric.counterexample is None or numeric._worst_env is None:
        if numeric.counterexample is not None and numeric.counterexample.ill_formed:
            c = replace(numeric.counterexample, exact="the formula is ill-formed at these sizes (exact: no rounding "
                                                       "is involved)", exact_confirmed=True)
            return replace(numeric, counterexample=c)
        return numeric
    pair, sizes, single = numeric._worst_env
    c = numeric.counterexample
    if pair.exact is None and pair.confirm is None:
        return replace(numeric, counterexample=replace(
            c, exact="not applicable: this check (a perturbation, solver, search, line search, limit or order) has no "
                     "exact form"))
    env = dict(sizes)
    for name, (shape, domain) in symbol_shapes(claim, sizes).items():
        value = domain.rationalize(np.asarray(single[name]))
        if value is None:
            return replace(numeric, counterexample=replace(
                c, exact=f"not possible: no exact member of the {domain.name} domain near the value of {name}"))
        env[name] = value
    def exact_residual():
        if pair.confirm is not None:  # an expectation: its exact value at the exact member
            size, rational = exact_difference(*pair.confirm(env))
            return size, "rational" if rational else "digits"
        if has_transcendental(*pair.exact):  # not rational at a rational member: judged at 60 digits either way
            try:
                size = difference(mp_evaluate(pair.exact[0], env), mp_evaluate(pair.exact[1], env))
            except (Unsupported, EvaluationError, TypeError, KeyError):
                size = 0.0  # SymPy's exact evaluation below decides
            if size > 0:
                return size, "enclosed"
            # equal to 60 digits: SymPy's exact evaluation says whether they are equal (a numeric
            # false alarm, `inconsistent`) or differ by less (exactly, if rational)
        lhs, rhs = evaluate(pair.exact[0], env, EXACT), evaluate(pair.exact[1], env, EXACT)
        if isinstance(lhs, sp.MatrixBase) and not isinstance(rhs, sp.MatrixBase):
            rhs = sp.zeros(*lhs.shape)
        size, rational = exact_difference(lhs, rhs)
        return size, "rational" if rational else "digits"

    try:
        size, how = _within(seconds, exact_residual)
    except _SliceOver:
        return replace(numeric, counterexample=replace(
            c, exact=f"not attempted to the end: exact evaluation took more than {seconds:g} CPU seconds"))
    except NonInvertibleMatrixError:  # a side inverts an exactly singular matrix (verify.undefined)
        found = exact_undefined_text(pair.exact[0], pair.exact[1], env)
        if found is None:
            return replace(numeric, counterexample=replace(c, exact="not possible: exact evaluation met a singular "
                                                                     "matrix"))
        return replace(numeric, counterexample=replace(c, exact=found[0], exact_confirmed=found[1]))
    except Exception as exc:  # exact evaluation is best-effort evidence, never a verdict by itself
        return replace(numeric, counterexample=replace(c, exact=f"not possible: exact evaluation raised {exc}"))
    nonzero = size > 0
    member = (f"with the instance rounded to nearby exact members of its domain, the largest entry of |lhs - rhs| "
              f"is {size:.6g}")
    if nonzero and how == "rational":
        text = f"confirmed in exact arithmetic: {member}, exactly nonzero (rational)"
    elif nonzero and how == "enclosed":  # tanh, exp, log of rationals: no rational value to compare
        text = (f"confirmed at an exact member: {member}; the sides are not rational there, and interval "
                "arithmetic at 60 digits encloses the difference away from 0")
    elif nonzero:
        text = (f"confirmed in exact arithmetic: {member}, nonzero at 50 significant digits (the exact values, "
                "evaluated at 60 digits)")
    else:
        text = ("NOT confirmed: at the exact member nearest this instance the two sides are equal (a rounding "
                "artefact)")
    return replace(numeric, counterexample=replace(c, exact=text, exact_confirmed=bool(nonzero)))


def combine(symbolic: SymbolicResult, numeric: NumericResult) -> tuple[str, str]:
    """(verdict, one-line reason)."""
    if numeric.status == "error":
        return "error", f"numeric path: {numeric.message}"
    s, n = symbolic.status, numeric.status
    if n == "failed" and numeric.counterexample is not None and numeric.counterexample.exact_confirmed is False:
        return "inconsistent", ("the numeric path found a mismatch that exact arithmetic does not confirm; "
                                "the tolerance is too tight for this instance")
    if s == "proved" and n == "passed":
        return "proved", f"symbolic proof ({symbolic.scope}) and {numeric.instances} numeric instances agree"
    if s == "undecided" and n == "passed":
        return "verified", f"symbolic path undecided ({symbolic.reason}); {numeric.instances} numeric instances pass"
    if s == "disproved" and n == "failed":
        return "refuted", "both paths find counterexamples"
    if s == "undecided" and n == "failed":
        return "refuted", f"numeric counterexample; symbolic path undecided ({symbolic.reason})"
    if s == "proved" and n == "failed" and _outside_proof(symbolic, numeric):
        sizes = ", ".join(f"{k} = {v}" for k, v in sorted(numeric.counterexample.sizes.items()))
        return "refuted", (f"numeric counterexample at sizes {sizes}, confirmed in exact arithmetic, outside the "
                           f"scope of the symbolic proof ({symbolic.scope})")
    if s == "proved" and n == "failed":
        return "inconsistent", "SymPy proved the claim but the numeric path found a counterexample"
    if s == "disproved" and n == "passed" and symbolic.exact_member:
        # passing random instances are no proof: an exact member of the domain where the claim
        # fails is decisive, even where the random draws did not reach (|t| > 4 pi, say)
        return "refuted", (f"SymPy found an exact member of the domain where the claim fails (below); the "
                           f"{numeric.instances} random numeric instances did not reach that part of the domain")
    if s == "disproved" and n == "passed":
        return "inconsistent", "SymPy disproved the claim but every numeric instance passed"
    return "error", f"unexpected combination: symbolic {s}, numeric {n}"


def _outside_proof(symbolic: SymbolicResult, numeric: NumericResult) -> bool:
    """A proof at some sizes and a counterexample, confirmed exactly, at sizes it does not cover."""
    c = numeric.counterexample
    if c is None or not c.exact_confirmed or not symbolic.sizes:
        return False
    return tuple(sorted(c.sizes.items())) not in symbolic.sizes


def matches_expectation(verdict: str, expect: str) -> bool:
    if expect == "holds":
        return verdict in ("proved", "verified")
    return verdict == "refuted"
