"""Isolation: a claim that hangs, crashes, returns NaN or eats memory costs its budget, gets the
verdict `error` with the reason, and every other claim still gets its verdict; an interrupted run
stops its children and leaves complete reports (old or new), never half-written ones."""

import json
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from typer.testing import CliRunner

import cli
from verify import Algorithmic, Claim, Grad, Identity, domains, scalar
from verify._worker import GiB, dumps, exit_text, resident_bytes
from verify.claim import sides
from verify.registry import load_registry
from verify.runner import check_claim, run_claims

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 12.0  # seconds, each path of each claim: the good claims need a few, the hanging one uses all
TOO_LONG = 120.0  # "it did not hang": generous, timing targets belong in benchmarks

# Four ways to go wrong next to two good claims.  The misbehaving value function of a constant
# domain runs only when a check evaluates the claim (in the child processes, on both paths),
# never when the claim file is loaded, validated or reported.
BAD_CLAIMS = textwrap.dedent('''
    import ctypes
    import faulthandler

    import sympy as sp

    from verify import Claim, Gradient, Identity, domains

    n = sp.Symbol("n", integer=True, positive=True)
    A, C, x = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("C", n, n), sp.MatrixSymbol("x", n, 1)
    t = sp.Symbol("t", real=True)


    def hang(shape):  # busy, as a runaway computation is: budgets count CPU seconds
        while True:
            pass


    def crash(shape):
        faulthandler.disable()  # pytest's traceback dump would only add noise
        return ctypes.string_at(0)  # reads address 0: SIGSEGV


    def exhaust(shape):
        hoard = []
        while True:
            hoard.append(b"x" * 2**26)  # 64 MiB a step, every page written


    def misbehaving(name, value_fn):
        return Claim(id=f"iso.bad.{name}", title=name, source="tests", statement=Identity(C * x, x),
                     domain={C: domains.constant(value_fn, "misbehaves"), x: domains.vector()}, sizes={n: (2, 2)})


    hangs = misbehaving("hangs", hang)
    crashes = misbehaving("crashes", crash)
    exhausts = misbehaving("exhausts", exhaust)
    nan = Claim(id="iso.bad.nan", title="log of a real", source="tests", statement=Identity(sp.log(t), sp.log(t)),
                domain={t: domains.real()})
    gradient = Claim(id="iso.good.gradient", title="Gradient of a quadratic form", source="tests",
                     statement=Gradient(x.T * A * x, x, (A + A.T) * x),
                     domain={A: domains.general(), x: domains.vector()}, sizes={n: (1, 3)})
    slip = Claim(id="iso.good.slip", title="A slip: 2 A x", source="tests",
                 statement=Gradient(x.T * A * x, x, 2 * A * x),
                 domain={A: domains.general(), x: domains.vector()}, sizes={n: (1, 3)}, expect="fails",
                 correction="iso.good.gradient")
''')


def memory_limit() -> float:
    """GiB: above what a symbolic child inherits from this process and what a numeric worker needs."""
    return round(max(resident_bytes(os.getpid()) / GiB, 0.5) + 0.5, 1)


def expected_reasons(limit: float) -> dict:
    """claim id -> (text in the numeric message, text in the symbolic reason or None)."""
    return {
        "iso.bad.hangs": (f"the numeric check exceeded its budget of {BUDGET:g} CPU seconds and was stopped",
                          f"the symbolic check exceeded its budget of {BUDGET:g} CPU seconds and was stopped"),
        "iso.bad.crashes": ("the numeric check ended its process without a result (killed by signal SIGSEGV)",
                            "the symbolic check ended its process without a result (killed by signal SIGSEGV)"),
        "iso.bad.exhausts": (f"the numeric check exceeded the memory limit of {limit:g} GiB and was stopped",
                             f"the symbolic check exceeded the memory limit of {limit:g} GiB and was stopped"),
        "iso.bad.nan": ("left side = right side: non-finite values (NaN or inf) on", None),
    }


def bad_claims_file(tmp_path) -> Path:
    path = tmp_path / "bad_claims.py"
    path.write_text(BAD_CLAIMS)
    return path


