"""Run claims under many seeds and report every verdict that changes with the seed.

    python scripts/seed_sweep.py                      # all built-in claims, seeds 0..19
    python scripts/seed_sweep.py nn --seeds 5         # the nn claims, seeds 0..4
    python scripts/seed_sweep.py --seeds 0,7,13-15    # a list and a range of seeds

For every claim: its verdict under each seed, how many seeds disagree with the majority
verdict, whether every verdict matches the claim's expectation, the worst condition number seen
and how many instances were left out near a kink.  Prints a table, writes JSON and Markdown
(default reports/seed-sweep.json and reports/seed-sweep.md), and exits 1 when any claim changes
verdict across seeds (0 otherwise; 2 on a usage or claim-definition error).

The symbolic path takes no seed, so it runs once per claim (with the first seed) and is combined
with each seed's numeric result; the output says so.  Claims run `--jobs` at a time on isolated
workers, as in `dlverify run`; the sweep checks everything afresh unless `--cache` is given (see
docs/performance.md for how long a sweep takes).
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # runnable as `python scripts/seed_sweep.py` from a checkout
    sys.path.insert(0, str(ROOT))

from verify._errors import ClaimDefinitionError, SelectorError  # noqa: E402
from verify.registry import load_registry  # noqa: E402
from verify.sweep import (SYMBOLIC_NOTE, parse_seeds, summary, sweep_claims, sweep_json,  # noqa: E402
                          sweep_markdown, text_table)


def _seeds(text: str) -> list[int]:
    try:
        return parse_seeds(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    doc = __doc__.split("\n\n")
    p = argparse.ArgumentParser(prog="seed_sweep.py", description=doc[0],
                                epilog="\n\n".join(doc[1:]), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("selectors", nargs="*", default=["all"],
                   help="'all' (default), claim ids, topic prefixes (nn, nn.backprop) or globs ('*.ridge.*')")
    p.add_argument("--seeds", default="20", type=_seeds,
                   help="a count N (seeds 0..N-1; default 20), or a list of seeds and ranges: 0,3,7 or 5-9")
    p.add_argument("--instances", type=int, default=64, help="random instances per claim and seed (default 64)")
    p.add_argument("--budget", type=float, default=60.0,
                   help="budget of the symbolic path per claim, CPU seconds (default 60)")
    p.add_argument("--claims", action="append", type=Path, default=[],
                   help="a claim file or folder of your own (runs with your rights); repeatable; "
                        "only these are loaded unless --builtin is given")
    p.add_argument("--builtin", action="store_true", help="with --claims, also load the built-in claims")
    p.add_argument("--json", type=Path, default=Path("reports/seed-sweep.json"), dest="json_path",
                   help="where to write the JSON (default reports/seed-sweep.json)")
    p.add_argument("--markdown", type=Path, default=Path("reports/seed-sweep.md"),
                   help="where to write the Markdown summary (default reports/seed-sweep.md)")
    p.add_argument("--no-write", action="store_true", help="print the table only, write no files")
    p.add_argument("--jobs", type=int, default=None, help="claims checked at once (default: the number of cores)")
    p.add_argument("--cache", action="store_true",
                   help="reuse results from the result cache ($DLVERIFY_CACHE_DIR or .dlverify_cache) and store "
                        "new ones (default: check everything)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.instances < 1 or (args.jobs is not None and args.jobs < 1):
        print("error: --instances and --jobs must be at least 1", file=sys.stderr)
        return 2
    try:
        registry = load_registry(args.claims, builtin=args.builtin or not args.claims)
        claims = registry.select(args.selectors)
    except (ClaimDefinitionError, SelectorError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    seeds = args.seeds
    print(f"{len(claims)} claims x {len(seeds)} seeds, {args.instances} instances each.\nNote: {SYMBOLIC_NOTE}.",
          flush=True)
    seconds: list[float] = []

    def on_seed(seed, done, elapsed):
        seconds.append(elapsed)
        odd = [f"{c.id} {o.verdict}" for c, o in done if o.verdict != sweeps_so_far.setdefault(c.id, o.verdict)]
        print(f"seed {seed}: {len(done)} claims in {elapsed:.0f} s" + ("; differs from the first seed: "
              + ", ".join(odd) if odd else ""), flush=True)

    sweeps_so_far: dict[str, str] = {}
    start = time.monotonic()
    from verify.cache import ResultCache, default_root
    from verify.runner import default_jobs

    store = ResultCache(default_root()) if args.cache else None
    sweeps = sweep_claims(claims, seeds, instances=args.instances, symbolic_budget=args.budget,
                          jobs=args.jobs or default_jobs(), cache=store, on_seed=on_seed)
    total = time.monotonic() - start
    print()
    print(text_table(sweeps))
    info = summary(sweeps, seeds)
    print(f"\n{len(sweeps)} claims, {len(seeds)} seeds in {total:.0f} s (first seed, with the symbolic path: "
          f"{seconds[0]:.0f} s; later seeds: mean {sum(seconds[1:]) / max(1, len(seconds) - 1):.0f} s).")
    if info["claims_not_matching_expectation"]:
        print("Verdicts that miss the expectation under some seed: " + ", ".join(info["claims_not_matching_expectation"]))
    if not args.no_write:
        command = "python scripts/seed_sweep.py " + " ".join(shlex.quote(a) for a in (argv if argv is not None
                                                                                       else sys.argv[1:]))
        for path, text in ((args.json_path, sweep_json(sweeps, seeds, instances=args.instances)),
                           (args.markdown, sweep_markdown(sweeps, seeds, instances=args.instances,
                                                          command=command.strip()))):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        print(f"Wrote {args.json_path} and {args.markdown}.")
    if info["claims_with_changes"]:
        print(f"{len(info['claims_with_changes'])} claim(s) change verdict across seeds: "
              + ", ".join(info["claims_with_changes"]))
        return 1
    print("No claim changes verdict across seeds.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
