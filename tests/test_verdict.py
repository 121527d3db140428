"""The verdict table: two paths in, one of five verdicts out; disagreement is never hidden."""

import pytest

from verify.numeric import Counterexample, NumericResult
from verify.symbolic import SymbolicResult
from verify.verdict import combine, matches_expectation

PROVED = SymbolicResult("proved", "general")
UNDECIDED = SymbolicResult("undecided", reason="budget")
DISPROVED = SymbolicResult("disproved", "general")
PASSED = NumericResult("passed", instances=10)
FAILED = NumericResult("failed", instances=10, counterexample=Counterexample("c", {}, {}, 1, 2, 1.0, exact_confirmed=True))
ROUNDING = NumericResult("failed", instances=10, counterexample=Counterexample("c", {}, {}, 1, 2, 1.0, exact_confirmed=False))
ERROR = NumericResult("error", message="NaN")


@pytest.mark.parametrize("symbolic,numeric,verdict", [
    (PROVED, PASSED, "proved"), (UNDECIDED, PASSED, "verified"), (DISPROVED, FAILED, "refuted"),
    (UNDECIDED, FAILED, "refuted"), (PROVED, FAILED, "inconsistent"), (DISPROVED, PASSED, "inconsistent"),
    (PROVED, ERROR, "error"), (UNDECIDED, ROUNDING, "inconsistent"),
])
def test_combine(symbolic, numeric, verdict):
    assert combine(symbolic, numeric)[0] == verdict


def test_expectations():
    assert matches_expectation("proved", "holds") and matches_expectation("verified", "holds")
    assert matches_expectation("refuted", "fails")
    assert not matches_expectation("refuted", "holds") and not matches_expectation("proved", "fails")
    assert not matches_expectation("inconsistent", "holds") and not matches_expectation("error", "fails")


def _failed(check):
    return NumericResult("failed", instances=10, counterexample=Counterexample(check, {}, {}, 1, 2, 1.0))


def _failed_at(sizes, confirmed):
    return NumericResult("failed", instances=10, counterexample=Counterexample(
        "left side = right side", sizes, {}, 1, 2, 1.0, exact_confirmed=confirmed))


def test_an_exact_counterexample_outweighs_passing_random_instances():
    exact = SymbolicResult("disproved", "general", counterexample=(("t", "-13"),), exact_member=True)
    verdict, reason = combine(exact, PASSED)
    assert verdict == "refuted" and "did not reach that part of the domain" in reason
    # a disproof by argument (no exact member) against passing instances is a disagreement
    assert combine(DISPROVED, PASSED)[0] == "inconsistent"


def test_a_proof_covers_only_its_sizes():
    # SymPy proved it at n = 2; a counterexample at n = 3 confirmed exactly is outside the proof
    at_two = SymbolicResult("proved", "entrywise at sizes n = 2", sizes=((("n", 2),),))
    verdict, reason = combine(at_two, _failed_at({"n": 3}, True))
    assert verdict == "refuted" and "outside the scope of the symbolic proof (entrywise at sizes n = 2)" in reason
    # unconfirmed, or at the very sizes proved, the two paths disagree
    assert combine(at_two, _failed_at({"n": 3}, None))[0] == "inconsistent"
    assert combine(at_two, _failed_at({"n": 2}, True))[0] == "inconsistent"
    # a general proof (no sizes) covers every size
    assert combine(PROVED, _failed_at({"n": 3}, True))[0] == "inconsistent"
