"""Running claims: each path of each claim in a child process with a budget and a memory limit,
`jobs` claims at a time, with a result cache.

SymPy can hang (`simplify` on the wrong expression), a claim's own code can loop, crash or eat
memory, and JAX is multithreaded, so no check runs in this process.  Work is done by *lanes*:

* a symbolic lane is a *zygote* process that forks a fresh child per claim; the child runs
  `check_symbolic` and is stopped when its budget or the memory limit runs out (the claim is then
  `undecided` on the symbolic path, with the reason, and the numeric path still decides);
* a numeric lane is a persistent numeric worker (`_worker.NumericWorker`) serving claims one by
  one; a claim that overruns, crashes it or exceeds the memory limit is an `error` naming the
  cause, and the next claim gets a fresh worker.

`jobs` lanes of each kind work through the claims; a claim is finished when both of its paths
are, and results are delivered in the order of the claims given, whatever order the lanes finish
in, so that the output and the reports do not depend on `jobs` or on the machine's load.

Every lane process starts from the forkserver (a fresh interpreter) with PYTHONHASHSEED=0
(`_worker.deterministic_start`): SymPy orders some terms by hash, and with Python's random
string hashing the same claim could take a different route (and a different time) in every run.

A result cache (`verify.cache`) skips either path of a claim whose content, the engine and the
settings are unchanged; verdicts are always combined afresh (`verdict.combine`).
"""

from __future__ import annotations

import multiprocessing as mp
import multiprocessing.connection
import os
import pickle
import time
from collections import deque
from dataclasses import dataclass
from typing import Callable

from ._worker import (FORKSERVER, NumericWorker, deterministic_start, dumps, exit_text, isolate_child, stop,
                      wait_for)
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
    # which paths came from the result cache ("symbolic", "numeric"); the seconds are then those
    # of the run that computed them
    cached: tuple = ()

    @property
    def id(self) -> str:
        return self.claim.id

    @property
    def matches_expectation(self) -> bool:
        return matches_expectation(self.verdict, self.claim.expect)


