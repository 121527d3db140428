"""Taylor series and Taylor's theorem (catalog section 2), with the limit and order kinds.

The notes say any function equals its Taylor series; that is false (a series may diverge, or
converge to something else), and the erratum is encoded as written on log(1 + t), whose series
at 0 diverges for h > 1.  Its correction is Taylor's theorem with a remainder of order k + 1.
"""

import sympy as sp

from verify import Claim, Grad, Jacobian, domains, scalar
from verify.logic_kinds import Limit, Order

h = sp.Symbol("h", real=True)
t = sp.Symbol("t", positive=True)  # the step of an Order (bound)
N = sp.Symbol("N", integer=True, positive=True)  # the number of terms of a partial sum (bound by the Limit)
k = sp.Symbol("k", integer=True, positive=True)  # the summation index (bound by the Sum)
u = sp.Symbol("u", real=True)  # the variable of a derivative (bound by Grad)


def log_partial_sum(at):
    """The N-th partial sum of the Taylor series of log(1 + t) at 0, at t = `at`."""
    return sp.Sum((-1) ** (k + 1) * at**k / k, (k, 1, N))


any_function = Claim(
    id="calculus.taylor.any_function",
    title="Any function equals the sum of its Taylor series (as the notes state it)",
    source="000_dc19b0ffecab0c76.txt, Calculus (untitled) > 6. Taylor Series",
    statement=Limit(log_partial_sum(h), N, sp.oo, sp.log(1 + h)),
    domain={h: domains.interval(-0.5, 3)},
    expect="fails",
    correction="calculus.taylor.any_function.corrected",
    notes=(
        "Encoded as written: 'any function' includes log(1 + t), defined for t > -1, whose Taylor series at 0 is "
        "sum_{k >= 1} (-1)^{k+1} t^k / k; the claim is that its partial sums tend to log(1 + h) for every h "
        "where the function is defined, here h in (-1/2, 3).  For h > 1 (outside the radius of convergence 1) "
        "the series diverges.  A smooth function can also fail (exp(-1/t^2) has the zero series at 0).  "
        "Numerically the partial sums with N = 2, 4, ..., 256 terms; symbolically the series summed by SymPy "
        "at exact h."),
)

a, b, c = sp.symbols("a b c", real=True)
x0 = sp.Symbol("x0", real=True)


def smooth_1d(v):
    """A smooth (analytic) scalar family with random coefficients."""
    return a * sp.sin(b * v) + c * sp.exp(v / 2)


def derivative(order, at):
    """The order-th derivative of smooth_1d at `at`, by nested Grad nodes (autodiff numerically)."""
    expr = smooth_1d(u)
    for _ in range(order - 1):
        expr = Grad(expr, u)
    return Grad(expr, u, at=at) if order else smooth_1d(at)


def taylor_polynomial(degree, at, step):
    return sp.Add(*[derivative(j, at) * step**j / sp.factorial(j) for j in range(degree + 1)])


corrected = Claim(
    id="calculus.taylor.any_function.corrected",
    catalog="calculus.taylor.any_function",
    title="Taylor's theorem: f(x + t) minus its Taylor polynomial of degree 3 is O(t^4)",
    source="000_dc19b0ffecab0c76.txt, Calculus (untitled) > 6. Taylor Series (corrected)",
    statement=Order(smooth_1d(x0 + t) - taylor_polynomial(3, x0, t), t, 4),
    domain={a: domains.real(), b: domains.real(), c: domains.real(), x0: domains.real()},
    notes=(
        "The correction of the erratum: for f with k + 1 continuous derivatives, f(x + t) = sum_{j <= k} "
        "f^{(j)}(x) t^j / j! + O(t^{k+1}); the infinite series equals f only for analytic f inside the radius of "
        "convergence (calculus.taylor.univariate_series).  Checked with k = 3 on f(v) = a sin(b v) + c exp(v/2) with "
        "random a, b, c and point x, the derivatives by nested Grad (sympy.diff exactly, autodiff numerically)."),
)

