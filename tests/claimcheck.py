"""What the claim test files share: each claim is checked once per test session (several tests
look at the same run, which keeps the files fast), and the two assertions they all make."""

from __future__ import annotations

from typing import Callable

from verify.runner import check_claim


class Checker:
    """`checker(claim)`: the result of `check_claim` at seed 0, computed once per claim id.

    The symbolic budget is `budget`, or `control_budget` for a claim expected to fail (a negative
    control is decided by its numeric counterexample, confirmed in exact arithmetic, so a short
    budget loses nothing), or what `budget_of(claim)` says when it says anything."""

    def __init__(self, instances: int, budget: float, control_budget: float | None = None,
                 budget_of: Callable | None = None):
        self.instances, self.budget, self.control_budget, self.budget_of = instances, budget, control_budget, budget_of
        self.results: dict = {}

    def __call__(self, claim, budget: float | None = None):
        if claim.id not in self.results:
            if budget is None and self.budget_of is not None:
                budget = self.budget_of(claim)
            if budget is None:
                budget = self.control_budget if claim.expect == "fails" and self.control_budget else self.budget
            self.results[claim.id] = check_claim(claim, seed=0, instances=self.instances, symbolic_budget=budget)
        return self.results[claim.id]


def assert_verdict(result, verdicts) -> None:
    """The verdict is one of `verdicts` (a string or a set) and matches the claim's expectation."""
    verdicts = {verdicts} if isinstance(verdicts, str) else set(verdicts)
    assert result.verdict in verdicts, f"{result.claim.id}: {result.verdict}: {result.reason}"
    assert result.matches_expectation, f"{result.claim.id}: {result.verdict} does not match its expectation"
