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
from sympy.matrices.expressions.matexpr import MatrixElement, MatrixExpr


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
    """The logistic function 1 / (1 + exp(-x)).

    An opaque node for printing and for the JAX lowering (`jax.nn.sigmoid`, stable for large |x|);
    the symbolic path's reducers rewrite it as 1 / (1 + exp(-x)) (`definitions_in_exp`), so that
    identities between sigmoid, exp, log and tanh reduce like the exp forms they stand for."""

    def fdiff(self, argindex=1):
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return 1 / (1 + sp.exp(-x))

    def _eval_is_extended_real(self):
        return self.args[0].is_extended_real

    def _eval_is_positive(self):
        # 1 / (1 + exp(-x)) lies in (0, 1) for every finite real x (sigmoid(-oo) = 0 is not positive)
        return True if self.args[0].is_real else None

    def _eval_is_finite(self):
        return True if self.args[0].is_extended_real else None

    def _latex(self, printer, exp=None):
        tex = r"\sigma\left(%s\right)" % printer._print(self.args[0])
        return tex if exp is None else r"%s^{%s}" % (tex, exp)


class softplus(sp.Function):
    """log(1 + exp(x)), the smooth ReLU; its derivative is sigmoid(x).

    Lowered to `jax.nn.softplus` (stable: no overflow of exp(x) for large x); the symbolic path's
    reducers rewrite it as log(1 + exp(x))."""

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return sp.log(1 + sp.exp(x))

    def _eval_rewrite_as_log(self, x, **kwargs):
        return sp.log(1 + sp.exp(x))

    def _eval_evalf(self, prec):
        return self.rewrite(sp.exp)._eval_evalf(prec)

    def _eval_is_extended_real(self):
        return self.args[0].is_extended_real

    def _eval_is_positive(self):
        return True if self.args[0].is_real else None

    def _eval_is_finite(self):
        return True if self.args[0].is_real else None

    def _latex(self, printer, exp=None):
        tex = r"\operatorname{softplus}\left(%s\right)" % printer._print(self.args[0])
        return tex if exp is None else r"%s^{%s}" % (tex, exp)


def _column_vector(v, name: str):
    """`v` as a SymPy matrix expression with one column, or a TypeError that says what to give."""
    v = sp.sympify(v, strict=True)
    shape = getattr(v, "shape", None) if getattr(v, "is_Matrix", False) else None
    if shape is None:
        raise TypeError(f"{name}: {v} is a scalar; {name} takes a column vector (an n x 1 matrix), e.g. "
                        f"{name}(sp.MatrixSymbol('x', n, 1))")
    cols = shape[1]
    if not (isinstance(cols, (int, sp.Integer)) and int(cols) == 1):
        rows = shape[0]
        hint = " (a row vector: transpose it)" if isinstance(rows, (int, sp.Integer)) and int(rows) == 1 else ""
        raise TypeError(f"{name}: {v} is {rows} x {cols}, not a column vector{hint}; {name} takes a column vector "
                        "(an n x 1 matrix, with the 1 written literally)")
    return v


def _entries_of(v):
    return list(v) if isinstance(v, sp.MatrixBase) else None


class logsumexp(sp.Expr):
    """log(sum_i exp(v_i)) of a column vector v: a scalar.

    Lowered to `jax.scipy.special.logsumexp` (stable: the largest entry is subtracted first); the
    exact backend builds log(exp(v_1) + ... + exp(v_n)) from the entries, so the symbolic path
    reduces it as that exp/log form."""

    is_commutative = True

    def __new__(cls, v):
        return super().__new__(cls, _column_vector(v, "logsumexp"))

    arg = property(lambda self: self.args[0])

    def doit(self, **hints):
        return self

    def _eval_rewrite_as_exp(self, v, **kwargs):
        entries = _entries_of(v)
        return self if entries is None else sp.log(sp.Add(*[sp.exp(e) for e in entries]))

    def _eval_evalf(self, prec):
        rewritten = self.rewrite(sp.exp)
        return None if rewritten is self else rewritten._eval_evalf(prec)

    def _eval_derivative(self, s):
        entries = _entries_of(self.arg)
        if entries is None:  # symbolic size: no entries to differentiate (the backends do it)
            return sp.Derivative(self, s) if s in self.free_symbols else sp.Integer(0)
        return sp.diff(self._eval_rewrite_as_exp(self.arg), s)

    def _latex(self, printer, exp=None):
        tex = r"\operatorname{logsumexp}\left(%s\right)" % printer._print(self.arg)
        return tex if exp is None else r"%s^{%s}" % (tex, exp)


class softmax(MatrixExpr):
    """exp(v) / sum_i exp(v_i) of a column vector v: a column vector of the same shape.

    Lowered to `jax.nn.softmax(v, axis=0)` (stable: the largest entry is subtracted first); the
    exact backend builds exp(v_i) / (exp(v_1) + ... + exp(v_n)) entry by entry, so the symbolic
    path reduces it as that exp form."""

    def __new__(cls, v):
        return super().__new__(cls, _column_vector(v, "softmax"))

    arg = property(lambda self: self.args[0])
    shape = property(lambda self: self.args[0].shape)

    def doit(self, **hints):
        return self

    def _entry(self, i, j, **kwargs):
        return MatrixElement(self, i, j)

    def _eval_rewrite_as_exp(self, v, **kwargs):
        entries = _entries_of(v)
        if entries is None:
            return self
        exps = [sp.exp(e) for e in entries]
        return sp.ImmutableMatrix(len(exps), 1, [e / sp.Add(*exps) for e in exps])

    def _latex(self, printer):
        return r"\operatorname{softmax}\left(%s\right)" % printer._print(self.arg)


def scalar(expr):
    """A 1 x 1 matrix expression (a quadratic form, an inner product) read as a scalar."""
    if getattr(expr, "shape", None) != (1, 1):
        raise TypeError(f"scalar(): expected a 1 x 1 matrix expression, got shape {getattr(expr, 'shape', None)}")
    from sympy.matrices.expressions.matexpr import MatrixElement

    return MatrixElement(expr, 0, 0)
