"""Running claims: each path of each claim in a child process with a budget and a memory limit.

SymPy can hang (`simplify` on the wrong expression), a claim's own code can loop, crash or eat
memory, and JAX is multithreaded, so no check runs in this process:

* the symbolic path: a *zygote* process, forked before any JAX work, forks a fresh child per
  claim that runs `check_symbolic` and is stopped when its budget or the memory limit runs out
  (the claim is then `undecided` on the symbolic path, with the reason, and the numeric path
  still decides);
* the numeric path: one persistent numeric worker per run (`_worker.NumericWorker`), serving
  claims one by one; a claim that overruns, crashes it or exceeds the memory limit is an `error`
  naming the cause, and the next claim gets a fresh worker.

The zygote works through the symbolic queue while the worker runs the numeric checks, so the two
paths overlap (on two cores, that halves the wall time).  Every claim gets a verdict.
"""

from __future__ import annotations

import multiprocessing as mp
import time
import warnings
from dataclasses import dataclass
from typing import Callable, Iterable

from ._worker import NumericWorker, exit_text, isolate_child, stop, wait_for
from .claim import Claim
from .numeric import NumericResult
from .symbolic import SymbolicResult, check_symbolic
from .verdict import CONFIRM_SECONDS, combine, matches_expectation

_FORK = mp.get_context("fork")
MEMORY_LIMIT = 8.0  # GiB of resident memory per child process


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
        # JAX warns on every fork once it has started (in pytest, say); these children run SymPy only
        warnings.filterwarnings("ignore", message=r"os\.fork\(\) was called", category=RuntimeWarning)
        process.start()


def _undecided(reason: str) -> SymbolicResult:
    return SymbolicResult("undecided", "", (), reason)


def _symbolic_child(conn, claim: Claim) -> None:
    isolate_child(own_group=False)  # in the zygote's group, which the parent can kill at once
    try:
        result = check_symbolic(claim)
    except MemoryError:
        result = _undecided("the symbolic check ran out of memory (MemoryError)")
    except Exception as exc:  # a crash in SymPy is a reason, reported, not a hang
        result = _undecided(f"SymPy raised {type(exc).__name__}: {exc}".splitlines()[0][:300])
    conn.send(result)
    conn.close()


def symbolic_with_budget(claim: Claim, budget: float, memory_limit: float | None = None
                         ) -> tuple[SymbolicResult, float]:
    """`check_symbolic(claim)` in a forked child, stopped after `budget` seconds or when its resident
    memory exceeds `memory_limit` GiB."""
    start = time.monotonic()
    receiver, sender = _FORK.Pipe(duplex=False)
    child = _FORK.Process(target=_symbolic_child, args=(sender, claim), daemon=True)
    _start(child)
    sender.close()
    try:
        result, why = wait_for(receiver, child, budget=budget, memory_limit=memory_limit, start=start)
    finally:
        stop(child)
        receiver.close()
    return (result if result is not None else _undecided(f"the symbolic check {why}")), time.monotonic() - start


def _zygote(conn, claims: dict, budget: float, memory_limit: float | None) -> None:
    # its own process group: the parent stops the zygote and its current child with one killpg
    isolate_child()
    while True:
        try:
            claim_id = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if claim_id is None:
            return
        result, elapsed = symbolic_with_budget(claims[claim_id], budget, memory_limit)
        conn.send((claim_id, result, elapsed))


class SymbolicQueue:
    """Symbolic checks for many claims, worked through by a zygote forked before JAX starts."""

    def __init__(self, claims: Iterable[Claim], budget: float, memory_limit: float | None = None):
        self.claims = {c.id: c for c in claims}
        self.conn, child = _FORK.Pipe()
        # not a daemon: daemons may not fork, and the zygote's whole job is forking
        self.proc = _FORK.Process(target=_zygote, args=(child, self.claims, budget, memory_limit))
        _start(self.proc)
        child.close()
        self.done: dict = {}

    def submit_all(self) -> None:
        for claim_id in self.claims:
            self.conn.send(claim_id)

    def result(self, claim_id: str) -> tuple[SymbolicResult, float]:
        while claim_id not in self.done:
            # each claim is bounded by its budget in the zygote; wait for the zygote itself only while it lives
            if self.conn.poll(1.0):
                try:
                    got_id, result, elapsed = self.conn.recv()
                except (EOFError, OSError):
                    break
                self.done[got_id] = (result, elapsed)
            elif not self.proc.is_alive():
                break
        if claim_id not in self.done:
            self.proc.join()
            return _undecided(f"the symbolic process (zygote) ended early ({exit_text(self.proc.exitcode)})"), 0.0
        return self.done.pop(claim_id)

    def close(self, *, kill: bool = False) -> None:
        if not kill:
            try:
                self.conn.send(None)
            except OSError:
                pass
            self.proc.join(timeout=5)
        stop(self.proc)
        self.conn.close()


def _result(claim, symbolic, t_sym, numeric, t_num, seed, instances) -> ClaimResult:
    verdict, reason = combine(symbolic, numeric)
    return ClaimResult(claim, verdict, reason, symbolic, numeric, seed, instances, t_sym, t_num)


def check_claim(claim: Claim, *, seed: int = 0, instances: int = 64, symbolic_budget: float = 30.0,
                numeric_budget: float = 600.0, memory_limit: float | None = MEMORY_LIMIT) -> ClaimResult:
    """Both paths and the verdict for one claim (each path in its own budgeted process)."""
    return run_claims([claim], seed=seed, instances=instances, symbolic_budget=symbolic_budget,
                      numeric_budget=numeric_budget, memory_limit=memory_limit)[0]


def run_claims(claims: list[Claim], *, seed: int = 0, instances: int = 64, symbolic_budget: float = 30.0,
               numeric_budget: float = 600.0, memory_limit: float | None = MEMORY_LIMIT,
               progress: Callable[[ClaimResult], None] | None = None,
               confirm_seconds: float = CONFIRM_SECONDS) -> list[ClaimResult]:
    """Check every claim; results in the order given.

    Each claim's symbolic path gets `symbolic_budget` seconds and its numeric path
    `numeric_budget` seconds; each child process may use `memory_limit` GiB of resident memory
    (None: no limit).  A numeric counterexample is re-evaluated exactly for at most
    `confirm_seconds` (see `verify.verdict.confirm_exactly`).  `progress` is called with each result as it is known.  If this call is
    interrupted (KeyboardInterrupt, or any exception from `progress`), every child process is
    killed before the exception propagates."""
    queue = SymbolicQueue(claims, symbolic_budget, memory_limit)
    worker = NumericWorker(memory_limit=memory_limit)
    results: list[ClaimResult] = []
    finished = False
    try:
        queue.submit_all()
        for claim in claims:
            numeric, t_num = worker.check(claim, seed=seed, instances=instances, budget=numeric_budget,
                                          confirm_seconds=confirm_seconds)
            symbolic, t_sym = queue.result(claim.id)
            results.append(_result(claim, symbolic, t_sym, numeric, t_num, seed, instances))
            if progress:
                progress(results[-1])
        finished = True
    finally:
        worker.close(kill=not finished)
        queue.close(kill=not finished)
    return results
