"""The risk of a predictor: an expectation under the joint distribution of (X, Y), and its
empirical version.

A known joint serves every claim: X ~ N(mu, s^2), a noise E ~ N(0, t^2) independent of X, and
Y = w X + E (so Y depends on X); the predictor is the fixed line f(x) = v x and the loss is
squared, L(f(x), y) = (v x - y)^2.  Its marginals are X ~ N(mu, s^2) and Y ~ N(w mu, w^2 s^2 + t^2).
"""

from __future__ import annotations

import sympy as sp

from verify import Categorical, Claim, Deterministic, ExpectationOver, Expected, Normal, domains

SOURCE = "001_ca36c8fd41d8e516.txt — 6. Optimization algorithm"

X, E, Y, Yp = sp.symbols("X E Y Y'", real=True)  # random variables (bound by over=)
mu, v, w = sp.symbols("mu v w", real=True)
s, t = sp.symbols("s t", positive=True)

DOMAIN = {mu: domains.real(), v: domains.real(), w: domains.real(), s: domains.positive(0.5, 2.0),
          t: domains.positive(0.5, 2.0)}
TEX = {"mu": r"\mu", "Y'": r"Y'"}


def loss(xv, yv):
    return (v * xv - yv) ** 2


JOINT = {X: Normal(mu, s), E: Normal(0, t), Y: Deterministic(w * X + E)}
MARGINALS = {X: Normal(mu, s), Yp: Normal(w * mu, sp.sqrt(w ** 2 * s ** 2 + t ** 2))}

risk_claims = [
    Claim(
        id="probability.risk.joint_density",
        title="Risk as written: the integral of the loss against 'the marginal probability' of (X, Y)",
        source=f"{SOURCE} › Risk",
        statement=ExpectationOver(loss(X, Yp), MARGINALS, Expected(loss(X, Y), JOINT)),
        domain=DOMAIN,
        expect="fails",
        correction="probability.risk.joint_density.corrected",
        notes="Encoded as written: the weight of the risk integral is read as the marginals of X and Y (their "
              "product, the only density of the couple that marginals alone give), and the claim is that this "
              "integral is the risk R(f), the expected loss under the joint. The wording ('marginal' for 'joint') "
              "cannot be checked as such; what can is that the two weights give different values whenever Y depends "
              "on X: here they differ by 2 v w s^2. The joint: X ~ N(mu, s^2), Y = w X + E, E ~ N(0, t^2) "
              "independent of X; f(x) = v x; squared loss.",
        tex_names=TEX,
    ),
    Claim(
        id="probability.risk.joint_density.corrected",
        catalog="probability.risk.joint_density",
        title="Risk: the integral of the loss against the joint density of (X, Y) is the expected loss",
        source=f"{SOURCE} › Risk",
        statement=ExpectationOver(loss(X, Y), JOINT, (v - w) ** 2 * (mu ** 2 + s ** 2) + t ** 2),
        domain=DOMAIN,
        notes="R(f) = E_{(X,Y) ~ p}[L(f(X), Y)] with p the joint density of (X, Y), p(x, y) = p(x) p(y | x): the "
              "engine integrates the loss against the joint (X first, then Y = w X + E given X) and compares it with "
              "the closed form (v - w)^2 (mu^2 + s^2) + t^2 of that risk. (Written as a double integral of the two "
              "Gaussian densities, SymPy did not finish within the 60 s budget and the nested double-exponential "
              "quadrature lost accuracy in the far tails, so the integral form is not the statement.) Exact on the "
              "symbolic path; Gauss-Hermite quadrature on the numeric path.",
        tex_names=TEX,
    ),
]

M = 3  # training pairs in the empirical risk
Xs = sp.symbols(f"X1:{M + 1}", real=True)
Es = sp.symbols(f"E1:{M + 1}", real=True)
Ys = sp.symbols(f"Y1:{M + 1}", real=True)
xd = sp.symbols(f"x1:{M + 1}", real=True)
yd = sp.symbols(f"y1:{M + 1}", real=True)

SAMPLE = {}
for i in range(M):
    SAMPLE[Xs[i]] = Normal(mu, s)
    SAMPLE[Es[i]] = Normal(0, t)
    SAMPLE[Ys[i]] = Deterministic(w * Xs[i] + Es[i])

empirical_risk_claims = [
    Claim(
        id="probability.empirical_risk.uniform_weights.point_masses",
        catalog="probability.empirical_risk.uniform_weights",
        title="Mass 1/m on each training pair turns the risk into the average loss J",
        source=f"{SOURCE} › Empirical risk; 2. Learning algorithm",
        statement=ExpectationOver(loss(X, Y), {(X, Y): Categorical(tuple(zip(xd, yd)), (sp.Rational(1, M),) * M)},
                                  sp.Rational(1, M) * sum(loss(a, b) for a, b in zip(xd, yd))),
        domain={**{z: domains.real() for z in (*xd, *yd)}, v: domains.real()},
        notes="m = 3 training pairs (x_i, y_i), any reals; the expectation of the loss under the distribution that "
              "puts mass 1/m on each pair (point masses, not a density, as the notes' p(X, Y) = 1/m means) against "
              "J = (1/m) sum_i L(f(x_i), y_i), f(x) = v x, squared loss. Exact on both paths.",
        tex_names=TEX,
    ),
    Claim(
        id="probability.empirical_risk.uniform_weights.unbiased",
        catalog="probability.empirical_risk.uniform_weights",
        title="For a fixed predictor and i.i.d. pairs, E[J] = R (the empirical risk is unbiased)",
        source=f"{SOURCE} › Empirical risk; 2. Learning algorithm",
        statement=ExpectationOver(sp.Rational(1, M) * sum(loss(Xs[i], Ys[i]) for i in range(M)), SAMPLE,
                                  Expected(loss(X, Y), JOINT)),
        domain=DOMAIN,
        notes="m = 3 pairs drawn i.i.d. from the joint of the module (X_i ~ N(mu, s^2), Y_i = w X_i + E_i); the "
              "predictor f(x) = v x is fixed, i.e. chosen independently of the sample. E over the sample of J "
              "against the risk R under one pair. Symbolic: exact (moments of the normal); numeric: 6 normal "
              "variables, so Monte Carlo with the stated budget. Not checked: J -> R almost surely (a limit) and "
              "the heuristic min_f R ~ min_theta J, which the catalog marks as heuristic (E[min J] <= min R).",
        tex_names=TEX,
    ),
]
