"""Backpropagation through a multi-layer perceptron (topic `nn`, catalog headline 5 and companions).

Covers the layer-by-layer gradient rules of the handwritten notes (003, page 1: the diagonal
activation Jacobian, the weight gradient as an outer product, the factor-1 slip and the input
gradient's misplaced transpose), the batch equations of the MLP article (001: dA, dW, db for a
batch of m columns) and the output-layer delta of the ML notes (002: sigmoid outputs with
per-output binary cross-entropy).

Every derivative is checked through a real network, not a single layer with a linear loss:
layer k (weights W, bias b, pre-activation z = W^T x + b, activation tanh or sigmoid) feeds a
tanh layer (V, c) and a sigmoid output layer (U, e) scored by binary cross-entropy against
soft targets y.  Where a rule is stated in terms of "the gradient with respect to z", that
gradient is `Grad(L, z, at=<pre-activation>)` of the downstream part L alone, so the claimed
formula and the autodiff gradient of the whole network are computed independently.

The weight matrix has shape (inputs x outputs) and the forward pass uses its transpose, as in
both 003 and 001; gradients have the shape of the variable and Jacobians are numerator layout.
"""

from __future__ import annotations

import sympy as sp

from verify import Claim, Derivation, Grad, Gradient, Jacobian, domains, scalar, sigmoid
from verify.domains import Domain

SRC_003 = "003_ca8f127fce5a905b.txt — page ① Deep Learning Chain Rule › Gradient Computation"
SRC_001 = "001_ca36c8fd41d8e516.txt — 4. Forward and Backpropagation › Backpropagation › Equations"
SRC_002 = "002_af36e8dc7108e1d7.txt — Feedforward Neural Network › Backpropagation (Output Layer)"


def _dim(name: str) -> sp.Symbol:
    return sp.Symbol(name, integer=True, positive=True)


# n0 = n_{k-1} (inputs of layer k), n1 = n_k, n2 = width of the next hidden layer,
# n3 = number of outputs, m = examples in a batch.
n0, n1, n2, n3, m = (_dim(s) for s in ("n0", "n1", "n2", "n3", "m"))

# Ranges that contain both n0 == n1 and n0 != n1, so that a misplaced transpose shows up as a
# shape error at some sizes and as a wrong value (non-symmetric square W) at others.
LAYER_SIZES = {n0: (1, 4), n1: (1, 4), n2: (1, 3), n3: (1, 3)}
BATCH_SIZES = {**LAYER_SIZES, m: (1, 4)}
# Symbolic work happens at the smallest non-degenerate network; every width 2 keeps the
# explicit derivatives small while W stays a genuine (non-symmetric) matrix.
SYMBOLIC_LAYER = ({"n0": 2, "n1": 2, "n2": 2, "n3": 2},)
SYMBOLIC_BATCH = ({"n0": 2, "n1": 2, "n2": 2, "n3": 2, "m": 2},)


def _unit_entries() -> Domain:
    """Matrices with every entry in (0, 1): soft targets for per-output cross-entropy.

    verify.domains has interval() only for scalars; targets here are vectors and batches.
    """
    base = domains.general()
    unit = domains.interval(0.0, 1.0)

    def rational(rng, shape):
        return sp.ImmutableMatrix(*shape, lambda i, j: unit.rational(rng, ()))

    def rationalize(value):
        exact = base.rationalize(value)
        return exact if all(0 < v < 1 for v in exact) else None

    return Domain(**{**base.__dict__, "name": "unit_entries",
                     "description": "real matrix with i.i.d. entries uniform in (0, 1) (soft targets)",
                     "transform": unit.transform, "rational": rational, "rationalize": rationalize})


# --- the network --------------------------------------------------------------------------

x = sp.MatrixSymbol("x", n0, 1)     # x^{(k-1)}: any vector an upstream layer can produce
W = sp.MatrixSymbol("W", n0, n1)
b = sp.MatrixSymbol("b", n1, 1)
V = sp.MatrixSymbol("V", n1, n2)    # layer k+1 (tanh)
c = sp.MatrixSymbol("c", n2, 1)
U = sp.MatrixSymbol("U", n2, n3)    # output layer (sigmoid, cross-entropy)
e = sp.MatrixSymbol("e", n3, 1)
y = sp.MatrixSymbol("y", n3, 1)

