"""A high-precision backend: a claim's expressions at an exact (rational) member, in 60-digit
mpmath arithmetic, with derivatives in forward mode.

Why: at a rational member, an expression with tanh, exp or log has no rational value, so the
exact residual of a counterexample is judged at 60 significant digits anyway
(`reduce.exact_difference`).  Building that residual in SymPy first (a network's output at
symbolic inputs, differentiated symbolically, then the rationals put in) cost seconds per
instance, mostly in SymPy's automatic simplification of products of such numbers, and often ran
out of its time.  This backend evaluates the same functions at the same rational inputs directly
at 60 digits.  Gradients and Jacobians are exact derivatives, not differences: dual numbers
carry each input's derivative through every operation (forward mode, one pass per input entry).

Only where the answer is a size: the confirmation of a numeric counterexample and the search for
an exact counterexample.  Expressions without transcendental functions stay with SymPy's exact
rational arithmetic (`has_transcendental`), so a rational difference is still reported exactly.
A construct this backend does not evaluate (a gradient of a gradient, a symbolic condition)
raises `Unsupported`, and the caller falls back to SymPy.
"""

from __future__ import annotations

import contextlib
import math
import operator
from functools import reduce

import mpmath
import numpy as np
from mpmath import iv
import sympy as sp

from ._errors import ShapeMismatch
from .evaluate import Backend, _dims, _exact_checked, _square_only, evaluate
from .nodes import logsumexp, sigmoid, softmax, softplus

DPS = 60  # working digits, as in reduce.exact_difference
TRANSCENDENTAL = (sp.exp, sp.log, sp.tanh, sp.sin, sp.cos, sigmoid, softplus, logsumexp, softmax, sp.pi, sp.E)


class Unsupported(Exception):
    """The expression needs something this backend does not do; evaluate it with SymPy instead."""


def has_transcendental(*exprs) -> bool:
    """Whether any expression applies exp, log, tanh, sin, cos, sigmoid, softplus, logsumexp or
    softmax, has pi or e, or a power with a non-integer exponent: then its value at a rational
    member is not rational."""
    for e in exprs:
        e = sp.sympify(e, strict=True)
        if e.has(*TRANSCENDENTAL):
            return True
        if any(not p.exp.is_Integer for p in e.atoms(sp.Pow)):
            return True
    return False


class Dual:
    """a + b ε with ε² = 0: an interval enclosing a value, and one enclosing its derivative along
    the input entry being differentiated (0 outside a gradient).  Every scalar of this backend is
    one: mpmath's intervals raise on an operand they do not know instead of deferring to it, so
    they never meet numpy arrays or other types directly."""

    __slots__ = ("a", "b")

    def __init__(self, a, b=0):
        self.a, self.b = a, b

    def __add__(self, o):
        if isinstance(o, np.ndarray):  # a matrix: numpy applies the operation entry by entry
            return NotImplemented
        o = _lift(o)
        return Dual(self.a + o.a, self.b + o.b)

    __radd__ = __add__

    def __sub__(self, o):
        if isinstance(o, np.ndarray):
            return NotImplemented
        o = _lift(o)
        return Dual(self.a - o.a, self.b - o.b)

    def __rsub__(self, o):
        return _lift(o) - self

    def __neg__(self):
        return Dual(-self.a, -self.b)

    def __pos__(self):
        return self

    def __mul__(self, o):
        if isinstance(o, np.ndarray):
            return NotImplemented
        o = _lift(o)
        return Dual(self.a * o.a, self.a * o.b + self.b * o.a)

    __rmul__ = __mul__

    def __truediv__(self, o):
        if isinstance(o, np.ndarray):
            return NotImplemented
        o = _lift(o)
        return Dual(self.a / o.a, (self.b * o.a - self.a * o.b) / (o.a * o.a))

    def __rtruediv__(self, o):
        return _lift(o) / self

    def __pow__(self, k):
        if isinstance(k, Dual) and _is_zero(k.b):
            k = k.a
        if isinstance(k, Dual):  # x^y = exp(y log x)
            return _exp(k * _log(self))
        if isinstance(k, int) or (isinstance(k, iv.mpf) and k.a == k.b and int(_point(k)) == _point(k)):
            k = int(k) if isinstance(k, int) else int(_point(k))
            if k == 0:
                return Dual(iv.mpf(1))
            return Dual(self.a ** k, k * self.a ** (k - 1) * self.b)
        return _exp(_lift(k) * _log(self))  # a non-integer power: defined for a positive base only

    def __rpow__(self, base):
        return _exp(self * _log(_lift(base)))

    def __abs__(self):
        return Dual(abs(self.a), _sign_value(self.a) * self.b)

    # comparisons (Max, Min, conditions) by value; undecided when the intervals overlap
    def __lt__(self, o):
        return _decided(self.a < _lift(o).a)

    def __le__(self, o):
        return _decided(self.a <= _lift(o).a)

    def __gt__(self, o):
        return _decided(self.a > _lift(o).a)

    def __ge__(self, o):
        return _decided(self.a >= _lift(o).a)