def default_jobs() -> int:
    """Claims checked at once by default: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


# --- the symbolic lane ---------------------------------------------------------------------------

def _undecided(reason: str) -> SymbolicResult:
    return SymbolicResult("undecided", "", (), reason)


def _symbolic_child(conn, payload: bytes) -> None:
    isolate_child(own_group=False)  # in the zygote's group, which the parent can kill at once
    try:
        claim, check = pickle.loads(payload)
        result = check(claim)
    except MemoryError:
        result = _undecided("the symbolic check ran out of memory (MemoryError)")
    except Exception as exc:  # a crash in SymPy is a reason, reported, not a hang
        result = _undecided(f"SymPy raised {type(exc).__name__}: {exc}".splitlines()[0][:300])
    try:
        reply = dumps(result)
    except Exception as exc:
        reply = dumps(_undecided(f"the symbolic result could not be sent back: {type(exc).__name__}: {exc}"[:300]))
    conn.send(reply)
    conn.close()


def _run_child(payload: bytes, budget: float, memory_limit: float | None) -> tuple[bytes | None, str, float]:
    """Fork a child for one claim: (pickled result or None, why it failed, seconds)."""
    import warnings

    start = time.monotonic()
    receiver, sender = _FORK.Pipe(duplex=False)
    child = _FORK.Process(target=_symbolic_child, args=(sender, payload), daemon=True)
    with warnings.catch_warnings():
        # JAX warns on every fork once it has been imported; these children run SymPy only
        warnings.filterwarnings("ignore", message=r"os\.fork\(\) was called", category=RuntimeWarning)
        child.start()
    sender.close()
    try:
        reply, why = wait_for(receiver, child, budget=budget, memory_limit=memory_limit, start=start)
    finally:
        stop(child)
        receiver.close()
    return reply, why, time.monotonic() - start


def _zygote(conn, owner: int, budget: float, memory_limit: float | None) -> None:
    # its own process group: the parent stops the zygote and its current child with one killpg
    isolate_child(owner=owner)
    while True:
        try:
            payload = conn.recv_bytes()
        except (EOFError, OSError):  # the parent is gone
            return
        if not payload:
            return
        reply, why, elapsed = _run_child(payload, budget, memory_limit)
        conn.send((reply, why, elapsed))


class SymbolicLane:
    """A zygote that runs one claim's symbolic check at a time, each in a fresh forked child."""

    def __init__(self, budget: float, memory_limit: float | None):
        self.budget, self.memory_limit = budget, memory_limit
        self.proc = None
        self.conn = None
        self.busy = None  # the index of the claim being checked

    def _start(self) -> None:
        self.conn, child = FORKSERVER.Pipe()
        self.proc = FORKSERVER.Process(target=_zygote, args=(child, os.getpid(), self.budget, self.memory_limit),
                                       name="dlverify-symbolic")  # not a daemon: daemons may not fork
        deterministic_start(self.proc)
        child.close()

    def submit(self, index: int, claim: Claim) -> SymbolicResult | None:
        """Start `claim`; a result at once (an error) when it cannot even be sent."""
        try:
            payload = dumps((claim, check_symbolic))
        except Exception as exc:
            return _undecided(f"the claim could not be sent to the symbolic process: {type(exc).__name__}: {exc}"[:300])
        for attempt in (1, 2):
            if self.proc is None:
                self._start()
            try:
                self.conn.send_bytes(payload)
                break
            except OSError:  # the zygote died between two claims: one fresh start
                self.close(kill=True)
                if attempt == 2:
                    raise
        self.busy, self.started = index, time.monotonic()
        return None

    def poll(self) -> tuple[SymbolicResult, float, bool] | None:
        """(result, seconds, whether it describes the claim rather than the process), or None while
        the check runs.  The zygote enforces the budget; this only notices the zygote's own death."""
        try:
            ready = self.conn.poll(0)
        except (EOFError, OSError):
            ready = False
        if ready:
            try:
                reply, why, elapsed = self.conn.recv()
            except (EOFError, OSError):
                reply = None
            else:
                self.busy = None
                if reply is None:
                    return _undecided(f"the symbolic check {why}"), elapsed, False
                return pickle.loads(reply), elapsed, True
        if self.proc.is_alive():
            return None
        code = exit_text(self.proc.exitcode)
        self.close(kill=True)
        self.busy = None
        return _undecided(f"the symbolic process (zygote) ended early ({code})"), time.monotonic() - self.started, False

    def close(self, *, kill: bool = False) -> None:
        if self.proc is None:
            return
        proc, conn, self.proc, self.conn = self.proc, self.conn, None, None
        if not kill:
            try:
                conn.send_bytes(b"")
                proc.join(timeout=5)
            except OSError:
                pass
        stop(proc)
        conn.close()


def symbolic_with_budget(claim: Claim, budget: float, memory_limit: float | None = None
                         ) -> tuple[SymbolicResult, float]:
    """`check_symbolic(claim)` in a child process, stopped after `budget` seconds or when its
    resident memory exceeds `memory_limit` GiB."""
    return run_symbolic([claim], budget=budget, memory_limit=memory_limit, jobs=1)[0]


# --- scheduling ----------------------------------------------------------------------------------


class _Board:
    """What is known of each claim so far; finished claims are handed out in order."""

    def __init__(self, count: int, *, need_symbolic: bool = True, need_numeric: bool = True):
        self.symbolic: dict = {}
        self.numeric: dict = {}
        self.next = 0
        self.count = count
        self.need_symbolic, self.need_numeric = need_symbolic, need_numeric

    def ready(self):
        while self.next < self.count and (not self.need_symbolic or self.next in self.symbolic) and (
                not self.need_numeric or self.next in self.numeric):
            yield self.next
            self.next += 1


def _wait_any(lanes) -> None:
    conns = [lane.conn for lane in lanes if lane.busy is not None and lane.conn is not None]
    if conns:
        mp.connection.wait(conns, timeout=0.05)