# Bound variables of Grad/Jacobian: the downstream part as a function of one intermediate.
z = sp.MatrixSymbol("z", n1, 1)     # pre-activation of layer k
xk = sp.MatrixSymbol("xk", n1, 1)   # activation of layer k

# Batch versions (001): one example per column.
A = sp.MatrixSymbol("A", n0, m)
Y = sp.MatrixSymbol("Y", n3, m)
Z = sp.MatrixSymbol("Z", n1, m)


# Derivatives of the activations are written at matrix level (1 - t as OneMatrix - T) rather
# than inside an elementwise lambda: the JAX backend applies a lambda to the whole array at
# once and its checked addition rejects "scalar + array".  Same reason for log(1 - sigmoid).
def tanh_prime(v):
    t = v.applyfunc(sp.tanh)
    return sp.OneMatrix(*v.shape) - sp.HadamardProduct(t, t)


def sigmoid_prime(v):
    s = v.applyfunc(sigmoid)
    return sp.HadamardProduct(s, sp.OneMatrix(*v.shape) - s)


def _sum_entries(M):
    rows, cols = M.shape
    total = sp.OneMatrix(1, rows) * M
    return scalar(total if cols == 1 else total * sp.OneMatrix(cols, 1))


def bce(logits, targets):
    """Binary cross-entropy of sigmoid(logits) against targets, summed over every entry."""
    ones = sp.OneMatrix(*targets.shape)
    prob = logits.applyfunc(sigmoid)
    log_p = prob.applyfunc(sp.log)
    log_q = (ones - prob).applyfunc(sp.log)
    return _sum_entries(-(sp.HadamardProduct(targets, log_p) + sp.HadamardProduct(ones - targets, log_q)))


def after_activation(act):
    """J as a function of the activation of layer k: a tanh layer, then the sigmoid/BCE output."""
    hidden = (V.T * act + c).applyfunc(sp.tanh)
    return bce(U.T * hidden + e, y)


def downstream(pre, g=sp.tanh):
    """J as a function of the pre-activation of layer k (activation g)."""
    return after_activation(pre.applyfunc(g))


def batch_downstream(pre):
    """The batch loss as a function of Z^{[i]}: tanh, a tanh layer, sigmoid outputs, BCE summed
    over all outputs and all examples; biases are broadcast over the m columns."""
    act = pre.applyfunc(sp.tanh)
    hidden = (V.T * act + c * sp.OneMatrix(1, m)).applyfunc(sp.tanh)
    return bce(U.T * hidden + e * sp.OneMatrix(1, m), Y)


PRE = W.T * x + b                                   # z^{(k)} of the single-example claims
DZ_SINGLE = Grad(downstream(z), z, at=PRE)          # grad_z J, from the downstream part only
J_SINGLE = downstream(PRE)

BATCH_PRE = W.T * A + b * sp.OneMatrix(1, m)        # Z^{[i]} = W^T A + b broadcast
DZ_BATCH = Grad(batch_downstream(Z), Z, at=BATCH_PRE)
J_BATCH = batch_downstream(BATCH_PRE)

# How the reports write the network: the downstream loss as J (defined on a where line), the activation
# of layer k as x^{(k)} and the output pre-activation as z^{(L)}.
SINGLE_NAMES = {downstream(z): "J"}
BATCH_NAMES = {batch_downstream(Z): "J"}
ACTIVATION_NAMES = {after_activation(xk): "J", "xk": r"x^{(k)}"}

NET_DOMAIN = {x: domains.vector(), W: domains.general(), b: domains.vector(),
              V: domains.general(), c: domains.vector(), U: domains.general(),
              e: domains.vector(), y: _unit_entries()}
BATCH_DOMAIN = {**{k: v for k, v in NET_DOMAIN.items() if k not in (x, y)},
                A: domains.general(), Y: _unit_entries()}


# --- the gradient rules -------------------------------------------------------------------

