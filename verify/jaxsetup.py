"""JAX settings for dlverify, applied once at the edges (the CLI and the tests' conftest).

* float64 everywhere (`jax_enable_x64`).
* Instances are tiny, so XLA's compile time dominates the numeric path: optimisation level 0
  roughly halves it and changes no result beyond rounding.  A persistent compilation cache (of the
  compilations over 0.2 s) makes the second run of the same claims much faster.  Both are skipped when the user set them.
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
        # not the 20 ms compilations of single primitives (eager evaluation, verify.numeric.EAGER_KINDS):
        # writing hundreds of them to disk made a first `dlverify mutate all` take ten minutes
        # instead of six, more than reading them back saves on a rerun
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.2)
