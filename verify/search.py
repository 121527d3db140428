"""The violation search: instances chosen to break an inequality or a property, not drawn blindly.

Random instances miss a claim that fails only on a thin set (`(x - y)^2 >= 1e-6` fails only
for |x - y| < 1e-3) or far out in the domain.  For an `Inequality` and a `Property` the numeric
path therefore adds `SEARCH_STARTS` searched instances at each size assignment:

1. each start draws standard normals for every symbol (its own keys, `fold_in(size key,
   SEARCH_SALT)`), some of them scaled by `START_SCALES` (large draws: a violation far out);
2. the objective is the smallest entry of slack / tolerance (`verify.inequality.search_slack`;
   for a Property: the smallest eigenvalue of the symmetric part (psd) or the smallest entry
   (nonnegative, positive) over its tolerance), a value below -1 being exactly what the check
   counts as a violation;
3. `SEARCH_STEPS` steps of normalised gradient descent on the raw normals, pushed through each
   domain's `transform` (JAX autodiff), so every point visited is a member of the domain;
   step k has length `STEP * scale / sqrt(k + 1)` in raw units (a start drawn at scale 10 explores
   at that scale), and the raw numbers stay within
   +-`RAW_CLAMP` (a domain built on the normal CDF clips further, `domains.CDF_RAW_LIMIT`, so that it
   never hands out its open boundary); the lowest finite objective seen at a point whose matrices to
   invert have condition number at most `KAPPA_LIMIT` is kept (beyond it float64 holds too few
   correct digits of the inverse for the check's tolerance, so a "violation" there says nothing);
4. a start whose best point is a violation (objective < -1) contributes that point; any other
   contributes its starting draw (an extra random instance): a true claim is never judged on
   points pushed to the edge of rounding, only on clear violations or fresh draws.

The searched instances then go through the claim's ordinary check (same tolerance, kinks,
counterexample, exact confirmation), so a violation found is a counterexample like any other.
Everything is a fixed number of steps from fixed keys: the result depends on the seed only.

For `Property(local_min_of=(f, x))` the objective is evaluated at the local minimiser the check
itself finds (`verify.numeric.local_minimum` from the instance's x), held fixed while
differentiating (`stop_gradient`): the search moves the data; the minimiser is found again at
each step.  A symbol drawn by a domain with its own `sample` (no `transform`) keeps its draw.
"""

from __future__ import annotations

import zlib

from .claim import Inequality, Property, symbol_shapes
from .conditioning import KAPPA_CAP

SEARCH_STARTS = 8
SEARCH_STEPS = 40
LOCAL_MIN_STEPS = 12  # fewer steps when each evaluation finds a local minimiser (60 Newton steps)
START_SCALES = (1.0, 1.0, 1.0, 1.0, 3.0, 3.0, 10.0, 10.0)
STEP = 1.0
RAW_CLAMP = 100.0
SEARCH_SALT = 1 << 21
# the check's relative tolerance grows in proportion to an inverse's rounding up to KAPPA_CAP
# (verify.conditioning), and only more loosely beyond: a violation the search reaches past it may be
# rounding, and the search does not count it (random draws still go anywhere in the domain)
KAPPA_LIMIT = KAPPA_CAP


def searchable(statement) -> bool:
    return isinstance(statement, (Inequality, Property))


def describe(statement) -> str:
    """The report's line about the search (its settings and what it minimises)."""
    steps = LOCAL_MIN_STEPS if isinstance(statement, Property) and statement.local_min_of else SEARCH_STEPS
    if isinstance(statement, Inequality):
        what = "the smallest entry of the slack over its tolerance"
    elif statement.relation == "psd":
        what = "the smallest eigenvalue of the symmetric part over its tolerance"
    else:
        what = "the smallest entry over its tolerance"
    return (f"violation search (at the largest size assignment): {SEARCH_STARTS} starts (raw normals scaled by "
            f"{', '.join(f'{s:g}' for s in START_SCALES)}), {steps} steps of normalised gradient descent on "
            f"{what}, through each domain's transform; a start that reaches a violation contributes that point, "
            "any other its starting draw" + _inverse_note(statement))


def _inverts(statement) -> bool:
    """Whether the formula may invert a matrix (then the search's condition-number limit applies)."""
    import sympy as sp

    from .conditioning import mentions

    return mentions(statement, (sp.Inverse, sp.MatPow))


def _inverse_note(statement) -> str:
    if not _inverts(statement):
        return ""
    return (f"; only points where every matrix the formula inverts has condition number at most {KAPPA_LIMIT:g} "
            "count as violations")


