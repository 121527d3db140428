"""Claim validation: every malformed definition fails at construction with a message that names
the claim, the problem and the fix."""

import re

import pytest
import sympy as sp

from verify import (Algorithmic, Claim, ClaimDefinitionError, Grad, Gradient, Identity, Jacobian, Minimiser, Property,
                    Shape, domains, scalar)
from verify._errors import ClaimDefinitionWarning
from verify.runner import check_claim

n = sp.Symbol("n", integer=True, positive=True)
A = sp.MatrixSymbol("A", n, n)
x = sp.MatrixSymbol("x", n, 1)
t = sp.Symbol("t", real=True)


def make(**overrides):
    kw = dict(id="test.claim.ok", title="t", source="tests", statement=Identity(A * x, A * x),
              domain={A: domains.general(), x: domains.vector()}, sizes={n: (1, 3)})
    kw.update(overrides)
    return Claim(**kw)


def test_valid_claim_records_its_definition_site():
    c = make()
    assert c.defined_at.endswith(f"test_claim.py:{make.__code__.co_firstlineno + 4}")
    assert c.kind == "identity" and c.topic == "test"


def _part(name):  # a private builder of similar claims, as claim files write them
    return Claim(id=f"test.claim.{name}", title="t", source="tests", statement=Identity(A * x, A * x),
                 domain={A: domains.general(), x: domains.vector()}, sizes={n: (1, 3)})


def test_a_claim_built_by_a_private_helper_names_its_own_call():
    import inspect
    first = _part("first"); line = inspect.currentframe().f_lineno  # noqa: E702
    second = _part("second")
    assert first.defined_at.endswith(f"test_claim.py:{line}") and second.defined_at.endswith(f":{line + 1}")


@pytest.mark.parametrize("bad_id", ["Topic.x", "nodots", "a..b", "../escape.x", "a/b.c", "a.b c", "a.b\n"])
def test_ids_must_be_slugs(bad_id):
    with pytest.raises(ClaimDefinitionError, match=r"dotted lower-case slug .*must match \^\[a-z\].*; use e\.g\. '"):
        make(id=bad_id)


def test_id_limits_beyond_the_pattern():
    with pytest.raises(ClaimDefinitionError, match=r"the topic 'con' is a reserved device name on Windows"):
        make(id="con.x")
    with pytest.raises(ClaimDefinitionError, match=r"the id is 202 characters long; shorten it to at most 120"):
        make(id="a." + "b" * 200)


def test_undeclared_symbol_is_named_with_the_fix():
    with pytest.raises(ClaimDefinitionError) as err:
        make(domain={A: domains.general()})
    msg = str(err.value)
    assert "'test.claim.ok'" in msg and "symbol 'x'" in msg and msg.endswith("add 'x': domains.vector() (or another "
                                                                             "domain) to domain=")
    assert re.match(r"tests/test_claim\.py:\d+: claim 'test\.claim\.ok': ", msg)


def test_undeclared_symbol_names_a_misspelt_key():
    with pytest.raises(ClaimDefinitionError, match=r"symbol 'x' .* \(domain= has 'xs', which the statement does not use"):
        make(domain={A: domains.general(), "xs": domains.vector()})


def test_unused_domain_key_warns():
    B = sp.MatrixSymbol("B", n, n)
    with pytest.warns(ClaimDefinitionWarning, match=r"claim 'test.claim.ok': domain= declares 'B', which the statement "
                                                    r"does not use"):
        make(domain={A: domains.general(), x: domains.vector(), B: domains.spd()})


def test_minimiser_variable_may_have_a_domain_without_warning(recwarn):
    w = sp.MatrixSymbol("w", n, 1)
    make(statement=Minimiser(f=(w - x).T * (w - x), wrt=w, point=x), domain={x: domains.vector(), w: domains.vector()})
    assert not [r for r in recwarn if issubclass(r.category, ClaimDefinitionWarning)]


