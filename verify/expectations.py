"""Deciding `ExpectationOver` claims (see `verify.distributions`), on both paths.

Symbolic path: the expectation is computed exactly, one distribution at a time from the last
listed to the first: a `Deterministic` variable is substituted, a finite distribution (Bernoulli,
binomial at a concrete n, categorical) is an exact sum, a normal integrand that is a polynomial
after X = mu + sigma Z is reduced with the moments of Z (E Z^k = (k-1)!! for even k), anything
else under a normal or a uniform is `sympy.integrate`, and a Poisson expectation is
`sympy.summation` of the series.  The difference with the claimed value then goes through the
same reducers and 50-digit cross-check as an identity.  Where SymPy leaves an integral or a sum
unevaluated (E[sigmoid(X)] under a normal), the result is `undecided` with that reason.  A
disproof needs exact rational parameters at which the exact expectation and the claim differ.

Numeric path, per instance of the parameters (drawn from their domains):

* finite supports: the exact weighted sum over every point of the support;
* a smooth integrand in at most `MAX_QUADRATURE_DIMS` normal, uniform or Poisson variables:
  tensor Gauss-Hermite (normal) and Gauss-Legendre (uniform) rules and truncated Poisson sums,
  each at a coarse and a fine order; an instance counts only where the two agree within the
  claim's tolerance (else it is left out of the decision and counted, and the check is an error
  when more than half are), and the fine value is compared;
* otherwise (kinks: Abs, Max, Heaviside, Piecewise ...; more variables; or `method=
  "monte_carlo"`): Monte Carlo with `MC_SAMPLES` samples per instance, accepted when the
  difference lies within `Z_FALSE_ALARM` standard errors.  With at most `MC_TESTS` instance-entry
  tests in a run, a true claim is refuted with probability at most `FALSE_ALARM` (Bonferroni; the
  CLT with the sample variance, which needs a finite variance of the integrand), and a claimed
  value off by `DETECTED_SE` standard errors (`detectable_fraction()` of the integrand's standard
  deviation) is refuted with probability at least `DETECTION`.  A statistical check alone never
  makes a claim `proved`: only the symbolic path proves.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import sympy as sp

from . import crosscheck
from .claim import Claim
from .distributions import (Bernoulli, Binomial, Categorical, Deterministic, ExpectationOver, Expected, Normal,
                            Poisson, Uniform)
from .evaluate import EXACT, evaluate
from .exact import SymbolicResult, _tex, rational_envs, scope_of
from .reduce import CHEAP_REDUCERS, COSTLY_REDUCERS, _SliceOver, _within, exact_difference, reduce_to_zero

# --- the statistical budget -----------------------------------------------------------------------
FALSE_ALARM = 1e-6  # a true claim is refuted with at most this probability per run
DETECTION = 0.999  # a claim off by the stated deviation is refuted with at least this probability
MC_TESTS = 1024  # instance-entry tests the false-alarm budget is split over (Bonferroni)
MC_CHUNK = 1 << 14
MC_CHUNKS = 16
MC_SAMPLES = MC_CHUNK * MC_CHUNKS  # 262144 per instance
Z_FALSE_ALARM = NormalDist().inv_cdf(1 - FALSE_ALARM / MC_TESTS / 2)  # two-sided, per test
Z_DETECTION = NormalDist().inv_cdf(DETECTION)
DETECTED_SE = Z_FALSE_ALARM + Z_DETECTION  # a deviation of this many standard errors is detected


def detectable_fraction() -> float:
    """The deviation detected with probability DETECTION, in units of the integrand's standard
    deviation: (z_alpha + z_beta) / sqrt(N)."""
    return DETECTED_SE / math.sqrt(MC_SAMPLES)


# --- quadrature orders ----------------------------------------------------------------------------
MAX_QUADRATURE_DIMS = 3
ORDERS = {1: (48, 96), 2: (24, 48), 3: (12, 24)}  # nodes per normal / uniform variable: coarse, fine
POISSON_TERMS = (160, 320)  # truncation of each Poisson sum: coarse, fine
MAX_POINTS = 1 << 17
KINKED = (sp.Abs, sp.Max, sp.Min, sp.Heaviside, sp.sign, sp.Piecewise)

INTEGRATE_SECONDS = 20.0  # CPU seconds for one sympy.integrate / summation before giving up


# === symbolic path ==================================================================================


def _std_normal_moment(k: int):
    return sp.Integer(0) if k % 2 else sp.factorial2(k - 1) if k else sp.Integer(1)


def _under(h, keys, dist, env, how: list):
    """E[h] over one distribution (the others' variables stay symbols), exactly where SymPy can."""
    x = keys[0]
    params = [evaluate(p, env, EXACT) for p in dist.parameters]
    d = dist.with_parameters(params) if params else dist
    if isinstance(d, Deterministic):
        return h.xreplace({x: d.expr})
    if isinstance(d, Categorical):
        out = 0
        for v, q in zip(d.values, d.probs):
            v = v if isinstance(v, tuple) else (v,)
            out += q * h.xreplace(dict(zip(keys, v)))
        return out
    if isinstance(d, Bernoulli):
        return (1 - d.p) * h.xreplace({x: 0}) + d.p * h.xreplace({x: 1})
    if isinstance(d, Binomial):
        n = int(d.n)
        return sum(sp.binomial(n, k) * d.p ** k * (1 - d.p) ** (n - k) * h.xreplace({x: k}) for k in range(n + 1))
    if isinstance(d, Normal):
        z = sp.Dummy("z", real=True)
        g = sp.expand(h.xreplace({x: d.mu + d.sigma * z}))
        if g.is_polynomial(z):
            poly = sp.Poly(g, z)
            if "moments of the standard normal" not in how:
                how.append("moments of the standard normal")
            return sum(c * _std_normal_moment(k) for (k,), c in poly.terms())
        how.append("sympy.integrate")
        return _integrate(g * sp.exp(-z ** 2 / 2) / sp.sqrt(2 * sp.pi), (z, -sp.oo, sp.oo))
    if isinstance(d, Uniform):
        t = sp.Dummy("t", real=True)
        how.append("sympy.integrate") if "sympy.integrate" not in how else None
        return _integrate(h.xreplace({x: t}) / (d.b - d.a), (t, d.a, d.b))
    if isinstance(d, Poisson):
        k = sp.Dummy("k", integer=True, nonnegative=True)
        how.append("sympy.summation") if "sympy.summation" not in how else None
        term = h.xreplace({x: k}) * d.lam ** k * sp.exp(-d.lam) / sp.factorial(k)
        try:
            return _within(INTEGRATE_SECONDS, lambda: sp.summation(term, (k, 0, sp.oo)))
        except _SliceOver:
            return sp.Sum(term, (k, 0, sp.oo))
    raise TypeError(f"no symbolic expectation for {type(dist).__name__}")


def _integrate(f, limits):
    try:
        return _within(INTEGRATE_SECONDS, lambda: sp.integrate(f, limits))
    except _SliceOver:
        return sp.Integral(f, limits)


def exact_expectation(integrand, over, env, how: list):
    """E[integrand] (a scalar or a matrix) under `over`, with every parameter from `env`."""
    dummies = {}
    for keys, _ in over:
        for k in keys:
            dummies[str(k.name)] = sp.Dummy(str(k.name), real=True)
    local = {**env, **dummies}
    value = evaluate(integrand, local, EXACT)
    swap = {d: sp.Symbol(n) for n, d in dummies.items()}
    keyed = [(tuple(dummies[str(k.name)] for k in keys), dist) for keys, dist in over]
    # the distributions' parameters may name earlier variables (Deterministic): evaluate them with
    # those variables as the same dummies
    entries = list(value) if isinstance(value, sp.MatrixBase) else [value]
    out = []
    for e in entries:
        e = sp.sympify(e, strict=True)
        for keys, dist in reversed(keyed):
            e = _under(e, keys, dist, local, how)
        out.append(e.xreplace(swap))
    if isinstance(value, sp.MatrixBase):
        return sp.ImmutableMatrix(value.rows, value.cols, out)
    return out[0]


def _sides_exact(st: ExpectationOver, env: dict, how: list):
    left = exact_expectation(st.expr, st.over, env, how)
    if isinstance(st.equals, Expected):
        right = exact_expectation(st.equals.expr, st.equals.over, env, how)
    else:
        right = evaluate(st.equals, env, EXACT)
    if isinstance(left, sp.MatrixBase) and not isinstance(right, sp.MatrixBase):
        right = sp.ImmutableMatrix(left.rows, left.cols, [right] * (left.rows * left.cols))
    return left, right


def _unevaluated(value) -> bool:
    entries = list(value) if isinstance(value, sp.MatrixBase) else [value]
    return any(sp.sympify(e, strict=True).has(sp.Integral, sp.Sum) for e in entries)


def _rational_counterexample(claim: Claim, st: ExpectationOver, sizes: dict, tries: int = 4):
    for env in rational_envs(claim, sizes, tries, seed=5):
        try:
            left, right = _sides_exact(st, env, [])
        except (ValueError, TypeError, ZeroDivisionError):
            continue
        if _unevaluated(left) or _unevaluated(right):
            return None
        try:
            size, rational = exact_difference(left, right)
        except (ValueError, TypeError, KeyError, ZeroDivisionError):
            continue
        if size > 0:
            values = tuple((n, _tex(v)) for n, v in env.items() if n not in sizes)
            how = "exactly" if rational else "at 60 digits"
            return values + (("expectation (left side)", _tex(left)), ("right side", _tex(right)),
                             ("difference", f"\\text{{{size:.6g}, nonzero {how}}}"))
    return None


def check_expectation_symbolic(claim: Claim, st: ExpectationOver, sizes: dict, steps: list,
                               members=None) -> SymbolicResult:
    from .exact import generic_env

    env = generic_env(claim, sizes, members=members)
    how: list = []
    left, right = _sides_exact(st, env, how)
    steps.append("Expectation computed exactly (" + (", ".join(how) or "finite sums") + f"): ${_tex(left)}$.")
    if isinstance(st.equals, Expected):
        steps.append(f"The right side, an expectation too: ${_tex(right)}$.")
    if _unevaluated(left) or _unevaluated(right):
        counter = None
        reason = ("SymPy could not integrate or sum the expectation in closed form (it stays an unevaluated "
                  "Integral/Sum), so the symbolic path cannot decide; the numeric path decides")
        return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps), reason, counter or ())
    counter = _rational_counterexample(claim, st, sizes, tries=2) if claim.expect == "fails" else None
    if counter:
        steps.append("At exact rational parameters the exact expectation and the claim differ (below).")
        return SymbolicResult("disproved", scope_of(claim, sizes), tuple(steps), "", counter, exact_member=True)
    residual = sp.Matrix(left) - sp.Matrix(right) if isinstance(left, sp.MatrixBase) else left - right
    zero, routine, rest = reduce_to_zero(residual, CHEAP_REDUCERS)
    if not zero:
        counter = _rational_counterexample(claim, st, sizes)
        if counter:
            steps.append("The difference does not vanish: at exact rational parameters the exact expectation and "
                         "the claim differ (below).")
            return SymbolicResult("disproved", scope_of(claim, sizes), tuple(steps), "", counter, exact_member=True)
        zero, routine, rest = reduce_to_zero(residual, COSTLY_REDUCERS)
    if zero:
        check = crosscheck.equal_everywhere(left, right)
        if not check.ok:
            reason = (f"`{routine}` reduced the difference to 0, but {check.detail}: that route was unsound here, "
                      "so its result is not used")
            return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps + [reason + "."]), reason)
        steps.append(f"expectation - claimed value: reduced to 0 by `{routine}`; cross-checked at {check.points} "
                     f"random points in {crosscheck.DIGITS}-digit arithmetic.")
        return SymbolicResult("proved", scope_of(claim, sizes), tuple(steps))
    steps.append(f"expectation - claimed value: SymPy leaves ${_tex(rest)}$.")
    return SymbolicResult("undecided", scope_of(claim, sizes), tuple(steps),
                          "the difference did not reduce to 0 and no exact rational instance tried separates the sides")