def _lift(x) -> Dual:
    if isinstance(x, Dual):
        return x
    if isinstance(x, (int, iv.mpf)) and not isinstance(x, bool):
        return Dual(iv.mpf(x) if isinstance(x, int) else x)
    return _num(x)


def _is_zero(x) -> bool:
    return isinstance(x, int) and x == 0 or isinstance(x, iv.mpf) and x.a == 0 and x.b == 0


def _decided(answer):
    """A comparison of intervals: True or False, or `Unsupported` when they overlap."""
    if answer is None:
        raise Unsupported("a comparison the enclosures do not decide")
    return bool(answer)


def _unary(value_fn, slope_fn):
    """A real function of one argument; outside its real domain it raises ValueError (the point
    is then no evidence, as a complex value is in SymPy)."""

    def fn(x):
        x = _lift(x)
        value = value_fn(x.a)
        if isinstance(value, iv.mpc):
            raise ValueError("the value is not real here")
        return Dual(value, 0 if _is_zero(x.b) else slope_fn(x.a, value) * x.b)

    return fn


def _log_value(a):
    if _decided(a > 0):
        return iv.log(a)
    raise ValueError("log of a non-positive number")


def _sign_value(a):
    if a.a > 0:
        return iv.mpf(1)
    if a.b < 0:
        return iv.mpf(-1)
    if a.a == 0 and a.b == 0:
        return iv.mpf(0)
    raise Unsupported("the sign of an interval around 0")


_exp = _unary(iv.exp, lambda a, v: v)
_log = _unary(_log_value, lambda a, v: 1 / a)
_tanh = _unary(lambda a: 1 - 2 / (iv.exp(2 * a) + 1), lambda a, v: 1 - v * v)
_sin = _unary(iv.sin, lambda a, v: iv.cos(a))
_cos = _unary(iv.cos, lambda a, v: -iv.sin(a))
_sigmoid = _unary(lambda a: 1 / (1 + iv.exp(-a)), lambda a, v: v * (1 - v))
_softplus = _unary(lambda a: iv.log(1 + iv.exp(a)), lambda a, v: 1 / (1 + iv.exp(-a)))
_sign = _unary(_sign_value, lambda a, v: 0)


def _heaviside(x, h0=sp.Rational(1, 2)):
    s = _sign_value(_lift(x).a)
    return Dual(iv.mpf(1)) if s.a > 0 else Dual(iv.mpf(0)) if s.b < 0 else _lift(h0)


def _max(*xs):
    return reduce(lambda p, q: q if _lift(q) > _lift(p) else p, xs)


def _min(*xs):
    return reduce(lambda p, q: q if _lift(q) < _lift(p) else p, xs)


