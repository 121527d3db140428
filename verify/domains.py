"""Domains: where a claim's symbols live, and how to draw members of them.

A domain knows four things about its members:

* `transform(raw, shape)`: a float64 member built from standard-normal `raw` numbers
  (`raw_shape(shape)` of them).  Sampling is `transform(normal(key))`, and the property search
  differentiates through `transform` to walk towards a violation while staying in the domain.
* `generic(name, shape)`: an explicit SymPy member with one symbol per free parameter, used by
  the symbolic path (a rotation as a rational Cayley transform, an SPD matrix as a symmetric
  matrix of symbols, a probability vector as normalised positive symbols, ...).
* `rational(rng, shape)`: a random *exact* member (rational entries) for symbolic disproof.
* `rationalize(value)`: an exact member near a float member, so that a numeric counterexample
  can be confirmed in exact arithmetic; `None` when no exact member can be made.

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


def _small_rational(rng: np.random.Generator, lo: float, hi: float) -> sp.Rational:
    den = int(rng.integers(1, 5))
    num = int(rng.integers(int(np.ceil(lo * den)), int(np.floor(hi * den)) + 1))
    return sp.Rational(num, den)


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
    """Any real number (drawn from a normal distribution with standard deviation `scale`)."""
    return Domain(
        name="real",
        description=f"real number (instances ~ N(0, {scale:g}^2))",
        scalar=True,
        transform=lambda raw, shape: scale * raw,
        raw_shape=_same,
        generic=lambda name, shape: sp.Symbol(name, real=True),
        rational=lambda rng, shape: _small_rational(rng, -5, 5),
        rationalize=lambda v: _q(v),
    )


def positive(lo: float = 1e-2, hi: float = 1e2) -> Domain:
    """A positive real, log-uniform in [lo, hi]."""
    import math

    a, b = math.log(lo), math.log(hi)

    def transform(raw, shape):
        import jax.numpy as jnp

        return jnp.exp(a + (b - a) * jax_cdf(raw))

    return Domain(
        name="positive",
        description=f"positive real (instances log-uniform in [{lo:g}, {hi:g}])",
        scalar=True,
        transform=transform,
        raw_shape=_same,
        generic=lambda name, shape: sp.Symbol(name, positive=True),
        rational=lambda rng, shape: _small_rational(rng, max(lo, 0.25), min(hi, 6)) or sp.Rational(1, 2),
        rationalize=lambda v: _q(v) if float(v) > 0 else None,
    )


def interval(lo: float, hi: float) -> Domain:
    """A real number in the open interval (lo, hi), uniform."""

    def transform(raw, shape):
        import jax

        return lo + (hi - lo) * jax.scipy.stats.norm.cdf(raw)

    def rational(rng, shape):
        while True:
            r = _small_rational(rng, lo, hi)
            if lo < r < hi:
                return r

    return Domain(
        name=f"interval({lo:g}, {hi:g})",
        description=f"real number in ({lo:g}, {hi:g}) (instances uniform)",
        scalar=True,
        transform=transform,
        raw_shape=_same,
        generic=lambda name, shape: sp.Symbol(name, real=True),
        rational=rational,
        rationalize=lambda v: _q(v) if lo < float(v) < hi else None,
    )


def probability() -> Domain:
    """A probability in (0, 1)."""
    d = interval(0.0, 1.0)
    return Domain(**{**d.__dict__, "name": "probability", "description": "probability in (0, 1)",
                     "generic": lambda name, shape: sp.Symbol(name, positive=True)})


# --- matrix domains ---------------------------------------------------------------------------


def general(scale: float = 1.0) -> Domain:
    """Any real matrix or vector (i.i.d. normal entries)."""
    return Domain(
        name="general",
        description=f"real matrix (i.i.d. N(0, {scale:g}^2) entries)",
        scalar=False,
        transform=lambda raw, shape: scale * raw,
        raw_shape=_same,
        generic=lambda name, shape: _symbols(name, shape, real=True),
        rational=lambda rng, shape: sp.ImmutableMatrix(*shape, lambda i, j: _small_rational(rng, -4, 4)),
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


def spd(delta: tuple[float, float] = (0.1, 1.0)) -> Domain:
    """Symmetric positive definite: M M^T + d I with M normal and d uniform in `delta`."""
    lo, hi = delta

    def transform(raw, shape):
        import jax
        import jax.numpy as jnp

        m = raw[:, :-1]
        d = lo + (hi - lo) * jax.scipy.stats.norm.cdf(raw[0, -1])
        return m @ m.T + d * jnp.eye(shape[0])

    def rational(rng, shape):
        m = general().rational(rng, shape)
        return sp.ImmutableMatrix(m * m.T + sp.eye(shape[0]))

    return Domain("spd", f"symmetric positive definite matrix (M M^T + d I, M normal, d in [{lo:g}, {hi:g}])",
                  False, transform, lambda s: (s[0], s[0] + 1), symmetric().generic, rational,
                  symmetric().rationalize, _square, "square")


def psd() -> Domain:
    """Symmetric positive semi-definite of random rank: M M^T with M of shape n x r, 1 <= r <= n."""

    def transform(raw, shape):
        import jax.numpy as jnp

        n = shape[0]
        m = raw[:, :n]
        # the rank is drawn from the last raw column: zero out columns beyond it
        r = 1 + jnp.floor(n * jax_cdf(raw[0, n])).clip(0, n - 1)
        mask = (jnp.arange(n) < r).astype(raw.dtype)
        m = m * mask[None, :]
        return m @ m.T

    def rational(rng, shape):
        n = shape[0]
        r = int(rng.integers(1, n + 1))
        m = sp.ImmutableMatrix(n, r, lambda i, j: _small_rational(rng, -3, 3))
        return sp.ImmutableMatrix(m * m.T)

    return Domain("psd", "symmetric positive semi-definite matrix of random rank (M M^T, M n x r)",
                  False, transform, lambda s: (s[0], s[0] + 1), symmetric().generic, rational,
                  symmetric().rationalize, _square, "square")


def jax_cdf(x):
    import jax

    return jax.scipy.stats.norm.cdf(x)


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


def orthogonal() -> Domain:
    """Orthogonal matrix: the Q factor of a normal matrix (signs fixed so that diag(R) > 0)."""

    def transform(raw, shape):
        import jax.numpy as jnp

        q, r = jnp.linalg.qr(raw)
        return q * jnp.sign(jnp.diagonal(r))[None, :]

    def generic(name, shape):
        n = shape[0]
        params = [sp.Symbol(f"{name}_t{k + 1}", real=True) for k in range(n * (n - 1) // 2)]
        return _cayley(_skew(params, n))

    def rational(rng, shape):
        n = shape[0]
        return _cayley(_skew([_small_rational(rng, -3, 3) for _ in range(n * (n - 1) // 2)], n))

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

    return Domain("orthogonal", "orthogonal matrix (Q of a QR factorisation; exact instances by the Cayley transform)",
                  False, transform, _same, generic, rational, rationalize, _square, "square")


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
                     "shape_rule": lambda s: s[0] >= s[1], "shape_rule_text": "rows >= cols"})


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


def any_rank() -> Domain:
    """Any real matrix: full rank or, for every other instance, with a duplicated column."""

    def transform(raw, shape):
        import jax.numpy as jnp

        dup = raw.at[1:, -1].set(raw[1:, 0])
        # the first raw entry decides: duplicated columns in about half of the instances
        return jnp.where(raw[0, 0] > 0, raw, dup) if shape[1] >= 2 else raw

    d = general()
    return Domain(**{**d.__dict__, "name": "any_rank", "transform": transform,
                     "description": "real matrix, tall or wide, about half of the instances rank-deficient "
                                    "(a duplicated column)"})


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