def _schedule(claims: list[Claim], *, jobs: int, symbolic_budget: float, memory_limit: float | None,
              numeric: dict | None, cache, on_ready: Callable[[int, tuple | None, tuple | None], None],
              symbolic: bool = True) -> None:
    """Run the symbolic path (unless `symbolic` is False) and, with `numeric` settings, the
    numeric path of every claim on `jobs` lanes of each kind, calling `on_ready(index, symbolic,
    numeric)` in claim order.  `numeric["seed"]` may be a list: one seed per claim."""
    if cache is not None:
        from . import cache as cache_module
    board = _Board(len(claims), need_symbolic=symbolic, need_numeric=numeric is not None)
    todo_sym, todo_num = deque(), deque()
    sym_keys, num_keys = {}, {}

    def settings_of(i):
        seeds = numeric["seed"]
        return {**numeric, "seed": seeds[i] if isinstance(seeds, list) else seeds}

    for i, claim in enumerate(claims):
        key = None
        if symbolic and cache:
            key = cache_module.symbolic_key(claim, budget=symbolic_budget, memory_limit=memory_limit)
        hit = cache.get(key) if key else None
        if hit is not None:
            board.symbolic[i] = (*hit, True)
        elif symbolic:
            sym_keys[i] = key
            todo_sym.append(i)
        if numeric is not None:
            key = cache_module.numeric_key(claim, memory_limit=memory_limit, **settings_of(i)) if cache else None
            hit = cache.get(key) if key else None
            if hit is not None:
                board.numeric[i] = (*hit, True)
            else:
                num_keys[i] = key
                todo_num.append(i)
    sym_lanes = [SymbolicLane(symbolic_budget, memory_limit) for _ in range(min(jobs, len(todo_sym)))]
    num_lanes = [NumericWorker(memory_limit=memory_limit) for _ in range(min(jobs, len(todo_num)))]
    finished = False
    try:
        while True:
            for i in board.ready():
                on_ready(i, board.symbolic.pop(i, None), board.numeric.pop(i, None))
            if board.next == board.count:
                break
            for lane in sym_lanes:
                while lane.busy is None and todo_sym:
                    i = todo_sym.popleft()
                    failed = lane.submit(i, claims[i])
                    if failed is not None:
                        board.symbolic[i] = (failed, 0.0, False)
            for lane in num_lanes:
                while lane.busy is None and todo_num:
                    i = todo_num.popleft()
                    failed = lane.submit(i, claims[i], budget=numeric["budget"], seed=settings_of(i)["seed"],
                                         instances=numeric["instances"], confirm_seconds=numeric["confirm_seconds"])
                    if failed is not None:
                        board.numeric[i] = (failed, 0.0, False)
            _wait_any([*sym_lanes, *num_lanes])
            for lane in sym_lanes:
                if lane.busy is not None:
                    i = lane.busy
                    got = lane.poll()
                    if got is not None:
                        result, seconds, about_claim = got
                        if about_claim and sym_keys.get(i) and cache_module.cacheable(result):
                            cache.put(sym_keys[i], (result, seconds))
                        board.symbolic[i] = (result, seconds, False)
            for lane in num_lanes:
                if lane.busy is not None:
                    i = lane.busy
                    got = lane.poll()
                    if got is not None:
                        result, seconds = got
                        if num_keys.get(i) and cache_module.cacheable(result):
                            cache.put(num_keys[i], (result, seconds))
                        board.numeric[i] = (result, seconds, False)
        finished = True
    finally:
        for lane in [*num_lanes, *sym_lanes]:
            lane.close(kill=not finished)


def run_symbolic(claims: list[Claim], *, budget: float = 30.0, memory_limit: float | None = MEMORY_LIMIT,
                 jobs: int = 1, cache=None) -> list[tuple[SymbolicResult, float]]:
    """The symbolic path alone for each claim, `jobs` at a time: [(result, seconds), ...] in order."""
    out: list = [None] * len(claims)

    def ready(i, symbolic, _numeric):
        out[i] = symbolic[:2]

    _schedule(list(claims), jobs=jobs, symbolic_budget=budget, memory_limit=memory_limit, numeric=None,
              cache=cache, on_ready=ready)
    return out


