"""Differential test of the symbolic path: every "proved" must survive high-precision evaluation.

Hypothesis generates pairs of scalar expressions (lhs, rhs) over the node types the engine
evaluates (Add, Mul, Pow with small integer and rational exponents, exp, log, tanh, sin, cos,
Abs, sign, Max, Min, Heaviside, verify.sigmoid, sqrt) in the real symbols t, u
(``domains.real()``) and the positive symbol p (``domains.positive()``).  The pairs are a mix of

* true rewrites (``e`` and ``expand(e)``, tanh(x) = 2 sigmoid(2x) - 1, exp(a + b) = exp(a) exp(b),
  log(P Q) = log P + log Q for positive P and Q, ...),
* plausible WRONG rewrites a careless simplifier might accept (|x| -> x, sqrt(x^2) -> x,
  Max(x, 0) -> x, |cos x| -> cos x, sigmoid(-x) -> sigmoid(x), Heaviside(x) -> 1, ...), applied to
  random inner expressions x, y built from the symbols, and
* random independent pairs.

Each pair becomes ``Claim(statement=Identity(lhs, rhs))`` and goes through
``verify.symbolic.check_symbolic`` in this process.  Whenever it says ``proved``, lhs and rhs are
evaluated with mpmath at 50 significant digits at 20 points of the domain (real symbols: 0, five
exact small integers, then +-10**uniform(-2, 2); p: 1, small integers, then 10**uniform(-2, 2)),
with ``sympy.lambdify(..., modules=["mpmath", ...])`` and SymPy's own conventions for sigmoid,
Heaviside (1/2 at 0), sign (0 at 0), Max and Min, and ``|lhs - rhs| <= 1e-25 * max(1, |lhs|, |rhs|)``
must hold at every point where both sides are finite reals.  A point that fails at 50 digits is re-evaluated at 200 digits and counts only if
the difference is stable (so cancellation between huge terms is not mistaken for a wrong proof).
Unsound proofs are collected, not raised one by one: the test fails at the end with every pair
and point that broke (no shrinking, so the run time stays bounded).  The summary printed at the
end of the run (``conftest.py``) gives the counts of proved / disproved / undecided / timeout /
crash cases per family, the slowest residuals, the exceptions check_symbolic raised, and the
disproofs whose two sides agree at every point (asserted absent too: a disproof that is wrong
refutes a true claim, which is the other kind of unsoundness).

Generation is reproducible (``derandomize=True``, no example database, no shrinking); a pair
that Hypothesis generates a second time is skipped with ``assume`` so that the 2000 cases are
2000 different pairs.

Each case gets a CPU-time budget (``CASE_SECONDS``, enforced with ITIMER_VIRTUAL, which does not
disturb the engine's own ITIMER_PROF slices); a case that runs out counts as ``timeout``.

Adding a rewrite: append ``(name, builder)`` to ``TRUE_REWRITES`` (must hold for every real
value of the inner expressions x, y and every positive value of P, Q) or to ``WRONG_REWRITES``
(false somewhere); a builder gets ``(x, y, P, Q)`` and returns ``(lhs, rhs)``.
"""

from __future__ import annotations

import collections
import signal
import time
import warnings
import zlib

import mpmath
import numpy as np
import sympy as sp
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from verify import Claim, Identity, domains, sigmoid
from verify.symbolic import check_symbolic

MAX_EXAMPLES = 2000
MAX_DEPTH = 3
POINTS = 20
DIGITS, CHECK_DIGITS = 50, 200
REL_TOL = mpmath.mpf("1e-25")
CASE_SECONDS = 2.0  # CPU seconds per check_symbolic call
POINT_SECONDS = 0.5  # CPU seconds per evaluation of one side at one point

t = sp.Symbol("t", real=True)
u = sp.Symbol("u", real=True)
p = sp.Symbol("p", positive=True)
SYMBOLS = (t, u, p)
DOMAINS = {"t": domains.real(), "u": domains.real(), "p": domains.positive()}

# --- expressions ------------------------------------------------------------------------------

