"""Principal components: the variance of the data along a unit eigenvector of its covariance is
the eigenvalue, and scores on distinct components are uncorrelated.

The catalog marks the notes' wording ambiguous ("covariances along the principal components")
and gives the reading to encode: *variances* along the components, with zero covariance between
different components' scores.  Reading a is that one.
"""

from __future__ import annotations

import sympy as sp

from verify import Claim, Deterministic, ExpectationOver, Normal, domains

SOURCE = "000_dc19b0ffecab0c76.txt — Linear Algebra › 11. Eigen Vectors"

Z1, Z2, X1, X2, S1, S2 = sp.symbols("Z1 Z2 X1 X2 S1 S2", real=True)  # random variables (bound)
u = sp.Symbol("u", real=True)  # angle parameter of the eigenbasis (rational Cayley form)
l1, l2 = sp.symbols("lambda1 lambda2", positive=True)  # the eigenvalues

# the eigenbasis: a rotation with columns q1 = (c, s), q2 = (-s, c), rational in u
c = (1 - u ** 2) / (1 + u ** 2)
s = 2 * u / (1 + u ** 2)
Q = sp.ImmutableMatrix([[c, -s], [s, c]])
Lam = sp.diag(l1, l2)
Sigma = Q * Lam * Q.T  # the covariance of X below; q1, q2 are its unit eigenvectors
q1, q2 = Q[:, 0], Q[:, 1]

# X = Q Lambda^(1/2) Z with Z standard normal: mean 0, covariance Sigma
OVER = {Z1: Normal(0, 1), Z2: Normal(0, 1),
        X1: Deterministic(c * sp.sqrt(l1) * Z1 - s * sp.sqrt(l2) * Z2),
        X2: Deterministic(s * sp.sqrt(l1) * Z1 + c * sp.sqrt(l2) * Z2),
        S1: Deterministic(q1[0] * X1 + q1[1] * X2),  # the scores q_i^T X
        S2: Deterministic(q2[0] * X1 + q2[1] * X2)}

pca_claims = [
    Claim(
        id="linear_algebra.eigen.pca_covariance.reading_a",
        catalog="linear_algebra.eigen.pca_covariance",
        title="Variance reading: Var(q_i^T X) = q_i^T Sigma q_i = lambda_i, and distinct scores are uncorrelated",
        source=SOURCE,
        statement=ExpectationOver(
            sp.ImmutableMatrix([X1 ** 2, X1 * X2, X2 ** 2, S1 ** 2, S2 ** 2, S1 * S2,
                                (q1.T * Sigma * q1)[0, 0], (q2.T * Sigma * q2)[0, 0]]),
            OVER,
            sp.ImmutableMatrix([Sigma[0, 0], Sigma[0, 1], Sigma[1, 1], l1, l2, 0, l1, l2])),
        domain={u: domains.real(), l1: domains.positive(0.1, 10.0), l2: domains.positive(0.1, 10.0)},
        notes="Population reading, n = 2: X = Q Lambda^(1/2) Z with Z standard normal has mean 0 and covariance "
              "Sigma = Q Lambda Q^T, whose unit eigenvectors are the columns q_1, q_2 of the rotation Q (rational in "
              "u, so every rotation but the half turn) with eigenvalues lambda_1, lambda_2 > 0. Checked, as "
              "expectations under that distribution: the entries of E[X X^T] are those of Sigma (so Sigma is the "
              "covariance); Var(q_i^T X) = E[(q_i^T X)^2] equals lambda_i, and so does q_i^T Sigma q_i (a constant "
              "integrand: the last two entries); and the scores on q_1 and q_2 have covariance 0. The notes' wording 'covariances along the "
              "components' is the other reading, which the catalog does not ask to encode.",
        tex_names={"lambda1": r"\lambda_1", "lambda2": r"\lambda_2"},
    ),
]
