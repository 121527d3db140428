"""verify.texprint, verify.texnames and verify.texstatement: statements print as a person writes
them, and never as something other than what is checked.  Each convention is pinned by its exact
LaTeX, and each recovery (a transpose SymPy distributed, a squared norm, a function applied at
another point) by negative controls where it must not apply."""

import dataclasses
import re

import pytest
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from verify import (Algorithmic, Claim, ClaimDefinitionError, Grad, Gradient, Identity, Jacobian, Minimiser,
                    domains, scalar, sigmoid)
from verify.registry import builtin_modules, claims_in_module
from verify.texnames import canonical, symbol_tex
from verify.texprint import ClaimLatexPrinter, balanced, claim_latex, transpose_count
from verify.texstatement import statement_latex

n, m = sp.symbols("n m", integer=True, positive=True)
A, B, K, S, H = (sp.MatrixSymbol(s, n, n) for s in "ABKSH")
X = sp.MatrixSymbol("X", m, n)
Y = sp.MatrixSymbol("Y", m, 1)
theta = sp.MatrixSymbol("theta", n, 1)
x, y, u, z, v = (sp.MatrixSymbol(s, n, 1) for s in "xyuzv")
w = sp.MatrixSymbol("w", n, 1)
wstar = sp.MatrixSymbol("wstar", n, 1)
P = sp.MatrixSymbol("P", n, n)
lam = sp.Symbol("lam", positive=True)
alpha = sp.Symbol("alpha", positive=True)
L = claim_latex


# --- names ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, tex", [
    ("theta", r"\theta"), ("Lambda", r"\Lambda"), ("lam", r"\lambda"), ("lmbda", r"\lambda"),
    ("wstar", r"w^{*}"), ("w_hat", r"\hat{w}"), ("thetahat", r"\hat{\theta}"), ("e1", r"e_{1}"),
    ("theta_next", r"\theta_{next}"), ("x", "x"), ("star", "star"), ("hat", "hat"), ("w_star", r"w^{*}"),
    ("thetastar", r"\theta^{*}"), ("that", r"\hat{t}"), ("nohat", r"\hat{no}"), ("xbar", r"\bar{x}"), ("what2", r"\hat{w}_{2}"), ("wstar_1", r"w^{*}_{1}")])
def test_symbol_names(name, tex):
    assert symbol_tex(name) == tex


def test_names_map_symbols_by_symbol_or_name_and_sub_expressions_to_short_names():
    xk = sp.MatrixSymbol("xk", n, 1)
    assert L(A * xk, {"xk": r"x^{(k)}"}) == r"A x^{(k)}"
    assert L(A * xk, {xk: r"x^{(k)}"}) == r"A x^{(k)}"
    assert L(A * (x + y) + B, {x + y: "s"}) == r"A s + B"
    # a superscripted name is braced before a further superscript (valid LaTeX)
    assert L(wstar.T * x) == r"{w^{*}}^{\top} x"
    assert L(xk.T * x, {"xk": r"x^{(k)}"}) == r"{x^{(k)}}^{\top} x"


# --- transposes -------------------------------------------------------------------------------------


def test_transposes_print_with_top():
    assert L(A.T) == r"A^{\top}"
    assert L(A.T * B) == r"A^{\top} B"
    assert L(A.T.inv()) == r"A^{-\top}"
    assert L(A.T.inv() * B) == r"A^{-\top} B"
    assert L(A.inv()) == r"A^{-1}"


def test_a_transpose_sympy_distributed_is_recovered():
    r = Y - X * theta
    assert L(r.T) == r"\left(Y - X \theta\right)^{\top}"
    assert L((S + K - K.T).inv().T) == r"\left(K + S - K^{\top}\right)^{-\top}"
    assert L((A + B).T) == r"\left(A + B\right)^{\top}"
    # a run of transposed factors is one transposed product
    assert L(theta.T * X.T * Y) == r"\left(X \theta\right)^{\top} Y"
    assert L((w - wstar).T * H * (w - wstar)) == r"\left(w - w^{*}\right)^{\top} H \left(w - w^{*}\right)"


@pytest.mark.parametrize("expr, tex", [
    (A + B.T, r"A + B^{\top}"),                              # one transpose either way: left as stored
    (K - K.T, r"K - K^{\top}"),
    (S + K - K.T, r"K + S - K^{\top}"),                      # transposing would add one
    ((A + B.T).inv(), r"\left(A + B^{\top}\right)^{-1}"),
    (A.T * A, r"A^{\top} A"),
    (A * B * A.T, r"A B A^{\top}"),
    (A.T, r"A^{\top}"),                                      # a non-symmetric matrix keeps its transpose
    (x.T * A * x, r"x^{\top} A x"),
])
def test_transposes_that_must_stay(expr, tex):
    assert L(expr) == tex