UNARY = {
    "exp": sp.exp, "log": sp.log, "tanh": sp.tanh, "sin": sp.sin, "cos": sp.cos, "Abs": sp.Abs,
    "sign": sp.sign, "Heaviside": sp.Heaviside, "sigmoid": sigmoid, "sqrt": sp.sqrt,
}
EXPONENTS = (2, 3, -1, -2, sp.Rational(1, 2), sp.Rational(1, 3), sp.Rational(3, 2), sp.Rational(-1, 2))
CONSTANTS = (0, 1, 2, -1, -3, sp.Rational(1, 2), sp.Rational(-2, 3))
BAD_ATOMS = (sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I)


def _clean(build, fallback):
    """`build()`, or `fallback` when SymPy refuses it (Max of a non-real argument) or evaluates a
    constant sub-expression to something that is no finite real (1/0 -> zoo, log(-2) -> log 2 + i pi):
    every claim is then a formula that is real somewhere."""
    try:
        expr = build()
        if expr.has(*BAD_ATOMS):
            return fallback
    except (ValueError, TypeError, ZeroDivisionError, ArithmeticError):
        return fallback
    return expr


@st.composite
def expressions(draw, symbols, depth):
    # the shrink-towards-0 choice is the compound node, so that generation does not favour bare leaves
    if depth == 0 or draw(st.integers(0, 3)) == 3:
        if draw(st.integers(0, 4)) == 4:
            return sp.sympify(draw(st.sampled_from(CONSTANTS)))
        return draw(st.sampled_from(symbols))
    kind = draw(st.sampled_from(("add", "mul", "pow", "unary", "unary", "max", "min")))
    a = draw(expressions(symbols, depth - 1))
    if kind == "unary":
        fn = UNARY[draw(st.sampled_from(sorted(UNARY)))]
        return _clean(lambda: fn(a), a)
    if kind == "pow":
        exponent = draw(st.sampled_from(EXPONENTS))
        return _clean(lambda: a ** exponent, a)
    b = draw(expressions(symbols, depth - 1))
    op = {"add": sp.Add, "mul": sp.Mul, "max": sp.Max, "min": sp.Min}[kind]
    return _clean(lambda: op(a, b), a)


@st.composite
def positive_expressions(draw, symbols):
    """Expressions that are positive for every real t, u and positive p."""
    x = draw(expressions(symbols, 1))
    n = 10 if p in symbols else 5
    pick = draw(st.integers(0, 9))
    return _clean(lambda: [sp.exp(x), sigmoid(x), 1 + x ** 2, sp.Abs(x) + 1, sp.exp(-x ** 2),
                           *([p, p ** 2, 1 + p, sp.sqrt(p), p * sp.exp(x)] if p in symbols else [])][pick % n],
                  sp.Integer(2))


