"""Classical machine-learning claims: kernels for support vector machines.

The ML notes say a valid kernel must give a positive semi-definite kernel (Gram) matrix
(Mercer's condition) and present the Gaussian (RBF) kernel as such a kernel.  Here the Gram
matrix of the Gaussian kernel is built entry by entry for N points in R^d and checked to be PSD.
"""

from __future__ import annotations

import sympy as sp

from verify import Claim, Property, domains

N = sp.Symbol("N", integer=True, positive=True)  # number of points
d = sp.Symbol("d", integer=True, positive=True)  # dimension of each point
X = sp.MatrixSymbol("X", d, N)  # the points are the columns of X
sigma = sp.Symbol("sigma", positive=True)


def squared_distance(i: int, j: int, dim: int):
    """||x_i - x_j||^2 for columns i and j of X."""
    return sp.Add(*[(X[k, i] - X[k, j]) ** 2 for k in range(dim)])


def gaussian_gram(sizes):
    """K[i, j] = exp(-||x_i - x_j||^2 / (2 sigma^2))."""
    points, dim = sizes["N"], sizes["d"]
    return sp.ImmutableMatrix(
        points, points, lambda i, j: sp.exp(-squared_distance(i, j, dim) / (2 * sigma**2)))


def _gram_names(sizes):
    """The squared distances by name, ||x_i - x_j||^2, x_i the i-th column (1-based)."""
    points, dim = sizes["N"], sizes["d"]
    return {squared_distance(i, j, dim): r"\left\|x_{%d} - x_{%d}\right\|^{2}" % (i + 1, j + 1)
            for i in range(points) for j in range(points) if i != j}


mercer_psd = Claim(
    id="classical_ml.kernel.mercer_psd",
    title="The Gaussian (RBF) kernel's Gram matrix is positive semi-definite",
    source="002_af36e8dc7108e1d7.txt — Support Vector Machine › Kernels (Mercer's Condition; Gaussian Kernel)",
    statement=lambda sizes: Property(gaussian_gram(sizes), relation="psd"),
    domain={X: domains.general(), sigma: domains.positive(0.2, 5.0)},
    sizes={N: (2, 6), d: (1, 3)},
    tex_names=_gram_names,
    notes=(
        "N points x_1..x_N in R^d are the columns of X; the Gram matrix has entries "
        "exp(-||x_i - x_j||^2 / (2 sigma^2)) with bandwidth sigma > 0. Mercer's condition, as the "
        "notes use it, asks that every such finite Gram matrix be PSD; for the Gaussian kernel it "
        "is (in fact positive definite when the points are distinct, by Bochner's theorem: the "
        "kernel is the Fourier transform of a Gaussian density). The claim checked is PSD for "
        "every point set and every sigma > 0; coincident points give a singular but still PSD "
        "matrix. Numerically the smallest eigenvalue can be a rounding-level negative number "
        "when sigma is large relative to the spread of the points (the matrix is then close to "
        "the all-ones matrix)."
    ),
)
