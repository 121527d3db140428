"""SymPy nodes that dlverify adds to the language of claims.

`Grad(f, x, at=p)` is the gradient of the scalar `f` with respect to the matrix symbol `x`
(same shape as `x`: denominator layout), evaluated at `x = p` when `at` is given.
`Jacobian(y, x)` is the numerator-layout Jacobian of a column vector `y` (k x 1) with respect to
a column vector `x` (n x 1): a k x n matrix with entries d y_i / d x_j.

The variable may also be a plain scalar symbol `t` (`sp.Symbol`): `Grad(f, t)` is then the
derivative df/dt, a scalar (a `ScalarGrad` node: SymPy keeps scalars and matrices apart, so a
scalar cannot be a `MatrixExpr`), and `Jacobian(y, t)` the k x 1 column dy/dt.  `at=` is then a
scalar too.

Both nodes are evaluated by the backends in `verify.evaluate`: the exact backend differentiates
with `sympy.diff` entry by entry, the JAX backend with `jax.grad` / `jax.jacrev`.  So a claim
such as "the gradient with respect to W equals x (grad_z J)^T" is checked against autodiff on
the numeric path and against SymPy's derivative on the symbolic path, from one encoding.
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr


def is_scalar_variable(wrt) -> bool:
    """Whether a variable of differentiation is a plain scalar symbol (not a MatrixSymbol)."""
    return isinstance(wrt, sp.Symbol)


class Grad(MatrixExpr):
    """Gradient of a scalar expression with respect to a matrix symbol (shape of the symbol).

    With respect to a scalar symbol it is the derivative, a scalar: the constructor returns a
    `ScalarGrad` then."""

    def __new__(cls, f, wrt, at=None):
        if is_scalar_variable(wrt):
            return ScalarGrad(f, wrt, at)
        if not isinstance(wrt, sp.MatrixSymbol):
            raise TypeError(f"Grad: differentiate with respect to a MatrixSymbol or a scalar Symbol, got {wrt!r}")
        f = sp.sympify(f, strict=True)
        at = wrt if at is None else at
        return super().__new__(cls, f, wrt, at)

    f = property(lambda self: self.args[0])
    wrt = property(lambda self: self.args[1])
    at = property(lambda self: self.args[2])
    shape = property(lambda self: self.args[1].shape)

    def doit(self, **hints):
        return self

    def _latex(self, printer):
        body = printer._print(self.f)
        nabla = r"\nabla_{%s}\left(%s\right)" % (printer._print(self.wrt), body)
        if self.at != self.wrt:
            nabla += r"\Big|_{%s = %s}" % (printer._print(self.wrt), printer._print(self.at))
        return nabla


class Jacobian(MatrixExpr):
    """Numerator-layout Jacobian d y / d x of a column vector y with respect to a column vector x
    (k x n), or with respect to a scalar symbol t (the k x 1 column d y / d t)."""

    def __new__(cls, y, wrt, at=None):
        if not isinstance(wrt, sp.MatrixSymbol) and not is_scalar_variable(wrt):
            raise TypeError(f"Jacobian: differentiate with respect to a MatrixSymbol or a scalar Symbol, got {wrt!r}")
        y = sp.sympify(y, strict=True)
        if not getattr(y, "is_Matrix", False):
            raise TypeError(f"Jacobian: {y} is a scalar; its derivative is a gradient: use Grad({y}, {wrt})")
        # A second line of defence behind claim validation (which also catches symbolic shapes):
        # the backends differentiate y[:, 0] in x[:, 0], so a matrix here would silently drop columns.
        checked = [("the differentiated expression", y)] + ([] if is_scalar_variable(wrt) else [("the variable", wrt)])
        for what, value in checked:
            cols = value.shape[1]
            if isinstance(cols, (int, sp.Integer)) and int(cols) != 1:
                rows = value.shape[0]
                raise TypeError(f"Jacobian: {what} {value} is {rows} x {cols}, not a column vector; the Jacobian is "
                                "defined for a column vector with respect to a column vector: for a matrix variable, "
                                "differentiate a scalar (e.g. a loss) or vectorise")
        at = wrt if at is None else at
        return super().__new__(cls, y, wrt, at)

    y = property(lambda self: self.args[0])
    wrt = property(lambda self: self.args[1])
    at = property(lambda self: self.args[2])
    shape = property(lambda self: (self.args[0].shape[0],
                                   1 if is_scalar_variable(self.args[1]) else self.args[1].shape[0]))

    def doit(self, **hints):
        return self

    def _latex(self, printer):
        body = r"\frac{\partial %s}{\partial %s}" % (printer._print(self.y), printer._print(self.wrt))
        if self.at != self.wrt:
            body += r"\Big|_{%s = %s}" % (printer._print(self.wrt), printer._print(self.at))
        return body


class ScalarGrad(sp.Expr):
    """The derivative df/dt of a scalar `f` (a SymPy scalar or a 1 x 1 matrix) with respect to a
    scalar symbol `t`, at `t = at`: a scalar.  Built by `Grad(f, t, at=...)`; evaluated like `Grad`
    (`sympy.diff` on the exact backend, `jax.grad` on the JAX one)."""

    is_commutative = True

    def __new__(cls, f, wrt, at=None):
        if not is_scalar_variable(wrt):
            raise TypeError(f"ScalarGrad: differentiate with respect to a scalar Symbol, got {wrt!r}")
        f = sp.sympify(f, strict=True)
        at = wrt if at is None else sp.sympify(at, strict=True)
        return super().__new__(cls, f, wrt, at)

    f = property(lambda self: self.args[0])
    wrt = property(lambda self: self.args[1])
    at = property(lambda self: self.args[2])

    def doit(self, **hints):
        return self

    def _latex(self, printer):
        body = r"\frac{\partial}{\partial %s}\left(%s\right)" % (printer._print(self.wrt), printer._print(self.f))
        if self.at != self.wrt:
            body += r"\Big|_{%s = %s}" % (printer._print(self.wrt), printer._print(self.at))
        return body


# every derivative node: (f, wrt, at) are their args, wrt bound where at differs from it
DERIVATIVE_NODES = (Grad, ScalarGrad, Jacobian)


class sigmoid(sp.Function):
    """The logistic function 1 / (1 + exp(-x))."""

    def fdiff(self, argindex=1):
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return 1 / (1 + sp.exp(-x))

    def _latex(self, printer, exp=None):
        tex = r"\sigma\left(%s\right)" % printer._print(self.args[0])
        return tex if exp is None else r"%s^{%s}" % (tex, exp)


def scalar(expr):
    """A 1 x 1 matrix expression (a quadratic form, an inner product) read as a scalar."""
    if getattr(expr, "shape", None) != (1, 1):
        raise TypeError(f"scalar(): expected a 1 x 1 matrix expression, got shape {getattr(expr, 'shape', None)}")
    from sympy.matrices.expressions.matexpr import MatrixElement

    return MatrixElement(expr, 0, 0)