univariate_series = Claim(
    id="calculus.taylor.univariate_series",
    title="An analytic function equals its Taylor series inside the radius of convergence (log(1 + h))",
    source="000_dc19b0ffecab0c76.txt, Calculus (untitled) > 6. Taylor Series",
    statement=Limit(log_partial_sum(h), N, sp.oo, sp.log(1 + h)),
    domain={h: domains.interval(-0.5, 0.5)},
    notes=(
        "Conditions: f analytic at the point and |h| below the radius of convergence.  Checked on log(1 + t) at "
        "0 (radius 1) for h in (-1/2, 1/2): the partial sums sum_{k=1}^{N} (-1)^{k+1} h^k / k tend to log(1 + h).  "
        "Symbolically SymPy sums the series for a generic h of the interval (and decides |h| <= 1 from the "
        "interval); numerically N = 2, 4, ..., 256.  The order of the truncation error is "
        "calculus.taylor.any_function.corrected."),
)

n = sp.Symbol("n", integer=True, positive=True)
x = sp.MatrixSymbol("x", n, 1)
d = sp.MatrixSymbol("d", n, 1)
W = sp.MatrixSymbol("W", n, n)
w = sp.MatrixSymbol("w", n, 1)
S = sp.MatrixSymbol("S", n, n)
v = sp.MatrixSymbol("v", n, 1)  # the variable of the derivatives (bound by Grad / Jacobian)


def smooth(z):
    """A smooth function of a vector: a tanh layer plus a quadratic (the catalog's Smooth(n))."""
    return scalar(w.T * (W * z).applyfunc(sp.tanh)) + scalar(z.T * S * z) / 2


gradient = Grad(smooth(v), v, at=x)
hessian = Jacobian(Grad(smooth(v), v), v, at=x)
multivariate_second_order = Claim(
    id="calculus.taylor.multivariate_second_order",
    title="Second-order Taylor expansion: f(x + t d) = f(x) + t grad f^T d + t^2/2 d^T H d + O(t^3)",
    source="000_dc19b0ffecab0c76.txt, Calculus (untitled) > 6. Taylor Series; Optimization Techniques > 2",
    statement=Order(smooth(x + t * d) - smooth(x) - t * scalar(gradient.T * d) - t**2 * scalar(d.T * hessian * d) / 2,
                    t, 3),
    domain={x: domains.vector(), d: domains.vector(), W: domains.general(), w: domains.vector(),
            S: domains.symmetric()},
    sizes={n: (1, 3)},
    notes=(
        "Conditions: f twice continuously differentiable near x (the notes drop the higher-order terms).  Checked "
        "along a random direction d with step t -> 0: the error of the quadratic model is O(t^3) (so o(t^2), as "
        "the notes need), on f(z) = w^T tanh(W z) + z^T S z / 2 with random w, W, symmetric S; gradient and "
        "Hessian by Grad and Jacobian of the gradient (sympy.diff exactly, autodiff numerically).  n from 1 to 3, "
        "symbolically at n = 2."),
)

xs = sp.Symbol("xs", real=True)
quadratic_approx = Claim(
    id="calculus.quadratic_approx.univariate",
    title="Quadratic approximation near x*: f(x) = f(x*) + (x - x*) f'(x*) + (x - x*)^2 f''(x*)/2 + O((x - x*)^3)",
    source="003_ca8f127fce5a905b.txt, page 3 (Taylor approximation)",
    statement=Order(smooth_1d(xs + t) - taylor_polynomial(2, xs, t), t, 3),
    domain={a: domains.real(), b: domains.real(), c: domains.real(), xs: domains.real()},
    tex_names={"xs": "x^*"},
    notes=(
        "Conditions: f twice continuously differentiable near x* (three times for the O bound checked here, "
        "which implies the o((x - x*)^2) error the notes need).  x - x* = t -> 0, on f(v) = a sin(b v) + "
        "c exp(v/2) with random a, b, c and x*."),
)