BATCH_NOTES = (
    "Convention of the article: Z = W^T A + b with W of shape n_(i-1) x n_i, A of shape "
    "n_(i-1) x m (one example per column) and b an n_i-vector broadcast over the m columns "
    "(encoded as b times a 1 x m row of ones). dZ is the gradient of the loss with respect "
    "to Z, computed from the downstream part alone (tanh, a tanh layer, sigmoid outputs and "
    "binary cross-entropy summed over outputs and examples) at the actual Z. A 1/m average "
    "in the cost would only rescale dZ and does not change any of these rules. ")


def _rule(name: str, title: str, wrt, claimed, notes: str, *, batch: bool = False, **fields) -> Claim:
    """The gradient rule nn.backprop.<name>: the autodiff gradient of the loss with respect to `wrt`
    against `claimed`, through the single-example network of 003 or (batch=True) the batch network
    of 001, whose notes start with BATCH_NOTES; `fields` adds expect/correction or other sizes."""
    network = (dict(source=SRC_001, domain=BATCH_DOMAIN, sizes=BATCH_SIZES, tex_names=BATCH_NAMES,
                    symbolic_sizes=SYMBOLIC_BATCH) if batch else
               dict(source=SRC_003, domain=NET_DOMAIN, sizes=LAYER_SIZES, tex_names=SINGLE_NAMES,
                    symbolic_sizes=SYMBOLIC_LAYER))
    return Claim(id=f"nn.backprop.{name}", title=title,
                 statement=Gradient(f=J_BATCH if batch else J_SINGLE, wrt=wrt, claimed=claimed),
                 notes=(BATCH_NOTES if batch else "") + notes, **{**network, **fields})


# --- 003, page 1 ----------------------------------------------------------------------------


def activation_chain(g, g_prime):
    """grad_z J through an elementwise activation g, in four steps: autodiff of the network,
    the chain rule with the Jacobian, the diagonal Jacobian, the elementwise product."""
    act = z.applyfunc(g)
    upstream = Grad(after_activation(xk), xk, at=act)
    slope = g_prime(z)
    return Derivation(
        steps=(Grad(after_activation(act), z),
               Jacobian(act, z).T * upstream,
               sp.DiagMatrix(slope) * upstream,
               sp.HadamardProduct(slope, upstream)),
        reasons=("chain rule with the numerator-layout Jacobian of x^(k) = g(z^(k))",
                 "g acts entrywise, so that Jacobian is diag(g'(z^(k)))",
                 "a diagonal matrix times a vector is the entrywise product"),
    )


activation_jacobian_diagonal = Claim(
    id="nn.backprop.activation_jacobian_diagonal",
    title="The Jacobian of an elementwise activation is diag(g'(z)), so grad_z J = g'(z) ∘ grad_x J",
    source=SRC_003,
    statement=activation_chain(sigmoid, sigmoid_prime),
    domain={**{k: v for k, v in NET_DOMAIN.items() if k not in (x, W, b)}, z: domains.vector()},
    sizes={n1: (1, 4), n2: (1, 3), n3: (1, 3)},
    tex_names=ACTIVATION_NAMES,
    symbolic_sizes=({"n1": 2, "n2": 2, "n3": 2},),
    notes=(
        "Encoded as a derivation so that the diagonal Jacobian is tested inside backpropagation "
        "rather than in isolation. Layer k applies the logistic sigmoid g entrywise to its "
        "pre-activation z; what follows is a tanh layer (V, c) and a sigmoid output layer (U, e) "
        "scored by binary cross-entropy against soft targets y in (0, 1). Step 0 is the gradient "
        "of that whole network with respect to z. Step 1 is the page's chain rule: the transpose "
        "of the numerator-layout Jacobian d x^(k) / d z^(k) applied to the gradient of the "
        "downstream part at x^(k) = g(z). Step 2 replaces that Jacobian by diag(g'(z)) with "
        "g' = g(1 - g); since the downstream gradient sweeps all directions as V, U, e and y "
        "vary, agreement of steps 1 and 2 for all of them is agreement of the two matrices. "
        "Step 3 is the vector-Jacobian product written entrywise (the form used by 001 for "
        "dZ = dA * psi'(Z)). Any activation that is differentiable at z behaves the same way; "
        "ReLU is excluded only because it has a kink at 0."),
)

