"""Regularization claims: ridge regression, and L2 / L1 penalties through a quadratic model.

* Ridge regression (math blog, ML notes): the closed-form minimiser of the penalised least
  squares cost, with every coefficient penalised, and with the intercept left unpenalised.
* L2 through the quadratic model (lecture notes, page 3): around a minimiser w* of J, J is
  replaced by 1/2 (w - w*)^T H (w - w*); the weight-decay solution (H + alpha I)^{-1} H w*,
  its eigenbasis form and the per-direction shrinkage factors lambda_i / (lambda_i + alpha);
  the Hessian at a local minimum is PSD.  Errata: "alpha > 0 gives w*" and the rearranged
  stationarity equation that keeps H w* on both sides.
* L1 through the quadratic model with a diagonal Hessian: the soft-threshold minimiser (checked
  region by region with subgradients), and the stationary point whose sign the notes flip.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from verify import Claim, Derivation, Grad, Identity, Jacobian, Minimiser, Property, domains, scalar

SRC_BLOG = "000_dc19b0ffecab0c76.txt — Optimization Techniques › 7. Regularization"
SRC_ML = ("002_af36e8dc7108e1d7.txt — Classical Supervised Learning › Linear Models › "
          "Linear Regression (With L2 Regularization)")
SRC_PAGE3 = "003_ca8f127fce5a905b.txt — page ③"
SRC_L1 = "003_ca8f127fce5a905b.txt — L¹ Regularization"

half = sp.Rational(1, 2)

m = sp.Symbol("m", integer=True, positive=True)
n = sp.Symbol("n", integer=True, positive=True)
k = sp.Symbol("k", integer=True, positive=True)


# --- ridge regression ---------------------------------------------------------------------------

X = sp.MatrixSymbol("X", m, n)
Y = sp.MatrixSymbol("Y", m, 1)
theta = sp.MatrixSymbol("theta", n, 1)
lam = sp.Symbol("lam", positive=True)


def ridge_cost(weight=lam):
    """||Y - X theta||^2 + weight * ||theta||^2."""
    r = Y - X * theta
    return scalar(r.T * r) + weight * scalar(theta.T * theta)


ridge_point = (X.T * X + lam * sp.Identity(n)).inv() * X.T * Y
# The push-through identity (X^T X + lam I)^{-1} X^T = X^T (X X^T + lam I)^{-1}: the form one
# would use for wide X.  It inverts an m x m matrix instead of an n x n one, so agreement is a
# check against an independently computed closed form rather than a rewriting of the point.
ridge_wide_form = X.T * (X * X.T + lam * sp.Identity(m)).inv() * Y

RIDGE_DOMAIN = {X: domains.any_rank(), Y: domains.vector(), theta: domains.vector(),
                lam: domains.positive(1e-3, 1e2)}

ridge_closed_form = Claim(
    id="regularization.ridge.closed_form",
    title="Ridge regression: (X^T X + lam I)^{-1} X^T Y minimises ||Y - X theta||^2 + lam ||theta||^2",
    source=SRC_BLOG,
    statement=Minimiser(f=ridge_cost(), wrt=theta, point=ridge_point, reference=ridge_wide_form),
    domain=RIDGE_DOMAIN,
    sizes={m: (1, 5), n: (1, 4)},
    symbolic_sizes=({"m": 3, "n": 2},),
    notes=(
        "The blog's cost is shown only as an image; the encoding takes the unscaled form: squared "
        "residual norm plus lam times the squared parameter norm, with every coefficient "
        "penalised. Its gradient is 2 X^T (X theta - Y) + 2 lam theta, so the penalty weight in "
        "the cost and the lam added to the diagonal agree only because both terms carry the same "
        "factor; with a 1/(2m) data term and lam/2 penalty the diagonal term would be m lam. "
        "Condition the notes leave out: lam > 0. Then X^T X + lam I is symmetric positive "
        "definite for every X, so the cost is strictly convex and the point is its unique "
        "minimiser whether X is tall, wide or rank-deficient; all three occur among the random "
        "instances (sizes m in 1..5, n in 1..4; about half the instances duplicate a column), "
        "with lam log-uniform in [1e-3, 1e2]. With lam = 0 the formula needs full column rank "
        "and is not claimed here. The reference is the push-through form "
        "X^T (X X^T + lam I_m)^{-1} Y, which must agree with the point."
    ),
)

# I' = diag(0, 1, ..., 1): the intercept (first coefficient) is not penalised.
Ip = sp.MatrixSymbol("Ip", n, n)
# Selection of the feature coefficients (rows 2..n of theta) and of the intercept.
E = sp.MatrixSymbol("E", n, n - 1)
e1 = sp.MatrixSymbol("e1", n, 1)


def _drop_intercept(shape):
    d = np.eye(shape[0])
    d[0, 0] = 0.0
    return d


def _feature_selector(shape):
    return np.eye(shape[0])[:, 1:]


def _first_unit(shape):
    return np.eye(shape[0])[:, :1]


def intercept_cost(penalty=Ip):
    r = X * theta - Y
    return scalar(r.T * r) + lam * scalar(theta.T * penalty * theta)


intercept_point = (X.T * X + lam * Ip).inv() * X.T * Y
# Independent form: centre the data, solve an ordinary ridge problem for the feature weights,
# then read the intercept off the means.  Centering: C = I - 1 (1^T 1)^{-1} 1^T.  The mean is
# written with (1^T 1)^{-1} rather than 1/m because the exact evaluator receives dimension
# symbols as Python ints, and 1/m would then become a float.
ones = sp.MatrixSymbol("ones", m, 1)
_mean = (ones.T * ones).inv() * ones.T
_C = sp.Identity(m) - ones * _mean
_Xf = X * E
# E^T E is the (n-1) x (n-1) identity (orthonormal columns).
_theta_f = (_Xf.T * _C * _Xf + lam * E.T * E).inv() * _Xf.T * _C * Y
_theta_0 = _mean * (Y - _Xf * _theta_f)
intercept_reference = e1 * _theta_0 + E * _theta_f

ridge_unpenalized_intercept = Claim(
    id="regularization.ridge.unpenalized_intercept",
    title="Ridge with an unpenalised intercept: (X^T X + lam I')^{-1} X^T y, I' = diag(0, 1, ..., 1)",
    source=SRC_ML,
    statement=Minimiser(f=intercept_cost(), wrt=theta, point=intercept_point, reference=intercept_reference),
    domain={X: domains.with_intercept(), Y: domains.vector(), theta: domains.vector(),
            lam: domains.positive(1e-3, 1e2),
            Ip: domains.constant(_drop_intercept, "diag(0, 1, ..., 1)"),
            E: domains.constant(_feature_selector, "the last n - 1 columns of the identity"),
            e1: domains.constant(_first_unit, "the first unit vector"),
            ones: domains.constant(lambda shape: np.ones(shape), "the vector of ones")},
    sizes={m: (1, 5), n: (2, 4)},
    tex_names={Ip: "I'"},
    symbolic_sizes=({"m": 3, "n": 2},),
    notes=(
        "The design matrix has a leading column of ones; the cost is ||X theta - y||^2 plus lam "
        "times the sum of squares of every coefficient except the intercept theta_0, written as "
        "lam theta^T I' theta with I' the identity with its top-left entry set to 0. The notes "
        "give only the solution; the encoding supplies the cost whose stationarity equation "
        "(X^T X + lam I') theta = X^T y it is (the 1/(2m)-scaled cost with penalty "
        "lam/(2m) sum_{j>=1} theta_j^2 has the same solution). Conditions: lam > 0; then "
        "X^T X + lam I' is positive definite, because v^T (X^T X + lam I') v = 0 forces the "
        "feature part of v to vanish and then X v = v_0 * ones = 0 forces v_0 = 0. This covers "
        "singular X^T X: with n > m (wide designs, drawn here) X^T X is singular yet the system "
        "is solvable. The reference is independent: centre y and the feature columns, solve an "
        "ordinary ridge problem for the feature weights, and set theta_0 to the mean residual. "
        "Sizes: n >= 2 (an intercept and at least one feature)."
    ),
)


# --- L2 through the quadratic model ---------------------------------------------------------------

w = sp.MatrixSymbol("w", n, 1)
wstar = sp.MatrixSymbol("wstar", n, 1)
H = sp.MatrixSymbol("H", n, n)
alpha = sp.Symbol("alpha", positive=True)
In = sp.Identity(n)


def quadratic_model(center=wstar, hessian=H):
    d = w - center
    return half * scalar(d.T * hessian * d)


l2_objective = quadratic_model() + alpha / 2 * scalar(w.T * w)
l2_point = (H + alpha * In).inv() * H * wstar

l2_solution = Claim(
    id="regularization.quadratic_model.l2_solution",
    title="Weight decay on the quadratic model: w~ = (H + alpha I)^{-1} H w*",
    source=SRC_PAGE3,
    statement=Minimiser(f=l2_objective, wrt=w, point=l2_point,
                        # (H + aI)^{-1} H = I - a (H + aI)^{-1}: the shrinkage written as a correction to w*
                        reference=wstar - alpha * (H + alpha * In).inv() * wstar),
    domain={H: domains.psd(), wstar: domains.vector(), w: domains.vector(), alpha: domains.positive()},
    sizes={n: (1, 4)},
    notes=(
        "J is replaced by its second-order model around the unregularised minimiser w*, "
        "1/2 (w - w*)^T H (w - w*) (constant J(w*) dropped: it does not move the minimiser), and "
        "alpha/2 w^T w is added. The gradient H (w - w*) + alpha w vanishes exactly when "
        "(H + alpha I) w = H w*. Conditions: H symmetric PSD (a Hessian at a minimum) and "
        "alpha > 0, so H + alpha I is positive definite and the point is the unique minimiser; "
        "H is drawn with random rank, singular included. The reference is the equivalent form "
        "w* - alpha (H + alpha I)^{-1} w*."
    ),
)

alpha_positive_recovers_wstar = Claim(
    id="regularization.quadratic_model.alpha_positive_recovers_wstar",
    title="As written: with alpha > 0 the weight-decay solution equals w*",
    source=SRC_PAGE3,
    statement=Identity(l2_point, wstar),
    domain={H: domains.psd(), wstar: domains.vector(), alpha: domains.positive()},
    sizes={n: (1, 4)},
    expect="fails",
    correction="regularization.quadratic_model.alpha_zero_recovers_wstar",
    notes=(
        "The notes box 'alpha > 0 gives w = w*' right after deriving w~ = (H + alpha I)^{-1} H w*. "
        "Encoded as the identity w~ = w* for all PSD H, alpha > 0 and w*. It is false: "
        "w~ - w* = -alpha (H + alpha I)^{-1} w*, which vanishes only when w* = 0; for alpha > 0 "
        "the solution is shrunk towards 0 (scalar example: H = 1, alpha = 1, w* = 2 gives "
        "w~ = 1). What is true is the alpha = 0 case with H invertible, see the correction."
    ),
)

alpha_zero_recovers_wstar = Claim(
    id="regularization.quadratic_model.alpha_zero_recovers_wstar",
    title="Without weight decay (alpha = 0, H positive definite) the model's minimiser is w*",
    source=SRC_PAGE3,
    # `subs` keeps (H + 0 I)^{-1} H w* unevaluated, so the point is the notes' formula at alpha = 0
    # and the reference w* is compared with it, not substituted for it.
    statement=Minimiser(f=quadratic_model(), wrt=w, point=l2_point.subs(alpha, 0), reference=wstar),
    domain={H: domains.spd(), wstar: domains.vector(), w: domains.vector()},
    sizes={n: (1, 4)},
    notes=(
        "Correction of the boxed 'alpha > 0 gives w = w*': with alpha = 0 the weight-decay "
        "formula (H + alpha I)^{-1} H w* becomes H^{-1} H w* (the point, compared with the "
        "reference w*), and w* minimises the "
        "unregularised model 1/2 (w - w*)^T H (w - w*); with H positive definite it is the unique "
        "minimiser, so the formula is well defined. For alpha > 0 the solution differs from w* "
        "by -alpha (H + alpha I)^{-1} w* (it tends to w* as alpha -> 0+)."
    ),
)

# The stationarity equation and the notes' rearrangement, each as "left side - right side", so
# that adjacent lines are equivalent equations when their residuals agree.
grad_residual = H * (w - wstar) + alpha * In * w
written_residual = H * w - H * wstar + alpha * In * w - H * wstar
collected_residual = (H + alpha * In) * w - H * wstar

garbled_rearrangement = Claim(
    id="regularization.quadratic_model.garbled_rearrangement",
    title="As written: the zeroed gradient rearranged with H w* kept on both sides",
    source=SRC_PAGE3,
    statement=Derivation(
        steps=(grad_residual, written_residual, collected_residual),
        reasons=("set the gradient of the regularised model to zero",
                 "expand H (w - w*) and move H w* across (as written: it stays on both sides)",
                 "collect the terms in w (the notes' w (H + alpha I) read as (H + alpha I) w)"),
    ),
    domain={H: domains.psd(), wstar: domains.vector(), w: domains.vector(), alpha: domains.positive()},
    sizes={n: (1, 4)},
    expect="fails",
    correction="regularization.quadratic_model.l2_solution",
    notes=(
        "Each line of the notes is an equation in w; each step here is that equation's residual "
        "(left side minus right side), which must be zero. Step 0 is the gradient "
        "H (w - w*) + alpha I w. Step 1 is the displayed line H w - H w* + alpha I w = H w*: its "
        "residual carries -H w* twice, so it differs from the gradient by H w* and is "
        "equivalent to (H + alpha I) w = 2 H w*, whose solution is twice the right one; this is "
        "the first broken step. The next line writes w (H + alpha I), a column vector times an "
        "n x n matrix, which is ill-formed for n >= 2; its only well-formed reading "
        "(H + alpha I) w = H w* is step 2, which agrees with step 0, so the step 1 -> 2 is "
        "broken too (the notes silently drop the duplicated H w*). Correction: "
        "(H + alpha I) w = H w*, i.e. the l2_solution claim."
    ),
)

Q = sp.MatrixSymbol("Q", n, n)
Lam = sp.MatrixSymbol("Lambda", n, n)
H_eig = Q * Lam * Q.T
w_tilde_eig = (H_eig + alpha * In).inv() * H_eig * wstar
EIGEN_DOMAIN = {Q: domains.orthogonal(), Lam: domains.diagonal_nonnegative(), wstar: domains.vector(),
                alpha: domains.positive()}


def eigenbasis_steps(last_Qt=Q.T):
    return (
        w_tilde_eig,
        (Q * Lam * Q.T + Q * (alpha * In) * Q.T).inv() * Q * Lam * Q.T * wstar,
        (Q * (Lam + alpha * In) * Q.T).inv() * (Q * Lam * Q.T) * wstar,
        Q * (Lam + alpha * In).inv() * Lam * last_Qt * wstar,
    )


eigenbasis_form = Claim(
    id="regularization.quadratic_model.eigenbasis_form",
    title="Weight-decay solution in the eigenbasis of H: Q (Lambda + alpha I)^{-1} Lambda Q^T w*",
    source=SRC_PAGE3,
    statement=Derivation(
        steps=eigenbasis_steps(),
        reasons=("alpha I = Q (alpha I) Q^T because Q Q^T = I",
                 "factor Q on the left and Q^T on the right",
                 "(Q M Q^T)^{-1} = Q M^{-1} Q^T for orthogonal Q, then Q^T Q = I"),
    ),
    domain=EIGEN_DOMAIN,
    sizes={n: (1, 4)},
    symbolic_sizes=({"n": 2},),
    notes=(
        "H = Q Lambda Q^T is the eigendecomposition of a symmetric PSD Hessian: Q orthogonal "
        "(its columns the eigenvectors), Lambda diagonal with the eigenvalues, which are "
        "non-negative here and sometimes exactly 0 (singular H). Conditions: lambda_i + alpha "
        "!= 0 for every i, guaranteed by alpha > 0. Each line of the notes' chain is a step; "
        "the symbolic check instantiates Q as a rational Cayley transform at n = 2, so that "
        "Q^T Q = I cancels exactly."
    ),
)

shrinkage_factors = Claim(
    id="regularization.quadratic_model.shrinkage_factors",
    title="Along eigenvector q_i, weight decay scales the component of w* by lambda_i / (lambda_i + alpha)",
    source=SRC_PAGE3,
    statement=Identity(Q.T * w_tilde_eig, (Lam + alpha * In).inv() * Lam * Q.T * wstar),
    domain=EIGEN_DOMAIN,
    sizes={n: (1, 4)},
    symbolic_sizes=({"n": 2},),
    notes=(
        "Q^T w~ lists the coordinates q_i^T w~ of the weight-decay solution in the eigenbasis of "
        "H = Q Lambda Q^T; (Lambda + alpha I)^{-1} Lambda is diagonal with entries "
        "lambda_i / (lambda_i + alpha). So the identity says each eigen-coordinate of w* is "
        "multiplied by lambda_i / (lambda_i + alpha): close to 1 where lambda_i >> alpha, close "
        "to 0 where lambda_i << alpha, exactly 0 where lambda_i = 0. The notes say 'each "
        "eigenvalue is scaled'; what is scaled is the component of w*, not the eigenvalue. "
        "Conditions: H symmetric PSD, alpha > 0."
    ),
)

# A random smooth function with minima: bounded tanh ridges plus a positive definite quadratic.
a = sp.MatrixSymbol("a", k, 1)
U = sp.MatrixSymbol("U", k, n)
c = sp.MatrixSymbol("c", k, 1)
S = sp.MatrixSymbol("S", n, n)
b = sp.MatrixSymbol("b", n, 1)
smooth_J = (scalar(a.T * (U * w + c).applyfunc(sp.tanh)) + half * scalar(w.T * S * w) + scalar(b.T * w))

hessian_psd = Claim(
    id="regularization.quadratic_model.hessian_psd",
    title="The Hessian at a local minimiser is positive semi-definite",
    source=SRC_PAGE3,
    statement=Property(expr=Jacobian(Grad(smooth_J, w), w), relation="psd", local_min_of=(smooth_J, w)),
    domain={a: domains.vector(2.0), U: domains.general(), c: domains.vector(), S: domains.spd(),
            b: domains.vector(), w: domains.vector()},
    sizes={n: (1, 3), k: (1, 3)},
    notes=(
        "Second-order necessary condition: at a local minimiser of a twice continuously "
        "differentiable J the Hessian is PSD (not necessarily positive definite: w^4 at 0 has "
        "Hessian 0). The notes state it for the Hessian at w*. The function family is "
        "J(w) = sum_k a_k tanh(u_k^T w + c_k) + 1/2 w^T S w + b^T w with S SPD, so J grows "
        "quadratically and has minimisers, while the tanh terms make it non-convex and give "
        "several local minima. The Hessian is the Jacobian of the gradient; each instance finds "
        "a local minimiser by damped Newton steps from its random w, and instances that do not "
        "converge are not counted as evidence. No symbolic proof is attempted: 'a local "
        "minimiser' has no closed form here."
    ),
)


# --- L1 through the quadratic model with a diagonal Hessian -------------------------------------

def l1_objective(center=wstar):
    """sum_i [1/2 h_i (w_i - c_i)^2 + alpha |w_i|] with H = diag(h)."""
    return quadratic_model(center, H) + alpha * scalar(sp.OneMatrix(1, n) * w.applyfunc(sp.Abs))


def soft_threshold_point(threshold=alpha * H.inv() * sp.OneMatrix(n, 1)):
    shrunk = (wstar.applyfunc(sp.Abs) - threshold).applyfunc(lambda t: sp.Max(t, 0))
    return sp.HadamardProduct(wstar.applyfunc(sp.sign), shrunk)


_p = sp.Symbol("p", positive=True)
_h1 = sp.Symbol("H_1", positive=True)
_alpha = sp.Symbol("alpha", positive=True)
_edge = _alpha / _h1  # the threshold alpha / h at n = 1
SOFT_THRESHOLD_CASES = (
    ("w* > alpha/h", {"wstar_1": _edge + _p}),
    ("w* = alpha/h", {"wstar_1": _edge}),
    ("0 < w* < alpha/h", {"wstar_1": _edge / (1 + _p)}),
    ("w* = 0", {"wstar_1": sp.Integer(0)}),
    ("-alpha/h < w* < 0", {"wstar_1": -_edge / (1 + _p)}),
    ("w* = -alpha/h", {"wstar_1": -_edge}),
    ("w* < -alpha/h", {"wstar_1": -_edge - _p}),
)

# H is diagonal here (the notes assume decorrelated features), unlike the PSD H of the L2 claims.
L1_DOMAIN = {H: domains.diagonal_positive(), wstar: domains.vector(2.0), w: domains.vector(),
             alpha: domains.positive()}

soft_threshold = Claim(
    id="regularization.l1.soft_threshold",
    title="L1 on a diagonal quadratic model: w_i = sign(w*_i) max(|w*_i| - alpha / H_ii, 0)",
    source=SRC_L1,
    statement=Minimiser(f=l1_objective(), wrt=w, point=soft_threshold_point(), smooth=False,
                        cases=SOFT_THRESHOLD_CASES),
    domain=L1_DOMAIN,
    sizes={n: (1, 4)},
    symbolic_sizes=({"n": 1},),
    notes=(
        "Objective: the quadratic model around w* with a diagonal Hessian H = diag(h_1..h_n), "
        "h_i > 0 (the notes reach a diagonal H by assuming decorrelated features), plus "
        "alpha ||w||_1 with alpha > 0; the constant J(w*) is dropped. It separates into "
        "1/2 h_i (w_i - w*_i)^2 + alpha |w_i|, one strictly convex problem per coordinate, so "
        "the point is the unique minimiser. The symbolic subgradient proof is done at n = 1 "
        "(which covers every coordinate, by separability) region by region: w* above, at, and "
        "below alpha/h, zero, and the mirror images. Where the point is nonzero the derivative "
        "h (w - w*) + alpha sign(w) vanishes; where it is zero (|w*| <= alpha/h) the one-sided "
        "derivatives -h w* + alpha >= 0 >= -h w* - alpha. The numeric path draws n up to 4, "
        "h log-uniform in [1e-2, 1e2] and w* ~ N(0, 4), so both zero and nonzero coordinates "
        "occur."
    ),
)

# Region where the stationary-point formula applies: |w*_i| > alpha / h_i, parametrised as
# w*_i = (alpha / h_i + d_i) sign(s_i) with d_i > 0, so the domains need no constraint.
s = sp.MatrixSymbol("s", n, 1)
D = sp.MatrixSymbol("D", n, n)
wstar_far = (alpha * H.inv() + D) * s.applyfunc(sp.sign)
SIGN_CASES = (("w* > alpha/h", {"s_1": _p}), ("w* < -alpha/h", {"s_1": -_p}))
FAR_DOMAIN = {H: domains.diagonal_positive(), D: domains.diagonal_positive(1e-2, 1e1), s: domains.vector(),
              w: domains.vector(), alpha: domains.positive()}


def stationary_point(sign_of_step):
    return wstar_far + sign_of_step * alpha * H.inv() * wstar_far.applyfunc(sp.sign)


stationary_sign_error = Claim(
    id="regularization.l1.stationary_sign_error",
    title="As written: the L1 stationary point is w*_i + (alpha / H_ii) sign(w_i)",
    source=SRC_L1,
    statement=Minimiser(f=l1_objective(wstar_far), wrt=w, point=stationary_point(+1), smooth=False,
                        cases=SIGN_CASES),
    domain=FAR_DOMAIN,
    sizes={n: (1, 4)},
    tex_names={wstar_far: r"w^{*}"},
    symbolic_sizes=({"n": 1},),
    expect="fails",
    correction="regularization.l1.stationary_point",
    notes=(
        "Objective as in soft_threshold (diagonal quadratic model plus alpha ||w||_1). The notes "
        "set the coordinate derivative h_i (w_i - w*_i) + alpha sign(w_i) to zero and write "
        "w_i = w*_i + (alpha / h_i) sign(w_i). The encoding restricts w* to the region "
        "|w*_i| > alpha / h_i, where a nonzero stationary point exists, by writing "
        "w*_i = (alpha / h_i + d_i) sign(s_i) with d_i > 0. There the written equation has the "
        "single solution w_i = w*_i + (alpha / h_i) sign(w*_i) (it has the sign of w*_i, so it "
        "is self-consistent), and that is the point checked. It is not a minimiser: the "
        "derivative there is h_i (alpha / h_i) sign(w*_i) + alpha sign(w*_i) = 2 alpha "
        "sign(w*_i) != 0 (example h = 1, alpha = 1, w* = 3: written point 4, true minimiser 2). "
        "The sign in front of alpha / h_i must be a minus; see the correction."
    ),
)

l1_stationary_point = Claim(
    id="regularization.l1.stationary_point",
    title="L1 stationary point where |w*_i| > alpha / H_ii: w_i = w*_i - (alpha / H_ii) sign(w*_i)",
    source=SRC_L1,
    statement=Minimiser(f=l1_objective(wstar_far), wrt=w, point=stationary_point(-1), smooth=False,
                        cases=SIGN_CASES),
    domain=FAR_DOMAIN,
    sizes={n: (1, 4)},
    tex_names={wstar_far: r"w^{*}"},
    symbolic_sizes=({"n": 1},),
    notes=(
        "Correction of the notes' sign: solving h_i (w_i - w*_i) + alpha sign(w_i) = 0 gives "
        "w_i = w*_i - (alpha / h_i) sign(w_i). On the region |w*_i| > alpha / h_i (encoded as "
        "w*_i = (alpha / h_i + d_i) sign(s_i), d_i > 0) this point is w*_i moved towards 0 by "
        "alpha / h_i, it keeps the sign of w*_i (so sign(w_i) = sign(w*_i) and the equation is "
        "consistent) and, the coordinate problems being strictly convex, it is the unique "
        "minimiser. Outside that region the minimiser is 0: the soft_threshold claim covers "
        "every w*. The symbolic check is at n = 1 (the objective is separable), once for each "
        "sign of w*."
    ),
)
