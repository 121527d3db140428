"""Optima of smooth functions: where the gradient vanishes, convexity, and spurious local minima.

Claims of catalog section 2 (`000_dc19b0ffecab0c76.txt`, Calculus; `001_ca36c8fd41d8e516.txt`,
Gradient descent) stated with the kinds for limits, equivalences and existence
(`verify.logic_kinds`).
"""

import sympy as sp

from verify import Claim, Grad, Minimiser, domains, scalar
from verify.logic_kinds import Equivalence, Exists, Implies, Limit, rounds_to

# --- a non-convex function with a local minimum that is not global --------------------------------

u = sp.Symbol("u", real=True)  # the variable of the witness function (bound by Grad)
w_low, w_mid, w_high = sp.symbols("w_low w_mid w_high", real=True)


def quartic(v):
    """The notes' example of a non-convex function."""
    return v**4 - 3 * v**2 + v


def slope(at):
    return Grad(quartic(u), u, at=at)


def curvature(at):
    return Grad(Grad(quartic(u), u), u, at=at)


# the three real roots of f'(u) = 4u^3 - 6u + 1, in increasing order, as exact algebraic numbers
_critical = sp.Poly(4 * u**3 - 6 * u + 1, u)
_roots = {w_low: sp.CRootOf(_critical, 0), w_mid: sp.CRootOf(_critical, 1), w_high: sp.CRootOf(_critical, 2)}

spurious_local_minima = Claim(
    id="calculus.nonconvex.spurious_local_minima",
    title="A non-convex function can have a local minimum that is not global (x^4 - 3x^2 + x)",
    source="000_dc19b0ffecab0c76.txt, Calculus (untitled) > 9. Non-convex Function",
    statement=Exists(
        witness=_roots,
        conditions=(
            sp.Eq(slope(w_low), 0), sp.Eq(slope(w_mid), 0), sp.Eq(slope(w_high), 0),
            sp.Gt(curvature(w_low), 0), sp.Gt(curvature(w_high), 0), sp.Lt(curvature(w_mid), 0),
            sp.Lt(quartic(w_low), quartic(w_high)),  # the right-hand minimum is not global
            sp.Lt(quartic(w_low), quartic(w_mid)),
            rounds_to(w_low, "-1.3008"), rounds_to(w_high, "1.1309"),
            rounds_to(quartic(w_low), "-3.514"), rounds_to(quartic(w_high), "-1.070"),
        ),
    ),
    domain={},
    notes=(
        "An existence claim shown by a witness: f(u) = u^4 - 3u^2 + u and the three real roots of f'(u) = "
        "4u^3 - 6u + 1, kept exact as algebraic numbers (CRootOf).  Checked: f' vanishes at all three (autodiff "
        "numerically, sympy.diff exactly), f'' > 0 at the outer two (local minima) and < 0 at the middle one, and "
        "f is lower at the left minimum than at the right one, so the right one is a local minimum that is not "
        "global.  The left one is the global minimum: f tends to +infinity in both directions and its only critical "
        "points are these three roots of a cubic, of which it has the least value (the last condition).  The "
        "worked-example numbers of the notes are checked too: each exact value rounds to the printed digits "
        "(-1.3008, 1.1309, -3.514, -1.070)."),
)

# --- the gradient vanishes at an interior extremum -------------------------------------------------

n = sp.Symbol("n", integer=True, positive=True)
x = sp.MatrixSymbol("x", n, 1)
W = sp.MatrixSymbol("W", n, n)
a = sp.MatrixSymbol("a", n, 1)
S = sp.MatrixSymbol("S", n, n)
s = sp.Symbol("s", positive=True)  # the step along the gradient (bound by the Limit)


def smooth(v):
    """A smooth non-convex function of a vector: a tanh layer plus a quadratic."""
    return scalar(a.T * (W * v).applyfunc(sp.tanh)) + scalar(v.T * S * v) / 2


def _sq_norm(g):
    return scalar(g.T * g)


gradient_at_x = Grad(smooth(x), x)
zero_at_extrema = Claim(
    id="calculus.gradient.zero_at_extrema",
    title="At an interior extremum of a differentiable function the gradient is zero",
    source="000_dc19b0ffecab0c76.txt, Calculus (untitled) > 2. Gradient of a Function",
    statement=Limit((smooth(x + s * gradient_at_x) - smooth(x)) / s, s, 0, _sq_norm(gradient_at_x)),
    domain={x: domains.vector(), W: domains.general(), a: domains.vector(), S: domains.symmetric()},
    sizes={n: (1, 3)},
    notes=(
        "Conditions the notes leave out: f differentiable at the point, the extremum local and interior (no "
        "constraint).  Shown through its contrapositive: at any point x, the slope of f along its gradient g is "
        "lim_{s -> 0+} (f(x + s g) - f(x)) / s = ||g||^2, so where g is not 0, f rises along g and falls along -g "
        "and x is neither a minimum nor a maximum.  f is a smooth non-convex family, a^T tanh(W x) + x^T S x / 2 "
        "with random a, W and symmetric S, at random x; n from 1 to 3, symbolically at n = 2.  The condition is "
        "necessary, not sufficient (u^3 at 0 is stationary and no extremum)."),
)

# --- convex: stationary iff global minimum ----------------------------------------------------------

theta = sp.MatrixSymbol("theta", n, 1)
P = sp.MatrixSymbol("P", n, n)
b = sp.MatrixSymbol("b", n, 1)


def convex_quadratic(v):
    return scalar(v.T * P * v) / 2 - scalar(b.T * v)


gradient_at_theta = Grad(convex_quadratic(theta), theta)
stationary_iff_global_min = Claim(
    id="calculus.convex.stationary_iff_global_min",
    title="For a differentiable convex function, a point is a global minimiser iff its gradient is zero",
    source="001_ca36c8fd41d8e516.txt, 6. Optimization algorithm > Gradient descent",
    statement=Equivalence(directions=(
        Implies(Minimiser(convex_quadratic(theta), theta, point=P.I * b),
                premise="the gradient vanishes (at $P^{-1} b$, the only stationary point)"),
        Implies(Limit((convex_quadratic(theta - s * gradient_at_theta) - convex_quadratic(theta)) / s, s, 0,
                      -_sq_norm(gradient_at_theta)),
                premise=r"$\theta$ is a global minimiser: then the slope along $-\nabla J(\theta)$, which is "
                        r"$-\Vert\nabla J(\theta)\Vert^2$, is not negative, so $\nabla J(\theta) = 0$"),
    )),
    domain={theta: domains.vector(), P: domains.spd(), b: domains.vector()},
    sizes={n: (1, 3)},
    notes=(
        "Conditions: J convex and differentiable on all of R^n, a minimiser exists.  Checked on the strictly "
        "convex quadratics J(theta) = theta^T P theta / 2 - b^T theta with P symmetric positive definite (the "
        "catalog's logistic loss has no closed-form minimiser to state).  Stationary => global minimum: the only "
        "stationary point P^{-1} b is a global minimiser (the Minimiser kind: gradient 0 and convexity shown "
        "structurally).  Global minimum => stationary, by its contrapositive: at every theta the slope of J along "
        "-grad J is -||grad J||^2, negative unless the gradient is 0, so a point with a nonzero gradient is no "
        "minimiser.  n from 1 to 3, symbolically at n = 2."),
)
