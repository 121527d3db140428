"""Probability claims about the correlation coefficient (catalog section 3), for two finite
random variables X (values u_1..u_K) and Y (values v_1..v_L) with a joint table P."""

from __future__ import annotations

import sympy as sp

from verify import Claim, Identity, Inequality, domains, scalar

SRC = "000_dc19b0ffecab0c76.txt — Probability (untitled) › 8. Covariance and Correlation Coefficient"

K = sp.Symbol("K", integer=True, positive=True)
L = sp.Symbol("L", integer=True, positive=True)
P = sp.MatrixSymbol("P", K, L)  # P[i, j] = Pr(X = u_i, Y = v_j)
u = sp.MatrixSymbol("u", K, 1)
v = sp.MatrixSymbol("v", L, 1)
a, c = sp.symbols("a c", positive=True)
b, e = sp.symbols("b e", real=True)


def moments(x_values, y_values):
    """(cov(X, Y), var X, var Y) under the joint table P."""
    px, py = P * sp.OneMatrix(L, 1), P.T * sp.OneMatrix(K, 1)
    mx, my = scalar(px.T * x_values), scalar(py.T * y_values)
    cov = scalar(x_values.T * P * y_values) - mx * my
    var_x = scalar(x_values.T * sp.DiagMatrix(px) * x_values) - mx**2  # E[X^2] - E[X]^2
    var_y = scalar(y_values.T * sp.DiagMatrix(py) * y_values) - my**2
    return cov, var_x, var_y


def rho(x_values, y_values):
    cov, var_x, var_y = moments(x_values, y_values)
    return cov / sp.sqrt(var_x * var_y)


DOMAIN = {P: domains.joint_pmf(), u: domains.vector(), v: domains.vector()}
NOTES = ("X takes the values u_1..u_K and Y the values v_1..v_L with joint probabilities P (all positive, summing "
         "to 1), K, L = 2..3; sigma_x, sigma_y > 0 holds for random values (distinct values almost surely). ")
cov_xy, var_x, var_y = moments(u, v)

correlation_bounded = Claim(
    id="probability.correlation.normalized.bounded",
    catalog="probability.correlation.normalized",
    title="The correlation coefficient lies in [-1, 1]: cov(X, Y)^2 <= var X var Y",
    source=SRC,
    statement=Inequality(cov_xy**2, var_x * var_y, "<="),
    domain=DOMAIN,
    sizes={K: (2, 3), L: (2, 3)},
    notes=NOTES + ("-1 <= rho <= 1 is stated as cov^2 <= sigma_x^2 sigma_y^2 (the same for sigma_x, sigma_y > 0, "
                   "and free of the square root): Cauchy-Schwarz for the centred variables."),
)

correlation_affine = Claim(
    id="probability.correlation.normalized.affine_invariant",
    catalog="probability.correlation.normalized",
    title="The correlation coefficient is unchanged by X -> aX + b, Y -> cY + d with a, c > 0",
    source=SRC,
    statement=Identity(rho(a * u + b * sp.OneMatrix(K, 1), c * v + e * sp.OneMatrix(L, 1)), rho(u, v)),
    domain={**DOMAIN, a: domains.positive(), c: domains.positive(), b: domains.real(), e: domains.real()},
    sizes={K: (2, 3), L: (2, 3)},
    notes=NOTES + "a, c positive (log-uniform in [0.01, 100]), the shifts any reals.",
)
