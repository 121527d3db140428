"""The `dlverify` command: run, list and show claims.  Thin: parse, call `verify`, write files.

Exit codes: 0 when every verdict matches its claim's expectation, 1 when any does not, 2 on a
usage or claim-definition error (the message names the file, the claim and the fix).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import tempfile
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, List, Optional

import typer

from verify._errors import ClaimDefinitionError, ClaimDefinitionNote, ClaimDefinitionWarning, SelectorError

if TYPE_CHECKING:
    from verify.registry import Registry

# Only light imports up here (verify._errors does not import SymPy): `run` starts its worker
# processes first and imports the engine while they start.

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Check the mathematics of deep learning: SymPy proofs, JAX autodiff on random instances, "
                       "and a Markdown proof report per claim.")

# files beside a reports folder's README.md that its index links to when they are there
COMPANIONS = ("mutation.md", "seed-sweep.md")

ClaimsOpt = Annotated[Optional[List[Path]], typer.Option(
    "--claims", help="A claim file or folder of your own. Repeatable. Claim files are Python and run with your "
                     "rights, as pytest's conftest.py files do: load only files you trust. Only these claims are "
                     "loaded unless --builtin is given.")]
BuiltinOpt = Annotated[bool, typer.Option("--builtin/--no-builtin", help="Also load the built-in claims of derivations/ "
                                          "(default: on without --claims, off with it).")]


def _registry(claims: list[Path] | None, builtin: bool | None) -> Registry:
    """Load the claims, or exit 2 with `FILE:LINE: claim 'ID': what is wrong; the fix` (before
    anything is written).  Definition warnings are printed the same way and do not stop the run."""
    from verify.registry import load_registry

    use_builtin = builtin if builtin is not None else not claims
    failure = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ClaimDefinitionWarning)
        try:
            registry = load_registry(claims or (), builtin=use_builtin)
        except ClaimDefinitionError as exc:
            failure = exc
        for w in caught:
            if issubclass(w.category, ClaimDefinitionWarning):
                kind = "note" if issubclass(w.category, ClaimDefinitionNote) else "warning"
                typer.echo(f"{w.filename}:{w.lineno}: {kind}: {w.message}", err=True)
            else:
                warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    if failure is not None:  # last, so that it is the line a user sees under any notes
        typer.echo(str(failure), err=True)
        raise typer.Exit(code=2)
    return registry


def _select(registry: Registry, selectors: list[str]):
    try:
        return registry.select(selectors)
    except SelectorError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2)


def _write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder and rename: a reader (or an interrupted run)
    sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a report is as readable as any file the user makes
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _safe_report_path(reports: Path, claim_id: str, topic: str) -> Path:
    target = (reports / topic / f"{claim_id}.md").resolve()
    if reports.resolve() not in target.parents:
        raise ClaimDefinitionError(f"claim {claim_id!r} would write outside {reports}")
    return target


@app.command()
def run(
    selectors: Annotated[Optional[List[str]], typer.Argument(help="'all', claim ids, topic prefixes or globs.")] = None,
    seed: Annotated[int, typer.Option(help="Root seed; each claim folds in a hash of its id.")] = 0,
    instances: Annotated[int, typer.Option(min=1, help="Random instances per claim, split evenly over the size "
                                                      "assignments checked (at least 4 each).")] = 64,
    budget: Annotated[float, typer.Option(min=0.1, help="Budget of the symbolic path per claim, CPU seconds.")] = 60.0,
    numeric_budget: Annotated[float, typer.Option(min=0.1, help="Budget of the numeric path per claim, CPU "
                                                  "seconds; a claim over it is an error.")] = 600.0,
    memory_limit: Annotated[float, typer.Option(min=0.0, help="Resident memory per child process, GiB (0: no "
                                                "limit); a claim over it is an error (numeric) or undecided "
                                                "(symbolic).")] = 8.0,
    reports: Annotated[Path, typer.Option(help="Folder for the Markdown reports and results.json.")] = Path("reports"),
    claims: ClaimsOpt = None,
    builtin: BuiltinOpt = None,
    write: Annotated[bool, typer.Option("--write/--no-write", help="Write reports (default) or only print verdicts.")] = True,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Claims checked at once (default: the "
                                                "number of cores). Output and reports do not depend on it.")] = None,
    cache: Annotated[bool, typer.Option("--cache/--no-cache", help="Reuse stored results of claims whose content, "
                                        "the engine and these settings are unchanged (default), or check every "
                                        "claim again.")] = True,
    cache_dir: Annotated[Optional[Path], typer.Option(help="Folder of the result cache (default: $DLVERIFY_CACHE_DIR, "
                                                      "else .dlverify_cache in the current folder).")] = None,
    timings: Annotated[bool, typer.Option("--timings", help="Show each path's seconds on each claim's line (they "
                                          "vary from run to run; the lines are otherwise the same in every run).")] = False,
) -> None:
    """Check claims and write their proof reports.

    Reports are written as claims finish: each claim's report, then results.json and the index
    README.md, every file through a temporary file and a rename, with Ctrl-C and SIGTERM held
    back until all three are written.  An interrupted run thus keeps the reports of the claims it
    finished and the previous reports of the others, with an index that lists them, and never
    leaves a half-written file.  Ctrl-C (exit 130) and SIGTERM (exit 143) stop the child processes
    first.  Temporary files left by a killed run (kill -9) are removed by the next run.
    """
    done: list = []  # the results written so far
    chosen: list = []
    by_signal: list[int] = []

    def on_sigterm(signum, frame):
        by_signal.append(signum)
        raise KeyboardInterrupt

    previous_sigterm = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        from verify._forkserver import start_forkserver

        start_forkserver()  # its imports of JAX and SymPy overlap the CLI's own imports and loading of the claims
        registry = _registry(claims, builtin)
        chosen = _select(registry, selectors or ["all"])
        from verify import report
        from verify.cache import ResultCache, default_root
        from verify.runner import default_jobs, run_claims

        store = ResultCache(cache_dir or default_root()) if cache else None

        start = time.monotonic()
        claims_arg = " ".join(str(p) for p in claims) if claims else None
        ids = set(registry.ids())
        records: dict = {}
        if write:
            reports.mkdir(parents=True, exist_ok=True)
            _remove_temporaries(reports)
            records = {rec["id"]: rec for rec in _previous_records(reports, registry) if rec.get("id") in ids}
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(stderr=True)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=True, disable=not console.is_terminal) as bar:
            task = bar.add_task("checking", total=len(chosen))

            def progress(r):
                with _signals_held():
                    if write:
                        _write_atomic(_safe_report_path(reports, r.id, r.claim.topic),
                                      report.claim_markdown(r, claims_path=claims_arg, store=store))
                        records[r.id] = report.record(r)
                        _write_atomic(reports / "results.json",
                                      report.results_json(records.values(), seed=seed, instances=instances))
                        _write_atomic(reports / "README.md", report.index_markdown(
                            list(records.values()), companions=[n for n in COMPANIONS if (reports / n).exists()]))
                        _remove_stale(reports, ids)
                    done.append(r)
                flag = "   " if r.matches_expectation else "!! "
                timing = (f"; symbolic {r.seconds_symbolic:.1f} s, numeric {r.seconds_numeric:.1f} s"
                          + (f", cached: {' and '.join(r.cached)}" if r.cached else "")) if timings else ""
                typer.echo(f"{flag}{r.verdict:<12} {r.id}  (expected {r.claim.expect}{timing})")
                bar.advance(task)

            results = run_claims(chosen, seed=seed, instances=instances, symbolic_budget=budget,
                                 numeric_budget=numeric_budget, memory_limit=memory_limit or None, progress=progress,
                                 jobs=jobs or default_jobs(), cache=store)
    except KeyboardInterrupt:
        what, code = ("SIGTERM", 143) if by_signal else ("Ctrl-C", 130)
        kept = (f"the reports of the {len(done)} finished claims are written, the others keep their previous reports"
                if write and done else "no report was changed")
        typer.echo(f"\n{what}: stopped after {len(done)} of {len(chosen) or '?'} claims; child processes stopped; "
                   f"{kept}.", err=True)
        raise typer.Exit(code=code)
    finally:
        signal.signal(signal.SIGTERM, previous_sigterm)
    elapsed = time.monotonic() - start
    counts = {}
    for r in results:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    bad = [r for r in results if not r.matches_expectation]
    summary = ", ".join(f"{v} {counts[v]}" for v in ("proved", "verified", "refuted", "inconsistent", "error") if v in counts)
    hits = sum(1 for r in results if len(r.cached) == 2)
    reused = f" ({hits} unchanged, from the cache in {store.root})" if store is not None and hits else ""
    typer.echo(f"\n{len(results)} claims in {elapsed:.1f} s: {summary}.{reused}")
    if bad:
        typer.echo(f"{len(bad)} verdict(s) differ from expectation: " + ", ".join(r.id for r in bad))
        raise typer.Exit(code=1)


@contextlib.contextmanager
def _signals_held():
    """Ctrl-C and SIGTERM take effect only after the block (a report and the index that lists it).
    Python runs signal handlers in the main thread whichever thread the signal hits, so the
    handlers are swapped rather than the signal mask."""
    caught: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {s: signal.signal(s, lambda signum, frame: caught.append(signum)) for s in held}
    try:
        yield
    finally:
        for s in held:
            signal.signal(s, previous[s])
        if caught:
            handler = previous[caught[0]]
            if callable(handler):
                handler(caught[0], None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(caught[0])


def _remove_temporaries(reports: Path) -> None:
    """Temporary files of `_write_atomic` left behind by a killed run (`kill -9` leaves no chance to clean up)."""
    for tmp in [*reports.glob(".*.tmp"), *reports.glob("*/.*.tmp")]:
        tmp.unlink(missing_ok=True)


def _previous_records(reports: Path, registry: Registry) -> list[dict]:
    path = reports / "results.json"
    if not path.exists():
        return []
    try:
        return [rec for rec in json.loads(path.read_text(encoding="utf-8")).get("claims", []) if isinstance(rec, dict)]
    except (json.JSONDecodeError, OSError):
        return []


def _remove_stale(reports: Path, ids: set[str]) -> None:
    for md in reports.glob("*/*.md"):
        if md.stem not in ids:
            md.unlink()


@app.command("list")
def list_claims(
    selectors: Annotated[Optional[List[str]], typer.Argument(help="Filter: ids, topic prefixes or globs.")] = None,
    claims: ClaimsOpt = None,
    builtin: BuiltinOpt = None,
) -> None:
    """List the claims: id, kind, expectation and title."""
    registry = _registry(claims, builtin)
    for c in _select(registry, selectors or ["all"]):
        typer.echo(f"{c.id:<60} {c.kind:<12} {c.expect:<6} {c.title}")


@app.command()
def show(
    claim_id: Annotated[str, typer.Argument(help="A claim id.")],
    reports: Annotated[Path, typer.Option(help="Folder of the reports.")] = Path("reports"),
    claims: ClaimsOpt = None,
    builtin: BuiltinOpt = None,
) -> None:
    """Show a claim: its last proof report if there is one, else its definition."""
    registry = _registry(claims, builtin)
    try:
        c = registry.get(claim_id)
    except SelectorError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2)
    path = reports / c.topic / f"{c.id}.md"
    if path.exists():
        typer.echo(path.read_text(encoding="utf-8"))
        return
    from verify.report import statement_tex

    shown = statement_tex(c)
    where = "".join(f"where $$ {w} $$\n" for w in shown.where)
    typer.echo(f"{c.title}\n{c.id} ({c.kind}, expected: {c.expect})\nsource: {c.source}\ndefined at: {c.defined_at}\n"
               f"\n$$ {shown.display} $$\n{where}{shown.note}\n\n{c.notes}\n\nNo report yet: run 'dlverify run {c.id}'.")


@app.command()
def mutate(
    selectors: Annotated[Optional[List[str]], typer.Argument(help="'all', claim ids, topic prefixes or globs.")] = None,
    seed: Annotated[int, typer.Option(help="Root seed of the numeric instances.")] = 0,
    instances: Annotated[int, typer.Option(min=1, help="Random instances per mutant.")] = 32,
    per_operator: Annotated[int, typer.Option(min=1, help="At most this many sites per operator and expression "
                                              "(spread evenly over its tree).")] = 1,
    per_claim: Annotated[int, typer.Option(min=1, help="At most this many mutants per claim (spread evenly over "
                                           "the operators).")] = 12,
    budget: Annotated[float, typer.Option(min=0.1, help="Symbolic budget per mutant and per equivalence proof, s.")] = 20.0,
    confirm_seconds: Annotated[float, typer.Option(min=0.0, help="Time for the exact re-evaluation of a mutant's "
                                                   "numeric counterexample, s (a run uses 60).")] = 5.0,
    reports: Annotated[Path, typer.Option(help="Folder for mutation.md and mutation.json.")] = Path("reports"),
    claims: ClaimsOpt = None,
    builtin: BuiltinOpt = None,
    write: Annotated[bool, typer.Option("--write/--no-write", help="Write mutation.md/.json (default).")] = True,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Mutants checked at once (default: the "
                                                "number of cores).")] = None,
    timings: Annotated[bool, typer.Option("--timings", help="Show each path's seconds on each mutant's line (they "
                                          "vary from run to run; the reports do not show them).")] = False,
) -> None:
    """Mutation testing: rewrite each claim that should hold in small realistic ways (a lost sign,
    a factor 2, a dropped transpose, ...) and count how many mutants the checks refute."""
    from verify._forkserver import start_forkserver

    start_forkserver()  # its imports overlap the loading of the claims and the making of the mutants
    registry = _registry(claims, builtin)
    chosen = [c for c in _select(registry, selectors or ["all"]) if c.expect == "holds"]
    if not chosen:
        typer.echo("error: no selected claim is expected to hold; mutants are made from true claims only", err=True)
        raise typer.Exit(code=2)
    from verify import mutate as mut
    from verify.jaxsetup import configure

    configure()
    start = time.monotonic()
    plans = [mut.plan(c, per_operator=per_operator, per_claim=per_claim) for c in chosen]
    count = sum(len(p.mutants) for p in plans)
    typer.echo(f"{count} mutants of {len(chosen)} claims")

    def progress(o):
        flag = "!! " if o.status in ("survived", "true") else "   "
        timing = f"  (symbolic {o.seconds_symbolic:.1f} s, numeric {o.seconds_numeric:.1f} s)" if timings else ""
        typer.echo(f"{flag}{o.status:<10} {o.verdict:<12} {o.id}  {o.mutant.describe()[:120]}{timing}")

    from verify.runner import default_jobs

    outcomes = mut.run_mutants(plans, seed=seed, instances=instances, symbolic_budget=budget,
                               equivalence_budget=budget, progress=progress, confirm_seconds=confirm_seconds,
                               jobs=jobs or default_jobs())
    settings = {"selectors": list(selectors or ["all"]), "seed": seed, "instances": instances,
                "per_operator": per_operator, "per_claim": per_claim, "budget": budget,
                "confirm_seconds": confirm_seconds}
    notes = _mutation_notes()
    total = mut.tallies(outcomes)["total"].get("all", mut.Tally())
    for o in outcomes:
        if o.status in ("survived", "true"):
            typer.echo(f"\n{o.status} {o.id} ({o.verdict}): {o.mutant.describe()}\n  {mut.explanation(o, notes)}")
    typer.echo(f"\n{total.generated} mutants in {time.monotonic() - start:.1f} s: kill rate "
               f"{mut._pct(total.kill_rate_killable)} of {total.killable} killable, {mut._pct(total.kill_rate)} of "
               f"{total.non_equivalent} non-equivalent ({total.killed} refuted, {total.undefined} undefined, "
               f"{total.true} true, {total.implied} implied, {total.survived} survived; {total.equivalent} "
               "equivalent).")
    if write:
        _write_atomic(reports / "mutation.md", mut.markdown(plans, outcomes, settings=settings, notes=notes))
        _write_atomic(reports / "mutation.json", mut.as_json(plans, outcomes, settings=settings, notes=notes))
        typer.echo(f"wrote {reports / 'mutation.md'} and {reports / 'mutation.json'}")


def _mutation_notes() -> dict:
    """Explanations of surviving mutants, written by people (derivations/_mutation_notes.py)."""
    try:
        from derivations._mutation_notes import NOTES
    except ImportError:
        return {}
    return NOTES


def main() -> None:
    app()


if __name__ == "__main__":
    main()
