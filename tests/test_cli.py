"""The command line through Typer's CliRunner: exit codes, user claim files, reports."""

import json
import os
import re
import stat
import textwrap
from pathlib import Path

from typer.testing import CliRunner

from cli import app

runner = CliRunner()

USER_CLAIMS = textwrap.dedent('''
    import sympy as sp
    from verify import Claim, Gradient, Identity, domains, scalar

    n = sp.Symbol("n", integer=True, positive=True)
    A = sp.MatrixSymbol("A", n, n)
    x = sp.MatrixSymbol("x", n, 1)

    quad = Claim(id="mine.quad.gradient", title="Gradient of a quadratic form", source="my notes, 1",
                 statement=Gradient(x.T * A * x, x, (A + A.T) * x),
                 domain={A: domains.general(), x: domains.vector()}, sizes={n: (1, 3)})
    wrong = Claim(id="mine.quad.wrong", title="A slip: 2 A x", source="my notes, 1",
                  statement=Gradient(x.T * A * x, x, 2 * A * x),
                  domain={A: domains.general(), x: domains.vector()}, sizes={n: (1, 3)},
                  expect="fails", correction="mine.quad.gradient")
''')


def claims_file(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(USER_CLAIMS)
    return path


def test_list_user_claims(tmp_path):
    result = runner.invoke(app, ["list", "--claims", str(claims_file(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "mine.quad.gradient" in result.output and "mine.quad.wrong" in result.output
    assert "regularization" not in result.output  # --claims alone loads only the user's claims


def test_run_user_claims_writes_reports_and_exits_0(tmp_path):
    reports = tmp_path / "reports"
    args = ["run", "all", "--claims", str(claims_file(tmp_path)), "--reports", str(reports), "--instances", "8"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads((reports / "results.json").read_text())
    verdicts = {c["id"]: c["verdict"] for c in data["claims"]}
    assert verdicts == {"mine.quad.gradient": "proved", "mine.quad.wrong": "refuted"}
    report = (reports / "mine" / "mine.quad.wrong.md").read_text()
    assert "## Counterexample" in report and "dlverify run mine.quad.wrong --seed 0 --instances 8" in report
    index = (reports / "README.md").read_text()
    assert "## Errata" in index and "mine.quad.wrong" in index
    # sizes read as a person writes them, not as a Python dict
    assert re.search(r"fails at sizes n = \d \(", index) and "{'n'" not in index
    # as readable as any file the user makes (mkstemp alone gives 0600)
    mask = os.umask(0)
    os.umask(mask)
    for path in [reports / "README.md", reports / "results.json", reports / "mine" / "mine.quad.wrong.md"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


def test_same_seed_same_bytes(tmp_path):
    path = claims_file(tmp_path)
    outputs = []
    for name in ("a", "b"):
        folder = tmp_path / name
        result = runner.invoke(app, ["run", "mine.quad", "--claims", str(path), "--reports", str(folder),
                                     "--instances", "6", "--seed", "3"])
        assert result.exit_code == 0, result.output
        outputs.append({p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()})
    assert outputs[0] == outputs[1] and len(outputs[0]) == 4


def test_mismatched_expectation_exits_1(tmp_path):
    path = tmp_path / "liar.py"
    path.write_text(USER_CLAIMS.replace('expect="fails", correction="mine.quad.gradient"', 'expect="holds"'))
    result = runner.invoke(app, ["run", "mine.quad.wrong", "--claims", str(path), "--no-write", "--instances", "6"])
    assert result.exit_code == 1
    assert "differ from expectation: mine.quad.wrong" in result.output


def test_unknown_selector_exits_2_with_suggestion(tmp_path):
    result = runner.invoke(app, ["run", "mine.quad.gradent", "--claims", str(claims_file(tmp_path)), "--no-write"])
    assert result.exit_code == 2
    assert "did you mean mine.quad.gradient" in result.output


def test_definition_error_exits_2_and_keeps_reports(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "results.json").write_text('{"claims": []}')
    bad = tmp_path / "bad.py"
    bad.write_text(USER_CLAIMS.replace("domain={A: domains.general(), x: domains.vector()}, sizes={n: (1, 3)})",
                                       "domain={A: domains.general()}, sizes={n: (1, 3)})", 1))
    result = runner.invoke(app, ["run", "all", "--claims", str(bad), "--reports", str(reports)])
    assert result.exit_code == 2
    assert "bad.py" in result.output and "mine.quad.gradient" in result.output and "symbol 'x'" in result.output
    assert (reports / "results.json").read_text() == '{"claims": []}'


def test_show_without_report(tmp_path):
    result = runner.invoke(app, ["show", "mine.quad.gradient", "--claims", str(claims_file(tmp_path)),
                                 "--reports", str(tmp_path / "none")])
    assert result.exit_code == 0
    assert "Gradient of a quadratic form" in result.output and "No report yet" in result.output


def test_readme_example_runs_as_documented(tmp_path):
    """The claim file of the README, verbatim: the documented verdicts come out."""
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    code = readme.split("```python\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "my_claims.py"
    path.write_text(code)
    reports = tmp_path / "my_reports"
    result = runner.invoke(app, ["run", "all", "--claims", str(path), "--reports", str(reports), "--instances", "8"])
    assert result.exit_code == 0, result.output
    verdicts = {c["id"]: c["verdict"] for c in json.loads((reports / "results.json").read_text())["claims"]}
    assert verdicts == {"mynotes.quadratic.gradient": "proved", "mynotes.quadratic.slip": "refuted"}
    assert "confirmed in exact arithmetic" in (reports / "mynotes" / "mynotes.quadratic.slip.md").read_text()


def test_the_cli_module_imports_neither_sympy_nor_jax():
    """`dlverify run` starts the forkserver (which imports both, 1.5 s) before importing them
    itself; an import of SymPy or JAX at the top of cli.py or in verify/__init__ would put that
    time back in front of every run."""
    import subprocess
    import sys

    code = "import sys, cli, verify._forkserver; print(sorted(m for m in ('sympy', 'jax') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout.strip()
    assert out == "[]"