def run_numeric(tasks: list[tuple[Claim, int]], *, instances: int = 64, budget: float = 600.0,
                memory_limit: float | None = MEMORY_LIMIT, confirm_seconds: float = CONFIRM_SECONDS,
                jobs: int = 1, cache=None, progress: Callable[[int, NumericResult], None] | None = None
                ) -> list[tuple[NumericResult, float, bool]]:
    """The numeric path alone (with exact confirmation) of each `(claim, seed)` in `tasks`, on
    `jobs` numeric workers: `[(result, seconds, from the cache), ...]` in the order of `tasks`,
    and `progress(index, result)` called in that order as results become known.  Seed sweeps
    use it for every seed after the first."""
    tasks = list(tasks)
    out: list = [None] * len(tasks)

    def ready(i, _symbolic, numeric):
        out[i] = numeric
        if progress:
            progress(i, numeric[0])

    settings = {"seed": [seed for _, seed in tasks], "instances": instances, "budget": budget,
                "confirm_seconds": confirm_seconds}
    _schedule([claim for claim, _ in tasks], jobs=jobs, symbolic_budget=0.0, memory_limit=memory_limit,
              numeric=settings, cache=cache, on_ready=ready, symbolic=False)
    return out


def check_claim(claim: Claim, *, seed: int = 0, instances: int = 64, symbolic_budget: float = 30.0,
                numeric_budget: float = 600.0, memory_limit: float | None = MEMORY_LIMIT) -> ClaimResult:
    """Both paths and the verdict for one claim (each path in its own budgeted process)."""
    return run_claims([claim], seed=seed, instances=instances, symbolic_budget=symbolic_budget,
                      numeric_budget=numeric_budget, memory_limit=memory_limit)[0]


def run_claims(claims: list[Claim], *, seed: int = 0, instances: int = 64, symbolic_budget: float = 30.0,
               numeric_budget: float = 600.0, memory_limit: float | None = MEMORY_LIMIT,
               progress: Callable[[ClaimResult], None] | None = None,
               confirm_seconds: float = CONFIRM_SECONDS, jobs: int = 1, cache=None) -> list[ClaimResult]:
    """Check every claim, `jobs` at a time; results in the order given, and `progress` called with
    each result in that order as soon as it and every claim before it are known.

    Each claim's symbolic path gets `symbolic_budget` seconds and its numeric path
    `numeric_budget` seconds; each child process may use `memory_limit` GiB of resident memory
    (None: no limit).  A numeric counterexample is re-evaluated exactly for at most
    `confirm_seconds` (see `verify.verdict.confirm_exactly`).  With a `cache`
    (`verify.cache.ResultCache`), a path whose result is stored under the same claim content,
    engine and settings is not run again.  If this call is interrupted (KeyboardInterrupt, or any
    exception from `progress`), every child process is killed before the exception propagates."""
    claims = list(claims)
    results: list[ClaimResult] = []
    settings = {"seed": seed, "instances": instances, "budget": numeric_budget, "confirm_seconds": confirm_seconds}

    def ready(i, symbolic, numeric):
        (sym, t_sym, sym_hit), (num, t_num, num_hit) = symbolic, numeric
        verdict, reason = combine(sym, num)
        cached = tuple(name for name, hit in (("symbolic", sym_hit), ("numeric", num_hit)) if hit)
        results.append(ClaimResult(claims[i], verdict, reason, sym, num, seed, instances, t_sym, t_num, cached))
        if progress:
            progress(results[-1])

    _schedule(claims, jobs=jobs, symbolic_budget=symbolic_budget, memory_limit=memory_limit, numeric=settings,
              cache=cache, on_ready=ready)
    return results