def test_unknown_domain():
    with pytest.raises(ClaimDefinitionError, match=r"the domain of 'A' is the string 'spd', not a domain; use domains.spd\(\)$"):
        make(domain={A: "spd", x: domains.vector()})
    with pytest.raises(ClaimDefinitionError, match=r"the function domains.spd, not a domain; call it: domains.spd\(\)$"):
        make(domain={A: domains.spd, x: domains.vector()})
    with pytest.raises(ClaimDefinitionError, match=r"'A' is 3, which is not a domain; use one from verify.domains"):
        make(domain={A: 3, x: domains.vector()})
    with pytest.raises(AttributeError, match=r"unknown domain 'spdd' \(known: any_rank, .*\); did you mean domains.spd\(\)\?"):
        domains.spdd()
    assert not hasattr(domains, "spdd") and not hasattr(domains, "__wrapped__")


@pytest.mark.parametrize("field, value, message", [
    ("sizes", {n: 3}, r"sizes\['n'\] = 3; give an inclusive range \(lo, hi\) of integers"),
    ("sizes", {n: (1.0, 3)}, r"sizes\['n'\] = \(1.0, 3\)"),
    ("sizes", [(1, 3)], r"sizes=\[\(1, 3\)\] is a list, not a dict"),
    ("domain", "spd", r"domain='spd' is a str, not a dict"),
    ("domain", {A.T: domains.general()}, r"domain= has the key A.T, which is not a symbol"),
    ("id", 3, r"id=3 is a int; give a string"),
    ("title", None, r"title=None is a NoneType; give a string"),
    ("tags", "x", r"tags='x'; give a tuple of strings"),
    ("rtol", "1e-8", r"rtol='1e-8'; give a positive number"),
    ("size_rule", 3, r"size_rule=3 is not a function"),
    ("symbolic_sizes", {"n": 2}, r"symbolic_sizes=\{'n': 2\}; give a tuple of size assignments"),
    ("symbolic_sizes", ({"m": 2},), r"must give every dimension of sizes= \(\['n'\]\)"),
    ("symbolic_sizes", ({"n": 0},), r"symbolic_sizes gives n=0; give a positive integer size"),
    ("correction", "Not An Id", r"correction='Not An Id' is not a claim id"),
    ("correction", "test.claim.ok", r"correction= names the claim itself"),
    ("statement", Identity("A*x", A * x), r"the Identity argument is the text 'A\*x'.*never parses text"),
    ("statement", Property(A, relation="spd"), r"Property relation='spd'; use one of"),
])
def test_wrong_field_types_are_definition_errors(field, value, message):
    with pytest.raises(ClaimDefinitionError, match=message) as err:
        make(**{field: value})
    assert re.match(r"tests/test_claim\.py:\d+: claim ", str(err.value))


def test_scalar_domain_on_a_matrix():
    with pytest.raises(ClaimDefinitionError, match=r"'A' is a matrix symbol but its domain 'real' is for scalars"):
        make(domain={A: domains.real(), x: domains.vector()})


def test_dimension_without_range():
    with pytest.raises(ClaimDefinitionError, match=r"dimension n of 'A' has no range"):
        make(sizes={})


def test_bad_expect_and_range():
    with pytest.raises(ClaimDefinitionError, match=r"expect='maybe'"):
        make(expect="maybe")
    with pytest.raises(ClaimDefinitionError, match=r"inclusive range"):
        make(sizes={n: (3, 1)})


def test_shape_rules_without_admissible_size():
    with pytest.raises(ClaimDefinitionError, match=r"no size assignment satisfies"):
        make(domain={A: domains.general(), x: domains.vector()}, sizes={n: (1, 3)}, size_rule=lambda s: False)


def test_builder_that_raises_is_a_definition_error():
    def build(sizes):
        raise KeyError("m")

    with pytest.raises(ClaimDefinitionError, match=r"building the statement at sizes \{'n': 1\} raised KeyError: 'm'; "
                                                  r"fix the builder"):
        make(statement=build)


def test_builder_shape_error_names_the_builder_line_and_shapes():
    def build(sizes):
        M = sp.ImmutableMatrix(sizes["n"], 2, lambda i, j: 1)
        return Identity(M * sp.ImmutableMatrix([1, 2, 3]), M)

    with pytest.raises(ClaimDefinitionError) as err:
        make(statement=build, domain={}, sizes={n: (2, 3)})
    line = build.__code__.co_firstlineno + 2
    assert str(err.value) == (
        f"tests/test_claim.py:{line}: claim 'test.claim.ok': building the statement at sizes {{'n': 2}} raised "
        "ShapeError: a matrix product is ill-formed: an explicit 2 x 2 matrix and an explicit 3 x 1 matrix (inner "
        "dimensions 2 and 3 differ); a builder must build at every size in sizes=: fix the dimensions of the two factors")