# (name, builder(x, y, P, Q) -> (lhs, rhs)): true for every real x, y and positive P, Q
TRUE_REWRITES = [
    ("tanh as sigmoid", lambda x, y, P, Q: (sp.tanh(x), 2 * sigmoid(2 * x) - 1)),
    ("exp of a sum", lambda x, y, P, Q: (sp.exp(x + y), sp.exp(x) * sp.exp(y))),
    ("log of a positive product", lambda x, y, P, Q: (sp.log(P * Q), sp.log(P) + sp.log(Q))),
    ("sign(x) x = |x|", lambda x, y, P, Q: (sp.sign(x) * x, sp.Abs(x))),
    ("min + max", lambda x, y, P, Q: (sp.Min(x, y) + sp.Max(x, y), x + y)),
    ("cos^2 + sin^2", lambda x, y, P, Q: (sp.cos(x) ** 2 + sp.sin(x) ** 2, sp.Integer(1))),
    ("log(exp(x)) = x", lambda x, y, P, Q: (sp.log(sp.exp(x)), x)),
    ("sigmoid complement", lambda x, y, P, Q: (sigmoid(x) + sigmoid(-x), sp.Integer(1))),
    ("|x|^2 = x^2", lambda x, y, P, Q: (sp.Abs(x) ** 2, x ** 2)),
    ("max = -min(-x, -y)", lambda x, y, P, Q: (sp.Max(x, y), -sp.Min(-x, -y))),
    ("sqrt(x^2) = |x|", lambda x, y, P, Q: (sp.sqrt(x ** 2), sp.Abs(x))),
    ("Heaviside pair", lambda x, y, P, Q: (sp.Heaviside(x) + sp.Heaviside(-x), sp.Integer(1))),
    ("exp(log P) = P", lambda x, y, P, Q: (sp.exp(sp.log(P)), P)),
    ("tanh odd", lambda x, y, P, Q: (sp.tanh(-x), -sp.tanh(x))),
    ("double angle", lambda x, y, P, Q: (sp.sin(2 * x), 2 * sp.sin(x) * sp.cos(x))),
    ("max via abs", lambda x, y, P, Q: (sp.Max(x, y), (x + y + sp.Abs(x - y)) / 2)),
    ("sign of a product", lambda x, y, P, Q: (sp.sign(x * y), sp.sign(x) * sp.sign(y))),
    ("abs of a product", lambda x, y, P, Q: (sp.Abs(x * y), sp.Abs(x) * sp.Abs(y))),
    ("sigmoid via exp", lambda x, y, P, Q: (sigmoid(x), sp.exp(x) / (1 + sp.exp(x)))),
    ("sqrt of a positive product", lambda x, y, P, Q: (sp.sqrt(P * Q), sp.sqrt(P) * sp.sqrt(Q))),
    ("sigmoid derivative", lambda x, y, P, Q: (sp.exp(-x) / (1 + sp.exp(-x)) ** 2, sigmoid(x) * sigmoid(-x))),
]

# plausible but false somewhere (for some real x, y)
WRONG_REWRITES = [
    ("|x| -> x", lambda x, y, P, Q: (sp.Abs(x), x)),
    ("sqrt(x^2) -> x", lambda x, y, P, Q: (sp.sqrt(x ** 2), x)),
    ("exp(log x) -> x", lambda x, y, P, Q: (sp.exp(sp.log(x)), x)),
    ("max(x, 0) -> x", lambda x, y, P, Q: (sp.Max(x, 0), x)),
    ("|cos x| -> cos x", lambda x, y, P, Q: (sp.Abs(sp.cos(x)), sp.cos(x))),
    ("(x^2)^(1/2) -> x", lambda x, y, P, Q: ((x ** 2) ** sp.Rational(1, 2), x)),
    ("sigmoid(-x) -> sigmoid(x)", lambda x, y, P, Q: (sigmoid(-x), sigmoid(x))),
    ("Heaviside(x) -> 1", lambda x, y, P, Q: (sp.Heaviside(x), sp.Integer(1))),
    ("log(xy) -> log x + log y", lambda x, y, P, Q: (sp.log(x * y), sp.log(x) + sp.log(y))),
    ("sign(x) -> 1", lambda x, y, P, Q: (sp.sign(x), sp.Integer(1))),
    ("min(x, y) -> x", lambda x, y, P, Q: (sp.Min(x, y), x)),
    ("tanh(x) -> 2 sigmoid(x) - 1", lambda x, y, P, Q: (sp.tanh(x), 2 * sigmoid(x) - 1)),
    ("sqrt(xy) -> sqrt(x) sqrt(y)", lambda x, y, P, Q: (sp.sqrt(x * y), sp.sqrt(x) * sp.sqrt(y))),
    ("cos^2 - sin^2 -> 1", lambda x, y, P, Q: (sp.cos(x) ** 2 - sp.sin(x) ** 2, sp.Integer(1))),
    ("exp(x) exp(y) -> exp(xy)", lambda x, y, P, Q: (sp.exp(x) * sp.exp(y), sp.exp(x * y))),
    ("|x + y| -> |x| + |y|", lambda x, y, P, Q: (sp.Abs(x + y), sp.Abs(x) + sp.Abs(y))),
    ("sign(cos x) -> 1", lambda x, y, P, Q: (sp.sign(sp.cos(x)), sp.Integer(1))),
    ("max(sin x, 0) -> sin x", lambda x, y, P, Q: (sp.Max(sp.sin(x), 0), sp.sin(x))),
    ("|tanh x| -> tanh x", lambda x, y, P, Q: (sp.Abs(sp.tanh(x)), sp.tanh(x))),
    ("Heaviside(cos x) -> 1", lambda x, y, P, Q: (sp.Heaviside(sp.cos(x)), sp.Integer(1))),
    ("sqrt(cos^2 x) -> cos x", lambda x, y, P, Q: (sp.sqrt(sp.cos(x) ** 2), sp.cos(x))),
    ("(x^3)^(1/3) -> x", lambda x, y, P, Q: ((x ** 3) ** sp.Rational(1, 3), x)),
    ("|sin x| -> sin x", lambda x, y, P, Q: (sp.Abs(sp.sin(x)), sp.sin(x))),
    ("max(x, y) -> (x + y - |x - y|)/2", lambda x, y, P, Q: (sp.Max(x, y), (x + y - sp.Abs(x - y)) / 2)),
    ("sigmoid(x)^2 -> sigmoid(2x)", lambda x, y, P, Q: (sigmoid(x) ** 2, sigmoid(2 * x))),
    ("|x exp(y)| -> x exp(y)", lambda x, y, P, Q: (sp.Abs(x * sp.exp(y)), x * sp.exp(y))),
    ("min(cos x, 0) -> cos x", lambda x, y, P, Q: (sp.Min(sp.cos(x), 0), sp.cos(x))),
]


