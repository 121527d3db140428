"""Linear-algebra functions a claim may use beyond products and inverses: the Moore-Penrose
pseudo-inverse and the eigen-decomposition of a symmetric matrix.

Each node is a SymPy `MatrixExpr` with one argument; `verify.evaluate` looks its class up in the
backends' function tables, which this module fills (`EXACT_FUNCTIONS`, `jax_functions()`), so the
two paths compute it independently:

* `pinv(A)`, A^+ (n x m for an m x n A).  Exact: the limit A^+ = lim_{d -> 0+} (A^T A + d I)^{-1} A^T
  (or A^T (A A^T + d I)^{-1} for a wide A), taken exactly: the inverse is adjugate over
  determinant, polynomials in d, and the limit is the ratio of their lowest-order coefficients.
  This holds for every rank, so it is an independent characterisation, not the normal-equations
  formula the claims test.  JAX: `jnp.linalg.pinv` (an SVD with small singular values cut).
* `eigvecs(H)` and `eigvals(H)` of a symmetric H: Q with orthonormal columns and the diagonal
  Lambda with H = Q Lambda Q^T.  Exact: SymPy's eigenvectors, orthonormalised within each
  eigenspace (Gram-Schmidt); JAX: `jnp.linalg.eigh`.  The two nodes of one H use the same order of
  eigenvalues on each backend (SymPy's for the exact one, ascending for JAX), so Q and Lambda
  always belong together.  A claim must not depend on the order or on the sign of each column
  (nor on the basis chosen in a repeated eigenspace): the backends choose differently, so a
  choice-dependent formula (Q Lambda Q without the transpose) would be checked against two
  different matrices and come out `inconsistent`.  The exact backend needs the
  eigenvalues in closed form (radicals): sizes up to 2 stay cheap; 3 x 3 and beyond are slow.
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement, MatrixExpr


def _matrix_arg(a, name: str):
    a = sp.sympify(a, strict=True)
    if not getattr(a, "is_Matrix", False):
        raise TypeError(f"{name}: {a} is a scalar; {name} takes a matrix")
    return a


class pinv(MatrixExpr):
    """The Moore-Penrose pseudo-inverse A^+ of a real m x n matrix: an n x m matrix."""

    def __new__(cls, a):
        return super().__new__(cls, _matrix_arg(a, "pinv"))

    arg = property(lambda self: self.args[0])
    shape = property(lambda self: (self.args[0].shape[1], self.args[0].shape[0]))

    def doit(self, **hints):
        return self

    def _entry(self, i, j, **kwargs):
        return MatrixElement(self, i, j)

    def _latex(self, printer):
        base = printer._print(self.arg)
        if not isinstance(self.arg, sp.MatrixSymbol):
            base = r"\left(%s\right)" % base
        return base + "^{+}"


class _SymmetricEigen(MatrixExpr):
    def __new__(cls, h):
        return super().__new__(cls, _matrix_arg(h, cls.__name__))

    arg = property(lambda self: self.args[0])
    shape = property(lambda self: self.args[0].shape)

    def doit(self, **hints):
        return self

    def _entry(self, i, j, **kwargs):
        return MatrixElement(self, i, j)


class eigvecs(_SymmetricEigen):
    """Q: orthonormal eigenvectors of a symmetric matrix, as columns (same order as `eigvals`)."""

    def _latex(self, printer):
        return r"Q_{%s}" % printer._print(self.arg)


class eigvals(_SymmetricEigen):
    """Lambda: the diagonal matrix of eigenvalues of a symmetric matrix (same order as `eigvecs`)."""

    def _latex(self, printer):
        return r"\Lambda_{%s}" % printer._print(self.arg)


# --- exact backend -------------------------------------------------------------------------------


def exact_pinv(a) -> sp.ImmutableMatrix:
    """A^+ in exact arithmetic, as lim_{d -> 0+} of the regularised normal-equations form."""
    a = sp.Matrix(a)
    rows, cols = a.shape
    d = sp.Dummy("d", positive=True)
    if rows >= cols:
        g = a.T * a + d * sp.eye(cols)
        top = g.adjugate(method="berkowitz") * a.T
    else:
        g = a * a.T + d * sp.eye(rows)
        top = a.T * g.adjugate(method="berkowitz")
    den = sp.Poly(sp.expand(g.det(method="berkowitz")), d)
    # the lowest power of d with a coefficient that is not identically 0 (det(G) = d^k (c_k + O(d)))
    coeffs = den.all_coeffs()[::-1]
    k = next(j for j, c in enumerate(coeffs) if sp.cancel(c) != 0)
    out = sp.zeros(cols, rows)
    for idx in range(cols * rows):
        num = sp.Poly(sp.expand(top[idx]), d).all_coeffs()[::-1]
        out[idx] = sp.cancel(num[k] / coeffs[k]) if k < len(num) else sp.Integer(0)
    return sp.ImmutableMatrix(out)


_EIGEN_CACHE: dict = {}


def exact_symmetric_eigen(h) -> tuple[sp.ImmutableMatrix, sp.ImmutableMatrix]:
    """(Q, Lambda) with orthonormal Q and H = Q Lambda Q^T, for a symmetric SymPy matrix H."""
    h = sp.ImmutableMatrix(h)
    if h in _EIGEN_CACHE:
        return _EIGEN_CACHE[h]
    if h.shape[0] != h.shape[1] or not (h - h.T).is_zero_matrix:
        raise ValueError("the symmetric eigen-decomposition needs a symmetric matrix")
    columns, values = [], []
    for value, multiplicity, basis in sp.Matrix(h).eigenvects(simplify=True):
        # orthogonalise, then divide by sqrt(v^T v): the entries are real, and SymPy's own
        # normalisation writes |v_i|^2, which its reducers cannot cancel
        for v in sp.GramSchmidt(basis):
            columns.append((v / sp.sqrt(sp.expand((v.T * v)[0, 0]))).applyfunc(sp.radsimp))
            values.append(value)
    if len(columns) != h.shape[0]:
        raise ValueError("SymPy found fewer eigenvectors than the size of the matrix")
    result = (sp.ImmutableMatrix(sp.Matrix.hstack(*columns)), sp.ImmutableMatrix(sp.diag(*values)))
    if len(_EIGEN_CACHE) > 64:
        _EIGEN_CACHE.clear()
    _EIGEN_CACHE[h] = result
    return result


EXACT_FUNCTIONS = {
    pinv: exact_pinv,
    eigvecs: lambda h: exact_symmetric_eigen(h)[0],
    eigvals: lambda h: exact_symmetric_eigen(h)[1],
}


# --- JAX backend ---------------------------------------------------------------------------------


def jax_functions() -> dict:
    import jax.numpy as jnp

    return {
        pinv: jnp.linalg.pinv,
        eigvecs: lambda h: jnp.linalg.eigh(h)[1],
        eigvals: lambda h: jnp.diag(jnp.linalg.eigh(h)[0]),
    }