def test_ill_formed_at_some_sizes_is_not_a_definition_error():
    """W^T g with W n0 x n1 is ill-formed unless n0 == n1: a result for the engine (refuted), not
    a definition error; the same for a builder that builds at the smallest sizes."""
    n0, n1 = sp.symbols("n0 n1", integer=True, positive=True)
    W, g = sp.MatrixSymbol("W", n0, n1), sp.MatrixSymbol("g", n0, 1)
    claim = make(statement=Identity(W.T * g, W * g), domain={W: domains.general(), g: domains.vector()},
                 sizes={n0: (1, 3), n1: (1, 3)})
    result = check_claim(claim, instances=8, symbolic_budget=30)
    assert result.verdict == "refuted", (result.verdict, result.reason)
    assert result.symbolic.scope == "ill-formed" and result.numeric.ill_formed


def test_statement_must_be_a_statement():
    with pytest.raises(ClaimDefinitionError, match=r"the statement is a MatMul"):
        make(statement=A * x)


# --- soundness: what a claim may ask the engine to check ----------------------------------------

w = sp.MatrixSymbol("w", n, 1)
alpha = sp.Symbol("alpha", positive=True)
W = sp.MatrixSymbol("W", n, n)
SITE = r"tests/test_claim\.py:\d+: claim 'test\.claim\.ok': "


def l1_minimiser(cases=(), smooth=False):
    """argmin_w 1/2 |w - x|^2 + alpha |w|_1 at n = 1 (the soft threshold, here a wrong point x)."""
    f = scalar((w - x).T * (w - x)) / 2 + alpha * scalar(sp.OneMatrix(1, n) * w.applyfunc(sp.Abs))
    return dict(statement=Minimiser(f, w, x, smooth=smooth, cases=cases),
                domain={x: domains.vector(), w: domains.vector(), alpha: domains.positive()},
                symbolic_sizes=({"n": 1},))


def test_non_smooth_minimiser_needs_cases():
    """Defect 7: with cases=() the subgradient condition was checked nowhere, yet the report said it
    "holds in every case"."""
    with pytest.raises(ClaimDefinitionError) as err:
        make(**l1_minimiser())
    assert str(err.value) == (
        f"tests/test_claim.py:{make.__code__.co_firstlineno + 4}: claim 'test.claim.ok': Minimiser(smooth=False) has "
        "no cases: its subgradient condition is checked case by case, so it would be checked nowhere and only "
        'convexity would be shown; give cases=(("description", {symbol: value}), ...) covering the domain')
    make(**l1_minimiser(cases=(("x > 0", {"x_1": alpha + 1}), ("x = 0", {"x_1": 0}), ("x < 0", {"x_1": -alpha - 1}))))
    make(**l1_minimiser(smooth=True))  # a smooth minimiser needs no cases


@pytest.mark.parametrize("key, message", [
    ("x", r"Minimiser case 'c' substitutes 'x', which is not a symbol of the statement at the symbolic sizes n = 1 "
          r"\(its symbols there: alpha, x_1\); 'x' is a matrix: substitute its entries as the symbolic path names "
          r"them, e.g. 'x_1'$"),
    ("x_2", r"substitutes 'x_2', which is not a symbol .* \(its symbols there: alpha, x_1\); key each substitution by "
            r"a scalar symbol of the statement or a matrix entry as the symbolic path names it \('x_1' for entry 1 "
            r"of a vector x, 'A_12' for row 1, column 2 of A\)$"),
    (sp.Symbol("beta"), r"substitutes 'beta', which is not a symbol of the statement"),
    ("w_1", r"substitutes 'w_1', .*; w is the variable minimised over, which a case cannot fix; substitute the "
            r"other symbols \(the data\) to split their domain$"),
])
def test_case_keys_must_be_symbols_of_the_statement(key, message):
    """A key that names nothing substitutes nothing: the case would check the whole domain again
    under a description that says otherwise."""
    with pytest.raises(ClaimDefinitionError, match=SITE + ".*" + message):
        make(**l1_minimiser(cases=(("c", {key: 1}),)))
    make(**l1_minimiser(cases=(("c", {sp.Symbol("x_1"): 1, alpha: 2}),)))  # symbols, not only names


