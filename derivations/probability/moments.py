"""Expectation, variance and covariance under distributions (ExpectationOver).

These claims are about the rules of expectation, so they use dlverify's distributions
(`verify.distributions`): the engine computes each expectation itself (exact sums and integrals on
the symbolic path; exact sums, Gauss quadrature or Monte Carlo on the numeric path) and compares
it with the formula the notes give.
"""

from __future__ import annotations

import sympy as sp

from verify import (Categorical, Claim, Deterministic, ExpectationOver, Expected, Normal, Poisson, Uniform,
                    domains)

SOURCE = "000_dc19b0ffecab0c76.txt — Probability (untitled)"

X, Y, Z = sp.symbols("X Y Z", real=True)  # random variables (bound by over=)
x = sp.Symbol("x", real=True)  # integration variable (bound)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
a = sp.Symbol("a", real=True)
w = sp.Symbol("w", positive=True)
lam = sp.Symbol("lam", positive=True)
c = sp.Symbol("c", real=True)
tau = sp.Symbol("tau", positive=True)

K = 4  # support points of a discrete variable
xs = sp.symbols(f"x1:{K + 1}", real=True)
p = sp.MatrixSymbol("p", K, 1)  # their probabilities (a simplex member)
probs = tuple(p[i, 0] for i in range(K))
L2 = 3  # a second discrete variable
ys = sp.symbols(f"y1:{L2 + 1}", real=True)
q = sp.MatrixSymbol("q", L2, 1)
qprobs = tuple(q[j, 0] for j in range(L2))
P = sp.MatrixSymbol("P", 2, L2)  # a joint table of a 2-valued X and a 3-valued Y
xs2 = xs[:2]

REALS = {s: domains.real() for s in (*xs, *ys)}
TEX = {"mu": r"\mu", "sigma": r"\sigma", "lam": r"\lambda", "tau": r"\tau"}


def normal_pdf(t):
    return sp.exp(-(t - mu) ** 2 / (2 * sigma ** 2)) / sp.sqrt(2 * sp.pi * sigma ** 2)


discrete_mean = sum(v * pr for v, pr in zip(xs, probs))

expectation_claims = [
    Claim(
        id="probability.expectation.discrete_continuous.discrete",
        catalog="probability.expectation.discrete_continuous",
        title="E[X] = sum_i x_i p_i for a discrete X",
        source=f"{SOURCE} › 6. Expectation of a Random Variable",
        statement=ExpectationOver(X, {X: Categorical(xs, probs)}, discrete_mean),
        domain={**{s: domains.real() for s in xs}, p: domains.simplex()},
        notes="X takes K = 4 values x_1..x_4 (any reals) with probabilities p (a probability vector: positive, summing "
              "to 1). The engine's expectation of a categorical variable against the notes' sum; exact on both paths.",
        tex_names=TEX,
    ),
    Claim(
        id="probability.expectation.discrete_continuous.continuous",
        catalog="probability.expectation.discrete_continuous",
        title="E[X] = integral of x p(x) dx for a continuous X",
        source=f"{SOURCE} › 6. Expectation of a Random Variable",
        statement=ExpectationOver(sp.ImmutableMatrix([X, Y]), {X: Normal(mu, sigma), Y: Uniform(a, a + w)},
                                  sp.ImmutableMatrix([sp.Integral(x * normal_pdf(x), (x, -sp.oo, sp.oo)),
                                                      sp.Integral(x / w, (x, a, a + w))])),
        domain={mu: domains.real(), sigma: domains.positive(0.5, 2.0), a: domains.real(), w: domains.positive(0.5, 4.0)},
        notes="Two continuous variables, X ~ N(mu, sigma^2) and Y uniform on [a, a + w] (w > 0): the engine's "
              "expectation of each against the integral of x times the density as written (the integrals "
              "converge absolutely). Numerically: Gauss-Hermite and Gauss-Legendre quadrature against "
              "double-exponential quadrature of the written integrals.",
        tex_names=TEX,
    ),
]

