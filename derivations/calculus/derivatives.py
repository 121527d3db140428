"""Calculus claims about derivatives: gradients, mixed partials, Hessians, the third-order
derivative tensor and the Jacobian conventions of the backpropagation page.

Every claim differentiates a *random smooth function*, not a fixed toy: the catalog's `Smooth(n)`
recipe, a mixture of tanh units, an exponential, a quadratic form and a linear term whose
coefficients are symbols with domains, so each random instance is another function and the
symbolic path works with all of them at once:

    f(x) = a^T tanh(W x + c) + 1/2 x^T S x + b^T x + d exp(g^T x),    x in R^n,

with W (K x n), c, a (K x 1), g, b (n x 1) real, S symmetric and d real.

A partial derivative is written as the notes define it: the derivative of f along one coordinate
line, d/dt f(x + (t - x_i) e_i) at t = x_i (`partial(expr, x, i, n)`).  The engine's gradients and
Jacobians (`Grad`, `Jacobian`: `sympy.diff` of the whole matrix variable symbolically, `jax.grad`
/ `jax.jacrev` numerically) are thereby compared with one-variable derivatives built
independently of them.
"""

from __future__ import annotations

import itertools

import sympy as sp

from verify import Claim, Derivation, Grad, Gradient, Identity, Jacobian, domains, scalar

SOURCE_000 = "000_dc19b0ffecab0c76.txt — Calculus (untitled)"
SOURCE_003 = "003_ca8f127fce5a905b.txt — page ① Deep Learning Chain Rule"

n = sp.Symbol("n", integer=True, positive=True)  # number of inputs of f
K = sp.Symbol("K", integer=True, positive=True)  # number of tanh units of the random function
m = sp.Symbol("m", integer=True, positive=True)  # number of outputs of a vector map

x = sp.MatrixSymbol("x", n, 1)
W = sp.MatrixSymbol("W", K, n)
c = sp.MatrixSymbol("c", K, 1)
a = sp.MatrixSymbol("a", K, 1)
S = sp.MatrixSymbol("S", n, n)
b = sp.MatrixSymbol("b", n, 1)
g = sp.MatrixSymbol("g", n, 1)
d = sp.Symbol("d", real=True)

# bound variables of the one-variable derivatives along coordinate lines
t = sp.Symbol("t", real=True)
s = sp.Symbol("s", real=True)
r = sp.Symbol("r", real=True)


def smooth(v):
    """The random smooth function f at the point v (an n x 1 expression)."""
    return (scalar(a.T * (W * v + c).applyfunc(sp.tanh))
            + sp.Rational(1, 2) * scalar(v.T * S * v)
            + scalar(b.T * v)
            + d * sp.exp(scalar(g.T * v)))


SMOOTH_DOMAIN = {
    W: domains.general(), c: domains.vector(), a: domains.vector(), S: domains.symmetric(),
    b: domains.vector(), g: domains.vector(0.5), d: domains.real(), x: domains.vector(),
}
SMOOTH_NOTE = (
    "f is a random smooth function of x in R^n: f(x) = a^T tanh(W x + c) + x^T S x / 2 + b^T x "
    "+ d exp(g^T x) with K tanh units; its coefficients are symbols (W general K x n, c, a, b, g "
    "vectors, S symmetric, d real), so each random instance is another function, and the symbolic "
    "path works with all of them at once. "
)


def _smooth_claim(name: str, title: str, section: str, statement, sizes: dict, symbolic_sizes: tuple, tex_names,
                  notes: str, domain=SMOOTH_DOMAIN) -> Claim:
    """A claim about the random smooth f: its coefficients' domain, the notes' Calculus page and the note on f."""
    return Claim(id=f"calculus.{name}", title=title, source=f"{SOURCE_000} › {section}", statement=statement,
                 domain=domain, sizes=sizes, symbolic_sizes=symbolic_sizes, tex_names=tex_names,
                 notes=SMOOTH_NOTE + notes)


def unit(i: int, size: int) -> sp.ImmutableMatrix:
    """The i-th standard basis vector of R^size (0-based)."""
    return sp.ImmutableMatrix(size, 1, lambda k, _: 1 if k == i else 0)