def _num(value) -> Dual:
    """An exact SymPy number (or int/float) as an interval that encloses it."""
    if isinstance(value, Dual):
        return value
    if isinstance(value, float):
        value = sp.nsimplify(value)  # as the exact backend reads a float constant
    value = sp.sympify(value, strict=True)
    if value.is_Integer:
        return Dual(iv.mpf(int(value)))
    if value.is_Rational:
        return Dual(iv.mpf(int(value.p)) / int(value.q))
    if value is sp.pi:
        return Dual(+iv.pi)
    if value is sp.E:
        return Dual(+iv.e)
    if value.is_Float:
        return Dual(iv.mpf(mpmath.mpf(value._mpf_)))
    raise Unsupported(f"the number {value}")


def _matrix(rows):
    out = np.empty((len(rows), len(rows[0]) if rows else 0), dtype=object)
    for i, row in enumerate(rows):
        for j, x in enumerate(row):
            if _is_matrix(x):
                raise Unsupported("a matrix inside a matrix")
            out[i, j] = x
    return out


def _is_matrix(v) -> bool:
    return isinstance(v, np.ndarray) and v.ndim == 2


def _sum(values):
    return reduce(operator.add, values, Dual(iv.mpf(0)))


def _logsumexp(v):
    return _log(_sum(_exp(x) for x in v.flat))


def _softmax(v):
    exps = [_exp(x) for x in v.flat]
    total = _sum(exps)
    return _matrix([[e / total] for e in exps])


def _matmul(a, b):
    if a.shape[1] != b.shape[0]:
        raise ShapeMismatch(f"cannot multiply {_dims(a.shape)} by {_dims(b.shape)}")
    out = np.empty((a.shape[0], b.shape[1]), dtype=object)
    for i in range(a.shape[0]):
        for j in range(b.shape[1]):
            out[i, j] = _sum(a[i, k] * b[k, j] for k in range(a.shape[1]))
    return out


def _pivot(column: list, start: int) -> int:
    """The row (from `start`) whose entry is farthest from 0; ZeroDivisionError when all are
    exactly 0 (singular), `Unsupported` when the best one's enclosure still contains 0."""
    def lower(x):  # a lower bound of |x|, as a float (only to choose)
        x = _lift(x).a
        return max(float(mpmath.mpf(x._mpi_[0])), -float(mpmath.mpf(x._mpi_[1])), 0.0)

    best = max(range(start, len(column)), key=lambda r: lower(column[r]))
    value = _lift(column[best]).a
    if value.a == 0 and value.b == 0:
        raise ZeroDivisionError("the matrix is singular")
    if 0 in value:
        raise Unsupported("a pivot whose enclosure contains 0")
    return best


def _det(a):
    m, sign = [list(row) for row in a], 1
    n = len(m)
    for col in range(n):
        try:
            best = _pivot([row[col] for row in m], col)
        except ZeroDivisionError:
            return Dual(iv.mpf(0))
        if best != col:
            m[col], m[best], sign = m[best], m[col], -sign
        for r in range(col + 1, n):
            factor = m[r][col] / m[col][col]
            m[r] = [x - factor * y for x, y in zip(m[r], m[col])]
    return reduce(operator.mul, (m[i][i] for i in range(n)), Dual(iv.mpf(sign)))


def _inverse(a):
    n = a.shape[0]
    m = [list(a[i]) + [Dual(iv.mpf(1 if i == j else 0)) for j in range(n)] for i in range(n)]
    for col in range(n):
        best = _pivot([row[col] for row in m], col)  # singular: ZeroDivisionError, undefined here
        m[col], m[best] = m[best], m[col]
        pivot = m[col][col]
        m[col] = [x / pivot for x in m[col]]
        for r in range(n):
            if r != col:
                factor = m[r][col]
                m[r] = [x - factor * y for x, y in zip(m[r], m[col])]
    return _matrix([row[n:] for row in m])


_DIFFERENTIATING = [0]  # gradients being taken now: one at a time (forward mode has one ε)


@contextlib.contextmanager
def _one_derivative():
    if _DIFFERENTIATING[0]:
        raise Unsupported("a derivative of a derivative")
    _DIFFERENTIATING[0] += 1
    try:
        yield
    finally:
        _DIFFERENTIATING[0] -= 1


