"""Likelihood claims: the Bernoulli likelihood of logistic regression and the likelihood of an
i.i.d. normal sample.

Labels y in {0, 1} are a domain of their own (`binary_labels`): random 0/1 vectors on the numeric
path, and on the symbolic path every one of the 2^m label vectors, each a component of the
domain that the proof must cover (as O(n) has rotations and reflections), so that a proof is
for every labelling, not for labels relaxed to real numbers.
"""

from __future__ import annotations

import itertools

import numpy as np
import sympy as sp

from verify import Claim, Derivation, Identity, domains, scalar, sigmoid
from verify.domains import Domain
from sympy.matrices.expressions.matexpr import MatrixElement


def binary_labels() -> Domain:
    """A column of 0/1 labels: each entry 0 or 1 with probability 1/2; exactly, each of the 2^m
    vectors is a component of the domain."""

    def transform(raw, shape):
        import jax.numpy as jnp

        return jnp.where(raw > 0, 1.0, 0.0)

    def components(name, shape):
        rows = shape[0]
        return [("%s = (%s)" % (name, ", ".join(str(v) for v in bits)), sp.ImmutableMatrix(rows, 1, list(bits)))
                for bits in itertools.product((0, 1), repeat=rows)]

    def rational(rng, shape):
        return sp.ImmutableMatrix(shape[0], 1, [int(v) for v in rng.integers(0, 2, size=shape[0])])

    def rationalize(value):
        value = np.asarray(value, dtype=float).reshape(-1)
        if not all(v in (0.0, 1.0) for v in value):
            return None
        return sp.ImmutableMatrix(len(value), 1, [int(v) for v in value])

    return Domain(
        name="binary_labels",
        description="column of 0/1 labels (each entry 0 or 1 with probability 1/2; symbolically every labelling)",
        scalar=False,
        transform=transform,
        raw_shape=lambda shape: shape,
        generic=lambda name, shape: components(name, shape)[0][1],
        rational=rational,
        rationalize=rationalize,
        shape_rule=lambda shape: shape[1] == 1,
        shape_rule_text="a column vector (m x 1)",
        components=components,
    )


# --- probability.bernoulli.logistic_likelihood ---------------------------------------------------

m = sp.Symbol("m", integer=True, positive=True)  # number of training examples
k = sp.Symbol("k", integer=True, positive=True)  # number of features
X = sp.MatrixSymbol("X", m, k)  # row i: the features x^(i) of example i
theta = sp.MatrixSymbol("theta", k, 1)
y = sp.MatrixSymbol("y", m, 1)


def hypothesis(i: int):
    """h_theta(x^(i)) = sigmoid(theta^T x^(i)): the probability the model gives to y^(i) = 1."""
    # MatrixElement built directly: indexing X*theta would expand the entry into a Sum over a fresh
    # dummy index, so that two builds of the same entry would differ (and tex_names could not name it)
    return sigmoid(MatrixElement(X * theta, i, 0))


def bernoulli_pmf(i: int):
    """p^y (1 - p)^(1 - y) for example i, with p = h_theta(x^(i))."""
    return hypothesis(i) ** y[i, 0] * (1 - hypothesis(i)) ** (1 - y[i, 0])


def _logistic(sizes):
    count = sizes["m"]
    scale = sp.Rational(-1, count)
    likelihood = sp.Mul(*[bernoulli_pmf(i) for i in range(count)], evaluate=False)
    log_terms = sp.Add(*[sp.log(bernoulli_pmf(i)) for i in range(count)], evaluate=False)
    log_loss = sp.Add(*[y[i, 0] * sp.log(hypothesis(i)) + (1 - y[i, 0]) * sp.log(1 - hypothesis(i))
                        for i in range(count)], evaluate=False)
    return Derivation(
        steps=(scale * sp.log(likelihood), scale * log_terms, scale * log_loss),
        reasons=("independent examples: the log of the product of the Bernoulli pmfs is the sum of their logs",
                 "log(p^y (1 - p)^(1 - y)) = y log p + (1 - y) log(1 - p): the log loss J(theta)"),
    )


