"""The check_grads loop a user would write instead of dlverify for `regularization.ridge.closed_form`.

    python scripts/bench_check_grads.py                         # 1000 instances at m = 5, n = 4
    python scripts/bench_check_grads.py --instances 100
    python scripts/bench_check_grads.py --dump inst.npz         # only draw the instances and save them
    python scripts/bench_check_grads.py --load inst.npz         # check saved instances (imports no dlverify)

The claim: theta* = (X^T X + lam I)^{-1} X^T Y minimises ||Y - X theta||^2 + lam ||theta||^2.  For
each instance (X, Y, lam), in a plain Python loop with float64 (x64 enabled):

1. `jax.test_util.check_grads(cost, (theta*,), order=1, modes=("rev",))`: reverse-mode autodiff
   of the cost at theta* against finite differences (`--order 2 --modes fwd,rev` for check_grads'
   fuller form, as in JAX's documentation);
2. the gradient at theta* is 0: |grad_i| <= atol + rtol_eff * scale, where scale is the largest
   entry of the gradients of the two terms (2 X^T (X theta* - Y) and 2 lam theta*), the rounding
   in their sum being relative to them, and rtol_eff = rtol * min(max(1, cond(A)), 1e4) with
   A = X^T X + lam I (dlverify's own tolerance rule);
3. theta* equals the wide form X^T (X X^T + lam I)^{-1} Y (assert_allclose with rtol_eff).

The instances are the ones dlverify draws for the claim with sizes pinned to m = 5, n = 4 (seed
0): keys `jax.random.split(fold_in(claim_key(seed, claim.id), 0), N)` through dlverify's own
`sample_instance`, sampled in one jit(vmap) call as dlverify does.  Drawing them imports
dlverify (SymPy and every built-in claim), which no user's script would pay for; so
`--dump FILE` draws and saves them and `--load FILE` reads them without importing dlverify:
scripts/bench.py times `--load` runs.

Prints the instance arrays' names and shapes, the time to import JAX, to get the instances, and
of the loop (total and per instance), then `RESULT key=value ...` for scripts/bench.py.  Exits 1
when any check fails on any instance (as the user's test would), 0 otherwise.
"""

from __future__ import annotations

import time

T_START = time.perf_counter()

import argparse  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CLAIM_ID = "regularization.ridge.closed_form"
SIZES = {"m": 5, "n": 4}
RTOL = 1e-8  # dlverify's DEFAULT_RTOL and DEFAULT_ATOL, which the ridge claim keeps
ATOL = 1e-10
KAPPA_CAP = 1e4