def _seeded(point, i, j):
    p = point.copy()
    p[i, j] = Dual(_lift(point[i, j]).a, iv.mpf(1))
    return p


def _slope(value) -> Dual:
    if _is_matrix(value):
        raise Unsupported("a gradient of a non-scalar")
    return Dual(_lift(value).b + iv.mpf(0))


def _grad(f, point):
    with _one_derivative():
        if not _is_matrix(point):
            return _slope(f(Dual(_lift(point).a, iv.mpf(1))))
        out = np.empty(point.shape, dtype=object)
        for i in range(point.shape[0]):
            for j in range(point.shape[1]):
                out[i, j] = _slope(f(_seeded(point, i, j)))
        return out


def _jacobian(f, point):
    with _one_derivative():
        columns = []
        for k in range(point.shape[0]):
            y = f(_seeded(point, k, 0))
            columns.append([_slope(y[i, 0]) for i in range(y.shape[0])])
    rows = len(columns[0]) if columns else 0
    return _matrix([[columns[k][i] for k in range(point.shape[0])] for i in range(rows)])


def _full(r, c, v):
    out = np.empty((r, c), dtype=object)
    value = _num(v)
    for idx in np.ndindex(r, c):
        out[idx] = value
    return out


def _elementwise(fn, a):
    out = np.empty(a.shape, dtype=object)
    for idx, x in np.ndenumerate(a):
        out[idx] = fn(x)
    return out


def _diag_from_vector(v):
    entries_ = list(v.flat)
    out = _full(len(entries_), len(entries_), 0)
    for i, x in enumerate(entries_):
        out[i, i] = x
    return out


def _trace(a):
    return _sum(a[i, i] for i in range(a.shape[0]))


def _factorial(x):
    """k! of a non-negative integer (a series' index), exactly; `Unsupported` elsewhere."""
    if isinstance(x, Dual):
        if not (_is_zero(x.b) and x.a.a == x.a.b and int(_point(x.a)) == _point(x.a)):
            raise Unsupported("a factorial of a value that is not an exact integer")
        x = int(_point(x.a))
    if not isinstance(x, int) or x < 0:
        raise Unsupported(f"the factorial of {x}")
    return Dual(iv.mpf(math.factorial(x)))


SERIES_MAX_TERMS = 4096  # more terms than this before the tail bound holds: SymPy decides instead
SERIES_TAIL = mpmath.mpf("1e-45")  # the tail's bound relative to the partial sum (difference's band is 1e-30)
_K = "_dlverify_series_start"  # a name no claim symbol has: the start of the tail