def test_case_keys_are_checked_at_every_symbolic_size():
    kw = l1_minimiser(cases=(("c", {"x_2": 1}),))
    with pytest.raises(ClaimDefinitionError, match=r"substitutes 'x_2', .* at the symbolic sizes n = 1 "):
        make(**{**kw, "symbolic_sizes": ({"n": 2}, {"n": 1})})
    make(**{**kw, "symbolic_sizes": ({"n": 2},)})


@pytest.mark.parametrize("overrides, message", [
    ({"rtol": 1.0}, "rtol=1.0 is above the ceiling 1e-6: a loose tolerance can hide O(1) errors; tighten it, or give "
                    "tolerance_reason='why this claim needs it' (shown in its report)"),
    ({"atol": 1e-3}, "atol=1e-3 is above the ceiling 1e-6: a loose tolerance can hide O(1) errors; tighten it, or give "
                     "tolerance_reason='why this claim needs it' (shown in its report)"),
    ({"rtol": 1e-5, "tolerance_reason": "  "}, "rtol=1e-5 is above the ceiling 1e-6"),
    ({"rtol": 0.5, "tolerance_reason": "a line search"},
     "rtol=0.5 is above 1e-2, the limit even with a tolerance_reason: a tolerance that loose can hide O(1) errors; "
     "tighten it to at most 1e-2 (or compare a quantity that holds more tightly, e.g. a normalised one)"),
    ({"atol": 0.1, "tolerance_reason": "a line search"}, "atol=0.1 is above 1e-2, the limit even with a tolerance_reason"),
    ({"rtol": 1e-4, "tolerance_reason": 3}, "tolerance_reason=3 is a int; give a string"),
])
def test_loose_tolerances_need_a_reason_and_stay_below_the_limit(overrides, message):
    """Defect 8: any rtol/atol was accepted, and rtol=1.0 made a false claim pass."""
    with pytest.raises(ClaimDefinitionError) as err:
        make(**overrides)
    assert re.match(SITE, str(err.value)), str(err.value)
    assert message in str(err.value)
    if message.endswith("(shown in its report)") or message.endswith("e.g. a normalised one)"):
        assert str(err.value).endswith(message)


def test_tolerance_ceilings_and_limits():
    from verify import claim as claim_module

    assert claim_module.RTOL_CEILING == 1e-6 and claim_module.ATOL_CEILING == 1e-6
    assert claim_module.RTOL_LIMIT == 1e-2 and claim_module.ATOL_LIMIT == 1e-2
    make(rtol=1e-6, atol=1e-6)  # at the ceiling: no reason needed
    c = make(rtol=1e-2, atol=1e-7, tolerance_reason="the conclusion holds only up to the line search's accuracy")
    assert c.rtol == 1e-2 and c.tolerance_reason.startswith("the conclusion")