@st.composite
def pairs(draw):
    symbols = draw(st.sampled_from(((t,), (t, u), (t, p), (t, u, p), (u, p), (p,))))
    family = draw(st.sampled_from(("true", "wrong", "random")))
    if family == "random":
        lhs, rhs = draw(expressions(symbols, MAX_DEPTH)), draw(expressions(symbols, MAX_DEPTH))
        return "random pair", lhs, rhs
    if family == "true" and draw(st.integers(0, 3)) == 0:
        e = draw(expressions(symbols, MAX_DEPTH))
        return "e = expand(e)", e, _clean(lambda: sp.expand(e), e)
    table = TRUE_REWRITES if family == "true" else WRONG_REWRITES
    name, rewrite = draw(st.sampled_from(table))
    x, y = draw(expressions(symbols, MAX_DEPTH - 1)), draw(expressions(symbols, MAX_DEPTH - 1))
    P, Q = draw(positive_expressions(symbols)), draw(positive_expressions(symbols))
    try:
        lhs, rhs = rewrite(x, y, P, Q)
    except (ValueError, TypeError, ZeroDivisionError, ArithmeticError):  # e.g. Max of a non-real x
        return "random pair", x, y
    return f"{family}: {name}", _clean(lambda: lhs, sp.Integer(0)), _clean(lambda: rhs, sp.Integer(0))


# --- budgets (CPU time, ITIMER_VIRTUAL: the engine's own slices use ITIMER_PROF) --------------------


class OutOfTime(BaseException):
    """Not an Exception: the engine's `except Exception` handlers must not swallow it."""


def _raise_out_of_time(signum, frame):
    raise OutOfTime()


def _with_cpu_budget(seconds, fn, *args):
    previous = signal.signal(signal.SIGVTALRM, _raise_out_of_time)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        return fn(*args)
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


# --- high-precision evaluation ----------------------------------------------------------------------


def _heaviside(x, h0=mpmath.mpf(1) / 2):
    return mpmath.mpf(0) if x < 0 else (mpmath.mpf(1) if x > 0 else h0)


def _max(*args):
    return max(args)


def _min(*args):
    return min(args)


MPMATH = [{"sigmoid": lambda x: 1 / (1 + mpmath.exp(-x)), "Heaviside": _heaviside, "sign": mpmath.sign,
           "Max": _max, "Min": _min, "max": _max, "min": _min}, "mpmath"]


