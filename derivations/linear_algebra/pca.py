"""Principal components: the variance of the data along a unit eigenvector of its covariance is
the eigenvalue, and scores on distinct components are uncorrelated.

The catalog marks the notes' wording ambiguous ("covariances along the principal components")
and gives the reading to encode: *variances* along the components, with zero covariance between
different components' scores.  Reading a is that one.
"""

from __future__ import annotations

import sympy as sp

from verify import Claim, Deterministic, ExpectationOver, Identity, Normal, domains

SOURCE = "000_dc19b0ffecab0c76.txt — Linear Algebra › 11. Eigen Vectors"

Z1, Z2, X1, X2, S1, S2 = sp.symbols("Z1 Z2 X1 X2 S1 S2", real=True)  # random variables (bound)
u = sp.Symbol("u", real=True)  # angle parameter of the eigenbasis (rational Cayley form)
l1, l2 = sp.symbols("lambda1 lambda2", positive=True)  # the eigenvalues

# the eigenbasis: a rotation with columns q1 = (c, s), q2 = (-s, c), rational in u
c = (1 - u ** 2) / (1 + u ** 2)
s = 2 * u / (1 + u ** 2)
Q = sp.ImmutableMatrix([[c, -s], [s, c]])
Lam = sp.ImmutableMatrix(sp.diag(l1, l2))
Sigma = sp.ImmutableMatrix(Q * Lam * Q.T)  # the covariance of X below; q1, q2 are its unit eigenvectors
q1, q2 = Q[:, 0], Q[:, 1]

# X = Q Lambda^(1/2) Z with Z standard normal: mean 0, covariance Sigma
OVER = {Z1: Normal(0, 1), Z2: Normal(0, 1),
        X1: Deterministic(c * sp.sqrt(l1) * Z1 - s * sp.sqrt(l2) * Z2),
        X2: Deterministic(s * sp.sqrt(l1) * Z1 + c * sp.sqrt(l2) * Z2),
        S1: Deterministic(q1[0] * X1 + q1[1] * X2),  # the scores q_i^T X
        S2: Deterministic(q2[0] * X1 + q2[1] * X2)}

NOTES = ("Population reading, n = 2: X = Q Lambda^(1/2) Z with Z standard normal has mean 0 and covariance "
         "Sigma = Q Lambda Q^T, whose unit eigenvectors are the columns q_1 = (c, s), q_2 = (-s, c) of the rotation "
         "Q (rational in u, so every rotation but the half turn) with eigenvalues lambda_1, lambda_2 > 0. The notes' "
         "wording 'covariances along the components' is the other reading, which the catalog does not ask to "
         "encode; this one is checked in four parts, each an expectation under that distribution or an identity.")
DOMAIN = {u: domains.real(), l1: domains.positive(0.1, 10.0), l2: domains.positive(0.1, 10.0)}
NAMES = {"lambda1": r"\lambda_1", "lambda2": r"\lambda_2", c: "c", s: "s", Q: "Q", Sigma: r"\Sigma", Lam: r"\Lambda",
         **{Sigma[i, j]: r"\Sigma_{%d,%d}" % (i + 1, j + 1) for i in range(2) for j in range(2)}}


def _part(name: str, title: str, statement, what: str) -> Claim:
    return Claim(id=f"linear_algebra.eigen.pca_covariance.reading_a.{name}", catalog="linear_algebra.eigen.pca_covariance",
                 title=title, source=SOURCE, statement=statement, domain=DOMAIN, tex_names=NAMES,
                 notes=NOTES + " This part: " + what)


pca_claims = [
    _part("covariance", "X = Q Lambda^(1/2) Z has covariance Sigma = Q Lambda Q^T",
          ExpectationOver(sp.ImmutableMatrix([X1 ** 2, X1 * X2, X2 ** 2]), OVER,
                          sp.ImmutableMatrix([Sigma[0, 0], Sigma[0, 1], Sigma[1, 1]])),
          "the entries of E[X X^T] are those of Sigma (X has mean 0), so Sigma is the covariance of X."),
    _part("variance", "The variance of the scores on a unit eigenvector is its eigenvalue: Var(q_i^T X) = lambda_i",
          ExpectationOver(sp.ImmutableMatrix([S1 ** 2, S2 ** 2]), OVER, sp.ImmutableMatrix([l1, l2])),
          "E[(q_i^T X)^2] = lambda_i for i = 1, 2 (the scores have mean 0)."),
    _part("uncorrelated", "Scores on distinct principal components are uncorrelated",
          ExpectationOver(S1 * S2, OVER, sp.Integer(0)),
          "E[(q_1^T X)(q_2^T X)] = 0."),
    _part("rayleigh", "The eigenbasis diagonalises the covariance: Q^T Sigma Q = Lambda",
          Identity(sp.MatMul(sp.Transpose(Q), Sigma, Q, evaluate=False), Lam),
          "Q^T Sigma Q = Lambda: its diagonal says q_i^T Sigma q_i = lambda_i (the variance above is that quadratic "
          "form too), its off-diagonal that the components are Sigma-orthogonal."),
]
