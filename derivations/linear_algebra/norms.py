"""Linear algebra, norms (catalog section 1, "Norm of a Vector"): the least-squares cost.

Erratum: the notes call the least-squares cost of linear regression the l2 norm of the error
vector e = y - X theta.  The cost is the sum of squared errors, the *squared* norm: the two have
the same minimisers (t -> t^2 increases on t >= 0) but differ as values (e = (3, 4): norm 5,
cost 25) and in their gradients.  Encoded as written, and corrected.
"""

from __future__ import annotations

import sympy as sp

from verify import Claim, Identity, domains, scalar

SRC = "000_dc19b0ffecab0c76.txt — Linear Algebra › 12. Norm of a Vector"

m = sp.Symbol("m", integer=True, positive=True)
n = sp.Symbol("n", integer=True, positive=True)
i = sp.Symbol("i", integer=True)
X = sp.MatrixSymbol("X", m, n)
y = sp.MatrixSymbol("y", m, 1)
theta = sp.MatrixSymbol("theta", n, 1)

error = y - X * theta
# the least-squares cost as regression defines it: the sum over the m examples of the squared error
cost = sp.Sum((y[i, 0] - (X * theta)[i, 0]) ** 2, (i, 0, m - 1))
DOMAIN = {X: domains.general(), y: domains.vector(), theta: domains.vector()}
SIZES = {m: (1, 4), n: (1, 3)}

least_squares_is_norm = Claim(
    id="linear_algebra.norm.least_squares_cost_is_norm",
    title="As written: the least-squares cost is the l2 norm of the error vector",
    source=SRC,
    statement=Identity(cost, sp.sqrt(scalar(error.T * error))),
    domain=DOMAIN,
    sizes=SIZES,
    symbolic_sizes=({"m": 2, "n": 1},),
    expect="fails",
    correction="linear_algebra.norm.least_squares_cost_is_norm.corrected",
    tex_names={cost: r"J(\theta)"},
    notes=(
        "The cost J(theta) is the sum over the m examples of (y_i - x_i^T theta)^2 (unscaled: a factor "
        "1/2 or 1/m changes nothing here), with any real design X (m x n), targets y and parameters "
        "theta. Encoded as written: J(theta) = ||y - X theta||_2. False: J is the squared norm, so "
        "the two agree only where the error norm is 0 or 1 (e = (3, 4): norm 5, cost 25). They "
        "have the same minimisers over theta, which the notes may have meant; as values and "
        "gradients they differ. Sizes m in 1..4, n in 1..3."
    ),
)

least_squares_corrected = Claim(
    id="linear_algebra.norm.least_squares_cost_is_norm.corrected",
    catalog="linear_algebra.norm.least_squares_cost_is_norm",
    title="The least-squares cost is the squared l2 norm of the error vector",
    source=SRC,
    statement=Identity(cost, scalar(error.T * error)),
    domain=DOMAIN,
    sizes=SIZES,
    symbolic_sizes=tuple({"m": a, "n": b} for a in range(1, 5) for b in range(1, 4)),
    tex_names={cost: r"J(\theta)"},
    notes=(
        "Same cost and domain as the erratum: J(theta) = sum_i (y_i - x_i^T theta)^2 = "
        "||y - X theta||_2^2 = (y - X theta)^T (y - X theta). Symbolic with symbolic entries at "
        "every size m in 1..4, n in 1..3 (the whole declared range); numeric on Gaussian instances."
    ),
)
