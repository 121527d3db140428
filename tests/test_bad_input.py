"""Bad input from users, through the command line: every mistake in a claim file or on the
command line exits 2 with one message that starts `FILE:LINE:`, names the claim and ends with the
fix, and leaves an existing reports folder exactly as it was."""

import ast
import random
import textwrap
from pathlib import Path

import pytest
import sympy as sp
from typer.testing import CliRunner

from cli import _safe_report_path, app
from verify import Claim, ClaimDefinitionError, Identity, domains
from verify.claim import id_problem

runner = CliRunner()
ROOT = Path(__file__).parent.parent

HEADER = textwrap.dedent('''\
    import sympy as sp
    from verify import Claim, Gradient, Identity, Jacobian, Minimiser, domains
    n = sp.Symbol("n", integer=True, positive=True)
    A = sp.MatrixSymbol("A", n, n)
    x = sp.MatrixSymbol("x", n, 1)
    W = sp.MatrixSymbol("W", 3, 2)
    v = sp.MatrixSymbol("v", 3, 1)
''')  # 7 lines: the body of each case starts at line 8


def claim(cid="mine.ok.x", statement="Identity(A * x + x, (A + sp.Identity(n)) * x)",
          domain="{A: domains.general(), x: domains.vector()}", extra="", name="one"):
    """Two lines: `name = Claim(id=..., ..., statement=...,` and `domain=..., sizes=...)`."""
    return (f'{name} = Claim(id="{cid}", title="t", source="s", statement={statement},\n'
            f'    domain={domain}, sizes={{n: (1, 3)}}{extra})\n')


GOOD = claim()