def test_every_recovered_transpose_is_the_stored_expression():
    printer = ClaimLatexPrinter()
    exprs = [Y.T - theta.T * X.T, (S + K - K.T).T, A.T + B.T, A + B.T, K - K.T, x.T * A.T + y.T,
             (A * B + B.T).T, sp.HadamardProduct(x, y).T, x.applyfunc(sp.tanh).T]
    recovered = 0
    for e in exprs:
        flipped = printer._transposed(e)
        if flipped is None:
            continue
        recovered += 1
        assert transpose_count(flipped) < transpose_count(e)
        assert canonical(flipped.T) == canonical(e), e
    assert recovered >= 4
    # negative control: canonical tells apart what differs
    assert canonical((A + B).T) != canonical(A + B)
    assert canonical(x.applyfunc(sp.tanh)) == canonical(x.applyfunc(lambda s: sp.tanh(s)))


# --- norms, scalars and entries -----------------------------------------------------------------------


def test_squared_norms_and_one_norms():
    r = Y - X * theta
    assert L(scalar(theta.T * theta)) == r"\left\|\theta\right\|^{2}"
    assert L(scalar(r.T * r)) == r"\left\|Y - X \theta\right\|^{2}"
    assert L(lam * scalar(theta.T * theta)) == r"\lambda \left\|\theta\right\|^{2}"
    assert L(scalar(sp.OneMatrix(1, n) * w.applyfunc(sp.Abs))) == r"\left\|w\right\|_{1}"


@pytest.mark.parametrize("expr, tex", [
    (scalar(x.T * A * x), r"x^{\top} A x"),                  # a quadratic form is not a norm
    (scalar(x.T * y), r"x^{\top} y"),                        # two different vectors
    (x * x.T, r"x x^{\top}"),                                # an outer product
    (scalar(sp.OneMatrix(1, n) * w), r"\mathbf{1}^{\top} w"),  # a sum of entries, not |w|_1
    (scalar(sp.OneMatrix(1, n) * w.applyfunc(sp.exp)), r"\mathbf{1}^{\top} \exp\left(w\right)"),
])
def test_products_that_are_not_norms(expr, tex):
    assert L(expr) == tex


def test_scalar_of_a_product_is_the_product_and_entries_are_indexed_from_one():
    assert L(scalar(x.T * A * x)) == r"x^{\top} A x"
    assert L(P[0, 1]) == r"P_{1,2}"
    assert L(w[2, 0]) == r"w_{3}"
    assert L(wstar[0, 0]) == r"w^{*}_{1}"
    assert L(MatrixElement(A * B, 0, 1)) == r"\left(A B\right)_{1,2}"
    assert "_{0,0}" not in L(scalar(theta.T * theta) + scalar(x.T * A * x))
    # a scalar(...) of a sum keeps its brackets in a product
    assert L(lam * scalar(x.T * y + y.T * x)) == r"\lambda \left(x^{\top} y + y^{\top} x\right)"


# --- entrywise functions and special matrices ---------------------------------------------------------


@pytest.mark.parametrize("fn, tex", [
    (sp.exp, r"\exp\left(z\right)"), (sp.log, r"\log\left(z\right)"), (sp.tanh, r"\tanh\left(z\right)"),
    (sigmoid, r"\sigma\left(z\right)"), (sp.sign, r"\mathop{\mathrm{sign}}\left(z\right)"),
    (sp.Abs, r"\left|z\right|"), (lambda t: sp.Max(t, 0), r"\max\left(0, z\right)"),
    (lambda t: sp.log(sigmoid(t)), r"\log\left(\sigma\left(z\right)\right)")])
def test_named_functions_apply_entrywise(fn, tex):
    assert L(z.applyfunc(fn)) == tex


def test_a_general_lambda_is_named_and_defined_on_a_where_line():
    st = Identity(z.applyfunc(lambda t: t**2 + 1), z)
    out = statement_latex(st)
    assert out.display == r"f\left(z\right) = z"
    assert out.where == (r"f\left(t\right) = t^{2} + 1",) and out.entrywise
    assert r"\mapsto" not in out.display


def test_special_matrices_and_operators():
    assert L(sp.HadamardProduct(x, y)) == r"x \odot y"
    assert L(sp.DiagMatrix(v)) == r"\mathop{\mathrm{diag}}\left(v\right)"
    assert L(sp.Determinant(A)) == r"\det\left(A\right)"
    assert L(sp.Trace(A)) == r"\mathop{\mathrm{tr}}\left(A\right)"
    assert L(A + lam * sp.Identity(n)) == r"A + \lambda I"
    assert L(sp.ZeroMatrix(n, 1)) == "0"
    assert L(sp.OneMatrix(n, 1) - y) == r"\mathbf{1} - y"
    assert L(sp.OneMatrix(1, n) * y) == r"\mathbf{1}^{\top} y"


# --- sums and coefficients ------------------------------------------------------------------------------


