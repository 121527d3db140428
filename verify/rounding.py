"""A second look at an instance that fails its tolerance by a small factor: float64 rounding of an
ill-conditioned formula, or a real mismatch?

The tolerance (`verify.conditioning`) covers the rounding of a formula whose entries are not
cancellations of much larger intermediates, and of inverses up to their condition number.  It
cannot see a cancellation inside a scalar formula.  Var(Y) = E[Y^2] - E[Y]^2 for the values
-0.920444 and -0.920399 is about 4e-10, computed from terms of about 0.85, so float64 has it to
about 2e-7 relative, and a correlation coefficient built on it inherits that.  The float
instance is not even exactly in its domain (a joint probability table sums to 1 only to
rounding), and the same cancellation amplifies that too.  At the default rtol 1e-8 such an
instance fails a true identity, and exact arithmetic at the nearest exact member then shows the
two sides equal: a rounding artefact, and an `inconsistent` verdict that depends on the seed.

So the numeric path judges a marginal failure again, from the instance's own sensitivity:

* only when every failing instance of a check fails by at most `RECHECK_RATIO` times its
  tolerance (a wrong term, sign or factor fails by 1e6 or more at rtol 1e-8; a check with such an
  instance fails whatever the others do, and is not re-judged);
* the instance is evaluated again at `COPIES` copies of itself with every floating input entry
  moved by a relative `PERTURBATION` (random signs from a fixed key): the few units in the last
  place that float64 already commits on its inputs and intermediates;
* the largest change of each side's entry over the copies, times `AMPLIFY`, is added to that
  entry's tolerance, at most `CAP` times the instance's largest |entry| (the relative tolerance
  at the condition-number cap, `conditioning.KAPPA_CAP`: a mismatch bigger than that is never
  absorbed); a copy with a non-finite side adds nothing;
* an instance that passes then was failing by rounding and counts as passing, and the report
  says how many there were and by how much they had failed; any other is a counterexample as
  before (exact confirmation included).

A well-conditioned instance moves by about 1e-16 relative, so a claim that is wrong by 1e-6 is
still refuted there (tests/quality/test_red_team.py aims a case at this rule).  Strict
inequalities and statistical checks are not re-judged: a strict bound met with equality must fail,
and a statistical band already carries its own error budget.
"""

from __future__ import annotations

import numpy as np

RECHECK_RATIO = 1e4
PERTURBATION = 2.0**-50  # 4 units in the last place of a float64 in [1, 2)
COPIES = 4
AMPLIFY = 4.0
CAP = 1e-4
SALT = 1 << 22  # the copies' signs: fold_in(size key, SALT + copy), then one fold per symbol


def recheck_wanted(ratio: np.ndarray, mismatch: np.ndarray) -> bool:
    """Whether a check's failing instances are all marginal (and there is at least one)."""
    return bool(mismatch.any()) and bool(np.all(ratio[mismatch] <= RECHECK_RATIO))


def sensitivity(compute, env: dict, sizes: dict, key, *, eager: bool) -> tuple[np.ndarray, np.ndarray]:
    """Per instance and entry, the largest change of each side over the perturbed copies:
    (of lhs, of rhs), each of shape (instances, entries).  `env` holds the instances' inputs
    (leading axis: instances)."""
    import jax
    import jax.numpy as jnp

    names = sorted(env)
    count = int(np.shape(env[names[0]])[0]) if names else 0

    def copy(t):
        out = {}
        for i, name in enumerate(names):
            value = jnp.asarray(env[name])
            if t == 0 or not jnp.issubdtype(value.dtype, jnp.floating):
                out[name] = value
                continue
            signs = jax.random.rademacher(jax.random.fold_in(jax.random.fold_in(key, SALT + t), i), value.shape,
                                          dtype=value.dtype)
            out[name] = value * (1.0 + PERTURBATION * signs)
        return out

    copies = [copy(t) for t in range(COPIES + 1)]
    stacked = {name: jnp.concatenate([c[name] for c in copies]) for name in names}

    def one(single):
        lhs, rhs, *_ = compute({**single, **sizes})
        return jnp.reshape(jnp.asarray(lhs, dtype=jnp.float64), (-1,)), \
            jnp.reshape(jnp.asarray(rhs, dtype=jnp.float64), (-1,))

    run = jax.vmap(one, axis_size=count * (COPIES + 1))
    lhs, rhs = (np.asarray(a) for a in (run if eager else jax.jit(run))(stacked))

    def spread(values):
        values = values.reshape(COPIES + 1, count, -1)
        change = np.abs(values[1:] - values[:1])
        change = np.where(np.isfinite(change), change, 0.0)  # a copy off the domain's edge: no widening
        return change.max(axis=0)

    return spread(lhs), spread(rhs)