def _points(symbols, seed):
    """POINTS assignments {symbol: mpf}: 0 (1 for p), exact small integers, then mixed magnitudes."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(POINTS):
        point = {}
        for s in symbols:
            if i == 0:  # the kinks of Abs, sign, Heaviside, ... sit at 0
                value = 1 if s.is_positive else 0
            elif i < 6:
                value = int(rng.integers(1, 5)) if s.is_positive else int(rng.integers(-3, 4))
            else:
                value = float(10 ** rng.uniform(-2, 2))
                if not s.is_positive and rng.random() < 0.5:
                    value = -value
            point[s] = mpmath.mpf(value)
        out.append(point)
    return out


def _real(value):
    if isinstance(value, mpmath.mpc):
        return None
    try:
        value = mpmath.mpf(value)
    except (TypeError, ValueError):
        return None
    return value if mpmath.isfinite(value) else None


def _difference(f_lhs, f_rhs, args, digits):
    """(|lhs - rhs|, bound) at `digits` significant digits, or None where a side is not a finite real."""
    with mpmath.workdps(digits):
        try:
            a = _real(_with_cpu_budget(POINT_SECONDS, f_lhs, *args))
            b = _real(_with_cpu_budget(POINT_SECONDS, f_rhs, *args))
        except (OutOfTime, ArithmeticError, ValueError, TypeError, OverflowError):
            return None
        if a is None or b is None:
            return None
        return abs(a - b), REL_TOL * max(mpmath.mpf(1), abs(a), abs(b))


def compare(lhs, rhs, seed):
    """("differs", where) at the first point where lhs != rhs beyond rounding; otherwise
    ("agrees", number of points where both sides are finite reals)."""
    symbols = sorted(lhs.free_symbols | rhs.free_symbols, key=lambda s: s.name)
    f_lhs = sp.lambdify(symbols, lhs, modules=MPMATH)
    f_rhs = sp.lambdify(symbols, rhs, modules=MPMATH)
    real_points = 0
    for point in _points(symbols, seed):
        args = [point[s] for s in symbols]
        first = _difference(f_lhs, f_rhs, args, DIGITS)
        if first is None:
            continue
        real_points += 1
        if first[0] <= first[1]:
            continue
        second = _difference(f_lhs, f_rhs, args, CHECK_DIGITS)
        if second is None or second[0] <= second[1]:
            continue  # cancellation beyond 50 digits, not a wrong proof
        if abs(first[0] - second[0]) > mpmath.mpf("1e-6") * second[0]:
            continue  # the difference does not settle: precision-limited, inconclusive
        where = ", ".join(f"{s} = {mpmath.nstr(point[s], 12)}" for s in symbols)
        with mpmath.workdps(CHECK_DIGITS):
            lv, rv = f_lhs(*args), f_rhs(*args)
        return "differs", f"at {where}: lhs = {mpmath.nstr(lv, 15)}, rhs = {mpmath.nstr(rv, 15)}"
    return "agrees", real_points


# --- the run ---------------------------------------------------------------------------------------

STATS: collections.Counter = collections.Counter()
BY_FAMILY: dict = collections.defaultdict(collections.Counter)
UNSOUND: list = []
DISTINCT: set = set()
SLOW: list = []  # (seconds, status, pair)
SUSPECT_DISPROOFS: list = []
CRASHES: list = []


def _claim(index, lhs, rhs) -> Claim:
    used = sorted((lhs.free_symbols | rhs.free_symbols) & set(SYMBOLS), key=lambda s: s.name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Claim(id=f"differential.case.c{index}", title="random pair", source="tests/quality (differential)",
                     statement=Identity(lhs, rhs), domain={s: DOMAINS[s.name] for s in used},
                     defined_at="tests/quality/test_differential.py")


def _check(family, lhs, rhs):
    index = STATS["cases"]
    STATS["cases"] += 1
    DISTINCT.add((lhs, rhs))
    claim = _claim(index, lhs, rhs)
    start = time.process_time()
    try:
        status = _with_cpu_budget(CASE_SECONDS, check_symbolic, claim).status
    except OutOfTime:
        status = "timeout"
        # the budget may have run out inside the engine's own time slice (verify.reduce._within),
        # before it disarmed its ITIMER_PROF: disarm it here, or SIGPROF fires later in other code
        signal.setitimer(signal.ITIMER_PROF, 0)
    except Exception as exc:  # an engine crash is a finding of its own, but not an unsound proof
        status = f"crash ({type(exc).__name__})"
        if len(CRASHES) < 200:
            CRASHES.append(f"{type(exc).__name__}: {str(exc)[:120]} -- {sp.sstr(lhs)}  vs  {sp.sstr(rhs)}")
    elapsed = time.process_time() - start
    STATS[status] += 1
    BY_FAMILY[family.split(":")[0]][status] += 1
    if elapsed > 0.5 * CASE_SECONDS:
        SLOW.append((elapsed, status, f"{sp.sstr(lhs)}  vs  {sp.sstr(rhs)}"))
    seed = zlib.crc32(sp.srepr((lhs, rhs)).encode())
    if status == "proved":
        verdict, where = compare(lhs, rhs, seed)
        if verdict == "differs":
            UNSOUND.append(f"[{family}] proved: {sp.sstr(lhs)}  ==  {sp.sstr(rhs)}\n      but {where}")
    elif status == "disproved":
        # not asserted (this test is about proofs), but reported: a disproof claims an exact
        # counterexample, so both sides agreeing and real at every point is suspicious
        verdict, real_points = compare(lhs, rhs, seed)
        if verdict == "agrees" and real_points == POINTS:
            SUSPECT_DISPROOFS.append(f"[{family}] disproved: {sp.sstr(lhs)}  ==  {sp.sstr(rhs)}")


@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          phases=(Phase.generate,), print_blob=False,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                                 HealthCheck.large_base_example])
@given(pairs())
def _run_case(pair):
    family, lhs, rhs = pair
    # Hypothesis generates some pairs more than once: a repeat is an invalid example, so that the
    # MAX_EXAMPLES valid ones are all different
    STATS["generated"] += 1
    assume((lhs, rhs) not in DISTINCT)
    _check(family, lhs, rhs)


def test_every_symbolic_proof_survives_high_precision_evaluation(quality_report):
    for record in (STATS, BY_FAMILY, UNSOUND, DISTINCT, SLOW, SUSPECT_DISPROOFS, CRASHES):
        record.clear()
    start = time.monotonic()
    _run_case()
    elapsed = time.monotonic() - start
    decided = ", ".join(f"{k} {v}" for k, v in sorted(STATS.items()) if k not in ("cases", "generated"))
    lines = [f"{STATS['cases']} distinct cases ({STATS['generated']} generated, repeats skipped) in {elapsed:.0f} s: "
             f"{decided}"]
    for family, counts in sorted(BY_FAMILY.items()):
        lines.append(f"  {family}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    lines.append(f"unsound proofs: {len(UNSOUND)}")
    lines += ["  " + entry for entry in UNSOUND[:40]]
    slow = sorted(SLOW, reverse=True)[:10]
    lines.append(f"slow residuals (> {0.5 * CASE_SECONDS:g} s CPU): {len(SLOW)}")
    lines += [f"  {sec:.1f} s {status}: {pair[:200]}" for sec, status, pair in slow]
    if CRASHES:
        lines.append("check_symbolic raised (counted as crash, not asserted; up to 3 per exception type):")
        shown: collections.Counter = collections.Counter()
        for entry in dict.fromkeys(CRASHES):
            kind = entry.split(":", 1)[0]
            shown[kind] += 1
            if shown[kind] <= 3:
                lines.append("  " + entry)
    if SUSPECT_DISPROOFS:
        lines.append(f"disproved, yet both sides are real and agree to 1e-25 at all {POINTS} points "
                     f"(wrong counterexamples): {len(SUSPECT_DISPROOFS)}")
        lines += ["  " + entry for entry in SUSPECT_DISPROOFS[:20]]
    quality_report("differential: check_symbolic against 50-digit evaluation", lines)
    assert STATS["cases"] >= MAX_EXAMPLES, "\n".join(lines)
    assert not UNSOUND, f"{len(UNSOUND)} unsound 'proved' verdicts:\n" + "\n".join(UNSOUND)
    # the other kind of unsoundness: a disproof whose two sides agree at every point refutes a
    # true claim (before exact differences were relative, rounding at exp(78) did this)
    assert not SUSPECT_DISPROOFS, "\n".join(lines)
