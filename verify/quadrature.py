"""Definite integrals, series and the special functions of Gaussian integrals, on every backend.

`sp.Integral(f, (x, a, b))` (limits may be infinite) and `sp.Sum(f, (k, lo, sp.oo))`:

* exact backend: `sympy.integrate` / `sympy.summation` of the evaluated integrand (an integral
  SymPy cannot do stays an unevaluated `Integral`, and the symbolic path then says so);
* JAX backend: double-exponential (tanh-sinh, exp-sinh, sinh-sinh) quadrature with step
  `DE_STEP`, and its error estimate: the same rule at twice the step (every other node).  Where
  the two differ by more than `DE_AGREEMENT` relative to the integral of |f|, the value is NaN,
  which the numeric path reports as an error instead of comparing an inaccurate number.  A series
  is summed to `SERIES_TERMS` terms and to half as many, with the same rule;
* mp backend (the confirmation of a counterexample): a series of hypergeometric terms in 60-digit
  interval arithmetic with a proven bound on its tail (`highprec.series`); SymPy otherwise.

`erf`, `erfc`, `gamma`, `loggamma`, `factorial` and `binomial` (what SymPy returns for Gaussian and
Poisson integrals) are SymPy's own on the exact backend and `jax.scipy.special` on the JAX one.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from ._errors import EvaluationError

DE_STEP = 1.0 / 128  # the coarse rule (1/64) is then within 1e-15 of the fine one on the built-in integrals
# at seeds 0-19; at 1/64 the coarse 1/32 rule missed DE_AGREEMENT by 3x on 1 of 1280 variance integrals
# (seed 2 of probability.normal.pdf_moments), which made a true claim an error at one seed
DE_AGREEMENT = 1e-11
SERIES_TERMS = 160  # lam^k and k! stay finite in float64 up to here for the rates used (20^160, 160!)
_T_INFINITE = 3.8  # sinh(pi/2 sinh 3.8) ~ 8e14: the integrand's tail is 0 in float64 well before
_T_FINITE = 3.2  # tanh(pi/2 sinh 3.2) is 1 in float64: the nodes reach the ends

SPECIAL_FUNCTIONS = (sp.erf, sp.erfc, sp.gamma, sp.loggamma, sp.factorial, sp.binomial)


def jax_special_functions() -> dict:
    import jax.numpy as jnp
    from jax.scipy.special import erf, erfc, gammaln

    def gamma(x):  # Gamma of a positive argument (the only one Gaussian and Poisson integrals need)
        return jnp.exp(gammaln(x))

    return {
        sp.erf: erf,
        sp.erfc: erfc,
        sp.gamma: gamma,
        sp.loggamma: gammaln,
        sp.factorial: lambda k: jnp.exp(gammaln(k + 1.0)),
        sp.binomial: lambda n, k: jnp.exp(gammaln(n + 1.0) - gammaln(k + 1.0) - gammaln(n - k + 1.0)),
    }


def _de_rule(a: float | None, b: float | None):
    """(t-nodes as numpy, map t -> (x, dx/dt) in JAX) for the interval (a, b); None is infinite."""
    import jax.numpy as jnp

    half = math.pi / 2
    if a is None and b is None:
        t = np.arange(-_T_INFINITE, _T_INFINITE + DE_STEP / 2, DE_STEP)
        return t, lambda t, lo, hi: (jnp.sinh(half * jnp.sinh(t)), half * jnp.cosh(t) * jnp.cosh(half * jnp.sinh(t)))
    if b is None:
        t = np.arange(-_T_INFINITE, _T_INFINITE + DE_STEP / 2, DE_STEP)
        return t, lambda t, lo, hi: (lo + jnp.exp(half * jnp.sinh(t)), half * jnp.cosh(t) * jnp.exp(half * jnp.sinh(t)))
    if a is None:
        t = np.arange(-_T_INFINITE, _T_INFINITE + DE_STEP / 2, DE_STEP)
        return t, lambda t, lo, hi: (hi - jnp.exp(half * jnp.sinh(t)), half * jnp.cosh(t) * jnp.exp(half * jnp.sinh(t)))
    t = np.arange(-_T_FINITE, _T_FINITE + DE_STEP / 2, DE_STEP)
    return t, lambda t, lo, hi: ((lo + hi) / 2 + (hi - lo) / 2 * jnp.tanh(half * jnp.sinh(t)),
                                 (hi - lo) / 2 * half * jnp.cosh(t) / jnp.cosh(half * jnp.sinh(t)) ** 2)


def _checked(fine, coarse, size):
    import jax.numpy as jnp

    return jnp.where(jnp.abs(fine - coarse) <= DE_AGREEMENT * size + 1e-300, fine, jnp.nan)


def integral(f, var, lo, hi, env, be, evaluate):
    """The definite integral of `f` over `var` from `lo` to `hi` (either may be +-oo)."""
    name = str(var.name)
    if be.name == "exact":
        x = sp.Dummy(name, real=True)
        a, b = (e if e in (sp.oo, -sp.oo) else evaluate(e, env, be) for e in (lo, hi))
        body = sp.sympify(evaluate(f, {**env, name: x}, be), strict=True)
        return sp.integrate(body, (x, a, b))
    if be.name != "jax":
        raise EvaluationError(f"the {be.name} backend does not evaluate integrals")
    import jax
    import jax.numpy as jnp

    a = None if lo == -sp.oo else evaluate(lo, env, be)
    b = None if hi == sp.oo else evaluate(hi, env, be)
    if lo == sp.oo or hi == -sp.oo:
        raise EvaluationError(f"an integral from {lo} to {hi}: give the limits in increasing order")
    t, rule = _de_rule(a, b)
    x, dx = rule(jnp.asarray(t), a, b)
    values = jax.vmap(lambda xv: jnp.asarray(evaluate(f, {**env, name: xv}, be), jnp.float64))(x)
    if values.ndim != 1:
        raise EvaluationError(f"the integrand {f} is not a scalar; integrate each entry")
    terms = values * dx
    fine = DE_STEP * jnp.sum(terms)
    coarse = 2 * DE_STEP * jnp.sum(terms[::2])
    return _checked(fine, coarse, DE_STEP * jnp.sum(jnp.abs(terms)))


def series(f, var, lo, env, be, evaluate):
    """sum_{var = lo}^{oo} f."""
    name = str(var.name)
    if be.name == "exact":
        k = sp.Dummy(name, integer=True)
        start = evaluate(lo, env, be)
        body = sp.sympify(evaluate(f, {**env, name: k}, be), strict=True)
        return sp.summation(body, (k, start, sp.oo))
    if be.name == "mp":  # 60-digit intervals with a proven tail bound (hypergeometric terms)
        from .highprec import series as mp_series

        return mp_series(f, var, lo, env, evaluate)
    if be.name != "jax":
        raise EvaluationError(f"the {be.name} backend does not evaluate series")
    import jax
    import jax.numpy as jnp

    start = evaluate(lo, env, be)
    k = jnp.asarray(start, jnp.float64) + jnp.arange(SERIES_TERMS, dtype=jnp.float64)
    values = jax.vmap(lambda kv: jnp.asarray(evaluate(f, {**env, name: kv}, be), jnp.float64))(k)
    fine, coarse = jnp.sum(values), jnp.sum(values[: SERIES_TERMS // 2])
    return _checked(fine, coarse, jnp.sum(jnp.abs(values)))