def partial(expr, var, i: int, size: int, along):
    """d expr / d var_i by its definition: the derivative of expr along the coordinate line through
    var in direction e_i, d/d along expr(var + (along - var_i) e_i) at along = var_i."""
    line = var + (along - var[i, 0]) * unit(i, size)
    return Grad(expr.xreplace({var: line}), along, at=var[i, 0])


# --- calculus.gradient.definition_shape --------------------------------------------------------


def _gradient_as_partials(sizes):
    size = sizes["n"]
    partials = sp.ImmutableMatrix(size, 1, lambda i, _: partial(smooth(x), x, i, size, t))
    return Identity(Grad(smooth(x), x), partials)


def _partial_names(sizes):
    """Each coordinate-line derivative printed as the partial derivative it is (defined on a where line)."""
    size = sizes["n"]
    return {partial(smooth(x), x, i, size, t): r"\partial_{x_{%d}} f" % (i + 1) for i in range(size)}


gradient_definition_shape = _smooth_claim(
    "gradient.definition_shape", "The gradient of f: R^n -> R is the n x 1 column of its partial derivatives",
    "1. Differentiation; 2. Gradient of a Function", _gradient_as_partials,
    {n: (1, 4), K: (1, 3)}, ({"n": 2, "K": 2}, {"n": 3, "K": 1}), _partial_names,
    (
        "The claim: the gradient of f at x, as the engine differentiates the whole vector variable "
        "(sympy.diff symbolically, jax.grad numerically), is an n x 1 column and equals, entry by "
        "entry, the partial derivative df/dx_i taken by its definition, the one-variable "
        "derivative of f along the coordinate line through x in direction e_i. The shapes must agree "
        "(n x 1 on both sides) for the comparison to be made. The notes' two-variable case "
        "z = f(x, y) is the case n = 2. f is differentiable everywhere, as the catalog assumes. "
        "Proved entrywise at n = 2 (K = 2) and n = 3 (K = 1); checked numerically for n = 1..4, "
        "K = 1..3."
    ),
)


# --- calculus.mixed_partials.symmetry ----------------------------------------------------------

xs, ys = sp.symbols("x y", real=True)
p = sp.symbols("p1:8", real=True)


def two_variable_function():
    """A random smooth z = f(x, y): tanh, exp, sin and a polynomial, coefficients p1..p7."""
    return (p[0] * sp.tanh(p[1] * xs + p[2] * ys + p[3])
            + p[4] * sp.exp(xs * ys / 4) * sp.sin(xs + p[5] * ys)
            + p[6] * xs ** 3 * ys ** 2)


mixed_partials_symmetry = Claim(
    id="calculus.mixed_partials.symmetry",
    title="Mixed partial derivatives of a C^2 function agree: d2z/dydx = d2z/dxdy",
    source=f"{SOURCE_000} › 3. Successive Partial Derivatives",
    statement=Identity(Grad(Grad(two_variable_function(), xs), ys),
                       Grad(Grad(two_variable_function(), ys), xs)),
    domain={xs: domains.real(), ys: domains.real(), **{q: domains.real() for q in p}},
    notes=(
        "z = f(x, y) = p1 tanh(p2 x + p3 y + p4) + p5 exp(x y / 4) sin(x + p6 y) + p7 x^3 y^2, with "
        "random real coefficients p1..p7: a smooth function, so its second partial derivatives "
        "are continuous (the condition the notes state). The left side differentiates in x "
        "first, then in y; the right side in the opposite order (sympy.diff symbolically, nested "
        "jax.grad numerically). Proved for all real x, y and coefficients. The condition is "
        "needed (xy(x^2 - y^2)/(x^2 + y^2) has unequal mixed partials at the origin), but that "
        "counterexample lives at a point where only limits define the derivatives, which "
        "neither path evaluates, so it is not encoded."
    ),
)


# --- calculus.hessian.definition_symmetric -----------------------------------------------------


def second_partials(expr, size: int):
    """[d/dx_v (d expr/dx_u)]_{u,v}: each entry two one-variable derivatives along coordinate lines."""
    return sp.ImmutableMatrix(size, size, lambda u, v: partial(partial(expr, x, u, size, t), x, v, size, s))


