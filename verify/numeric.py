"""The numeric path: lower a claim to JAX and test it on random instances of its domain.

Every check is a list of `Pair`s (two values that the claim says are equal, or for a strict
inequality that the first exceeds the second, plus an optional scale for the relative tolerance),
computed by one `jit(vmap(...))` per size assignment.  They are compared entry by entry, each entry
against its own size (see `compare_entrywise` and `conditioning.ROUNDING_FLOOR`), and every scale
the claim supplies or the engine chooses is stated in the result's notes.  Derivatives are
always JAX autodiff of the lowered expression (`Grad`/`Jacobian` nodes lower to `jax.grad` /
`jax.jacrev`), so a claimed gradient is compared against autodiff, never against itself.

The worst failing instance becomes the counterexample; `verify.exact` then tries to confirm it
in exact arithmetic.  Results are frozen dataclasses; nothing here writes files.
"""

from __future__ import annotations

import math
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from ._errors import EvaluationError, ShapeMismatch
from . import inequality
from .claim import (Algorithmic, Claim, Derivation, Expectation, Gradient, Identity, Inequality, Minimiser, Property,
                    Shape, size_assignment_ok, sizes_text, symbol_shapes, variable_zero)
from .distributions import ExpectationOver
from .conditioning import (KINK_MARGIN, effective_rtol, instance_condition, kink_atoms, near_kink, rounding_floor,
                           tolerance_text)
from .evaluate import evaluate, jax_backend
from .limits import limit_pairs, order_pairs
from .logic import check_directions_numeric, exists_pairs
from .logic_kinds import Equivalence, Exists, Implies, Limit, Order
from .expectations import expectation_pairs
from .nodes import Grad
from .rounding import note as rounding_note
from .rounding import merge as merge_rounding
from .rounding import recheck_wanted, rejudge
from .search import SEARCH_STARTS, search_keys, search_sampler, searchable
from .search import describe as describe_search
from .sizes import plan as size_plan
from .sizes import checked_text, plan_rng, split_instances
from .undefined import UNDEFINED_RATIO, finite_copy, one_sided_nonfinite


@dataclass(frozen=True)
class Pair:
    """Two quantities the claim says are equal, one instance at a time.

    `compute(env)` returns `(lhs, rhs, extra_scale)` or `(lhs, rhs, extra_scale, valid)`: `valid`
    (a traced boolean) False leaves the instance out of this check's decision (e.g. a local
    minimiser search that did not converge); such instances are counted and reported, and when
    fewer than half are valid the result is an error (`excluded_when` says why an instance is
    left out, `excluded_fix` what to do about it).  `strict`: the claim is `lhs > rhs` entrywise,
    beyond rounding (`lhs - rhs > tolerance`), not `lhs == rhs`."""

    name: str
    compute: Callable[[dict], tuple]  # env -> (lhs, rhs, extra_scale[, valid])
    exact: tuple | None = None  # (lhs_expr, rhs_expr) for exact confirmation, when expressible
    every_size: bool = True  # False: costly search-type checks run at the first size assignment only
    strict: bool = False
    excluded_when: str = ""
    excluded_fix: str = ""
    # a statistical check (verify.expectations): `extra` is (scale, acceptance band) per entry, and
    # the band widens the tolerance
    band: bool = False
    # exact (lhs, rhs) at an exact member, for a check with no exact expressions (an expectation)
    confirm: Callable[[dict], tuple] | None = None


@dataclass(frozen=True)
class Comparison:
    name: str
    instances: int
    mismatched: int
    max_abs: float
    max_rel: float


@dataclass(frozen=True)
class Counterexample:
    check: str
    sizes: dict
    values: dict  # symbol name -> nested lists (float)
    lhs: Any
    rhs: Any
    abs_err: float
    ill_formed: str = ""
    exact: str = ""
    exact_confirmed: bool | None = None
    # the entry of lhs / rhs (a flat index into them) with the largest error / tolerance, its
    # error and its tolerance: the entry that decided the failure
    entry: int | None = None
    entry_abs_err: float | None = None
    entry_tolerance: float | None = None


@dataclass(frozen=True)
class NumericResult:
    status: str  # passed | failed | error
    instances: int = 0
    sizes: tuple = ()
    comparisons: tuple = ()
    ill_formed: tuple = ()
    counterexample: Counterexample | None = None
    tolerance: str = ""
    message: str = ""
    notes: tuple = ()
    # the largest condition number of a matrix the formula inverts, over the instances used
    # (None: it inverts none); the relative tolerance of each instance grows with its own
    worst_condition: float | None = None
    # instances drawn but left out of the decision because a kink argument was within
    # KINK_MARGIN of 0 (see verify.conditioning); the notes say how many were drawn
    near_kink: int = 0
    # the largest |lhs - rhs| / tolerance over every check and instance: <= 1 when all pass; how
    # close a passing claim came to failing (a seed sweep reports it)
    tolerance_used: float = 0.0
    # instances left out of a check's decision because they were not valid for it (a local
    # minimiser search that did not converge); the notes say how many and why
    excluded: int = 0
    # the instances used at each assignment of `sizes`; how the assignments were chosen ("all" the
    # admissible ones, or a "spread"), how many are admissible (None: not counted) and declared
    per_size: tuple = ()
    size_plan: str = ""
    admissible_sizes: int | None = None
    declared_sizes: int = 0
    planned_sizes: int = 0  # how many assignments the plan chose (those ill-formed are not in `sizes`)
    _worst_env: Any = field(default=None, repr=False, compare=False)


# --- sizes and instances ------------------------------------------------------------------------


def claim_key(root_seed: int, claim_id: str):
    """Each claim's own key: independent of run order and of which claims were selected."""
    import jax

    return jax.random.fold_in(jax.random.PRNGKey(root_seed), zlib.crc32(claim_id.encode()) & 0x7FFFFFFF)


def draw_sizes(claim: Claim, rng: np.random.Generator) -> list[dict]:
    """The size assignments the numeric path checks: every admissible one when there are few, else
    the smallest, the largest and a spread drawn from `rng` (see `verify.sizes.plan`)."""
    return list(size_plan(claim, rng).sizes)


def all_sizes(claim: Claim, rng: np.random.Generator) -> list[dict]:
    import itertools

    names = sorted(claim.sizes)
    combos = [dict(zip(names, c)) for c in itertools.product(
        *[range(claim.sizes[n][0], claim.sizes[n][1] + 1) for n in names])]
    rng.shuffle(combos)
    return [s for s in combos if size_assignment_ok(claim, s)]


