"""The exact and JAX backends of the one evaluator agree, and derivatives match sympy.diff."""

import re

import jax.numpy as jnp
import numpy as np
import pytest
import sympy as sp

from verify import Grad, Jacobian, sigmoid
from verify._errors import EvaluationError, ShapeMismatch
from verify.evaluate import EXACT, evaluate, jax_backend
from verify.shapes import conditions, expected_shape_conditions

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


# --- square-only operations: trace, determinant, inverse -----------------------------------------

R = sp.MatrixSymbol("R", sp.Symbol("r"), sp.Symbol("c"))  # 1 x 2 in the tests below


@pytest.mark.parametrize("expr, what", [(sp.Trace(R), "trace"), (sp.Determinant(R), "determinant"),
                                        (sp.Inverse(R), "inverse")])
@pytest.mark.parametrize("backend", ["exact", "jax"])
def test_square_only_operations_refuse_a_rectangular_matrix(expr, what, backend):
    """Defect 11: jnp.trace summed the diagonal of a 1 x 2 array, so tr(W) = tr(W^T) held there."""
    value = sp.ImmutableMatrix([[1, 2]]) if backend == "exact" else jnp.asarray([[1.0, 2.0]])
    be = EXACT if backend == "exact" else jax_backend()
    with pytest.raises(ShapeMismatch, match=rf"^{re.escape(sp.sstr(expr))} is ill-formed: the {what} of a 1 x 2 "
                                            r"matrix: it is not square$"):
        evaluate(expr, {"R": value, "r": 1, "c": 2}, be)


@pytest.mark.parametrize("backend", ["exact", "jax"])
def test_square_only_backend_entries_raise_shape_mismatch(backend):
    be = EXACT if backend == "exact" else jax_backend()
    value = sp.ImmutableMatrix([[1, 2]]) if backend == "exact" else jnp.asarray([[1.0, 2.0]])
    for op, what in ((be.trace, "trace"), (be.det, "determinant"), (be.inverse, "inverse")):
        with pytest.raises(ShapeMismatch, match=rf"the {what} of a 1 x 2 matrix: it is not square"):
            op(value)


def test_trace_and_determinant_need_a_square_matrix_for_every_size():
    n, m = sp.symbols("n m", integer=True, positive=True)
    W = sp.MatrixSymbol("W", n, m)
    for expr, what in ((sp.Trace(W), "trace"), (sp.Determinant(W), "determinant")):
        found = [c for c in conditions(expr) if not c.identically]
        assert [str(c) for c in found] == [f"the {what} of W needs n = m"]
        assert not found[0].holds_for({"n": 1, "m": 2}) and found[0].holds_for({"n": 2, "m": 2})
    assert [c for c in conditions(sp.Trace(W.T * W)) if not c.identically] == []  # m x m at every size


def test_expected_shape_conditions():
    n, m = sp.symbols("n m", integer=True, positive=True)
    W, v = sp.MatrixSymbol("W", n, m), sp.MatrixSymbol("v", m, 1)
    rows, cols = expected_shape_conditions(W * v, (n, 1), "the formula and its expected shape")
    assert (str(rows), str(cols)) == ("the formula and its expected shape (rows) needs n = n",
                                      "the formula and its expected shape (columns) needs 1 = 1")
    assert rows.identically and cols.identically
    rows, cols = expected_shape_conditions(W.T * W, (n, m), "expected")
    assert not rows.identically and cols.identically
    assert not rows.holds_for({"n": 2, "m": 3}) and rows.holds_for({"n": 3, "m": 3})
    assert str(rows) == "expected (rows) needs m = n"
    scalar_rows, scalar_cols = expected_shape_conditions(sp.Symbol("t"), (1, n), "expected")
    assert scalar_rows.identically and not scalar_cols.identically
    assert str(scalar_cols) == "expected (columns; a scalar is 1 x 1) needs 1 = n"
    assert expected_shape_conditions(W, None, "expected") == []


def test_hadamard_power_is_elementwise_on_both_backends():
    import jax.numpy as jnp

    from verify.evaluate import EXACT, evaluate, jax_backend

    v = sp.MatrixSymbol("v", 2, 1)
    square = sp.HadamardPower(v, 2)
    assert isinstance(square, sp.HadamardPower)
    assert evaluate(square, {"v": sp.ImmutableMatrix([[2], [-3]])}, EXACT) == sp.ImmutableMatrix([[4], [9]])
    assert jnp.allclose(evaluate(square, {"v": jnp.array([[2.0], [-3.0]])}, jax_backend()), jnp.array([[4.0], [9.0]]))


def test_an_entry_out_of_range_is_ill_formed_on_every_backend():
    """JAX clamps an index out of range (x^T[1, 0] would read x^T[0, 0]): a mutant or a builder that
    indexes past a matrix would be checked as another formula.  Both backends refuse it alike."""
    import jax.numpy as jnp
    from sympy.matrices.expressions.matexpr import MatrixElement

    from verify._errors import ShapeMismatch
    from verify.evaluate import EXACT, evaluate, jax_backend

    k = sp.Symbol("k", integer=True, positive=True)
    col = sp.MatrixSymbol("col", k, 1)
    past = sp.Basic.__new__(MatrixElement, col.T, sp.Integer(1), sp.Integer(0))  # SymPy's constructor refuses it
    for backend, value in ((jax_backend(), jnp.arange(1.0, 4.0).reshape(3, 1)), (EXACT, sp.Matrix([1, 2, 3]))):
        with pytest.raises(ShapeMismatch, match=r"entry \(1, 0\) of col\.T, which is 1 x 3 here"):
            evaluate(past, {"col": value, "k": 3}, backend)
        assert evaluate(col[2, 0], {"col": value, "k": 3}, backend) == 3
