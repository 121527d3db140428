"""High-precision cross-checks of the symbolic path's decisions.

A reducer that says "this residual is 0", or SymPy's assumptions that say "this is >= 0", are
only as sound as the rewriting behind them.  Before the symbolic path accepts either decision,
the expressions it decided are evaluated with mpmath at 50 significant digits at random points,
drawn symbol by symbol from what each symbol's assumptions allow (a positive symbol gets
positive values, a real one values of either sign, magnitudes spread from 1e-2 to 1e3, and small integers): the
reducer's claim is that the residual vanishes for *every* such value, so one point where it does
not shows the route was unsound.  The decision is then withdrawn (`undecided`), and the report
says so.

The points are random but seeded: the same expression gets the same points on every run.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import sympy as sp

DIGITS = 50
POINTS = 16
# |a - b| <= RELATIVE * max(1, |a|, |b|): 50 digits leave room for cancellation in the evaluation
RELATIVE = 1e-25


@dataclass(frozen=True)
class CrossCheck:
    ok: bool  # no point contradicts the decision
    points: int  # points where the expressions were defined and real
    detail: str = ""  # the contradicting point, or why no point could be used


def mpmath_modules():
    """lambdify modules for mpmath, with the functions mpmath lacks or names differently."""
    import mpmath

    def heaviside(x, h0=mpmath.mpf("0.5")):
        return mpmath.mpf(1) if x > 0 else (mpmath.mpf(0) if x < 0 else h0)

    return [{
        "sigmoid": lambda x: 1 / (1 + mpmath.exp(-x)),
        "softplus": lambda x: mpmath.log(1 + mpmath.exp(x)),
        "Heaviside": heaviside,
        "sign": mpmath.sign,
        "Max": lambda *a: max(a),
        "Min": lambda *a: min(a),
        "Abs": abs,
    }, "mpmath"]


def mp_value(expr, values: dict | None = None, absorbed: list | None = None):
    """The value of a SymPy expression as an mpmath number at the current working precision; its
    symbols take their mpmath values from `values` (KeyError for a symbol without one).  With
    `absorbed` (a one-element list), absorbed[0] becomes True when some sum had a nonzero term
    too small next to its largest term to change it at this precision (1 + e^-700 = 1).

    A recursive walk with one value per distinct subexpression: `lambdify` would print the whole
    expression as source first, which costs seconds on the exact residual of a network's gradient
    (SymPy's printer orders the terms of every sum), and `evalf` re-derives its precision
    bookkeeping at every node.  Nodes without a rule here are handed to `lambdify` one by one."""
    import mpmath

    funcs = mpmath_modules()[0]
    unary = {sp.exp: mpmath.exp, sp.log: mpmath.log, sp.tanh: mpmath.tanh, sp.sin: mpmath.sin,
             sp.cos: mpmath.cos, sp.Abs: abs, sp.sign: mpmath.sign}
    memo: dict = {}

    def walk(e):
        if e in memo:
            return memo[e]
        if e.is_Symbol:
            v = values[e] if values is not None else _no_value(e)
        elif e.is_Integer:
            v = mpmath.mpf(int(e))
        elif e.is_Rational:
            v = mpmath.mpf(int(e.p)) / int(e.q)
        elif e.is_Float:
            v = mpmath.mpf(e._mpf_)
        elif isinstance(e, sp.Add):
            terms = [walk(a) for a in e.args]
            v = mpmath.fsum(terms)
            if absorbed is not None and not absorbed[0]:
                sizes = [abs(t) for t in terms]
                floor = max(sizes) * mpmath.mpf(10) ** (5 - mpmath.mp.dps)
                absorbed[0] = any(0 < s < floor for s in sizes)
        elif isinstance(e, sp.Mul):
            v = mpmath.fprod(walk(a) for a in e.args)
        elif isinstance(e, sp.Pow):
            base = walk(e.base)
            v = base ** int(e.exp) if e.exp.is_Integer else base ** walk(e.exp)
        elif e.func in unary and len(e.args) == 1:
            v = unary[e.func](walk(e.args[0]))
        elif isinstance(e, (sp.Max, sp.Min)):
            v = (max if isinstance(e, sp.Max) else min)(walk(a) for a in e.args)
        elif type(e).__name__ in funcs and len(e.args) == 1:  # sigmoid, softplus, Heaviside
            v = funcs[type(e).__name__](walk(e.args[0]))
        else:
            v = sp.lambdify([], e, modules=mpmath_modules())()
        memo[e] = v
        return v

    return walk(sp.sympify(expr, strict=True))


def _no_value(symbol):
    raise KeyError(f"no value for the symbol {symbol}")


# visibly_nonzero: two working precisions, and how closely a real value must agree between them
LOW_DIGITS, HIGH_DIGITS, AGREE = 30, 60, 1e-10


def _moderate_points(symbols, count: int):
    """Points of moderate size (|value| in [0.2, 2.5], small integers) that the symbols'
    assumptions allow: values where sums rarely absorb their terms."""
    rng = np.random.default_rng(20261206)
    for _ in range(count):
        point = {}
        for s in symbols:
            if s.is_integer:
                low = 1 if s.is_positive else (0 if s.is_nonnegative else -3)
                point[s] = sp.Integer(int(rng.integers(low, 4)))
                continue
            magnitude = float(rng.uniform(0.2, 2.5))
            negative = not (s.is_nonnegative or s.is_positive) and rng.random() < 0.5
            point[s] = sp.Float(-magnitude if negative else magnitude, DIGITS)
        yield point


def visibly_nonzero(residual, *, points: int = 2) -> bool:
    """Whether some entry of `residual` (a scalar, a matrix or a list of entries) is certainly not identically 0: at a random point its
    symbols' assumptions allow, its value at 30 and at 60 significant digits is the same nonzero
    number to 10 digits.  The rounding error of an identically-zero residual shrinks by 30 orders
    of magnitude between the two precisions, so it does not agree with itself, unless a term was
    absorbed into a far larger one at both (1 + e^-700 = 1): such a point is not used.  The
    points are of moderate size, where that is rare.

    Used only to skip zero tests that cannot succeed (`verify.reduce.reduce_to_zero`): it can make
    the engine give up sooner, never make it prove anything.  False when no point gives real,
    finite values at both precisions, or when an entry has symbols this walk cannot value
    (matrix elements) or nodes it cannot evaluate."""
    import mpmath

    entries = list(residual) if isinstance(residual, (list, tuple)) else _entries(residual)
    entries = [e for e in (sp.sympify(x, strict=True) for x in entries) if e != 0]
    if not entries:
        return False
    symbols = _free(entries)
    if not all(isinstance(s, sp.Symbol) for s in symbols):
        return False
    for point in _moderate_points(symbols, points if symbols else 1):
        for e in entries:
            found, absorbed = [], [False]
            for digits in (LOW_DIGITS, HIGH_DIGITS):
                with mpmath.workdps(digits):
                    try:
                        env = {s: mpmath.mpf(v._mpf_) if v.is_Float else mpmath.mpf(int(v)) for s, v in point.items()}
                        found.append(_real(mp_value(e, env, absorbed)))
                    except Exception:  # undefined here (1/0, log of 0), or a node mp_value cannot evaluate
                        found.append(None)
            low, high = found
            if low is None or high is None or high == 0 or absorbed[0]:
                continue
            if abs(low - high) <= AGREE * abs(high):
                return True
    return False


def _value_for(symbol: sp.Symbol, rng: np.random.Generator):
    """A random value that `symbol`'s assumptions allow, as an exact SymPy number."""
    if symbol.is_integer:
        low = 1 if symbol.is_positive else (0 if symbol.is_nonnegative else -6)
        return sp.Integer(int(rng.integers(low, 7)))
    magnitude = 10.0 ** rng.uniform(-2.0, 3.0) if rng.random() < 0.8 else float(rng.integers(1, 4))
    if symbol.is_nonnegative and not symbol.is_positive and rng.random() < 0.15:
        return sp.Integer(0)
    if symbol.is_nonnegative or symbol.is_positive:
        return sp.Float(magnitude, DIGITS)
    return sp.Float(magnitude if rng.random() < 0.5 else -magnitude, DIGITS)


def _fingerprint(exprs, nodes: int = 400) -> str:
    """A text that tells expressions apart, for seeding their random points: the first `nodes`
    nodes in preorder (class names and atoms).  `srepr` did this at a fifth of a small proof's time."""
    parts = []
    for node in sp.preorder_traversal(sp.Tuple(*exprs)):
        parts.append(str(node) if node.is_Atom else type(node).__name__)
        if len(parts) >= nodes:
            break
    return " ".join(parts)


def _points(symbols, seed_text: str, count: int):
    rng = np.random.default_rng(zlib.crc32(seed_text.encode()))
    for _ in range(count):
        yield {s: _value_for(s, rng) for s in symbols}


def _real(value):
    import mpmath

    if isinstance(value, mpmath.mpc):
        if abs(value.imag) > mpmath.mpf(10) ** (-30) * max(1, abs(value.real)):
            return None
        value = value.real
    if not isinstance(value, mpmath.mpf) or not mpmath.isfinite(value):
        try:
            value = mpmath.mpf(value)
        except (TypeError, ValueError):
            return None
        if not mpmath.isfinite(value):
            return None
    return value


def _numeric(exprs, symbols):
    """A function of the symbols' values returning each expression at `DIGITS` digits (or None)."""
    import mpmath

    fn = sp.lambdify(symbols, exprs, modules=mpmath_modules(), cse=True)

    def at(point):
        with mpmath.workdps(DIGITS + 10):
            try:
                values = fn(*[mpmath.mpf(str(point[s])) if not point[s].is_Integer else mpmath.mpf(int(point[s]))
                              for s in symbols])
            except (ZeroDivisionError, ValueError, OverflowError, TypeError):
                return None
            return [_real(v) for v in values]

    return at


def _free(exprs) -> list:
    symbols = set()
    for e in exprs:
        symbols |= sp.sympify(e, strict=True).free_symbols
    return sorted(symbols, key=sp.default_sort_key)


def _entries(value) -> list:
    return list(value) if isinstance(value, sp.MatrixBase) else [value]


def _point_text(point) -> str:
    return ", ".join(f"{s} = {sp.N(v, 6)}" for s, v in sorted(point.items(), key=lambda kv: str(kv[0])))


def _check(exprs, salt: str, points: int, problem) -> CrossCheck:
    """Evaluate `exprs` at random points; `problem(values)` says what is wrong at a point ('' if
    nothing).  Points where an expression is undefined, complex or infinite are skipped."""
    symbols = _free(exprs)
    at = _numeric(exprs, symbols)
    used = 0
    for point in _points(symbols, salt + _fingerprint(exprs[:4]), points if symbols else 1):
        values = at(point)
        if values is None or any(v is None for v in values):
            continue
        used += 1
        wrong = problem(values)
        if wrong:
            return CrossCheck(False, used, f"at {_point_text(point)} {wrong} in {DIGITS}-digit arithmetic")
    return CrossCheck(True, used, "" if used else "no random point gave real, finite values")


def equal_everywhere(lhs, rhs, *, points: int = POINTS) -> CrossCheck:
    """Whether `lhs` and `rhs` (scalars or matrices of the same shape) agree to `DIGITS` digits at
    random points allowed by their symbols' assumptions."""
    a, b = _entries(lhs), _entries(rhs)
    if len(b) == 1 and len(a) > 1:
        b = b * len(a)

    def problem(values):
        for k, (x, y) in enumerate(zip(values[: len(a)], values[len(a):])):
            if abs(x - y) > RELATIVE * max(1, abs(x), abs(y)):
                where = f" (entry {k + 1})" if len(a) > 1 else ""
                return f"the two sides are {sp.N(x, 8)} and {sp.N(y, 8)}{where}"
        return ""

    return _check([sp.sympify(x, strict=True) for x in a + b], "", points, problem)


def sign_everywhere(value, relation: str, *, points: int = POINTS) -> CrossCheck:
    """Whether every entry of `value` is >= 0 (`nonnegative`) or > 0 (`positive`) at random points."""

    def problem(values):
        for v in values:
            if (v < 0) if relation == "nonnegative" else (v <= 0):
                return f"the value is {sp.N(v, 8)}"
        return ""

    return _check([sp.sympify(x, strict=True) for x in _entries(value)], "sign", points, problem)


def psd_everywhere(matrix, *, points: int = POINTS) -> CrossCheck:
    """Whether the symmetric matrix `matrix` has no eigenvalue below -RELATIVE * its norm at random
    points."""
    import mpmath

    n = matrix.rows

    def problem(values):
        with mpmath.workdps(DIGITS + 10):
            eig = mpmath.eigsy(mpmath.matrix([values[i * n:(i + 1) * n] for i in range(n)]), eigvals_only=True)
            size = max([abs(e) for e in eig] + [mpmath.mpf(1)])
            low = min(eig)
        return f"the smallest eigenvalue is {sp.N(low, 8)}" if low < -RELATIVE * size else ""

    return _check([sp.sympify(x, strict=True) for x in matrix], "psd", points, problem)