def test_sum_order_positive_first_identity_and_weighted_terms_last():
    assert L(X.T * X + lam * sp.Identity(n)) == r"X^{\top} X + \lambda I"
    assert L(lam * sp.Identity(n) + X.T * X) == r"X^{\top} X + \lambda I"
    assert L(Y - X * theta) == r"Y - X \theta"
    assert L(-y + sp.OneMatrix(n, 1)) == r"\mathbf{1} - y"
    r = Y - X * theta
    ridge = scalar(r.T * r) + lam * scalar(theta.T * theta)
    assert L(ridge) == r"\left\|Y - X \theta\right\|^{2} + \lambda \left\|\theta\right\|^{2}"
    assert L(alpha / 2 * scalar(w.T * w)) == r"\frac{\alpha}{2} \left\|w\right\|^{2}"


def test_no_unit_factors_and_one_sign_for_a_product():
    assert L(sp.MatMul(-1, -1, -1, A, evaluate=False)) == r"- A"
    assert L(sp.MatMul(1, A, x, evaluate=False)) == r"A x"
    ones = sp.OneMatrix(1, n)
    assert L(scalar(ones * (-x - y))) == r"- \mathbf{1}^{\top} \left(x + y\right)"


# --- derivatives, long operands and applications --------------------------------------------------------


def test_derivative_notation():
    p = sp.MatrixSymbol("p", n, 1)
    assert L(Grad(scalar(x.T * A * x), x)) == r"\nabla_{x} \left(x^{\top} A x\right)"
    assert L(Grad(scalar(x.T * A * x), x, at=p)) == r"\nabla_{x} \left(x^{\top} A x\right) \big|_{x = p}"
    assert L(Jacobian(x.applyfunc(sp.tanh), x)) == r"\frac{\partial \tanh\left(x\right)}{\partial x}"
    assert L(Jacobian(Grad(scalar(x.T * A * x), x), x)) == r"\nabla^{2}_{x} \left(x^{\top} A x\right)"


def _long_loss(arg):
    h = (A * arg + y).applyfunc(sp.tanh)
    return scalar(sp.OneMatrix(1, n) * sp.HadamardProduct(h, (B * h + u).applyfunc(sp.log)).applyfunc(sigmoid))


def test_a_long_function_is_named_and_applications_of_it_are_recognised():
    W = sp.MatrixSymbol("W", n, n)
    b = sp.MatrixSymbol("b", n, 1)
    pre = W.T * x + b
    st = Gradient(f=_long_loss(pre), wrt=W, claimed=x * Grad(_long_loss(z), z, at=pre).T)
    out = statement_latex(st)
    assert out.display == (r"\nabla_{W} J\left(W^{\top} x + b\right) = x \left(\nabla_{z} J\left(z\right) "
                           r"\big|_{z = W^{\top} x + b}\right)^{\top}")
    assert len(out.where) == 1 and out.where[0].startswith(r"J\left(z\right) = \mathbf{1}^{\top} \sigma\left(")
    # negative control: a function that differs from J at the point is not printed as J(...)
    other = _long_loss(pre) + scalar(x.T * x)
    out = statement_latex(Gradient(f=other, wrt=W, claimed=x * Grad(_long_loss(z), z, at=pre).T))
    assert not out.display.startswith(r"\nabla_{W} J\left(W^{\top} x + b\right)")
    assert r"J\left(W^{\top} x + b\right) + \left\|x\right\|^{2}" not in out.display


def test_a_named_function_at_another_point_of_the_same_shape():
    g = Grad(scalar(theta.T * A * theta) / 2 - scalar(x.T * theta), theta)
    eta = sp.MatrixSymbol("eta", 1, 1)
    cost = lambda th: scalar(th.T * A * th) / 2 - scalar(x.T * th)  # noqa: E731
    st = Minimiser(f=cost(theta - scalar(eta) * g), wrt=eta,
                   point=sp.ImmutableMatrix([[scalar(g.T * g) / scalar(g.T * A * g)]]))
    out = statement_latex(st, {g: "g", cost(theta): "C"})
    assert out.display == r"\frac{\left\|g\right\|^{2}}{g^{\top} A g} \in \arg\min_{\eta} \; C\left(\theta - \eta g\right)"
    assert out.where == (r"g = \nabla_{\theta} C\left(\theta\right)",
                         r"C\left(\theta\right) = \frac{1}{2} \theta^{\top} A \theta - x^{\top} \theta")


def test_an_update_rule_names_its_cost():
    cost = scalar(theta.T * A * theta) / 2

    def conclusion(th, nxt):
        return scalar(Grad(cost, theta, at=nxt).T * Grad(cost, theta, at=th)), 0

    eta = sp.Symbol("eta", positive=True)
    out = statement_latex(Algorithmic(cost, theta, eta, theta - eta * Grad(cost, theta), conclusion))
    assert out.display == (r"\theta_{next} = \theta - \eta \nabla_{\theta} C\left(\theta\right), \quad \eta = "
                           r"\arg\min_{\eta \ge 0} C\left(\theta_{next}\right) \;\Rightarrow\; \left(\nabla_{\theta} "
                           r"C\left(\theta\right) \big|_{\theta = \theta_{next}}\right)^{\top} \nabla_{\theta} "
                           r"C\left(\theta\right) = 0")
    assert out.where == (r"C\left(\theta\right) = \frac{1}{2} \theta^{\top} A \theta",)