weight_gradient_outer = _rule(
    "weight_gradient_outer",
    "The weight gradient of a layer is the outer product x^(k-1) (grad_z J)^T",
    W, x * DZ_SINGLE.T,
    "Forward pass z = W^T x + b with W of shape n_(k-1) x n_k, so z_j = sum_i W_ij x_i + b_j "
    "and dz_j / dW_ij = x_i. The loss J(W) runs z through tanh, a tanh layer (V, c) and a "
    "sigmoid output layer (U, e) with binary cross-entropy against y in (0, 1). The claimed "
    "side uses grad_z J computed from the downstream part alone (a separate variable z, "
    "evaluated at the actual pre-activation), so the check compares the autodiff gradient "
    "of J with respect to W against x times that vector transposed: an n_(k-1) x n_k "
    "matrix, the shape of W. One example; x ranges over all vectors because any earlier "
    "layers only determine which x is fed in.",
)

input_gradient_transpose = _rule(
    "input_gradient_transpose",
    "As written in 003: grad_x J = W^T grad_z J (wrong transpose for z = W^T x + b)",
    x, W.T * DZ_SINGLE,
    "Same network and conventions as nn.backprop.weight_gradient_outer, now differentiated "
    "with respect to the layer input x. Because z = W^T x + b, the Jacobian dz/dx is W^T and "
    "its transpose W carries grad_z J back to x; the page's own index form "
    "dJ/dx_i = sum_j W_ij dJ/dz_j says the same. The last line of the page instead puts "
    "W^T in front: that product is undefined whenever n_(k-1) != n_k, and for square W it "
    "equals the right answer only when W is symmetric. The random sizes include both "
    "cases. Correction: nn.backprop.input_gradient.",
    expect="fails", correction="nn.backprop.input_gradient",
)

input_gradient = _rule(
    "input_gradient",
    "With z = W^T x + b, the gradient passed back to the layer input is W grad_z J",
    x, W * DZ_SINGLE,
    "Correction of nn.backprop.input_gradient_transpose. With z = W^T x + b the Jacobian "
    "dz/dx is W^T; the chain rule in denominator layout multiplies grad_z J by its "
    "transpose, W (shape n_(k-1) x n_k times an n_k-vector gives an n_(k-1)-vector, the "
    "shape of x). Checked through the same tanh / tanh / sigmoid-cross-entropy network.",
)

weight_gradient_unit_factor = _rule(
    "weight_gradient_unit_factor",
    "As written in 003: dJ/dW_ij = 1 · dJ/dz_j (the factor belongs to the bias)",
    W, sp.OneMatrix(n0, 1) * DZ_SINGLE.T,
    "The page's line says each weight gradient entry is 1 times the matching entry of "
    "grad_z J. For all i, j at once that is the outer product of a vector of ones "
    "(length n_(k-1)) with grad_z J, which is what is encoded. Since dz_j / dW_ij = x_i, the "
    "true factor is x_i (nn.backprop.weight_gradient_outer, stated a line earlier on the "
    "same page), so the line fails except when x happens to be all ones. The factor 1 is "
    "the derivative of z_j with respect to the bias b_j; the corrected statement is "
    "nn.backprop.bias_gradient.",
    expect="fails", correction="nn.backprop.bias_gradient",
)

bias_gradient = _rule(
    "bias_gradient",
    "The gradient with respect to a layer's bias equals grad_z J",
    b, DZ_SINGLE,
    "Correction of nn.backprop.weight_gradient_unit_factor: dz_j / db_j = 1 and dz_j / db_l "
    "= 0 for l != j, so the chain rule gives grad_b J = grad_z J entry by entry. Together "
    "with nn.backprop.weight_gradient_outer (factor x_i for W_ij) this is the full gradient "
    "of one layer. One example; the same tanh / tanh / sigmoid-cross-entropy network.",
)


# --- 001, batch equations -----------------------------------------------------------------