def sample_instance(claim: Claim, sizes: dict, key) -> dict:
    """One random member of each symbol's domain, keyed by symbol name (traceable by JAX)."""
    return _sample(sorted(symbol_shapes(claim, sizes).items()), key)


def _salt(name: str) -> int:
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


RAW_LENGTH_MIN = 32  # normals drawn per symbol at least (a 5 x 5 matrix, an SPD 4 x 4's 4 x 5 raw numbers)


def _bucket(count: int, least: int = 1) -> int:
    """`count` rounded up to a power of 2, at least `least`."""
    return max(least, 1 << max(0, int(count) - 1).bit_length())


def _raw_length(shapes: list) -> int:
    """The number of normals drawn for each symbol: the largest domain's raw size, rounded up to
    a power of 2, at least RAW_LENGTH_MIN.  JAX's threefry (partitionable, JAX's default) draws
    the same first k normals whatever the length, so each symbol gets the normals `domain.sample`
    would draw (its transform, compiled apart from them, may round differently in the last bit),
    and one compiled draw (`_normals`) serves nearly every claim and size."""
    largest = max((math.prod(domain.raw_shape(shape)) for _, (shape, domain) in shapes), default=1)
    return _bucket(largest, RAW_LENGTH_MIN)


def _own_sampler(domain) -> bool:
    """A Domain subclass with its own `sample`: drawn by it, not from `transform` of normals."""
    from .domains import Domain

    return domain is not None and type(domain).sample is not Domain.sample


def _sample(shapes: list, key) -> dict:
    import jax

    length = _raw_length(shapes)
    out = {}
    for name, (shape, domain) in shapes:
        subkey = jax.random.fold_in(key, _salt(name))
        if _own_sampler(domain):
            out[name] = domain.sample(subkey, shape)
            continue
        raw_shape = domain.raw_shape(shape)
        raw = jax.random.normal(subkey, (length,), dtype="float64")[: math.prod(raw_shape)].reshape(raw_shape)
        out[name] = domain.transform(raw, shape)
    return out


_NORMALS: list = []  # [jit of (keys, salts, length) -> normals], made on first use (JAX is imported late)


def _normals():
    """keys (instances) x salts (symbols) -> `length` standard normals each, for fold_in(key, salt):
    compiled once per (instances, symbols, length) and process, shared by every claim."""
    if not _NORMALS:
        import jax

        def draw(keys, salts, length):
            one = lambda k, s: jax.random.normal(jax.random.fold_in(k, s), (length,), dtype="float64")  # noqa: E731
            return jax.vmap(lambda k: jax.vmap(lambda s: one(k, s))(salts))(keys)

        _NORMALS.append(jax.jit(draw, static_argnums=2))
    return _NORMALS[0]


# (name, shape, id(domain)) of each symbol -> (compiled sampler, the domains), most recent last
_SAMPLERS: OrderedDict = OrderedDict()
SAMPLERS_KEPT = 16  # each holds its compiled executables (about 15 MB): a worker that checks
# hundreds of claims (a seed sweep) must not keep them all


def batch_sampler(claim: Claim, sizes: dict):
    """keys -> instances, the same as `sample_instance` of each key.  The normals are drawn by
    `_normals`, compiled per number of instances, symbols and `_raw_length` and shared by every
    claim and size (the random bits are most of a sampler's compile time); the domains'
    transforms are compiled once for each set of symbols, shapes and domain objects among the last
    `SAMPLERS_KEPT` used in this process: claims that share them (a claim's mutants, which draw
    their original's sizes) reuse one compilation.  The cache holds the domains, so their ids stay
    theirs."""
    shapes = sorted(symbol_shapes(claim, sizes).items())
    key = tuple((name, shape, id(domain)) for name, (shape, domain) in shapes)
    if key in _SAMPLERS:
        _SAMPLERS.move_to_end(key)
    else:
        _SAMPLERS[key] = (_make_sampler(shapes), [d for _, (_, d) in shapes])
        while len(_SAMPLERS) > SAMPLERS_KEPT:
            _SAMPLERS.popitem(last=False)
    return _SAMPLERS[key][0]


def _make_sampler(shapes: list):
    import jax

    if not shapes or any(_own_sampler(domain) for _, (_, domain) in shapes):
        return jax.jit(jax.vmap(lambda k: _sample(shapes, k)))
    length = _raw_length(shapes)
    # the symbols and the keys are padded to powers of 2 as well (each key's and salt's normals do
    # not depend on the others'), so that `_normals` compiles for few shapes in a whole run
    salts = np.asarray([_salt(name) for name, _ in shapes], dtype=np.uint32)
    salts = np.concatenate([salts, np.zeros(_bucket(len(salts)) - len(salts), dtype=np.uint32)])

    def transform(raw):  # raw: (symbols, length) of one instance
        out = {}
        for j, (name, (shape, domain)) in enumerate(shapes):
            raw_shape = domain.raw_shape(shape)
            out[name] = domain.transform(raw[j, : math.prod(raw_shape)].reshape(raw_shape), shape)
        return out

    def transform_batch(raw, count):  # raw: (keys, symbols, length), padded
        return jax.vmap(transform)(raw[:count])

    transforms = jax.jit(transform_batch, static_argnums=1)

    def sampler(keys):
        count = int(keys.shape[0])
        if keys.dtype != np.uint32 or keys.ndim != 2:  # typed keys (jax.random.key): drawn as they are
            return transforms(_normals()(keys, salts, length), count)
        data = np.asarray(keys)
        data = np.concatenate([data, np.repeat(data[:1], _bucket(count) - count, axis=0)])
        return transforms(_normals()(data, salts, length), count)

    return sampler


# --- pairs for each kind of statement -------------------------------------------------------------


def _ev(expr, env):
    return evaluate(expr, env, jax_backend())


def _as_array(value):
    import jax.numpy as jnp

    return jnp.asarray(value, dtype=jnp.float64)


def _additive_terms(f):
    if isinstance(f, (sp.Add, sp.MatAdd)):
        return list(f.args)
    return [f]