# --- tex_names on a claim ---------------------------------------------------------------------------------


def make(**overrides):
    kw = dict(id="test.texprint.ok", title="t", source="tests", statement=Identity(A * x, A * x),
              domain={A: domains.general(), x: domains.vector()}, sizes={n: (1, 3)})
    kw.update(overrides)
    return Claim(**kw)


SITE = r"tests/test_texprint\.py:\d+: claim 'test\.texprint\.ok': "


@pytest.mark.parametrize("names, message", [
    (["x"], r"tex_names=\['x'\] is a list; give a dict"),
    ({"x": 3}, r"tex_names\['x'\] = 3; give the LaTeX to print"),
    ({"x": ""}, r"tex_names\['x'\] = ''; give the LaTeX to print"),
    ({"x": "x^{(k"}, r"tex_names\['x'\] = 'x\^\{\(k' is not a LaTeX formula a report can show \(unbalanced braces"),
    ({"x": "$x$"}, r"tex_names\['x'\] = '\$x\$' is not a LaTeX formula a report can show .*without dollar signs"),
    ({3: "x"}, r"tex_names key 3 is a int; key each entry by a symbol"),
    (lambda sizes: ["x"], r"tex_names\(sizes\) returned a list; return a dict"),
    (lambda sizes: {"x": "}{"}, r"tex_names\['x'\] = '\}\{' is not a LaTeX formula"),
    (lambda sizes: 1 / 0, r"tex_names\(sizes\) raised ZeroDivisionError at sizes \{'n': 1\}"),
])
def test_tex_names_are_validated_at_load(names, message):
    with pytest.raises(ClaimDefinitionError, match=SITE + message):
        make(tex_names=names)


def test_tex_names_reach_the_report_and_the_statement_cache_key():
    from verify.cache import claim_fingerprint, statement_key
    from verify.report import statement_tex

    plain = make(statement=Identity(A * x, x))
    named = dataclasses.replace(plain, tex_names={"x": r"x^{(k)}"})
    built = make(statement=lambda sizes: Identity(A * x, x), tex_names=lambda sizes: {"x": r"x_{%d}" % sizes["n"]})
    assert statement_tex(plain).display == "A x = x"
    assert statement_tex(named).display == r"A x^{(k)} = x^{(k)}"
    assert statement_tex(built).display == r"A x_{2} = x_{2}"
    assert claim_fingerprint(plain) == claim_fingerprint(named)  # results are not recomputed for a new name
    assert statement_key(plain) != statement_key(named)          # but the printed statement is


def test_the_report_shows_where_lines_and_the_entrywise_convention():
    from verify.report import claim_markdown
    from verify.runner import ClaimResult, NumericResult, SymbolicResult

    c = make(statement=Gradient(f=_long_loss(x), wrt=x, claimed=Grad(_long_loss(x), x)),
             domain={A: domains.general(), B: domains.general(), x: domains.vector(), y: domains.vector(),
                     u: domains.vector()})
    numeric = NumericResult("passed", instances=4, sizes=({"n": 2},), tolerance="t")
    text = claim_markdown(ClaimResult(c, "verified", "r", SymbolicResult("undecided", reason="r"), numeric,
                                      seed=0, instances=4))
    lines = text.splitlines()
    start = lines.index("## Statement")
    assert lines[start + 2:start + 5] == ["$$", r"\nabla_{x} J\left(x\right) = \nabla_{x} J\left(x\right)", "$$"]
    assert lines[start + 6:start + 9] == ["where", "", "$$"] and lines[start + 9].startswith(r"J\left(x\right) = ")
    assert any(line.startswith("- Functions of vectors and matrices") and r"$\odot$ is the entrywise product" in line
               for line in lines)
    plain = claim_markdown(ClaimResult(make(), "verified", "r", SymbolicResult("undecided", reason="r"), numeric,
                                       seed=0, instances=4))
    assert "where" not in plain.splitlines() and "Functions of vectors" not in plain


# --- formulas are never cut ---------------------------------------------------------------------------------


def test_long_values_and_residuals_are_never_cut():
    from verify.exact import _tex
    from verify.numeric import _shown

    big = sp.Matrix(8, 3, lambda i, j: sp.Rational(123456789 * (i + 1), 987654321 + j) * sp.Symbol("q") ** (i + j))
    shown = _tex(big, 300)
    assert balanced(shown) and shown.endswith(r"\text{ (2 of 8 rows shown)}") and r"\vdots" in shown
    long_sum = sp.Add(*[sp.Symbol(f"q{i}") ** i for i in range(300)])
    assert _tex(long_sum, 300) == r"\text{(a formula of %d characters of LaTeX: too long to show)}" % len(L(long_sum))
    text = _shown(long_sum)
    assert re.fullmatch(r"`.* \+ \.\.\.` \(\d+ more terms; \d+ characters in all\)", text)
    kept = text.split(" + ...` (")[0].strip("`").split(" + ")
    assert all(re.fullmatch(r"q\d+(\*\*\d+)?|1", t) for t in kept)  # whole terms only
    assert _shown(sp.exp(long_sum)).startswith("(an expression of ")


