"""Claim validation: every malformed definition fails at construction with a message that names
the claim, the problem and the fix."""

import re

import pytest
import sympy as sp

from verify import Claim, ClaimDefinitionError, Identity, domains

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


@pytest.mark.parametrize("bad_id", ["Topic.x", "nodots", "a..b", "../escape.x", "a/b.c", "a.b c"])
def test_ids_must_be_slugs(bad_id):
    with pytest.raises(ClaimDefinitionError, match=r"dotted lower-case slug"):
        make(id=bad_id)


def test_undeclared_symbol_is_named_with_the_fix():
    with pytest.raises(ClaimDefinitionError) as err:
        make(domain={A: domains.general()})
    msg = str(err.value)
    assert "'test.claim.ok'" in msg and "symbol 'x'" in msg and "domain={'x': domains.<...>()}" in msg
    assert re.search(r"test_claim\.py:\d+", msg)


def test_unknown_domain():
    with pytest.raises(ClaimDefinitionError, match=r"not a domain; use one from verify.domains"):
        make(domain={A: "spd", x: domains.vector()})


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

    with pytest.raises(ClaimDefinitionError, match=r"building the statement at sizes \{'n': 1\} raised KeyError"):
        make(statement=build)


def test_statement_must_be_a_statement():
    with pytest.raises(ClaimDefinitionError, match=r"the statement is a MatMul"):
        make(statement=A * x)
