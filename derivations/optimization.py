"""Optimization claims: steepest descent (gradient descent with an exact line search).

Two facts from the steepest-descent section of the math blog:

* with the step chosen by an exact line search, consecutive gradients are orthogonal (checked
  by running the method on strictly convex costs, quadratic and non-quadratic);
* on a quadratic cost the exact step has the closed form g^T g / (g^T A g).
"""

from __future__ import annotations

import sympy as sp

from verify import Algorithmic, Claim, Grad, Minimiser, domains, scalar

n = sp.Symbol("n", integer=True, positive=True)
A = sp.MatrixSymbol("A", n, n)
b = sp.MatrixSymbol("b", n, 1)
u = sp.MatrixSymbol("u", n, 1)
theta = sp.MatrixSymbol("theta", n, 1)
c = sp.Symbol("c", nonnegative=True)
eta = sp.Symbol("eta", real=True)

SOURCE = "000_dc19b0ffecab0c76.txt — Optimization Techniques › 3. Steepest Descent"


def quadratic(x):
    """1/2 x^T A x - b^T x as a scalar."""
    return sp.Rational(1, 2) * scalar(x.T * A * x) - scalar(b.T * x)


def log_sum_exp(x):
    """log(sum_i exp(x_i)): smooth, convex and not quadratic."""
    return sp.log(scalar(sp.OneMatrix(1, n) * x.applyfunc(sp.exp)))


# A strictly convex cost (A is SPD, the log-sum-exp term convex), so an exact line search along
# the negative gradient has a unique interior minimiser whenever the gradient is non-zero.
cost = quadratic(theta) + c * log_sum_exp(theta + u)
gradient = Grad(cost, theta)


def consecutive_gradients(th, th_next):
    g_now = Grad(cost, theta, at=th)
    g_next = Grad(cost, theta, at=th_next)
    inner = scalar(g_next.T * g_now)
    # Compare the inner product with the product of the norms (a cosine), so that the tolerance
    # does not depend on how large the gradients happen to be.
    scale = sp.sqrt(scalar(g_next.T * g_next) * scalar(g_now.T * g_now))
    return inner, sp.Integer(0), scale


_DOMAIN = {A: domains.spd(), b: domains.vector(), u: domains.vector(), theta: domains.vector(),
           c: domains.positive(0.1, 3.0)}

orthogonality = Claim(
    id="optimization.steepest_descent.orthogonality",
    title="Steepest descent with exact line search: consecutive gradients are orthogonal",
    source=SOURCE,
    statement=Algorithmic(
        cost=cost,
        state=theta,
        step=eta,
        update=theta - eta * gradient,
        conclusion=consecutive_gradients,
        step_rule="exact_line_search",
        iterations=5,
    ),
    domain=_DOMAIN,
    sizes={n: (2, 4)},
    notes=(
        "The iteration is theta <- theta - eta * grad C(theta), with eta chosen at each step to "
        "minimise C along that ray. Setting the derivative of eta -> C(theta - eta g) to zero "
        "gives -grad C(theta_next)^T g = 0, i.e. the new gradient is orthogonal to the old one. "
        "Conditions the notes leave implicit: C differentiable, and the line-search minimum is "
        "attained at an interior stationary point; both hold here because the cost family "
        "1/2 theta^T A theta - b^T theta + c * log(sum exp(theta + u)) is strictly convex (A SPD, "
        "c > 0). The numeric path runs the general, non-quadratic family with a numerical line "
        "search, so orthogonality holds only up to the line-search tolerance; it is measured as "
        "the cosine between consecutive gradients. The symbolic path needs no closed form of the "
        "step (which the log-sum-exp term rules out): it shows that the inner product of the two "
        "gradients after a step of any length eta is -phi'(eta), phi(eta) = C(theta - eta g), and "
        "that phi'(0) = -|g|^2 <= 0, so at the minimiser the line search returns phi' vanishes. "
        "Only consecutive gradients are claimed orthogonal; gradients two steps apart are not in "
        "general."
    ),
)


# --- the closed-form step on a quadratic --------------------------------------------------------

step = sp.MatrixSymbol("eta", 1, 1)  # the step as a 1 x 1 matrix, so that it can be a `wrt`
g_quad = Grad(quadratic(theta), theta)


def along_ray(s):
    return quadratic(theta - scalar(s) * g_quad)


exact_step = sp.ImmutableMatrix([[scalar(g_quad.T * g_quad) / scalar(g_quad.T * A * g_quad)]])

quadratic_step = Claim(
    id="optimization.steepest_descent.quadratic_step",
    title="Exact steepest-descent step on a quadratic is g^T g / (g^T A g)",
    source=SOURCE + " (implied by the line-search condition)",
    statement=Minimiser(f=along_ray(step), wrt=step, point=exact_step),
    domain={A: domains.spd(), b: domains.vector(), theta: domains.vector(), step: domains.general()},
    sizes={n: (1, 4)},
    tex_names={g_quad: "g", quadratic(theta): "C"},
    notes=(
        "C(theta) = 1/2 theta^T A theta - b^T theta with A SPD; g = grad C(theta) = A theta - b "
        "(taken by autodiff / sympy.diff here, not written out). Along the ray theta - eta g the "
        "cost is a quadratic in eta with leading coefficient g^T A g / 2 > 0 whenever g != 0, so "
        "its unique minimiser is eta* = g^T g / (g^T A g). The step is encoded as a 1 x 1 matrix "
        "so that it can be the minimisation variable; its domain only seeds the search. The "
        "minimum over all real eta is also the minimum over eta >= 0 because eta* > 0. Needs "
        "g != 0 (theta not already the minimiser); random instances have g != 0 almost surely."
    ),
)