# === numeric path ===================================================================================


def _continuous(dist) -> bool:
    return isinstance(dist, (Normal, Uniform, Poisson))


def _kinked(exprs) -> bool:
    return any(isinstance(e, sp.Basic) and e.has(*KINKED) for e in exprs)


def side_plan(integrand, over, sizes: dict, forced: str) -> tuple[str, int]:
    """(how a side is computed: "exact", "quadrature" or "monte_carlo"; its continuous dimensions)."""
    dims = sum(1 for _, d in over if _continuous(d))
    if forced == "monte_carlo":
        return "monte_carlo", dims
    if dims == 0:
        return "exact", 0
    kinked = _kinked([integrand] + [d.expr for _, d in over if isinstance(d, Deterministic)])
    finite_points = 1
    for _, d in over:
        if isinstance(d, Categorical):
            finite_points *= len(d.values)
        elif isinstance(d, Bernoulli):
            finite_points *= 2
        elif isinstance(d, Binomial):
            finite_points *= int(sp.sympify(d.n, strict=True).xreplace({sp.Symbol(k, integer=True, positive=True): v
                                                            for k, v in sizes.items()})) + 1
    fine = ORDERS.get(dims, (0, 0))[1]
    points = finite_points * (fine ** sum(1 for _, d in over if isinstance(d, (Normal, Uniform)))) * \
        (POISSON_TERMS[1] ** sum(1 for _, d in over if isinstance(d, Poisson)))
    if forced == "quadrature" or (dims <= MAX_QUADRATURE_DIMS and not kinked and points <= MAX_POINTS):
        return "quadrature", dims
    return "monte_carlo", dims


