"""Running claims: the symbolic path in budgeted child processes, the numeric path here.

SymPy can hang (`simplify` on the wrong expression) and JAX is multithreaded, so the two never
share a process.  A *zygote* process is forked before JAX starts; for every claim it forks a
fresh child that runs `check_symbolic` and is killed when its wall-clock budget runs out (the
claim is then `undecided` on the symbolic path, and the numeric path still decides).  While the
zygote works through the symbolic queue, this process runs the numeric checks with JAX.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
import traceback
import warnings
from dataclasses import dataclass
from typing import Callable, Iterable

from .claim import Claim
from .numeric import NumericResult, check_numeric
from .symbolic import SymbolicResult, check_symbolic
from .verdict import combine, confirm_exactly, matches_expectation

_FORK = mp.get_context("fork")


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    verdict: str
    reason: str
    symbolic: SymbolicResult
    numeric: NumericResult
    seed: int
    instances: int
    seconds_symbolic: float = 0.0
    seconds_numeric: float = 0.0

    @property
    def id(self) -> str:
        return self.claim.id

    @property
    def matches_expectation(self) -> bool:
        return matches_expectation(self.verdict, self.claim.expect)


def _start(process) -> None:
    with warnings.catch_warnings():
        # JAX warns on every fork once it has started; our children run SymPy only, never JAX.
        warnings.filterwarnings("ignore", message=r"os\.fork\(\) was called", category=RuntimeWarning)
        process.start()


def _symbolic_child(conn, claim: Claim) -> None:
    try:
        result = check_symbolic(claim)
    except Exception as exc:  # a crash in SymPy is a reason, reported, not a hang
        result = SymbolicResult("undecided", "", (), f"SymPy raised {type(exc).__name__}: {exc}".splitlines()[0][:300])
    conn.send(result)
    conn.close()


def symbolic_with_budget(claim: Claim, budget: float) -> tuple[SymbolicResult, float]:
    """`check_symbolic(claim)` in a forked child, killed after `budget` seconds."""
    start = time.monotonic()
    receiver, sender = _FORK.Pipe(duplex=False)
    child = _FORK.Process(target=_symbolic_child, args=(sender, claim), daemon=True)
    _start(child)
    sender.close()
    result = None
    if receiver.poll(budget):
        try:
            result = receiver.recv()
        except EOFError:
            result = None
    elapsed = time.monotonic() - start
    if child.is_alive():
        child.kill()
    child.join()
    if result is None:
        if elapsed >= budget:
            result = SymbolicResult("undecided", "", (), f"the symbolic check exceeded its budget of {budget:g} s "
                                    "and was stopped")
        else:
            result = SymbolicResult("undecided", "", (), f"the symbolic process died (exit code {child.exitcode})")
    return result, elapsed


def _zygote(conn, claims: dict, budget: float) -> None:
    while True:
        try:
            claim_id = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if claim_id is None:
            return
        result, elapsed = symbolic_with_budget(claims[claim_id], budget)
        conn.send((claim_id, result, elapsed))


class SymbolicQueue:
    """Symbolic checks for many claims, worked through by a zygote forked before JAX starts."""

    def __init__(self, claims: Iterable[Claim], budget: float):
        self.claims = {c.id: c for c in claims}
        self.conn, child = _FORK.Pipe()
        # not a daemon: daemons may not fork, and the zygote's whole job is forking
        self.proc = _FORK.Process(target=_zygote, args=(child, self.claims, budget))
        _start(self.proc)
        self.done: dict = {}

    def submit_all(self) -> None:
        for claim_id in self.claims:
            self.conn.send(claim_id)

    def result(self, claim_id: str) -> tuple[SymbolicResult, float]:
        while claim_id not in self.done:
            got_id, result, elapsed = self.conn.recv()
            self.done[got_id] = (result, elapsed)
        return self.done.pop(claim_id)

    def close(self) -> None:
        try:
            self.conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.proc.join(timeout=5)
        if self.proc.is_alive():
            self.proc.kill()


def _numeric(claim: Claim, seed: int, instances: int) -> tuple[NumericResult, float]:
    start = time.monotonic()
    try:
        result = confirm_exactly(claim, check_numeric(claim, seed=seed, instances=instances))
    except Exception as exc:  # any engine or encoding failure is an `error` verdict, with its cause
        last = traceback.extract_tb(exc.__traceback__)[-1]
        result = NumericResult("error", message=f"{type(exc).__name__}: {exc} (at {os.path.basename(last.filename)}:"
                                                f"{last.lineno})".replace("\n", " ")[:500])
    return result, time.monotonic() - start


def _result(claim, symbolic, t_sym, numeric, t_num, seed, instances) -> ClaimResult:
    verdict, reason = combine(symbolic, numeric)
    return ClaimResult(claim, verdict, reason, symbolic, numeric, seed, instances, t_sym, t_num)


def check_claim(claim: Claim, *, seed: int = 0, instances: int = 64, symbolic_budget: float = 30.0) -> ClaimResult:
    """Both paths and the verdict for one claim (the symbolic path in a budgeted child)."""
    symbolic, t_sym = symbolic_with_budget(claim, symbolic_budget)
    return _result(claim, symbolic, t_sym, *_numeric(claim, seed, instances), seed, instances)


def run_claims(claims: list[Claim], *, seed: int = 0, instances: int = 64, symbolic_budget: float = 30.0,
               progress: Callable[[ClaimResult], None] | None = None) -> list[ClaimResult]:
    """Check every claim; symbolic work (in the zygote's children) overlaps numeric work (here).
    Results in the order given."""
    queue = SymbolicQueue(claims, symbolic_budget)
    queue.submit_all()
    results = []
    try:
        for claim in claims:
            numeric, t_num = _numeric(claim, seed, instances)
            symbolic, t_sym = queue.result(claim.id)
            results.append(_result(claim, symbolic, t_sym, numeric, t_num, seed, instances))
            if progress:
                progress(results[-1])
    finally:
        queue.close()
    return results