# --- the built-in claims -------------------------------------------------------------------------------------


BUILTIN = [c for module in builtin_modules() for c in claims_in_module(module)]


@pytest.fixture(scope="module")
def printed():
    from verify.report import statement_tex

    return {c.id: statement_tex(c) for c in BUILTIN}


def test_no_builtin_statement_shows_sympy_artefacts(printed):
    for cid, out in printed.items():
        for text in (out.display, *out.where):
            for bad in (r"\mathbb{I}", r"\mapsto", "_{0,0}", r"\operatorname", r"\left|{", "^{T}",
                        "too long to show", r"\circ"):
                assert bad not in text, (cid, bad, text[:300])
            # \log{\left(x \right)}; not \frac{\left(a\right) b}{c} or \sqrt{\left(a\right) b}: a numerator or radicand opening with a parenthesis
            assert not re.search(r"\\(?!frac\{|sqrt\{)[a-z]+\{\\left\(", text), (cid, text[:300])
            assert balanced(text), cid
        assert len(out.display) <= 4000, (cid, len(out.display))
        assert all(len(wl) <= 2600 for wl in out.where), cid


HEADLINES = {
    "regularization.ridge.closed_form":
        (r"\left(X^{\top} X + \lambda I\right)^{-1} X^{\top} Y \in \arg\min_{\theta} \; \left\|Y - X \theta\right\|^{2} "
         r"+ \lambda \left\|\theta\right\|^{2}", ()),
    "regularization.l1.soft_threshold":
        (r"\mathop{\mathrm{sign}}\left(w^{*}\right) \odot \max\left(0, \left|w^{*}\right| - \alpha H^{-1} \mathbf{1}\right) "
         r"\in \arg\min_{w} \; \frac{1}{2} \left(w - w^{*}\right)^{\top} H \left(w - w^{*}\right) + \alpha "
         r"\left\|w\right\|_{1}", ()),
    "optimization.steepest_descent.orthogonality":
        (r"\theta_{next} = \theta - \eta \nabla_{\theta} C\left(\theta\right), \quad \eta = \arg\min_{\eta \ge 0} "
         r"C\left(\theta_{next}\right) \;\Rightarrow\; \left(\nabla_{\theta} C\left(\theta\right) \big|_{\theta = "
         r"\theta_{next}}\right)^{\top} \nabla_{\theta} C\left(\theta\right) = 0",
         (r"C\left(\theta\right) = c \log\left(\mathbf{1}^{\top} \exp\left(\theta + u\right)\right) + \frac{1}{2} "
          r"\theta^{\top} A \theta - b^{\top} \theta",)),
    "nn.backprop.weight_gradient_outer":
        (r"\nabla_{W} J\left(W^{\top} x + b\right) = x \left(\nabla_{z} J\left(z\right) \big|_{z = W^{\top} x + "
         r"b}\right)^{\top}",
         (r"J\left(z\right) = - \mathbf{1}^{\top} \left(\left(\mathbf{1} - y\right) \odot \log\left(\mathbf{1} - "
          r"\sigma\left(U^{\top} \tanh\left(V^{\top} \tanh\left(z\right) + c\right) + e\right)\right) + y \odot "
          r"\log\left(\sigma\left(U^{\top} \tanh\left(V^{\top} \tanh\left(z\right) + c\right) + e\right)\right)\right)",)),
}


@pytest.mark.parametrize("cid", sorted(HEADLINES))
def test_headline_statements(printed, cid):
    display, where = HEADLINES[cid]
    assert printed[cid].display == display
    assert printed[cid].where == where


