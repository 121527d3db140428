import jax

# float64 everywhere, set once at the edge (the CLI does the same).
jax.config.update("jax_enable_x64", True)