def _entries(integrand) -> list:
    return list(integrand) if isinstance(integrand, sp.MatrixBase) else [integrand]


def _factor_points(dist, env, sizes, level: int, dims: int):
    """(columns: one array per variable, weights) of one distribution's rule at `level` (0 coarse,
    1 fine), with its parameters evaluated in `env` (traced)."""
    import jax.numpy as jnp
    from jax.scipy.special import gammaln

    from .evaluate import _dim, jax_backend

    ev = lambda e: evaluate(e, env, jax_backend())  # noqa: E731
    if isinstance(dist, Normal):
        t, w = np.polynomial.hermite_e.hermegauss(ORDERS[dims][level])
        return [ev(dist.mu) + ev(dist.sigma) * jnp.asarray(t)], jnp.asarray(w / math.sqrt(2 * math.pi))
    if isinstance(dist, Uniform):
        t, w = np.polynomial.legendre.leggauss(ORDERS[dims][level])
        a, b = ev(dist.a), ev(dist.b)
        return [a + (b - a) * (jnp.asarray(t) + 1) / 2], jnp.asarray(w / 2)
    if isinstance(dist, Poisson):
        k = jnp.arange(POISSON_TERMS[level], dtype=jnp.float64)
        lam = ev(dist.lam)
        return [k], jnp.exp(k * jnp.log(lam) - lam - gammaln(k + 1))
    if isinstance(dist, Bernoulli):
        p = ev(dist.p)
        return [jnp.asarray([0.0, 1.0])], jnp.stack([1 - p, p])
    if isinstance(dist, Binomial):
        n = _dim(dist.n, sizes)
        p = ev(dist.p)
        k = np.arange(n + 1)
        comb = np.asarray([math.comb(n, int(i)) for i in k], dtype=np.float64)
        return [jnp.asarray(k, dtype=jnp.float64)], comb * p ** k * (1 - p) ** (n - k)
    if isinstance(dist, Categorical):
        cols = [jnp.stack([jnp.asarray(ev(v[j] if isinstance(v, tuple) else v), jnp.float64) for v in dist.values])
                for j in range(dist.arity)]
        return cols, jnp.stack([jnp.asarray(ev(q), jnp.float64) for q in dist.probs])
    raise TypeError(f"no rule for {type(dist).__name__}")


