"""Child processes with a CPU-time budget and a memory limit; the numeric worker.

Both paths of a claim run outside the calling process, so that a check that hangs, crashes or
eats memory costs its budget and nothing else:

* the symbolic path in children forked from a zygote (`runner.SymbolicLane`);
* the numeric path in a persistent *numeric worker*, started from a forkserver that has imported
  JAX, SymPy and the engine but never initialised JAX: XLA's threads do not survive a fork, so a
  process that has started JAX must never fork a JAX user (the forkserver itself is a fresh
  interpreter, so this holds even when the caller, e.g. pytest, has started JAX).  Claims travel
  to the worker pickled with `cloudpickle`, which sends their lambdas, builder closures and the
  functions of user claim files by value.

`wait_for` is the one place that waits on a child, for both paths: it polls the child's pipe,
whether it is alive, its CPU time and its resident memory, and kills it over the budget or the
memory limit.  Budgets count CPU seconds, not the clock, so that whether a check finishes does
not depend on the machine's load (a wall-clock limit of several budgets still stops a check that
is blocked without using the CPU).

Why resident memory polled from /proc and not `setrlimit(RLIMIT_AS)`: XLA reserves about 1.7 GiB
of address space when it starts (JAX aborts with `std::bad_alloc` under a 1 GiB RLIMIT_AS), so
an address-space limit of "8 GiB" would mean about 6.3 GiB of real memory in the worker and
8 GiB in a SymPy child, and an allocation that fails inside XLA aborts the process (SIGABRT)
instead of raising, so the reason would be lost.  Polling VmRSS every 50 ms measures what the
OOM killer measures, and the parent, which does the killing, knows the reason.  A process can
overshoot the limit by what it allocates in 50 ms (a few hundred MB at most).
"""

from __future__ import annotations

import ctypes
import os
import pickle
import select
import signal
import sys
import threading
import time
import traceback
from dataclasses import replace


from .jaxsetup import configure
from .numeric import NumericResult, check_numeric
from .verdict import CONFIRM_SECONDS, confirm_exactly

GiB = 2**30
POLL_SECONDS = 0.05
WALL_FACTOR = 5  # a check with a CPU budget B is stopped after 5 B seconds of wall time (see wait_for)
# imported once by the forkserver, so a fresh worker costs a fork and JAX's backend start, not imports
from ._pickling import USER_MODULES, dumps  # noqa: F401  (re-exported: tests and runner use them here)
from ._forkserver import FORKSERVER, HASH_SEED, PRELOAD, deterministic_start, start_forkserver  # noqa: F401


# --- any child: budget, memory, death ----------------------------------------------------------------


def isolate_child(*, own_group: bool = True, owner: int | None = None) -> None:
    """Called first in a child.  It dies with its parent (Linux), so that even a `kill -9` of the
    run leaves no orphans; or with `owner`, the process that started it, when its parent is a
    forkserver (which lives as long as any of its children does, so the two would outlive the run).
    With `own_group`, it leads its own process group: a terminal's Ctrl-C goes to the parent, which
    stops the children, and `stop` kills the child with every process it started; without, it
    ignores Ctrl-C and leaves stopping to its parent."""
    if own_group:
        os.setpgid(0, 0)
    else:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not sys.platform.startswith("linux"):
        return
    if owner is None:
        try:
            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
        return
    try:
        owner_fd = os.pidfd_open(owner)  # readable once `owner` has ended
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):
        return

    def die_with_owner():
        select.select([owner_fd], [], [])
        if own_group:
            os.killpg(0, signal.SIGKILL)  # with whatever the check started
        os._exit(1)

    threading.Thread(target=die_with_owner, name="dlverify-owner-watch", daemon=True).start()


