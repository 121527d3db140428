"""dlverify: check the mathematics of deep learning symbolically (SymPy) and numerically (JAX).

Public API (re-exports only)::

    from verify import Claim, Identity, Gradient, Derivation, Minimiser, Expectation
    from verify import Property, Inequality, Algorithmic, Shape, Grad, Jacobian, scalar, domains
    from verify import sigmoid, softplus, logsumexp, softmax
    from verify import SumOver  # how a report prints a sum over a family (tex_names)
    from verify import pinv, eigvecs, eigvals
    from verify import ExpectationOver, Expected, Normal, Uniform, Bernoulli, Binomial, Poisson
    from verify import Categorical, Deterministic
"""

import importlib

# Loaded on first use (PEP 562): `import verify._forkserver` or `verify._errors` must not import
# SymPy, so that the CLI can start its worker processes before its own heavy imports.
_EXPORTS = {
    "domains": (".domains", None),
    "ClaimDefinitionError": ("._errors", "ClaimDefinitionError"),
    "SelectorError": ("._errors", "SelectorError"),
    **{name: (".claim", name) for name in ("Algorithmic", "Claim", "Derivation", "Expectation", "Gradient",
                                           "Identity", "Inequality", "Minimiser", "Property", "Shape")},
    **{name: (".distributions", name) for name in ("Bernoulli", "Binomial", "Categorical", "Deterministic",
                                                   "ExpectationOver", "Expected", "Normal", "Poisson", "Uniform")},
    **{name: (".nodes", name) for name in ("Grad", "Jacobian", "logsumexp", "scalar", "sigmoid", "softmax",
                                           "softplus")},
    "SumOver": (".texnames", "SumOver"),
    **{name: (".linalg_nodes", name) for name in ("eigvals", "eigvecs", "pinv")},
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    try:
        module, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'verify' has no attribute {name!r}") from None
    value = importlib.import_module(module, __name__)
    if attribute is not None:
        value = getattr(value, attribute)
    globals()[name] = value
    return value


def __dir__():
    return sorted({*globals(), *_EXPORTS})