def _grid_average(integrand, over, env, sizes, level: int, dims: int):
    """(E[g] entrywise, E[|g|] entrywise) by the tensor rule of every distribution at `level`."""
    import jax.numpy as jnp

    from .evaluate import jax_backend

    factors = [(keys, d) for keys, d in over if not isinstance(d, Deterministic)]
    rules = [(_factor_points(d, env, sizes, level, dims), keys) for keys, d in factors]
    lengths = [int(w.shape[0]) for (_, w), _ in rules]
    index = np.indices(lengths).reshape(len(lengths), -1) if lengths else np.zeros((0, 1), dtype=int)
    local = dict(env)
    weights = jnp.ones(index.shape[1])
    for f, ((cols, w), keys) in enumerate(rules):
        weights = weights * w[index[f]]
        for key, col in zip(keys, cols):
            local[str(key.name)] = col[index[f]]
    for keys, d in over:
        if isinstance(d, Deterministic):
            local[str(keys[0].name)] = jnp.broadcast_to(evaluate(d.expr, local, jax_backend()), weights.shape)
    values = jnp.stack([jnp.broadcast_to(jnp.asarray(evaluate(e, local, jax_backend()), jnp.float64), weights.shape)
                        for e in _entries(integrand)])
    return values @ weights, jnp.abs(values) @ weights


