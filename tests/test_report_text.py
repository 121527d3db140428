"""Report text a reader trips over (issue 9): each defect pinned by the text it must (not) produce."""

import json
import re
import textwrap

import numpy as np
from typer.testing import CliRunner

from cli import app
from verify.numeric import compare_entrywise

runner = CliRunner()

CLAIMS = textwrap.dedent('''
    import sympy as sp
    from verify import Claim, Gradient, Minimiser, domains, scalar

    n = sp.Symbol("n", integer=True, positive=True)
    m = sp.Symbol("m", integer=True, positive=True)
    A = sp.MatrixSymbol("A", n, n)
    x = sp.MatrixSymbol("x", n, 1)
    Z = sp.MatrixSymbol("Z", n, m)
    b = sp.MatrixSymbol("b", n, 1)

    # the gradient at the minimiser is compared with an exact 0: a relative error says nothing there
    centre = Claim(id="mine.quad.centre", title="x = b minimises ||x - b||^2", source="my notes, 2",
                   statement=Minimiser(scalar((x - b).T * (x - b)), x, b),
                   domain={x: domains.vector(), b: domains.vector()}, sizes={n: (1, 3)})
    # the claimed gradient has m columns where the derivative has 1: ill-formed for every m >= 2
    columns = Claim(id="mine.shape.columns", title="A gradient with the wrong shape", source="my notes, 3",
                    statement=Gradient(scalar(b.T * b), b, Z),
                    domain={b: domains.vector(), Z: domains.general()}, sizes={n: (1, 2), m: (2, 3)},
                    expect="fails")
''')


def _run(tmp_path, *extra):
    path = tmp_path / "mine.py"
    path.write_text(CLAIMS)
    reports = tmp_path / "reports"
    result = runner.invoke(app, ["run", "all", "--claims", str(path), "--reports", str(reports),
                                 "--instances", "8", *extra])
    assert result.exit_code == 0, result.output
    return reports


def test_relative_error_against_an_exact_zero_is_not_reported_as_one():
    # both sides about 0: within the absolute tolerance, err / scale would be 1.0
    tiny = compare_entrywise(np.array([[1e-17, 0.0]]), np.zeros((1, 2)), np.zeros(1), atol=1e-10, rtol=1e-8, kappa=1.0)
    assert np.isnan(tiny.rel[0])
    # an entry large enough for the relative tolerance keeps its relative error
    large = compare_entrywise(np.array([[1.0, 1e-17]]), np.array([[1.1, 0.0]]), np.zeros(1), atol=1e-10, rtol=1e-8,
                              kappa=1.0)
    assert abs(large.rel[0] - 0.1 / 1.1) < 1e-12


def test_reports_show_na_not_one_for_checks_against_zero_and_ill_formed_sizes_read_plainly(tmp_path):
    reports = _run(tmp_path)
    centre = (reports / "mine" / "mine.quad.centre.md").read_text()
    row = next(line for line in centre.splitlines() if line.startswith("| autodiff gradient at the point = 0 |"))
    assert row.endswith("| n/a |"), row
    assert "n/a: no entry is large enough for the relative tolerance to govern" in centre
    data = json.loads((reports / "results.json").read_text())  # valid JSON: no NaN token
    comps = {c["id"]: c["numeric"]["comparisons"] for c in data["claims"]}
    assert any(k["max_rel"] is None for k in comps["mine.quad.centre"])

    columns = (reports / "mine" / "mine.shape.columns.md").read_text()
    # every sampled size is ill-formed: the result line says so instead of "on 0 instances, sizes "
    assert "the formula is ill-formed at every sampled size assignment" in columns
    assert "on 0 instances" not in columns and not re.search(r"sizes \n", columns)
    # the failed condition names the size that breaks it, without restating "1 = 1"
    assert re.search(r"comparing the derivative and the claim \(columns\) needs 1 = m, but here m = [23]", columns)
    assert "1 = 1" not in columns and "(here" not in columns


def test_index_links_only_to_companion_files_that_exist(tmp_path):
    reports = _run(tmp_path)
    index = (reports / "README.md").read_text()
    assert "mutation.md" not in index and "seed-sweep.md" not in index
    (reports / "mutation.md").write_text("# Mutation testing\n")
    reports = _run(tmp_path, "--no-cache")
    index = (reports / "README.md").read_text()
    assert "[mutation testing](mutation.md)" in index and "seed-sweep.md" not in index


def test_a_display_formula_never_starts_a_markdown_list_or_heading():
    from verify.report import _display

    # a line starting "- " inside $$ ... $$ is a list item to Markdown, which leaves the math unrendered
    assert _display(r"- \alpha H^{-1} s")[1] == r"{- \alpha H^{-1} s}"
    assert _display("1. x")[1] == "{1. x}" and _display("# x")[1] == "{# x}"
    assert _display(r"w - \alpha s")[1] == r"w - \alpha s"
    assert _display("a\nb") == ["$$", "a b", "$$", ""]


def test_the_index_groups_claims_by_topic_with_their_catalog_ids():
    from verify.report import index_markdown

    def rec(cid, topic, catalog=None):
        return {"id": cid, "catalog_id": catalog or cid, "topic": topic, "kind": "identity", "verdict": "proved",
                "scope": "general", "expect": "holds", "matches_expect": True, "report": f"{topic}/{cid}.md",
                "title": cid, "counterexample": None, "reason": "", "correction": None}

    index = index_markdown([rec("zeta.b.c", "zeta"), rec("alpha.x.y.mean", "alpha", "alpha.x.y"),
                            rec("alpha.x.y.variance", "alpha", "alpha.x.y")])
    lines = index.splitlines()
    alpha, zeta = lines.index("### alpha"), lines.index("### zeta")
    assert alpha < zeta
    assert lines[alpha + 2] == "| catalog id | claim | kind | verdict | scope | expected |"
    assert lines[alpha + 4].startswith("| `alpha.x.y` | [`alpha.x.y.mean`](alpha/alpha.x.y.mean.md) |")
    assert lines[alpha + 5].startswith("| `alpha.x.y` | [`alpha.x.y.variance`]")
    assert lines[zeta + 4].startswith("| `zeta.b.c` | [`zeta.b.c`]")
    assert "Topics: [alpha](#alpha) (2), [zeta](#zeta) (1)." in index


def test_catalog_must_be_a_catalog_id():
    import pytest
    import sympy as sp

    from verify import Claim, ClaimDefinitionError, Identity, domains

    t = sp.Symbol("t", real=True)
    kw = dict(title="t", source="s", statement=Identity(2 * t, t + t), domain={t: domains.real()})
    assert Claim(id="mine.a.b.part", catalog="mine.a.b", **kw).catalog_id == "mine.a.b"
    assert Claim(id="mine.a.b", **kw).catalog_id == "mine.a.b"
    for bad in ("Mine", "mine", 3, "a..b"):
        with pytest.raises(ClaimDefinitionError, match=r"catalog=%s is not a catalog id" % re.escape(repr(bad))):
            Claim(id="mine.a.bcd", catalog=bad, **kw)