def resident_bytes(pid: int) -> int:
    """The resident memory (VmRSS) of a process; 0 where /proc cannot tell."""
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int) -> float | None:
    """The CPU time (user + system, all threads) a process has used so far; None where /proc
    cannot tell (then budgets fall back to wall-clock time)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read()
        fields = data[data.rindex(b")") + 2:].split()  # after "pid (name) ": state is fields[0]
        return (int(fields[11]) + int(fields[12])) / _TICKS
    except (OSError, ValueError, IndexError):
        return None


def exit_text(exitcode) -> str:
    if exitcode is None:
        return "exit status unknown"
    if exitcode < 0:
        try:
            return f"killed by signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"


def stop(proc) -> None:
    """Kill a child (its whole process group when it leads one) and reap it."""
    if proc.is_alive():
        try:
            if os.getpgid(proc.pid) == proc.pid:
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.kill()
        except (ProcessLookupError, PermissionError):
            pass
    proc.join()


def wait_for(conn, proc, *, budget: float, memory_limit: float | None, start: float | None = None,
             cpu_start: float = 0.0, block: bool = True):
    """`(reply, "")`: the next object `proc` sends on `conn` within its budget; or `(None, why)`,
    where `why` completes "the ... check ...", and the child has been stopped.

    The budget counts the CPU seconds `proc` has used since it had used `cpu_start`, not the
    clock: a check gets as far on a busy machine as on a quiet one, so whether it finishes does
    not depend on what else runs.  A check that uses less than 1/WALL_FACTOR of a core for
    `WALL_FACTOR * budget` seconds of wall time (started at `start`) is stopped too: it is blocked,
    or the machine is too overloaded to finish it.  Where /proc is missing, the budget counts wall
    time.  `memory_limit` is in GiB of resident memory (None: no limit).  With `block=False`, one
    look: `(None, "")` when the child is still working within its limits."""
    start = time.monotonic() if start is None else start
    limit = None if not memory_limit else memory_limit * GiB
    while True:
        wall = time.monotonic() - start
        cpu = cpu_seconds(proc.pid)
        used = wall if cpu is None else cpu - cpu_start
        if used >= budget:
            stop(proc)
            unit = "s" if cpu is None else "CPU seconds"
            return None, f"exceeded its budget of {budget:g} {unit} and was stopped"
        if cpu is not None and wall >= WALL_FACTOR * budget:
            stop(proc)
            return None, (f"used {used:.0f} CPU seconds in {wall:.0f} s of wall time (blocked, or the machine is "
                          f"overloaded) and was stopped")
        if conn.poll(min(POLL_SECONDS, max(budget - used, 0.0)) if block else 0):
            try:
                return conn.recv(), ""
            except (EOFError, OSError):
                stop(proc)
                return None, f"ended its process without a result ({exit_text(proc.exitcode)})"
        if limit is not None and resident_bytes(proc.pid) > limit:
            stop(proc)
            return None, f"exceeded the memory limit of {memory_limit:g} GiB and was stopped"
        if not proc.is_alive() and not conn.poll(0):
            stop(proc)
            return None, f"ended its process without a result ({exit_text(proc.exitcode)})"
        if not block:
            return None, ""


# --- the numeric worker ------------------------------------------------------------------------------


def error_result(exc: BaseException) -> NumericResult:
    """An engine or encoding failure as an `error`, with its cause and where it was raised."""
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" (at {os.path.basename(tb[-1].filename)}:{tb[-1].lineno})" if tb else ""
    return NumericResult("error", message=f"{type(exc).__name__}: {exc}{where}".replace("\n", " ")[:500])


def numeric_check(payload: bytes) -> NumericResult:
    """The numeric path of one pickled `(claim, seed, instances, confirm_seconds)`, its counterexample
    confirmed."""
    try:
        claim, seed, instances, confirm_seconds = pickle.loads(payload)
    except Exception as exc:
        failed = error_result(exc)
        return replace(failed, message=f"the numeric worker could not load the claim: {failed.message}")
    try:
        result = confirm_exactly(claim, check_numeric(claim, seed=seed, instances=instances), confirm_seconds)
    except Exception as exc:  # any engine or encoding failure is an `error` verdict, with its cause
        return error_result(exc)
    return replace(result, _worst_env=None)  # closures over the traced check: confirm_exactly's, not the parent's


def _serve(conn, owner: int) -> None:
    isolate_child(owner=owner)
    configure()
    while True:
        try:
            payload = conn.recv_bytes()
        except (EOFError, OSError):  # the parent is gone
            return
        if not payload:
            return
        result = numeric_check(payload)
        try:
            reply = dumps(result)
        except Exception as exc:
            reply = dumps(error_result(exc))
        conn.send_bytes(reply)


class NumericWorker:
    """One process that runs numeric checks, one claim at a time, each within a budget.

    A claim that overruns its budget or the memory limit, or kills the process, gets an `error`
    naming the cause; the next claim gets a fresh worker.  `submit` starts a claim and `poll`
    collects it without blocking, so that one parent can drive several workers; `check` does both."""

    def __init__(self, *, memory_limit: float | None = None):
        self.memory_limit = memory_limit
        self._proc = None
        self.conn = None
        self.busy = None  # the index of the claim being checked

    def _start(self) -> None:
        self.conn, child = FORKSERVER.Pipe()
        self._proc = FORKSERVER.Process(target=_serve, args=(child, os.getpid()), name="dlverify-numeric",
                                        daemon=True)
        deterministic_start(self._proc)
        child.close()

    def submit(self, index, claim, *, seed: int, instances: int, budget: float,
               confirm_seconds: float = CONFIRM_SECONDS) -> NumericResult | None:
        """Start the numeric path of `claim`; an `error` result at once when it cannot be sent."""
        try:
            payload = dumps((claim, seed, instances, confirm_seconds))
        except Exception as exc:
            failed = error_result(exc)
            return replace(failed, message=f"the claim could not be sent to the numeric worker: {failed.message}")
        for attempt in (1, 2):
            if self._proc is None:
                self._start()
            try:
                self.conn.send_bytes(payload)
                break
            except OSError:  # the worker died between two claims: one fresh start
                self.close(kill=True)
                if attempt == 2:
                    raise
        self.busy, self._started, self._budget = index, time.monotonic(), budget
        self._cpu_start = cpu_seconds(self._proc.pid) or 0.0  # the worker lives on: count from here
        return None

    def poll(self) -> tuple[NumericResult, float] | None:
        """`(result, seconds)` of the claim being checked, or None while it runs (within budget)."""
        reply, why = wait_for(self.conn, self._proc, budget=self._budget, memory_limit=self.memory_limit,
                              start=self._started, cpu_start=self._cpu_start, block=False)
        if reply is None and not why:
            return None
        if reply is None:
            self.close(kill=True)
            reply = NumericResult("error", message=f"the numeric check {why}")
        self.busy = None
        return reply, time.monotonic() - self._started

    def check(self, claim, *, seed: int, instances: int, budget: float,
              confirm_seconds: float = CONFIRM_SECONDS) -> tuple[NumericResult, float]:
        """`(result, seconds)` of the numeric path of `claim`."""
        failed = self.submit(0, claim, seed=seed, instances=instances, budget=budget, confirm_seconds=confirm_seconds)
        if failed is not None:
            return failed, 0.0
        while True:
            got = self.poll()
            if got is not None:
                return got
            self.conn.poll(POLL_SECONDS)

    def close(self, *, kill: bool = False) -> None:
        """Ask the worker to exit (or kill it) and reap it."""
        if self._proc is None:
            return
        proc, conn, self._proc, self.conn = self._proc, self.conn, None, None
        if not kill and proc.exitcode is None:
            try:
                conn.send_bytes(b"")
                proc.join(timeout=5)
            except OSError:
                pass
        stop(proc)
        conn.close()