variance_claims = [
    Claim(
        id="probability.variance.forms.discrete",
        catalog="probability.variance.forms",
        title="Var X = sum_i (x_i - mu)^2 p_i = E[X^2] - mu^2 for a discrete X",
        source=f"{SOURCE} › 7. Variance of a Random Variable",
        statement=ExpectationOver((X - discrete_mean) ** 2, {X: Categorical(xs, probs)},
                                  sum(v ** 2 * pr for v, pr in zip(xs, probs)) - discrete_mean ** 2),
        domain={**{s: domains.real() for s in xs}, p: domains.simplex()},
        notes="mu = sum_i x_i p_i; K = 4 support points, p a probability vector. The engine's E[(X - mu)^2] (the "
              "weighted sum of squared deviations) against E[X^2] - mu^2; it needs sum_i p_i = 1, which the generic "
              "simplex member has exactly.",
        tex_names=TEX,
    ),
    Claim(
        id="probability.variance.forms.continuous",
        catalog="probability.variance.forms",
        title="Var X = integral of (x - mu)^2 p(x) dx = E[X^2] - mu^2 for a continuous X",
        source=f"{SOURCE} › 7. Variance of a Random Variable",
        statement=ExpectationOver((Y - (2 * a + w) / 2) ** 2, {Y: Uniform(a, a + w)},
                                  Expected(Y ** 2 - ((2 * a + w) / 2) ** 2, {Y: Uniform(a, a + w)})),
        domain={a: domains.real(), w: domains.positive(0.5, 4.0)},
        notes="Y uniform on [a, a + w] (w > 0), whose mean is a + w/2: E[(Y - mu)^2] against E[Y^2] - mu^2, both "
              "expectations computed by the engine (exact integrals; Gauss-Legendre quadrature).",
        tex_names=TEX,
    ),
]


def _cells():
    return tuple((xs2[i], ys[j]) for i in range(2) for j in range(L2)), tuple(P[i, j] for i in range(2)
                                                                             for j in range(L2))


cells, cell_probs = _cells()
mean_x = sum(v * pr for (v, _), pr in zip(cells, cell_probs))
mean_y = sum(u * pr for (_, u), pr in zip(cells, cell_probs))
TABLE = {(X, Y): Categorical(cells, cell_probs)}

covariance_claims = [
    Claim(
        id="probability.covariance.definition",
        title="cov(X, Y) = E[(X - mu_x)(Y - mu_y)] = E[XY] - mu_x mu_y",
        source=f"{SOURCE} › 8. Covariance and Correlation Coefficient",
        statement=ExpectationOver((X - mean_x) * (Y - mean_y), TABLE, Expected(X * Y - mean_x * mean_y, TABLE)),
        domain={**{s: domains.real() for s in (*xs2, *ys)}, P: domains.joint_pmf()},
        notes="X takes 2 values x_1, x_2 and Y three values y_1..y_3 with a joint table P (positive cells summing to "
              "1); mu_x and mu_y are the means under P. Both expectations are computed by the engine over the six "
              "cells, exactly.",
        tex_names=TEX,
    ),
    Claim(
        id="probability.covariance.independence_zero.discrete",
        catalog="probability.covariance.independence_zero",
        title="Independent X and Y have E[XY] = E[X] E[Y], so cov(X, Y) = 0",
        source=f"{SOURCE} › 8. Covariance and Correlation Coefficient",
        statement=ExpectationOver(
            sp.ImmutableMatrix([X * Y, (X - discrete_mean) * (Y - sum(u * r for u, r in zip(ys, qprobs)))]),
            {X: Categorical(xs, probs), Y: Categorical(ys, qprobs)},
            sp.ImmutableMatrix([discrete_mean * sum(u * r for u, r in zip(ys, qprobs)), 0])),
        domain={**REALS, p: domains.simplex(), q: domains.simplex()},
        notes="X (4 values, probabilities p) and Y (3 values, probabilities q) independent: the joint is the product "
              "pmf p_i q_j, which is what listing both in over= means. Checked: E[XY] = E[X] E[Y] and the covariance "
              "is 0, exactly. The converse is false and not claimed.",
        tex_names=TEX,
    ),
    Claim(
        id="probability.covariance.independence_zero.continuous",
        catalog="probability.covariance.independence_zero",
        title="Independent continuous and count variables: E[XY] = E[X] E[Y], cov = 0",
        source=f"{SOURCE} › 8. Covariance and Correlation Coefficient",
        statement=ExpectationOver(sp.ImmutableMatrix([X * Y, (X - mu) * (Y - lam)]),
                                  {X: Normal(mu, sigma), Y: Poisson(lam)}, sp.ImmutableMatrix([mu * lam, 0])),
        domain={mu: domains.real(), sigma: domains.positive(0.5, 2.0), lam: domains.positive(0.1, 20.0)},
        notes="X ~ N(mu, sigma^2) and Y ~ Poisson(lam), independent (finite first moments): E[XY] = mu lam and the "
              "covariance is 0. Symbolic: the normal's moments and SymPy's series; numeric: Gauss-Hermite times a "
              "truncated Poisson sum.",
        tex_names=TEX,
    ),
]