def _hessian(sizes):
    size = sizes["n"]
    by_definition = second_partials(smooth(x), size)
    return Derivation(
        steps=(Jacobian(Grad(smooth(x), x), x), by_definition, by_definition.T),
        reasons=("the Hessian (the Jacobian of the gradient, n x n) has entry (u, v) = d/dx_v (df/dx_u)",
                 "symmetry: entry (u, v) equals entry (v, u), the derivatives taken in the other order"),
    )


def _second_partial_names(sizes):
    size = sizes["n"]
    return {partial(partial(smooth(x), x, u, size, t), x, v, size, s): r"\partial_{x_{%d}} \partial_{x_{%d}} f" % (v + 1, u + 1)
            for u in range(size) for v in range(size)}


hessian_definition_symmetric = _smooth_claim(
    "hessian.definition_symmetric", "The Hessian is the n x n matrix of second partial derivatives, symmetric for f in C^2",
    "4. Hessian Matrix of a Function", _hessian,
    {n: (2, 3), K: (1, 2)}, ({"n": 3, "K": 1},), _second_partial_names,
    (
        "f is C^infinity, so in particular C^2 (the condition for symmetry). Step 1 is the "
        "Hessian as the engine computes it, the Jacobian of the gradient (sympy.diff; "
        "jax.jacrev of jax.grad), an n x n matrix; step 2 is the matrix whose (u, v) entry is "
        "d/dx_v of df/dx_u, each partial derivative taken by its definition along a coordinate "
        "line; step 3 is its transpose, whose (u, v) entry differentiates in the other order. "
        "Each adjacent pair must agree, shapes included (n x n). The notes' f(x, y, z) is n = 3: "
        "proved entrywise at n = 3 (K = 1); checked numerically for n = 2..3, K = 1..2 (each entry is two "
        "nested one-variable derivatives of the whole function, so n = 4 costs 16 of them per instance)."
    ),
)


# --- calculus.derivative_tensor.third_order_shape ----------------------------------------------

# three directions: the third derivative is compared through its trilinear form
# T(v1, v2, v3) = sum_ijk T_ijk v1_i v2_j v3_k, which is symmetric in its arguments for all
# directions exactly when the tensor is symmetric under permutations of its indices
v1, v2, v3 = (sp.MatrixSymbol(f"v{k}", n, 1) for k in (1, 2, 3))
DIRECTIONS = {v1: t, v2: s, v3: r}  # each direction with the parameter of its line


def autodiff_slices(expr, size: int) -> list:
    """The third derivative by nested autodiff, as n slices of n x n: slice j is the Jacobian of
    column j of the Hessian, entry (i, k) = d/dx_k d/dx_j d/dx_i expr."""
    hessian = Jacobian(Grad(expr, x), x)
    return [Jacobian(hessian * unit(j, size), x) for j in range(size)]


def contracted(slices) -> sp.Expr:
    """T(v1, v2, v3) = sum_j v2_j v1^T S_j v3 for the slices S_j of T."""
    return sp.Add(*[v2[j, 0] * scalar(v1.T * slice_j * v3) for j, slice_j in enumerate(slices)])


def directional(expr, order) -> sp.Expr:
    """d/d r3 d/d r2 d/d r1 expr(x + t v1 + s v2 + r v3) at 0, the innermost derivative along the
    direction order[0]: one entry of the trilinear form, differentiated in that order."""
    value = expr.xreplace({x: x + t * v1 + s * v2 + r * v3})
    for direction in order:
        value = Grad(value, DIRECTIONS[direction], at=0)
    return value


PERMUTATIONS = tuple(itertools.permutations((v1, v2, v3)))


def _third_order(sizes):
    size = sizes["n"]
    steps = (contracted(autodiff_slices(smooth(x), size)),) + tuple(directional(smooth(x), q) for q in PERMUTATIONS)
    reasons = ("nested autodiff gives n slices of n x n (an n x n x n tensor); contracted with v1, v2, v3 it is "
               "the third derivative along v1, then v2, then v3",) + tuple(
        "the derivatives taken along %s, %s, %s in turn" % tuple(str(d) for d in q) for q in PERMUTATIONS[1:])
    return Derivation(steps=steps, reasons=reasons)


