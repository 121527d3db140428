"""Isolation of the symbolic path: a hanging or crashing SymPy check costs its budget, no more."""

import time

import sympy as sp

from verify import Claim, Identity, domains
from verify import runner as runner_module
from verify.runner import check_claim, symbolic_with_budget

t = sp.Symbol("t", real=True)
CLAIM = Claim(id="test.runner.double", title="t", source="tests", statement=Identity(2 * t, t + t),
              domain={t: domains.real()})


def _spin(claim):
    while True:
        pass


def test_hanging_symbolic_check_is_stopped(monkeypatch):
    monkeypatch.setattr(runner_module, "check_symbolic", _spin)  # busy: budgets count CPU seconds
    start = time.monotonic()
    result, _ = symbolic_with_budget(CLAIM, 1.0)
    assert time.monotonic() - start < 10
    assert result.status == "undecided" and "exceeded its budget of 1 CPU seconds" in result.reason


def test_crashing_symbolic_check_is_a_reason(monkeypatch):
    def boom(claim):
        raise ZeroDivisionError("division by zero in a residual")

    monkeypatch.setattr(runner_module, "check_symbolic", boom)
    result, _ = symbolic_with_budget(CLAIM, 10.0)
    assert result.status == "undecided" and "ZeroDivisionError" in result.reason


def test_numeric_path_still_decides_after_symbolic_timeout(monkeypatch):
    monkeypatch.setattr(runner_module, "check_symbolic", _spin)
    result = check_claim(CLAIM, instances=8, symbolic_budget=1.0)
    assert result.verdict == "verified" and "budget" in result.reason
