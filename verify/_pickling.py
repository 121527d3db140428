"""Pickling claims for the worker processes and the result cache.

Claims run in other processes (a forked symbolic child, a numeric worker), so each claim is
pickled with cloudpickle, which sends lambdas and builder closures, and user claim modules go by
value (the workers cannot import them: they are loaded from a path under synthetic names).  Light:
SymPy and cloudpickle only, so the registry can check at load time that a claim can be sent.
"""

from __future__ import annotations

import io
import pickle
import sys

import cloudpickle
import sympy as sp

USER_MODULES = "dlverify_user_claims."  # registry._import_file loads claim files under this prefix


def _as_built(cls, args):
    return cls(*args, evaluate=False)


def _as_node(cls, args):
    return sp.Basic.__new__(cls, *args)


class _Pickler(cloudpickle.Pickler):
    """cloudpickle, rebuilding sums, products and powers exactly as they were.  SymPy's own
    pickling calls the constructor, which evaluates: `p * p**-1` built unevaluated on purpose
    (rl.pg.log_derivative_trick multiplies and divides by p) would cancel in the worker, and the
    numeric path would check another expression than the symbolic path.  Matrix sums and products
    are rebuilt without SymPy's shape validation: an ill-formed formula (an erratum, a mutant) is
    for the engine to refute, not for the unpickler to reject."""

    def reducer_override(self, obj):
        if type(obj) in (sp.Add, sp.Mul, sp.Pow):
            return _as_built, (type(obj), obj.args)
        if type(obj) in (sp.MatMul, sp.MatAdd):
            return _as_node, (type(obj), obj.args)
        return super().reducer_override(obj)


def dumps(obj) -> bytes:
    """Pickle for the worker; the modules of user claim files go by value (the worker cannot
    import them: they are loaded from a path, under synthetic names)."""
    for name, module in list(sys.modules.items()):
        if name.startswith(USER_MODULES) and module is not None:
            cloudpickle.register_pickle_by_value(module)
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return buffer.getvalue()