@pytest.mark.parametrize("statement, domain, message", [
    # defect 12: "proved" with claimed = v_1 I, the backends having differentiated column 0 only
    (Gradient(W * x, W, claimed=x[0, 0] * sp.Identity(n)), {W: domains.general(), x: domains.vector()},
     "Gradient of W*x (n x 1: not a scalar, so the derivative is a Jacobian) with respect to W (n x n, not a column "
     "vector): the Jacobian is defined here for a column vector with respect to a column vector; for a matrix "
     "variable, differentiate a scalar (e.g. a loss) or vectorise"),
    (Gradient(A, x, claimed=A), {A: domains.general(), x: domains.vector()},
     "Gradient of A (n x n: neither a scalar nor a column vector) with respect to x (n x 1): the Jacobian is defined "
     "here"),
    (Identity(sp.Transpose(Jacobian(W * x, W)) * x, x), {W: domains.general(), x: domains.vector()},
     "Jacobian(W*x, W) differentiates W*x (n x 1) with respect to W (n x n, not a column vector): the Jacobian is "
     "defined here for a column vector with respect to a column vector; for a matrix variable, differentiate a "
     "scalar (e.g. a loss) or vectorise"),
    (Minimiser(scalar(x.T * x), x, Jacobian(A, x) * x), {A: domains.general(), x: domains.vector()},
     "Jacobian(A, x) differentiates A (n x n, not a column vector) with respect to x (n x 1)"),
    (Identity(Grad(W * x, W), W), {W: domains.general(), x: domains.vector()},
     "Grad(W*x, W) differentiates W*x (n x 1), which is not a scalar: Grad is the gradient of a scalar (1 x 1 or a "
     "SymPy scalar); for a column vector use Jacobian(y, x) with x a column vector too, for anything else "
     "differentiate a scalar (e.g. a loss)"),
    # a scalar variable is one (tests/test_scalar_variables.py); the derivative of a matrix in it is not defined here
    (Gradient(t * A, t, claimed=A), {A: domains.general(), t: domains.real()},
     "Gradient of t*A (n x n: neither a scalar nor a column vector) with respect to the scalar t: a derivative in a "
     "scalar is defined here for a scalar (a scalar) or a column vector (a column)"),
])
def test_derivatives_of_matrices_are_definition_errors(statement, domain, message):
    with pytest.raises(ClaimDefinitionError) as err:
        make(statement=statement, domain=domain)
    assert re.match(SITE, str(err.value)), str(err.value)
    assert message in str(err.value)


def test_derivatives_that_are_defined_still_load():
    make(statement=Gradient(scalar(x.T * W * x), W, claimed=x * x.T), domain={W: domains.general(), x: domains.vector()})
    make(statement=Gradient(W * x, x, claimed=W), domain={W: domains.general(), x: domains.vector()})
    make(statement=Identity(Jacobian(Grad(scalar(x.T * A * x), x), x), A + A.T),
         domain={A: domains.general(), x: domains.vector()})
    make(statement=Gradient(scalar(x.T * x) * t, t, claimed=scalar(x.T * x)),
         domain={x: domains.vector(), t: domains.real()})


def test_jacobian_in_an_algorithmic_conclusion_is_checked():
    eta = sp.Symbol("eta", positive=True)
    cost = scalar(x.T * A * x) / 2

    def conclusion(th, nxt):
        return scalar(th.T * Jacobian(W * th, W) * th), 0

    with pytest.raises(ClaimDefinitionError, match=SITE + r"Jacobian\(W\*x, W\) differentiates W\*x \(n x 1\) with "
                                                        r"respect to W \(n x n, not a column vector\)"):
        make(statement=Algorithmic(cost, x, eta, x - eta * Grad(cost, x), conclusion, step_rule=sp.Rational(1, 10)),
             domain={A: domains.spd(), W: domains.general(), x: domains.vector()})
    with pytest.raises(ClaimDefinitionError, match=SITE + r"Algorithmic conclusion\(state, next_state\) returned 0; "
                                                        r"return \(lhs, rhs\) or \(lhs, rhs, scale\)$"):
        make(statement=Algorithmic(cost, x, eta, x - eta * Grad(cost, x), lambda th, nxt: 0,
                                   step_rule=sp.Rational(1, 10)),
             domain={A: domains.spd(), x: domains.vector()})


def test_jacobian_node_refuses_literal_matrices():
    """The second line of defence: concrete shapes that are not columns fail when the node is built."""
    M, z = sp.MatrixSymbol("M", 2, 2), sp.MatrixSymbol("z", 2, 1)
    with pytest.raises(TypeError, match=r"Jacobian: the variable M is 2 x 2, not a column vector; the Jacobian is "
                                        r"defined for a column vector with respect to a column vector"):
        Jacobian(z, M)
    with pytest.raises(TypeError, match=r"Jacobian: the differentiated expression M is 2 x 2, not a column vector"):
        Jacobian(M, z)
    with pytest.raises(TypeError, match=r"Jacobian: z\[0, 0\] is a scalar; its derivative is a gradient: use Grad"):
        Jacobian(z[0, 0], z)
    assert Jacobian(M * z, z).shape == (2, 2)
    assert Jacobian(W * x, W).shape == (n, n)  # symbolic shapes: left to claim validation


