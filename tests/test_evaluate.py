"""The exact and JAX backends of the one evaluator agree, and derivatives match sympy.diff."""

import jax.numpy as jnp
import numpy as np
import pytest
import sympy as sp

from verify import Grad, Jacobian, sigmoid
from verify._errors import EvaluationError, ShapeMismatch
from verify.evaluate import EXACT, evaluate, jax_backend

A = sp.MatrixSymbol("A", 2, 2)
x = sp.MatrixSymbol("x", 2, 1)
t = sp.Symbol("t")
VALUES = {"A": [[2, 1], [sp.Rational(1, 2), 3]], "x": [[1], [-2]], "t": sp.Rational(1, 3)}

EXPRESSIONS = [
    A * x, (A.T * A).inverse() * x, sp.HadamardProduct(x, x), x.applyfunc(sp.tanh), sp.DiagMatrix(x) * A,
    sp.Trace(A) * t, A.det() + t**2, sigmoid(t) * sp.exp(-t) + sp.log(1 + t**2), sp.Max(t, 0) + sp.Abs(-t),
    Grad(x.T * A * x, x), Jacobian(x.applyfunc(sp.tanh), x), sp.Sum(sp.exp(-t) * sp.Symbol("k"), (sp.Symbol("k"), 0, 3)),
]


def envs():
    exact = {k: sp.ImmutableMatrix(v) if isinstance(v, list) else v for k, v in VALUES.items()}
    numeric = {k: jnp.asarray(np.asarray(v, dtype=float)) for k, v in VALUES.items()}
    return exact, numeric


@pytest.mark.parametrize("expr", EXPRESSIONS, ids=[sp.sstr(e)[:40] for e in EXPRESSIONS])
def test_backends_agree(expr):
    exact_env, jax_env = envs()
    exact = evaluate(expr, exact_env, EXACT)
    numeric = np.asarray(evaluate(expr, jax_env, jax_backend()), dtype=float)
    expected = np.asarray(sp.N(exact if isinstance(exact, sp.MatrixBase) else sp.Matrix([exact])), dtype=float)
    np.testing.assert_allclose(numeric.reshape(expected.shape), expected, rtol=1e-12, atol=1e-12)


def test_grad_is_sympy_diff():
    xs = sp.Matrix(2, 1, sp.symbols("x1 x2"))
    f = sp.tanh(xs[0]) * xs[1] ** 2
    g = evaluate(Grad(sp.tanh(x[0, 0]) * x[1, 0] ** 2, x), {"x": sp.ImmutableMatrix(xs)}, EXACT)
    assert sp.simplify(g - sp.Matrix([f.diff(xs[0]), f.diff(xs[1])])) == sp.zeros(2, 1)


def test_shape_mismatch_names_the_formula():
    n, m = sp.symbols("n m", integer=True, positive=True)
    W, g = sp.MatrixSymbol("W", n, m), sp.MatrixSymbol("g", n, 1)
    env = {"W": jnp.ones((3, 2)), "g": jnp.ones((3, 1)), "n": 3, "m": 2}
    with pytest.raises(ShapeMismatch, match=r"W\*g is ill-formed: cannot multiply 3 x 2 by 3 x 1"):
        evaluate(W * g, env, jax_backend())


def test_missing_symbol_is_named():
    with pytest.raises(EvaluationError, match=r"no value for symbol 'x'"):
        evaluate(A * x, {"A": jnp.eye(2)}, jax_backend())