def _logistic_names(sizes):
    return {hypothesis(i): r"h_\theta(x^{(%d)})" % (i + 1) for i in range(sizes["m"])}


logistic_likelihood = Claim(
    id="probability.bernoulli.logistic_likelihood",
    title="The negative mean Bernoulli log-likelihood of logistic regression is its log loss J(theta)",
    source=("000_dc19b0ffecab0c76.txt — Probability (untitled) › 11. Bernoulli Distribution; "
            "002_af36e8dc7108e1d7.txt — Classical Supervised Learning › Logistic Regression"),
    statement=_logistic,
    domain={X: domains.general(), theta: domains.vector(), y: binary_labels()},
    sizes={m: (2, 4), k: (1, 3)},
    symbolic_sizes=({"m": 2, "k": 2},),
    tex_names=_logistic_names,
    notes=(
        "m training examples with features x^(i) (the rows of X, random normal) and labels "
        "y^(i) in {0, 1} (the binary_labels domain: random labels numerically, every labelling "
        "symbolically); the model gives P(y = 1 | x) = sigmoid(theta^T x) for a random theta. "
        "Step 1 is -1/m times the log of the likelihood of the training set, the product of the "
        "Bernoulli pmfs p^y (1 - p)^(1 - y) (the examples are independent, the catalog's "
        "condition); step 2 the sum of the per-example logs; step 3 the log loss J(theta) as the "
        "logistic-regression notes write it. Proved entrywise at m = 2 examples, k = 2 features, "
        "for each of the 4 labellings; checked numerically for m = 2..4, k = 1..3 (with one example the "
        "product and the sum have one term each, and steps 1 and 2 would be one formula)."
    ),
)


# --- probability.likelihood.iid_normal -----------------------------------------------------------

n = sp.Symbol("n", integer=True, positive=True)  # sample size
x = sp.MatrixSymbol("x", n, 1)  # the observations x_1..x_n
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
i = sp.Symbol("i", integer=True)


def normal_density(value):
    """p(value | mu, sigma^2) of N(mu, sigma^2)."""
    return sp.exp(-(value - mu) ** 2 / (2 * sigma ** 2)) / sp.sqrt(2 * sp.pi * sigma ** 2)


def _iid_normal(sizes):
    count = sizes["n"]
    product = sp.Mul(*[normal_density(x[j, 0]) for j in range(count)], evaluate=False)
    closed = (2 * sp.pi * sigma ** 2) ** (-n / 2) * sp.exp(
        -sp.Sum((x[i, 0] - mu) ** 2, (i, 0, n - 1)) / (2 * sigma ** 2))
    return Identity(product, closed)


iid_normal = Claim(
    id="probability.likelihood.iid_normal",
    title="Likelihood of an i.i.d. normal sample: (2 pi sigma^2)^(-n/2) exp(-sum (x_i - mu)^2 / (2 sigma^2))",
    source="000_dc19b0ffecab0c76.txt — Probability (untitled) › 14. Likelihood Function",
    statement=_iid_normal,
    domain={x: domains.vector(), mu: domains.real(), sigma: domains.positive(0.3, 3.0)},
    sizes={n: (1, 6)},
    symbolic_sizes=({"n": 2}, {"n": 3}),
    tex_names={i: "i"},
    notes=(
        "n observations x_1..x_n (random normal), independent and each N(mu, sigma^2) (the "
        "catalog's conditions; sigma > 0). The left side is the likelihood as the product of the "
        "n normal densities, built unevaluated; the right side the closed form with the sum of "
        "squared deviations (the sum's index runs over the n entries of x, 0-based in the "
        "encoding). sigma is drawn log-uniform in [0.3, 3] so that the likelihood stays a normal "
        "float64 number at n = 6 (for a tiny sigma both sides underflow to 0 and compare nothing). "
        "Proved entrywise at n = 2 and 3; checked numerically for n = 1..6."
    ),
)