def test_misbehaving_claims_get_errors_and_the_others_their_verdicts(tmp_path):
    claims = list(load_registry([bad_claims_file(tmp_path)], builtin=False).claims)
    limit = memory_limit()
    start = time.monotonic()
    results = run_claims(claims, instances=16, symbolic_budget=BUDGET, numeric_budget=BUDGET, memory_limit=limit)
    assert time.monotonic() - start < TOO_LONG
    by_id = {r.id: r for r in results}
    assert [r.id for r in results] == [c.id for c in claims]
    assert by_id["iso.good.gradient"].verdict == "proved"
    assert by_id["iso.good.slip"].verdict == "refuted"
    for claim_id, (numeric, symbolic) in expected_reasons(limit).items():
        r = by_id[claim_id]
        assert r.verdict == "error" and r.reason == f"numeric path: {r.numeric.message}", (claim_id, r.reason)
        assert numeric in r.numeric.message, (claim_id, r.numeric.message)
        if symbolic is not None:
            assert r.symbolic.status == "undecided" and r.symbolic.reason == symbolic, (claim_id, r.symbolic)


def test_misbehaving_claims_through_the_cli(tmp_path):
    reports = tmp_path / "reports"
    (reports / "iso").mkdir(parents=True)
    stale = [reports / ".results.json.k1ll3d.tmp", reports / "iso" / ".iso.bad.nan.md.k1ll3d.tmp"]
    for path in stale:
        path.write_text("half a file")
    limit = memory_limit()
    args = ["run", "all", "--claims", str(bad_claims_file(tmp_path)), "--reports", str(reports), "--instances", "16",
            "--budget", str(BUDGET), "--numeric-budget", str(BUDGET), "--memory-limit", str(limit)]
    start = time.monotonic()
    result = CliRunner().invoke(cli.app, args)
    assert time.monotonic() - start < TOO_LONG
    assert result.exit_code == 1, result.output  # the four errors differ from their expectation
    assert "4 verdict(s) differ from expectation" in result.output
    records = {c["id"]: c for c in json.loads((reports / "results.json").read_text())["claims"]}
    assert records["iso.good.gradient"]["verdict"] == "proved" and records["iso.good.slip"]["verdict"] == "refuted"
    for claim_id, (numeric, symbolic) in expected_reasons(limit).items():
        assert records[claim_id]["verdict"] == "error"
        assert numeric in records[claim_id]["numeric"]["message"]
        if symbolic is not None:
            assert records[claim_id]["symbolic"]["reason"] == symbolic
        assert numeric in (reports / "iso" / f"{claim_id}.md").read_text()
    assert not any(path.exists() for path in stale)
    assert not list(reports.rglob("*.tmp"))


# --- claims travel to the worker by value ---------------------------------------------------------

n = sp.Symbol("n", integer=True, positive=True)
C = sp.MatrixSymbol("C", n, n)
x = sp.MatrixSymbol("x", n, 1)


def twice(expr):
    """A module-level helper that a builder closure calls (as mutants call verify.mutate)."""
    return 2 * expr


def test_claim_with_lambdas_and_closures_round_trips():
    factor = 3

    def build(sizes):  # a closure over a local and a module-level function
        return Identity(factor * twice(C * x), C * (6 * x))

    claim = Claim(id="test.isolation.closure", title="closure", source="tests", statement=build,
                  domain={C: domains.constant(lambda shape: np.diag(np.arange(1.0, shape[0] + 1)), "diag(1, ..., n)"),
                          x: domains.vector()},
                  sizes={n: (1, 3)}, size_rule=lambda s: s["n"] != 2)
    copy = pickle.loads(dumps(claim))
    assert copy.build({"n": 3}) == claim.build({"n": 3})
    assert copy.size_rule({"n": 2}) is False and copy.domain["C"].transform(np.zeros((3, 3)), (3, 3))[2, 2] == 3
    result = check_claim(claim, instances=8, symbolic_budget=60, numeric_budget=60)
    assert result.verdict == "proved", result.reason


def test_unevaluated_expressions_reach_the_worker_as_written():
    """SymPy's own pickling re-evaluates: p * p**-1, written unevaluated, would cancel."""
    p = sp.Symbol("p", positive=True)
    kept = sp.Mul(p, sp.Pow(p, -1, evaluate=False), evaluate=False)
    assert pickle.loads(pickle.dumps(kept)) == 1
    assert sp.srepr(pickle.loads(dumps(kept))) == sp.srepr(kept)