def _parser() -> argparse.ArgumentParser:
    doc = __doc__.split("\n\n")
    p = argparse.ArgumentParser(prog="bench_check_grads.py", description=doc[0], epilog="\n\n".join(doc[1:]),
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--instances", type=int, default=1000, help="number of instances (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="dlverify's root seed (default 0)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--dump", type=Path, metavar="FILE", help="draw the instances, save them (.npz) and exit")
    where.add_argument("--load", type=Path, metavar="FILE", help="check the instances saved by --dump")
    p.add_argument("--order", type=int, default=1, choices=(1, 2),
                   help="check_grads order (default 1; 2 also checks second derivatives, as JAX's docs example)")
    p.add_argument("--modes", default="rev",
                   help="check_grads modes, comma-separated: rev (default) or fwd,rev (check_grads' own default)")
    p.add_argument("--jit", action="store_true",
                   help="jit the cost and the closed forms (default: plain eager JAX, as a quick test would be)")
    p.add_argument("--jax-cache", metavar="DIR", default=None,
                   help="JAX persistent compilation cache folder (same threshold as dlverify: compilations over "
                        "0.2 s); default none")
    return p


def draw_instances(count: int, seed: int) -> dict:
    """The instances dlverify checks for the claim pinned to m = 5, n = 4, as NumPy arrays."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import jax
    import numpy as np

    from verify.numeric import claim_key, sample_instance
    from verify.registry import load_registry

    claim = load_registry((), builtin=True).get(CLAIM_ID)
    missing = set(SIZES) - set(claim.sizes)
    if missing:
        raise SystemExit(f"error: {CLAIM_ID} has sizes {sorted(claim.sizes)}, not {sorted(SIZES)}")
    keys = jax.random.split(jax.random.fold_in(claim_key(seed, claim.id), 0), count)
    drawn = jax.jit(jax.vmap(lambda k: sample_instance(claim, SIZES, k)))(keys)
    return {name: np.asarray(value) for name, value in drawn.items()}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.instances < 1:
        print("error: --instances must be at least 1", file=sys.stderr)
        return 2
    import jax

    jax.config.update("jax_enable_x64", True)
    if args.jax_cache:
        jax.config.update("jax_compilation_cache_dir", args.jax_cache)
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.2)
    import jax.numpy as jnp
    import numpy as np
    from jax.test_util import check_grads

    t_imported = time.perf_counter()
    if args.load:
        with np.load(args.load) as saved:
            inst = {name: saved[name] for name in saved.files}
        count = min(args.instances, len(inst["X"]))
        inst = {name: value[:count] for name, value in inst.items()}
    else:
        inst = draw_instances(args.instances, args.seed)
        count = args.instances
    if args.dump:
        args.dump.parent.mkdir(parents=True, exist_ok=True)
        np.savez(args.dump, **inst)
        print(f"saved {count} instances to {args.dump}: " + ", ".join(f"{k} {v.shape[1:]}" for k, v in sorted(inst.items())))
        return 0
    print(f"instances: {count}; arrays by symbol name: "
          + ", ".join(f"{k} {v.shape[1:]}" for k, v in sorted(inst.items())))
    Xs, Ys, lams = inst["X"], inst["Y"], inst["lam"].reshape(count)
    m, n = Xs.shape[1:]
    t_ready = time.perf_counter()

    def cost(theta, X, Y, lam):
        r = Y - X @ theta
        return jnp.sum(r * r) + lam * jnp.sum(theta * theta)

    def closed_forms(X, Y, lam):
        A = X.T @ X + lam * jnp.eye(n)
        theta_star = jnp.linalg.solve(A, X.T @ Y)
        wide = X.T @ jnp.linalg.solve(X @ X.T + lam * jnp.eye(m), Y)
        grad = jax.grad(cost)(theta_star, X, Y, lam)
        # the gradients of the two terms of the cost at theta*: the size the rounding in grad is relative to
        scale = jnp.maximum(jnp.max(jnp.abs(2 * X.T @ (X @ theta_star - Y))), jnp.max(jnp.abs(2 * lam * theta_star)))
        return theta_star, wide, grad, scale, jnp.linalg.cond(A)

    modes = tuple(m.strip() for m in args.modes.split(",") if m.strip())
    if args.jit:
        cost, closed_forms = jax.jit(cost), jax.jit(closed_forms)
    failures: dict[str, int] = {"check_grads": 0, "gradient = 0": 0, "point = wide form": 0}
    first: dict[str, str] = {}

    def record(name: str, i: int, exc: AssertionError) -> None:
        failures[name] += 1
        first.setdefault(name, f"instance {i}: {str(exc).strip().splitlines()[0:6]}")

    for i in range(count):
        X, Y, lam = jnp.asarray(Xs[i]), jnp.asarray(Ys[i]), jnp.asarray(lams[i])
        theta_star, wide, grad, scale, kappa = closed_forms(X, Y, lam)
        rtol = RTOL * min(max(1.0, float(kappa)), KAPPA_CAP)
        try:
            check_grads(lambda t: cost(t, X, Y, lam), (theta_star,), order=args.order, modes=modes)
        except AssertionError as exc:
            record("check_grads", i, exc)
        try:
            np.testing.assert_allclose(np.asarray(grad), 0.0, rtol=0, atol=ATOL + rtol * float(scale))
        except AssertionError as exc:
            record("gradient = 0", i, exc)
        try:
            np.testing.assert_allclose(np.asarray(theta_star), np.asarray(wide), rtol=rtol, atol=ATOL)
        except AssertionError as exc:
            record("point = wide form", i, exc)
    t_done = time.perf_counter()

    loop = t_done - t_ready
    print(f"import JAX            {t_imported - T_START:8.2f} s")
    print(f"get the instances     {t_ready - t_imported:8.2f} s ({'loaded from ' + str(args.load) if args.load else 'drawn with dlverify'})")
    print(f"check loop            {loop:8.2f} s  ({1e3 * loop / count:.2f} ms per instance{', jit' if args.jit else ', eager'})")
    for name, bad in failures.items():
        print(f"  {name:<20} failed on {bad} of {count}" + (f"; first: {first[name]}" if bad else ""))
    print(f"RESULT instances={count} loop_s={loop:.4f} per_instance_s={loop / count:.6f} "
          f"import_s={t_imported - T_START:.4f} total_in_process_s={t_done - T_START:.4f} "
          f"failures={sum(failures.values())}")
    return 1 if any(failures.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
