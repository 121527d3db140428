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


def test_partial_proofs_do_not_contradict_a_counterexample_outside_them():
    on_subfamily = SymbolicResult("proved", "n = 2, on the sub-family c = 0", subfamily="c = 0")
    assert combine(on_subfamily, _failed("conclusion after each of 5 steps"))[0] == "refuted"
    stationary = SymbolicResult("proved", "n = 2; stationarity", partial="minimality")
    assert combine(stationary, _failed("no perturbation of the point lowers f"))[0] == "refuted"
    # a counterexample to what was proved is still a disagreement, and is reported as one
    assert combine(stationary, _failed("autodiff gradient at the point = 0"))[0] == "inconsistent"
