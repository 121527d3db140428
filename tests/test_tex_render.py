"""Every formula of every report renders on GitHub: each is extracted from the Markdown the way
GitHub's Markdown sees it (tests/render/mdmath.py) and rendered by MathJax 3 (GitHub's engine) and
KaTeX (stricter), with GitHub's refused macros checked too (tests/render/check_tex.mjs). A
failure names file:line, the engine, its message and the formula.

Covered: the committed reports (what `dlverify run all` writes; test_reports_committed keeps them
current) and reports freshly written by the CLI for hostile claims. Needs node; the packages
are installed with `npm ci --prefix tests/render` when missing. Without node (or offline) the
engine tests skip with the reason, unless DLVERIFY_REQUIRE_TEX_RENDER=1 (CI sets it): then they
fail."""

import importlib.util
import os
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "reports"
REQUIRE_ENV = "DLVERIFY_REQUIRE_TEX_RENDER"


def _load_mdmath():
    spec = importlib.util.spec_from_file_location("dlverify_tests_mdmath", ROOT / "tests" / "render" / "mdmath.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


mdmath = _load_mdmath()


def _engines_or_skip(ok: bool, why: str):
    if ok:
        return
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"the TeX render check cannot run: {why} ({REQUIRE_ENV}=1 forbids skipping it)", pytrace=False)
    pytest.skip(f"TeX render check skipped: {why} (set {REQUIRE_ENV}=1 to make this a failure)")


@pytest.fixture(scope="module")
def engines():
    ok, why = mdmath.ensure_engines()
    _engines_or_skip(ok, why)
    return mdmath


def _failures_text(problems) -> str:
    return "\n".join(p.text(200) for p in sorted(problems, key=lambda p: (p.file, p.line, p.engine)))


def _render_all(paths, root):
    maths, problems = mdmath.extract_files(paths, root)
    result = mdmath.check(maths)
    return maths, problems + result.problems, result


# ---------------------------------------------------------------------------------------------
# The extractor (no node needed)

SAMPLE = textwrap.dedent(r'''
    # Title with $a+b$

    Text with `$not math$` in code, an escaped \$5, and $x^2$ inline; also $`y_1 | y_2`$.

    ```python
    cost = "$100 and $200"
    ```

    $$
    \frac{1}{2}
    $$

    Same paragraph $$z$$ on one line.

    ```math
    \alpha
    ```

        indented code: $not math either$

    | symbol | value |
    |---|---|
    | A | $\left[\begin{matrix}1\\2\end{matrix}\right]$ |
    | n | 3 |
''').lstrip("\n")


def test_extract_finds_what_github_renders_and_skips_code():
    maths, problems = mdmath.extract(SAMPLE, "s.md")
    assert problems == []
    got = [(m.line, m.display, m.tex, m.delimiter, m.in_table) for m in maths]
    assert got == [
        (1, False, "a+b", "$", False),
        (3, False, "x^2", "$", False),
        (3, False, "y_1 | y_2", "$`", False),
        (10, True, r"\frac{1}{2}", "$$", False),
        (13, True, "z", "$$", False),
        (16, True, r"\alpha", "```math", False),
        (23, False, r"\left[\begin{matrix}1\\2\end{matrix}\right]", "$", True),
    ]


@pytest.mark.parametrize("markdown, kind, line", [  # line: where the problem is reported
    ("| a | b |\n|---|---|\n| x | $|x|$ |\n", "table-pipe", 3),
    ("| a | b |\n|---|---|\n| x | $\\|x\\|$ |\n", "table-norm", 3),
    ("Cost: $x^2 and nothing closes it\n", "unclosed-inline", 1),
    ("$$\nx = 1\n\ny = 2\n$$\n", "unclosed-display", (1, 5)),  # the blank line ends the paragraph
    ("$$\n- x = 1\n$$\n", "interrupted", 2),
    ("$$\na\n+ b\n$$\n", "interrupted", 3),
    ("$$\na\n# b\n$$\n", "interrupted", 3),
    ("Inline $a<b$ here\n", "html-lt", 1),
    ("glued a$x$ here\n", "glued", 1),
])
def test_extract_reports_markdown_breakage(markdown, kind, line):
    _, problems = mdmath.extract(markdown, "bad.md")
    lines = line if isinstance(line, tuple) else (line,)
    assert [(p.kind, p.line, p.engine) for p in problems] == [(kind, n, "markdown") for n in lines], problems


def test_extract_keeps_the_formula_meant_when_a_list_line_interrupts_it():
    maths, _ = mdmath.extract("$$\n- x\n= y\n$$\n", "m.md")
    assert [(m.line, m.tex) for m in maths] == [(2, "- x\n= y")]