def pairs_for(statement, claim: Claim, sizes: dict, key) -> tuple[list[Pair], list[str]]:
    import jax.numpy as jnp

    notes: list[str] = []
    if isinstance(statement, Identity):
        return [Pair("left side = right side", lambda e: (_ev(statement.lhs, e), _ev(statement.rhs, e), 0.0),
                     (statement.lhs, statement.rhs))], notes
    if isinstance(statement, Gradient):
        d = statement.derivative()
        return [Pair("autodiff derivative = claimed derivative",
                     lambda e: (_ev(d, e), _ev(statement.claimed, e), 0.0), (d, statement.claimed))], notes
    if isinstance(statement, Derivation):
        # each inner step appears in two comparisons: evaluate it once per instance (the traced
        # graph, and so the compile time, shrinks by almost half)
        cache: dict = {}

        def step_value(k, e):
            key = (id(e), k)
            if key not in cache:
                cache[key] = (e, _ev(statement.steps[k], e))  # keep e alive so its id stays unique
            return cache[key][1]

        out = []
        for i, (a, b) in enumerate(zip(statement.steps, statement.steps[1:])):
            out.append(Pair(f"step {i} = step {i + 1}",
                            lambda e, i=i: (step_value(i, e), step_value(i + 1, e), 0.0), (a, b)))
        return out, notes
    if isinstance(statement, Expectation):
        mean = statement.mean()
        return [Pair("exact expectation = claimed value", lambda e: (_ev(mean, e), _ev(statement.equals, e), 0.0),
                     (mean, statement.equals))], notes
    if isinstance(statement, Minimiser):
        return _minimiser_pairs(statement, key, notes), notes
    if isinstance(statement, Property):
        return _property_pairs(statement, notes), notes
    if isinstance(statement, Algorithmic):
        return _algorithmic_pairs(statement, notes), notes
    if isinstance(statement, Inequality):
        return [Pair(**fields) for fields in inequality.numeric_checks(statement, notes)], notes
    if isinstance(statement, ExpectationOver):
        return expectation_pairs(statement, claim, sizes, key)
    if isinstance(statement, Shape):
        def shape_pair(e):
            _ev(statement.expr, e)  # evaluating is the check: an ill-formed product raises ShapeMismatch
            return jnp.zeros(()), jnp.zeros(()), 0.0

        notes.append("shape claims are checked by evaluating the formula at every sampled size")
        return [Pair("formula evaluates", shape_pair)], notes
    if isinstance(statement, Exists):  # verify.logic
        return exists_pairs(statement, notes, _ev, _as_array), notes
    if isinstance(statement, Limit):  # verify.limits
        return limit_pairs(statement, notes, _ev, _as_array), notes
    if isinstance(statement, Order):
        return order_pairs(statement, notes, _ev, _as_array), notes
    raise TypeError(f"unknown statement {statement!r}")


def _with(env, name, value):
    return {**env, name: value}


def _split_sum(expr) -> list:
    """The additive terms of a scalar expression, recursively: the arguments of a sum, of a sum read
    as a scalar (`scalar(A + B)`), and of a sum times a factor (distributed: c (a + b) = c a + c b)."""
    if isinstance(expr, sp.Add):
        return [t for a in expr.args for t in _split_sum(a)]
    if isinstance(expr, MatrixElement) and isinstance(expr.parent, sp.MatAdd):
        return [t for a in expr.parent.args for t in _split_sum(MatrixElement(a, expr.i, expr.j))]
    if isinstance(expr, sp.Mul):
        sums = [a for a in expr.args if isinstance(a, sp.Add)
                or (isinstance(a, MatrixElement) and isinstance(a.parent, sp.MatAdd))]
        if len(sums) == 1:
            rest = sp.Mul(*[a for a in expr.args if a is not sums[0]])
            return [rest * t for t in _split_sum(sums[0])]
    return [expr]


SHOWN_CHARS = 400  # expressions quoted in the notes are cut beyond this many characters


def _shown(expr) -> str:
    """`expr` as text for the notes, in a Markdown code span (its `*` would otherwise turn into
    emphasis in the report).  Beyond SHOWN_CHARS characters a sum keeps its first whole terms and
    says how many are left out; anything else is replaced by its length: a formula is never cut."""
    text = sp.sstr(expr)
    if len(text) <= SHOWN_CHARS:
        return f"`{text}`"
    if isinstance(expr, (sp.Add, sp.MatAdd)):
        kept: list[str] = []
        for term in expr.args:
            piece = sp.sstr(term)
            if len(" + ".join([*kept, piece])) > SHOWN_CHARS:
                break
            kept.append(piece)
        if kept:
            return ("`" + " + ".join(kept) + f" + ...` ({len(expr.args) - len(kept)} more terms; {len(text)} characters "
                    "in all)")
    return f"(an expression of {len(text)} characters, too long to show)"


FAR_SCALES = (10.0, 100.0, 1000.0)  # multiples of the point's radius probed along each axis