def _draw(dist, env, sizes, key, count: int):
    """`count` samples of one distribution (columns, one per variable)."""
    import jax
    import jax.numpy as jnp

    from .evaluate import _dim, jax_backend

    ev = lambda e: evaluate(e, env, jax_backend())  # noqa: E731
    if isinstance(dist, Normal):
        return [ev(dist.mu) + ev(dist.sigma) * jax.random.normal(key, (count,), jnp.float64)]
    if isinstance(dist, Uniform):
        a, b = ev(dist.a), ev(dist.b)
        return [a + (b - a) * jax.random.uniform(key, (count,), jnp.float64)]
    if isinstance(dist, Bernoulli):
        return [(jax.random.uniform(key, (count,), jnp.float64) < ev(dist.p)).astype(jnp.float64)]
    if isinstance(dist, Binomial):
        n = _dim(dist.n, sizes)
        u = jax.random.uniform(key, (n, count), jnp.float64)
        return [jnp.sum(u < ev(dist.p), axis=0).astype(jnp.float64)]
    if isinstance(dist, Poisson):
        return [jax.random.poisson(key, ev(dist.lam), (count,)).astype(jnp.float64)]
    if isinstance(dist, Categorical):
        probs = jnp.stack([jnp.asarray(ev(q), jnp.float64) for q in dist.probs])
        pick = jax.random.categorical(key, jnp.log(probs), shape=(count,))
        cols = [jnp.stack([jnp.asarray(ev(v[j] if isinstance(v, tuple) else v), jnp.float64) for v in dist.values])
                for j in range(dist.arity)]
        return [c[pick] for c in cols]
    raise TypeError(f"no sampler for {type(dist).__name__}")


def _monte_carlo(integrand, over, env, sizes, key):
    """(mean, standard error, sqrt(E[g^2])) entrywise from MC_SAMPLES samples, in MC_CHUNKS chunks
    combined by the parallel variance formula."""
    import jax
    import jax.numpy as jnp

    from .evaluate import jax_backend

    entries = _entries(integrand)

    def chunk(c):
        k = jax.random.fold_in(key, c)
        local = dict(env)
        for f, (keys, d) in enumerate(over):
            if isinstance(d, Deterministic):
                local[str(keys[0].name)] = jnp.broadcast_to(evaluate(d.expr, local, jax_backend()), (MC_CHUNK,))
                continue
            for var, col in zip(keys, _draw(d, local, sizes, jax.random.fold_in(k, f), MC_CHUNK)):
                local[str(var.name)] = col
        g = jnp.stack([jnp.broadcast_to(jnp.asarray(evaluate(e, local, jax_backend()), jnp.float64), (MC_CHUNK,))
                       for e in entries])
        mean = jnp.mean(g, axis=1)
        return mean, jnp.sum((g - mean[:, None]) ** 2, axis=1)

    def body(c, carry):
        n, mean, m2 = carry
        cm, cm2 = chunk(c)
        total = n + MC_CHUNK
        delta = cm - mean
        return total, mean + delta * MC_CHUNK / total, m2 + cm2 + delta ** 2 * n * MC_CHUNK / total

    zeros = jnp.zeros(len(entries))
    _, mean, m2 = jax.lax.fori_loop(0, MC_CHUNKS, body, (0.0, zeros, zeros))
    var = m2 / (MC_SAMPLES - 1)
    return mean, jnp.sqrt(var / MC_SAMPLES), jnp.sqrt(var + mean ** 2)