def test_extract_leaves_plain_dollars_and_pipes_alone():
    text = "A \\$5 fee, 5 $ or more; `a | $b$ |` in code.\n\n| a | b |\n|---|---|\n| $x \\mid y$ | $\\lvert x\\rvert$ |\n"
    maths, problems = mdmath.extract(text, "ok.md")
    assert problems == []
    assert [m.tex for m in maths] == [r"x \mid y", r"\lvert x\rvert"]


def test_skip_or_fail_without_engines(monkeypatch):
    monkeypatch.delenv(REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="node is missing"):
        _engines_or_skip(False, "node is missing")
    monkeypatch.setenv(REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match=f"{REQUIRE_ENV}=1 forbids skipping"):
        _engines_or_skip(False, "node is missing")
    _engines_or_skip(True, "fine")  # no exception


def test_missing_node_and_npm_give_reasons(monkeypatch, tmp_path):
    monkeypatch.setattr(mdmath.shutil, "which", lambda name: None)
    ok, why = mdmath._ensure_engines(5)
    assert not ok and "node is not on PATH" in why
    monkeypatch.setattr(mdmath.shutil, "which", lambda name: "/bin/true" if name == "node" else None)
    monkeypatch.setattr(mdmath, "NODE_MODULES", tmp_path / "node_modules")
    ok, why = mdmath._ensure_engines(5)
    assert not ok and "npm is not on PATH" in why and "npm ci --prefix tests/render" in why


# ---------------------------------------------------------------------------------------------
# The engines: negative and positive controls

BAD = {
    "unclosed brace": (r"\frac{a", {"mathjax", "katex"}),
    "undefined macro": (r"x + \notamacro{y}", {"mathjax", "katex"}),
    "cut inside a command": (r"\left(x\right) + x^{\left(", {"mathjax", "katex"}),
    "cut inside a macro name": (r"\left[\begin{matrix}1 & \frac{2}{3}\\\fr\dots", {"mathjax", "katex"}),
    "cut inside a matrix": (r"\left[\begin{matrix}1 & 2\\3 & \dots", {"mathjax", "katex"}),
    "macro GitHub refuses": (r"\operatorname{sign}{\left(d \right)}", {"github"}),
}
GOOD = [
    r"\left[\begin{matrix}-2 & -12\\\frac{10}{3} & 2\end{matrix}\right]",
    r"\begin{aligned} &a \\ &= b \end{aligned}",
    r"\nabla_{W}\left(x^{T} A x\right)\Big|_{z = b + W^{T} x} \succeq 0",
    r"\left|{t}\right| \in \mathbb{R}^{n \times 1}, \quad \arg\min_{\eta \ge 0} C",
    r"{\left( d \mapsto \tanh{\left(d \right)} \right)}_{\circ}\left({z}\right) \approx 1.5 \cdot 10^{-10}",
]


def test_checker_flags_known_bad_formulas_and_passes_good_ones(engines):
    # each bad formula inline (odd line) and displayed (even line)
    maths = [mdmath.Math("controls.md", 2 * i + 1 + display, bool(display), tex, "$$" if display else "$")
             for i, (tex, _) in enumerate(BAD.values()) for display in (0, 1)]
    good = [mdmath.Math("good.md", i + 1, display, tex, "$$" if display else "$")
            for i, tex in enumerate(GOOD) for display in (False, True)]
    result = engines.check(maths + good)
    assert result.checked == len(maths) + len(good)
    flagged: dict[int, set] = {}
    for p in result.problems:
        assert p.file == "controls.md", f"a good formula failed: {p.text()}"
        assert p.message
        flagged.setdefault(p.line, set()).add(p.engine)
    for i, (name, (_, expected)) in enumerate(BAD.items()):
        for line in (2 * i + 1, 2 * i + 2):
            assert flagged.get(line, set()) == expected, f"{name}: flagged by {flagged.get(line)}, expected {expected}"


@pytest.mark.parametrize("payload, said", [
    ("not json", "the input is not JSON"),
    ('{"tex": "x"}', "must be a JSON list"),
    ('[{"tex": "x"}]', 'needs "tex" (a string) and "display"'),
])
def test_checker_refuses_bad_input_with_a_reason(engines, payload, said):
    import subprocess
    out = subprocess.run(["node", str(mdmath.CHECKER)], input=payload, capture_output=True, text=True,
                         timeout=120, cwd=mdmath.RENDER_DIR)
    assert out.returncode == 2 and said in out.stderr, out.stderr