def series(f, var, lo, env, evaluate_fn):
    """sum_{var = lo}^{oo} f enclosed at `DPS` digits: the terms up to some K exactly in interval
    arithmetic, and the tail beyond by a bound that is a proof, not an estimate.

    Only a hypergeometric term (SymPy's `hypersimp`: f(k+1)/f(k) = P(k)/Q(k), polynomials in k;
    every pmf of the notes' series) is summed here.  With k = K + t, if every coefficient of
    Q(K + t) in t is >= 0, the constant one > 0, and each coefficient of P(K + t) is at most q < 1
    times Q's in size, then |f(k+1)| <= q |f(k)| for every k >= K (|P| <= q Q for t >= 0), so
    |sum_{k >= K} f(k)| <= |f(K)| / (1 - q).  Anything else raises `Unsupported`, and the caller
    falls back to SymPy's `summation`."""
    f = sp.sympify(f, strict=True)
    if isinstance(f, sp.MatrixBase) or getattr(f, "is_Matrix", False) or f.has(sp.Sum, sp.Integral):
        raise Unsupported("a series of matrices or of sums or integrals")
    start = evaluate_fn(lo, env, MP)
    if isinstance(start, Dual):
        if not (_is_zero(start.b) and start.a.a == start.a.b and int(_point(start.a)) == _point(start.a)):
            raise Unsupported("a series whose start is not an exact integer")
        start = int(_point(start.a))
    if not isinstance(start, int):
        raise Unsupported("a series whose start is not an integer")
    ratio = sp.hypersimp(f, var)
    if ratio is None:
        raise Unsupported(f"the terms of the series of {f} are not hypergeometric in {var}")
    top, bottom = sp.fraction(sp.together(ratio))
    t, big_k = sp.Dummy("t"), sp.Symbol(_K)
    try:
        p_coeffs = sp.Poly(sp.expand(top.subs(var, big_k + t)), t).all_coeffs()
        q_coeffs = sp.Poly(sp.expand(bottom.subs(var, big_k + t)), t).all_coeffs()
    except sp.PolynomialError:
        raise Unsupported(f"the term ratio {ratio} is not rational in {var}") from None
    if len(p_coeffs) > len(q_coeffs):
        raise Unsupported(f"the term ratio {ratio} grows: the series diverges or needs another bound")
    if len(p_coeffs) == len(q_coeffs):  # the ratio tends to lc(P)/lc(Q): no q < 1 unless that is below 1
        lead_p, lead_q = (_lift(evaluate_fn(c[0], {**env, _K: start}, MP)).a for c in (p_coeffs, q_coeffs))
        if abs(lead_p).a >= abs(lead_q).b:
            raise Unsupported(f"the term ratio {ratio} does not tend below 1: no tail bound by the ratio test")

    def contraction(k_start: int):
        """q < 1 with |f(k+1)| <= q |f(k)| for every k >= k_start, or None."""
        local = {**env, _K: k_start}
        ps = [_lift(evaluate_fn(c, local, MP)).a for c in p_coeffs]
        qs = [_lift(evaluate_fn(c, local, MP)).a for c in q_coeffs]
        if qs[0].a < 0:  # Q's sign is fixed by its leading coefficient: make it positive
            ps, qs = [-x for x in ps], [-x for x in qs]
        if any(x.a < 0 for x in qs) or qs[-1].a <= 0:
            return None
        q = mpmath.mpf(0)
        for a, b in zip(reversed(ps), reversed(qs)):  # the same power of t
            size = abs(a).b
            if size == 0:
                continue
            if b.a <= 0:
                return None
            q = max(q, mpmath.mpf(size) / mpmath.mpf(b.a))
        q = q * (1 + mpmath.mpf(10) ** (-DPS // 2))  # over the rounding of the division
        return q if q < 1 else None

    name = str(var.name)
    total, k, check_at = Dual(iv.mpf(0)), start, start + 8
    while True:
        term = _lift(evaluate_fn(f, {**env, name: k}, MP))
        if not _is_zero(term.b):
            raise Unsupported("a derivative of a series")
        if k == check_at:
            q = contraction(k)
            if q is not None:
                tail = abs(term.a).b / (1 - q)
                size = max(mpmath.mpf(1), abs(_point(total.a)))
                if tail <= SERIES_TAIL * size:
                    return Dual(total.a + iv.mpf([-tail, tail]))
            check_at = start + 2 * (check_at - start)
        total = total + term
        k += 1
        if k - start > SERIES_MAX_TERMS:
            raise Unsupported(f"the series of {f} needs more than {SERIES_MAX_TERMS} terms before its tail is "
                              "bounded")


MP = Backend(
    name="mp",
    add=_exact_checked(operator.add),
    const=_num,
    matrix=_matrix,
    matmul=_matmul,
    transpose=lambda a: a.T.copy(),
    inverse=_square_only(_inverse, "inverse"),
    eye=lambda n: _diag_from_vector(_full(n, 1, 1)),
    full=_full,
    elementwise=_elementwise,
    hadamard=_exact_checked(operator.mul),
    diag_from_vector=_diag_from_vector,
    diag_of=lambda a: _matrix([[a[i, i]] for i in range(min(a.shape))]),
    trace=_square_only(_trace, "trace"),
    det=_square_only(_det, "determinant"),
    entry=lambda a, i, j: a[i, j],
    grad=_grad,
    jacobian=_jacobian,
    functions={
        sp.exp: _exp,
        sp.log: _log,
        sp.tanh: _tanh,
        sp.sin: _sin,
        sp.cos: _cos,
        sp.Abs: abs,
        sp.sign: _sign,
        sp.Max: _max,
        sp.Min: _min,
        sigmoid: _sigmoid,
        softplus: _softplus,
        logsumexp: _logsumexp,
        softmax: _softmax,
        sp.Heaviside: _heaviside,
        sp.factorial: _factorial,
    },
    is_matrix=_is_matrix,
)


@contextlib.contextmanager
def _precision():
    """`DPS` digits for mpmath's interval and ordinary contexts (the interval one has no workdps)."""
    saved = iv.prec
    iv.dps = DPS
    try:
        with mpmath.workdps(DPS):
            yield
    finally:
        iv.prec = saved


def mp_env(env: dict) -> dict:
    """An environment of exact values (SymPy rationals and matrices of them, sizes as ints) as
    enclosing intervals."""
    out = {}
    for name, value in env.items():
        if isinstance(value, int) and not isinstance(value, bool):
            out[name] = value
        elif isinstance(value, sp.MatrixBase):
            out[name] = _matrix([[_num(value[i, j]) for j in range(value.cols)] for i in range(value.rows)])
        else:
            out[name] = _num(value)
    return out


def mp_evaluate(expr, env: dict):
    """`expr` at the exact member `env`: an interval enclosing its value (computed at `DPS`
    digits with outward rounding), or an object array of them.  ValueError or ZeroDivisionError
    where it is undefined; `Unsupported` where SymPy must do it."""
    with _precision():
        value = evaluate(expr, mp_env(env), MP)
        out = []
        for x in entries(value):
            if isinstance(x, int) and not isinstance(x, bool):
                x = Dual(iv.mpf(x))
            if not isinstance(x, Dual) or not isinstance(x.a, iv.mpf):
                raise Unsupported(f"a value of type {type(x).__name__}")
            out.append(x.a)
    if not _is_matrix(value):
        return out[0]
    result = np.empty(value.shape, dtype=object)
    for idx, x in zip(np.ndindex(*value.shape), out):
        result[idx] = x
    return result


def entries(value) -> list:
    return list(value.flat) if _is_matrix(value) else [value]


def _point(x) -> mpmath.mpf:
    """The midpoint of an interval as an mpf."""
    with mpmath.workdps(DPS):
        return (mpmath.mpf(x._mpi_[0]) + mpmath.mpf(x._mpi_[1])) / 2


def difference(lhs, rhs) -> float:
    """The largest |lhs - rhs| over the entries of two `mp_evaluate` values (a scalar on the right
    stands for a matrix of it), with `reduce.mp_gap`'s rule for rounding: 0.0 when every gap is
    below 1e-30 of its sides.  A gap counts only when its enclosure stays away from that band;
    `Unsupported` when an enclosure is too wide to tell (cancellation)."""
    left, right = entries(lhs), entries(rhs)
    if len(right) == 1 and len(left) > 1:
        right = right * len(left)
    if len(left) != len(right):
        raise ShapeMismatch(f"the two sides have {len(left)} and {len(right)} entries")
    largest = 0.0
    with _precision():
        for x, y in zip(left, right):
            x, y = iv.mpf(x), iv.mpf(y)
            gap = abs(x - y)
            band = iv.mpf("1e-30") * max(1, abs(_point(x)), abs(_point(y)))
            if gap.a > band.b:
                largest = max(largest, float(_point(gap)))
            elif gap.b > band.a:  # neither clearly above the band nor clearly inside it
                raise Unsupported("an enclosure too wide to tell a difference from rounding")
    return largest


def value_tex(value) -> str:
    """A value of this backend as LaTeX, each entry (the midpoint of its enclosure) to 12
    significant digits after `\\approx`."""
    shown = []
    for x in entries(value):
        m = _point(x)
        shown.append(sp.Integer(0) if m == 0 else sp.Float(mpmath.nstr(m, 12), 12))
    return r"\approx " + sp.latex(sp.Matrix(value.shape[0], value.shape[1], shown) if _is_matrix(value) else shown[0])
