"""Distributions and the statement `ExpectationOver`: expectations of a formula under named
distributions, discrete and continuous.

.. math::  \\mathbb{E}_{X \\sim \\mathcal{N}(\\mu, \\sigma^2)}[g(X)] = c

`ExpectationOver(expr, over={X: Normal(mu, sigma)}, equals=c)` claims that the expectation of
`expr` (a scalar, or an explicit matrix of integrands checked entry by entry) under the
distributions in `over` equals `equals`.  The random variables (the keys of `over`) are bound,
like the index of a sum: they need no domain.  The parameters of a distribution are SymPy
expressions in the claim's own symbols, so they get domains, appear in the report and can be
mutated.  `equals` may itself be `Expected(expr, over)`: an expectation under other
distributions (the risk under a joint density against the same integrand under the product of
its marginals).

The variables in `over` are independent of each other, except that a `Deterministic(expr)`
variable is a function of the variables listed before it, and a key that is a tuple of variables
(`(X, Y): Categorical(((x1, y1), (x2, y2)), (p1, p2))`) has a joint distribution.

This module only describes; `verify.expectations` decides (SymPy integrals and sums on the
symbolic path; exact sums, Gauss quadrature or Monte Carlo on the numeric path).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import sympy as sp


def _expr(value, what: str):
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{what} is the text {value!r}; build it from SymPy objects (dlverify never parses text)")
    return sp.sympify(value, strict=True)


class Distribution:
    """Base of the named distributions: `parameters` (SymPy expressions, in a fixed order),
    `with_parameters(new)` (the same distribution with other parameters: mutation), `arity` (how
    many variables it draws at once), `finite` (finite support: its expectations are exact
    sums), and `tex(printer)`."""

    arity = 1
    finite = False
    name = ""

    @property
    def parameters(self) -> tuple:
        return tuple(getattr(self, f) for f in self._fields)

    def with_parameters(self, new) -> "Distribution":
        return type(self)(*new)

    def tex(self, p) -> str:  # pragma: no cover - each class has its own
        raise NotImplementedError


@dataclass(frozen=True)
class Normal(Distribution):
    """N(mu, sigma^2): `sigma` is the standard deviation (> 0)."""

    mu: Any
    sigma: Any
    _fields = ("mu", "sigma")
    name = "normal"

    def __post_init__(self):
        object.__setattr__(self, "mu", _expr(self.mu, "Normal mu"))
        object.__setattr__(self, "sigma", _expr(self.sigma, "Normal sigma"))

    def density(self, x):
        return sp.exp(-(x - self.mu) ** 2 / (2 * self.sigma ** 2)) / sp.sqrt(2 * sp.pi * self.sigma ** 2)

    def tex(self, p) -> str:
        return r"\mathcal{N}\left(%s, %s\right)" % (p(self.mu), p(self.sigma ** 2))


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform on [a, b] (b > a)."""

    a: Any
    b: Any
    _fields = ("a", "b")
    name = "uniform"

    def __post_init__(self):
        object.__setattr__(self, "a", _expr(self.a, "Uniform a"))
        object.__setattr__(self, "b", _expr(self.b, "Uniform b"))

    def tex(self, p) -> str:
        return r"\mathcal{U}\left[%s, %s\right]" % (p(self.a), p(self.b))


@dataclass(frozen=True)
class Bernoulli(Distribution):
    """1 with probability p, 0 otherwise."""

    p: Any
    _fields = ("p",)
    finite = True
    name = "Bernoulli"

    def __post_init__(self):
        object.__setattr__(self, "p", _expr(self.p, "Bernoulli p"))

    def tex(self, p) -> str:
        return r"\operatorname{Bernoulli}\left(%s\right)" % p(self.p)


@dataclass(frozen=True)
class Binomial(Distribution):
    """The number of successes in n independent Bernoulli(p) trials; `n` is a positive integer
    or a dimension symbol (with a range in `sizes=`), concrete at every size checked."""

    n: Any
    p: Any
    _fields = ("n", "p")
    finite = True
    name = "binomial"

    def __post_init__(self):
        object.__setattr__(self, "n", _expr(self.n, "Binomial n"))
        object.__setattr__(self, "p", _expr(self.p, "Binomial p"))

    def tex(self, p) -> str:
        return r"\operatorname{Binomial}\left(%s, %s\right)" % (p(self.n), p(self.p))


@dataclass(frozen=True)
class Poisson(Distribution):
    """Poisson with rate lam > 0, on 0, 1, 2, ..."""

    lam: Any
    _fields = ("lam",)
    name = "Poisson"

    def __post_init__(self):
        object.__setattr__(self, "lam", _expr(self.lam, "Poisson lam"))

    def tex(self, p) -> str:
        return r"\operatorname{Poisson}\left(%s\right)" % p(self.lam)