def test_markdown_failures_reach_the_report_with_file_and_line(engines, tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# t\n\n| symbol | value |\n|---|---|\n| x | $|x|$ |\n| y | $\\frac{1}{2$ |\n\n$$\n\\notamacro\n$$\n")
    _, problems, _ = _render_all([page], tmp_path)
    got = sorted((p.file, p.line, p.engine) for p in problems)
    assert ("page.md", 5, "markdown") in got  # | inside table math
    assert ("page.md", 6, "mathjax") in got and ("page.md", 6, "katex") in got
    assert ("page.md", 9, "mathjax") in got and ("page.md", 9, "katex") in got
    text = _failures_text(problems)
    assert "page.md:9: mathjax: Undefined control sequence \\notamacro" in text


# ---------------------------------------------------------------------------------------------
# The reports

def test_committed_reports_render_on_github(engines):
    maths, problems, result = _render_all([REPORTS], ROOT)
    claim_reports = [p for p in REPORTS.rglob("*.md") if p.parent != REPORTS]
    displays = {m.file for m in maths if m.display}
    # the extractor found every report's statement (a report whose $$ block it lost would pass)
    assert len(claim_reports) >= 30 and {str(p.relative_to(ROOT)) for p in claim_reports} <= displays
    print(f"\n{len(maths)} formulas in {len(claim_reports)} reports; timing (ms): {result.timing_ms}")
    if problems:
        pytest.fail(f"{len(problems)} failures in the committed reports ({len(maths)} formulas):\n"
                    + _failures_text(problems), pytrace=False)


HOSTILE_CLAIMS = textwrap.dedent('''
    import sympy as sp
    from verify import Claim, Identity, domains

    n = sp.Symbol("n", integer=True, positive=True)
    m = sp.Symbol("m", integer=True, positive=True)
    A = sp.MatrixSymbol("A", n, n)
    B = sp.MatrixSymbol("B", n, n)
    W = sp.MatrixSymbol("W", m, n)
    v = sp.MatrixSymbol("v", m, 1)
    K = sp.Symbol("K", integer=True, positive=True)
    L = sp.Symbol("L", integer=True, positive=True)
    P = sp.MatrixSymbol("P", K, L)
    t = sp.Symbol("t", real=True)

    # refuted with an exact counterexample whose 5 x 5 sides print to more LaTeX than a cell holds
    commute = Claim(id="hostile.matrix.commute", title="ABAB = BABA for square matrices (false)",
                    source="test_tex_render", statement=Identity(A * B * A * B, B * A * B * A),
                    domain={A: domains.general(), B: domains.general()}, sizes={n: (5, 5)}, expect="fails")

    # ill-formed wherever m != n
    shape = Claim(id="hostile.shape.wv", title="W v = v at every size (ill-formed where m != n)",
                  source="test_tex_render", statement=Identity(W * v, v),
                  domain={W: domains.general(), v: domains.vector()}, sizes={m: (2, 3), n: (2, 3)},
                  expect="fails")


    def _bayes_no_prior(sizes):
        k, l = sizes["K"], sizes["L"]
        col = lambda j: sp.Add(*[P[i, j] for i in range(k)])
        row = lambda i: sp.Add(*[P[i, j] for j in range(l)])
        return Identity(sp.ImmutableMatrix(k, l, lambda i, j: P[i, j] / col(j)),
                        sp.ImmutableMatrix(k, l, lambda i, j: P[i, j] / row(i) / col(j)))


    # a builder (the statement depends on the sizes), refuted with matrices of fractions
    builder = Claim(id="hostile.builder.bayes_no_prior", title="Bayes without the prior (false), built per size",
                    source="test_tex_render", statement=_bayes_no_prior, domain={P: domains.joint_pmf()},
                    sizes={K: (3, 3), L: (3, 3)}, expect="fails")

    # a statement whose TeX begins with a minus sign and uses sign()
    negative = Claim(id="hostile.sign.negative", title="-sign(t) t = |t| (false: the sign is wrong)",
                     source="test_tex_render", statement=Identity(-sp.sign(t) * t, sp.Abs(t)),
                     domain={t: domains.real()}, expect="fails")
''')

HOSTILE_IDS = ["hostile.matrix.commute", "hostile.shape.wv", "hostile.builder.bayes_no_prior", "hostile.sign.negative"]


@pytest.fixture(scope="module")
def hostile_reports(engines, tmp_path_factory):
    folder = tmp_path_factory.mktemp("tex-render")
    claims = folder / "hostile.py"
    claims.write_text(HOSTILE_CLAIMS)
    reports = folder / "reports"
    # --no-cache: a module fixture runs before the per-test cache folder is set up
    result = CliRunner().invoke(app, ["run", "all", "--claims", str(claims), "--reports", str(reports),
                                      "--instances", "8", "--no-cache"])
    assert result.exit_code == 0, result.output
    return reports


@pytest.mark.parametrize("report", [f"hostile/{i}.md" for i in HOSTILE_IDS] + ["README.md"])
def test_fresh_reports_of_hostile_claims_render_on_github(hostile_reports, report):
    path = hostile_reports / report
    assert path.is_file()
    maths, problems, _ = _render_all([path], hostile_reports)
    if report != "README.md":
        assert any(m.display for m in maths) or any(p.kind in ("interrupted", "unclosed-display") for p in problems)
    if problems:
        pytest.fail(f"{len(problems)} failures in {report} ({len(maths)} formulas):\n" + _failures_text(problems),
                    pytrace=False)
