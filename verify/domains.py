"""Domains: where a claim's symbols live, and how to draw members of them.

A domain knows these things about its members:

* `transform(raw, shape)`: a float64 member built from standard-normal `raw` numbers
  (`raw_shape(shape)` of them).  Sampling is `transform(normal(key))`, and the property search
  differentiates through `transform` to walk towards a violation while staying in the domain.
* `generic(name, shape)`: an explicit SymPy member with one symbol per free parameter, used by
  the symbolic path (a rotation as a rational Cayley transform, an SPD matrix as L L^T with a
  lower-triangular L of positive diagonal, a probability vector as normalised positive
  symbols, ...).
* `generic_members(name, shape)`: [(label, generic member), ...] that *together* cover the
  domain.  Most domains have one component (`generic` itself, label ""); O(n) has two
  (rotations and reflections), and a proof must hold on each of them.  `generic_note` says
  what the generic members still miss (a measure-zero set reached by continuity).
* `rational(rng, shape)`: a random *exact* member (rational entries) for symbolic disproof.
* `rationalize(value)`: an exact member near a float member, so that a numeric counterexample
  can be confirmed in exact arithmetic; `None` when no exact member can be made.

The project's rule is that "proved" means the whole claim on its whole domain, so random,
generic and exact members each cover the whole domain and stay inside it.

`shape_rule` says which shapes the domain accepts (SPD needs a square matrix, full column rank
needs rows >= cols), so that random sizes are drawn only where the domain makes sense.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable

import numpy as np
import sympy as sp

Shape = tuple  # () for a scalar, (rows, cols) for a matrix


@dataclass(frozen=True)
class Domain:
    name: str
    description: str
    scalar: bool
    transform: Callable
    raw_shape: Callable[[Shape], Shape]
    generic: Callable[[str, Shape], object]
    rational: Callable[[np.random.Generator, Shape], object]
    rationalize: Callable[[np.ndarray], object]
    shape_rule: Callable[[Shape], bool] = lambda shape: True
    shape_rule_text: str = ""
    kink_free: bool = True
    # (name, shape) -> [(label, generic member), ...] whose union covers the domain, when one
    # parameterisation cannot (O(n) has two connected components); None: `generic` alone covers it
    components: Callable[[str, Shape], list] | None = None
    # what the generic members miss, for the report ("" when they cover the domain exactly)
    generic_note: str = ""

    def generic_members(self, name: str, shape: Shape) -> list:
        """[(label, generic member), ...] that together cover the domain; a proof must hold on each."""
        if self.components is not None:
            return list(self.components(name, shape))
        return [("", self.generic(name, shape))]

    def sample(self, key, shape: Shape):
        import jax

        return self.transform(jax.random.normal(key, self.raw_shape(shape), dtype="float64"), shape)

    def __repr__(self) -> str:
        return f"<domain {self.name}>"


# --- helpers ----------------------------------------------------------------------------------


def _q(x: float) -> sp.Rational:
    """The exact rational value of a float (binary floats are rationals)."""
    f = Fraction(float(x))
    return sp.Rational(f.numerator, f.denominator)


def _sympy(f: Fraction) -> sp.Rational:
    return sp.Rational(f.numerator, f.denominator)


def _typed(x: float) -> Fraction:
    """The shortest decimal that rounds to the float x, exactly: 0.1 -> 1/10, the number typed."""
    return Fraction(repr(float(x)))


def _bounds(lo: float, hi: float) -> tuple[Fraction, Fraction]:
    """Exact bounds that lie inside [lo, hi] both as binary floats and as typed decimals, so that
    a rational between them is a member whichever reading of the bounds is compared with."""
    return max(Fraction(lo), _typed(lo)), min(Fraction(hi), _typed(hi))


def _small_rational(rng: np.random.Generator, lo: float, hi: float) -> sp.Rational:
    """A random rational num/den in [lo, hi] with den in 1..4 (needs hi - lo >= 1)."""
    den = int(rng.integers(1, 5))
    num = int(rng.integers(int(np.ceil(lo * den)), int(np.floor(hi * den)) + 1))
    return sp.Rational(num, den)


def _rational_near(target: Fraction, inside: Callable[[Fraction], bool], slack: Fraction,
                   den: int) -> sp.Rational:
    """The rational closest to `target` with denominator at most den, 10 den, 100 den, ...: the
    first that passes `inside` and lies within `slack` of the target.

    Small denominators first (exact arithmetic stays fast); the search ends because a large
    enough bound returns `target` itself, which must pass `inside`."""
    while True:
        r = target.limit_denominator(den)
        if inside(r) and abs(r - target) <= slack:
            return _sympy(r)
        den *= 10


def _real_rational(rng: np.random.Generator, scale: sp.Rational) -> sp.Rational:
    """A real number: num/den in [-5, 5] (den <= 4), times 10 or 100 with probability 1/6 each,
    then times `scale`: exact members that reach far out on the line (a claim failing only for
    |t| > 5 is caught too), while most stay small (cheap exact arithmetic)."""
    x = _small_rational(rng, -5, 5)
    u = rng.random()
    factor = 100 if u < 1 / 6 else 10 if u < 1 / 3 else 1
    return scale * factor * x


def _entry_rational(rng: np.random.Generator, scale: sp.Rational) -> sp.Rational:
    """A matrix entry: num/den in [-4, 4] (den <= 4), times 3 with probability 3/20, then times
    `scale`: so entries reach +-12, and products of them much further.

    Moderate on purpose: matrices feed tanh, sigmoid and exp in network claims, and SymPy's exact
    evaluation of those at large arguments is slow (entries times 10 or 100 as for `real` made
    the nn.backprop proofs about ten times slower: dw 4.6 s -> 54 s)."""
    factor = 3 if rng.random() < 3 / 20 else 1
    return scale * factor * _small_rational(rng, -4, 4)


def _symbols(name: str, shape: Shape, **assumptions):
    rows, cols = shape
    return sp.ImmutableMatrix(rows, cols, lambda i, j: sp.Symbol(_entry_name(name, i, j, cols), **assumptions))


def _entry_name(name: str, i: int, j: int, cols: int) -> str:
    return f"{name}_{i + 1}" if cols == 1 else f"{name}_{i + 1}{j + 1}"


def _exact(value) -> sp.ImmutableMatrix:
    value = np.asarray(value, dtype=float)
    return sp.ImmutableMatrix(value.shape[0], value.shape[1], lambda i, j: _q(value[i, j]))


def _same(shape: Shape) -> Shape:
    return shape


# --- scalar domains ---------------------------------------------------------------------------


def real(scale: float = 1.0) -> Domain:
    """Any real number (drawn from a normal distribution with standard deviation `scale`).

    Exact members are num/den with den <= 4, |num/den| <= 5, times 10 or 100 with probability
    1/6 each (then times `scale`), so that they reach the whole line, not only [-5, 5]."""
    exact_scale = _sympy(_typed(scale))
    return Domain(
        name="real",
        description=f"real number (instances ~ N(0, {scale:g}^2))",
        scalar=True,
        transform=lambda raw, shape: scale * raw,
        raw_shape=_same,
        generic=lambda name, shape: sp.Symbol(name, real=True),
        rational=lambda rng, shape: _real_rational(rng, exact_scale),
        rationalize=lambda v: _q(v),
    )


def positive(lo: float = 1e-2, hi: float = 1e2) -> Domain:
    """A positive real, log-uniform in [lo, hi] (0 < lo < hi).

    Exact members: a log-uniform target t in [lo, hi], then the rational with the smallest
    denominator bound (1..4, then 10x, 100x, ...) within t/8 of t and inside [lo, hi]."""
    import math

    a, b = math.log(lo), math.log(hi)
    lo_x, hi_x = _bounds(lo, hi)

    def transform(raw, shape):
        import jax.numpy as jnp

        return jnp.exp(a + (b - a) * jax_cdf(raw))

    def rational(rng, shape):
        target = min(max(Fraction(math.exp(a + (b - a) * rng.random())), lo_x), hi_x)
        return _rational_near(target, lambda r: lo_x <= r <= hi_x, target / 8, int(rng.integers(1, 5)))

    return Domain(
        name="positive",
        description=f"positive real (instances log-uniform in [{lo:g}, {hi:g}])",
        scalar=True,
        transform=transform,
        raw_shape=_same,
        generic=lambda name, shape: sp.Symbol(name, positive=True),
        rational=rational,
        rationalize=lambda v: _q(v) if float(v) > 0 else None,
    )


def interval(lo: float, hi: float) -> Domain:
    """A real number in the open interval (lo, hi), uniform.

    The generic member is lo + (hi - lo) u / (1 + u) with u > 0 (u = (x - lo) / (hi - x), the
    odds of x's position), which is exactly the open interval: SymPy then knows x - lo > 0 and
    hi - x > 0.  Exact members: a target k/1000 of the way across, then the rational with the
    smallest denominator within an eighth of the width of it and strictly inside, so that even
    a narrow interval such as (0.1, 0.11) has exact members."""
    lo_x, hi_x = _bounds(lo, hi)
    lo_g, hi_g = _sympy(_typed(lo)), _sympy(_typed(hi))

    def transform(raw, shape):
        return lo + (hi - lo) * jax_cdf(raw)

    def generic(name, shape):
        u = sp.Symbol(f"{name}_odds", positive=True)
        return lo_g + (hi_g - lo_g) * u / (1 + u)

    def rational(rng, shape):
        target = lo_x + (hi_x - lo_x) * Fraction(int(rng.integers(1, 1000)), 1000)
        return _rational_near(target, lambda r: lo_x < r < hi_x, (hi_x - lo_x) / 8, int(rng.integers(1, 5)))

    return Domain(
        name=f"interval({lo:g}, {hi:g})",
        description=f"real number in ({lo:g}, {hi:g}) (instances uniform)",
        scalar=True,
        transform=transform,
        raw_shape=_same,
        generic=generic,
        rational=rational,
        rationalize=lambda v: _q(v) if lo < float(v) < hi else None,
    )


def probability() -> Domain:
    """A probability in (0, 1): interval(0, 1), whose generic member is u / (1 + u) with u > 0."""
    d = interval(0.0, 1.0)
    return Domain(**{**d.__dict__, "name": "probability", "description": "probability in (0, 1)"})


# --- matrix domains ---------------------------------------------------------------------------


def general(scale: float = 1.0) -> Domain:
    """Any real matrix or vector (i.i.d. normal entries).

    Exact entries are num/den with den <= 4, |num/den| <= 4, times 3 with probability 3/20, then
    times `scale` (see `_entry_rational`)."""
    exact_scale = _sympy(_typed(scale))
    return Domain(
        name="general",
        description=f"real matrix (i.i.d. N(0, {scale:g}^2) entries)",
        scalar=False,
        transform=lambda raw, shape: scale * raw,
        raw_shape=_same,
        generic=lambda name, shape: _symbols(name, shape, real=True),
        rational=lambda rng, shape: sp.ImmutableMatrix(*shape, lambda i, j: _entry_rational(rng, exact_scale)),
        rationalize=_exact,
    )


def vector(scale: float = 1.0) -> Domain:
    """A real column vector (i.i.d. normal entries)."""
    d = general(scale)
    return Domain(**{**d.__dict__, "name": "vector", "description": f"real column vector (i.i.d. N(0, {scale:g}^2) entries)",
                     "shape_rule": lambda s: s[1] == 1, "shape_rule_text": "a column vector (n x 1)"})


def _square(shape: Shape) -> bool:
    return shape[0] == shape[1]


def symmetric() -> Domain:
    """A real symmetric matrix, (M + M^T) / 2 with M normal."""

    def transform(raw, shape):
        return (raw + raw.T) / 2

    def generic(name, shape):
        n = shape[0]
        return sp.ImmutableMatrix(n, n, lambda i, j: sp.Symbol(_entry_name(name, min(i, j), max(i, j), n), real=True))

    def rational(rng, shape):
        m = general().rational(rng, shape)
        return sp.ImmutableMatrix((m + m.T) / 2)

    return Domain("symmetric", "real symmetric matrix", False, transform, _same, generic, rational,
                  lambda v: sp.ImmutableMatrix((_exact(v) + _exact(v).T) / 2), _square, "square")


def _cholesky_generic(name: str, n: int, **diagonal) -> sp.ImmutableMatrix:
    """L L^T with L lower-triangular: diagonal symbols with the given assumptions (positive for
    SPD, nonnegative for PSD), entries below it real.  Every SPD matrix has exactly one such
    factor with a positive diagonal, and every PSD matrix has one with a nonnegative diagonal,
    so the member is the whole cone, and SymPy sees its positivity (L11^2 > 0, ...)."""
    sep = "" if n < 10 else "_"

    def entry(i, j):
        if j > i:
            return sp.Integer(0)
        assumptions = diagonal if i == j else {"real": True}
        return sp.Symbol(f"{name}_L{i + 1}{sep}{j + 1}", **assumptions)

    low = sp.Matrix(n, n, entry)
    return sp.ImmutableMatrix(low * low.T)


def _positive_rational(rng: np.random.Generator) -> sp.Rational:
    """num/den with num in 1..8 and den in 1..4: from 1/4 to 8."""
    return sp.Rational(int(rng.integers(1, 9)), int(rng.integers(1, 5)))


RANK_TOL = 1e-9  # a float matrix with sigma_min <= RANK_TOL * sigma_max is treated as singular


def spd(delta: tuple[float, float] = (0.1, 1.0)) -> Domain:
    """Symmetric positive definite: M M^T + d I with M normal and d uniform in `delta`.

    Generic member L L^T (L lower-triangular, positive diagonal symbols): the whole SPD cone.
    Exact members L L^T with rational L (diagonal in [1/4, 8], below it in [-3, 3]), which
    reach SPD matrices of every eigenvalue spread.  `rationalize` keeps the rationalized
    Cholesky factor, so the exact member is positive definite exactly."""
    lo, hi = delta

    def transform(raw, shape):
        import jax.numpy as jnp

        m = raw[:, :-1]
        d = lo + (hi - lo) * jax_cdf(raw[0, -1])
        return m @ m.T + d * jnp.eye(shape[0])

    def generic(name, shape):
        return _cholesky_generic(name, shape[0], positive=True)

    def rational(rng, shape):
        n = shape[0]
        low = sp.Matrix(n, n, lambda i, j: _positive_rational(rng) if i == j
                        else (_small_rational(rng, -3, 3) if i > j else sp.Integer(0)))
        return sp.ImmutableMatrix(low * low.T)

    def rationalize(value):
        v = np.asarray(value, dtype=float)
        try:
            low = np.linalg.cholesky((v + v.T) / 2)
        except np.linalg.LinAlgError:
            return None  # not numerically positive definite: no exact SPD member near it
        exact = _exact(low)
        return sp.ImmutableMatrix(exact * exact.T)

    return Domain("spd", f"symmetric positive definite matrix (M M^T + d I, M normal, d in [{lo:g}, {hi:g}])",
                  False, transform, lambda s: (s[0], s[0] + 1), generic, rational, rationalize, _square, "square",
                  generic_note="L L^T with L lower-triangular of positive diagonal: every SPD matrix (its "
                               "Cholesky factor is unique)")


def psd() -> Domain:
    """Symmetric positive semi-definite of random rank: M M^T with M of shape n x r, 1 <= r <= n.

    Generic member L L^T (L lower-triangular, nonnegative diagonal symbols): the whole PSD cone.
    `rationalize` keeps the float member's numerical rank: eigenvalues below RANK_TOL times the
    largest are dropped, and the exact member is M M^T for the rationalized factor M."""

    def transform(raw, shape):
        import jax.numpy as jnp

        n = shape[0]
        m = raw[:, :n]
        # the rank is drawn from the last raw column: zero out columns beyond it
        r = 1 + jnp.floor(n * jax_cdf(raw[0, n])).clip(0, n - 1)
        mask = (jnp.arange(n) < r).astype(raw.dtype)
        m = m * mask[None, :]
        return m @ m.T

    def generic(name, shape):
        return _cholesky_generic(name, shape[0], nonnegative=True)

    def rational(rng, shape):
        n = shape[0]
        r = int(rng.integers(1, n + 1))
        m = sp.ImmutableMatrix(n, r, lambda i, j: _small_rational(rng, -3, 3))
        return sp.ImmutableMatrix(m * m.T)

    def rationalize(value):
        v = np.asarray(value, dtype=float)
        v = (v + v.T) / 2
        eigenvalues, vectors = np.linalg.eigh(v)
        top = max(float(np.abs(eigenvalues).max()), np.finfo(float).tiny)
        if eigenvalues.min() < -RANK_TOL * top:
            return None  # a clearly negative eigenvalue: not PSD
        keep = eigenvalues > RANK_TOL * top
        factor = _exact(vectors[:, keep] * np.sqrt(eigenvalues[keep])[None, :]) if keep.any() \
            else sp.zeros(v.shape[0], 1)
        return sp.ImmutableMatrix(factor * factor.T)

    return Domain("psd", "symmetric positive semi-definite matrix of random rank (M M^T, M n x r)",
                  False, transform, lambda s: (s[0], s[0] + 1), generic, rational, rationalize, _square, "square",
                  generic_note="L L^T with L lower-triangular of nonnegative diagonal: every PSD matrix "
                               "(singular ones included)")


# The standard normal CDF maps a raw draw to (0, 1), but in float64 it reaches 1.0 exactly from
# z = 8.3 on, and -log(cdf(z)) (an Exp(1) draw) is infinite from z = -38.5 down: a bounded domain
# built on it would hand out its open boundary (an interval's upper end, a stochastic row of
# 0/0) for the large raw values the violation search visits (verify.search: starts at 10 times
# the scale, steps up to +-100).  Raw values are therefore clipped to +-CDF_RAW_LIMIT first: every
# member then keeps a distance of cdf(-6) ~ 1e-9 (relative to the width) from an open boundary,
# where float64 still resolves it (a damping factor d <= 1 - 1e-9 leaves I - d P with condition
# number ~1e9, not 1e16).  Random draws are unchanged except with probability 2e-9 per entry.
CDF_RAW_LIMIT = 6.0


def jax_cdf(x):
    """The standard normal CDF of the raw draw clipped to +-CDF_RAW_LIMIT (strictly inside (0, 1))."""
    import jax
    import jax.numpy as jnp

    return jax.scipy.stats.norm.cdf(jnp.clip(x, -CDF_RAW_LIMIT, CDF_RAW_LIMIT))


def _cayley(s):
    n = s.shape[0]
    eye = sp.eye(n)
    return sp.ImmutableMatrix(((eye - s) * (eye + s).inv()).applyfunc(sp.cancel))


def _skew(params, n):
    s = sp.zeros(n, n)
    k = 0
    for i in range(n):
        for j in range(i + 1, n):
            s[i, j], s[j, i] = params[k], -params[k]
            k += 1
    return s


def _reflect_first_column(q) -> sp.ImmutableMatrix:
    """q diag(-1, 1, ..., 1): a bijection between rotations and reflections of R^n."""
    m = sp.Matrix(q)
    m[:, 0] = -m[:, 0]
    return sp.ImmutableMatrix(m)


ROTATIONS = "det Q = +1 (Cayley parameterisation)"
REFLECTIONS = "det Q = -1 (Cayley rotation times diag(-1, 1, ..., 1))"


def orthogonal() -> Domain:
    """Orthogonal matrix: the Q factor of a normal matrix (signs fixed so that diag(R) > 0).

    O(n) has two components, det Q = +1 and det Q = -1.  The Cayley transform
    Q = (I - S)(I + S)^{-1} of a skew-symmetric S gives the rotations, and Q diag(-1, 1, ..., 1)
    the reflections; `generic_members` returns both and `generic` (kept for callers that want
    one member) the rotations.  Exact members are Cayley rotations of rational S, with the first
    column negated with probability 1/2.  For n = 1, O(1) = {+1, -1}."""

    def transform(raw, shape):
        import jax.numpy as jnp

        q, r = jnp.linalg.qr(raw)
        return q * jnp.sign(jnp.diagonal(r))[None, :]

    def generic(name, shape):
        n = shape[0]
        params = [sp.Symbol(f"{name}_t{k + 1}", real=True) for k in range(n * (n - 1) // 2)]
        return _cayley(_skew(params, n))

    def components(name, shape):
        rotation = generic(name, shape)
        return [(ROTATIONS, rotation), (REFLECTIONS, _reflect_first_column(rotation))]

    def rational(rng, shape):
        n = shape[0]
        q = _cayley(_skew([_small_rational(rng, -3, 3) for _ in range(n * (n - 1) // 2)], n))
        return _reflect_first_column(q) if rng.random() < 0.5 else q

    def rationalize(value):
        q = np.asarray(value, dtype=float)
        n = q.shape[0]
        flip = np.eye(n)
        if np.linalg.det(q) < 0:
            flip[0, 0] = -1.0
        qp = q @ flip
        if abs(np.linalg.det(np.eye(n) + qp)) < 1e-8:
            return None
        s = (np.eye(n) - qp) @ np.linalg.inv(np.eye(n) + qp)
        params = [_q(s[i, j]) for i in range(n) for j in range(i + 1, n)]
        return sp.ImmutableMatrix(_cayley(_skew(params, n)) * sp.ImmutableMatrix(_exact(flip)))

    return Domain("orthogonal", "orthogonal matrix (Q of a QR factorisation; exact instances by the Cayley transform, "
                  "rotations and reflections)",
                  False, transform, _same, generic, rational, rationalize, _square, "square",
                  components=components,
                  generic_note="The Cayley transform misses the rotations with eigenvalue -1 (and the reflections "
                               "Q with Q diag(-1, 1, ..., 1) having eigenvalue -1), a closed set of measure zero; "
                               "an identity between functions continuous there extends to it by continuity.")


def diagonal_positive(lo: float = 1e-2, hi: float = 1e2) -> Domain:
    """Diagonal matrix with positive diagonal, log-uniform in [lo, hi]."""
    pos = positive(lo, hi)

    def transform(raw, shape):
        import jax.numpy as jnp

        return jnp.diag(pos.transform(raw[:, 0], None))

    def generic(name, shape):
        return sp.ImmutableMatrix(sp.diag(*[sp.Symbol(f"{name}_{i + 1}", positive=True) for i in range(shape[0])]))

    def rational(rng, shape):
        return sp.ImmutableMatrix(sp.diag(*[pos.rational(rng, ()) for _ in range(shape[0])]))

    def rationalize(value):
        v = np.asarray(value, dtype=float)
        return sp.ImmutableMatrix(sp.diag(*[_q(v[i, i]) for i in range(v.shape[0])]))

    return Domain("diagonal_positive", f"diagonal matrix with positive diagonal (log-uniform in [{lo:g}, {hi:g}])",
                  False, transform, lambda s: (s[0], 1), generic, rational, rationalize, _square, "square")


def diagonal_nonnegative() -> Domain:
    """Diagonal matrix with non-negative diagonal (a PSD eigenvalue matrix); some entries exactly 0."""

    def transform(raw, shape):
        import jax.numpy as jnp

        vals = jnp.where(raw[:, 1] > 1.0, 0.0, jnp.exp(raw[:, 0]))
        return jnp.diag(vals)

    def generic(name, shape):
        return sp.ImmutableMatrix(sp.diag(*[sp.Symbol(f"{name}_{i + 1}", nonnegative=True) for i in range(shape[0])]))

    def rational(rng, shape):
        return sp.ImmutableMatrix(sp.diag(*[sp.Rational(int(rng.integers(0, 6)), int(rng.integers(1, 4))) for _ in range(shape[0])]))

    return Domain("diagonal_nonnegative", "diagonal matrix with non-negative diagonal (about 1 in 6 entries exactly 0)",
                  False, transform, lambda s: (s[0], 2), generic, rational, diagonal_positive().rationalize,
                  _square, "square")


def full_column_rank() -> Domain:
    """Tall or square matrix with independent columns (normal entries, rows >= cols)."""
    d = general()
    return Domain(**{**d.__dict__, "name": "full_column_rank",
                     "description": "matrix with full column rank (normal entries, rows >= cols)",
                     "shape_rule": lambda s: s[0] >= s[1], "shape_rule_text": "rows >= cols",
                     "generic_note": "independent real symbols: a generic matrix, which has full column rank "
                                     "except on a set of measure zero"})


def rank_deficient() -> Domain:
    """Matrix whose last column duplicates its first (rank < number of columns)."""

    def transform(raw, shape):
        return raw.at[:, -1].set(raw[:, 0])

    def generic(name, shape):
        m = sp.Matrix(_symbols(name, shape, real=True))
        m[:, -1] = m[:, 0]
        return sp.ImmutableMatrix(m)

    def rational(rng, shape):
        m = sp.Matrix(general().rational(rng, shape))
        m[:, -1] = m[:, 0]
        return sp.ImmutableMatrix(m)

    def rationalize(value):
        m = sp.Matrix(_exact(value))
        m[:, -1] = m[:, 0]
        return sp.ImmutableMatrix(m)

    return Domain("rank_deficient", "rank-deficient matrix (last column duplicates the first)", False,
                  transform, _same, generic, rational, rationalize, lambda s: s[1] >= 2, "at least 2 columns")


def _fresh_normal(z):
    """For z >= 0 (a standard normal conditioned on z >= 0), a standard normal again:
    u = 2 Phi(z) - 1 = erf(z / sqrt 2) is uniform on [0, 1), and Phi^{-1}(u) is normal.  The
    upper half uses Phi^{-1}(u) = -Phi^{-1}(1 - u) with 1 - u = erfc(z / sqrt 2), which is
    accurate where u is close to 1; both arguments are clipped so that neither branch of the
    `where` is infinite (an infinite unused branch still poisons the gradient)."""
    import jax.numpy as jnp
    from jax.scipy.special import erf, erfc
    from jax.scipy.stats import norm

    tiny = 1e-300
    u = jnp.clip(erf(z / jnp.sqrt(2.0)), tiny, 1 - 1e-16)
    rest = jnp.clip(erfc(z / jnp.sqrt(2.0)), tiny, 1 - 1e-16)
    return jnp.where(u < 0.5, norm.ppf(u), -norm.ppf(rest))


def _any_rank_tall(raw):
    """`raw` (m x n, m >= n >= 2) made full rank or rank-deficient, about half each.

    The last entry z = raw[-1, -1] decides: for z < 0 the last column becomes C w, where C is
    the other n - 1 columns and w = raw[:n-1, -1] / sqrt(n - 1) (entries of that same column,
    which it overwrites; the scaling keeps the entries' variance near 1), so rank <= n - 1; such
    members reach every rank-deficient matrix whose first n - 1 columns are independent.  For
    z >= 0 the matrix is raw with z redrawn as a fresh normal, so the full-rank half is not
    biased towards a positive last entry."""
    import jax.numpy as jnp

    n = raw.shape[1]
    z = raw[-1, -1]
    w = raw[: n - 1, -1] / np.sqrt(n - 1)
    deficient = raw.at[:, -1].set(raw[:, :-1] @ w)
    full = raw.at[-1, -1].set(_fresh_normal(jnp.abs(z)))
    return jnp.where(z < 0, deficient, full)


def any_rank() -> Domain:
    """Any real matrix, tall or wide: about half of the instances have rank < min(rows, cols).

    In a tall or square matrix the last column is made a combination of the others, in a wide
    one the last row a combination of the other rows (duplicating a column of a wide matrix
    would not lower its rank).  A matrix with min(rows, cols) = 1 is rank-deficient only when
    it is zero, so it is left full rank.  Exact members follow the same rule, and
    `rationalize` keeps a float member's deficiency (sigma_min <= RANK_TOL sigma_max): it
    projects out the exact rational of the numerical null vector.  The generic members are
    two components: independent entries (every matrix, full rank at generic values) and the
    rank-deficient stratum (last column or row a combination of the others with symbolic
    coefficients)."""

    def transform(raw, shape):
        rows, cols = shape
        if min(rows, cols) < 2:
            return raw
        return _any_rank_tall(raw) if rows >= cols else _any_rank_tall(raw.T).T

    def deficient(m, coefficients):
        """m with its last column (tall) or last row (wide) replaced by a combination of the
        others with the given coefficients."""
        tall = sp.Matrix(m) if m.rows >= m.cols else sp.Matrix(m).T
        tall[:, -1] = tall[:, :-1] * sp.Matrix(coefficients)
        return sp.ImmutableMatrix(tall if m.rows >= m.cols else tall.T)

    def components(name, shape):
        full = general().generic(name, shape)
        k = min(shape)
        if k < 2:
            return [("", full)]
        coefficients = [sp.Symbol(f"{name}_c{j + 1}", real=True) for j in range(k - 1)]
        return [("independent entries (full rank at generic values)", full),
                ("rank < min(rows, cols) (last column or row a combination of the others)",
                 deficient(full, coefficients))]

    def rational(rng, shape):
        m = general().rational(rng, shape)
        if min(shape) < 2 or rng.random() < 0.5:
            return m
        return deficient(m, [_small_rational(rng, -2, 2) for _ in range(min(shape) - 1)])

    def rationalize(value):
        v = np.asarray(value, dtype=float)
        exact = _exact(v)
        if min(v.shape) < 2:
            return exact
        left, sigma, right = np.linalg.svd(v)
        if sigma[-1] > RANK_TOL * sigma[0]:
            return exact
        # numerically singular: remove the component along the (exact rational) null vector,
        # so that the exact member is singular too and within ~sigma_min of the float one
        if v.shape[0] >= v.shape[1]:
            null = _exact(right[-1][:, None])
            return sp.ImmutableMatrix(exact - exact * null * null.T / (null.T * null)[0])
        null = _exact(left[:, -1][:, None])
        return sp.ImmutableMatrix(exact - null * (null.T * exact) / (null.T * null)[0])

    d = general()
    return Domain(**{**d.__dict__, "name": "any_rank", "transform": transform, "rational": rational,
                     "rationalize": rationalize, "components": components,
                     "description": "real matrix, tall or wide, about half of the instances rank-deficient "
                                    "(last column, or last row of a wide matrix, a combination of the others)",
                     "generic_note": "the rank-deficient component reaches the deficient matrices whose first "
                                     "min(rows, cols) - 1 columns (rows) are independent; the rest is a set of "
                                     "lower dimension"})


def simplex() -> Domain:
    """Probability vector: Dirichlet(1, ..., 1) (normalised exponential draws)."""

    def transform(raw, shape):
        import jax.numpy as jnp

        e = -jnp.log(jax_cdf(raw))  # Exp(1) draws
        return e / jnp.sum(e)

    def generic(name, shape):
        a = _symbols(name, shape, positive=True)
        return sp.ImmutableMatrix(a / sum(a))

    def rational(rng, shape):
        a = sp.ImmutableMatrix(*shape, lambda i, j: sp.Integer(int(rng.integers(1, 7))))
        return sp.ImmutableMatrix(a / sum(a))

    def rationalize(value):
        a = _exact(value)
        if any(x <= 0 for x in a):
            return None
        return sp.ImmutableMatrix(a / sum(a))

    return Domain("simplex", "probability vector (Dirichlet(1,...,1)); all entries positive, summing to 1",
                  False, transform, _same, generic, rational, rationalize, lambda s: s[1] == 1, "a column vector")


def joint_pmf() -> Domain:
    """Joint probability table of two finite random variables: positive entries summing to 1."""
    d = simplex()
    return Domain(**{**d.__dict__, "name": "joint_pmf",
                     "description": "joint probability table (Dirichlet(1,...,1) over all cells)",
                     "shape_rule": lambda s: True, "shape_rule_text": ""})


def stochastic() -> Domain:
    """Row-stochastic matrix: every row a Dirichlet(1, ..., 1) probability vector."""

    def transform(raw, shape):
        import jax.numpy as jnp

        e = -jnp.log(jax_cdf(raw))
        return e / jnp.sum(e, axis=1, keepdims=True)

    def generic(name, shape):
        a = _symbols(name, shape, positive=True)
        return sp.ImmutableMatrix(shape[0], shape[1], lambda i, j: a[i, j] / sum(a[i, :]))

    def rational(rng, shape):
        a = sp.ImmutableMatrix(*shape, lambda i, j: sp.Integer(int(rng.integers(1, 7))))
        return sp.ImmutableMatrix(shape[0], shape[1], lambda i, j: a[i, j] / sum(a[i, :]))

    def rationalize(value):
        a = _exact(value)
        return sp.ImmutableMatrix(a.rows, a.cols, lambda i, j: a[i, j] / sum(a[i, :]))

    return Domain("stochastic", "row-stochastic matrix (each row Dirichlet(1,...,1))", False,
                  transform, _same, generic, rational, rationalize)


def with_intercept() -> Domain:
    """Design matrix whose first column is all ones (an intercept), other entries normal."""

    def transform(raw, shape):
        return raw.at[:, 0].set(1.0)

    def generic(name, shape):
        m = sp.Matrix(_symbols(name, shape, real=True))
        m[:, 0] = sp.ones(shape[0], 1)
        return sp.ImmutableMatrix(m)

    def rational(rng, shape):
        m = sp.Matrix(general().rational(rng, shape))
        m[:, 0] = sp.ones(shape[0], 1)
        return sp.ImmutableMatrix(m)

    def rationalize(value):
        m = sp.Matrix(_exact(value))
        m[:, 0] = sp.ones(m.rows, 1)
        return sp.ImmutableMatrix(m)

    return Domain("with_intercept", "design matrix with a leading column of ones, other entries normal", False,
                  transform, _same, generic, rational, rationalize)


def constant(value_fn: Callable[[Shape], np.ndarray], description: str) -> Domain:
    """A fixed matrix determined by its shape (e.g. diag(0, 1, ..., 1)); no randomness."""

    def transform(raw, shape):
        import jax.numpy as jnp

        return jnp.asarray(value_fn(shape), dtype=jnp.float64) + 0.0 * raw

    return Domain("constant", description, False, transform, _same,
                  lambda name, shape: _exact(value_fn(shape)),
                  lambda rng, shape: _exact(value_fn(shape)),
                  lambda v: _exact(value_fn(np.asarray(v).shape)))


ALL = {
    "real": real, "positive": positive, "interval": interval, "probability": probability,
    "general": general, "vector": vector, "symmetric": symmetric, "spd": spd, "psd": psd,
    "orthogonal": orthogonal, "diagonal_positive": diagonal_positive,
    "diagonal_nonnegative": diagonal_nonnegative, "full_column_rank": full_column_rank,
    "rank_deficient": rank_deficient, "any_rank": any_rank, "simplex": simplex,
    "joint_pmf": joint_pmf, "stochastic": stochastic, "with_intercept": with_intercept,
    "constant": constant,
}


def __getattr__(name: str):
    """`domains.spdd()` names the domains that exist instead of a bare AttributeError."""
    if name.startswith("_"):  # dunder and private lookups (pickle, inspect) are not typos
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from ._errors import UnknownDomainError

    raise UnknownDomainError(name, sorted(ALL))