@dataclass(frozen=True)
class Categorical(Distribution):
    """A finite distribution: value `values[k]` with probability `probs[k]`.  For a tuple key
    `(X, Y)` each value is a tuple (x, y): a joint pmf table, cell by cell."""

    values: tuple
    probs: tuple
    finite = True
    name = "categorical"

    def __post_init__(self):
        values = tuple(tuple(_expr(x, "Categorical value") for x in v) if isinstance(v, (tuple, list))
                       else _expr(v, "Categorical value") for v in self.values)
        probs = tuple(_expr(q, "Categorical probability") for q in self.probs)
        if len(values) != len(probs) or not values:
            raise TypeError(f"Categorical: {len(values)} values and {len(probs)} probabilities; give one probability "
                            "per value (at least one)")
        widths = {len(v) if isinstance(v, tuple) else 1 for v in values}
        if len(widths) != 1:
            raise TypeError("Categorical: the values have different lengths; give every value as a tuple of the "
                            "same length (one entry per variable of the key)")
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "probs", probs)

    @property
    def arity(self) -> int:
        v = self.values[0]
        return len(v) if isinstance(v, tuple) else 1

    @property
    def parameters(self) -> tuple:
        flat = [x for v in self.values for x in (v if isinstance(v, tuple) else (v,))]
        return (*flat, *self.probs)

    def with_parameters(self, new):
        new = list(new)
        k = self.arity
        flat, probs = new[: k * len(self.values)], new[k * len(self.values):]
        values = tuple(tuple(flat[i * k:(i + 1) * k]) if k > 1 else flat[i] for i in range(len(self.values)))
        return Categorical(values, tuple(probs))

    def tex(self, p) -> str:
        def one(v):
            return r"\left(%s\right)" % ", ".join(p(x) for x in v) if isinstance(v, tuple) else p(v)
        values = ", ".join(one(v) for v in self.values)
        probs = ", ".join(p(q) for q in self.probs)
        return r"\mathrm{Cat}\left(\left[%s\right], \left[%s\right]\right)" % (values, probs)


@dataclass(frozen=True)
class Deterministic(Distribution):
    """The variable equals `expr`, a function of the variables listed before it in `over`
    (Y defined from X: the joint of X and Y is then X's distribution pushed forward)."""

    expr: Any
    _fields = ("expr",)
    name = "deterministic"

    def __post_init__(self):
        object.__setattr__(self, "expr", _expr(self.expr, "Deterministic expr"))

    def tex(self, p) -> str:
        return p(self.expr)


DISTRIBUTIONS = (Normal, Uniform, Bernoulli, Binomial, Poisson, Categorical, Deterministic)


def _key_vars(key) -> tuple:
    keys = tuple(key) if isinstance(key, (tuple, list)) else (key,)
    for k in keys:
        if not isinstance(k, sp.Symbol):
            raise TypeError(f"over= has the key {k!r}; key each distribution by a scalar sp.Symbol (the random "
                            "variable), or a tuple of them for a joint distribution")
    return keys


def _over(over) -> tuple:
    """`over` as a tuple of (variables, distribution), in the order given."""
    if isinstance(over, Mapping):
        items = list(over.items())
    elif isinstance(over, (tuple, list)):
        items = list(over)
    else:
        raise TypeError(f"over={over!r}; give a dict {{X: Normal(mu, sigma), ...}}")
    out, seen = [], set()
    for key, dist in items:
        keys = _key_vars(key)
        if not isinstance(dist, DISTRIBUTIONS):
            raise TypeError(f"over[{key}] = {dist!r} is not a distribution; use one of "
                            + ", ".join(d.__name__ for d in DISTRIBUTIONS))
        if dist.arity != len(keys):
            raise TypeError(f"over[{key}]: the distribution draws {dist.arity} value(s) at once but the key names "
                            f"{len(keys)} variable(s)")
        for k in keys:
            if k in seen:
                raise TypeError(f"over= names the variable {k} twice")
            seen.add(k)
        if isinstance(dist, Deterministic):
            later = dist.expr.free_symbols & ({k for ks, _ in items for k in _key_vars(ks)} - seen)
            if later:
                raise TypeError(f"Deterministic({dist.expr}) for {key} uses {sorted(map(str, later))}, which come later "
                                "in over=; list the variables it is defined from first")
        out.append((keys, dist))
    return tuple(out)


@dataclass(frozen=True)
class Expected:
    """E[expr] under `over`: a side of an `ExpectationOver` that is itself an expectation."""

    expr: Any
    over: Any

    def __post_init__(self):
        object.__setattr__(self, "expr", _integrand(self.expr))
        object.__setattr__(self, "over", _over(self.over))

    @property
    def variables(self) -> set:
        return {k for keys, _ in self.over for k in keys}


def _integrand(expr):
    if isinstance(expr, (list, tuple)):
        expr = sp.ImmutableMatrix(len(expr), 1, list(expr))
    if isinstance(expr, sp.MatrixBase):
        return sp.ImmutableMatrix(expr)
    return _expr(expr, "the integrand")