da_prev_transpose = _rule(
    "da_prev_transpose",
    "As written in 001: dA^[i-1] = W^[i]T dZ^[i] (wrong transpose for Z = W^T A + b)",
    A, W.T * DZ_BATCH,
    "Each column of Z depends on the matching column of A through W^T, so dA = W dZ "
    "(n_(i-1) x n_i times n_i x m). The printed W^T dZ is undefined unless n_(i-1) = n_i "
    "and wrong for non-symmetric square W; it would be right in the other convention "
    "Z = W A + b. Correction: nn.backprop.da_prev.",
    batch=True,
    expect="fails", correction="nn.backprop.da_prev",
)

da_prev = _rule(
    "da_prev",
    "With Z = W^T A + b, the gradient passed back to the previous activations is W dZ",
    A, W * DZ_BATCH,
    "Correction of nn.backprop.da_prev_transpose; the result has the shape of A.",
    batch=True,
)

dw_shape = _rule(
    "dw_shape",
    "As written in 001: dW^[i] = dZ^[i] A^[i-1] (ill-formed)",
    W, DZ_BATCH * A,
    "dZ is n_i x m and A is n_(i-1) x m, so the printed product needs m = n_(i-1), and even "
    "then it is n_i x n_(i-1) while W is n_(i-1) x n_i; at all-equal sizes it is still the "
    "wrong matrix. Summing the single-example outer products over the columns gives "
    "dW = A dZ^T. Correction: nn.backprop.dw.",
    batch=True,
    expect="fails", correction="nn.backprop.dw",
)

dw = _rule(
    "dw",
    "With Z = W^T A + b, the weight gradient over a batch is A dZ^T",
    W, A * DZ_BATCH.T,
    "Correction of nn.backprop.dw_shape: the batch version of nn.backprop.weight_gradient_outer, "
    "the sum over examples of x (grad_z J)^T, which is A dZ^T (shape of W). In the other "
    "convention Z = W A + b it would read dZ A^T.",
    batch=True,
)

db_sum = _rule(
    "db_sum",
    "As written in 001: db^[i] = dZ^[i] (misses the sum over the batch)",
    b, DZ_BATCH,
    "The bias is one n_i-vector shared by all m columns, so its gradient collects the "
    "contributions of every example: the row sums of dZ. The printed dZ is n_i x m and "
    "never has the shape of b for a batch of m >= 2 examples (the sizes drawn here); for a "
    "single example it is right. Correction: nn.backprop.db.",
    batch=True,
    # A batch proper: with m = 1 the printed rule is right (dZ is then a single column).
    sizes={**BATCH_SIZES, m: (2, 4)},
    expect="fails", correction="nn.backprop.db",
)

db = _rule(
    "db",
    "With a bias broadcast over the batch, db = dZ 1_m (row sums of dZ)",
    b, DZ_BATCH * sp.OneMatrix(m, 1),
    "Correction of nn.backprop.db_sum; 1_m is the column of m ones.",
    batch=True,
)


# --- 002, output layer ----------------------------------------------------------------------

zo = sp.MatrixSymbol("zo", n3, 1)   # output pre-activation

output_delta = Claim(
    id="nn.backprop.output_delta",
    title="Sigmoid outputs with per-output cross-entropy: dJ/dz^(L) = sigmoid(z^(L)) - y",
    source=SRC_002,
    statement=Gradient(f=bce(zo, y), wrt=zo, claimed=zo.applyfunc(sigmoid) - y),
    domain={zo: domains.vector(), y: _unit_entries()},
    sizes={n3: (1, 4)},
    tex_names={bce(zo, y): "J", "zo": r"z^{(L)}"},
    notes=(
        "The cost of one example is the sum over the K outputs of the binary cross-entropy "
        "-[y log a + (1 - y) log(1 - a)] with a = sigmoid(z), z the output pre-activation "
        "(the 002 notes' cost without the 1/m average and the weight penalty, neither of which "
        "depends on z for a single example). Since da/dz = a(1 - a), the two logarithms "
        "differentiate to -(y(1 - a) - (1 - y)a) = a - y. Targets are soft labels in (0, 1); "
        "the algebra holds for any real y. The rule depends on pairing the sigmoid with this "
        "cost: with squared error the delta picks up the extra factor a(1 - a). Nothing "
        "upstream of z enters dJ/dz, so no network is needed in front of the output layer."),
)