def _minimiser_pairs(st: Minimiser, key, notes: list) -> list[Pair]:
    import jax
    import jax.numpy as jnp

    name = str(st.wrt.name)
    # f is a sum; its terms free of wrt are additive constants.  They cannot change which point is
    # the minimiser, but they can hide any decrease: a tolerance relative to |f(point)| with f =
    # 1e14 - ||w - a||^2 is 1e6, far above the decrease the perturbations find.  So the perturbation
    # and solver checks compare f without its constants, relative to the size of its remaining
    # terms at the point (the rounding in f(x) - f(point) is relative to the terms, not to their sum).
    split = _split_sum(st.f)
    varying = [t for t in split if t.has(st.wrt)]
    constants = [t for t in split if not t.has(st.wrt)]
    f_rest = sp.Add(*varying) if constants and varying else st.f
    f_scalar = lambda e: jnp.reshape(_ev(f_rest, e), ())  # noqa: E731
    size_terms = varying or [st.f]

    def term_scale(e, p):
        at = _with(e, name, p)
        return jnp.max(jnp.stack([jnp.abs(jnp.reshape(_ev(t, at), ())) for t in size_terms]))

    if constants and varying:
        notes.append(f"minimality (perturbation and solver checks): the terms of f free of {name}, "
                     f"{_shown(sp.Add(*constants))}, are additive constants and are dropped before comparing values")
    notes.append("minimality (perturbation and solver checks): the tolerance is relative to the largest |value| at "
                 f"the point among the terms of f{' without its constants' if constants and varying else ''}: "
                 + ", ".join(_shown(t) for t in size_terms))
    out: list[Pair] = []
    if st.smooth:
        g = Grad(st.f, st.wrt, at=st.point)
        # the constants' gradients are 0: leaving them out changes no scale and keeps the note short
        grad_terms = [t for t in _additive_terms(st.f) if t.has(st.wrt)] or [st.f]
        terms = [Grad(t, st.wrt, at=st.point) for t in grad_terms]

        def stationarity(e):
            grad = _ev(g, e)
            scale = max_abs_of([_ev(t, e) for t in terms]) if len(terms) > 1 else 0.0
            return grad, jnp.zeros_like(grad), scale

        if len(terms) > 1:
            notes.append("autodiff gradient at the point = 0: the tolerance is relative to the largest entry of the "
                         "gradients at the point of the terms of f, "
                         + ", ".join(_shown(t) for t in grad_terms)
                         + " (their sum is the gradient, so rounding in it is relative to them)")
        else:
            notes.append(f"autodiff gradient at the point = 0: f has one term that depends on {name}; the tolerance "
                         "is atol + rtol * the size of each gradient entry (or the rounding floor)")
        out.append(Pair("autodiff gradient at the point = 0", stationarity, (g, variable_zero(st.wrt))))
    eps = (1e-4, 1e-2, 1.0)
    n_dirs = 8

    def perturb(e):
        p = _ev(st.point, e)
        f0 = f_scalar(_with(e, name, p))
        radius = 1.0 + jnp.max(jnp.abs(p))
        dirs = jax.random.normal(jax.random.PRNGKey(7), (n_dirs * len(eps) + 2 * p.size,) + p.shape)
        # coordinate directions first: a wrong coordinate of a separable minimiser shows at once
        basis = jnp.concatenate([jnp.eye(p.size), -jnp.eye(p.size)]).reshape((2 * p.size,) + p.shape)
        dirs = dirs.at[: 2 * p.size].set(basis)
        # every axis but the first (a scalar variable's directions are numbers: +-1 once normalised)
        dirs = dirs / jnp.sqrt(jnp.sum(dirs**2, axis=tuple(range(1, dirs.ndim)), keepdims=True))
        scales = jnp.repeat(jnp.asarray(eps), dirs.shape[0] // len(eps) + 1)[: dirs.shape[0]]
        vals = jax.vmap(lambda d, s: f_scalar(_with(e, name, p + s * radius * d)))(dirs, scales)
        # the kinks of |w| and sign(w) are at 0: the point with one coordinate set to 0, and the
        # origin, are candidates that no random direction reaches exactly
        masks = jnp.concatenate([1.0 - jnp.eye(p.size), jnp.zeros((1, p.size))]).reshape((p.size + 1,) + p.shape)
        at_kinks = jax.vmap(lambda mk: f_scalar(_with(e, name, p * mk)))(masks)
        # far along each coordinate direction: a local minimum of a cost unbounded below (w^3/3 - w
        # at w = 1) looks minimal to every probe within a few radii; a value that overflows there
        # is no evidence either way and is skipped
        far = jax.vmap(lambda d: jax.vmap(lambda sc: f_scalar(_with(e, name, p + sc * radius * d)))(
            jnp.asarray(FAR_SCALES)))(basis)
        far = jnp.where(jnp.isfinite(far), far, jnp.inf)
        drop = jnp.minimum(jnp.minimum(jnp.min(vals), jnp.min(at_kinks)), jnp.min(far)) - f0
        return jnp.minimum(drop, 0.0), jnp.zeros(()), term_scale(e, p)

    out.append(Pair("no perturbation of the point lowers f", perturb, every_size=False))

    def solver(e):
        p = _ev(st.point, e)
        f0 = f_scalar(_with(e, name, p))
        radius = 0.5 * (1.0 + jnp.max(jnp.abs(p)))
        start = p + radius * jax.random.normal(jax.random.PRNGKey(11), p.shape)
        fx = lambda x: f_scalar(_with(e, name, x))  # noqa: E731
        grad = jax.grad(fx)

        def body(k, carry):
            x, best = carry
            gk = grad(x)
            step = radius / jnp.sqrt(k + 1.0) / (jnp.sqrt(jnp.sum(gk**2)) + 1e-300)
            x = x - step * gk
            return x, jnp.minimum(best, fx(x))

        _, best = jax.lax.fori_loop(0, 400, body, (start, fx(start)))
        return jnp.minimum(best - f0, 0.0), jnp.zeros(()), term_scale(e, p)

    out.append(Pair("an independent solver (normalised (sub)gradient descent) finds no lower value", solver,
                    every_size=False))
    if st.reference is not None:
        out.append(Pair("point = independent closed form", lambda e: (_ev(st.point, e), _ev(st.reference, e), 0.0),
                        (st.point, st.reference)))
    return out


def max_abs_of(values):
    import jax.numpy as jnp

    return jnp.max(jnp.stack([jnp.max(jnp.abs(v)) for v in values]))


def _margin(relation: str, value):
    import jax.numpy as jnp

    if relation == "psd":
        sym = (value + jnp.swapaxes(value, -1, -2)) / 2
        eig = jnp.linalg.eigvalsh(sym)
        return jnp.min(eig), jnp.max(jnp.abs(eig))
    value = jnp.reshape(value, (-1,))
    return jnp.min(value), jnp.max(jnp.abs(value))


PROPERTY_TEXT = {"psd": "smallest eigenvalue >= 0", "nonnegative": "value >= 0",
                 "positive": "value > 0 (strict: a value within rounding of 0 fails)"}

NOT_CONVERGED = "the local minimiser search did not converge"


def _property_pairs(st: Property, notes: list) -> list[Pair]:
    import jax.numpy as jnp

    strict = st.relation == "positive"

    def compute(e):
        if st.local_min_of is not None:
            f, x = st.local_min_of
            xstar, converged = local_minimum(f, x, e)
            e = _with(e, str(x.name), xstar)
        else:
            converged = jnp.asarray(True)
        value = _ev(st.expr, e)
        if strict:
            # every entry must exceed 0 by more than its rounding: compared entrywise as value > 0
            entries = jnp.reshape(_as_array(value), (-1,))
            return entries, jnp.zeros_like(entries), jnp.zeros(()), converged
        margin, scale = _margin(st.relation, value)
        return jnp.minimum(margin, 0.0), jnp.zeros(()), scale, converged

    if strict:
        notes.append("value > 0 is checked strictly, entry by entry: an entry passes only when it exceeds atol + "
                     "rtol * its scale (its own size, or the rounding floor); 0, or a value within rounding of 0, "
                     "is a violation; the error shown is the shortfall below that bound")
    elif st.relation == "psd":
        notes.append("smallest eigenvalue >= 0: a negative smallest eigenvalue of the symmetric part counts only "
                     "beyond atol + rtol * the largest |eigenvalue|")
    else:
        notes.append("value >= 0: a negative entry counts only beyond atol + rtol * the largest |entry|")
    fix = ""
    if st.local_min_of is not None:
        notes.append("each instance starts damped Newton steps (JAX autodiff Hessian) from its random x "
                     "and uses the local minimiser found; instances where the search does not converge "
                     "(gradient above 1e-9 of the Hessian's scale after 60 steps) are left out and counted")
        f, x = st.local_min_of
        fix = (f"check that f = {_shown(f)} has a strict local minimum over {x} reachable from most of the "
               f"domain of {x} (f unbounded below or flat has none), or narrow the domains so that it has")
    return [Pair(PROPERTY_TEXT.get(st.relation, st.relation), compute, strict=strict,
                 excluded_when=NOT_CONVERGED if st.local_min_of is not None else "", excluded_fix=fix)]


def local_minimum(f, x, env, steps: int = 60):
    """A local minimiser of `f` over `x` from `env[x]`: Newton steps on a Hessian shifted to be
    positive definite, with a backtracking line search; returns (x*, converged)."""
    import jax
    import jax.numpy as jnp

    name = str(x.name)
    x0 = env[name]
    fx = lambda v: jnp.reshape(_ev(f, _with(env, name, v)), ())  # noqa: E731
    grad, hess = jax.grad(fx), jax.hessian(fx)

    def body(_, v):
        g = grad(v).reshape(-1)
        h = hess(v).reshape(g.size, g.size)
        lam_min = jnp.min(jnp.linalg.eigvalsh((h + h.T) / 2))
        shift = jnp.maximum(0.0, 1e-6 - lam_min)
        step = jnp.linalg.solve(h + shift * jnp.eye(g.size), g).reshape(v.shape)
        ts = 0.5 ** jnp.arange(30.0)
        vals = jax.vmap(lambda t: fx(v - t * step))(ts)
        ok = vals <= fx(v)
        t = jnp.where(jnp.any(ok), ts[jnp.argmax(ok)], 0.0)
        return v - t * step

    xstar = jax.lax.fori_loop(0, steps, body, x0)
    g = grad(xstar)
    h = hess(xstar).reshape(g.size, g.size)
    scale = 1.0 + jnp.max(jnp.abs(h)) * (1.0 + jnp.max(jnp.abs(xstar)))
    converged = jnp.max(jnp.abs(g)) <= 1e-9 * scale
    return xstar, converged


def line_search(phi, grow: int = 60, golden: int = 90):
    """argmin over eta >= 0 of phi(eta): bracket by doubling, golden section, then Newton on phi'."""
    import jax
    import jax.numpy as jnp

    def grow_body(_, hi):
        return jnp.where(phi(2 * hi) < phi(hi), 2 * hi, hi)

    hi = jax.lax.fori_loop(0, grow, grow_body, jnp.asarray(1e-6))
    lo, hi = jnp.asarray(0.0), 2 * hi
    r = (math.sqrt(5) - 1) / 2

    def golden_body(_, bounds):
        a, b = bounds
        c, d = b - r * (b - a), a + r * (b - a)
        left = phi(c) < phi(d)
        return jnp.where(left, a, c), jnp.where(left, d, b)

    a, b = jax.lax.fori_loop(0, golden, golden_body, (lo, hi))
    eta = (a + b) / 2
    d1, d2 = jax.grad(phi), jax.grad(jax.grad(phi))

    def newton(_, t):
        step = d1(t) / d2(t)
        return jnp.where(jnp.isfinite(step) & (d2(t) > 0), jnp.maximum(t - step, 0.0), t)

    return jax.lax.fori_loop(0, 8, newton, eta)


def _algorithmic_pairs(st: Algorithmic, notes: list) -> list[Pair]:
    import jax.numpy as jnp

    state = str(st.state.name)
    nxt = sp.MatrixSymbol(state + "_next", *st.state.shape)
    parts = st.conclusion(st.state, nxt)
    lhs, rhs = parts[0], parts[1]
    scale_expr = parts[2] if len(parts) > 2 else None
    step_name = str(st.step.name)
    check = f"conclusion after each of {st.iterations} steps"
    if st.step_rule == "exact_line_search":
        notes.append("the step size is an exact line search done with JAX (doubling bracket, golden "
                     "section, Newton polish on the derivative)")

    def compute(e):
        import jax

        def one_step(theta, _):
            here = _with(e, state, theta)
            update = lambda eta: _ev(st.update, _with(here, step_name, eta))  # noqa: E731
            if st.step_rule == "exact_line_search":
                eta = line_search(lambda t: jnp.reshape(_ev(st.cost, _with(here, state, update(t))), ()))
            else:
                eta = jnp.reshape(_ev(st.step_rule, here), ())
            new = update(eta)
            pair_env = {**here, nxt.name: new}
            left = jnp.reshape(_ev(lhs, pair_env), (-1,))
            right = jnp.reshape(_ev(rhs, pair_env) if rhs != 0 else jnp.zeros(()), (-1,)) * jnp.ones_like(left)
            scale = jnp.reshape(_ev(scale_expr, pair_env), ()) if scale_expr is not None else jnp.zeros(())
            return new, (left, right, scale)

        # one compiled step, scanned: the graph does not grow with the number of iterations
        _, (left, right, scales) = jax.lax.scan(one_step, e[state], None, length=st.iterations)
        return left, right, jnp.max(scales)

    return [Pair(check, compute)]


# --- the check ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntrywiseComparison:
    """Per instance (arrays of length N): the largest error / tolerance over the entries (`ratio`),
    the largest |lhs - rhs| (`err`; for a strict check the largest shortfall below the bound), the
    largest error / scale (`rel`), and the entry with the largest ratio, its error and tolerance."""

    ratio: np.ndarray
    err: np.ndarray
    rel: np.ndarray
    entry: np.ndarray
    entry_err: np.ndarray
    entry_tol: np.ndarray


def compare_entrywise(lhs, rhs, extra, *, atol: float, rtol, kappa, strict: bool = False) -> EntrywiseComparison:
    """Compare N instances entry by entry: entry ij passes when |lhs_ij - rhs_ij| <= atol + rtol_i *
    scale_ij (strict: lhs_ij - rhs_ij > that), scale_ij = max(|lhs_ij|, |rhs_ij|, extra_i(j), floor_i),
    floor_i = rounding_floor(kappa_i) * (instance i's largest |entry|): see conditioning.ROUNDING_FLOOR.

    `rtol` and `kappa` are per instance (or scalars); `extra` is one scale per instance or one per entry."""
    lhs, rhs = np.asarray(lhs, dtype=float), np.asarray(rhs, dtype=float)
    n = lhs.shape[0]
    left, right = lhs.reshape(n, -1), rhs.reshape(n, -1)
    extra = np.asarray(extra, dtype=float).reshape(n, -1)
    mag = np.maximum(np.abs(left), np.abs(right))
    largest = np.max(mag, axis=1, keepdims=True) if mag.shape[1] else np.zeros((n, 1))
    floor = np.broadcast_to(rounding_floor(kappa), (n,)).reshape(n, 1) * largest
    scale = np.maximum(np.maximum(mag, extra), floor)
    tol = atol + np.broadcast_to(np.asarray(rtol, dtype=float), (n,)).reshape(n, 1) * scale
    if strict:
        margin = left - right
        # decreasing in the margin, 1 exactly at margin == tol: a margin at or below the tolerance fails
        ratio = np.where(margin > tol, tol / np.where(margin > tol, margin, 1.0), 2.0 - margin / tol)
        err = np.maximum(tol - margin, 0.0)
    else:
        err = np.abs(left - right)
        ratio = err / tol
    # relative error only where the relative part of the tolerance governs (rtol * scale >= atol):
    # where both sides are about 0 the absolute tolerance decides, and err / scale (1.0 against an
    # exact 0) says nothing; such entries give NaN, shown as "n/a"
    governed = (np.broadcast_to(np.asarray(rtol, dtype=float), (n,)).reshape(n, 1) * scale >= atol) & (scale > 0)
    rel = np.where(governed, err / np.where(scale > 0, scale, 1.0), -np.inf)
    if not ratio.shape[1]:  # no entries: nothing can fail
        zeros = np.zeros(n)
        return EntrywiseComparison(zeros, zeros, zeros, np.zeros(n, dtype=int), zeros, zeros)
    entry = np.argmax(ratio, axis=1)
    pick = lambda a: np.take_along_axis(a, entry[:, None], axis=1)[:, 0]  # noqa: E731
    rel = np.max(rel, axis=1)
    rel[np.isneginf(rel)] = np.nan
    return EntrywiseComparison(np.max(ratio, axis=1), np.max(err, axis=1), rel, entry,
                               pick(err), pick(tol))


MAX_REDRAWS = 3  # further batches of instances when too many of the first were near a kink
REDRAW_SALT = 1 << 20  # keys of the further batches: fold_in(size key, REDRAW_SALT + attempt)


# Statement kinds whose checks are evaluated eagerly (op by op, vmapped over the instances) rather
# than compiled: a formula is evaluated once per batch, so XLA's compile time of the whole graph
# (1-3 s for a backprop gradient, most of the check) buys nothing; JAX compiles each primitive
# once per shape and process, which later claims and mutants reuse.  Searches (minimiser
# perturbations and solvers, local-minimum and line searches) run many evaluations per instance
# and stay compiled.  The instances are drawn by a compiled sampler either way, so that they are
# the same bits whichever way the check runs.
EAGER_KINDS = (Identity, Gradient, Derivation, Expectation, Shape)



def _batched(sampler, check_one, *, eager: bool):
    """keys -> (instances, check outputs...) for a batch of instance keys."""
    import jax

    checkers: dict = {}  # batch size -> checker (axis_size: a claim may have no random symbol at all)

    def run(keys):
        size = int(keys.shape[0])
        if size not in checkers:
            batched = jax.vmap(check_one, axis_size=size)
            checkers[size] = batched if eager else jax.jit(batched)
        single = sampler(keys)
        return (single, *checkers[size](single))

    return run


def check_numeric(claim: Claim, *, seed: int = 0, instances: int = 64) -> NumericResult:
    """Run every comparison of `claim` on about `instances` random instances, spread over the size
    assignments of `verify.sizes.plan` (at least `verify.sizes.MIN_PER_SIZE` at each)."""
    if isinstance(claim.statement, (Implies, Equivalence)):  # each direction as a claim (verify.logic)
        return check_directions_numeric(claim, seed, instances, check_numeric)
    import jax
    import jax.numpy as jnp

    key = claim_key(seed, claim.instances_of or claim.id)
    rng = np.random.default_rng(np.asarray(jax.random.key_data(key)).astype(np.uint32))
    planned = size_plan(claim, plan_rng(claim, seed))
    drawn = list(planned.sizes)
    ill: list[tuple[dict, str]] = []
    good: list[dict] = []
    for sizes in drawn:
        problem = ill_formed(claim, sizes, trace=False)  # the check below traces the rest
        (ill if problem else good).append((sizes, problem) if problem else sizes)
    how = planned.how
    if not good:  # look a little further for sizes where the formula is well-formed (e.g. square W)
        for sizes in all_sizes(claim, rng)[:24]:
            if sizes not in drawn and not ill_formed(claim, sizes):
                good.append(sizes)
                how = "well-formed"  # the planned assignments are all ill-formed; this one is not
                break
    comparisons: dict[str, list] = {}
    worst = None  # (rank, pair, sizes, env_single, lhs, rhs, err, (entry, entry_err, entry_tol))
    notes: list[str] = []
    counts = split_instances(instances, len(good))
    costly_at = len(good) - 1  # searches (every_size=False) run at the largest assignment only
    checked: list[dict] = []
    per_size: list[int] = []
    total = 0
    drawn_total, kink_total, kink_names = 0, 0, set()
    conditions: list[float] = []
    inverts = False
    tolerance_used = 0.0
    excluded: dict[str, list] = {}  # check name -> [left out, looked at, why]
    rounded: dict[str, list] = {}  # check name -> [re-judged, passing then, worst ratio before, widest added]
    for index, sizes in enumerate(good):
        k = jax.random.fold_in(key, index)
        per = counts[index]
        statement = claim.build(sizes)
        pairs, pair_notes = pairs_for(statement, claim, sizes, k)
        if len(good) > 1 and any(not p.every_size for p in pairs):
            costly = ", ".join(f"'{p.name}'" for p in pairs if not p.every_size)
            note = (f"{costly}: searches (many evaluations per instance), run at the largest assignment only, "
                    f"{checked_text([good[costly_at]])}; the other checks run at every assignment")
            if note not in notes:
                notes.append(note)
        pairs = [p for p in pairs if p.every_size or index == costly_at]
        notes.extend(n for n in pair_notes if n not in notes)
        avoid_kinks = not claim.about_kink and bool(kink_atoms(statement))
        facts: dict = {}

        def check_one(single, pairs=pairs, sizes=sizes, statement=statement, avoid_kinks=avoid_kinks,
                      facts=facts):
            full = {**single, **sizes}
            outs = []
            for p in pairs:
                lhs, rhs, extra, *valid = p.compute(full)
                valid = valid[0] if valid else True
                outs.append((_as_array(lhs), _as_array(rhs), _as_array(extra), jnp.asarray(valid, dtype=bool)))
            kappa, facts["inverts"] = instance_condition(statement, full)
            kink, facts["kinks"] = near_kink(statement, full) if avoid_kinks else (np.False_, [])
            return outs, kappa, kink

        # a claim with kinks draws extra instances up front, so that excluding the few near a kink
        # leaves `per`; more batches are drawn only if that is not enough
        draw = per + max(4, per // 4) if avoid_kinks else per
        compiled = _batched(batch_sampler(claim, sizes), check_one, eager=isinstance(statement, EAGER_KINDS))
        batches = []
        try:
            for attempt in range(1 + (MAX_REDRAWS if avoid_kinks else 0)):
                batch_key = k if attempt == 0 else jax.random.fold_in(k, REDRAW_SALT + attempt)
                batches.append(jax.tree_util.tree_map(np.asarray, compiled(jax.random.split(batch_key, draw))))
                if sum(int(np.sum(~b[3].astype(bool))) for b in batches) >= per:
                    break
            searched = 0
            if searchable(statement) and index == costly_at:  # a search, like the other costly checks: at the
                # largest assignment only; its instances come after the random ones
                batches.append(jax.tree_util.tree_map(np.asarray, _batched(
                    search_sampler(claim, statement, sizes), check_one, eager=False)(search_keys(k))))
                searched = SEARCH_STARTS
                if describe_search(statement) not in notes:
                    notes.append(describe_search(statement))
        except ShapeMismatch as exc:
            ill.append((sizes, str(exc)))
            continue
        except EvaluationError as exc:
            return NumericResult("error", message=f"at sizes {sizes_text(sizes)}: {exc}")
        env, results, kappa, kink = jax.tree_util.tree_map(lambda *parts: np.concatenate(parts), *batches)
        kink = kink.astype(bool)
        drawn_here = len(kink) - searched
        keep = np.concatenate([np.flatnonzero(~kink[:drawn_here])[:per],
                               drawn_here + np.flatnonzero(~kink[drawn_here:])])
        drawn_total += len(kink)
        kink_total += int(np.sum(kink))
        inverts = inverts or bool(facts.get("inverts"))
        kink_names.update(facts.get("kinks", ()))
        if len(keep) < max(1, per // 2):
            return NumericResult("error", instances=total,
                                 message=f"at sizes {sizes_text(sizes)}: {int(np.sum(kink))} of {len(kink)} "
                                         f"instances drawn are within {KINK_MARGIN:g} of a kink of "
                                         f"{', '.join(sorted(kink_names))}; if the claim is about the kink, set "
                                         "about_kink=True on it")
        env, results, kappa = jax.tree_util.tree_map(lambda a, keep=keep: a[keep], (env, results, kappa))
        per_used = len(keep)
        conditions.append(float(np.max(kappa)))
        rtol = effective_rtol(claim.rtol, kappa)
        total += per_used
        checked.append(sizes)
        per_size.append(per_used)
        for p, (lhs, rhs, extra, valid) in zip(pairs, results):
            lhs, rhs, extra = np.asarray(lhs), np.asarray(rhs), np.asarray(extra)
            if lhs.shape != rhs.shape:
                ill.append((sizes, f"{p.name}: the two sides have shapes {lhs.shape[1:]} and {rhs.shape[1:]}"))
                continue
            valid = np.broadcast_to(np.asarray(valid, dtype=bool).reshape(-1), (per_used,))
            used_env, used_kappa, used_rtol = env, kappa, rtol
            n_valid = int(np.sum(valid))
            if p.excluded_when or n_valid < per_used:
                e = excluded.setdefault(p.name, [0, 0, p.excluded_when or "the instance was not valid for this check"])
                e[0] += per_used - n_valid
                e[1] += per_used
            if n_valid < per_used:  # left out of this check's decision (e.g. a search that did not converge)
                if 2 * n_valid < per_used:
                    return NumericResult("error", instances=total, excluded=sum(v[0] for v in excluded.values()),
                                         message=f"{p.name}: {e[2]} on {per_used - n_valid} of {per_used} instances "
                                                 f"at sizes {sizes_text(sizes)} (only {n_valid} usable, fewer than "
                                                 "half); "
                                                 + (p.excluded_fix or "check the claim's domains"))
                lhs, rhs, extra = lhs[valid], rhs[valid], extra[valid]
                used_env = {n: v[valid] for n, v in env.items()}
                used_kappa, used_rtol = np.asarray(kappa)[valid], np.broadcast_to(rtol, (per_used,))[valid]
            n_used = len(lhs)
            # the scale too: a NaN scale makes a NaN tolerance, and every comparison with NaN passes
            finite = (np.isfinite(lhs) & np.isfinite(rhs)).reshape(n_used, -1).all(axis=1) \
                & np.isfinite(extra).reshape(n_used, -1).all(axis=1)
            undefined_here = None  # instances with one side non-finite (verify.undefined): they fail
            if not finite.all():
                undefined_here = one_sided_nonfinite(lhs, rhs, n_used, p.exact) if np.isfinite(extra).all() else None
                if undefined_here is not None:
                    shown, (lhs, rhs) = (lhs, rhs), finite_copy(lhs, rhs, undefined_here)
            if not finite.all() and undefined_here is None:
                bad = int(np.sum(~finite))
                return NumericResult("error", instances=total,
                                     message=f"{p.name}: non-finite values (NaN or inf) on {bad} of {n_used} "
                                             f"instances at sizes {sizes_text(sizes)}")
            if p.band:  # extra holds (scale, acceptance band) per entry: the band adds to the tolerance
                cmp = compare_entrywise(lhs, rhs, extra[:, 0], atol=claim.atol + extra[:, 1].reshape(n_used, -1),
                                        rtol=used_rtol, kappa=used_kappa)
            else:
                cmp = compare_entrywise(lhs, rhs, extra, atol=claim.atol, rtol=used_rtol, kappa=used_kappa,
                                        strict=p.strict)
            ratio = cmp.ratio
            if undefined_here is not None:
                ratio = np.where(undefined_here, np.maximum(ratio, UNDEFINED_RATIO), ratio)
                lhs, rhs = shown  # the counterexample shows the side that is not finite as it came out
            mismatch = ratio >= 1 if p.strict else ratio > 1
            if not (p.band or p.strict) and undefined_here is None and recheck_wanted(ratio, mismatch):
                # failing only by a small factor: judged again from the instances' rounding sensitivity
                cmp, figures = rejudge(
                    p.compute, lhs, rhs, ratio, mismatch, used_env, sizes, k, eager=isinstance(statement, EAGER_KINDS),
                    compare=lambda added: compare_entrywise(lhs, rhs, extra, atol=claim.atol + added, rtol=used_rtol,
                                                            kappa=used_kappa))
                merge_rounding(rounded.setdefault(p.name, [0, 0, 0.0, 0.0]), figures)
                ratio = cmp.ratio
                mismatch = ratio > 1
            tolerance_used = max(tolerance_used, float(np.max(ratio)))
            c = comparisons.setdefault(p.name, [0, 0, 0.0, float("nan")])
            c[0] += n_used
            c[1] += int(np.sum(mismatch))
            c[2] = max(c[2], float(np.max(cmp.err)))
            if not np.all(np.isnan(cmp.rel)):  # NaN: no entry where the relative tolerance governs
                c[3] = float(np.nanmax(cmp.rel)) if np.isnan(c[3]) else max(c[3], float(np.nanmax(cmp.rel)))
            i = int(np.argmax(ratio))
            # the counterexample: smallest sizes first (easiest to read and to confirm exactly),
            # then the largest violation
            rank = (sum(sizes.values()), -float(ratio[i]))
            if mismatch[i] and (worst is None or rank < worst[0]):
                single = {n: np.asarray(v[i]) for n, v in used_env.items()}
                worst = (rank, p, sizes, single, lhs[i], rhs[i], float(cmp.err[i]),
                         (int(cmp.entry[i]), float(cmp.entry_err[i]), float(cmp.entry_tol[i])))
    comps = tuple(Comparison(n, *v) for n, v in comparisons.items())
    tolerance = tolerance_text(claim.atol, claim.rtol)
    if kink_names:
        notes.append(f"kinks: {kink_total} of the {drawn_total} instances drawn had an argument of "
                     f"{', '.join(sorted(kink_names))} within {KINK_MARGIN:g} of its kink (relative to the size of its "
                     f"terms) and were excluded; the {total} instances above are away from the kinks")
    for name, (left_out, looked_at, why) in excluded.items():
        if left_out:
            notes.append(f"{name}: {why} on {left_out} of the {looked_at} instances; they were left out of this "
                         f"check's decision, which uses the other {looked_at - left_out}")
        else:  # a check that may leave instances out, and left none out here
            notes.append(f"{name}: an instance is left out of this check's decision where {why}; none of the "
                         f"{looked_at} instances was")
    notes.extend(rounding_note(name, *r) for name, r in rounded.items())
    ill_text = tuple(f"at sizes {sizes_text(s)}: {msg}" for s, msg in ill)
    counter = None
    if worst is not None:
        _, p, sizes, single, lhs, rhs, err, (entry, entry_err, entry_tol) = worst
        counter = Counterexample(p.name, sizes, {n: np.asarray(v).tolist() for n, v in single.items()},
                                 np.asarray(lhs).tolist(), np.asarray(rhs).tolist(), err, entry=entry,
                                 entry_abs_err=entry_err, entry_tolerance=entry_tol)
    elif ill:
        sizes, msg = ill[0]
        counter = Counterexample("well-formedness", sizes, {}, None, None, float("nan"), ill_formed=msg)
    status = "failed" if (worst is not None or ill) else "passed"
    if not good and not ill:
        return NumericResult("error", message="no admissible sizes")
    return NumericResult(status, total, tuple(checked), comps, ill_text, counter, tolerance, "", tuple(notes),
                         worst_condition=max(conditions) if inverts and conditions else None, near_kink=kink_total,
                         tolerance_used=tolerance_used, excluded=sum(v[0] for v in excluded.values()),
                         per_size=tuple(per_size), size_plan=how, admissible_sizes=planned.admissible,
                         declared_sizes=planned.declared, planned_sizes=len(planned.sizes),
                         _worst_env=(worst[1], worst[2], worst[3]) if worst is not None else None)


def _subs(dim, sizes: dict):
    dim = sp.sympify(dim, strict=True)
    return dim.xreplace({d: sp.Integer(sizes[str(d.name)]) for d in dim.free_symbols if str(d.name) in sizes})


def _here(condition, sizes: dict) -> str:
    """The values of a failed condition's sides at `sizes`: "m = 2", "n1 = 3 and m = 2" (a number
    such as the 1 of a column is not restated as "1 = 1")."""
    sides = [side for side in (condition.left, condition.right) if not sp.sympify(side, strict=True).is_number]
    return " and ".join(f"{side} = {_subs(side, sizes)}" for side in sides)



def ill_formed(claim: Claim, sizes: dict, *, trace: bool = True) -> str:
    """Why the statement is ill-formed at `sizes` ('' when it is well-formed).

    The shape conditions of the statement decide first (integer substitution, no tracing).  A
    builder's statement can hide a mismatch from them (explicit matrices, derivatives), so it is
    also traced with abstract values, unless `trace=False`: the caller then runs the real check,
    whose tracing raises the same `ShapeMismatch` (one trace instead of two)."""
    import jax

    from .symbolic import shape_conditions

    statement = claim.build(sizes)
    # symbolic dimensions: integer substitution into the shape conditions, no tracing
    for condition in shape_conditions(statement):
        if not condition.holds_for(sizes):
            return f"{condition}, but here {_here(condition, sizes)}"
    if not isinstance(statement, Shape) or statement.expected is None:
        if not claim.is_builder or not trace:
            return ""

    shapes = symbol_shapes(claim, sizes)
    abstract = {n: jax.ShapeDtypeStruct(shape, "float64") for n, (shape, _) in shapes.items()}
    pairs, _ = pairs_for(statement, claim, sizes, jax.random.PRNGKey(0))
    exprs = []
    for p in pairs:
        if p.exact is not None:
            exprs.append(p.exact)

    def probe(env):
        full = {**env, **sizes}
        out = []
        for lhs, rhs in exprs:
            a, b = _ev(lhs, full), _ev(rhs, full)
            if hasattr(a, "shape") and hasattr(b, "shape") and tuple(a.shape) != tuple(b.shape) and \
                    not (isinstance(rhs, sp.ZeroMatrix) or rhs == 0):
                raise ShapeMismatch(f"{sp.sstr(lhs)[:60]} has shape {tuple(a.shape)} but "
                                    f"{sp.sstr(rhs)[:60]} has shape {tuple(b.shape)}")
            out.append(a)
        if isinstance(statement, Shape):
            value = _ev(statement.expr, full)
            if statement.expected is not None:
                want = tuple(int(sp.sympify(d, strict=True).xreplace({sp.Symbol(k, integer=True, positive=True): v
                                                          for k, v in sizes.items()})) for d in statement.expected)
                if tuple(value.shape) != want:
                    raise ShapeMismatch(f"the formula has shape {tuple(value.shape)}, not {want}")
        return out

    try:
        jax.eval_shape(probe, abstract)
    except ShapeMismatch as exc:
        return str(exc)
    return ""
