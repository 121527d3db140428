"""Plain scalar symbols (`sp.Symbol`) as the variable of Gradient, Grad, Jacobian and Minimiser.

A derivative in a scalar is the commonest claim in any notes (d/dt sigmoid(t), d/dw of a 1-D
squared loss, the minimiser of a 1-D quadratic).  The conventions (docs/writing-claims.md,
"Scalar variables"):

* the derivative of a scalar in a scalar is a scalar (`Grad(f, t)` builds a `ScalarGrad`, a SymPy
  scalar), so the claimed side of `Gradient(f, t, claimed)` is a scalar expression; a 1 x 1
  matrix there is refused when the claim is loaded (the fix: `scalar(M)`);
* the derivative of a column vector y (k x 1) in a scalar is the k x 1 column dy/dt;
* `at=` of a derivative in a scalar, and the point of a Minimiser over one, are scalars.

True claims must come out `proved` (or `verified` where SymPy cannot decide: the minimality of
a convex cost no structural rule covers), false ones `refuted` with a counterexample, each false
one aimed at one path (the symbolic derivative, autodiff, the 60-digit interval confirmation,
the exact rational one, the Hessian test of minimality, the perturbation and solver checks along
the single axis, the non-smooth case split).  All of them run through one `run_claims` call.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import sympy as sp
from typer.testing import CliRunner

from cli import app
from verify import Claim, ClaimDefinitionError, Grad, Gradient, Identity, Jacobian, Minimiser, domains, scalar, sigmoid
from verify.evaluate import EXACT, evaluate, jax_backend
from verify.highprec import mp_evaluate
from verify.nodes import ScalarGrad
from verify.runner import run_claims

SOURCE = "tests/test_scalar_variables.py"
INSTANCES = 16
BUDGET = 30.0

n = sp.Symbol("n", integer=True, positive=True)
t, w, z, b, c, xs, ys = sp.symbols("t w z b c x y", real=True)
a, h, alpha, e = sp.symbols("a h alpha e", positive=True)
u = sp.MatrixSymbol("u", n, 1)
v = sp.MatrixSymbol("v", n, 1)
xv = sp.MatrixSymbol("xv", n, 1)
yv = sp.MatrixSymbol("yv", n, 1)
R, V = domains.real, domains.vector
N13 = {n: (1, 3)}

_edge = alpha / h
SOFT_CASES = (("c > alpha/h", {"c": _edge + e}), ("c = alpha/h", {"c": _edge}),
              ("0 < c < alpha/h", {"c": _edge / (1 + e)}), ("c = 0", {"c": 0}),
              ("-alpha/h < c < 0", {"c": -_edge / (1 + e)}), ("c = -alpha/h", {"c": -_edge}),
              ("c < -alpha/h", {"c": -_edge - e}))
SOFT_DOMAIN = {h: domains.positive(), alpha: domains.positive(), c: domains.real(2.0)}


def _soft_cost():
    return h / 2 * (w - c) ** 2 + alpha * sp.Abs(w)


def _soft_point(threshold):
    return sp.sign(c) * sp.Max(sp.Abs(c) - threshold, 0)


def _ls_cost():
    return scalar((yv - w * xv).T * (yv - w * xv))


def _local_not_global_cost():
    # f(s) = s^4/4 - s^3/3 - s^2, s = w - b: f' = s (s - 2) (s + 1); s = -1 is a local minimum
    # (f'' = 3, f = -5/12), s = 2 the global one (f = -8/3)
    s = w - b
    return s ** 4 / 4 - s ** 3 / 3 - s ** 2


# id suffix: (statement, domain, sizes, wanted verdict, what it pins)
TRUE = {
    "grad.sigmoid": (Gradient(sigmoid(t), t, sigmoid(t) * (1 - sigmoid(t))), {t: R()}, {}, "proved",
                     "d/dt sigmoid(t) = sigmoid(t) (1 - sigmoid(t)): ScalarGrad on both paths"),
    "grad.tanh": (Gradient(sp.tanh(t), t, 1 - sp.tanh(t) ** 2), {t: R()}, {}, "proved", "d/dt tanh"),
    "grad.squared_loss": (Gradient((ys - w * xs) ** 2 / 2, w, -(ys - w * xs) * xs), {w: R(), xs: R(), ys: R()}, {},
                          "proved", "d/dw of a 1-D squared loss"),
    "grad.log_loss": (Gradient(-ys * sp.log(sigmoid(z)) - (1 - ys) * sp.log(1 - sigmoid(z)), z, sigmoid(z) - ys),
                      {z: R(), ys: domains.probability()}, {}, "proved", "cross-entropy of a sigmoid in its logit"),
    "grad.abs": (Gradient(sp.Abs(t), t, sp.sign(t)), {t: R()}, {}, "proved",
                 "d|t|/dt = sign t: the exact backend differentiates in real dummies (kinks excluded numerically)"),
    "grad.at_point": (Identity(Grad(sp.log(1 + sp.exp(t)), t, at=0), sp.Rational(1, 2)), {}, {}, "proved",
                      "Grad(f, t, at=0): softplus'(0) = 1/2, no free symbol left"),
    "grad.at_symbolic_point": (Identity(Grad(b * t ** 3, t, at=b), 3 * b ** 3), {b: R()}, {}, "proved",
                               "Grad(f, t, at=b): t is bound, b free"),
    "grad.vector_loss": (Gradient(_ls_cost(), w, scalar(-2 * xv.T * (yv - w * xv))), {w: R(), xv: V(), yv: V()}, N13,
                         "proved", "a scalar cost of vectors in a scalar weight"),
    "jacobian.curve": (Gradient(t * u + t ** 2 * v, t, u + 2 * t * v), {t: R(), u: V(), v: V()}, N13, "proved",
                       "a column vector in a scalar: the n x 1 column of derivatives"),
    "jacobian.node": (Identity(Jacobian(t * u.applyfunc(sp.exp), t), u.applyfunc(sp.exp)), {t: R(), u: V()}, N13,
                      "proved", "the Jacobian node in a scalar"),
    "min.quadratic": (Minimiser(a * w ** 2 - 2 * b * w, w, b / a), {a: domains.positive(), b: R()}, {}, "proved",
                      "1-D quadratic: stationarity and structural convexity"),
    "min.least_squares": (Minimiser(_ls_cost(), w, scalar(xv.T * yv) / scalar(xv.T * xv)), {xv: V(), yv: V()}, N13,
                          "proved", "1-D least squares through the origin"),
    "min.soft_threshold": (Minimiser(_soft_cost(), w, _soft_point(_edge), smooth=False, cases=SOFT_CASES), SOFT_DOMAIN,
                           {}, "proved", "non-smooth: the subgradient case split in a scalar"),
    "min.cosine_convex": (Minimiser((w - b) ** 2 + 1 - sp.cos(w - b), w, b), {b: R()}, {}, "verified",
                          "f'' = 2 + cos(w - b) > 0, which SymPy's assumptions do not show: minimality numerically"),
}

# id suffix: (statement, domain, sizes, correction, the path it is aimed at)
FALSE = {
    "grad.sigmoid_chain": (Gradient(sigmoid(2 * t), t, sigmoid(2 * t) * (1 - sigmoid(2 * t))), {t: R()}, {},
                           "grad.sigmoid", "the chain-rule factor 2 dropped; confirmed by 60-digit intervals"),
    "grad.loss_sign": (Gradient((ys - w * xs) ** 2 / 2, w, (ys - w * xs) * xs), {w: R(), xs: R(), ys: R()}, {},
                       "grad.squared_loss", "a sign error; confirmed exactly in rationals"),
    "grad.at_point_wrong": (Identity(Grad(sp.log(1 + sp.exp(t)), t, at=0), 1), {}, {}, "grad.at_point",
                            "softplus'(0) claimed 1"),
    "jacobian.curve_factor": (Gradient(t * u + t ** 2 * v, t, u + t * v), {t: R(), u: V(), v: V()}, N13,
                              "jacobian.curve", "the factor 2 of d t^2/dt dropped in one entry of a column"),
    "min.quadratic_sign": (Minimiser(a * w ** 2 - 2 * b * w, w, -b / a), {a: domains.positive(), b: R()}, {},
                           "min.quadratic", "a sign error in the 1-D minimiser (stationarity fails)"),
    "min.maximiser": (Minimiser(-a * (w - b) ** 2, w, b), {a: domains.positive(), b: R()}, {}, "min.quadratic",
                      "a maximiser claimed as minimiser: stationary, the 1 x 1 Hessian -2a < 0"),
    "min.local_not_global": (Minimiser(_local_not_global_cost(), w, b - 1), {b: R()}, {}, "min.quadratic",
                             "a local minimum of a non-convex quartic claimed global: perturbation along the axis"),
    "min.least_squares_unnormalised": (Minimiser(_ls_cost(), w, scalar(xv.T * yv)), {xv: V(), yv: V()}, N13,
                                       "min.least_squares", "x^T y without / x^T x"),
    "min.soft_threshold_half": (Minimiser(_soft_cost(), w, _soft_point(_edge / 2), smooth=False, cases=SOFT_CASES),
                                SOFT_DOMAIN, {}, "min.soft_threshold", "the threshold alpha/(2h): a case fails"),
}


def _claims() -> list[Claim]:
    out = []
    for suffix, (statement, domain, sizes, _, aims) in TRUE.items():
        out.append(Claim(id=f"scalars.{suffix}", title=aims, source=SOURCE, statement=statement, domain=domain,
                         sizes=sizes, notes=aims))
    for suffix, (statement, domain, sizes, correction, aims) in FALSE.items():
        out.append(Claim(id=f"scalars.bad.{suffix}", title=aims, source=SOURCE, statement=statement, domain=domain,
                         sizes=sizes, notes=aims, expect="fails", correction=f"scalars.{correction}"))
    return out


@pytest.fixture(scope="module")
def results() -> dict:
    return {r.id: r for r in run_claims(_claims(), instances=INSTANCES, symbolic_budget=BUDGET)}


def _detail(r) -> str:
    return (f"{r.verdict}: {r.reason}\n  symbolic {r.symbolic.status} ({r.symbolic.reason}) {r.seconds_symbolic:.1f}s; "
            f"numeric {r.numeric.status} {r.numeric.message} {r.seconds_numeric:.1f}s")


@pytest.mark.parametrize("suffix", sorted(TRUE))
def test_true_claim_gets_its_verdict(results, suffix):
    r = results[f"scalars.{suffix}"]
    assert r.verdict == TRUE[suffix][3], _detail(r)
    assert r.numeric.instances >= INSTANCES


@pytest.mark.parametrize("suffix", sorted(FALSE))
def test_false_claim_is_refuted_with_a_counterexample(results, suffix):
    r = results[f"scalars.bad.{suffix}"]
    assert r.verdict == "refuted", _detail(r)
    assert r.numeric.counterexample is not None or r.symbolic.counterexample, _detail(r)


def test_counterexamples_are_confirmed_by_the_path_they_aim_at(results):
    # a transcendental residual: 60-digit interval arithmetic with forward-mode duals encloses it away from 0
    chain = results["scalars.bad.grad.sigmoid_chain"].numeric.counterexample
    assert chain.exact_confirmed and "interval arithmetic at 60 digits" in chain.exact, chain.exact
    # a rational residual: exactly
    sign = results["scalars.bad.grad.loss_sign"].numeric.counterexample
    assert sign.exact_confirmed and "exactly nonzero (rational)" in sign.exact, sign.exact
    column = results["scalars.bad.jacobian.curve_factor"].numeric.counterexample
    assert column.exact_confirmed and column.sizes["n"] in (1, 2, 3) and len(column.lhs) == column.sizes["n"]
    # the maximiser: the Hessian at an exact member has a negative eigenvalue (not a mere failed proof)
    maximum = results["scalars.bad.min.maximiser"].symbolic
    assert maximum.status == "disproved" and "negative eigenvalue" in " ".join(maximum.steps), maximum.steps
    # the local minimum: stationarity is proved, only the search along the axis finds the lower value
    local = results["scalars.bad.min.local_not_global"]
    assert local.symbolic.status == "undecided" and local.numeric.counterexample.check in (
        "no perturbation of the point lowers f",
        "an independent solver (normalised (sub)gradient descent) finds no lower value"), _detail(local)
    assert results["scalars.bad.min.soft_threshold_half"].symbolic.status == "disproved"


# --- the nodes and the backends, without the runner ------------------------------------------------


def test_the_derivative_in_a_scalar_is_a_scalar_and_in_a_column_a_column():
    d = Grad(sigmoid(t), t)
    assert isinstance(d, ScalarGrad) and not d.is_Matrix
    assert (d - sigmoid(t)).is_Add  # arithmetic with scalars, as the claimed side is written
    assert Gradient(sigmoid(t), t, 0).derivative() == d
    assert Jacobian(t * u, t).shape == (n, 1)
    assert Grad(t * u.T * u, t).f == t * u.T * u  # a 1 x 1 f is the gradient of a scalar too
    assert sp.latex(Grad(t ** 2, t, at=3)) == r"\frac{\partial}{\partial t}\left(t^{2}\right)\Big|_{t = 3}"


def test_the_three_backends_differentiate_in_a_scalar_alike():
    f = sigmoid(t) * t ** 2
    exact = evaluate(Grad(f, t), {"t": t}, EXACT)
    assert sp.expand(exact - (t ** 2 * sigmoid(t) * (1 - sigmoid(t)) + 2 * t * sigmoid(t))) == 0
    here = sp.Rational(3, 10)
    want = float(exact.subs(t, here).rewrite(sp.exp))
    assert abs(float(evaluate(Grad(f, t), {"t": 0.3}, jax_backend())) - want) < 1e-14
    assert abs(float(mp_evaluate(Grad(f, t), {"t": here}).mid) - want) < 1e-14
    # a negative control: a wrong derivative does not match
    assert abs(float(evaluate(Grad(2 * f, t), {"t": 0.3}, jax_backend())) - want) > 0.1
    column = evaluate(Jacobian(t ** 2 * xv, t, at=3), {"t": t, "xv": sp.ImmutableMatrix([1, 2])}, EXACT)
    assert column == sp.ImmutableMatrix([6, 12])


# --- load-time errors -----------------------------------------------------------------------------

HEADER = textwrap.dedent('''\
    import sympy as sp
    from verify import Algorithmic, Claim, Grad, Gradient, Identity, Jacobian, Minimiser, domains, scalar
    n = sp.Symbol("n", integer=True, positive=True)
    t = sp.Symbol("t", real=True)
    x = sp.MatrixSymbol("x", n, 1)
    A = sp.MatrixSymbol("A", n, n)
''')  # 6 lines: the Claim starts at line 7
DOMAIN = "{t: domains.real(), x: domains.vector(), A: domains.general()}"

BAD = {
    "claimed_one_by_one": ("Gradient(t * scalar(x.T * x), t, claimed=x.T * x)",
                           ["the derivative of a scalar in a scalar is a scalar, but claimed=x.T*x is a 1 x 1 matrix",
                            "write the claimed derivative as a scalar (scalar(M) reads a 1 x 1 matrix expression M as "
                            "a scalar)"]),
    "matrix_in_a_scalar": ("Gradient(t * A, t, claimed=A)",
                           ["Gradient of t*A (n x n: neither a scalar nor a column vector) with respect to the "
                            "scalar t",
                            "differentiate a column vector (e.g. M*v) or a scalar (e.g. a loss)"]),
    "matrix_at_point": ("Identity(Grad(t ** 2, t, at=x.T * x), 0)",
                        ["Grad(..., t, at=x.T*x): the point is a 1 x 1 matrix, but t is a scalar",
                         "give a scalar point (scalar(M) reads a 1 x 1 matrix expression M as a scalar)"]),
    "one_by_one_point": ("Minimiser((t - 1) ** 2, t, sp.ones(1, 1))",
                         ["Minimiser over the scalar t: point=Matrix([[1]]) is a 1 x 1 matrix",
                          "give it as a scalar (scalar(M) reads a 1 x 1 matrix expression M as a scalar)"]),
    "dimension_as_variable": ("Gradient(n * t, n, claimed=t)",
                              ["Gradient differentiates with respect to n, which is a dimension",
                               "use a real scalar symbol of its own, e.g. sp.Symbol('t', real=True)"]),
    "expression_as_variable": ("Gradient(t ** 4, t ** 2, claimed=2 * t ** 2)",
                               ["Gradient differentiates with respect to t**2 (a Pow), which is not a variable",
                                "name the entry as a scalar symbol of its own)"]),
    "scalar_algorithmic_state": ("Algorithmic(t ** 2, t, sp.Symbol('eta', positive=True), t / 2, "
                                 "lambda s, s_next: (s_next, 0), step_rule=sp.Rational(1, 2))",
                                 ["Algorithmic state=t is a Symbol, not a MatrixSymbol",
                                  "write a scalar state as sp.MatrixSymbol('t', 1, 1) and read it with scalar(...) or "
                                  "[0, 0] in the cost and the update"]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_what_a_scalar_variable_cannot_take_is_refused_at_load(tmp_path, case):
    statement, fragments = BAD[case]
    path = tmp_path / f"bad_{case}.py"
    path.write_text(HEADER + f'bad = Claim(id="mine.scalar.bad", title="t", source="s",\n'
                             f'    statement={statement},\n    domain={DOMAIN}, sizes={{n: (1, 3)}})\n')
    result = CliRunner().invoke(app, ["run", "all", "--claims", str(path), "--reports", str(tmp_path / "reports")])
    assert result.exit_code == 2, result.output
    message = result.stderr.strip()
    assert message.startswith(f"{path}:7: claim 'mine.scalar.bad': "), message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert message.endswith(fragments[-1]), message
    assert not (tmp_path / "reports").exists()


def test_a_scalar_variable_loads_where_the_shapes_fit():
    with pytest.raises(ClaimDefinitionError):  # the control: the same claim with a 1 x 1 claimed side
        Claim(id="mine.scalar.control", title="t", source="s",
              statement=Gradient(t * scalar(xv.T * xv), t, claimed=xv.T * xv), domain={t: R(), xv: V()}, sizes=N13)
    Claim(id="mine.scalar.ok", title="t", source="s",
          statement=Gradient(t * scalar(xv.T * xv), t, claimed=scalar(xv.T * xv)), domain={t: R(), xv: V()}, sizes=N13)
    # the variable of a Minimiser is bound: it needs no domain
    Claim(id="mine.scalar.min", title="t", source="s", statement=Minimiser((w - b) ** 2, w, b), domain={b: R()})


# --- the command line: run writes the report, show shows it -----------------------------------------

USER_FILE = textwrap.dedent('''\
    import sympy as sp
    from verify import Claim, Gradient, Minimiser, domains, sigmoid

    t = sp.Symbol("t", real=True)
    w = sp.Symbol("w", real=True)
    a = sp.Symbol("a", positive=True)
    b = sp.Symbol("b", real=True)

    slope = Claim(id="mynotes.sigmoid.derivative", title="The derivative of the sigmoid", source="my notes, 1",
                  statement=Gradient(sigmoid(t), t, sigmoid(t) * (1 - sigmoid(t))), domain={t: domains.real()})
    slip = Claim(id="mynotes.sigmoid.slip", title="A slip: the factor 2 of the chain rule", source="my notes, 1",
                 statement=Gradient(sigmoid(2 * t), t, sigmoid(2 * t) * (1 - sigmoid(2 * t))),
                 domain={t: domains.real()}, expect="fails", correction="mynotes.sigmoid.derivative")
    lowest = Claim(id="mynotes.quadratic.minimiser", title="The minimiser of a 1-D quadratic", source="my notes, 2",
                   statement=Minimiser(a * w**2 - 2 * b * w, w, b / a),
                   domain={a: domains.positive(), b: domains.real()})
''')


def test_run_writes_reports_and_show_prints_them(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(USER_FILE)
    reports = tmp_path / "reports"
    cli = CliRunner()
    before = cli.invoke(app, ["show", "mynotes.sigmoid.derivative", "--claims", str(path), "--reports", str(reports)])
    assert before.exit_code == 0, before.output
    assert r"\frac{\partial}{\partial t}\left(\sigma\left(t\right)\right)" in before.output
    assert "No report yet" in before.output
    result = cli.invoke(app, ["run", "all", "--claims", str(path), "--reports", str(reports), "--instances", "8"])
    assert result.exit_code == 0, result.output
    verdicts = {c["id"]: c["verdict"] for c in json.loads((reports / "results.json").read_text())["claims"]}
    assert verdicts == {"mynotes.sigmoid.derivative": "proved", "mynotes.sigmoid.slip": "refuted",
                        "mynotes.quadratic.minimiser": "proved"}
    slip = (reports / "mynotes" / "mynotes.sigmoid.slip.md").read_text()
    assert "## Counterexample" in slip and "interval arithmetic at 60 digits" in slip
    shown = cli.invoke(app, ["show", "mynotes.quadratic.minimiser", "--claims", str(path), "--reports", str(reports)])
    assert shown.exit_code == 0, shown.output
    assert r"\frac{b}{a} \in \arg\min_{w}" in shown.output and "verdict: **proved**" in shown.output
    assert "stationarity and convexity: a global minimiser" in shown.output


def test_the_documented_example_runs_as_written(tmp_path):
    """The example of "Scalar variables" in docs/writing-claims.md, as a claim file with the imports
    of the document's first example, through the command line: both claims are proved."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "writing-claims.md").read_text()
    first = text.split("```python\n", 1)[1].split("```", 1)[0]
    imports = [line for line in first.splitlines() if line.startswith(("import ", "from "))]
    example = text.split("## Scalar variables", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "scalar_example.py"
    path.write_text("\n".join(imports) + "\n" + example)
    reports = tmp_path / "reports"
    result = CliRunner().invoke(app, ["run", "all", "--claims", str(path), "--reports", str(reports),
                                      "--instances", "8"])
    assert result.exit_code == 0, result.output
    verdicts = {c["id"]: c["verdict"] for c in json.loads((reports / "results.json").read_text())["claims"]}
    assert verdicts == {"mynotes.sigmoid.derivative": "proved", "mynotes.quadratic.minimiser_1d": "proved"}
