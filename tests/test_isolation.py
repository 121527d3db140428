"""Isolation: a claim that hangs, crashes, returns NaN or eats memory costs its budget, gets the
verdict `error` with the reason, and every other claim still gets its verdict."""

import os
import pickle
import signal
import textwrap
import time
from pathlib import Path

import numpy as np
import sympy as sp

from verify import Algorithmic, Claim, Grad, Identity, domains, scalar
from verify._worker import GiB, dumps, exit_text, resident_bytes
from verify.registry import load_registry
from verify.runner import check_claim, run_claims

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 12.0  # seconds, each path of each claim: the good claims need a few, the hanging one uses all
TOO_LONG = 120.0  # "it did not hang": generous, timing targets belong in benchmarks

# Four ways to go wrong next to two good claims.  The misbehaving value function of a constant
# domain runs only when a check evaluates the claim (in the child processes, on both paths),
# never when the claim file is loaded, validated or reported.
BAD_CLAIMS = textwrap.dedent('''
    import ctypes
    import faulthandler
    import time

    import sympy as sp

    from verify import Claim, Gradient, Identity, domains

    n = sp.Symbol("n", integer=True, positive=True)
    A, C, x = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("C", n, n), sp.MatrixSymbol("x", n, 1)
    t = sp.Symbol("t", real=True)


    def hang(shape):
        while True:
            time.sleep(0.1)


    def crash(shape):
        faulthandler.disable()  # pytest's traceback dump would only add noise
        return ctypes.string_at(0)  # reads address 0: SIGSEGV


    def exhaust(shape):
        hoard = []
        while True:
            hoard.append(b"x" * 2**26)  # 64 MiB a step, every page written


    def misbehaving(name, value_fn):
        return Claim(id=f"iso.bad.{name}", title=name, source="tests", statement=Identity(C * x, x),
                     domain={C: domains.constant(value_fn, "misbehaves"), x: domains.vector()}, sizes={n: (2, 2)})


    hangs = misbehaving("hangs", hang)
    crashes = misbehaving("crashes", crash)
    exhausts = misbehaving("exhausts", exhaust)
    nan = Claim(id="iso.bad.nan", title="log of a real", source="tests", statement=Identity(sp.log(t), sp.log(t)),
                domain={t: domains.real()})
    gradient = Claim(id="iso.good.gradient", title="Gradient of a quadratic form", source="tests",
                     statement=Gradient(x.T * A * x, x, (A + A.T) * x),
                     domain={A: domains.general(), x: domains.vector()}, sizes={n: (1, 3)})
    slip = Claim(id="iso.good.slip", title="A slip: 2 A x", source="tests",
                 statement=Gradient(x.T * A * x, x, 2 * A * x),
                 domain={A: domains.general(), x: domains.vector()}, sizes={n: (1, 3)}, expect="fails",
                 correction="iso.good.gradient")
''')


def memory_limit() -> float:
    """GiB: above what a symbolic child inherits from this process and what a numeric worker needs."""
    return round(max(resident_bytes(os.getpid()) / GiB, 0.5) + 0.5, 1)


def expected_reasons(limit: float) -> dict:
    """claim id -> (text in the numeric message, text in the symbolic reason or None)."""
    return {
        "iso.bad.hangs": (f"the numeric check exceeded its budget of {BUDGET:g} s and was stopped",
                          f"the symbolic check exceeded its budget of {BUDGET:g} s and was stopped"),
        "iso.bad.crashes": ("the numeric check ended its process without a result (killed by signal SIGSEGV)",
                            "the symbolic check ended its process without a result (killed by signal SIGSEGV)"),
        "iso.bad.exhausts": (f"the numeric check exceeded the memory limit of {limit:g} GiB and was stopped",
                             f"the symbolic check exceeded the memory limit of {limit:g} GiB and was stopped"),
        "iso.bad.nan": ("left side = right side: non-finite values (NaN or inf) on", None),
    }


def bad_claims_file(tmp_path) -> Path:
    path = tmp_path / "bad_claims.py"
    path.write_text(BAD_CLAIMS)
    return path


