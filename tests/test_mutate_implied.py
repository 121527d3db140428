"""Mutants implied by their original: an Inequality with one side moved in the weakening
direction (a smaller lhs of `<=`, a larger rhs; mirrored for `>=`) is `implied` when the symbolic
path proves that comparison of the sides; a strengthening, a side that can change sign, or a
reversed relation never is."""

import json

import sympy as sp

from verify import Claim, Inequality, domains, scalar
from verify import mutate as mut

n = sp.Symbol("n", integer=True, positive=True)
x = sp.MatrixSymbol("x", n, 1)
y = sp.MatrixSymbol("y", n, 1)
a = sp.Symbol("a", real=True)


def claim(cid, statement, domain, sizes):
    return Claim(id=f"test.implied.{cid}", title=cid, source="tests", statement=statement, domain=domain,
                 sizes=sizes)


def norm(v):
    return sp.sqrt(scalar(v.T * v))


TRIANGLE = claim("triangle", Inequality(norm(x + y), norm(x) + norm(y), "<="),
                 {x: domains.vector(), y: domains.vector()}, {n: (2, 2)})
# the same fact written the other way round: mutants must mirror
TRIANGLE_GE = claim("triangle_ge", Inequality(norm(x) + norm(y), norm(x + y), ">="),
                    {x: domains.vector(), y: domains.vector()}, {n: (2, 2)})
# x <= x + 1: x can be negative, so x/2 is not <= x
SHIFT = claim("shift", Inequality(a, a + 1, "<="), {a: domains.real()}, {})


def whole_side(c, operator, field, before=None):
    """The mutant that applies `operator` to a side: to the whole side, or to a term (`before`,
    else the first) when the side is a sum (the operators scale terms of sums, not the sum)."""
    return min((m for m in mut.plan(c, operators=(operator,), per_operator=10, per_claim=None).mutants
                if m.site.field == field and before in (None, m.site.before)), key=lambda m: m.site.path)


def test_the_comparison_asked_weakens_the_mutated_side():
    [(_, lhs_half)] = mut._implications(whole_side(TRIANGLE, "scale_half", "lhs"))
    assert (lhs_half.lhs, lhs_half.rhs, lhs_half.relation) == (norm(x + y) / 2, norm(x + y), "<=")
    [(_, rhs_double)] = mut._implications(whole_side(TRIANGLE, "scale_2", "rhs"))
    assert rhs_double.relation == ">=" and rhs_double.rhs == norm(x) + norm(y)
    assert rhs_double.lhs in (2 * norm(x) + norm(y), norm(x) + 2 * norm(y))  # one term doubled
    # >= mirrors: a mutated lhs must be >= the original lhs, a mutated rhs <= the original rhs
    [(_, ge_lhs)] = mut._implications(whole_side(TRIANGLE_GE, "scale_2", "lhs"))
    assert ge_lhs.relation == ">=" and ge_lhs.rhs == norm(x) + norm(y)
    [(_, ge_rhs)] = mut._implications(whole_side(TRIANGLE_GE, "scale_half", "rhs"))
    assert ge_rhs.relation == "<=" and ge_rhs.rhs == norm(x + y)
    # a reversed relation is never implied
    [reversed_] = mut.plan(TRIANGLE, operators=("reverse_relation",), per_claim=None).mutants
    assert mut._implications(reversed_) == []


def test_weakening_is_proved_and_strengthening_or_a_signless_side_is_not():
    assert "mutated lhs is <= the original lhs" in mut.prove_implication(whole_side(TRIANGLE, "scale_half", "lhs"), 30)
    assert "mutated rhs is >= the original rhs" in mut.prove_implication(whole_side(TRIANGLE, "scale_2", "rhs"), 30)
    assert "mutated rhs is <= the original rhs" in mut.prove_implication(whole_side(TRIANGLE_GE, "scale_half", "rhs"),
                                                                          30)
    # strengthening: 2 ||x + y|| <= ||x + y|| is false (and so is the mutant)
    assert mut.prove_implication(whole_side(TRIANGLE, "scale_2", "lhs"), 30) == ""
    assert mut.prove_implication(whole_side(TRIANGLE_GE, "scale_half", "lhs"), 30) == ""
    # x/2 <= x fails for x < 0: halving a side that can be negative is not a weakening
    assert mut.prove_implication(whole_side(SHIFT, "scale_half", "lhs"), 30) == ""
    # doubling a term that can be negative does not enlarge the rhs: 2 x + 1 >= x + 1 fails for x < 0
    assert mut.prove_implication(whole_side(SHIFT, "scale_2", "rhs", before=a), 30) == ""
    # ... while doubling the constant term does: x + 2 >= x + 1
    assert "mutated rhs is >= the original rhs" in mut.prove_implication(
        whole_side(SHIFT, "scale_2", "rhs", before=sp.Integer(1)), 30)


def test_implied_mutants_are_classified_and_reported():
    """The scaled triangle inequalities survive the checks as `verified` (SymPy cannot prove them
    directly); their weakening is proved, so they are `implied`; the strengthening ones are refuted."""
    every = mut.plan(TRIANGLE, operators=("scale_half", "scale_2"), per_operator=10, per_claim=None).mutants
    first = {}
    for m in sorted(every, key=lambda m: m.site.path):  # one mutant per operator and side
        first.setdefault((m.operator, m.site.field), m)
    plan = mut.MutationPlan(TRIANGLE, list(first.values()), {}, 0, 0, [])
    assert len(plan.mutants) == 4
    outcomes = mut.run_mutants([plan], instances=8, symbolic_budget=20, equivalence_budget=20)
    status = {(o.operator, o.mutant.site.field): o for o in outcomes}
    implied = [status["scale_half", "lhs"], status["scale_2", "rhs"]]
    assert [o.status for o in implied] == ["implied", "implied"], [(o.verdict, o.reason) for o in implied]
    assert all(o.verdict != "proved" and "rests on the original's own verdict" in o.implication for o in implied)
    assert status["scale_2", "lhs"].status == "killed" and status["scale_2", "lhs"].implication == ""
    assert status["scale_half", "rhs"].status == "killed"
    t = mut.tallies(outcomes)["total"]["all"]
    assert (t.implied, t.killable, t.kill_rate_killable) == (2, 2, 1.0)
    settings = {"seed": 0, "instances": 8, "per_operator": 1, "per_claim": None, "budget": 20}
    text = mut.markdown([plan], outcomes, settings=settings, notes={})
    assert "| implied |" in text and "## Mutants implied by their original" in text
    assert f"`{status['scale_half', 'lhs'].id}` (verdict " in text
    doc = json.loads(mut.as_json([plan], outcomes, settings=settings, notes={}))
    assert doc["total"]["implied"] == 2
    assert sorted(m["status"] for m in doc["mutants"]) == ["implied", "implied", "killed", "killed"]


def test_implied_counts_apart_from_the_killable():
    t = mut.Tally()
    for status in ["killed"] * 3 + ["implied", "true", "equivalent", "survived"]:
        t.add(status)
    assert (t.generated, t.non_equivalent, t.killable) == (7, 6, 4)
    assert t.kill_rate_killable == 3 / 4
    assert mut.status_of("verified", "", "", "why") == "implied"
    assert mut.status_of("proved", "", "", "why") == "true"  # proved itself: true, not resting on the original
    assert mut.status_of("refuted", "", "", "why") == "killed"
    assert mut.status_of("verified", "", "") == "survived"