def _parameters_ok(over, env):
    """Whether every distribution's parameters lie in its parameter space (sigma > 0, b > a,
    0 <= p <= 1, lam > 0, probabilities >= 0 summing to 1): elsewhere it is no distribution, and the
    side's value is NaN (an `error` naming non-finite values), never a number."""
    import jax.numpy as jnp

    from .evaluate import jax_backend

    ev = lambda e: jnp.asarray(evaluate(e, env, jax_backend()), jnp.float64)  # noqa: E731
    ok = jnp.asarray(True)
    for _, d in over:
        if isinstance(d, Normal):
            ok = ok & (ev(d.sigma) > 0)
        elif isinstance(d, Uniform):
            ok = ok & (ev(d.b) > ev(d.a))
        elif isinstance(d, (Bernoulli, Binomial)):
            ok = ok & (ev(d.p) >= 0) & (ev(d.p) <= 1)
        elif isinstance(d, Poisson):
            ok = ok & (ev(d.lam) > 0)
        elif isinstance(d, Categorical):
            probs = jnp.stack([ev(q) for q in d.probs])
            ok = ok & jnp.all(probs >= 0) & (jnp.abs(jnp.sum(probs) - 1) <= 1e-9)
    return ok


def _side(integrand, over, plan: str, dims: int, env, sizes, key, atol: float, rtol: float):
    """(value, standard error, scale, valid) of E[integrand] by the side's plan (NaN where a
    parameter lies outside its distribution's parameter space)."""
    import jax.numpy as jnp

    value, se, scale, valid = _side_value(integrand, over, plan, dims, env, sizes, key, atol, rtol)
    defined = _parameters_ok(over, env)
    return jnp.where(defined, value, jnp.nan), se, scale, valid | ~defined


def _side_value(integrand, over, plan: str, dims: int, env, sizes, key, atol: float, rtol: float):
    import jax.numpy as jnp

    if plan == "monte_carlo":
        mean, se, scale = _monte_carlo(integrand, over, env, sizes, key)
        return mean, se, scale, jnp.asarray(True)
    fine, fine_abs = _grid_average(integrand, over, env, sizes, 1, max(dims, 1))
    if plan == "exact":
        return fine, jnp.zeros_like(fine), fine_abs, jnp.asarray(True)
    coarse, _ = _grid_average(integrand, over, env, sizes, 0, dims)
    converged = jnp.all(jnp.abs(fine - coarse) <= atol + rtol * fine_abs)
    return fine, jnp.zeros_like(fine), fine_abs, converged


def _plan_text(side: str, plan: str, over, dims: int) -> str:
    names = ", ".join(f"{','.join(str(k) for k in keys)} ~ {d.name}" for keys, d in over)
    if plan == "exact":
        return f"{side} ({names}): exact weighted sum over the whole finite support"
    if plan == "quadrature":
        coarse, fine = ORDERS[dims]
        rules = []
        if any(isinstance(d, Normal) for _, d in over):
            rules.append(f"Gauss-Hermite, {coarse} and {fine} nodes per normal variable")
        if any(isinstance(d, Uniform) for _, d in over):
            rules.append(f"Gauss-Legendre, {coarse} and {fine} nodes per uniform variable")
        if any(isinstance(d, Poisson) for _, d in over):
            rules.append(f"Poisson sums truncated after {POISSON_TERMS[0]} and {POISSON_TERMS[1]} terms (the "
                         f"tail beyond k = K is at most e^-lam (e lam / K)^K times the integrand's growth, "
                         "negligible for the domains used; the two truncations must agree)")
        return (f"{side} ({names}): {'; '.join(rules)} (tensor rule, exact sums over finite supports); an instance "
                "counts only where the coarse and fine rules agree within the tolerance, relative to E|g|, and the "
                "fine value is compared")
    return (f"{side} ({names}): Monte Carlo, {MC_SAMPLES} samples per instance (one stream from the claim's key, "
            "the same for every instance)")


