"""Time dlverify on this machine: cold and cached runs, an edited claim, mutation, and the numeric
path against a hand-written check_grads loop.

    python scripts/bench.py                          # every part (mutation takes minutes)
    python scripts/bench.py --skip-mutate --jobs 2
    python scripts/bench.py --only grads --repeat 3  # part 5 only
    python scripts/bench.py --only cold,rerun,edit

Parts (names for --only; numbers 1-5 work too).  Every time is the wall time of a whole
`dlverify` (or Python) process, time.perf_counter around subprocess.run, run from the repository
root with DLVERIFY_JAX_CACHE (JAX's persistent compilation cache) and DLVERIFY_CACHE_DIR (the
result cache) set to folders in one temporary directory, empty at the start:

  cold    `dlverify run all --no-cache --jobs J`: empty JAX compilation cache, no result cache.
  rerun   the same command without --no-cache twice: the first run fills the result cache (the JAX
          cache is warm after `cold`), the second is the timed no-change rerun.
  edit    a copy of derivations/ in which probability.bayes.rule gets `atol=1e-11` (a change to its
          result's key), run as `dlverify run all --claims COPY` with the filled result cache: every
          other claim should come from the cache.  Then that claim alone with --no-cache.
  mutate  `dlverify mutate all` (minutes; --skip-mutate leaves it out).
  grads   regularization.ridge.closed_form pinned to m = 5, n = 4 with N instances (default 1000):
          `dlverify run` of a claim file that pins the sizes against scripts/bench_check_grads.py
          (check_grads + closed-form checks in a loop over the same instances), one untimed warm-up
          each, then --repeat alternating timed runs of each; medians, their ratio, and the
          per-instance times each side reports.

When `dlverify run --help` does not list --no-cache / --jobs, those flags are left out (a note
says so) and the result-cache parts measure runs without a result cache.  --timings (each
claim's symbolic and numeric seconds on its line) is passed to `dlverify run` when listed.  Exits 1 when a command
fails (exit code other than 0), printing the tail of its output; 2 on a usage error.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("cold", "rerun", "edit", "mutate", "grads")
EDITED_CLAIM = "probability.bayes.rule"
EDIT_FILE = "probability/bayes.py"
EDIT_FROM = f'id="{EDITED_CLAIM}",'
EDIT_TO = f'id="{EDITED_CLAIM}", atol=1e-11,'
RIDGE = "regularization.ridge.closed_form"
PINNED_CLAIM_FILE = '''"""regularization.ridge.closed_form with its sizes pinned to m = 5, n = 4 (written by scripts/bench.py)."""
import dataclasses

import derivations.regularization as _reg  # the module, not the claim: a Claim bound here would be loaded too

# the numeric instances at m = 5, n = 4 only; the symbolic proof stays at the claim's symbolic sizes
# (m = 3, n = 2: at 5 x 4 SymPy's generic proof takes over a minute), which no longer lie inside
# sizes=, so the verdict is `verified`: the time still includes that proof
ridge_closed_form = dataclasses.replace(_reg.ridge_closed_form, sizes={"m": (5, 5), "n": (4, 4)})
'''
CLAIM_LINE = re.compile(r"^\s*(?:!!\s*)?(\S+)\s+(\S+)\s+\(expected (\w+); symbolic ([\d.]+) s, numeric ([\d.]+) s")
SUMMARY = re.compile(r"^(\d+) claims in ([\d.]+) s: (.*?)\.(?:\s+\((.*)\))?$")
MUTATE_SUMMARY = re.compile(r"^(\d+) mutants in ([\d.]+) s: (.*)$")


class CommandFailed(Exception):
    pass


def _parts(text: str) -> list[str]:
    chosen = []
    for item in re.split(r"[,\s]+", text.strip()):
        if not item:
            continue
        name = PARTS[int(item) - 1] if item.isdigit() and 1 <= int(item) <= len(PARTS) else item
        if name not in PARTS:
            raise argparse.ArgumentTypeError(f"unknown part {item!r}; the parts are {', '.join(PARTS)} (or 1-5)")
        chosen.append(name)
    return chosen


def _parser() -> argparse.ArgumentParser:
    doc = __doc__.split("\n\n")
    p = argparse.ArgumentParser(prog="bench.py", description=doc[0], epilog="\n\n".join(doc[1:]),
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="--jobs for the `run all` commands of parts cold, rerun and edit (default: os.cpu_count())")
    p.add_argument("--skip-mutate", action="store_true", help="leave out part mutate")
    p.add_argument("--only", type=_parts, default=None, metavar="PARTS",
                   help=f"comma-separated parts to run: {', '.join(PARTS)} (or 1-5); default all")
    p.add_argument("--repeat", type=int, default=3, help="timed runs of each side in part grads (default 3)")
    p.add_argument("--instances", type=int, default=1000, help="instances in part grads (default 1000)")
    p.add_argument("--dlverify", type=Path, default=Path(sys.executable).parent / "dlverify",
                   help="the dlverify executable (default: the one next to this Python)")
    p.add_argument("--grads-order", type=int, default=1, choices=(1, 2),
                   help="check_grads order in part grads (default 1)")
    p.add_argument("--grads-modes", default="rev", help="check_grads modes in part grads (default rev; fwd,rev)")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (reports, logs, caches)")
    return p


class Bench:
    def __init__(self, args, tmp: Path):
        self.args = args
        self.tmp = tmp
        self.jax_cache = tmp / "jax-cache"
        self.result_cache = tmp / "result-cache"
        self.logs = tmp / "logs"
        for d in (self.jax_cache, self.result_cache, self.logs):
            d.mkdir()
        self.filled = False  # the result cache holds the built-in claims' results
        self.jax_warm = False  # a `run all` has filled the JAX compilation cache
        self.help = self._run_help()
        self.has_no_cache = "--no-cache" in self.help
        self.has_jobs = "--jobs" in self.help
        self.has_timings = "--timings" in self.help  # per-claim seconds are shown only with it (when it exists)
        self.timings = ["--timings"] if self.has_timings else []

    # --- running commands ---------------------------------------------------------------------

    def env(self, result_cache: Path | None = None) -> dict:
        env = dict(os.environ)
        env["DLVERIFY_JAX_CACHE"] = str(self.jax_cache)
        env["DLVERIFY_CACHE_DIR"] = str(result_cache or self.result_cache)
        env.setdefault("PYTHONUNBUFFERED", "1")
        return env

    def _run_help(self) -> str:
        env = dict(os.environ, COLUMNS="250", TERM="dumb", NO_COLOR="1")
        proc = subprocess.run([str(self.args.dlverify), "run", "--help"], capture_output=True, text=True, env=env,
                              cwd=ROOT)
        if proc.returncode != 0:
            _fail_output("dlverify run --help", proc.returncode, proc.stdout, proc.stderr)
            raise CommandFailed("dlverify run --help")
        return proc.stdout + proc.stderr

    def time_cmd(self, label: str, cmd: list, env: dict | None = None, ok_codes=(0,)) -> tuple[float, str]:
        shown = " ".join(str(c) for c in cmd)
        print(f"  ... {label}: {shown}", file=sys.stderr, flush=True)
        start = time.perf_counter()
        proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env or self.env(), cwd=ROOT)
        seconds = time.perf_counter() - start
        safe = re.sub(r"[^\w.-]+", "_", label)
        (self.logs / f"{safe}.out").write_text(f"$ {shown}\nexit {proc.returncode}, {seconds:.2f} s\n\n"
                                               f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}")
        if proc.returncode not in ok_codes:
            _fail_output(shown, proc.returncode, proc.stdout, proc.stderr)
            raise CommandFailed(label)
        return seconds, proc.stdout

    def run_all(self, reports: str, *, no_cache: bool, claims: Path | None = None) -> list:
        cmd = [self.args.dlverify, "run", "all", "--reports", self.tmp / reports, *self.timings]
        if claims is not None:
            cmd += ["--claims", claims]
        if no_cache and self.has_no_cache:
            cmd.append("--no-cache")
        if self.has_jobs:
            cmd += ["--jobs", self.args.jobs]
        return cmd

    # --- parts ----------------------------------------------------------------------------------

    def cold(self):
        seconds, out = self.time_cmd("cold run all", self.run_all("reports-cold", no_cache=True))
        self.jax_warm = True
        row("cold run all (empty JAX cache, no result cache)", seconds, _summary(out))

    def fill(self, why: str = ""):
        label = f"fill result cache{why} ({'warm JAX cache' if self.jax_warm else 'JAX cache empty: no part cold'})"
        seconds, out = self.time_cmd("fill", self.run_all("reports-rerun", no_cache=False))
        self.filled = self.jax_warm = True
        row(label, seconds, _summary(out))

    def rerun(self):
        self.fill()
        seconds, out = self.time_cmd("no-change rerun", self.run_all("reports-rerun", no_cache=False))
        row("no-change rerun (result cache filled)", seconds, _summary(out))
        _warn_uncached(out, expected_misses=set())

    def edit(self):
        if not self.filled:
            self.fill(" for part edit")
        copy = self.tmp / "claims-edited"
        shutil.copytree(ROOT / "derivations", copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        target = copy / EDIT_FILE
        text = target.read_text(encoding="utf-8")
        if text.count(EDIT_FROM) != 1:
            raise CommandFailed(f"expected {EDIT_FROM!r} exactly once in derivations/{EDIT_FILE}, "
                                f"found it {text.count(EDIT_FROM)} times; update EDIT_FROM in scripts/bench.py")
        target.write_text(text.replace(EDIT_FROM, EDIT_TO), encoding="utf-8")
        seconds, out = self.time_cmd("rerun after an edit", self.run_all("reports-edit", no_cache=False, claims=copy))
        claims = _claim_lines(out)
        mine = claims.get(EDITED_CLAIM)
        detail = _summary(out)
        if mine:
            detail += f"; {EDITED_CLAIM} in it: symbolic {mine[2]:.1f} s, numeric {mine[3]:.1f} s" + (
                " (cached!)" if mine[4] else "")
        row("rerun after editing one claim (--claims copy)", seconds, detail)
        _warn_uncached(out, expected_misses={EDITED_CLAIM})
        cmd = [self.args.dlverify, "run", EDITED_CLAIM, "--claims", copy, "--reports", self.tmp / "reports-edit-one",
               *self.timings]
        if self.has_no_cache:
            cmd.append("--no-cache")
        seconds, out = self.time_cmd("edited claim alone", cmd)
        mine = _claim_lines(out).get(EDITED_CLAIM)
        detail = (f"{mine[0]}; symbolic {mine[2]:.1f} s, numeric {mine[3]:.1f} s" if mine else _summary(out))
        row(f"  {EDITED_CLAIM} alone" + (", --no-cache" if self.has_no_cache else ""), seconds, detail)

    def mutate(self):
        seconds, out = self.time_cmd("mutate all", [self.args.dlverify, "mutate", "all", "--reports",
                                                    self.tmp / "reports-mutate"])
        found = [MUTATE_SUMMARY.match(line.strip()) for line in out.splitlines()]
        found = [f for f in found if f]
        row("mutate all", seconds, f"{found[-1].group(1)} mutants, {found[-1].group(3)}" if found else "")

    def grads(self):
        n, repeat = self.args.instances, self.args.repeat
        work = self.tmp / "grads"
        work.mkdir()
        instances = work / "instances.npz"
        pinned = work / "ridge_pinned.py"
        pinned.write_text(PINNED_CLAIM_FILE, encoding="utf-8")
        script = ROOT / "scripts" / "bench_check_grads.py"
        # drawing the instances imports dlverify: done once here, untimed; the timed runs load them
        seconds, out = self.time_cmd("draw instances", [sys.executable, script, "--instances", n, "--dump", instances])
        print(f"  ({out.strip()}; {seconds:.1f} s)")
        dl_cmd = [self.args.dlverify, "run", RIDGE, "--claims", pinned, "--instances", n,
                  "--reports", work / "reports", *self.timings]
        if self.has_no_cache:
            dl_cmd.append("--no-cache")
        cg_cmd = [sys.executable, script, "--load", instances, "--instances", n, "--jax-cache", self.jax_cache,
                  "--order", self.args.grads_order, "--modes", self.args.grads_modes]

        def dl_env(i):  # without --no-cache, a fresh result cache folder per run keeps every run uncached
            return self.env(None if self.has_no_cache else _fresh(work / f"result-cache-{i}"))

        dl_runs, cg_runs = [], []
        for i in range(repeat + 1):  # run 0 is the untimed warm-up of the JAX compilation cache
            tag = "warm-up" if i == 0 else f"run {i}"
            dl_runs.append(self.time_cmd(f"dlverify ridge {tag}", dl_cmd, dl_env(i)))
            # exit 1: check_grads flagged some instances (its finite differences, on a true claim); still a timing
            cg_runs.append(self.time_cmd(f"check_grads ridge {tag}", cg_cmd, ok_codes=(0, 1)))
        dl_timed, cg_timed = dl_runs[1:], cg_runs[1:]
        dl_med = statistics.median(s for s, _ in dl_timed)
        cg_med = statistics.median(s for s, _ in cg_timed)
        runs = lambda timed: ", ".join(f"{s:.1f}" for s, _ in timed)  # noqa: E731
        print(f"part grads: {RIDGE} at m = 5, n = 4, {n} instances (seed 0), median of {repeat} alternating runs "
              f"after one warm-up each; check_grads order={self.args.grads_order}, modes={self.args.grads_modes}")
        parsed = [_claim_lines(out).get(RIDGE) for _, out in dl_timed]
        verdict = parsed[0][0] if parsed[0] else "?"
        row("  dlverify run (whole process)", dl_med, f"runs {runs(dl_timed)} s; verdict {verdict}")
        row("  check_grads loop (whole process)", cg_med, f"runs {runs(cg_timed)} s")
        print(f"  {'speed-up: check_grads time / dlverify time':<56} {cg_med / dl_med:8.2f} x")
        if all(parsed):
            numeric = statistics.median(p[3] for p in parsed)
            symbolic = statistics.median(p[2] for p in parsed)
            print(f"  {'dlverify numeric path (CLI, median)':<56} {numeric:8.1f} s   "
                  f"{1e3 * numeric / n:.2f} ms per instance (incl. tracing and compiling)")
            print(f"  {'dlverify symbolic path (CLI, median)':<56} {symbolic:8.1f} s")
        else:
            print("  (the dlverify output had no 'symbolic X s, numeric Y s' line to parse)")
        results = [_result_line(out) for _, out in cg_timed]
        if all(results):
            loop = statistics.median(float(r["loop_s"]) for r in results)
            per = statistics.median(float(r["per_instance_s"]) for r in results)
            imp = statistics.median(float(r["import_s"]) for r in results)
            print(f"  {'check_grads loop alone (in process, median)':<56} {loop:8.1f} s   "
                  f"{1e3 * per:.2f} ms per instance (import of JAX {imp:.1f} s excluded)")
            flagged = statistics.median(int(r["failures"]) for r in results)
            if flagged:
                print(f"  check_grads flagged {flagged:g} of {n} instances of this true claim (false alarms of its "
                      "finite differences at their default tolerances)")


# --- output --------------------------------------------------------------------------------------


def row(label: str, seconds: float, detail: str = "") -> None:
    print(f"{label:<58} {seconds:8.1f} s" + (f"   {detail}" if detail else ""), flush=True)


def _warn_uncached(out: str, expected_misses: set) -> None:
    """A rerun that should come from the result cache but did not: say so (the figure is then no
    rerun figure).  Any change to the engine's source between the runs (someone editing verify/)
    changes every key."""
    claims = _claim_lines(out)
    missed = sorted(cid for cid, c in claims.items() if not c[4] and cid not in expected_misses)
    if claims and missed:
        print(f"  warning: {len(missed)} of {len(claims)} claims were checked again instead of coming from the cache "
              f"({', '.join(missed[:3])}{', ...' if len(missed) > 3 else ''}); was verify/ edited during the "
              "benchmark? (the engine's source is part of every key)", flush=True)


def _fail_output(cmd: str, code: int, stdout: str, stderr: str) -> None:
    print(f"\nFAILED (exit {code}): {cmd}", flush=True)
    for name, text in (("stdout", stdout), ("stderr", stderr)):
        tail = text.strip().splitlines()[-30:]
        if tail:
            print(f"--- {name} (last {len(tail)} lines)\n" + "\n".join(tail), flush=True)


def _claim_lines(out: str) -> dict:
    """claim id -> (verdict, expected, symbolic s, numeric s, whether the line says cached) from
    `dlverify run`'s per-claim lines (the seconds are shown with --timings, where that flag exists)."""
    found = {}
    for line in out.splitlines():
        m = CLAIM_LINE.match(line)
        if m:
            found[m.group(2)] = (m.group(1), m.group(3), float(m.group(4)), float(m.group(5)), "cached" in line)
    return found


