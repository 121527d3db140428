"""Claims that are trivially true as built (verify.trivial): the two things a claim compares are
one SymPy expression after SymPy built them.  Loading such a claim warns (FILE:LINE, the claim,
which two, why it matters), its report says so under the verdict, and a real identity does
neither.  The built-in claims are all free of it (probability.bayes.rule was not)."""

from __future__ import annotations

import json
import textwrap
import warnings

import pytest
import sympy as sp
from typer.testing import CliRunner

from verify import Claim, Derivation, Grad, Gradient, Identity, Minimiser, domains, scalar
from verify._errors import ClaimDefinitionWarning
from verify.report import trivially_true_block
from verify.trivial import trivially_true

x, y, t = sp.symbols("x y t", real=True)
n = sp.Symbol("n", integer=True, positive=True)
A = sp.MatrixSymbol("A", n, n)
B = sp.MatrixSymbol("B", n, n)
v = sp.MatrixSymbol("v", n, 1)
w = sp.MatrixSymbol("w", n, 1)
R = domains.real


def make(statement, domain, **kw):
    return Claim(id="test.trivial.claim", title="t", source="test", statement=statement, domain=domain, **kw)


def loaded(statement, domain, **kw):
    """(the claim, the ClaimDefinitionWarnings its construction raised)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        claim = make(statement, domain, **kw)
    return claim, [w for w in caught if issubclass(w.category, ClaimDefinitionWarning)]


def test_commuted_sum_warns_with_file_line_claim_sides_and_why():
    claim, found = loaded(Identity(x + y, y + x), {x: R(), y: R()})
    assert len(found) == 1
    w0 = found[0]
    assert w0.filename.endswith("test_trivial.py") and w0.lineno > 0  # FILE:LINE of the Claim(...) call
    text = str(w0.message)
    assert text.startswith("claim 'test.trivial.claim': trivially true as built: the left and right sides are "
                           "the same SymPy expression as built (`x + y`)")
    assert "compares a formula with itself and proves nothing about the statement in the notes" in text
    assert "evaluate=False" in text  # the fix
    assert [p.sides for p in trivially_true(claim)] == ["the left and right sides"]


@pytest.mark.parametrize("statement", [
    Identity(x * (y + 1), x * y + x),
    Identity((x + y) ** 2, x ** 2 + 2 * x * y + y ** 2),
    Identity(sp.Add(x, y, evaluate=False), sp.Add(y, x, evaluate=False)),  # written apart: the check does the work
], ids=["distributive", "binomial", "unevaluated"])
def test_a_real_identity_does_not_warn(statement):
    claim, found = loaded(statement, {x: R(), y: R()})
    assert found == [] and trivially_true(claim) == [] and trivially_true_block(claim) == []


def test_transpose_rule_collapsed_by_sympy_warns_and_sp_transpose_does_not():
    sizes = {n: (1, 3)}
    dom = {A: domains.general(), B: domains.general()}
    _, found = loaded(Identity((B.T * A.T).T, A * B), dom, sizes=sizes)  # .T applies (XY)^T = Y^T X^T at once
    assert len(found) == 1 and "the left and right sides" in str(found[0].message)
    _, found = loaded(Identity(sp.Transpose(B.T * A.T), A * B), dom, sizes=sizes)
    assert found == []


def test_each_kind_names_its_two_sides():
    wv = sp.MatrixSymbol("w", 1, 1)
    f = scalar(wv.T * wv) * t
    cases = [
        (Gradient(f, wv, Grad(f, wv)), {wv: domains.vector(), t: R()}, {},
         "the derivative and the claimed derivative"),
        (Derivation((x * (x + 1), x ** 2 + x, x ** 2 + x)), {x: R()}, {}, "steps 1 and 2"),
        (Minimiser(scalar((w - v).T * (w - v)), w, v, reference=v), {v: domains.vector(), w: domains.vector()},
         {n: (1, 3)}, "the point and the independent reference"),
    ]
    for statement, dom, sizes, sides in cases:
        claim, found = loaded(statement, dom, sizes=sizes)
        assert [p.sides for p in trivially_true(claim)] == [sides], statement
        assert len(found) == 1 and sides in str(found[0].message)
    # negative controls: the same kinds written with two different sides
    for statement, dom, sizes in [
        (Gradient(f, wv, 2 * t * wv), {wv: domains.vector(), t: R()}, {}),
        (Derivation((x * (x + 1), x ** 2 + x)), {x: R()}, {}),
        (Minimiser(scalar((w - v).T * (w - v)), w, v, reference=sp.MatMul(sp.Identity(n), v, evaluate=False)),
         {v: domains.vector(), w: domains.vector()}, {n: (1, 3)}),
    ]:
        claim, found = loaded(statement, dom, sizes=sizes)
        assert found == [] and trivially_true(claim) == [], statement


def test_a_builder_is_looked_at_every_size_it_is_built_at():
    def build(sizes):
        k = sizes["n"]
        return Identity((t + 1) ** k, sp.expand((t + 1) ** k))  # the same expression only at n = 1

    claim, found = loaded(build, {t: R()}, sizes={n: (1, 3)})
    pairs = trivially_true(claim)
    assert len(pairs) == 1 and pairs[0].sizes == ((("n", 1),),)
    assert len(found) == 1 and "at sizes n = 1" in str(found[0].message)
    claim, found = loaded(build, {t: R()}, sizes={n: (2, 3)})
    assert found == [] and trivially_true(claim) == []


def test_no_builtin_claim_is_trivially_true_at_any_size():
    """probability.bayes.rule multiplied its likelihood by the prior with `*`, which cancelled the row
    total while the statement was built: both sides were P_ij / (column total) at every size."""
    import itertools

    from derivations.probability import bayes as probability
    from verify.claim import size_assignment_ok
    from verify.registry import load_registry

    for claim in load_registry().claims:
        assert trivially_true(claim) == [], claim.id
    bayes = probability.bayes_rule
    names = sorted(bayes.sizes)
    for combo in itertools.product(*[range(lo, hi + 1) for lo, hi in (bayes.sizes[k] for k in names)]):
        sizes = dict(zip(names, combo))
        assert size_assignment_ok(bayes, sizes)
        statement = bayes.build(sizes)
        assert statement.lhs != statement.rhs, sizes
        # the right side still is the posterior, entry by entry (the proof is not lost)
        assert sp.simplify(sp.Matrix(statement.lhs) - sp.Matrix(statement.rhs)) == sp.zeros(*statement.lhs.shape)


TRIVIAL_FILE = textwrap.dedent('''
    import sympy as sp
    from verify import Claim, Identity, domains

    x, y = sp.symbols("x y", real=True)
    same = Claim(id="mine.trivial.same", title="x + y = y + x", source="my notes",
                 statement=Identity(x + y, y + x), domain={x: domains.real(), y: domains.real()})
    real = Claim(id="mine.trivial.real", title="x (y + 1) = x y + x", source="my notes",
                 statement=Identity(x * (y + 1), x * y + x), domain={x: domains.real(), y: domains.real()})
''')


def test_cli_warns_at_load_and_the_report_shows_it_under_the_verdict(tmp_path):
    from cli import app

    path = tmp_path / "mine.py"
    path.write_text(TRIVIAL_FILE)
    reports = tmp_path / "reports"
    result = CliRunner().invoke(app, ["run", "all", "--claims", str(path), "--reports", str(reports),
                                      "--instances", "4", "--no-cache"])
    assert result.exit_code == 0, result.output
    warned = [line for line in result.output.splitlines() if "trivially true as built" in line]
    assert len(warned) == 1 and warned[0].startswith(f"{path}:6: warning: claim 'mine.trivial.same': ")
    same = (reports / "mine" / "mine.trivial.same.md").read_text().splitlines()
    verdict_line = next(i for i, line in enumerate(same) if "verdict: **proved**" in line)
    assert same[verdict_line + 2].startswith("> **Warning: trivially true as built.** The left and right sides")
    assert "trivially true" not in (reports / "mine" / "mine.trivial.real.md").read_text()
    records = {r["id"]: r for r in json.loads((reports / "results.json").read_text())["claims"]}
    assert records["mine.trivial.same"]["trivially_true"][0].startswith("the left and right sides")
    assert records["mine.trivial.real"]["trivially_true"] == []