METHODS = ("auto", "quadrature", "monte_carlo")


@dataclass(frozen=True)
class ExpectationOver:
    """E[expr] under the distributions in `over` equals `equals` (an expression in the claim's
    symbols, or `Expected(expr2, over2)`).  `expr` may be a list or column of integrands, each
    compared with the matching entry of `equals`.  `method`: "auto" (exact sums for finite
    supports, Gauss quadrature with a convergence check for smooth integrands in at most 3
    continuous or Poisson variables, Monte Carlo otherwise), or "quadrature" / "monte_carlo" to
    force one."""

    expr: Any
    over: Any
    equals: Any
    method: str = "auto"
    kind = "expectation_over"

    def __post_init__(self):
        object.__setattr__(self, "expr", _integrand(self.expr))
        object.__setattr__(self, "over", _over(self.over))
        if not isinstance(self.equals, Expected):
            object.__setattr__(self, "equals", _integrand(self.equals))
        if self.method not in METHODS:
            raise TypeError(f"ExpectationOver method={self.method!r}; use one of {METHODS}")

    @property
    def variables(self) -> set:
        """The random variables: bound, like the index of a sum."""
        own = {k for keys, _ in self.over for k in keys}
        return own | (self.equals.variables if isinstance(self.equals, Expected) else set())

    def parameter_exprs(self) -> list:
        out = [x for _, d in self.over for x in d.parameters]
        if isinstance(self.equals, Expected):
            out += [x for _, d in self.equals.over for x in d.parameters]
        return out

    def sides(self) -> list:
        right = [self.equals.expr] if isinstance(self.equals, Expected) else [self.equals]
        return [self.expr, *right, *self.parameter_exprs()]


def expectation_tex(integrand, over, tex) -> str:
    """E_{X ~ N(mu, sigma^2), Y = f(X)}[g] in LaTeX, `tex` printing each expression."""
    parts = []
    for keys, dist in over:
        key = tex(keys[0]) if len(keys) == 1 else r"\left(%s\right)" % ", ".join(tex(k) for k in keys)
        parts.append(("%s = %s" if isinstance(dist, Deterministic) else r"%s \sim %s") % (key, dist.tex(tex)))
    return r"\mathbb{E}_{%s}\left[%s\right]" % (r",\, ".join(parts), tex(integrand))


# --- mutation (verify.mutate): the parameters of the distributions are mutable fields ------------


def parameter_fields(st: ExpectationOver) -> list:
    """(label, expression) for every distribution parameter: "over[i].j" (and "equals.over[i].j")."""
    out = []
    groups = [("over", st.over)] + ([("equals.over", st.equals.over)] if isinstance(st.equals, Expected) else [])
    for prefix, over in groups:
        for i, (_, dist) in enumerate(over):
            out += [(f"{prefix}[{i}].{j}", v) for j, v in enumerate(dist.parameters) if isinstance(v, sp.Basic)]
    return out


def with_parameter(st: ExpectationOver, label: str, new) -> ExpectationOver:
    """`st` with the parameter `label` (from `parameter_fields`) replaced by `new`."""
    import dataclasses

    prefix, rest = label.split("[", 1)
    i, j = int(rest.split("]")[0]), int(rest.split(".")[-1])
    over = st.equals.over if prefix == "equals.over" else st.over
    keys, dist = over[i]
    params = list(dist.parameters)
    params[j] = new
    changed = tuple(over[:i]) + ((keys, dist.with_parameters(params)),) + tuple(over[i + 1:])
    if prefix == "equals.over":
        return dataclasses.replace(st, equals=Expected(st.equals.expr, changed))
    return dataclasses.replace(st, over=changed)


def parameter_slips(st: ExpectationOver, label: str) -> list:
    """The textbook slips in one parameter: a standard deviation written where the variance goes
    (sigma -> sigma^2), the complementary probability (p -> 1 - p), a rate off by one, the upper
    end of a uniform's interval moved (width doubled)."""
    prefix, rest = label.split("[", 1)
    i, j = int(rest.split("]")[0]), int(rest.split(".")[-1])
    dist = (st.equals.over if prefix == "equals.over" else st.over)[i][1]
    value = dist.parameters[j]
    if isinstance(dist, Normal) and j == 1:
        return [value ** 2]
    if isinstance(dist, (Bernoulli, Binomial)) and dist._fields[j] == "p":
        return [1 - value]
    if isinstance(dist, Poisson):
        return [value + 1]
    if isinstance(dist, Uniform) and j == 1:
        return [2 * value - dist.a]
    if isinstance(dist, Categorical) and j >= dist.arity * len(dist.values) and len(dist.probs) > 1:
        k = j - dist.arity * len(dist.values)  # move this cell's probability to the next cell
        return [dist.probs[(k + 1) % len(dist.probs)]]
    return []
