"""One walker over SymPy claims, two backends: exact SymPy matrices and JAX arrays.

`evaluate(expr, env, backend)` computes the value of a claim expression once every symbol has a
value in `env` (matrix symbols and scalar symbols by name, dimension symbols as ints).  The
symbolic path evaluates with `EXACT` on explicit matrices of SymPy symbols (or rationals);
the numeric path with `JAX` on float64 arrays, inside `jit`/`vmap`.  Every SymPy node the
engine understands appears once, in `_evaluate`; everything backend-specific is a row of the
two `Backend` tables, so the lowering to JAX and the exact instantiation cannot drift apart.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce
from typing import Any, Callable, Mapping

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix, DiagonalMatrix, DiagonalOf
from sympy.matrices.exceptions import NonInvertibleMatrixError
from sympy.matrices.expressions.matexpr import MatrixElement

from ._errors import EvaluationError, ShapeMismatch
from .linalg_nodes import EXACT_FUNCTIONS as EXACT_LINALG
from .linalg_nodes import jax_functions as jax_linalg_functions
from .quadrature import SPECIAL_FUNCTIONS, integral, jax_special_functions, series
from .nodes import Grad, Jacobian, ScalarGrad, is_scalar_variable, logsumexp, sigmoid, softmax, softplus


@dataclass(frozen=True)
class Backend:
    name: str
    add: Callable[[Any, Any], Any]
    const: Callable[[Any], Any]
    matrix: Callable[[list[list[Any]]], Any]
    matmul: Callable[[Any, Any], Any]
    transpose: Callable[[Any], Any]
    inverse: Callable[[Any], Any]
    eye: Callable[[int], Any]
    full: Callable[[int, int, Any], Any]
    elementwise: Callable[[Callable[[Any], Any], Any], Any]
    hadamard: Callable[[Any, Any], Any]
    diag_from_vector: Callable[[Any], Any]
    diag_of: Callable[[Any], Any]
    trace: Callable[[Any], Any]
    det: Callable[[Any], Any]
    entry: Callable[[Any, int, int], Any]
    grad: Callable[[Callable[[Any], Any], Any], Any]
    jacobian: Callable[[Callable[[Any], Any], Any], Any]
    functions: Mapping[type, Callable[..., Any]]
    is_matrix: Callable[[Any], bool]


def _evaluate(expr, env: Mapping[str, Any], be: Backend):
    ev = lambda e: _evaluate(e, env, be)  # noqa: E731
    if isinstance(expr, (sp.MatrixSymbol, sp.Symbol)):
        name = str(expr.name)
        if name not in env:
            raise EvaluationError(f"no value for symbol {name!r}")
        value = env[name]
        if isinstance(value, int) and be.name == "exact":  # a size: keep 1/m exact, not 0.333...
            return sp.Integer(value)
        return value
    if isinstance(expr, (int, float)):
        return be.const(expr)
    if isinstance(expr, sp.Number) or expr in (sp.pi, sp.E):
        return be.const(expr)
    if isinstance(expr, sp.MatrixBase):
        return be.matrix([[ev(expr[i, j]) for j in range(expr.cols)] for i in range(expr.rows)])
    if isinstance(expr, sp.Identity):
        return be.eye(_dim(expr.rows, env))
    if isinstance(expr, sp.ZeroMatrix):
        return be.full(_dim(expr.rows, env), _dim(expr.cols, env), 0)
    if isinstance(expr, sp.OneMatrix):
        return be.full(_dim(expr.rows, env), _dim(expr.cols, env), 1)
    if isinstance(expr, (sp.Add, sp.MatAdd, sp.MatMul, sp.Mul, sp.HadamardProduct)):
        combine = {sp.Add: be.add, sp.MatAdd: be.add, sp.HadamardProduct: be.hadamard}.get(
            type(expr), lambda a, b: _product(a, b, be))
        values = [ev(a) for a in expr.args]
        try:
            return reduce(combine, values)
        except ShapeMismatch as exc:
            raise ShapeMismatch(f"{_show(expr)} is ill-formed: {exc}") from None
    if isinstance(expr, sp.HadamardPower):  # A.applyfunc(x**2) and A o A arrive as this
        exponent = ev(expr.exp)
        return be.elementwise(lambda v: v ** exponent, ev(expr.base))
    if isinstance(expr, sp.Transpose):
        return be.transpose(ev(expr.arg))
    if isinstance(expr, sp.Inverse):
        return _square_op(expr, be.inverse, ev(expr.arg))
    if isinstance(expr, sp.MatPow):
        return _matpow(ev(expr.base), expr.exp, be)
    if isinstance(expr, sp.Pow):
        base = ev(expr.base)
        if expr.exp.is_Integer:  # integer powers stay exact and keep negative bases real
            return base ** int(expr.exp)
        return base ** ev(expr.exp)
    if isinstance(expr, MatrixElement):
        parent, i, j = ev(expr.parent), _dim(expr.i, env), _dim(expr.j, env)
        rows, cols = _shape(parent) if len(_shape(parent)) == 2 else (1, 1)
        if not (0 <= int(i) < rows and 0 <= int(j) < cols):
            # JAX clamps an index out of range to the last row or column: the entry of another
            # formula would be checked.  Every backend refuses it alike.
            raise ShapeMismatch(f"entry ({int(i)}, {int(j)}) of {expr.parent}, which is {rows} x {cols} here")
        return be.entry(parent, i, j)
    if isinstance(expr, ElementwiseApplyFunction):
        lam = expr.function
        (var,) = lam.variables
        fn = lambda value: _evaluate(lam.expr, {**env, str(var.name): value}, be)  # noqa: E731
        return be.elementwise(fn, ev(expr.expr))
    if isinstance(expr, (DiagMatrix,)):
        return be.diag_from_vector(ev(expr.args[0]))
    if isinstance(expr, DiagonalOf):
        return be.diag_of(ev(expr.arg))
    if isinstance(expr, DiagonalMatrix):
        return be.diag_from_vector(be.diag_of(ev(expr.arg)))
    if isinstance(expr, sp.Trace):
        return _square_op(expr, be.trace, ev(expr.arg))
    if isinstance(expr, sp.Determinant):
        return _square_op(expr, be.det, ev(expr.arg))
    if isinstance(expr, sp.Sum):
        return _sum(expr, env, be)
    if isinstance(expr, sp.Integral):
        return _integral(expr, env, be)
    if isinstance(expr, (Grad, ScalarGrad)):
        return _derivative(expr.f, expr.wrt, expr.at, env, be, be.grad)
    if isinstance(expr, Jacobian):
        return _derivative(expr.y, expr.wrt, expr.at, env, be, be.jacobian)
    if isinstance(expr, sp.Piecewise):
        return _piecewise(expr, env, be)
    fn = be.functions.get(type(expr)) or _function_by_base(expr, be)
    if fn is not None:
        return fn(*[ev(a) for a in expr.args])
    raise EvaluationError(f"dlverify cannot evaluate {type(expr).__name__} nodes: {expr}")


def _square_op(expr, op, value):
    """trace, det or inverse of `value`, with the formula named when it is not square."""
    try:
        return op(value)
    except ShapeMismatch as exc:
        raise ShapeMismatch(f"{_show(expr)} is ill-formed: {exc}") from None


def _square_only(op, what: str):
    """A backend entry for an operation defined only on square matrices (trace, det, inverse):
    `ShapeMismatch` otherwise (`jnp.trace` would sum the diagonal of a 1 x 2 array)."""

    def run(a):
        shape = tuple(getattr(a, "shape", ()))
        if len(shape) != 2 or shape[0] != shape[1]:
            raise ShapeMismatch(f"the {what} of a {_dims(shape)} matrix: it is not square")
        return op(a)

    return run


def _show(expr) -> str:
    text = sp.sstr(expr)
    return text if len(text) <= 80 else f"<{type(expr).__name__} of {len(expr.args)} factors or terms>"


def _function_by_base(expr, be: Backend):
    for cls, fn in be.functions.items():
        if isinstance(expr, cls):
            return fn
    return None


def _dim(expr, env) -> int:
    """A size or an index: always a Python int (never traced), from the sizes in `env`."""
    expr = sp.sympify(expr, strict=True)
    if expr.is_Integer:
        return int(expr)
    values = {}
    for s in expr.free_symbols:
        v = env.get(str(s.name))
        if not isinstance(v, (int, sp.Integer)):
            raise EvaluationError(f"dimension or index {s} has no concrete integer value")
        values[s] = sp.Integer(v)
    value = expr.xreplace(values)
    if not value.is_Integer:
        raise EvaluationError(f"dimension or index {expr} has no concrete integer value")
    return int(value)



def _product(a, b, be: Backend):
    if be.is_matrix(a) and be.is_matrix(b):
        return be.matmul(a, b)
    if be.name == "mp" and be.is_matrix(b):  # an mpmath interval cannot multiply a numpy array itself
        return b * a
    return a * b


def _matpow(base, exponent, be: Backend):
    k = int(exponent)
    if k < 0:
        base, k = be.inverse(base), -k
    result = be.eye(_shape(base)[0])
    for _ in range(k):
        result = be.matmul(result, base)
    return result


def _shape(value):
    return tuple(value.shape)


def _sum(expr: sp.Sum, env, be: Backend):
    # Nested limits: expand the innermost first, one index at a time.
    def expand(limits, local_env):
        if not limits:
            return _evaluate(expr.function, local_env, be)
        (var, lo, hi), rest = limits[0], limits[1:]
        if hi is sp.oo:  # a series: SymPy's summation, or partial sums on the numeric backends
            inner = sp.Sum(expr.function, *rest) if rest else expr.function
            return series(inner, var, lo, local_env, be, _evaluate)
        lo_i, hi_i = _dim(lo, local_env), _dim(hi, local_env)
        parts = [expand(rest, {**local_env, str(var.name): k}) for k in range(lo_i, hi_i + 1)]
        if not parts:
            return be.const(0)
        return reduce(be.add, parts)

    return expand(list(expr.limits), dict(env))


def _integral(expr: sp.Integral, env, be: Backend):
    """A definite integral, one variable at a time (innermost first): SymPy's integrate on the exact
    backend, double-exponential quadrature on the numeric ones (verify.quadrature)."""
    (var, *ends), rest = expr.limits[0], expr.limits[1:]
    if len(ends) != 2:
        raise EvaluationError(f"the integral {_show(expr)} has no limits for {var}; dlverify evaluates definite "
                              "integrals only: give (x, a, b)")
    inner = sp.Integral(expr.function, *rest) if rest else expr.function
    return integral(inner, var, ends[0], ends[1], env, be, _evaluate)


def _piecewise(expr: sp.Piecewise, env, be: Backend):
    if be.name == "exact":
        pieces = [(_evaluate(e, env, be), _evaluate_condition(c, env, be)) for e, c in expr.args]
        return sp.Piecewise(*pieces)
    if be.name == "mp":  # numbers: the first piece whose condition holds
        for value, cond in expr.args:
            if _evaluate_condition(cond, env, be):
                return _evaluate(value, env, be)
        raise ValueError("no piece of the Piecewise applies here")
    import jax.numpy as jnp

    result = None
    for value, cond in reversed(expr.args):
        v = _evaluate(value, env, be)
        if cond is sp.true:
            result = v
        else:
            c = _evaluate_condition(cond, env, be)
            result = jnp.where(c, v, result if result is not None else jnp.nan)
    return result


_RELATIONS = {
    sp.StrictLessThan: operator.lt,
    sp.LessThan: operator.le,
    sp.StrictGreaterThan: operator.gt,
    sp.GreaterThan: operator.ge,
}


def _evaluate_condition(cond, env, be: Backend):
    if cond in (sp.true, sp.false):
        return bool(cond)
    for cls, op in _RELATIONS.items():
        if isinstance(cond, cls):
            return op(_evaluate(cond.lhs, env, be), _evaluate(cond.rhs, env, be))
    if isinstance(cond, (sp.And, sp.Or)):
        parts = [_evaluate_condition(c, env, be) for c in cond.args]
        if be.name == "exact":
            return (sp.And if isinstance(cond, sp.And) else sp.Or)(*parts)
        if be.name == "mp":
            return all(parts) if isinstance(cond, sp.And) else any(parts)
        import jax.numpy as jnp

        return reduce(jnp.logical_and if isinstance(cond, sp.And) else jnp.logical_or, parts)
    raise EvaluationError(f"dlverify cannot evaluate the condition {cond}")


def _derivative(f, wrt, at, env, be: Backend, op):
    name = str(wrt.name)
    point = _evaluate(at, env, be)
    # A scalar variable is differentiated as a 1 x 1 matrix whose entry is the scalar: each
    # backend's grad and jacobian then serve it unchanged (a k x 1 Jacobian, a 1 x 1 gradient,
    # read back as a scalar).
    scalar = is_scalar_variable(wrt)
    if scalar:
        if be.is_matrix(point):
            raise ShapeMismatch(f"the derivative in the scalar {name} is taken at a {_dims(_shape(point))} matrix")
        point = be.matrix([[point]])

    def as_function(value):
        result = _evaluate(f, {**env, name: be.entry(value, 0, 0) if scalar else value}, be)
        if be.is_matrix(result) and _shape(result) == (1, 1) and op is be.grad:
            return be.entry(result, 0, 0)
        return result

    out = op(as_function, point)
    return be.entry(out, 0, 0) if scalar and op is be.grad else out


def evaluate(expr, env: Mapping[str, Any], backend: Backend):
    """Value of `expr` with every symbol looked up by name in `env`."""
    return _evaluate(expr, env, backend)


# --- exact backend: explicit SymPy matrices -------------------------------------------------


def _exact_grad(f, point):
    dummies = sp.Matrix(point.rows, point.cols, lambda i, j: sp.Dummy(f"d{i}{j}", real=True))
    value = sp.sympify(f(sp.ImmutableMatrix(dummies)), strict=True)
    grad = dummies.applyfunc(lambda d: sp.diff(value, d))
    return sp.ImmutableMatrix(grad.xreplace(dict(zip(dummies, point))))


def _exact_jacobian(f, point):
    dummies = sp.Matrix(point.rows, point.cols, lambda i, j: sp.Dummy(f"d{i}{j}", real=True))
    y = f(sp.ImmutableMatrix(dummies))
    jac = sp.Matrix(y.rows, point.rows, lambda i, j: sp.diff(y[i, 0], dummies[j, 0]))
    return sp.ImmutableMatrix(jac.xreplace(dict(zip(dummies, point))))


def _exact_const(value):
    return sp.nsimplify(value) if isinstance(value, float) else sp.sympify(value, strict=True)


def _exact_inverse(m):
    if m.rows > 3:
        return sp.ImmutableMatrix(m.inv())
    det = m.det(method="berkowitz")
    if not (det.is_rational_function() and all(isinstance(a, (sp.Symbol, sp.Rational)) for a in det.atoms())):
        return sp.ImmutableMatrix(m.inv(method="ADJ"))
    # SymPy's own test of the determinant (`equals(0)`, which simplifies) took most of a small
    # claim's proof; for a rational function of symbols over the rationals, cancelling decides it
    if sp.cancel(det) == 0:
        raise NonInvertibleMatrixError("Matrix det == 0; not invertible.")
    return sp.ImmutableMatrix(m.adjugate(method="berkowitz") / det)


def _exact_checked(op):
    def checked(a, b):
        shape_a, shape_b = getattr(a, "shape", ()), getattr(b, "shape", ())
        if op is not _mul and shape_a != shape_b:
            raise ShapeMismatch(f"shapes {_dims(shape_a)} and {_dims(shape_b)} differ")
        if op is _mul and shape_a and shape_b and shape_a[1] != shape_b[0]:
            raise ShapeMismatch(f"cannot multiply {_dims(shape_a)} by {_dims(shape_b)}")
        return op(a, b)

    return checked


def _mul(a, b):
    return a * b


def _dims(shape) -> str:
    return " x ".join(str(d) for d in shape) if shape else "scalar"


EXACT = Backend(
    name="exact",
    add=_exact_checked(operator.add),
    const=_exact_const,
    matrix=lambda rows: sp.ImmutableMatrix(rows),
    matmul=lambda a, b: sp.ImmutableMatrix(_exact_checked(_mul)(a, b)),
    transpose=lambda a: a.T,
    inverse=_square_only(_exact_inverse, "inverse"),
    eye=lambda n: sp.ImmutableMatrix(sp.eye(n)),
    full=lambda r, c, v: sp.ImmutableMatrix(sp.Matrix(r, c, [v] * (r * c))),
    elementwise=lambda fn, a: sp.ImmutableMatrix(a.applyfunc(fn)),
    hadamard=lambda a, b: sp.ImmutableMatrix(_exact_checked(lambda x, y: x.multiply_elementwise(y))(a, b)),
    diag_from_vector=lambda v: sp.ImmutableMatrix(sp.diag(*list(v))),
    diag_of=lambda a: sp.ImmutableMatrix([a[i, i] for i in range(min(a.shape))]),
    trace=_square_only(lambda a: a.trace(), "trace"),
    det=_square_only(lambda a: a.det(), "determinant"),
    entry=lambda a, i, j: a[i, j],
    grad=_exact_grad,
    jacobian=_exact_jacobian,
    functions={
        sp.exp: sp.exp,
        sp.log: sp.log,
        sp.tanh: sp.tanh,
        sp.sin: sp.sin,
        sp.cos: sp.cos,
        sp.Abs: sp.Abs,
        sp.sign: sp.sign,
        sp.Max: sp.Max,
        sp.Min: sp.Min,
        sigmoid: sigmoid,
        softplus: softplus,
        logsumexp: lambda v: logsumexp(v).rewrite(sp.exp),
        softmax: lambda v: softmax(v).rewrite(sp.exp),
        sp.Heaviside: sp.Heaviside,
        **EXACT_LINALG,  # pinv, eigvecs, eigvals (verify.linalg_nodes)
        **{f: f for f in SPECIAL_FUNCTIONS},
    },
    is_matrix=lambda v: isinstance(v, sp.MatrixBase),
)


# --- JAX backend ------------------------------------------------------------------------------


def _jax_backend() -> Backend:
    import jax
    import jax.numpy as jnp
    import jax.scipy.special

    def grad(f, point):
        return jax.grad(f)(point)

    def jacobian(f, point):
        y_of_x = lambda v: f(v)[:, 0]  # noqa: E731  (k x 1) -> (k,)
        jac = jax.jacrev(y_of_x)(point)  # (k, n, 1)
        return jac[:, :, 0]

    def const(value):
        if isinstance(value, sp.Basic):
            value = float(value)
        return jnp.asarray(value, dtype=jnp.float64)

    def checked(op, what):
        def run(a, b):
            shape_a, shape_b = jnp.shape(a), jnp.shape(b)
            if what == "matmul":
                if shape_a[1] != shape_b[0]:
                    raise ShapeMismatch(f"cannot multiply {_dims(shape_a)} by {_dims(shape_b)}")
            elif shape_a != shape_b and shape_a != () and shape_b != ():
                # a scalar may broadcast: inside an elementwise function (1 - tanh(t)**2) the JAX
                # backend applies the body to the whole array at once
                raise ShapeMismatch(f"shapes {_dims(shape_a)} and {_dims(shape_b)} differ")
            return op(a, b)

        return run

    return Backend(
        name="jax",
        add=checked(jnp.add, "add"),
        const=const,
        matrix=lambda rows: jnp.stack([jnp.stack([jnp.asarray(x, jnp.float64) for x in r]) for r in rows]),
        matmul=checked(jnp.matmul, "matmul"),
        transpose=lambda a: jnp.swapaxes(a, -1, -2),
        inverse=_square_only(jnp.linalg.inv, "inverse"),
        eye=lambda n: jnp.eye(n, dtype=jnp.float64),
        full=lambda r, c, v: jnp.full((r, c), float(v), dtype=jnp.float64),
        elementwise=lambda fn, a: fn(a),
        hadamard=checked(jnp.multiply, "hadamard"),
        diag_from_vector=lambda v: jnp.diag(jnp.reshape(v, (-1,))),
        diag_of=lambda a: jnp.diagonal(a)[:, None],
        trace=_square_only(jnp.trace, "trace"),
        det=_square_only(jnp.linalg.det, "determinant"),
        entry=lambda a, i, j: a[i, j],
        grad=grad,
        jacobian=jacobian,
        functions={
            sp.exp: jnp.exp,
            sp.log: jnp.log,
            sp.tanh: jnp.tanh,
            sp.sin: jnp.sin,
            sp.cos: jnp.cos,
            sp.Abs: jnp.abs,
            sp.sign: jnp.sign,
            sp.Max: lambda *a: reduce(jnp.maximum, a),
            sp.Min: lambda *a: reduce(jnp.minimum, a),
            sigmoid: jax.nn.sigmoid,
            softplus: jax.nn.softplus,
            logsumexp: lambda v: jax.scipy.special.logsumexp(v),
            softmax: lambda v: jax.nn.softmax(v, axis=0),
            sp.Heaviside: lambda x, h0=0.5: jnp.heaviside(x, h0),
            **jax_linalg_functions(),  # pinv, eigvecs, eigvals (verify.linalg_nodes)
            **jax_special_functions(),
        },
        is_matrix=lambda v: getattr(v, "ndim", 0) == 2,
    )


_JAX: Backend | None = None


def jax_backend() -> Backend:
    """The JAX backend (built on first use, so that importing dlverify does not import JAX)."""
    global _JAX
    if _JAX is None:
        _JAX = _jax_backend()
    return _JAX