@pytest.mark.parametrize("expected, message", [
    ((n,), r"Shape expected=\(n,\); give \(rows, cols\), e.g. expected=\(n, 1\), or None$"),
    ((n, 0), r"Shape expected=\(n, 0\) has the dimension 0; give positive integers or expressions"),
    ((n, sp.Rational(1, 2)), r"Shape expected=\(n, 1/2\) has the dimension 1/2; give positive integers"),
    ((sp.Symbol("m", integer=True, positive=True), 1),
     r"Shape expected=\(m, 1\) uses the dimension m, which has no range; add sizes=\{'m': \(lo, hi\)\}$"),
])
def test_shape_expected_must_be_a_shape(expected, message):
    with pytest.raises(ClaimDefinitionError, match=SITE + message):
        make(statement=Shape(A * x, expected=expected))
    make(statement=Shape(A * x, expected=(n, 1)))


# --- the report shows a claim's own tolerance and the scale of an Algorithmic conclusion ---------


def _report(claim, status="passed"):
    from verify.report import claim_markdown, record
    from verify.runner import ClaimResult, NumericResult, SymbolicResult

    numeric = NumericResult(status, instances=4, sizes=({"n": 2},), tolerance="|lhs - rhs| <= ...",
                            message="boom" if status == "error" else "")
    result = ClaimResult(claim, "verified", "numeric evidence", SymbolicResult("undecided", reason="r"), numeric,
                         seed=0, instances=4)
    return claim_markdown(result), record(result)


def test_report_shows_the_claims_own_tolerance_with_its_reason():
    theta = sp.MatrixSymbol("theta", n, 1)
    eta = sp.Symbol("eta", positive=True)
    cost = scalar(theta.T * A * theta) / 2

    def conclusion(th, nxt):
        g, g_next = Grad(cost, theta, at=th), Grad(cost, theta, at=nxt)
        return scalar(g_next.T * g), 0, sp.sqrt(scalar(g_next.T * g_next) * scalar(g.T * g))

    c = make(statement=Algorithmic(cost, theta, eta, theta - eta * Grad(cost, theta), conclusion),
             domain={A: domains.spd(), theta: domains.vector()}, sizes={n: (2, 2)}, rtol=1e-4,
             tolerance_reason="the exact line search is numerical:\n  its step is accurate to about 1e-6")
    text, rec = _report(c)
    assert text == _report(c)[0]  # deterministic
    own = ("- this claim sets its own tolerance: rtol = 1e-4 (default 1e-8), atol = 1e-10; reason: the exact line "
           "search is numerical: its step is accurate to about 1e-6")
    lines = text.splitlines()
    numeric = lines.index("## Numeric path (JAX, float64)")
    assert lines[numeric + 3] == "- tolerance: |lhs - rhs| <= ..." and lines[numeric + 4] == own
    scale = [ln for ln in lines if ln.startswith("- tolerance relative to $")]
    # printed with the statement's names: the cost is C, defined on the statement's where line
    expected = (r"\sqrt{\left\|\nabla_{\theta} C\left(\theta\right)\right\|^{2} \left\|\nabla_{\theta} "
                r"C\left(\theta\right) \big|_{\theta = \theta_{next}}\right\|^{2}}")
    assert scale == [f"- tolerance relative to ${expected}$ (the scale the conclusion returns), or to the magnitude "
                     "of the two sides when that is larger"]
    assert lines.index(scale[0]) < lines.index("## Symbolic path (SymPy)")
    assert rec["numeric"]["rtol"] == 1e-4 and rec["numeric"]["tolerance_reason"].startswith("the exact line search")
    error_text, _ = _report(c, status="error")
    assert own in error_text.splitlines()


def test_report_of_a_claim_at_the_default_tolerance_says_nothing_more():
    text, rec = _report(make())
    assert "sets its own tolerance" not in text and "tolerance relative to" not in text
    assert rec["numeric"]["rtol"] == 1e-8 and rec["numeric"]["atol"] == 1e-10 and rec["numeric"]["tolerance_reason"] == ""


def test_instances_of_must_be_a_claim_id():
    for bad in (3, "Not An Id", ""):
        with pytest.raises(ClaimDefinitionError, match="instances_of="):
            Claim(id="t.instances_of", title="t", source="tests", statement=Identity(t, t), domain={t: domains.real()},
                  instances_of=bad)