def _third_order_names(sizes):
    label = {v1: "v_1", v2: "v_2", v3: "v_3"}
    return {directional(smooth(x), q): r"D_{%s} D_{%s} D_{%s} f" % tuple(label[d] for d in reversed(q))
            for q in PERMUTATIONS}


third_order_shape = _smooth_claim(
    "derivative_tensor.third_order_shape",
    "The third derivative of f: R^n -> R is an n x n x n tensor, symmetric under index permutations",
    "6. Taylor Series", _third_order,
    {n: (2, 4), K: (1, 2)}, ({"n": 2, "K": 1}, {"n": 3, "K": 1}), _third_order_names,
    (
        "f is C^infinity, so in particular C^3 (the condition for symmetry). The engine has no "
        "three-way arrays, so the tensor T[i, j, k] = d/dx_k d/dx_j d/dx_i f is checked through "
        "its trilinear form T(v1, v2, v3) = sum_ijk T_ijk v1_i v2_j v3_k for random directions "
        "v1, v2, v3 (symbols on the symbolic path, so a proof covers every direction, which is "
        "every entry of T). Step 1 builds T by nested autodiff, as n slices S_j of n x n (the "
        "Jacobian of column j of the n x n Hessian), and contracts it: sum_j v2_j v1^T S_j v3, "
        "which is well-formed only when T is n x n x n. Steps 2-7 take the third derivative of "
        "f along the line x + t v1 + s v2 + r v3 in each of the 6 orders of the three "
        "directions; T is symmetric under every permutation of its indices exactly when these "
        "agree for all directions. Every adjacent pair must agree: the first ties the autodiff "
        "tensor to the definition, the others are the symmetry. Proved entrywise at n = 2 and "
        "n = 3 (K = 1); checked numerically for n = 2..4, K = 1..2 (at n = 1 the Hessian's one column is "
        "the Hessian itself, which SymPy then builds as a 1 x 1 matrix, not a column)."
    ),
    domain={**SMOOTH_DOMAIN, v1: domains.vector(), v2: domains.vector(), v3: domains.vector()},
)


# --- calculus.jacobian.layout_convention (reading a: numerator layout) --------------------------

u = sp.MatrixSymbol("u", n, 1)
V = sp.MatrixSymbol("V", m, n)
e = sp.MatrixSymbol("e", m, 1)
w = sp.MatrixSymbol("w", m, 1)  # bound: the variable of the downstream function J
B = sp.MatrixSymbol("B", K, m)
h = sp.MatrixSymbol("h", K, 1)
R = sp.MatrixSymbol("R", m, m)


def layer(v):
    """v(u) = tanh(V u + e): a map R^n -> R^m."""
    return (V * v + e).applyfunc(sp.tanh)


def downstream(v):
    """A random smooth scalar J of an m-vector v: h^T tanh(B v) + v^T R v / 2."""
    return scalar(h.T * (B * v).applyfunc(sp.tanh)) + sp.Rational(1, 2) * scalar(v.T * R * v)


def entrywise_jacobian(sizes):
    """[d v_j / d u_k] at row j, column k, each entry a one-variable derivative along a coordinate line."""
    rows, cols = sizes["m"], sizes["n"]
    return sp.ImmutableMatrix(rows, cols, lambda j, k: partial(layer(u)[j, 0], u, k, cols, t))


LAYER_DOMAIN = {V: domains.general(), e: domains.vector(), u: domains.vector()}


def _reading_a(entry: str, part: str, title: str, statement, domain: dict, sizes: dict, symbolic_sizes: tuple,
               notes: str, tex_names=None) -> Claim:
    """A claim under reading a of the catalog entry calculus.jacobian.<entry> (the page of SOURCE_003)."""
    catalog = f"calculus.jacobian.{entry}"
    return Claim(id=f"{catalog}.reading_a{part}", catalog=catalog, title=title, source=SOURCE_003,
                 statement=statement, domain=domain, sizes=sizes, symbolic_sizes=symbolic_sizes,
                 tex_names=tex_names if tex_names is not None else {}, notes=notes)