def test_every_builtin_claim_reaches_the_worker_as_built():
    for claim in load_registry().claims:
        sizes = claim.smallest_sizes()
        copy = pickle.loads(dumps(claim))
        assert [sp.srepr(e) for e in sides(copy.build(sizes))] == [sp.srepr(e) for e in sides(claim.build(sizes))], \
            claim.id


def test_a_nan_tolerance_scale_is_an_error_not_a_pass():
    """A false claim (fixed-step descent: consecutive gradients are not orthogonal) whose scale is
    NaN: every comparison with a NaN tolerance is False, so it passed before."""
    theta, S, b = sp.MatrixSymbol("theta", n, 1), sp.MatrixSymbol("S", n, n), sp.MatrixSymbol("b", n, 1)
    eta = sp.Symbol("eta", positive=True)
    cost = scalar(theta.T * S * theta) / 2 - scalar(b.T * theta)

    def conclusion(th, nxt):
        g, g_next = Grad(cost, theta, at=th), Grad(cost, theta, at=nxt)
        return scalar(g_next.T * g), 0, sp.sqrt(-1 - scalar(g.T * g))  # the scale: sqrt of a negative

    claim = Claim(id="test.isolation.nan_scale", title="NaN scale", source="tests",
                  statement=Algorithmic(cost, theta, eta, theta - eta * Grad(cost, theta), conclusion,
                                        step_rule=sp.Rational(1, 10), iterations=2),
                  domain={theta: domains.vector(), S: domains.spd(), b: domains.vector()}, sizes={n: (2, 2)})
    result = check_claim(claim, instances=8, symbolic_budget=5)
    assert result.verdict == "error"
    assert "conclusion after each of 2 steps: non-finite values (NaN or inf)" in result.numeric.message


def test_budgets_count_cpu_time_and_a_blocked_check_is_stopped_by_the_clock():
    """A check that sleeps uses no CPU, so its CPU budget never runs out: the wall-clock guard
    (WALL_FACTOR budgets) stops it, with a reason that says so."""
    import multiprocessing as mp
    import warnings

    from verify._worker import WALL_FACTOR, cpu_seconds, wait_for

    assert cpu_seconds(os.getpid()) > 0  # /proc is there on the machines the tests run on
    receiver, sender = mp.Pipe(duplex=False)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"os\.fork\(\) was called", category=RuntimeWarning)
        sleeper = mp.get_context("fork").Process(target=time.sleep, args=(60,), daemon=True)
        sleeper.start()
    budget = 0.4
    start = time.monotonic()
    reply, why = wait_for(receiver, sleeper, budget=budget, memory_limit=None)
    waited = time.monotonic() - start
    assert reply is None and not sleeper.is_alive()
    assert "CPU seconds in" in why and "of wall time (blocked, or the machine is overloaded)" in why, why
    assert waited >= WALL_FACTOR * budget  # the CPU budget alone would never have stopped it


def test_exit_text_names_the_signal():
    assert exit_text(-signal.SIGKILL) == "killed by signal SIGKILL"
    assert exit_text(3) == "exit code 3"


# --- reports: complete or untouched --------------------------------------------------------------


@pytest.mark.parametrize("interruption", [KeyboardInterrupt(), OSError(28, "No space left on device")],
                         ids=["ctrl_c", "disk_full"])