def widening(lhs, rhs, changes: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """The tolerance added to each entry: AMPLIFY times the two sides' changes, at most CAP times
    the instance's largest |entry|."""
    n = np.shape(lhs)[0]
    magnitude = np.maximum(np.abs(np.reshape(lhs, (n, -1))), np.abs(np.reshape(rhs, (n, -1))))
    largest = magnitude.max(axis=1, keepdims=True) if magnitude.shape[1] else np.zeros((n, 1))
    return np.minimum(AMPLIFY * (changes[0] + changes[1]), CAP * largest)


def rejudge(compute, lhs, rhs, ratio, mismatch, env: dict, sizes: dict, key, *, eager: bool, compare):
    """Judge a check's failing instances again (see the module docstring).  `compare(added)` compares
    every instance with `added` (instances x entries) on top of the absolute tolerance.  Returns the
    new comparison and [re-judged, passing then, worst ratio before, widest added relative to the
    instance's largest |entry|]."""
    failing = np.flatnonzero(mismatch)
    n = np.shape(lhs)[0]
    changes = sensitivity(compute, {name: v[failing] for name, v in env.items()}, sizes, key, eager=eager)
    added = np.zeros((n, int(np.prod(np.shape(lhs)[1:], dtype=int))))
    added[failing] = widening(lhs[failing], rhs[failing], changes)
    cmp = compare(added)
    largest = np.maximum(np.abs(lhs), np.abs(rhs)).reshape(n, -1).max(axis=1)[failing]
    widest = float(np.max(added[failing].max(axis=1) / np.where(largest > 0, largest, 1.0)))
    return cmp, [len(failing), int(np.sum(cmp.ratio[failing] <= 1)), float(np.max(ratio[failing])), widest]


def merge(total: list, more: list) -> None:
    """Add one size assignment's `rejudge` figures to a check's running ones."""
    total[0] += more[0]
    total[1] += more[1]
    total[2] = max(total[2], more[2])
    total[3] = max(total[3], more[3])


def note(name: str, rechecked: int, absorbed: int, worst_ratio: float, widest: float) -> str:
    """The report's line about the re-judged instances of one check."""
    text = (f"{name}: {rechecked} instance(s) failed the tolerance by at most {worst_ratio:.3g} times and were judged "
            f"again from their rounding sensitivity ({COPIES} copies with every input entry moved by a relative "
            f"2^-50, the change of each side times {AMPLIFY:g} added to the tolerance, at most {CAP:g} times the "
            "instance's largest |entry|)")
    if absorbed:
        text += (f"; {absorbed} of them pass within it (float64 rounding of an ill-conditioned formula; the widest "
                 f"tolerance added was {widest:.3g} of the instance's largest |entry|)")
    else:
        text += "; none is within it"
    return text


__all__ = ["AMPLIFY", "CAP", "COPIES", "PERTURBATION", "RECHECK_RATIO", "merge", "note", "recheck_wanted", "rejudge",
           "sensitivity", "widening"]