def test_misbehaving_claims_get_errors_and_the_others_their_verdicts(tmp_path):
    claims = list(load_registry([bad_claims_file(tmp_path)], builtin=False).claims)
    limit = memory_limit()
    start = time.monotonic()
    results = run_claims(claims, instances=16, symbolic_budget=BUDGET, numeric_budget=BUDGET, memory_limit=limit)
    assert time.monotonic() - start < TOO_LONG
    by_id = {r.id: r for r in results}
    assert [r.id for r in results] == [c.id for c in claims]
    assert by_id["iso.good.gradient"].verdict == "proved"
    assert by_id["iso.good.slip"].verdict == "refuted"
    for claim_id, (numeric, symbolic) in expected_reasons(limit).items():
        r = by_id[claim_id]
        assert r.verdict == "error" and r.reason == f"numeric path: {r.numeric.message}", (claim_id, r.reason)
        assert numeric in r.numeric.message, (claim_id, r.numeric.message)
        if symbolic is not None:
            assert r.symbolic.status == "undecided" and r.symbolic.reason == symbolic, (claim_id, r.symbolic)


# --- claims travel to the worker by value ---------------------------------------------------------

n = sp.Symbol("n", integer=True, positive=True)
C = sp.MatrixSymbol("C", n, n)
x = sp.MatrixSymbol("x", n, 1)


def twice(expr):
    """A module-level helper that a builder closure calls (as mutants call verify.mutate)."""
    return 2 * expr


def test_claim_with_lambdas_and_closures_round_trips():
    factor = 3

    def build(sizes):  # a closure over a local and a module-level function
        return Identity(factor * twice(C * x), C * (6 * x))

    claim = Claim(id="test.isolation.closure", title="closure", source="tests", statement=build,
                  domain={C: domains.constant(lambda shape: np.diag(np.arange(1.0, shape[0] + 1)), "diag(1, ..., n)"),
                          x: domains.vector()},
                  sizes={n: (1, 3)}, size_rule=lambda s: s["n"] != 2)
    copy = pickle.loads(dumps(claim))
    assert copy.build({"n": 3}) == claim.build({"n": 3})
    assert copy.size_rule({"n": 2}) is False and copy.domain["C"].transform(np.zeros((3, 3)), (3, 3))[2, 2] == 3
    result = check_claim(claim, instances=8, symbolic_budget=60, numeric_budget=60)
    assert result.verdict == "proved", result.reason


def test_a_nan_tolerance_scale_is_an_error_not_a_pass():
    """A false claim (fixed-step descent: consecutive gradients are not orthogonal) whose scale is
    NaN: every comparison with a NaN tolerance is False, so it passed before."""
    theta, S, b = sp.MatrixSymbol("theta", n, 1), sp.MatrixSymbol("S", n, n), sp.MatrixSymbol("b", n, 1)
    eta = sp.Symbol("eta", positive=True)
    cost = scalar(theta.T * S * theta) / 2 - scalar(b.T * theta)

    def conclusion(th, nxt):
        g, g_next = Grad(cost, theta, at=th), Grad(cost, theta, at=nxt)
        return scalar(g_next.T * g), 0, sp.sqrt(-1 - scalar(g.T * g))  # the scale: sqrt of a negative

    claim = Claim(id="test.isolation.nan_scale", title="NaN scale", source="tests",
                  statement=Algorithmic(cost, theta, eta, theta - eta * Grad(cost, theta), conclusion,
                                        step_rule=sp.Rational(1, 10), iterations=2),
                  domain={theta: domains.vector(), S: domains.spd(), b: domains.vector()}, sizes={n: (2, 2)})
    result = check_claim(claim, instances=8, symbolic_budget=5)
    assert result.verdict == "error"
    assert "conclusion after each of 2 steps: non-finite values (NaN or inf)" in result.numeric.message


def test_exit_text_names_the_signal():
    assert exit_text(-signal.SIGKILL) == "killed by signal SIGKILL"
    assert exit_text(3) == "exit code 3"