def expectation_pairs(st: ExpectationOver, claim: Claim, sizes: dict, key):
    """The numeric check of `st` as one `verify.numeric.Pair` with an acceptance band."""
    import jax
    import jax.numpy as jnp

    from .evaluate import jax_backend
    from .numeric import Pair

    left_plan, left_dims = side_plan(st.expr, st.over, sizes, st.method)
    other = st.equals if isinstance(st.equals, Expected) else None
    right_plan, right_dims = side_plan(other.expr, other.over, sizes, st.method) if other else ("value", 0)
    notes = [_plan_text("left side", left_plan, st.over, left_dims)]
    if other:
        notes.append(_plan_text("right side", right_plan, other.over, right_dims))
    statistical = "monte_carlo" in (left_plan, right_plan)
    if statistical:
        notes.append(
            f"Monte Carlo acceptance band: |left - right| <= {Z_FALSE_ALARM:.3f} standard errors (the sample standard "
            f"deviation over sqrt({MC_SAMPLES})), plus the tolerance: a true claim is refuted with probability at most "
            f"{FALSE_ALARM:g} in a run of up to {MC_TESTS} instance-entry tests (two-sided, Bonferroni; by the CLT "
            f"with the sample variance, which assumes the integrand has a finite variance); a claimed value off by "
            f"{DETECTED_SE:.2f} standard errors, {detectable_fraction():.4f} standard deviations of the integrand, "
            f"is refuted with probability at least {DETECTION:g}. A statistical check alone never proves a claim.")
    left_key, right_key = jax.random.fold_in(key, 1), jax.random.fold_in(key, 2)

    def compute(e):
        value, se, scale, ok = _side(st.expr, st.over, left_plan, left_dims, e, sizes, left_key, claim.atol,
                                     claim.rtol)
        if other:
            rvalue, rse, rscale, rok = _side(other.expr, other.over, right_plan, right_dims, e, sizes, right_key,
                                             claim.atol, claim.rtol)
        else:
            rvalue = jnp.stack([jnp.broadcast_to(jnp.asarray(evaluate(x, e, jax_backend()), jnp.float64), ())
                                for x in _entries(st.equals)])
            rse, rscale, rok = jnp.zeros_like(rvalue), jnp.abs(rvalue), jnp.asarray(True)
        band = Z_FALSE_ALARM * jnp.sqrt(se ** 2 + rse ** 2)
        return value, rvalue, jnp.stack([jnp.maximum(scale, rscale), band]), ok & rok

    name = ("Monte Carlo mean within its acceptance band of the claimed value" if statistical
            else "expectation = claimed value")
    quadrature = "quadrature" in (left_plan, right_plan)
    closed: dict = {}

    def confirm(env):
        # the exact expectation in plain symbols (as the symbolic path computes it), then the exact
        # member substituted: integrating or summing at the member itself stalls on the long
        # rationals a float rounds to
        plain = {n: (sp.Symbol(n, positive=True) if v > 0 else sp.Symbol(n, real=True))
                 if isinstance(v, sp.Rational) and n not in sizes else v for n, v in env.items()}
        signs = tuple(sorted((n, v > 0) for n, v in env.items() if isinstance(v, sp.Rational) and n not in sizes))
        if signs not in closed:
            closed[signs] = _sides_exact(st, plain, [])
        left, right = closed[signs]
        if _unevaluated(left) or _unevaluated(right):
            raise ValueError("SymPy has no closed form for the expectation")
        values = {plain[n]: v for n, v in env.items() if isinstance(plain.get(n), sp.Symbol) and plain[n] != v}
        return left.xreplace(values), right.xreplace(values)

    return [Pair(name, compute, None, band=True, confirm=confirm,
                 excluded_when="the coarse and fine quadrature rules did not agree within the tolerance" if quadrature
                 else "",
                 excluded_fix="the integrand is not smooth enough for the rule at this order: give the claim "
                              "method='monte_carlo'")], notes