# name: (file body after HEADER (None: the file is the body alone), extra CLI args, the line, the claim id
# or None, fragments the message must contain (the last one ends it: the fix))
CASES = {
    "syntax_error": ("x = (\n", [], 8, None,
                     ["syntax error: '(' was never closed", "`x = (` (column 5)",
                      "fix the Python syntax of this line (or the line before, when a bracket or quote is left open)"]),
    "indentation_error": ("if True:\n    a = 1\n      b = 2\n", [], 10, None,
                          ["unexpected indent", "`b = 2`", "fix the indentation of this line"]),
    "undeclared_symbol": (claim(domain="{A: domains.general()}"), [], 8, "mine.ok.x",
                          ["symbol 'x' appears in the statement but has no domain",
                           "add 'x': domains.vector() (or another domain) to domain="]),
    "misspelt_domain_key": (claim(domain="{A: domains.general(), 'xx': domains.vector()}"), [], 8, "mine.ok.x",
                            ["symbol 'x'", "domain= has 'xx', which the statement does not use: a typo?",
                             "to domain="]),
    "duplicate_in_one_file": (claim() + "\n" + claim(name="two"), [], 11, "mine.ok.x",
                              ["duplicate id", "already defined at {file}:8", "rename one of them"]),
    "duplicate_of_builtin": (claim(cid="regularization.ridge.closed_form"), ["--builtin"], 8,
                             "regularization.ridge.closed_form",
                             ["duplicate id", "derivations/regularization.py:", "by a built-in claim (--builtin)",
                              "rename yours"]),
    "shape_error_in_claim": ('bad = Claim(\n    id="mine.shape.bad", title="t", source="s",\n'
                             '    statement=Identity(W * v, v),\n'
                             '    domain={W: domains.general(), v: domains.vector()})\n', [], 10, "mine.shape.bad",
                             ["W*v is ill-formed: W is 3 x 2 and v is 3 x 1 (inner dimensions 2 and 3 differ)",
                              "SymPy cannot build the formula", "write W.T*v if that was meant, else fix the dimensions"]),
    "shape_error_outside_claims": ("h = W + v.T\n" + claim(cid="mine.shape.uses", statement="Identity(h, h)",
                                                           domain="{W: domains.general(), v: domains.vector()}"),
                                   [], 8, None,
                                   ["the sum of W and v.T is ill-formed: W is 3 x 2 and v.T is 1 x 3",
                                    "this line is outside any Claim(...) call; claim 'mine.shape.uses' uses its result",
                                    "give both terms the same shape"]),
    "unknown_domain": (claim(domain="{A: domains.spdd(), x: domains.vector()}"), [], 9, "mine.ok.x",
                       ["unknown domain 'spdd'", "known: any_rank,", "did you mean domains.spd()?"]),
    "unknown_domain_imported": ("from verify.domains import spdd\n", [], 8, None,
                                ["unknown domain 'spdd'", "did you mean domains.spd()?"]),
    "id_escaping_reports": (claim(cid="../../etc/x"), [], 8, "../../etc/x",
                            ["is not a dotted lower-case slug", "reports/<topic>/<id>.md",
                             r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$", "use e.g. 'etc.x'"]),
    "id_with_slash": (claim(cid="a/b.c"), [], 8, "a/b.c", ["not a dotted lower-case slug", "use e.g. 'a.b.c'"]),
    "id_upper_case": (claim(cid="Mine.X"), [], 8, "Mine.X", ["not a dotted lower-case slug", "use e.g. 'mine.x'"]),
    "id_without_topic": (claim(cid="x"), [], 8, "x", ["not a dotted lower-case slug", "use e.g. 'mynotes.x'"]),
    "id_hidden": (claim(cid=".hidden.x"), [], 8, ".hidden.x", ["not a dotted lower-case slug", "use e.g. 'hidden.x'"]),
    "no_claims": ("y = 1\n", [], 1, None, ["the file defines no claims; bind each Claim(...) to a name at the "
                                            "top level of the file (quad = Claim(...)) or put the claims in a "
                                            "top-level list"]),
    "claim_inside_a_function": ("def make():\n    " + claim().replace("\n    ", " "), [], 1, None,
                                ["the file defines no claims", "the Claim(...) at line 9 is not bound at the top level",
                                 "or put the claims in a top-level list"]),
    "sizes_not_a_range": (claim().replace("sizes={n: (1, 3)}", "sizes={'n': 3}"), [], 8, "mine.ok.x",
                          ["sizes['n'] = 3", "e.g. sizes={'n': (1, 4)}"]),
    "domain_as_text": (claim(domain="{A: 'spd', x: domains.vector()}"), [], 8, "mine.ok.x",
                       ["the domain of 'A' is the string 'spd', not a domain", "use domains.spd()"]),
    "domain_not_a_dict": (claim(domain="'spd'"), [], 8, "mine.ok.x",
                          ["domain='spd' is a str, not a dict", "e.g. domain={A: domains.spd(), x: domains.vector()}"]),
    "domain_function_not_called": (claim(domain="{A: domains.spd, x: domains.vector()}"), [], 8, "mine.ok.x",
                                   ["the domain of 'A' is the function domains.spd", "call it: domains.spd()"]),
    "expression_as_text": (claim(statement='Identity("x + 1", x)', domain="{x: domains.vector()}"), [], 8,
                           "mine.ok.x", ["the Identity argument is the text 'x + 1'", "never parses text into code"]),
    "correction_names_no_claim": (claim(extra=', expect="fails", correction="mine.ok.y"'), [], 8, "mine.ok.x",
                                  ["correction='mine.ok.y' names no loaded claim",
                                   "--claims FILE, or --builtin for a built-in claim)"]),
    "name_error": (claim(statement="Identity(A * y, A * x)"), [], 8, "mine.ok.x",
                   ["importing the claim file raised NameError: name 'y' is not defined",
                    "fix the Python at this line"]),
    # soundness: claims that were checked for less than they say
    "non_smooth_minimiser_without_cases": (
        claim(statement="Minimiser(x.T * A * x, x, A * x, smooth=False)"), [], 8, "mine.ok.x",
        ["Minimiser(smooth=False) has no cases: its subgradient condition is checked case by case, so it would be "
         "checked nowhere and only convexity would be shown",
         'give cases=(("description", {symbol: value}), ...) covering the domain']),
    "case_key_not_a_symbol": (
        claim(statement="Minimiser(x.T * A * x, x, A * x, smooth=False, cases=(('a > 0', {'a': 1}),))"), [], 8,
        "mine.ok.x",
        ["Minimiser case 'a > 0' substitutes 'a', which is not a symbol of the statement at the symbolic sizes n = 2 "
         "(its symbols there: A_11, A_12, A_21, A_22)",
         "key each substitution by a scalar symbol of the statement or a matrix entry as the symbolic path names it "
         "('x_1' for entry 1 of a vector x, 'A_12' for row 1, column 2 of A)"]),
    "loose_rtol": (claim(extra=", rtol=1.0"), [], 8, "mine.ok.x",
                   ["rtol=1.0 is above the ceiling 1e-6: a loose tolerance can hide O(1) errors",
                    "tighten it, or give tolerance_reason='why this claim needs it' (shown in its report)"]),
    "loose_rtol_despite_a_reason": (claim(extra=", rtol=0.1, tolerance_reason='noisy'"), [], 8, "mine.ok.x",
                                    ["rtol=0.1 is above 1e-2, the limit even with a tolerance_reason",
                                     "tighten it to at most 1e-2 (or compare a quantity that holds more tightly, e.g. "
                                     "a normalised one)"]),
    "gradient_of_a_vector_by_a_matrix": (
        claim(statement="Gradient(W.T * v, W, claimed=W)", domain="{W: domains.general(), v: domains.vector()}"), [],
        8, "mine.ok.x",
        ["Gradient of W.T*v (2 x 1: not a scalar, so the derivative is a Jacobian) with respect to W (3 x 2, not a "
         "column vector)",
         "the Jacobian is defined here for a column vector with respect to a column vector; for a matrix variable, "
         "differentiate a scalar (e.g. a loss) or vectorise"]),
    "jacobian_by_a_symbolic_matrix": (
        claim(statement="Identity(Jacobian(A * x, A), A)"), [], 8, "mine.ok.x",
        ["Jacobian(A*x, A) differentiates A*x (n x 1) with respect to A (n x n, not a column vector)",
         "for a matrix variable, differentiate a scalar (e.g. a loss) or vectorise"]),
    "jacobian_by_a_concrete_matrix": (
        claim(statement="Identity(Jacobian(W.T * v, W), W)", domain="{W: domains.general(), v: domains.vector()}"),
        [], 8, "mine.ok.x",
        ["importing the claim file raised TypeError: Jacobian: the variable W is 3 x 2, not a column vector",
         "fix the Python at this line"]),
    # a builder that uses a module-level lock cannot be sent to the worker processes: refused at
    # load (it used to surface as an `error` after the run, with only the pickling error)
    "unpicklable_builder": ("import threading\nLOCK = threading.Lock()\n"
                            "def build(sizes):\n    with LOCK:\n        return Identity(A * x + x, (A + sp.Identity(n)) * x)\n"
                            + claim(statement="build"), [], 13, "mine.ok.x",
                            ["cannot be sent to dlverify's worker processes (TypeError: cannot pickle",
                             "must be picklable",
                             "create objects such as locks, open files, database connections or generators inside "
                             "the builder, or leave them out of the claim"]),
}

COMMANDS = {"run": ["run", "all", "--no-write"], "run_writing": ["run", "all"], "list": ["list"],
            "show": ["show", "mine.ok.x"]}


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder): (p.read_bytes() if p.is_file() else None, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


@pytest.fixture
def reports(tmp_path):
    folder = tmp_path / "reports"
    (folder / "mine").mkdir(parents=True)
    (folder / "README.md").write_text("# index written by an earlier run\n")
    (folder / "results.json").write_text('{"schema": 1, "claims": [{"id": "mine.ok.x", "verdict": "proved"}]}')
    (folder / "mine" / "mine.ok.x.md").write_text("# an earlier proof report\n")
    return folder


def invoke(command, path, reports, extra=()):
    return runner.invoke(app, [*COMMANDS[command], "--claims", str(path), "--reports", str(reports), *extra]
                         if command != "list" else [*COMMANDS[command], "--claims", str(path), *extra])


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_claim_file_exits_2_with_file_line_claim_and_fix(tmp_path, reports, case, command):
    body, extra, line, claim_id, fragments = CASES[case]
    path = tmp_path / f"{case}_{command}.py"  # a fresh module name per test: nothing cached
    path.write_text(HEADER + body if body is not None else "")
    before = snapshot(reports)
    result = invoke(command, path, reports, extra)
    assert result.exit_code == 2, result.output
    # the error, after any notes on other claims (a note on a built-in claim appears the first time this
    # process imports it, so whether there are any depends on the tests that ran before)
    message = "\n".join(line for line in result.stderr.strip().splitlines() if ": note: " not in line)
    assert len(message.splitlines()) <= 2, message
    assert message.startswith(f"{path}:{line}: "), message
    if claim_id:
        assert f"claim {claim_id!r}" in message
    for fragment in fragments:
        assert fragment.replace("{file}", str(path)) in message, (fragment, message)
    assert message.endswith(fragments[-1]), message
    assert result.stdout == ""
    assert snapshot(reports) == before


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_missing_path_and_empty_folder(tmp_path, reports, command):
    before = snapshot(reports)
    result = invoke(command, tmp_path / "nope.py", reports)
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"{tmp_path / 'nope.py'}: no such file or folder; "
                                      "pass a .py file or a folder of them to --claims")
    empty = tmp_path / "empty"
    (empty / "sub").mkdir(parents=True)
    (empty / "_helper.py").write_text("x = 1\n")
    result = invoke(command, empty, reports)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{empty}: no claim files in this folder")
    assert snapshot(reports) == before


@pytest.mark.parametrize("command, args", [("run", ["run", "mine.ok.y", "--no-write"]), ("run", ["run", "mine.ok.y"]),
                                           ("list", ["list", "mine.ok.y"]), ("show", ["show", "mine.ok.y"]),
                                           ("list", ["list", "mine.ok.x", "mine.ok.y"])])
def test_unknown_selector_suggests_close_ids(tmp_path, reports, command, args):
    path = tmp_path / "good.py"
    path.write_text(HEADER + GOOD)
    before = snapshot(reports)
    extra = ["--reports", str(reports)] if command != "list" else []
    result = runner.invoke(app, [*args, "--claims", str(path), *extra])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: no claim matches 'mine.ok.y'; did you mean mine.ok.x?"
    assert snapshot(reports) == before


def test_two_bad_files_in_a_folder_report_the_first(tmp_path, reports):
    folder = tmp_path / "claims"
    folder.mkdir()
    (folder / "a.py").write_text(HEADER + claim(cid="mine.a.one"))
    (folder / "b.py").write_text(HEADER + claim(cid="mine.a.one", name="two"))
    result = runner.invoke(app, ["list", "--claims", str(folder)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{folder / 'b.py'}:8: claim 'mine.a.one': duplicate id")
    assert f"already defined at {folder / 'a.py'}:8; rename one of them" in result.stderr


def test_unused_domain_key_is_a_warning_not_an_error(tmp_path):
    path = tmp_path / "unused.py"
    path.write_text(HEADER + claim(domain="{A: domains.general(), x: domains.vector(), W: domains.general()}"))
    result = runner.invoke(app, ["list", "--claims", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == (
        f"{path}:8: warning: claim 'mine.ok.x': domain= declares 'W', which the statement does not use (a typo, "
        "or a symbol the formula lost?); use it in the statement or remove it from domain=")
    assert "mine.ok.x" in result.stdout


# --- ids cannot leave reports/ -------------------------------------------------------------------

HOSTILE_IDS = ["../../etc/x", "a/b.c", "Mine.X", "x", ".hidden.x", "a..b", "a.b.", "a.b\n", "a.b\nc.d", "/etc/x.y",
               "a\\b.c", "c:.x", "a.b/../../c", "..", "...", "a.", "~.x", "a.b c", "a.b\x00", "\u0430.b", "a.b-c",
               "con.x", "nul.x", "lpt1.x", "a." + "b" * 200, "a.%2e%2e", "$home.x", "a.*", ""]


@pytest.mark.parametrize("bad_id", HOSTILE_IDS)
def test_hostile_ids_are_rejected_with_pattern_and_example(bad_id):
    n = sp.Symbol("n", integer=True, positive=True)
    A = sp.MatrixSymbol("A", n, n)
    with pytest.raises(ClaimDefinitionError) as err:
        Claim(id=bad_id, title="t", source="s", statement=Identity(A, A), domain={A: domains.general()},
              sizes={n: (1, 2)})
    message = str(err.value)
    assert "use e.g. '" in message or "shorten it" in message or "reserved device name" in message


def test_every_id_that_passes_stays_inside_reports(tmp_path):
    """Random strings over an alphabet of path characters: whatever the id rule accepts maps to a
    file directly under reports/<topic>/, named <id>.md."""
    rng = random.Random(0)
    alphabet = "ab0_." * 4 + "/\\:~ -\nZ%\x00\u0430"  # path characters among many slug characters
    accepted = 0
    reports = tmp_path / "reports"
    for candidate in [*HOSTILE_IDS, *("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 10)))
                                      for _ in range(20000))]:
        if id_problem(candidate):
            continue
        accepted += 1
        topic = candidate.split(".", 1)[0]
        target = _safe_report_path(reports, candidate, topic)  # raises if it would leave reports/
        assert target.parent == (reports / topic).resolve() and target.name == f"{candidate}.md"
        assert set(candidate) <= set("abcdefghijklmnopqrstuvwxyz0123456789_.") and ".." not in candidate
    assert accepted > 100  # the generator does produce valid ids, so the check above is exercised


# --- no text becomes code ------------------------------------------------------------------------

PARSERS = {"eval", "exec", "compile", "__import__", "parse_expr", "parse_latex", "parse_mathematica"}
SYMPIFIERS = {"sympify", "S"}


def code_from_text_calls(source: str, filename: str) -> list[str]:
    """Calls that can turn a string into code: eval/exec/compile/__import__ (builtins), SymPy's
    parsers, and sympify/S without strict=True (which refuses strings)."""
    tree = ast.parse(source, filename)
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for a in node.names:
                aliases[a.asname or a.name] = a.name
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name):
            name, builtin = aliases.get(node.func.id, node.func.id), node.func.id not in aliases
        elif isinstance(node.func, ast.Attribute):
            # `re.compile` and `jax.jit` compile patterns and traced graphs, not Python source
            name, builtin = node.func.attr, getattr(node.func.value, "id", "") == "builtins"
        else:
            continue
        strict = any(k.arg == "strict" and isinstance(k.value, ast.Constant) and k.value.value is True
                     for k in node.keywords)
        if (name in PARSERS and (builtin or name.startswith("parse_"))) or (name in SYMPIFIERS and not strict):
            found.append(f"{filename}:{node.lineno}: {ast.unparse(node.func)}(...)")
    return found


def test_no_code_path_parses_text_into_code():
    files = [ROOT / "cli.py", *sorted((ROOT / "verify").glob("*.py")), *sorted((ROOT / "derivations").rglob("*.py"))]
    assert len(files) > 15
    found = [hit for f in files for hit in code_from_text_calls(f.read_text(encoding="utf-8"), str(f.relative_to(ROOT)))]
    assert found == []


def test_the_ast_check_catches_each_form():
    bad = textwrap.dedent('''
        import builtins
        import sympy as sp
        from sympy import sympify as make, S
        from sympy.parsing.sympy_parser import parse_expr
        sp.sympify(text)
        sp.sympify(text, strict=False)
        make(text)
        S(text)
        sp.S(text)
        parse_expr(text)
        eval(text)
        exec(text)
        compile(text, "f", "exec")
        __import__(text)
        builtins.eval(text)
    ''')
    assert len(code_from_text_calls(bad, "bad.py")) == 11
    good = textwrap.dedent('''
        import re
        import sympy as sp
        sp.sympify(value, strict=True)
        re.compile("a+")
        sp.S.One
        model.eval
    ''')
    assert code_from_text_calls(good, "good.py") == []


def test_the_engine_refuses_text_where_an_expression_belongs():
    x = sp.MatrixSymbol("x", 2, 1)
    with pytest.raises(sp.SympifyError):
        from verify import Grad

        Grad("x.T*x", x)
