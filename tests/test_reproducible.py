"""Runs that do not depend on how they are run: `--jobs`, the result cache, the hash seed.

The same claims and seed must give the same output lines and byte-identical reports whether the
claims run one at a time or two at once, whether their results come from the cache or are
computed, and whatever Python's string-hash seed of the calling process is.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from typer.testing import CliRunner

from cli import app
from verify.runner import run_claims, run_symbolic

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

# three small claims of different kinds and speeds, one of them false and one ill-formed, so that
# with two lanes they finish out of order
CLAIMS = textwrap.dedent('''
    import sympy as sp

    from verify import Claim, Gradient, Identity, domains

    n = sp.Symbol("n", integer=True, positive=True)
    A, x = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("x", n, 1)
    t = sp.Symbol("t", real=True)

    quad = Claim(id="rep.a.quadratic", title="gradient of x^T A x", source="tests",
                 statement=Gradient(f=x.T * A * x, wrt=x, claimed=(A + A.T) * x),
                 domain={A: domains.general(), x: domains.vector()}, sizes={n: (1, 3)})
    slip = Claim(id="rep.b.slip", title="the 2 A x slip", source="tests", expect="fails",
                 statement=Gradient(f=x.T * A * x, wrt=x, claimed=2 * A * x),
                 domain={A: domains.general(), x: domains.vector()}, sizes={n: (1, 3)})
    double = Claim(id="rep.c.double", title="2t = t + t", source="tests", statement=Identity(2 * t, t + t),
                   domain={t: domains.real()})
''')


def _files(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _run(tmp_path, name, *extra, env=None):
    reports = tmp_path / name
    result = runner.invoke(app, ["run", "--claims", str(tmp_path / "rep.py"), "--reports", str(reports),
                                 "--instances", "8", *extra], env=env)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith(("   ", "!! "))]
    return lines, _files(reports), result.output


def test_jobs_and_the_cache_give_byte_identical_output_and_reports(tmp_path):
    (tmp_path / "rep.py").write_text(CLAIMS)
    cache = {"DLVERIFY_CACHE_DIR": str(tmp_path / "cache")}
    one, reports_one, _ = _run(tmp_path, "one", "--jobs", "1", "--no-cache", env=cache)
    two, reports_two, first = _run(tmp_path, "two", "--jobs", "2", env=cache)
    again, reports_again, second = _run(tmp_path, "again", "--jobs", "2", env=cache)
    assert len(one) == 3 and [line.split()[1] for line in one] == ["rep.a.quadratic", "rep.b.slip", "rep.c.double"]
    assert one == two == again
    assert reports_one == reports_two == reports_again
    assert "from the cache" not in first  # the first run with the cache had only stored results
    assert "3 unchanged, from the cache" in second


def test_no_cache_neither_reads_nor_hides_a_change(tmp_path):
    (tmp_path / "rep.py").write_text(CLAIMS)
    cache = {"DLVERIFY_CACHE_DIR": str(tmp_path / "cache")}
    _run(tmp_path, "first", env=cache)
    _, _, out = _run(tmp_path, "forced", "--no-cache", env=cache)
    assert "from the cache" not in out
    # an edit that changes a claim's result is seen at once: the slip corrected is proved
    edited = CLAIMS.replace("claimed=2 * A * x)", "claimed=(A + A.T) * x)")
    assert edited != CLAIMS
    (tmp_path / "edited.py").write_text(edited)  # another file: this process keeps the module it loaded
    result = runner.invoke(app, ["run", "--claims", str(tmp_path / "edited.py"), "--reports", str(tmp_path / "edited"),
                                 "--instances", "8"], env=cache)
    assert result.exit_code == 1  # rep.b.slip now holds, against its expectation
    assert "!! proved" in result.output and "2 unchanged, from the cache" in result.output


def test_a_corrupt_cache_entry_is_recomputed_not_trusted(tmp_path):
    (tmp_path / "rep.py").write_text(CLAIMS)
    cache_dir = tmp_path / "cache"
    env = {"DLVERIFY_CACHE_DIR": str(cache_dir)}
    lines, reports, _ = _run(tmp_path, "first", env=env)
    entries = [p for p in (cache_dir / "v1").rglob("*") if p.is_file()]
    assert len(entries) == 9  # two paths and the printed statement of three claims
    for k, entry in enumerate(entries):  # truncated, emptied, garbage
        data = entry.read_bytes()
        entry.write_bytes([data[: len(data) // 2], b"", os.urandom(64)][k % 3])
    again, reports_again, out = _run(tmp_path, "second", env=env)
    assert again == lines and reports_again == reports
    assert "from the cache" not in out


def _report_hash(conn):
    conn.send((hash("dlverify"), sys.flags.hash_randomization))


def test_workers_hash_strings_with_a_fixed_seed():
    """Every lane process starts from the forkserver with PYTHONHASHSEED=0, whatever the hash seed
    of the calling process (pytest's is random): SymPy's routes must not change between runs."""
    from verify._worker import FORKSERVER, HASH_SEED, deterministic_start

    expected = subprocess.run([sys.executable, "-c", "print(hash('dlverify'))"], capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": HASH_SEED}, timeout=60).stdout.strip()
    receiver, sender = FORKSERVER.Pipe(duplex=False)
    proc = FORKSERVER.Process(target=_report_hash, args=(sender,))
    deterministic_start(proc)
    sender.close()
    value, randomized = receiver.recv()
    proc.join(timeout=30)
    assert (str(value), randomized) == (expected, 0)
    assert os.environ.get("PYTHONHASHSEED") != HASH_SEED or "PYTHONHASHSEED" in os.environ  # restored as it was


def test_results_arrive_in_claim_order_with_two_lanes(tmp_path):
    (tmp_path / "rep.py").write_text(CLAIMS)
    from verify.registry import load_registry

    claims = load_registry([tmp_path / "rep.py"], builtin=False).select(["all"])  # the three, not ours too
    seen = []
    results = run_claims(list(reversed(claims)), instances=8, jobs=2, progress=lambda r: seen.append(r.id))
    assert seen == [c.id for c in reversed(claims)] == [r.id for r in results]
    symbolic = run_symbolic(claims, budget=60, jobs=2)
    assert [r.status for r, _ in symbolic] == [r.symbolic.status for r in reversed(results)]