def _layout_entries(sizes):
    return Identity(Jacobian(layer(u), u), entrywise_jacobian(sizes))


def _layer_partial_names(sizes):
    return {partial(layer(u)[j, 0], u, k, sizes["n"], t): r"\partial_{u_{%d}} v_{%d}" % (k + 1, j + 1)
            for j in range(sizes["m"]) for k in range(sizes["n"])}


layout_convention_a = _reading_a(
    "layout_convention", "", "Reading a: the Jacobian dv/du has d v_j / d u_k at row j, column k (numerator layout)",
    _layout_entries, LAYER_DOMAIN, {m: (1, 4), n: (1, 4)}, ({"m": 2, "n": 3},),
    tex_names=_layer_partial_names,
    notes=(
        "Ambiguous as written: the notes put the entry d v_j / d u_k in a matrix they call du/dv, "
        "the names swapped. Reading a (the consistent one, used later on the same page) calls it "
        "dv/du. v(u) = tanh(V u + e) maps R^n to R^m with random V (m x n, rectangular) and e. "
        "The claim: the engine's numerator-layout Jacobian of v with respect to u (sympy.diff; "
        "jax.jacrev) is the m x n matrix whose entry (j, k) is d v_j / d u_k, taken by its "
        "definition along the coordinate line of u_k. Proved entrywise at m = 2, n = 3; checked "
        "numerically for m, n = 1..4, square and rectangular. Its use in the chain rule is "
        "calculus.jacobian.layout_convention.reading_a.chain_rule."
    ),
)


def _layout_chain_rule(sizes):
    jac = entrywise_jacobian(sizes)
    return Identity(Grad(downstream(layer(u)), u), jac.T * Grad(downstream(w), w, at=layer(u)))


layout_convention_a_chain = _reading_a(
    "layout_convention", ".chain_rule",
    "Reading a, used: grad_u J = (dv/du)^T grad_v J with the numerator-layout Jacobian", _layout_chain_rule,
    {**LAYER_DOMAIN, B: domains.general(), h: domains.vector(), R: domains.symmetric()},
    {m: (1, 4), n: (1, 4), K: (1, 2)}, ({"m": 2, "n": 2, "K": 1},),
    tex_names=_layer_partial_names,
    notes=(
        "Reading a of the Jacobian convention, as the page uses it for backpropagation. "
        "v(u) = tanh(V u + e) (R^n -> R^m, V m x n) feeds a random smooth scalar "
        "J(v) = h^T tanh(B v) + v^T R v / 2 (B K x m, R symmetric). The left side is the gradient "
        "of the composition J(v(u)) with respect to u (sympy.diff; jax.grad); the right side "
        "multiplies the transpose of the m x n matrix [d v_j / d u_k] (entries taken along "
        "coordinate lines, not the engine's Jacobian) with the gradient of J at v(u). With the "
        "names swapped (an n x m matrix), the product would be ill-formed whenever m != n. Proved "
        "entrywise at m = n = 2 (K = 1); checked numerically for m, n = 1..4, K = 1..2."
    ),
)


# --- calculus.jacobian.linear_map (reading a: v = A u) ------------------------------------------

A = sp.MatrixSymbol("A", m, n)

linear_map_a = _reading_a(
    "linear_map", "", "Reading a: if v = A u with A constant, then dv/du = A",
    Gradient(A * u, u, claimed=A), {A: domains.general(), u: domains.vector()},
    {m: (1, 5), n: (1, 5)}, ({"m": 2, "n": 3}, {"m": 3, "n": 2}),
    notes=(
        "Ambiguous as written (the notes' 'du/du = A' differentiates u by itself, which would be "
        "the identity). Reading a, reconstructed from the struck-out line: v = A u with A a "
        "constant m x n matrix (rectangular allowed), and the numerator-layout Jacobian dv/du "
        "(sympy.diff; jax.jacrev) is A itself, an m x n matrix. Proved entrywise at m x n = 2 x 3 "
        "and 3 x 2; checked numerically for m, n = 1..5."
    ),
)