def test_headline_builders_read_with_their_names(printed):
    bayes = printed["probability.bayes.rule"]
    # posterior = likelihood * prior / evidence, each named and defined from the table on a where line
    assert bayes.display.startswith(r"\left[\begin{matrix}\Pr(A = 1 \mid B = 1) & \Pr(A = 1 \mid B = 2)")
    assert r"= \left[\begin{matrix}\frac{\Pr(B = 1 \mid A = 1) \Pr(A = 1)}{\Pr(B = 1)} & " in bayes.display
    assert r"\Pr(A = 1 \mid B = 1) = \frac{P_{1,1}}{\Pr(B = 1)}" in bayes.where
    assert r"\Pr(B = 1 \mid A = 1) = \frac{P_{1,1}}{\Pr(A = 1)}" in bayes.where
    assert r"\Pr(A = 1) = P_{1,1} + P_{1,2}" in bayes.where and r"\Pr(B = 2) = P_{1,2} + P_{2,2}" in bayes.where
    trick = printed["rl.pg.log_derivative_trick"]
    steps = trick.display.split(r" \\ &= ")
    # every sum over the 16 trajectories prints as one sum over tau of its term at a generic trajectory
    assert steps == [r"\begin{aligned} &\nabla_{\theta} \sum_{\tau} R(\tau) p(\tau)",
                     r"\sum_{\tau} R(\tau) \nabla_{\theta} p(\tau)",
                     r"\sum_{\tau} R(\tau) \, \nabla_{\theta} p(\tau) \, \frac{1}{p(\tau)} \, p(\tau)",
                     r"\sum_{\tau} R(\tau) p(\tau) \nabla_{\theta} \log p(\tau) \end{aligned}"]
    assert trick.where[0].startswith(r"\tau = (s_0, a_0, s_1, a_1) \text{ for all states ")
    assert trick.where[0].endswith(r"\text{: 16 trajectories}")
    assert r"R(\tau) = r_{s_{0},a_{0}} + r_{s_{1},a_{1}}" in trick.where
    assert (r"\pi(a_0 \mid s_0) = \frac{e^{\theta_{s_{0},a_{0}}}}{e^{\theta_{s_{0},1}} + e^{\theta_{s_{0},2}}}"
            in trick.where)
    # labels count from 1 like every printed index: row 2 (s_0 - 1) + a_0 of P
    assert r"P(s_1 \mid s_0, a_0) = P_{a_{0} + 2 s_{0} - 2,s_{1}}" in trick.where
    assert len(trick.display) + sum(map(len, trick.where)) < 1000
    assert printed["rl.pg.baseline_unbiased"].display == (
        r"\pi_{1} \, b \nabla_{\theta} \log\left(\pi_{1}\right) + \pi_{2} \, b \nabla_{\theta} \log\left(\pi_{2}\right) "
        r"+ \pi_{3} \, b \nabla_{\theta} \log\left(\pi_{3}\right) = 0")
    for cid in ("nn.backprop.da_prev", "nn.backprop.dw", "nn.backprop.db", "nn.backprop.input_gradient",
                "nn.backprop.bias_gradient", "nn.backprop.output_delta"):
        assert r"\nabla" in printed[cid].display and len(printed[cid].display) < 200, cid


def test_a_product_built_unevaluated_is_not_printed_under_the_name_of_its_cancelled_form():
    # (a / s) * s / t built unevaluated must print as written: naming a / t must not capture it,
    # or the report would show the posterior where the check compares likelihood * prior / evidence.
    # Entries of a matrix symbol are new (equal, not identical) objects on every call, as in a builder.
    P = sp.MatrixSymbol("P", 2, 2)
    row = lambda: P[0, 0] + P[0, 1]  # noqa: E731
    col = lambda: P[0, 0] + P[1, 0]  # noqa: E731
    product = sp.Mul(P[0, 0] / row(), row(), 1 / col(), evaluate=False)
    names = {P[0, 0] / col(): "Q", P[0, 0] / row(): "R", row(): "S", col(): "T"}
    printed = claim_latex(product, names)
    assert "Q" not in printed and "R" in printed, printed
    assert claim_latex(P[0, 0] / col(), names) == "Q"  # the control: the cancelled form itself is named


# --- sums over a family (SumOver) -------------------------------------------------------------------------

c_vec = sp.MatrixSymbol("c", 3, 1)
k_label = sp.Symbol("k", integer=True, positive=True)


def _family(members=(0, 1, 2), template=lambda k: c_vec[k, 0] ** 2):
    from verify import SumOver

    return SumOver("k", template, tuple(members), k_label - 1, r"1, \dots, 3")


def _sum_claim(family, key=None, rhs=None, total=None):
    total = family.expr() if total is None else total
    return Claim(id="test.texprint.sum", title="t", source="tests",
                 statement=Identity(total, rhs if rhs is not None else scalar(c_vec.T * c_vec)),
                 domain={c_vec: domains.vector()}, tex_names={key if key is not None else total: family})


def test_a_sum_over_a_family_prints_as_one_generic_term():
    from verify.report import statement_tex

    tex = statement_tex(_sum_claim(_family()))
    assert tex.display == r"\sum_{k} c_{k}^{2} = \left\|c\right\|^{2}"
    assert tex.where == (r"k = 1, \dots, 3",)


@pytest.mark.parametrize("family, key, message", [
    # a member left out: the printed sum would claim one more term than is checked
    (_family(), _family(members=(0, 1)).expr(), r"the sum's terms are not the SumOver template at its 3 members"),
    # another template over the same members
    (_family(template=lambda k: 2 * c_vec[k, 0] ** 2), _family().expr(), r"not the SumOver template"),
    # not a sum at all
    (_family(), c_vec[0, 0], r"is a SumOver, but its key is not a sum"),
])
def test_a_sum_over_that_does_not_match_its_sum_is_refused_at_load(family, key, message):
    with pytest.raises(ClaimDefinitionError, match=r"claim 'test\.texprint\.sum': tex_names\[.*" + message):
        _sum_claim(family, key=key)


