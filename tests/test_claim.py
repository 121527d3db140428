"""Claim validation: every malformed definition fails at construction with a message that names
the claim, the problem and the fix."""

import re

import pytest
import sympy as sp

from verify import Claim, ClaimDefinitionError, Identity, Minimiser, Property, domains
from verify._errors import ClaimDefinitionWarning

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
    make(statement=Identity(W.T * g, W * g), domain={W: domains.general(), g: domains.vector()},
         sizes={n0: (1, 3), n1: (1, 3)})


def test_statement_must_be_a_statement():
    with pytest.raises(ClaimDefinitionError, match=r"the statement is a MatMul"):
        make(statement=A * x)