def _summary(out: str) -> str:
    """The CLI's closing line, shortened, and how many claim lines say `cached`."""
    claims = _claim_lines(out)
    cached = sum(1 for c in claims.values() if c[4])
    from_cache = f"; {cached} of {len(claims)} claims cached" if claims else ""
    for line in reversed(out.splitlines()):
        m = SUMMARY.match(line.strip())
        if m:
            return f"{m.group(1)} claims ({m.group(3)}); CLI's own time {float(m.group(2)):.1f} s{from_cache}"
    return from_cache.lstrip("; ")


def _result_line(out: str) -> dict | None:
    for line in out.splitlines():
        if line.startswith("RESULT "):
            return dict(item.split("=", 1) for item in line.split()[1:])
    return None


def _fresh(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _machine(args, bench: Bench) -> None:
    try:
        load = "%.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        load = "?"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=ROOT).stdout.strip() or "?"
    except OSError:
        commit = "?"
    print(f"dlverify benchmark, {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}")
    print(f"machine: {os.cpu_count()} CPUs (os.cpu_count()), {platform.platform()}, {platform.machine()}; "
          f"load average {load}")
    print(f"python {platform.python_version()} ({sys.executable}); repository {ROOT} at {commit}")
    flags = [f for f, ok in (("--no-cache", bench.has_no_cache), ("--jobs", bench.has_jobs),
                             ("--timings", bench.has_timings)) if ok]
    print(f"dlverify: {args.dlverify}; run flags found: {', '.join(flags) or 'none'}"
          + (f"; --jobs {args.jobs}" if bench.has_jobs else ""))
    missing = [f for f, ok in (("--no-cache", bench.has_no_cache), ("--jobs", bench.has_jobs)) if not ok]
    if missing:
        print(f"note: `dlverify run --help` lists no {' or '.join(missing)}: left out of every command"
              + ("; without a result cache the 'rerun' and 'edit' parts time ordinary runs (warm JAX cache)"
                 if not bench.has_no_cache else ""))
    print(f"caches: DLVERIFY_JAX_CACHE={bench.jax_cache}, DLVERIFY_CACHE_DIR={bench.result_cache} (empty at start)")
    print()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.repeat < 1 or args.instances < 1 or args.jobs < 1:
        print("error: --repeat, --instances and --jobs must be at least 1", file=sys.stderr)
        return 2
    if not args.dlverify.exists():
        print(f"error: {args.dlverify} does not exist; pass --dlverify PATH", file=sys.stderr)
        return 2
    parts = [p for p in (args.only or PARTS) if not (p == "mutate" and args.skip_mutate)]
    parts = [p for p in PARTS if p in parts]  # in order: rerun uses cold's warm JAX cache, edit rerun's cache
    def on_sigterm(signum, frame):  # as Ctrl-C: subprocess.run kills its child, the finally below cleans up
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_sigterm)
    tmp = Path(tempfile.mkdtemp(prefix="dlverify-bench-"))
    try:
        bench = Bench(args, tmp)
        _machine(args, bench)
        for part in parts:
            getattr(bench, part)()
    except CommandFailed as exc:
        print(f"\nbenchmark stopped: {exc}", flush=True)
        return 1
    except KeyboardInterrupt:
        print("\nbenchmark interrupted", flush=True)
        return 130
    finally:
        if args.keep:
            print(f"\nkept {tmp} (reports, logs/ of every command, caches)")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