def test_the_terms_of_a_family_may_come_in_any_order():
    from verify.report import statement_tex

    family = _family()
    reordered = sp.Add(*reversed(family.terms()), evaluate=False)
    assert family.matches(reordered)
    assert statement_tex(_sum_claim(family, key=reordered, total=reordered)).display.startswith(r"\sum_{k} c_{k}^{2} =")
    # only the sum as built prints so: the same terms reached another way (SymPy's own order) print as they are
    assert statement_tex(_sum_claim(family, key=reordered)).display.startswith("c_{1}^{2} + ")


def test_an_unevaluated_sum_prints_in_the_order_written():
    k_mat, s_mat = sp.MatrixSymbol("K", 3, 3), sp.MatrixSymbol("S", 3, 3)
    # SymPy sorts an evaluated sum (the documented reason to build it unevaluated) ...
    assert L(s_mat + k_mat - k_mat.T) == r"K + S - K^{\top}"
    # ... and the printer keeps the order of an unevaluated one, inverse included
    written = sp.MatAdd(s_mat, k_mat, -k_mat.T, evaluate=False)
    assert L(written) == r"S + K - K^{\top}"
    assert L(sp.Inverse(written)) == r"\left(S + K - K^{\top}\right)^{-1}"
    a, b = sp.symbols("a b")
    assert L(a + b) == L(b + a) == "a + b"
    assert L(sp.Add(b, a, evaluate=False)) == "b + a"
    assert L(sp.Add(b, 2 * a**2, -a, evaluate=False)) == r"b + 2 a^{2} - a"


# --- sums over an index, norms and grouped products (the linear-algebra claims) ---------------------------

i_ = sp.Symbol("i", integer=True)


def test_a_sum_over_entries_is_counted_from_one_like_the_entries():
    # the same sum, re-indexed: bounds and indices shift together
    assert L(sp.Sum(x[i_, 0] * y[i_, 0], (i_, 0, n - 1))) == r"\sum_{i=1}^{n} x_{i} y_{i}"
    assert L(sp.Sum(P[i_, i_ + 1], (i_, 0, n - 2))) == r"\sum_{i=1}^{n - 1} P_{i,i + 1}"
    # negative controls: an index that is also a number in the term keeps its own count
    assert L(sp.Sum(i_ * x[i_, 0], (i_, 0, n - 1))) == r"\sum_{i=0}^{n - 1} i x_{i + 1}"
    assert L(sp.Sum(x[2 * i_, 0], (i_, 0, 1))) == r"\sum_{i=0}^{1} x_{2 i + 1}"


def test_the_shifted_sum_is_the_stored_sum():
    printer = ClaimLatexPrinter()
    s = sp.Sum(x[i_, 0] ** 2 + P[i_, 0], (i_, 0, n - 1))
    assert printer._entry_indices_only(s.function, i_)
    shifted = sp.Sum(s.function.xreplace({i_: i_ - 1}), (i_, 1, n))
    at = {n: 3}
    assert sp.expand(s.subs(at).doit() - shifted.subs(at).doit()) == 0
    assert not printer._entry_indices_only(i_ * x[i_, 0], i_)


def test_a_sum_sympy_forms_for_an_entry_of_a_product_prints_as_the_product():
    # SymPy stores (x^T x)[0, 0] built by an operation as the sum of x_i^2 over an index of its own
    built = (x.T * x)[0, 0]
    assert isinstance(built, sp.Sum)
    assert L(built) == r"\left\|x\right\|^{2}"
    assert L(sp.sqrt(built)) == r"\left\|x\right\|"
    assert L(1 / sp.sqrt(built)) == r"\frac{1}{\left\|x\right\|}"
    assert L((x.T * y)[0, 0]) == r"x^{\top} y"
    assert L(sp.Sum((Y[i_, 0] - (X * theta)[i_, 0]) ** 2, (i_, 0, m - 1))) == \
        r"\sum_{i=1}^{m} \left(Y_{i} - \left(X \theta\right)_{i}\right)^{2}"
    # the root of a squared norm stored as a product
    assert L(sp.sqrt(scalar(theta.T * theta))) == r"\left\|\theta\right\|"


def test_sums_that_are_not_an_entry_of_a_product():
    d = sp.Dummy("i_1", integer=True)
    # one term short of x^T x: SymPy's entry of the product differs, so it stays a sum (its index renamed)
    assert L(sp.Sum(x[d, 0] ** 2, (d, 0, n - 2))) == r"\sum_{i=1}^{n - 1} x_{i}^{2}"
    # a sum the claim writes over its own index is what the notes write: shown as a sum
    assert L(sp.Sum(x[i_, 0] ** 2, (i_, 0, n - 1))) == r"\sum_{i=1}^{n} x_{i}^{2}"
    # a renamed index avoids the letters the term uses
    i_sym = sp.Symbol("i", integer=True)
    assert L(sp.Sum(x[d, 0] * i_sym, (d, 0, n - 1))) == r"\sum_{j=1}^{n} i x_{j}"
    # the square root of a product that is not a squared norm stays a root
    assert L(sp.sqrt(scalar(x.T * y))) == r"\sqrt{x^{\top} y}"