def test_interrupted_write_keeps_the_old_file(tmp_path, monkeypatch, interruption):
    path = tmp_path / "results.json"
    path.write_text("the previous results\n")
    real_fdopen = os.fdopen

    class HalfWritten:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, text):
            self.fh.write(text[: len(text) // 2])
            self.fh.flush()
            raise interruption

    monkeypatch.setattr(cli.os, "fdopen", lambda *args, **kwargs: HalfWritten(real_fdopen(*args, **kwargs)))
    with pytest.raises(type(interruption)):
        cli._write_atomic(path, "the new results\n" * 1000)
    assert path.read_text() == "the previous results\n"
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


# Ctrl-C as an interactive shell delivers it.  A shell that starts jobs in the background (nohup,
# `&`, some CI runners) leaves SIGINT ignored, and Python then never raises KeyboardInterrupt;
# the CLI under test gets the default disposition back before it starts (no preexec_fn: forking
# this JAX-using process to run one would risk a deadlock).
_CLI_WITH_DEFAULT_SIGINT = ("import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
                            "sys.argv[0] = 'cli'; runpy.run_module('cli', run_name='__main__')")


def test_ctrl_c_waits_until_a_report_and_its_index_are_written():
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    written = []
    try:
        _held_and_interrupted(written)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert written == ["report", "index"]


def _held_and_interrupted(written):
    with pytest.raises(KeyboardInterrupt):
        with cli._signals_held():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)
            written.append("report")
            written.append("index")


# --- an interrupted run ---------------------------------------------------------------------------

HANGING_RUN = textwrap.dedent('''
    import time

    import sympy as sp

    from verify import Claim, Identity, domains

    n = sp.Symbol("n", integer=True, positive=True)
    C, x = sp.MatrixSymbol("C", n, n), sp.MatrixSymbol("x", n, 1)
    t = sp.Symbol("t", real=True)


    def hang(shape):
        while True:
            time.sleep(0.1)


    good = Claim(id="iso.a.good", title="good", source="tests", statement=Identity(2 * t, t + t),
                 domain={t: domains.real()})
    hangs = Claim(id="iso.b.hangs", title="hangs", source="tests", statement=Identity(C * x, x),
                  domain={C: domains.constant(hang, "never computed"), x: domains.vector()}, sizes={n: (2, 2)})
''')


def processes_with(marker: str) -> list[int]:
    """Live processes whose environment holds `marker` (each child inherits it)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/environ", "rb") as fh:
                    if marker.encode() in fh.read():
                        found.append(int(entry))
            except OSError:
                pass
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="finds child processes through /proc")
@pytest.mark.parametrize("signum,code,name", [(signal.SIGINT, 130, "Ctrl-C"), (signal.SIGTERM, 143, "SIGTERM"),
                                               (signal.SIGKILL, -signal.SIGKILL, None)],
                         ids=["sigint", "sigterm", "sigkill"])
def test_interrupted_run_stops_its_children_and_keeps_complete_reports(tmp_path, signum, code, name):
    claims = tmp_path / "hanging_run.py"
    claims.write_text(HANGING_RUN)
    reports = tmp_path / "reports"
    (reports / "iso").mkdir(parents=True)
    previous_report = "# the previous report of iso.b.hangs\n"
    (reports / "iso" / "iso.b.hangs.md").write_text(previous_report)
    previous_record = {"id": "iso.b.hangs", "title": "hangs", "topic": "iso", "kind": "identity", "source": "tests",
                       "verdict": "proved", "expect": "holds", "matches_expect": True, "correction": None,
                       "reason": "an earlier run", "scope": "entrywise at sizes n = 2", "counterexample": None,
                       "report": "iso/iso.b.hangs.md"}
    (reports / "results.json").write_text(json.dumps({"schema": 1, "seed": 0, "instances": 8,
                                                      "claims": [previous_record]}))
    marker = f"DLVERIFY_ISOLATION_TEST={uuid.uuid4().hex}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), marker.split("=")[0]: marker.split("=")[1]}
    proc = subprocess.Popen([sys.executable, "-c", _CLI_WITH_DEFAULT_SIGINT, "run", "--claims", str(claims),
                             "--reports", str(reports),
                             "--instances", "8", "--budget", "300", "--numeric-budget", "300"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        good_report = reports / "iso" / "iso.a.good.md"
        deadline = time.monotonic() + TOO_LONG
        while not good_report.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert good_report.exists(), proc.communicate(timeout=5)
        time.sleep(1.0)  # the worker and a symbolic child are now stuck in iso.b.hangs
        assert len(processes_with(marker)) >= 4  # cli, forkserver, numeric worker, zygote (and its child)
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == code, (out, err)
    if name is not None:  # kill -9 leaves no chance to say anything; the children die with it
        assert f"{name}: stopped after 1 of 2 claims; child processes stopped" in err
    assert (reports / "iso" / "iso.b.hangs.md").read_text() == previous_report
    assert "**proved**" in good_report.read_text()
    records = {c["id"]: c for c in json.loads((reports / "results.json").read_text())["claims"]}
    assert records["iso.b.hangs"] == previous_record and records["iso.a.good"]["verdict"] == "proved"
    index = (reports / "README.md").read_text()
    assert "iso.a.good" in index and "iso.b.hangs" in index
    assert not list(reports.rglob("*.tmp"))
    deadline = time.monotonic() + 10
    while processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_with(marker) == []
