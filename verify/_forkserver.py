"""The forkserver every worker process is forked from, and how it is started.

Kept apart from `_worker` and light to import (no SymPy, no JAX): the CLI starts the forkserver
before it imports anything heavy itself, so that the forkserver's own imports of JAX and SymPy
(1.5-2 s) run beside the CLI's loading of the claims instead of after it.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import sys
import types

PRELOAD = ["numpy", "sympy", "jax", "jax.numpy", "cloudpickle", "verify.numeric", "verify.verdict",
           "verify.jaxsetup", "verify._worker", "verify.symbolic", "verify.runner"]

FORKSERVER = mp.get_context("forkserver")
HASH_SEED = "0"  # PYTHONHASHSEED of every worker process: see deterministic_start


def deterministic_start(proc) -> None:
    """Start a forkserver process whose interpreter hashes strings the same way in every run.

    Python randomises string hashes per interpreter, and SymPy orders some terms and the
    iteration of some sets by hash: the same claim could then take another route through SymPy
    (another proof step, another time) in every run.  The forkserver is a fresh interpreter that
    inherits the environment when it first starts, and every worker is forked from it, so
    PYTHONHASHSEED is set just for that start.  multiprocessing also re-runs the caller's
    `__main__` in a forkserver child (a script without an `if __name__ == "__main__"` guard would
    start itself again; the CLI would re-import Typer); workers need nothing from it (claims
    defined there travel by value), so it is hidden for the start."""
    with _forkserver_environment():
        proc.start()


def start_forkserver() -> None:
    """Start the forkserver now, as the first worker would (see `deterministic_start`), so that its
    imports of JAX and SymPy (about 2 s) overlap the caller's own work, such as loading claims and
    looking them up in the result cache; nothing when it already runs."""
    from multiprocessing import forkserver

    with _forkserver_environment():
        forkserver.ensure_running()


@contextlib.contextmanager
def _forkserver_environment():
    FORKSERVER.set_forkserver_preload(PRELOAD)  # no effect once the forkserver runs
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    previous = os.environ.get("PYTHONHASHSEED")
    os.environ["PYTHONHASHSEED"] = HASH_SEED
    try:
        yield
    finally:
        sys.modules["__main__"] = main
        if previous is None:
            del os.environ["PYTHONHASHSEED"]
        else:
            os.environ["PYTHONHASHSEED"] = previous