def test_the_squared_norm_of_a_product():
    assert L(scalar(x.T * A.T * A * x)) == r"\left\|A x\right\|^{2}"
    assert L(scalar(x.T * A.T * B * x)) == r"\left(A x\right)^{\top} B x"  # two different vectors
    assert L(scalar(y.T * A.T * A * x)) == r"\left(A y\right)^{\top} A x"  # (A y)^T (A x): no norm


def test_a_vector_over_a_scalar_and_grouped_products():
    c = sp.Symbol("c", real=True)
    norm_x = sp.sqrt(scalar(x.T * x))
    assert L(x / norm_x) == r"\frac{x}{\left\|x\right\|}"
    assert L(x / lam) == r"\frac{x}{\lambda}"
    assert L(A * x / lam) == r"\frac{1}{\lambda} A x"  # a product keeps its coefficient in front
    # a product inside a product exists only when built unevaluated: it prints as grouped
    assert L(sp.MatMul(A, sp.MatMul(c, x, evaluate=False), evaluate=False)) == r"A \left(c x\right)"
    assert L(sp.MatMul(c, sp.MatMul(A, x, evaluate=False), evaluate=False)) == r"c \left(A x\right)"
    assert L(c * A * x) == r"c A x"
    # a scalar coefficient that is itself a product of matrices is bracketed; a squared norm is not
    assert L(sp.MatMul(scalar(x.T * y), x, evaluate=False)) == r"\left(x^{\top} y\right) x"
    assert L(sp.MatMul(scalar(y.T * y), x, evaluate=False)) == r"\left\|y\right\|^{2} x"


def test_eigen_nodes_take_a_transpose_without_brackets():
    from verify import eigvals, eigvecs

    Q = eigvecs(H)
    assert L(Q * eigvals(H) * Q.T) == r"Q_{H} \Lambda_{H} Q_{H}^{\top}"


def test_an_entry_of_a_column_expression_has_one_index():
    assert L(MatrixElement(X * theta, 1, 0)) == r"\left(X \theta\right)_{2}"
    assert L(MatrixElement(A * B, 0, 1)) == r"\left(A B\right)_{1,2}"


LINEAR_ALGEBRA = {
    "linear_algebra.dot.sum_of_products":
        (r"\begin{aligned} &v_{1}^{\top} v_{2} \\ &= \sum_{i=1}^{n} {v_{1}}_{i} {v_{2}}_{i} \\ &= v_{2}^{\top} v_{1} "
         r"\end{aligned}", ()),
    "linear_algebra.unit_vector.norm_one.norm": (r"\left\|u\right\| = 1", (r"u = \frac{x}{\left\|x\right\|}",)),
    "linear_algebra.projection.scalar_projection.residual_orthogonal":
        (r"\left(v_{1} - \left(v_{1}^{\top} u_{2}\right) u_{2}\right)^{\top} v_{2} = 0",
         (r"u_{2} = \frac{v_{2}}{\left\|v_{2}\right\|}",)),
    "linear_algebra.eigen.definition_direction.stretch":
        (r"\frac{\left\|A x\right\|}{\left\|x\right\|} = \left|\lambda\right|",
         (r"A = \frac{1}{\left\|x\right\|^{2}} \left(\lambda x - M x\right) x^{\top} + M",)),
    "linear_algebra.spectral.symmetric_orthonormal.decomposition": (r"H = Q_{H} \Lambda_{H} Q_{H}^{\top}", ()),
    "linear_algebra.norm.least_squares_cost_is_norm.corrected":
        (r"J(\theta) = \left\|y - X \theta\right\|^{2}",
         (r"J(\theta) = \sum_{i=1}^{m} \left(y_{i} - \left(X \theta\right)_{i}\right)^{2}",)),
}


@pytest.mark.parametrize("cid", sorted(LINEAR_ALGEBRA))
def test_linear_algebra_statements_read_as_written(printed, cid):
    display, where = LINEAR_ALGEBRA[cid]
    assert (printed[cid].display, printed[cid].where) == (display, where)


def test_no_linear_algebra_statement_is_a_packed_vector_or_a_shifted_sum(printed):
    for cid, out in printed.items():
        if not cid.startswith("linear_algebra."):
            continue
        for text in (out.display, *out.where):
            assert r"\sum_{i=0}" not in text and not re.search(r"_\{[^{}]*\+ 1\}", text) and "i_{1}" not in text, (cid, text)
            assert r"\sqrt{\left\|" not in text, (cid, text)
        # a check vector of several facts compared with a vector of constants reads as noise: one claim per fact
        assert not re.search(r"\\end\{matrix\}\\right\] = \\left\[\\begin\{matrix\}(?:[0-9 -]|\\frac\{[0-9])",
                             out.display), cid
