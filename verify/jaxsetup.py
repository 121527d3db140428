"""JAX settings for dlverify, applied once at the edges (the CLI and the tests' conftest).

* float64 everywhere (`jax_enable_x64`).
* Instances are tiny, so XLA's compile time dominates the numeric path: optimisation level 0
  roughly halves it and changes no result beyond rounding.  A persistent compilation cache (every
  compilation, however short) makes the second run of the same claims much faster.  Both are skipped when the user set them.
"""

from __future__ import annotations

import os
from pathlib import Path


def configure() -> None:
    os.environ.setdefault("XLA_FLAGS", "--xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true")
    import jax

    jax.config.update("jax_enable_x64", True)
    cache = os.environ.get("DLVERIFY_JAX_CACHE", str(Path.home() / ".cache" / "dlverify" / "jax"))
    if cache and cache != "off":
        jax.config.update("jax_compilation_cache_dir", cache)
        # every compilation, even the 20 ms of one primitive at one shape: eagerly evaluated claims
        # (see verify.numeric.EAGER_KINDS) compile each operation once per shape, and reading them
        # back halves the numeric path of a rerun or of `dlverify mutate` after a `run`
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