def _property_objective(st: Property, env: dict, atol: float, rtol: float):
    import jax
    import jax.numpy as jnp

    from .evaluate import evaluate, jax_backend
    from .numeric import _margin, local_minimum

    valid = jnp.asarray(True)
    if st.local_min_of is not None:
        f, x = st.local_min_of
        xstar, valid = local_minimum(f, x, env)
        env = {**env, str(x.name): jax.lax.stop_gradient(xstar)}
    value = jnp.asarray(evaluate(st.expr, env, jax_backend()), dtype=jnp.float64)
    margin, scale = _margin(st.relation, value)
    objective = margin / (atol + rtol * scale)
    return jnp.where(valid, objective, jnp.inf)


def objective_of(statement, atol: float, rtol: float):
    """env -> the search objective (< -1: the instance violates the claim beyond its tolerance)."""
    from .inequality import search_slack

    if isinstance(statement, Inequality):
        return lambda env: search_slack(statement, env, atol, rtol)
    return lambda env: _property_objective(statement, env, atol, rtol)


def _salt(name: str) -> int:
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


def search_sampler(claim, statement, sizes: dict):
    """keys (SEARCH_STARTS of them) -> instances, one per key, like `numeric.batch_sampler`."""
    import jax
    import jax.numpy as jnp

    from .conditioning import instance_condition
    from .numeric import _own_sampler

    shapes = sorted(symbol_shapes(claim, sizes).items())
    inverts = _inverts(statement)
    objective = objective_of(statement, claim.atol, claim.rtol)
    steps = LOCAL_MIN_STEPS if isinstance(statement, Property) and statement.local_min_of else SEARCH_STEPS
    scales = jnp.asarray(START_SCALES[:SEARCH_STARTS], dtype=jnp.float64)

    def draw(key, scale):
        raws, fixed = {}, {}
        for name, (shape, domain) in shapes:
            sub = jax.random.fold_in(key, _salt(name))
            if _own_sampler(domain):
                fixed[name] = domain.sample(sub, shape)
            else:
                raws[name] = scale * jax.random.normal(sub, domain.raw_shape(shape), dtype=jnp.float64)
        return raws, fixed

    def members(raws, fixed):
        out = dict(fixed)
        for name, (shape, domain) in shapes:
            if name in raws:
                out[name] = domain.transform(raws[name], shape)
        return out

    def one(key, scale):
        start, fixed = draw(key, scale)

        def value(raws):
            return jnp.reshape(objective({**members(raws, fixed), **sizes}), ())

        value_and_grad = jax.value_and_grad(value)

        def trusted(raws):
            if not inverts:
                return True
            kappa, _ = instance_condition(statement, {**members(raws, fixed), **sizes})
            return kappa <= KAPPA_LIMIT

        def body(k, carry):
            raws, best, best_value = carry
            v, g = value_and_grad(raws)
            g = jax.tree_util.tree_map(lambda a: jnp.where(jnp.isfinite(a), a, 0.0), g)
            norm = jnp.sqrt(sum(jnp.sum(a**2) for a in jax.tree_util.tree_leaves(g)))
            better = jnp.isfinite(v) & (v < best_value) & trusted(raws)
            best = jax.tree_util.tree_map(lambda b, r: jnp.where(better, r, b), best, raws)
            best_value = jnp.where(better, v, best_value)
            length = STEP * scale / jnp.sqrt(k + 1.0) / jnp.maximum(norm, 1e-300)
            raws = jax.tree_util.tree_map(lambda r, d: jnp.clip(r - length * d, -RAW_CLAMP, RAW_CLAMP), raws, g)
            return raws, best, best_value

        raws, best, best_value = jax.lax.fori_loop(0, steps, body, (start, start, jnp.asarray(jnp.inf)))
        last = value(raws)
        better = jnp.isfinite(last) & (last < best_value) & trusted(raws)
        best = jax.tree_util.tree_map(lambda b, r: jnp.where(better, r, b), best, raws)
        best_value = jnp.where(better, last, best_value)
        found = best_value < -1.0
        chosen = jax.tree_util.tree_map(lambda b, s: jnp.where(found, b, s), best, start)
        return members(chosen, fixed)

    batched = jax.jit(jax.vmap(one))

    def sampler(keys):
        return batched(keys, scales[: int(keys.shape[0])])

    return sampler


def search_keys(size_key):
    import jax

    return jax.random.split(jax.random.fold_in(size_key, SEARCH_SALT), SEARCH_STARTS)


__all__ = ["SEARCH_STARTS", "SEARCH_STEPS", "describe", "objective_of", "search_keys", "search_sampler",
           "searchable"]
