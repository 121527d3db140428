"""Red team: deliberately false or ill-posed claims that the engine must refute.

Like Hypothesis's own ``tests/quality/``, this suite measures how good the checks are, not
whether the code runs: every claim below is FALSE (or ill-posed), written the way a plausible
slip in a set of notes would be, and aimed at one specific path of the engine (a symbolic
reducer or shortcut, a domain, a tolerance rule, a statement kind).  A verifier that passes a
wrong formula is worse than none, so each of them must come out ``refuted`` -- or, for the
ill-posed ones marked so, be rejected when the claim is built, with a ``ClaimDefinitionError``.
``inconsistent``, ``verified``, ``proved`` and ``error`` all fail the test.

All claims run through ONE ``verify.runner.run_claims(..., instances=16, symbolic_budget=20)``
call (one numeric worker; the symbolic zygote works through the queue at the same time), in a
module-scoped fixture; each claim then gets its own parametrized assertion.  A claim that
cannot even be built (for instance because it uses a ``Claim`` field the engine does not have
yet) is reported as such by its own test and does not stop the others.  At the end of the run
the verdicts are printed grouped by the defect each claim targets (see ``conftest.py``).

Adding a case
-------------
Write a function that returns the keyword arguments of ``Claim`` (without id, source, expect and
notes) and register it with ``@case(area, name, aims=..., defect=...)``::

    @case("identity", "my_slip", aims="rational normal form; exact counterexample on the first try")
    def _(cid):
        return dict(title="...", statement=Identity(lhs, rhs), domain={t: R()}, sizes={})

* ``aims`` says which engine path the claim is aimed at; it becomes the claim's ``notes``;
* ``defect`` groups it in the report: one of the ``D_*`` constants (a known hole being fixed)
  or ``GUARD`` (a path that works today; the case keeps it working);
* ``rejects="regex"`` marks a claim that must be rejected when it is built (it goes to the
  load-time test instead); ``either=True`` accepts a load-time rejection as well as ``refuted``.
Keep claims small (scalars, sizes 1..3, one size assignment where the size does not matter):
each size assignment costs a JAX compilation, and the whole file must stay well under four
minutes on two busy cores.  Never weaken a claim to make it pass: fix the engine.
"""

from __future__ import annotations

import re
import time
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest
import sympy as sp

from verify import (Algorithmic, Claim, ClaimDefinitionError, Derivation, Deterministic, Expectation, ExpectationOver,
                    Grad, Gradient, Identity, Inequality, Normal, Poisson,
                    Jacobian, Minimiser, Property, Shape, domains, logsumexp, scalar, sigmoid, softmax as softmax_node,
                    softplus)
from verify.logic_kinds import Equivalence, Exists, Implies, Limit, Order, rounds_to
from verify.linalg_nodes import eigvals, eigvecs, pinv
from derivations.probability.likelihood import binary_labels
from verify.runner import check_claim, run_claims

SOURCE = "tests/quality (red team)"
INSTANCES = 16
SYMBOLIC_BUDGET = 20.0
MIN_FALSE_CLAIMS = 60

# --- the defects the cases are grouped by (the report prints them in this order) --------------

D_EXP_ATOMS = "exp atoms named as positive symbols (|cos|, sign, Max, Heaviside of a trig function)"
D_ORTHOGONAL = "domains.orthogonal() includes reflections (det = -1) but the generic member is a rotation"
D_PSD_NONSYM = "psd of a non-symmetric matrix means psd of its symmetric part"
D_POSITIVE = "relation='positive' checked as >= 0 (0 passes numerically)"
D_MIN_GLOBAL = "Minimiser: a local minimum of a cost unbounded below is not a minimiser"
D_MIN_SCALE = "Minimiser: the minimality tolerance is scaled by |f|, so a huge constant hides a maximum"
D_NO_CASES = "Minimiser(smooth=False) without cases proves nothing"
D_CEILING = "tolerance ceiling: a loose rtol (or an inflated scale) needs a reason and must not hide an O(1) error"
D_SUBFAMILY = "Algorithmic: a proof on a symbolic_restriction sub-family is not a proof"
D_ANY_RANK = "domains.any_rank(): the rank-deficient component"
D_RECT_TRACE = "trace of a rectangular matrix is ill-formed"
D_JAC_MATRIX = "Jacobian with respect to a matrix is undefined (load-time error)"
D_ENTRYWISE = "tolerance scale is the largest entry: an error in a small entry next to a large one passes"
D_NO_EXACT = "positive(lo, hi) with lo > 6 or hi < 0.25 has no exact members (rational() crashes)"
D_LOCAL_MIN = "Property(local_min_of=f) where f has no local minimum passes vacuously"
D_SCOPE = "a symbolic proof at one size is not a proof at the other sizes of the range"
D_SHAPE = "Shape(expected=...) is not checked on the symbolic path"
D_FAR = "false only far out in the domain (|t| > 10): small exact and N(0, 1) instances miss it"
D_LINE_SEARCH = "exact line search proved through phi'(eta) (no closed form): the shortcut must not overreach"
D_SCALAR = "a plain scalar symbol (sp.Symbol) as the variable of Gradient, Grad, Jacobian and Minimiser"
D_UNDEFINED = "a side that inverts an exactly singular matrix is undefined there: a counterexample (verify.undefined)"
D_SEARCH = "Inequality / Property false only on a thin set, at an edge or far out: random instances miss it"
D_EXP_LOG = ("exp/log normal form (sigmoid, softplus, logsumexp, softmax rewritten in exp; exp(c u) for rational c "
             "as powers of one symbol; logs of positive factors split; exp(k log z) = z^k): must not overreach")
GUARD = "regression guard (paths that refuted these before the fixes; they must keep doing so)"
DEFECT_ORDER = [D_EXP_ATOMS, D_ORTHOGONAL, D_PSD_NONSYM, D_POSITIVE, D_MIN_GLOBAL, D_MIN_SCALE, D_NO_CASES,
                D_CEILING, D_SUBFAMILY, D_ANY_RANK, D_RECT_TRACE, D_JAC_MATRIX, D_ENTRYWISE, D_NO_EXACT,
                D_LOCAL_MIN, D_SCOPE, D_SHAPE, D_FAR, D_LINE_SEARCH, D_SCALAR, D_EXP_LOG, D_UNDEFINED, D_SEARCH, GUARD]


@dataclass(frozen=True)
class Case:
    id: str
    defect: str
    aims: str
    build: Callable[[str], dict]
    rejects: str | None = None  # regex: must raise ClaimDefinitionError when built
    either: bool = False  # ill-posed: a ClaimDefinitionError at build time is as good as `refuted`
    expect: str = "fails"

    def make(self) -> Claim:
        kwargs = self.build(self.id)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unused-domain warnings are not what this suite is about
            return Claim(id=self.id, source=SOURCE, expect=self.expect, notes=self.aims, **kwargs)


CASES: list[Case] = []


def case(area: str, name: str, *, aims: str, defect: str = GUARD, rejects: str | None = None,
         either: bool = False, expect: str = "fails"):
    def register(build):
        cid = f"redteam.{area}.{name}"
        assert cid not in {c.id for c in CASES}, cid
        CASES.append(Case(cid, defect, aims, build, rejects, either, expect))
        return build

    return register


# --- symbols and domains ------------------------------------------------------------------------

n = sp.Symbol("n", integer=True, positive=True)
m = sp.Symbol("m", integer=True, positive=True)
t, u, s = sp.symbols("t u s", real=True)
a_, b_ = sp.symbols("a b", real=True)
p = sp.Symbol("p", positive=True)
q = sp.Symbol("q", positive=True)
h = sp.Symbol("h", positive=True)
alpha = sp.Symbol("alpha", positive=True)
lam = sp.Symbol("lam", positive=True)

A = sp.MatrixSymbol("A", n, n)
B = sp.MatrixSymbol("B", n, n)
C = sp.MatrixSymbol("C", n, n)
S = sp.MatrixSymbol("S", n, n)
Q = sp.MatrixSymbol("Q", n, n)
D = sp.MatrixSymbol("D", n, n)
W = sp.MatrixSymbol("W", n, n)
x = sp.MatrixSymbol("x", n, 1)
y = sp.MatrixSymbol("y", n, 1)
v = sp.MatrixSymbol("v", n, 1)
w = sp.MatrixSymbol("w", n, 1)
bv = sp.MatrixSymbol("b", n, 1)
z = sp.MatrixSymbol("z", n, 1)
theta = sp.MatrixSymbol("theta", n, 1)
w1 = sp.MatrixSymbol("w", 1, 1)  # a scalar variable as a 1 x 1 matrix (Minimiser / Grad need a MatrixSymbol)

R, G, V = domains.real, domains.general, domains.vector
N2 = {n: (2, 2)}
N3 = {n: (3, 3)}
ONE = sp.Integer(1)


def ones(rows, cols=1):
    return sp.OneMatrix(rows, cols)


def total(vec, rows):
    """Sum of the entries of a column vector, as a scalar."""
    return scalar(ones(1, rows) * vec)


def softmax(vec, size):
    e = [sp.exp(vec[i, 0]) for i in range(size)]
    return sp.ImmutableMatrix(size, 1, [ei / sp.Add(*e) for ei in e])


# =================================================================================================
# identity: algebraic slips (exact counterexample on the first rational instances; O(1) numeric error)
# =================================================================================================


@case("identity", "inverse_of_product", aims="matrix inverse on both paths (ADJ inverse exactly, conditioning-"
      "widened tolerance numerically); (AB)^-1 = B^-1 A^-1, the order is swapped")
def _(cid):
    return dict(title="(AB)^-1 = A^-1 B^-1", statement=Identity((A * B).inv(), A.inv() * B.inv()),
                domain={A: G(), B: G()}, sizes=N2)


@case("identity", "transpose_of_product", aims="transpose walker; (ABx)^T = x^T B^T A^T, not x^T A^T B^T")
def _(cid):
    return dict(title="(A B x)^T = x^T A^T B^T", statement=Identity((A * B * x).T, x.T * A.T * B.T),
                domain={A: G(), B: G(), x: V()}, sizes=N2)


@case("identity", "trace_not_cyclic", aims="Trace node; only cyclic permutations keep the trace")
def _(cid):
    return dict(title="tr(ABC) = tr(BAC)", statement=Identity(sp.Trace(A * B * C), sp.Trace(B * A * C)),
                domain={A: G(), B: G(), C: G()}, sizes=N2)


@case("identity", "det_of_sum", aims="Determinant node; det is not additive")
def _(cid):
    return dict(title="det(A + B) = det A + det B",
                statement=Identity(sp.Determinant(A + B), sp.Determinant(A) + sp.Determinant(B)),
                domain={A: G(), B: G()}, sizes=N2)


@case("identity", "square_of_sum", aims="MatPow; (A + B)^2 has AB + BA, not 2AB")
def _(cid):
    return dict(title="(A + B)^2 = A^2 + 2AB + B^2",
                statement=Identity((A + B) ** 2, A ** 2 + 2 * A * B + B ** 2), domain={A: G(), B: G()}, sizes=N2)


@case("identity", "quadratic_form_swap", aims="1 x 1 matrix read as a scalar; x^T A y = y^T A^T x, not y^T A x")
def _(cid):
    return dict(title="x^T A y = y^T A x", statement=Identity(scalar(x.T * A * y), scalar(y.T * A * x)),
                domain={A: G(), x: V(), y: V()}, sizes=N2)


@case("identity", "sherman_morrison_sign", aims="inverse of a rank-one update; the sign in the denominator")
def _(cid):
    I2 = sp.Identity(n)
    return dict(title="(I + u v^T)^-1 = I - u v^T / (1 - v^T u)",
                statement=Identity((I2 + x * v.T).inv(), I2 - x * v.T / (1 - scalar(v.T * x))),
                domain={x: V(), v: V()}, sizes=N2)


@case("identity", "pythagoras_without_orthogonality", aims="scalar(...) of inner products; the cross term")
def _(cid):
    return dict(title="||x + y||^2 = ||x||^2 + ||y||^2",
                statement=Identity(scalar((x + y).T * (x + y)), scalar(x.T * x) + scalar(y.T * y)),
                domain={x: V(), y: V()}, sizes=N2)


@case("identity", "diagonal_commutes", aims="DiagMatrix node; diag(v) B = B diag(v) only for special B")
def _(cid):
    return dict(title="diag(v) B = B diag(v)", statement=Identity(sp.DiagMatrix(v) * B, B * sp.DiagMatrix(v)),
                domain={v: V(), B: G()}, sizes=N2)


@case("identity", "sigmoid_even", aims="sigmoid node, exp rewrite; sigmoid(-t) = 1 - sigmoid(t)")
def _(cid):
    return dict(title="sigmoid(-t) = sigmoid(t)", statement=Identity(sigmoid(-t), sigmoid(t)), domain={t: R()})


@case("identity", "sigmoid_difference", aims="sigmoid vs tanh: sigmoid(t) - sigmoid(-t) = tanh(t/2), not tanh(t)")
def _(cid):
    return dict(title="sigmoid(t) - sigmoid(-t) = tanh(t)", statement=Identity(sigmoid(t) - sigmoid(-t), sp.tanh(t)),
                domain={t: R()})


@case("identity", "tanh_as_sigmoid", aims="exp atoms exp(t), exp(2t) split by powsimp; tanh(t) = 2 sigmoid(2t) - 1")
def _(cid):
    return dict(title="tanh(t) = 2 sigmoid(t) - 1", statement=Identity(sp.tanh(t), 2 * sigmoid(t) - 1),
                domain={t: R()})


@case("identity", "tanh_double_angle", aims="rational normal form names tanh(2t) and tanh(t) independently; "
      "the denominator is 1 + tanh^2, not 1 - tanh^2")
def _(cid):
    return dict(title="tanh(2t) = 2 tanh t / (1 - tanh^2 t)",
                statement=Identity(sp.tanh(2 * t), 2 * sp.tanh(t) / (1 - sp.tanh(t) ** 2)), domain={t: R()})


@case("identity", "log_sigmoid_sign", aims="log of sigmoid; log sigmoid(t) = -log(1 + exp(-t))")
def _(cid):
    return dict(title="log sigmoid(t) = -log(1 + exp(t))", statement=Identity(sp.log(sigmoid(t)), -sp.log(1 + sp.exp(t))),
                domain={t: R()})


@case("identity", "softplus_difference", aims="exp-only residual: the exp-atom reducer runs first; the sign of t")
def _(cid):
    return dict(title="log(1 + e^t) - log(1 + e^-t) = -t",
                statement=Identity(sp.log(1 + sp.exp(t)) - sp.log(1 + sp.exp(-t)), -t), domain={t: R()})


@case("identity", "lse_wrong_sign", aims="Max and Abs kinks next to exp/log; log(e^a + e^b) = max + log(1 + e^-|a-b|)")
def _(cid):
    return dict(title="log(e^a + e^b) = max(a, b) + log(1 + e^|a - b|)",
                statement=Identity(sp.log(sp.exp(a_) + sp.exp(b_)),
                                   sp.Max(a_, b_) + sp.log(1 + sp.exp(sp.Abs(a_ - b_)))),
                domain={a_: R(), b_: R()})


@case("identity", "lse_not_homogeneous", aims="log-sum-exp over vector entries (MatrixElement); LSE(2x) != 2 LSE(x)")
def _(cid):
    lse = lambda c: sp.log(sp.Add(*[sp.exp(c * x[i, 0]) for i in range(3)]))  # noqa: E731
    return dict(title="LSE(2x) = 2 LSE(x)", statement=Identity(lse(2), 2 * lse(1)), domain={x: V()}, sizes=N3)


@case("identity", "softmax_temperature", aims="explicit softmax vector; temperature changes the distribution")
def _(cid):
    return dict(title="softmax(2x) = softmax(x)", statement=Identity(softmax(2 * x, 3), softmax(x, 3)),
                domain={x: V()}, sizes=N3)


@case("identity", "heaviside_via_sign", aims="Heaviside and sign nodes; H(t) = (1 + sign t)/2")
def _(cid):
    return dict(title="H(t) = (1 - sign t) / 2", statement=Identity(sp.Heaviside(t), (1 - sp.sign(t)) / 2),
                domain={t: R()})


@case("identity", "min_via_abs", aims="Min and Abs nodes; min(a, b) = (a + b - |a - b|)/2")
def _(cid):
    return dict(title="min(a, b) = (a + b + |a - b|) / 2",
                statement=Identity(sp.Min(a_, b_), (a_ + b_ + sp.Abs(a_ - b_)) / 2), domain={a_: R(), b_: R()})


@case("identity", "sqrt_of_square", aims="Pow with exponent 1/2 of a real symbol: sqrt(t^2) = |t|")
def _(cid):
    return dict(title="sqrt(t^2) = t", statement=Identity(sp.sqrt(t ** 2), t), domain={t: R()})


@case("identity", "abs_additive", aims="Abs of a sum; the triangle inequality is not an equality")
def _(cid):
    return dict(title="|t + u| = |t| + |u|", statement=Identity(sp.Abs(t + u), sp.Abs(t) + sp.Abs(u)),
                domain={t: R(), u: R()})


# =================================================================================================
# reducer: the exp-atoms-as-positive-symbols reducer (known hole) and the others
# =================================================================================================


@case("reducer", "abs_cos_eighth", defect=D_EXP_ATOMS,
      aims="reducer 'exp atoms as positive symbols': cos(t/8) = (e^{it/8} + e^{-it/8})/2 with both atoms named "
           "positive looks positive, so |cos(t/8)| - cos(t/8) cancels; false for |t| > 4 pi, which N(0, 1) "
           "instances never reach")
def _(cid):
    return dict(title="|cos(t/8)| = cos(t/8)", statement=Identity(sp.Abs(sp.cos(t / 8)), sp.cos(t / 8)),
                domain={t: R()})


@case("reducer", "sign_cos_eighth", defect=D_EXP_ATOMS, aims="same reducer through sign: sign(cos(t/8)) = 1")
def _(cid):
    return dict(title="sign(cos(t/8)) = 1", statement=Identity(sp.sign(sp.cos(t / 8)), ONE), domain={t: R()})


@case("reducer", "max_cos_eighth", defect=D_EXP_ATOMS, aims="same reducer through Max: Max(cos(t/8), 0) = cos(t/8)")
def _(cid):
    return dict(title="max(cos(t/8), 0) = cos(t/8)", statement=Identity(sp.Max(sp.cos(t / 8), 0), sp.cos(t / 8)),
                domain={t: R()})


@case("reducer", "heaviside_cos_eighth", defect=D_EXP_ATOMS, aims="same reducer through Heaviside: H(cos(t/8)) = 1")
def _(cid):
    return dict(title="H(cos(t/8)) = 1", statement=Identity(sp.Heaviside(sp.cos(t / 8)), ONE), domain={t: R()})


@case("reducer", "abs_sin", defect=D_EXP_ATOMS, aims="same reducer, but the numeric path sees it (sin t < 0 for "
      "t < 0): must be refuted, not inconsistent")
def _(cid):
    return dict(title="|sin t| = sin t", statement=Identity(sp.Abs(sp.sin(t)), sp.sin(t)), domain={t: R()})


@case("reducer", "abs_tanh", defect=D_EXP_ATOMS, aims="same reducer on a real exp rewrite: tanh(t) = (e^t - e^-t)/"
      "(e^t + e^-t) is negative for t < 0")
def _(cid):
    return dict(title="|tanh t| = tanh t", statement=Identity(sp.Abs(sp.tanh(t)), sp.tanh(t)), domain={t: R()})


@case("reducer", "tanh_not_linear", aims="rational normal form (function atoms as independent symbols: sound, "
      "leaves a nonzero residual), then an exact counterexample")
def _(cid):
    return dict(title="tanh(2t) = 2 tanh(t)", statement=Identity(sp.tanh(2 * t), 2 * sp.tanh(t)), domain={t: R()})


@case("reducer", "exp_product_of_sums", aims="the exp-only route: exp(a)exp(b) = exp(a + b), but not exp(ab)")
def _(cid):
    return dict(title="exp(a) exp(b) = exp(a b)", statement=Identity(sp.exp(a_) * sp.exp(b_), sp.exp(a_ * b_)),
                domain={a_: R(), b_: R()})


# =================================================================================================
# exp/log forms: sigmoid, softplus, logsumexp and softmax nodes, reduced as the exp/log forms they
# stand for (verify.reduce._exp_log_normal_form); each case is one slip that route could wrongly close
# =================================================================================================

w11 = sp.MatrixSymbol("w", 1, 1)
ONES3 = sp.OneMatrix(n, 1)


@case("explog", "sigmoid_derivative_plus", defect=D_EXP_LOG,
      aims="Gradient of the sigmoid node (fdiff s(1 - s)) against s(1 + s): the rewrite must not merge the signs")
def _(cid):
    s1 = sigmoid(w11[0, 0])
    return dict(title="sigmoid'(w) = sigmoid(w) (1 + sigmoid(w))",
                statement=Gradient(s1, w11, sp.ImmutableMatrix([[s1 * (1 + s1)]])), domain={w11: V()})


@case("explog", "softplus_derivative_mirror", defect=D_EXP_LOG,
      aims="softplus node: its derivative is sigmoid(w), not sigmoid(-w) (exp(w) and exp(-w) share one symbol)")
def _(cid):
    return dict(title="softplus'(w) = sigmoid(-w)",
                statement=Gradient(softplus(w11[0, 0]), w11, sp.ImmutableMatrix([[sigmoid(-w11[0, 0])]])),
                domain={w11: V()})


@case("explog", "softplus_log_sigmoid_sign", defect=D_EXP_LOG,
      aims="log of a sigmoid split into logs of positive factors: softplus(-t) = -log sigmoid(t), not sigmoid(-t)")
def _(cid):
    return dict(title="softplus(-t) = -log sigmoid(-t)", statement=Identity(softplus(-t), -sp.log(sigmoid(-t))),
                domain={t: R()})


@case("explog", "log_sigmoid_ratio_sign", defect=D_EXP_LOG,
      aims="log sigmoid(t) - log sigmoid(-t) = t: the monomial exp(t) pulled out of 1 + exp(t); the sign of t")
def _(cid):
    return dict(title="log sigmoid(t) - log sigmoid(-t) = -t",
                statement=Identity(sp.log(sigmoid(t)) - sp.log(sigmoid(-t)), -t), domain={t: R()})


@case("explog", "sigmoid_tanh_third", defect=D_EXP_LOG,
      aims="rational exponents: exp(t/3) and exp(t) share the symbol exp(t/6) with their own powers; "
           "sigmoid(t) = (1 + tanh(t/2))/2, not tanh(t/3)")
def _(cid):
    return dict(title="sigmoid(t) = (1 + tanh(t/3)) / 2", statement=Identity(sigmoid(t), (1 + sp.tanh(t / 3)) / 2),
                domain={t: R()})


@case("explog", "lse_pair_factor", defect=D_EXP_LOG,
      aims="log of a sum of exps factored: e^t + e^-t = e^t (1 + e^-2t), not e^t (1 + e^-t)")
def _(cid):
    return dict(title="log(e^t + e^-t) = t + log(1 + e^-t)",
                statement=Identity(sp.log(sp.exp(t) + sp.exp(-t)), t + sp.log(1 + sp.exp(-t))), domain={t: R()})


@case("explog", "exp_of_half_log", defect=D_EXP_LOG,
      aims="exp(k log z) = z^k only for an integer k: exp(log(1 + e^t) / 2) is a square root")
def _(cid):
    return dict(title="exp(log(1 + e^t) / 2) = 1 + e^t",
                statement=Identity(sp.exp(sp.log(1 + sp.exp(t)) / 2), 1 + sp.exp(t)), domain={t: R()})


@case("explog", "lse_shift_missing", defect=D_EXP_LOG,
      aims="logsumexp node (exact backend: log of a sum of exps; factor e^c split off): the shift c is dropped")
def _(cid):
    return dict(title="logsumexp(x + c 1) = logsumexp(x)", statement=Identity(logsumexp(x + u * ONES3), logsumexp(x)),
                domain={x: V(), u: R()}, sizes=N3)


@case("explog", "lse_shift_times_n", defect=D_EXP_LOG,
      aims="logsumexp node: the shift comes out once, not n times (log of c times a positive sum)")
def _(cid):
    return dict(title="logsumexp(x + c 1) = logsumexp(x) + n c",
                statement=Identity(logsumexp(x + u * ONES3), logsumexp(x) + 3 * u), domain={x: V(), u: R()},
                sizes=N3)


@case("explog", "softmax_shift_scaled", defect=D_EXP_LOG,
      aims="softmax node: a constant shift cancels (e^c in numerator and denominator), it does not scale")
def _(cid):
    return dict(title="softmax(x + c 1) = e^c softmax(x)",
                statement=Identity(softmax_node(x + u * ONES3), sp.exp(u) * softmax_node(x)), domain={x: V(), u: R()},
                sizes=N3)


@case("explog", "softmax_vector_shift", defect=D_EXP_LOG,
      aims="softmax node: only a constant shift is free; a shift by another vector y changes the distribution")
def _(cid):
    return dict(title="softmax(x + y) = softmax(x)", statement=Identity(softmax_node(x + y), softmax_node(x)),
                domain={x: V(), y: V()}, sizes=N3)


@case("explog", "softmax_jacobian_sign", defect=D_EXP_LOG,
      aims="Jacobian of the softmax node (exact backend and jacrev of jax.nn.softmax): diag(s) - s s^T, not + s s^T")
def _(cid):
    sm = softmax_node(x)
    return dict(title="d softmax / dx = diag(s) + s s^T", statement=Gradient(sm, x, sp.DiagMatrix(sm) + sm * sm.T),
                domain={x: V()}, sizes=N3)


@case("explog", "lse_gradient_unnormalised", defect=D_EXP_LOG,
      aims="gradient of the logsumexp node: softmax(x), not exp(x) (the normaliser dropped)")
def _(cid):
    return dict(title="grad logsumexp(x) = exp(x)", statement=Gradient(logsumexp(x), x, x.applyfunc(sp.exp)),
                domain={x: V()}, sizes=N3)


@case("explog", "softplus_above_abs", defect=D_EXP_LOG,
      aims="softplus node's assumptions (positive): softplus(t) >= max(0, t), but not >= |t| (t = -2)")
def _(cid):
    return dict(title="softplus(t) >= |t|", statement=Property(softplus(t) - sp.Abs(t), "nonnegative"),
                domain={t: R()})


@case("explog", "sigmoid_at_least_one", defect=D_EXP_LOG,
      aims="sigmoid node's assumptions (positive, real): positive is not >= 1")
def _(cid):
    return dict(title="sigmoid(t) >= 1", statement=Property(sigmoid(t) - 1, "nonnegative"), domain={t: R()})


@case("explog", "softplus_of_concave_stationary", defect=D_EXP_LOG,
      aims="convexity rule for the softplus node needs an affine argument: softplus(-w^2) is stationary at 0, "
           "a maximum")
def _(cid):
    return dict(title="0 minimises softplus(-w^2)", statement=Minimiser(softplus(-w11[0, 0] ** 2), w11,
                                                                       sp.ZeroMatrix(1, 1)), domain={w11: V()})


@case("explog", "negative_logsumexp_stationary", defect=D_EXP_LOG,
      aims="convexity rule for the logsumexp node: -logsumexp is concave; (w, -w) stationary at 0, a maximum")
def _(cid):
    return dict(title="0 minimises -logsumexp(w, -w)",
                statement=Minimiser(-logsumexp(sp.ImmutableMatrix([w11[0, 0], -w11[0, 0]])), w11, sp.ZeroMatrix(1, 1)),
                domain={w11: V()})


# =================================================================================================
# far: false only far out in the domain
# =================================================================================================


@case("far", "max_floor", defect=D_FAR, aims="simplify (cheap reducers and 8 exact instances in [-5, 5] fail); "
      "false only for t < -20")
def _(cid):
    return dict(title="max(t, -20) = t", statement=Identity(sp.Max(t, -20), t), domain={t: R()})


@case("far", "heaviside_shift", defect=D_FAR, aims="Heaviside kink at t = -12, never sampled; false for t < -12")
def _(cid):
    return dict(title="H(t + 12) = 1", statement=Identity(sp.Heaviside(t + 12), ONE), domain={t: R()})


@case("far", "sigmoid_floor", defect=D_FAR, aims="Property positive through simplify + assumptions; sigmoid(t) "
      "< 1e-6 for t < -13.8")
def _(cid):
    return dict(title="sigmoid(t) > 1e-6", statement=Property(sigmoid(t) - sp.Rational(1, 10 ** 6), "positive"),
                domain={t: R()})


# =================================================================================================
# domain: one claim per domain of verify.domains.ALL, each false on that domain
# =================================================================================================


@case("domain", "simplex_sums_to_two", aims="simplex generic member (normalised positive symbols) and its "
      "exact members")
def _(cid):
    return dict(title="entries of a probability vector sum to 2", statement=Identity(total(x, 3), 2),
                domain={x: domains.simplex()}, sizes=N3)


@case("domain", "stochastic_columns", aims="stochastic: rows sum to 1, columns do not")
def _(cid):
    return dict(title="1^T P = 1^T for a row-stochastic P", statement=Identity(ones(1, n) * A, ones(1, n)),
                domain={A: domains.stochastic()}, sizes=N3)


@case("domain", "diagonal_positive_inverse", aims="diagonal_positive generic member (positive diagonal symbols)")
def _(cid):
    return dict(title="D^-1 = D for diagonal positive D", statement=Identity(D.inv(), D),
                domain={D: domains.diagonal_positive()}, sizes=N2)


@case("domain", "diagonal_nonnegative_invertible", defect=D_POSITIVE,
      aims="diagonal_nonnegative (1 in 6 entries exactly 0): det > 0 fails on the zero component, where the "
           "numeric 'positive' check sees exactly 0 and passes")
def _(cid):
    return dict(title="det(Lambda) > 0 for diagonal non-negative Lambda",
                statement=Property(sp.Determinant(D), "positive"), domain={D: domains.diagonal_nonnegative()},
                sizes=N3)


@case("domain", "rank_deficient_gram", defect=D_POSITIVE,
      aims="rank_deficient: det(X^T X) is exactly 0 (simplify gives 0, is_positive is False, yet only "
           "'undecided'); numerically a rounding-level value passes as 'positive'")
def _(cid):
    X = sp.MatrixSymbol("X", 3, 2)
    return dict(title="det(X^T X) > 0 for rank-deficient X", statement=Property(sp.Determinant(X.T * X), "positive"),
                domain={X: domains.rank_deficient()})


@case("domain", "any_rank_gram", defect=D_ANY_RANK,
      aims="any_rank: half the instances have a duplicated column, where det(X^T X) = 0; the generic member "
           "is a full-rank general matrix")
def _(cid):
    X = sp.MatrixSymbol("X", 3, 2)
    return dict(title="det(X^T X) != 0 for any 3 x 2 X", statement=Property(sp.Determinant(X.T * X), "positive"),
                domain={X: domains.any_rank()})


@case("domain", "with_intercept_residual", aims="with_intercept (first column ones): residuals sum to 0 only "
      "at the least-squares fit, not for every theta")
def _(cid):
    X = sp.MatrixSymbol("X", 3, 2)
    yy = sp.MatrixSymbol("y", 3, 1)
    th = sp.MatrixSymbol("theta", 2, 1)
    return dict(title="1^T (y - X theta) = 0", statement=Identity(total(yy - X * th, 3), 0),
                domain={X: domains.with_intercept(), yy: V(), th: V()})


@case("domain", "psd_diagonal_dominates", aims="psd (random rank) through Property nonnegative: a PSD matrix's "
      "diagonal need not dominate its off-diagonal entries")
def _(cid):
    return dict(title="P_11 >= P_12 for PSD P", statement=Property(A[0, 0] - A[0, 1], "nonnegative"),
                domain={A: domains.psd()}, sizes=N2)


@case("domain", "spd_inverse_is_transpose", aims="spd generic member (symmetric symbols); S^-1 != S^T")
def _(cid):
    return dict(title="S^-1 = S^T for SPD S", statement=Identity(S.inv(), S.T), domain={S: domains.spd()}, sizes=N2)


@case("domain", "spd_congruence_swap", aims="inverse of A^T S A: (A^T S A)^-1 = A^-1 S^-1 A^-T; the transposes "
      "swapped")
def _(cid):
    return dict(title="(A^T S A)^-1 = A^-T S^-1 A^-1",
                statement=Identity((A.T * S * A).inv(), A.T.inv() * S.inv() * A.inv()),
                domain={A: G(), S: domains.spd()}, sizes=N2)


@case("domain", "orthogonal_det_one", defect=D_ORTHOGONAL,
      aims="orthogonal: the generic (Cayley) member is a rotation, so SymPy proves det = 1; the numeric "
           "members include reflections")
def _(cid):
    return dict(title="det(Q) = 1 for orthogonal Q", statement=Identity(sp.Determinant(Q), ONE),
                domain={Q: domains.orthogonal()}, sizes=N2)


@case("domain", "orthogonal_extra_transpose", aims="orthogonal; Q Q^T = I but Q^T Q^T = (Q Q)^T is not I")
def _(cid):
    return dict(title="Q^T Q^T = Q Q^T", statement=Identity(Q.T * Q.T, Q * Q.T), domain={Q: domains.orthogonal()},
                sizes=N2)


@case("domain", "joint_pmf_rows", aims="joint_pmf: all cells sum to 1, rows sum to the marginal")
def _(cid):
    P = sp.MatrixSymbol("P", 2, 3)
    return dict(title="rows of a joint table sum to 1", statement=Identity(P * ones(3), ones(2)),
                domain={P: domains.joint_pmf()})


@case("domain", "probability_logit", aims="probability domain and sigmoid of a log; sigmoid(logit q) = q")
def _(cid):
    return dict(title="sigmoid(log q - log(1 - q)) = 1 - q",
                statement=Identity(sigmoid(sp.log(q) - sp.log(1 - q)), 1 - q), domain={q: domains.probability()})


@case("domain", "positive_no_exact_members", defect=D_NO_EXACT,
      aims="positive(10, 20): rational() draws from [max(lo, 1/4), min(hi, 6)] = [10, 6] and crashes")
def _(cid):
    return dict(title="log(p^2) = (log p)^2 for p in (10, 20)", statement=Identity(sp.log(p ** 2), sp.log(p) ** 2),
                domain={p: domains.positive(10, 20)})


@case("domain", "interval_one_component", aims="interval(-1, 3): false only on the negative part")
def _(cid):
    return dict(title="|u| = u for u in (-1, 3)", statement=Identity(sp.Abs(u), u), domain={u: domains.interval(-1, 3)})


@case("domain", "constant_centering", aims="constant domain (a fixed matrix, exact from its float values)")
def _(cid):
    centre = domains.constant(lambda shape: np.eye(shape[0]) - np.ones(shape) / shape[0], "the centering matrix")
    return dict(title="C 1 = 1 for the centering matrix C", statement=Identity(C * ones(n), ones(n)),
                domain={C: centre}, sizes=N3)


@case("domain", "full_column_rank_hat", aims="full_column_rank (tall); the hat matrix is a projection, not I")
def _(cid):
    X = sp.MatrixSymbol("X", 3, 2)
    return dict(title="X (X^T X)^-1 X^T = I for tall X", statement=Identity(X * (X.T * X).inv() * X.T, sp.Identity(3)),
                domain={X: domains.full_column_rank()})


# =================================================================================================
# gradient / jacobian: wrong derivatives (autodiff on the numeric path, sympy.diff on the symbolic one)
# =================================================================================================


@case("gradient", "quadratic_form_transpose", aims="Grad of x^T A x: (A + A^T) x; the claim has 2 A^T x")
def _(cid):
    return dict(title="grad x^T A x = 2 A^T x", statement=Gradient(scalar(x.T * A * x), x, 2 * A.T * x),
                domain={A: G(), x: V()}, sizes=N2)


@case("gradient", "squared_norm_factor", aims="the factor 2 of ||x||^2")
def _(cid):
    return dict(title="grad ||x||^2 = x", statement=Gradient(scalar(x.T * x), x, x), domain={x: V()}, sizes=N2)


@case("gradient", "linear_sign", aims="sign slip in the gradient of b^T x")
def _(cid):
    return dict(title="grad b^T x = -b", statement=Gradient(scalar(bv.T * x), x, -bv), domain={bv: V(), x: V()},
                sizes=N2)


@case("gradient", "least_squares_sign", aims="least squares: 2 X^T (X w - y); the residual's sign flipped")
def _(cid):
    X = sp.MatrixSymbol("X", 3, 2)
    yy = sp.MatrixSymbol("y", 3, 1)
    ww = sp.MatrixSymbol("w", 2, 1)
    r = X * ww - yy
    return dict(title="grad ||Xw - y||^2 = 2 X^T (y - Xw)", statement=Gradient(scalar(r.T * r), ww, 2 * X.T * (yy - X * ww)),
                domain={X: G(), yy: V(), ww: V()})


@case("gradient", "missing_linear_term", aims="a dropped term: grad (x^T A x + b^T x) misses b")
def _(cid):
    return dict(title="grad (x^T A x + b^T x) = (A + A^T) x",
                statement=Gradient(scalar(x.T * A * x) + scalar(bv.T * x), x, (A + A.T) * x),
                domain={A: G(), bv: V(), x: V()}, sizes=N2)


@case("gradient", "trace_quadratic_matrix", aims="gradient with respect to a matrix of a Trace: (A + A^T) W")
def _(cid):
    return dict(title="grad_W tr(W^T A W) = 2 A W", statement=Gradient(sp.Trace(W.T * A * W), W, 2 * A * W),
                domain={A: G(), W: G()}, sizes=N2)


@case("gradient", "log_det_transpose", aims="gradient of log|det A| (through det^2): A^-T, not A^-1; inverse "
      "widens the tolerance by kappa, the error is O(1)")
def _(cid):
    return dict(title="grad_A log|det A| = A^-1", statement=Gradient(sp.log(sp.Determinant(A) ** 2) / 2, A, A.inv()),
                domain={A: G()}, sizes=N2)


@case("gradient", "tanh_derivative_sign", aims="elementwise applyfunc and HadamardProduct; tanh' = 1 - tanh^2")
def _(cid):
    # (written with applyfunc: HadamardProduct(th, th) becomes a HadamardPower, which the engine does not evaluate)
    return dict(title="grad sum tanh(w) = 1 + tanh(w)^2",
                statement=Gradient(total(w.applyfunc(sp.tanh), n), w, w.applyfunc(lambda d: 1 + sp.tanh(d) ** 2)),
                domain={w: V()}, sizes=N2)


@case("gradient", "bce_delta_sign", aims="binary cross-entropy of sigmoid outputs: the delta is sigmoid(z) - y")
def _(cid):
    sz = z.applyfunc(sigmoid)
    f = -scalar(y.T * sz.applyfunc(sp.log) + (ones(n) - y).T * (ones(n) - sz).applyfunc(sp.log))
    return dict(title="grad_z BCE(sigmoid(z), y) = y - sigmoid(z)", statement=Gradient(f, z, y - sz),
                domain={z: V(), y: domains.simplex()}, sizes=N2)


@case("gradient", "softmax_xent_unnormalised", aims="softmax cross-entropy: softmax(z) - y; the slip drops the "
      "normaliser (exp(z) - y)")
def _(cid):
    sm = softmax(z, 2)
    f = -sp.Add(*[y[i, 0] * sp.log(sm[i, 0]) for i in range(2)])
    return dict(title="grad_z CE(softmax z, y) = exp(z) - y", statement=Gradient(f, z, z.applyfunc(sp.exp) - y),
                domain={z: V(), y: domains.simplex()}, sizes=N2)


@case("gradient", "layer_transpose", aims="backprop through a tanh layer: W^T (1 - tanh^2(Wx)); W without ^T")
def _(cid):
    return dict(title="grad_x sum tanh(Wx) = W (1 - tanh^2(Wx))",
                statement=Gradient(total((W * x).applyfunc(sp.tanh), n), x,
                                   W * (W * x).applyfunc(lambda d: 1 - sp.tanh(d) ** 2)),
                domain={W: G(), x: V()}, sizes=N2)


@case("jacobian", "linear_map_transpose", aims="numerator-layout Jacobian of W x is W, not W^T")
def _(cid):
    return dict(title="d(Wx)/dx = W^T", statement=Gradient(W * x, x, W.T), domain={W: G(), x: V()}, sizes=N2)


@case("jacobian", "tanh_missing_square", aims="Jacobian of an elementwise tanh: diag(1 - tanh^2)")
def _(cid):
    return dict(title="d tanh(x)/dx = diag(1 - tanh x)",
                statement=Gradient(x.applyfunc(sp.tanh), x, sp.DiagMatrix(ones(n) - x.applyfunc(sp.tanh))),
                domain={x: V()}, sizes=N2)


@case("jacobian", "softmax_sign", aims="Jacobian of softmax: diag(s) - s s^T; the sign of the outer product")
def _(cid):
    sm = softmax(z, 2)
    return dict(title="d softmax/dz = diag(s) + s s^T",
                statement=Gradient(sm, z, sp.ImmutableMatrix(sp.diag(*sm)) + sm * sm.T), domain={z: V()}, sizes=N2)


@case("jacobian", "wrt_matrix", defect=D_JAC_MATRIX, rejects=r"(?i)jacobian|matrix|vector|column",
      aims="Gradient of a vector with respect to a square matrix: a Jacobian with respect to a matrix has no "
           "numerator-layout meaning; today SymPy and JAX both read something and agree")
def _(cid):
    return dict(title="d(W v)/dW = v_1 I", statement=Gradient(W * v, W, v[0, 0] * sp.Identity(n)),
                domain={W: G(), v: V()}, sizes=N2)


# =================================================================================================
# derivation: chains with one wrong step
# =================================================================================================


@case("derivation", "trace_chain", aims="the first broken step is named: tr(BA) -> tr(A^T B) is wrong (step 1)")
def _(cid):
    return dict(title="tr(AB) = tr(BA) = tr(A^T B) = tr(B^T A)",
                statement=Derivation((sp.Trace(A * B), sp.Trace(B * A), sp.Trace(A.T * B), sp.Trace(B.T * A))),
                domain={A: G(), B: G()}, sizes=N2)


@case("derivation", "ridge_normal_equations", aims="matrix chain with a dropped transpose in the middle step "
      "(square X, so it is well-formed and wrong)")
def _(cid):
    X = sp.MatrixSymbol("X", n, n)
    steps = (2 * X.T * (X * theta - y) + 2 * lam * theta,
             2 * (X.T * X + lam * sp.Identity(n)) * theta - 2 * X * y,
             2 * (X.T * X + lam * sp.Identity(n)) * theta - 2 * X.T * y)
    return dict(title="ridge gradient rearranged with X y for X^T y", statement=Derivation(steps),
                domain={X: G(), theta: V(), y: V(), lam: domains.positive()}, sizes=N2)


@case("derivation", "sigmoid_derivative", aims="scalar chain: e^-t/(1 + e^-t)^2 = sigmoid(1 + sigmoid) (wrong) = "
      "sigmoid(t) sigmoid(-t)")
def _(cid):
    steps = (sp.exp(-t) / (1 + sp.exp(-t)) ** 2, sigmoid(t) * (1 + sigmoid(t)), sigmoid(t) * sigmoid(-t))
    return dict(title="sigmoid' = sigmoid (1 + sigmoid)", statement=Derivation(steps), domain={t: R()})


@case("derivation", "eigen_inverse", aims="orthogonal + diagonal_positive; (Q L Q^T)^-1 = Q L^-1 Q^T, the middle "
      "line has Q^T L^-1 Q")
def _(cid):
    steps = ((Q * D * Q.T).inv(), Q.T.inv() * D.inv() * Q.inv(), Q.T * D.inv() * Q, Q * D.inv() * Q.T)
    return dict(title="(Q L Q^T)^-1 via Q^T L^-1 Q", statement=Derivation(steps),
                domain={Q: domains.orthogonal(), D: domains.diagonal_positive()}, sizes=N2)


@case("derivation", "lse_shift_dropped", aims="exp-only chain: the shift c is dropped in the middle line")
def _(cid):
    c = sp.Symbol("c", real=True)
    steps = (sp.log(sp.exp(a_) + sp.exp(b_)), c + sp.log(sp.exp(a_ - c) + sp.exp(b_ - c)),
             sp.log(sp.exp(a_ - c) + sp.exp(b_ - c)), sp.log(sp.exp(a_) + sp.exp(b_)) - c)
    return dict(title="log-sum-exp with the shift dropped", statement=Derivation(steps),
                domain={a_: R(), b_: R(), c: R()})


# =================================================================================================
# expectation: finite distributions, exact
# =================================================================================================


@case("expectation", "bernoulli_mean", aims="Expectation over (q, 1 - q); E[X] = q")
def _(cid):
    return dict(title="E[Bernoulli(q)] = 1 - q", statement=Expectation((q, 1 - q), (ONE, sp.Integer(0)), 1 - q),
                domain={q: domains.probability()})


@case("expectation", "bernoulli_variance", aims="Var = q (1 - q); the claim squares q")
def _(cid):
    return dict(title="E[(X - q)^2] = q^2", statement=Expectation((q, 1 - q), ((1 - q) ** 2, q ** 2), q ** 2),
                domain={q: domains.probability()})


@case("expectation", "inverse_probability", aims="simplex entries as probabilities; E[1/p(X)] = K = 3")
def _(cid):
    probs = tuple(x[i, 0] for i in range(3))
    return dict(title="E[1/p(X)] = 1", statement=Expectation(probs, tuple(1 / pi for pi in probs), ONE),
                domain={x: domains.simplex()}, sizes=N3)


@case("expectation", "entropy_of_uniform", aims="E[-log p(X)] = log K only for the uniform distribution")
def _(cid):
    probs = tuple(x[i, 0] for i in range(3))
    return dict(title="H(p) = log 3 for every p", statement=Expectation(probs, tuple(-sp.log(pi) for pi in probs),
                                                                       sp.log(3)),
                domain={x: domains.simplex()}, sizes=N3)


@case("expectation", "weighted_is_plain_mean", aims="E_p[x] is not the plain mean of x")
def _(cid):
    probs = tuple(x[i, 0] for i in range(3))
    vals = tuple(y[i, 0] for i in range(3))
    return dict(title="sum_k p_k y_k = mean(y)", statement=Expectation(probs, vals, sp.Add(*vals) / 3),
                domain={x: domains.simplex(), y: V()}, sizes=N3)


@case("expectation", "score_times_reward", aims="matrix-valued values with Grad of log-softmax: the score has mean "
      "0, the score times an action-dependent reward does not")
def _(cid):
    th = sp.MatrixSymbol("theta", 3, 1)
    r = sp.MatrixSymbol("r", 3, 1)
    probs = tuple(softmax(th, 3))
    vals = tuple(Grad(sp.log(probs[j]), th) * r[j, 0] for j in range(3))
    return dict(title="E[grad log pi(a) r(a)] = 0", statement=Expectation(probs, vals, sp.ZeroMatrix(3, 1)),
                domain={th: V(), r: V()})


# =================================================================================================
# property: false PSD / non-negativity claims
# =================================================================================================


@case("property", "indefinite_symmetric", aims="psd via principal minors; 1 - t^2 < 0 gives an exact rational "
      "counterexample")
def _(cid):
    return dict(title="[[1, t], [t, 1]] is PSD", statement=Property(sp.ImmutableMatrix([[1, t], [t, 1]]), "psd"),
                domain={t: R()})


@case("property", "nonsymmetric_psd", defect=D_PSD_NONSYM,
      aims="principal minors of a non-symmetric matrix are all 1, but x^T M x = x1^2 + t x1 x2 + x2^2 < 0 for "
           "|t| > 2 (the symmetric part decides)")
def _(cid):
    return dict(title="[[1, t], [0, 1]] is PSD", statement=Property(sp.ImmutableMatrix([[1, t], [0, 1]]), "psd"),
                domain={t: R()})


@case("property", "max_positive", defect=D_POSITIVE, aims="relation='positive': max(x, 0) is 0 for x <= 0; the "
      "numeric margin 0 passes")
def _(cid):
    return dict(title="max(t, 0) > 0", statement=Property(sp.Max(t, 0), "positive"), domain={t: R()})


@case("property", "log_nonnegative", aims="Property nonnegative via simplify + assumptions; log p < 0 on (0.1, 1)")
def _(cid):
    return dict(title="log p >= 0 for p in (0.1, 10)", statement=Property(sp.log(p), "nonnegative"),
                domain={p: domains.positive(0.1, 10)})


@case("property", "symmetric_quadratic_form", aims="symmetric (not PSD) A: x^T A x takes both signs")
def _(cid):
    return dict(title="x^T A x >= 0 for symmetric A", statement=Property(scalar(x.T * A * x), "nonnegative"),
                domain={A: domains.symmetric(), x: V()}, sizes=N2)


@case("property", "sin_bounded_below", aims="a transcendental lower bound the assumptions cannot decide")
def _(cid):
    return dict(title="sin t + 1/2 >= 0", statement=Property(sp.sin(t) + sp.Rational(1, 2), "nonnegative"),
                domain={t: R()})


@case("property", "nonconvex_hessian", aims="psd of a Hessian (Jacobian of Grad); the exact instances are "
      "irrational (tanh of rationals), so the rational PSD counterexample is skipped")
def _(cid):
    f = total(w.applyfunc(sp.tanh), n)
    return dict(title="Hessian of sum tanh(w) is PSD", statement=Property(Jacobian(Grad(f, w), w), "psd"),
                domain={w: V()}, sizes=N2)


@case("property", "rbf_wrong_sign", aims="a Gram matrix with exp(+d^2): not bounded by _bound_exponentials "
      "(u >= 0), minors 1 - exp(d^2/s^2) < 0")
def _(cid):
    P = sp.MatrixSymbol("P", 1, 2)
    sig = sp.Symbol("sigma", positive=True)
    K = sp.ImmutableMatrix(2, 2, lambda i, j: sp.exp((P[0, i] - P[0, j]) ** 2 / (2 * sig ** 2)))
    return dict(title="exp(+||xi - xj||^2 / 2 s^2) kernel is PSD", statement=Property(K, "psd"),
                domain={P: G(), sig: domains.positive(0.5, 2)})


@case("property", "bounded_exponential_off_diagonal", aims="_bound_exponentials rewrites exp(-t^2) as 1/(1 + T); "
      "the off-diagonal 1 still makes it indefinite")
def _(cid):
    e = sp.exp(-t ** 2)
    return dict(title="[[e^-t^2, 1], [1, e^-t^2]] is PSD", statement=Property(sp.ImmutableMatrix([[e, 1], [1, e]]), "psd"),
                domain={t: R()})


@case("property", "local_min_sign", aims="local_min_of with two local minima (+1 and -1): the property holds at "
      "one only")
def _(cid):
    f = (scalar(w1) ** 2 - 1) ** 2
    return dict(title="the local minimiser of (w^2 - 1)^2 is >= 0",
                statement=Property(scalar(w1), "nonnegative", local_min_of=(f, w1)), domain={w1: G()})


# =================================================================================================
# minimiser: smooth and non-smooth
# =================================================================================================


def _quadratic(ww=w):
    return scalar(ww.T * S * ww) / 2 - scalar(bv.T * ww)


@case("minimiser", "quadratic_missing_inverse", aims="stationarity of a convex quadratic (second order: convex); "
      "the point S b forgets the inverse")
def _(cid):
    return dict(title="S b minimises 1/2 w^T S w - b^T w", statement=Minimiser(_quadratic(), w, S * bv),
                domain={S: domains.spd(), bv: V(), w: V()}, sizes=N2)


@case("minimiser", "quadratic_half", aims="off by a factor 2")
def _(cid):
    return dict(title="S^-1 b / 2 minimises 1/2 w^T S w - b^T w", statement=Minimiser(_quadratic(), w, S.inv() * bv / 2),
                domain={S: domains.spd(), bv: V(), w: V()}, sizes=N2)


@case("minimiser", "wrong_reference", aims="the point is right, the 'independent closed form' is not: the "
      "point - reference pair")
def _(cid):
    return dict(title="S^-1 b minimises it and equals S^-1 b + b",
                statement=Minimiser(_quadratic(), w, S.inv() * bv, reference=S.inv() * bv + bv),
                domain={S: domains.spd(), bv: V(), w: V()}, sizes=N2)


@case("minimiser", "saddle", aims="_second_order 'not_minimal': a stationary saddle (Hessian diag(2, -2))")
def _(cid):
    f = (w[0, 0] - a_) ** 2 - (w[1, 0] - a_) ** 2
    return dict(title="(a, a) minimises (w1 - a)^2 - (w2 - a)^2", statement=Minimiser(f, w, a_ * ones(n)),
                domain={a_: R(), w: V()}, sizes=N2)


@case("minimiser", "ridge_forgot_penalty", aims="full_column_rank design; the least-squares point is not the "
      "ridge minimiser")
def _(cid):
    X = sp.MatrixSymbol("X", 3, 2)
    yy = sp.MatrixSymbol("y", 3, 1)
    ww = sp.MatrixSymbol("w", 2, 1)
    r = yy - X * ww
    return dict(title="(X^T X)^-1 X^T y minimises ||y - Xw||^2 + lam ||w||^2",
                statement=Minimiser(scalar(r.T * r) + lam * scalar(ww.T * ww), ww, (X.T * X).inv() * X.T * yy),
                domain={X: domains.full_column_rank(), yy: V(), ww: V(), lam: domains.positive(0.1, 10)})


@case("minimiser", "local_not_global", defect=D_MIN_GLOBAL,
      aims="w^3/3 - w: stationary with f'' = 2 > 0 at w = 1 (a local minimum), but f is unbounded below; "
           "stationarity is proved and the perturbation / solver checks stay near 1")
def _(cid):
    return dict(title="1 minimises w^3/3 - w over the reals",
                statement=Minimiser(scalar(w1) ** 3 / 3 - scalar(w1), w1, sp.ImmutableMatrix([[1]])), domain={w1: G()})


@case("minimiser", "maximum_under_huge_constant", defect=D_MIN_SCALE,
      aims="1e14 - e^b ||w - a||^2: a is the MAXIMUM; the Hessian at a exact instance is irrational (e^b), and "
           "the perturbation / solver tolerance rtol * |f| = 1e6 hides every drop")
def _(cid):
    aa = sp.MatrixSymbol("a", n, 1)
    f = 10 ** 14 - sp.exp(b_) * scalar((w - aa).T * (w - aa))
    return dict(title="a minimises 1e14 - exp(b) ||w - a||^2", statement=Minimiser(f, w, aa),
                domain={aa: V(), b_: R(), w: V()}, sizes=N2)


@case("minimiser", "cancelling_huge_terms", aims="stationarity tolerance scaled by the largest additive term's "
      "gradient (1e8 |w|): a point off by 1e-3 passes stationarity; perturbation must catch it")
def _(cid):
    aa = sp.MatrixSymbol("a", 2, 1)
    ww = sp.MatrixSymbol("w", 2, 1)
    f = (10 ** 8 * scalar(ww.T * ww) - 10 ** 8 * (ww[0, 0] ** 2 + ww[1, 0] ** 2)
         + scalar((ww - aa).T * (ww - aa)))
    return dict(title="a + 1/1000 minimises ||w - a||^2 (+ 1e8 ||w||^2 - 1e8 ||w||^2)",
                statement=Minimiser(f, ww, aa + ones(2) / 1000), domain={aa: V(), ww: V()})


_c = sp.Symbol("c", real=True)
_e = sp.Symbol("e", positive=True)
_edge = alpha / h
THRESHOLD_CASES = (
    ("c > alpha/h", {"c": _edge + _e}), ("c = alpha/h", {"c": _edge}), ("0 < c < alpha/h", {"c": _edge / (1 + _e)}),
    ("c = 0", {"c": sp.Integer(0)}), ("-alpha/h < c < 0", {"c": -_edge / (1 + _e)}), ("c = -alpha/h", {"c": -_edge}),
    ("c < -alpha/h", {"c": -_edge - _e}),
)
L1_DOMAIN = {h: domains.positive(), alpha: domains.positive(), _c: domains.real(2.0), w1: G()}


def _l1_cost(sign=1):
    return sign * h / 2 * (scalar(w1) - _c) ** 2 + alpha * sp.Abs(scalar(w1))


def _soft(threshold):
    return sp.ImmutableMatrix([[sp.sign(_c) * sp.Max(sp.Abs(_c) - threshold, 0)]])


@case("minimiser", "soft_threshold_half", aims="non-smooth subgradient case split: threshold alpha/(2h) instead "
      "of alpha/h")
def _(cid):
    return dict(title="soft threshold at alpha/(2h)",
                statement=Minimiser(_l1_cost(), w1, _soft(alpha / (2 * h)), smooth=False, cases=THRESHOLD_CASES),
                domain=L1_DOMAIN)


@case("minimiser", "hard_threshold", aims="non-smooth: the hard threshold c H(|c| - alpha/h) minimises the L0, "
      "not the L1, penalty")
def _(cid):
    point = sp.ImmutableMatrix([[_c * sp.Heaviside(sp.Abs(_c) - _edge)]])
    return dict(title="hard threshold minimises the L1 problem",
                statement=Minimiser(_l1_cost(), w1, point, smooth=False, cases=THRESHOLD_CASES), domain=L1_DOMAIN)


@case("minimiser", "l1_concave_part", aims="_convex_plus_l1 must reject a concave smooth part: -h/2 (w - c)^2 + "
      "alpha |w| is unbounded below, though the one-sided derivatives look fine")
def _(cid):
    return dict(title="soft threshold minimises -h/2 (w - c)^2 + alpha |w|",
                statement=Minimiser(_l1_cost(-1), w1, _soft(_edge), smooth=False, cases=THRESHOLD_CASES),
                domain=L1_DOMAIN)


@case("minimiser", "nonsmooth_without_cases", defect=D_NO_CASES, rejects=r"(?i)case",
      aims="Minimiser(smooth=False, cases=()): the case loop is empty, so the subgradient 'proof' is vacuous")
def _(cid):
    return dict(title="1 minimises w^2 + |w|",
                statement=Minimiser(scalar(w1) ** 2 + sp.Abs(scalar(w1)), w1, sp.ImmutableMatrix([[1]]), smooth=False),
                domain={w1: G()})


# =================================================================================================
# algorithmic: update rules
# =================================================================================================


def _gd_cost(th=theta):
    return scalar(th.T * S * th) / 2 - scalar(bv.T * th)


def _cosine(cost, state):
    def conclusion(th, nxt):
        g_now, g_next = Grad(cost, state, at=th), Grad(cost, state, at=nxt)
        return (scalar(g_next.T * g_now), sp.Integer(0),
                sp.sqrt(scalar(g_next.T * g_next) * scalar(g_now.T * g_now)))

    return conclusion


_eta = sp.Symbol("eta", positive=True)
GD_DOMAIN = {S: domains.spd(), bv: V(), theta: V()}


@case("algorithmic", "fixed_step_orthogonal", aims="explicit step rule (1/2): consecutive gradients are "
      "orthogonal only with an exact line search")
def _(cid):
    return dict(title="GD with step 1/2: consecutive gradients orthogonal",
                statement=Algorithmic(_gd_cost(), theta, _eta, theta - _eta * Grad(_gd_cost(), theta),
                                      _cosine(_gd_cost(), theta), step_rule=sp.Rational(1, 2), iterations=3),
                domain=GD_DOMAIN, sizes=N2)


@case("algorithmic", "fixed_step_rtol_ceiling", defect=D_CEILING, rejects=r"(?i)rtol|toleran",
      aims="rtol=1.0 makes the cosine check vacuous (|cos| <= 1 always): above the tolerance ceiling without a "
           "tolerance_reason")
def _(cid):
    return dict(title="GD with step 1/2 and rtol=1: consecutive gradients orthogonal",
                statement=Algorithmic(_gd_cost(), theta, _eta, theta - _eta * Grad(_gd_cost(), theta),
                                      _cosine(_gd_cost(), theta), step_rule=sp.Rational(1, 2), iterations=3),
                domain=GD_DOMAIN, sizes=N2, rtol=1.0)


@case("algorithmic", "fixed_step_rtol_with_reason", defect=D_CEILING,
      aims="a loosened tolerance with a stated reason (rtol=1e-2) must still refute an O(1) cosine")
def _(cid):
    return dict(title="GD with step 1/2 and rtol=1e-2: consecutive gradients orthogonal",
                statement=Algorithmic(_gd_cost(), theta, _eta, theta - _eta * Grad(_gd_cost(), theta),
                                      _cosine(_gd_cost(), theta), step_rule=sp.Rational(1, 2), iterations=3),
                domain=GD_DOMAIN, sizes=N2, rtol=1e-2,
                tolerance_reason="red team: the line search is not exact, allow 1% of the gradient norms")


@case("algorithmic", "line_search_ascent", defect=D_LINE_SEARCH,
      aims="the conclusion is +phi'(eta) identically, but along the ascent direction phi'(0) = |g|^2 >= 0: the "
           "line search stops at eta = 0, where g^T g != 0")
def _(cid):
    return dict(title="exact line search along +grad: consecutive gradients orthogonal",
                statement=Algorithmic(_gd_cost(), theta, _eta, theta + _eta * Grad(_gd_cost(), theta),
                                      _cosine(_gd_cost(), theta), iterations=3),
                domain=GD_DOMAIN, sizes=N2)


@case("algorithmic", "line_search_wrong_pairing", defect=D_LINE_SEARCH,
      aims="preconditioned direction -S g with exact line search: phi'(eta*) = 0 makes g' orthogonal to S g, "
           "not to g; the conclusion g'^T g is not -+phi'(eta)")
def _(cid):
    g = Grad(_gd_cost(), theta)
    return dict(title="exact line search along -S g: consecutive gradients orthogonal",
                statement=Algorithmic(_gd_cost(), theta, _eta, theta - _eta * S * g,
                                      _cosine(_gd_cost(), theta), iterations=3),
                domain=GD_DOMAIN, sizes=N2)


@case("algorithmic", "line_search_scaled_conclusion", defect=D_LINE_SEARCH,
      aims="the conclusion g'^T g + 1e-3 |g|^2 differs from -phi'(eta) by a term that does not vanish at eta*")
def _(cid):
    def conclusion(th, nxt):
        g_now, g_next = Grad(_gd_cost(), theta, at=th), Grad(_gd_cost(), theta, at=nxt)
        return (scalar(g_next.T * g_now) + scalar(g_now.T * g_now) / 1000, sp.Integer(0),
                sp.sqrt(scalar(g_next.T * g_next) * scalar(g_now.T * g_now)))

    return dict(title="exact line search: g'^T g + |g|^2 / 1000 = 0",
                statement=Algorithmic(_gd_cost(), theta, _eta, theta - _eta * Grad(_gd_cost(), theta), conclusion,
                                      iterations=3),
                domain=GD_DOMAIN, sizes=N2)


@case("algorithmic", "line_search_one_step", aims="exact line search solved in closed form (sp.solve); one step "
      "does not reach the minimiser of a 2-D quadratic")
def _(cid):
    return dict(title="steepest descent with exact line search converges in one step",
                statement=Algorithmic(_gd_cost(), theta, _eta, theta - _eta * Grad(_gd_cost(), theta),
                                      lambda th, nxt: (Grad(_gd_cost(), theta, at=nxt), sp.ZeroMatrix(2, 1)),
                                      iterations=2),
                domain=GD_DOMAIN, sizes=N2)


@case("algorithmic", "newton_one_step", aims="Newton's step (inverse of a Jacobian of a Grad) with step rule 1 on "
      "a non-quadratic strictly convex cost: it does not converge in one step")
def _(cid):
    cost = sp.log(1 + sp.exp(scalar(w1))) + scalar(w1) ** 2 / 2 - b_ * scalar(w1)
    g = Grad(cost, w1)
    update = w1 - _eta * Jacobian(g, w1).inv() * g
    return dict(title="Newton converges in one step on log(1 + e^w) + w^2/2 - b w",
                statement=Algorithmic(cost, w1, _eta, update,
                                      lambda th, nxt: (Grad(cost, w1, at=nxt), sp.ZeroMatrix(1, 1)),
                                      step_rule=ONE, iterations=2),
                domain={w1: G(), b_: R()})


_c_lse = sp.Symbol("c", nonnegative=True)
_u = sp.MatrixSymbol("u", n, 1)


def _lse_cost(th=theta):
    return (scalar(th.T * S * th) / 2 - scalar(bv.T * th)
            + _c_lse * sp.log(scalar(ones(1, n) * (th + _u).applyfunc(sp.exp))))


LSE_DOMAIN = {S: domains.spd(), bv: V(), _u: V(), theta: V(), _c_lse: domains.positive(0.5, 3.0)}


@case("algorithmic", "subfamily_step_formula", defect=D_SUBFAMILY,
      aims="symbolic_restriction c = 0: the quadratic closed-form step is proved on the sub-family and claimed "
           "for c > 0, where it is wrong")
def _(cid):
    cost = _lse_cost()

    def conclusion(th, nxt):
        # the step eta with nxt = th - eta g, read off as (th - nxt)^T g / g^T g, against the closed form
        # g^T g / g^T S g; cross-multiplied so that only scalars appear
        g = Grad(cost, theta, at=th)
        return scalar((th - nxt).T * g) * scalar(g.T * S * g), scalar(g.T * g) ** 2

    return dict(title="exact line search step is g^T g / g^T S g on the non-quadratic cost",
                statement=Algorithmic(cost, theta, _eta, theta - _eta * Grad(cost, theta), conclusion, iterations=2,
                                      symbolic_restriction={_c_lse: 0}),
                domain=LSE_DOMAIN, sizes=N2)


@case("control", "subfamily_orthogonality", expect="holds", defect=D_SUBFAMILY,
      aims="a TRUE claim proved only on the sub-family c = 0: must be 'verified', never 'proved'. The step is "
           "along -S g (S spd), so phi'(eta*) = 0 makes g' orthogonal to S g; phi'(0) = -g^T S g is not a "
           "visible -|d|^2, so the general line-search argument does not apply and only c = 0 has a closed form")
def _(cid):
    cost = _lse_cost()

    def conclusion(th, nxt):
        g_now, g_next = Grad(cost, theta, at=th), Grad(cost, theta, at=nxt)
        return (scalar(g_next.T * S * g_now), sp.Integer(0),
                sp.sqrt(scalar(g_next.T * g_next) * scalar((S * g_now).T * (S * g_now))))

    return dict(title="exact line search along -S g: g' is orthogonal to S g (true)",
                statement=Algorithmic(cost, theta, _eta, theta - _eta * S * Grad(cost, theta), conclusion,
                                      iterations=3, symbolic_restriction={_c_lse: 0}),
                domain=LSE_DOMAIN, sizes=N2)


# =================================================================================================
# shape
# =================================================================================================


@case("identity", "hadamard_square_sum", aims="HadamardPower (x o x, which SymPy builds from HadamardProduct(x, x)) "
      "evaluated elementwise on both backends: the sum of squares is not the square of the sum")
def _(cid):
    return dict(title="sum_i x_i^2 = (sum_i x_i)^2",
                statement=Identity(scalar(ones(1, n) * sp.HadamardPower(x, 2)), scalar(ones(1, n) * x) ** 2),
                domain={x: V()}, sizes=N2)


@case("shape", "expected_wrong", defect=D_SHAPE, aims="Shape(expected=...): x^T A x is 1 x 1, not n x 1; the "
      "symbolic path only evaluates the formula")
def _(cid):
    return dict(title="x^T A x is n x 1", statement=Shape(x.T * A * x, expected=(n, 1)), domain={A: G(), x: V()},
                sizes={n: (2, 3)})


@case("shape", "gram_expected_wrong", defect=D_SHAPE, aims="Shape(expected=...) with two dimensions: X^T X is "
      "n x n, not m x m")
def _(cid):
    X = sp.MatrixSymbol("X", m, n)
    return dict(title="X^T X is m x m", statement=Shape(X.T * X, expected=(m, m)), domain={X: G()},
                sizes={m: (3, 3), n: (2, 2)})


@case("shape", "ill_formed_at_some_sizes", aims="check_shapes over every size: W g needs n1 = n0")
def _(cid):
    n0, n1 = sp.Symbol("n0", integer=True, positive=True), sp.Symbol("n1", integer=True, positive=True)
    Wr, g = sp.MatrixSymbol("W", n0, n1), sp.MatrixSymbol("g", n0, 1)
    return dict(title="W g is well-formed for W n0 x n1, g n0 x 1", statement=Shape(Wr * g), domain={Wr: G(), g: V()},
                sizes={n0: (1, 3), n1: (1, 3)})


@case("shape", "sides_differ", aims="equal_shape_conditions: x^T x is 1 x 1, x x^T is n x n")
def _(cid):
    return dict(title="x^T x = x x^T", statement=Identity(x.T * x, x * x.T), domain={x: V()}, sizes={n: (1, 3)})


@case("shape", "gradient_row_layout", aims="layout slip: a gradient written as a row vector")
def _(cid):
    return dict(title="grad x^T A x = x^T (A + A^T)", statement=Gradient(scalar(x.T * A * x), x, x.T * (A + A.T)),
                domain={A: G(), x: V()}, sizes=N2)


@case("shape", "trace_rectangular", defect=D_RECT_TRACE, either=True,
      aims="Trace of an n x m matrix with n != m: SymPy builds Trace(W) for symbolic dimensions, jnp.trace sums "
           "the diagonal of anything; ill-formed, so refuted (or rejected at load)")
def _(cid):
    Wr = sp.MatrixSymbol("W", n, m)
    return dict(title="tr(W) = tr(W^T) for W 2 x 3", statement=Identity(sp.Trace(Wr), sp.Trace(Wr.T)),
                domain={Wr: G()}, sizes={n: (2, 2), m: (3, 3)})


# =================================================================================================
# scope: true at the symbolic size, false at another size of the range
# =================================================================================================


@case("scope", "commutator_square", defect=D_SCOPE,
      aims="for 2 x 2 matrices (AB - BA)^2 is a multiple of I, so it commutes with every C: proved entrywise at "
           "n = 2, false at n = 3")
def _(cid):
    K = (A * B - B * A) ** 2
    return dict(title="(AB - BA)^2 C = C (AB - BA)^2", statement=Identity(K * C, C * K),
                domain={A: G(), B: G(), C: G()}, sizes={n: (2, 3)})


@case("scope", "cayley_hamilton_2x2", defect=D_SCOPE, aims="the 2 x 2 Cayley-Hamilton identity claimed for n = 3")
def _(cid):
    return dict(title="A^2 - tr(A) A + det(A) I = 0",
                statement=Identity(A ** 2 - sp.Trace(A) * A + sp.Determinant(A) * sp.Identity(n), sp.ZeroMatrix(n, n)),
                domain={A: G()}, sizes={n: (2, 3)})


@case("scope", "builder_det", defect=D_SCOPE, aims="a builder statement (statement=function of the sizes): "
      "det(I + 1 1^T) = n + 1 is 3 only at n = 2")
def _(cid):
    def build(sizes):
        size = sizes["n"]
        return Identity(t * sp.Determinant(sp.ImmutableMatrix(sp.eye(size) + sp.ones(size, size))), 3 * t)

    return dict(title="t det(I + 1 1^T) = 3 t", statement=build, domain={t: R()}, sizes={n: (2, 3)})


# =================================================================================================
# tolerance: each rule of the numeric comparison
# =================================================================================================


@case("tolerance", "entrywise_exp", defect=D_ENTRYWISE,
      aims="scale = the largest |entry| per instance: exp(s) ~ 1e9..7e10 makes the tolerance of the t entry "
           "10..700, so t vs 2t passes numerically while SymPy disproves it")
def _(cid):
    return dict(title="[e^s, t] = [e^s, 2t] for s in (20, 25)",
                statement=Identity(sp.ImmutableMatrix([sp.exp(s), t]), sp.ImmutableMatrix([sp.exp(s), 2 * t])),
                domain={s: domains.interval(20, 25), t: R()})


@case("tolerance", "small_entry_next_to_large", defect=D_ENTRYWISE,
      aims="the same rule with a polynomial: a sign error in an O(1) entry next to a 1e12 entry")
def _(cid):
    return dict(title="[1e12 t, u] = [1e12 t, -u]",
                statement=Identity(sp.ImmutableMatrix([10 ** 12 * t, u]), sp.ImmutableMatrix([10 ** 12 * t, -u])),
                domain={t: R(), u: R()})


@case("tolerance", "relative_1e6", aims="default rtol 1e-8: a relative error of 1e-6 is 100 tolerances out; "
      "confirmed exactly")
def _(cid):
    return dict(title="e^t = (1 + 1e-6) e^t", statement=Identity(sp.exp(t), (1 + sp.Rational(1, 10 ** 6)) * sp.exp(t)),
                domain={t: R()})


@case("tolerance", "absolute_above_atol", aims="default atol 1e-10: an absolute error of 1e-9 on values of size "
      "1e-3")
def _(cid):
    return dict(title="t/1000 = t/1000 + 1e-9", statement=Identity(t / 1000, t / 1000 + sp.Rational(1, 10 ** 9)),
                domain={t: R()})


@case("tolerance", "kappa_cap", aims="rtol widened by the condition number of the inverted matrix, capped at "
      "1e4 * rtol = 1e-4: a 1e-3 relative error still fails when kappa ~ 1e8")
def _(cid):
    M = (A + sp.Identity(n) / 10 ** 8).inv()
    return dict(title="(P + 1e-8 I)^-1 b = (1 + 1e-3) (P + 1e-8 I)^-1 b",
                statement=Identity(M * bv, (1 + sp.Rational(1, 1000)) * M * bv), domain={A: domains.psd(), bv: V()},
                sizes=N2)


@case("tolerance", "kink_excluded_rest_false", aims="instances within 1e-6 of a kink (Abs, sign) are excluded; "
      "the claim is false on every other negative t")
def _(cid):
    return dict(title="|t| sign(t) = |t|", statement=Identity(sp.Abs(t) * sp.sign(t), sp.Abs(t)), domain={t: R()})


@case("tolerance", "relu_derivative_at_kink", aims="about_kink=True keeps the kink instance: SymPy gives "
      "Heaviside(0) = 1/2 and JAX 0.5 for d max(w, 0)/dw at 0, not 1")
def _(cid):
    return dict(title="d max(w, 0)/dw at w = 0 is 1",
                statement=Identity(Grad(sp.Max(scalar(w1), 0), w1, at=sp.ZeroMatrix(1, 1)), sp.ImmutableMatrix([[1]])),
                domain={w1: G()}, about_kink=True)


@case("tolerance", "claim_rtol_still_false", aims="a claim-level rtol (1e-7, looser than the default but far "
      "below any ceiling) does not hide a 1e-3 relative error")
def _(cid):
    return dict(title="sigmoid(t) = (1 + 1e-3) sigmoid(t) with rtol 1e-7",
                statement=Identity(sigmoid(t), (1 + sp.Rational(1, 1000)) * sigmoid(t)), domain={t: R()}, rtol=1e-7)


# =================================================================================================
# scalar: a plain sp.Symbol as the variable (one false claim per path a scalar variable takes)
# =================================================================================================

_w = sp.Symbol("w", real=True)  # the scalar counterpart of w1


@case("scalar", "sigmoid_chain_factor", defect=D_SCALAR,
      aims="Grad in a scalar (ScalarGrad): sympy.diff and jax.grad through a 1 x 1 wrap; the residual is "
           "transcendental, so the counterexample is confirmed by 60-digit forward-mode duals")
def _(cid):
    return dict(title="d/dt sigmoid(2t) = sigmoid(2t) (1 - sigmoid(2t))",
                statement=Gradient(sigmoid(2 * t), t, sigmoid(2 * t) * (1 - sigmoid(2 * t))), domain={t: R()})


@case("scalar", "loss_gradient_sign", defect=D_SCALAR,
      aims="derivative in a scalar of a polynomial: exact rational counterexample, exact rational confirmation")
def _(cid):
    return dict(title="d/dw (y - w x)^2 / 2 = (y - w x) x",
                statement=Gradient((b_ - _w * a_) ** 2 / 2, _w, (b_ - _w * a_) * a_),
                domain={_w: R(), a_: R(), b_: R()})


@case("scalar", "derivative_at_point", defect=D_SCALAR,
      aims="Grad(f, t, at=1) with t bound and the data free: the chain factor b of exp(b t) dropped")
def _(cid):
    return dict(title="d/dt exp(b t) at t = 1 is exp(b)", statement=Identity(Grad(sp.exp(b_ * t), t, at=1), sp.exp(b_)),
                domain={b_: R()})


@case("scalar", "column_in_scalar", defect=D_SCALAR,
      aims="Jacobian of a column in a scalar (n x 1, jacrev of a 1 x 1 wrap): tanh' dropped, true only at t = 0")
def _(cid):
    return dict(title="d/dt tanh(t x) = x", statement=Identity(Jacobian((t * x).applyfunc(sp.tanh), t), x),
                domain={t: R(), x: V()}, sizes={n: (1, 3)})


@case("scalar", "quadratic_minimiser_sign", defect=D_SCALAR,
      aims="Minimiser over a scalar: the stationarity pair with a scalar zero; -b/a for b/a")
def _(cid):
    return dict(title="-b/a minimises a w^2 - 2 b w", statement=Minimiser(p * _w ** 2 - 2 * b_ * _w, _w, -b_ / p),
                domain={p: domains.positive(), b_: R()})


@case("scalar", "maximiser", defect=D_SCALAR,
      aims="convexity in a scalar must not call -p (w - b)^2 convex; the 1 x 1 Hessian -2p < 0 at an exact member")
def _(cid):
    return dict(title="b minimises -p (w - b)^2", statement=Minimiser(-p * (_w - b_) ** 2, _w, b_),
                domain={p: domains.positive(), b_: R()})


@case("scalar", "local_min_not_global", defect=D_SCALAR,
      aims="a non-convex quartic: stationary with f'' = 3 > 0 at b - 1 (a local minimum), the global one at b + 2; "
           "the perturbation and solver checks along the single axis")
def _(cid):
    s_ = _w - b_
    return dict(title="b - 1 minimises (w-b)^4/4 - (w-b)^3/3 - (w-b)^2",
                statement=Minimiser(s_ ** 4 / 4 - s_ ** 3 / 3 - s_ ** 2, _w, b_ - 1), domain={b_: R()})


@case("scalar", "cubic_unbounded", defect=D_SCALAR,
      aims="w^3/3 - w at w = 1 over a plain scalar: unbounded below, only the far probes along the axis see it")
def _(cid):
    return dict(title="1 minimises w^3/3 - w", statement=Minimiser(_w ** 3 / 3 - _w, _w, ONE), domain={})


@case("scalar", "maximum_under_huge_constant", defect=D_SCALAR,
      aims="1e14 - e^b (w - a)^2 over a scalar: the constant is dropped before the perturbation compares values")
def _(cid):
    return dict(title="a minimises 1e14 - exp(b) (w - a)^2",
                statement=Minimiser(10 ** 14 - sp.exp(b_) * (_w - a_) ** 2, _w, a_), domain={a_: R(), b_: R()})


@case("scalar", "soft_threshold_half", defect=D_SCALAR,
      aims="non-smooth Minimiser over a scalar: the subgradient case split on its one entry; threshold alpha/(2h)")
def _(cid):
    cost = h / 2 * (_w - _c) ** 2 + alpha * sp.Abs(_w)
    return dict(title="soft threshold at alpha/(2h) (scalar w)",
                statement=Minimiser(cost, _w, sp.sign(_c) * sp.Max(sp.Abs(_c) - alpha / (2 * h), 0), smooth=False,
                                    cases=THRESHOLD_CASES),
                domain={h: domains.positive(), alpha: domains.positive(), _c: domains.real(2.0)})


@case("scalar", "claimed_one_by_one", defect=D_SCALAR, rejects=r"derivative of a scalar in a scalar is a scalar.*"
      r"scalar\(M\)", aims="a 1 x 1 matrix claimed for a derivative in a scalar: refused, not compared as ill-formed")
def _(cid):
    return dict(title="d/dt t x^T x = x^T x", statement=Gradient(t * scalar(x.T * x), t, x.T * x),
                domain={t: R(), x: V()}, sizes=N2)


@case("scalar", "point_one_by_one", defect=D_SCALAR, rejects=r"point of a scalar variable is a scalar",
      aims="a 1 x 1 point for a Minimiser over a scalar: refused at load")
def _(cid):
    return dict(title="[[1]] minimises (w - 1)^2", statement=Minimiser((_w - 1) ** 2, _w, sp.ImmutableMatrix([[1]])),
                domain={})


# =================================================================================================
# undefined sides: a formula that inverts a singular matrix (verify/undefined.py)
# ==========================================================================================



@case("undefined", "rank_one_outer_inverse", defect=D_UNDEFINED,
      aims="the left side inverts x x^T, singular for n >= 2 at every member: undefined, not a NaN error")
def _(cid):
    return dict(title="(x x^T)^-1 x = x / (x^T x)", statement=Identity((x * x.T).inv() * x, x / scalar(x.T * x)),
                domain={x: V()}, sizes=N2)


@case("undefined", "normal_equations_rank_deficient", defect=D_UNDEFINED,
      aims="(A^T A)^-1 A^T A = I for a rank-deficient A: the left side never exists")
def _(cid):
    # unevaluated: SymPy cancels X^-1 X to I when it builds a product, singular X or not (the load
    # warns that such a statement is trivially true as built)
    return dict(title="(A^T A)^-1 A^T A = I",
                statement=Identity(sp.MatMul((A.T * A).inv(), A.T, A, evaluate=False), sp.Identity(n)),
                domain={A: domains.rank_deficient()}, sizes=N3)


# =================================================================================================
# expectations under distributions (ExpectationOver, verify.expectations)
# =================================================================================================

_RV = sp.Symbol("X_rv", real=True)
_MU, _SD = sp.Symbol("mu_e", real=True), sp.Symbol("sd_e", positive=True)
_DIST_DOMAIN = {_MU: R(), _SD: domains.positive(0.5, 2.0)}


@case("expectation_over", "variance_small_factor", aims="Gauss-Hermite quadrature: a variance 2% too large")
def _(cid):
    return dict(title="Var X = 1.02 sigma^2", statement=ExpectationOver((_RV - _MU) ** 2, {_RV: Normal(_MU, _SD)},
                                                                        sp.Rational(51, 50) * _SD ** 2),
                domain=_DIST_DOMAIN)


@case("expectation_over", "mean_small_shift_mc",
      aims="Monte Carlo budget: a mean off by sigma/25 (about 0.07 sd of the integrand) must leave the band")
def _(cid):
    return dict(title="E[max(X, 0)] shifted", statement=ExpectationOver(
        sp.Max(_RV, 0), {_RV: Normal(0, _SD)}, _SD / sp.sqrt(2 * sp.pi) + _SD / 25), domain={_SD: _DIST_DOMAIN[_SD]})


@case("expectation_over", "wrong_parameter", aims="a distribution parameter off (sd 2 sigma for sigma)")
def _(cid):
    return dict(title="E[X^2] under N(mu, 4 sigma^2) = mu^2 + sigma^2", statement=ExpectationOver(
        _RV ** 2, {_RV: Normal(_MU, 2 * _SD)}, _MU ** 2 + _SD ** 2), domain=_DIST_DOMAIN)


@case("expectation_over", "heavy_tailed_integrand",
      aims="exp(X^2/4) under N(0, 1): mean sqrt(2), infinite variance (Monte Carlo would be unreliable)")
def _(cid):
    return dict(title="E[exp(X^2/4)] = 3/2", statement=ExpectationOver(sp.exp(_RV ** 2 / 4), {_RV: Normal(0, 1)},
                                                                       sp.Rational(3, 2)), domain={})


@case("expectation_over", "joint_as_product",
      aims="a dependent pair (Y = X) read as independent: E[XY] under the joint vs the product of marginals")
def _(cid):
    y = sp.Symbol("Y_rv", real=True)
    return dict(title="E[XY] = E[X] E[Y] for Y = X", statement=ExpectationOver(
        _RV * y, {_RV: Normal(_MU, _SD), y: Deterministic(_RV)}, _MU ** 2), domain=_DIST_DOMAIN)


@case("expectation_over", "poisson_variance",
      aims="truncated Poisson sums: variance lam^2 instead of lam")
def _(cid):
    lam_ = sp.Symbol("lam_e", positive=True)
    return dict(title="Var = lam^2", statement=ExpectationOver((_RV - lam_) ** 2, {_RV: Poisson(lam_)}, lam_ ** 2),
                domain={lam_: domains.positive(0.1, 20.0)})


# =================================================================================================
# load-time guards: ill-posed claims that are (and must stay) rejected when built
# =================================================================================================


@case("load", "relation_typo", rejects=r"relation", aims="Property relation must be one of psd/nonnegative/positive")
def _(cid):
    return dict(title="t^2 is 'postive'", statement=Property(t ** 2, "postive"), domain={t: R()})


@case("load", "symbol_without_domain", rejects=r"has no domain", aims="every free symbol needs a domain")
def _(cid):
    return dict(title="t + u = u + t", statement=Identity(t + u, u + t), domain={t: R()})


@case("load", "matrix_with_scalar_domain", rejects=r"matrix symbol", aims="a matrix symbol with a scalar domain")
def _(cid):
    return dict(title="x^T x >= 0", statement=Property(scalar(x.T * x), "nonnegative"), domain={x: R()}, sizes=N2)


# --- inequalities and the violation search (verify/inequality.py, verify/search.py) ---------------


@case("inequality", "thin_band", defect=D_SEARCH,
      aims="false only for |x - sqrt(2) y - sqrt(3)| < 1e-3: no exact member tried is there, and a random pair "
           "lands there with probability ~1e-3; the search walks into the band")
def _(cid):
    return dict(title="(x - sqrt 2 y - sqrt 3)^2 >= 1e-6", domain={t: R(), u: R()},
                statement=Inequality((t - sp.sqrt(2) * u - sp.sqrt(3)) ** 2, sp.Rational(1, 10**6), ">="))


@case("inequality", "square_gap_plus_epsilon", defect=D_SEARCH,
      aims="x^2 - 2xy + y^2 + 1e-6 > 2e-6 fails only where |x - y| < 1e-3 (exact members with x = y find it too)")
def _(cid):
    return dict(title="x^2 - 2xy + y^2 + 1e-6 > 2e-6", domain={t: R(), u: R()},
                statement=Inequality(t**2 - 2 * t * u + u**2 + sp.Rational(1, 10**6), sp.Rational(2, 10**6), ">"))


@case("inequality", "strict_at_equality", defect=D_SEARCH,
      aims="t^2 + 1 > 2t is false exactly at t = 1 (the non-strict form holds): the exact edge member t = 1")
def _(cid):
    return dict(title="t^2 + 1 > 2t", statement=Inequality(t**2 + 1, 2 * t, ">"), domain={t: R()})


@case("inequality", "large_draw", defect=D_SEARCH,
      aims="tanh(t/20) <= 9/10 fails only for t > 29.4: N(0, 1) draws never get there; the search's large "
           "starts and steps do (and exact members times 10 sometimes)")
def _(cid):
    return dict(title="tanh(t/20) <= 9/10", domain={t: R()},
                statement=Inequality(sp.tanh(t / 20), sp.Rational(9, 10), "<="))


@case("inequality", "reversed_cauchy_schwarz", aims="the inequality the wrong way round; a random instance breaks it")
def _(cid):
    return dict(title="(x^T y)^2 >= (x^T x)(y^T y)", domain={x: V(), y: V()}, sizes=N2,
                statement=Inequality(scalar(x.T * y) ** 2, scalar(x.T * x) * scalar(y.T * y), ">="))


@case("inequality", "psd_one_entry_changed", defect=D_SEARCH,
      aims="a Gaussian Gram matrix of 3 points with one off-diagonal pair replaced by the kernel of a point with "
           "itself shifted (the kind of slip mutation testing made): indefinite only for rare configurations; "
           "the search minimises the smallest eigenvalue")
def _(cid):
    pts = sp.MatrixSymbol("Z", 2, 3)
    k = lambda i, j, shift=0: sp.exp(-((pts[0, i] - pts[0, j] - shift) ** 2 + (pts[1, i] - pts[1, j]) ** 2) / 2)  # noqa: E731
    gram = sp.ImmutableMatrix(3, 3, lambda i, j: 1 if i == j else (k(i, j, 2) if {i, j} == {0, 1} else k(i, j)))
    return dict(title="a Gram matrix with one entry's points shifted is PSD", domain={pts: domains.general()},
                statement=Property(gram, "psd"))


@case("inequality", "near_open_end", defect=D_SEARCH,
      aims="q >= 1e-7 for q in (0, 1) fails only for q < 1e-7, a raw normal below -5.2: the CDF clip of bounded "
           "domains (6 standard deviations, q >= 1e-9) must leave the search room to get there")
def _(cid):
    return dict(title="q >= 1e-7 for a probability q", domain={q: domains.probability()},
                statement=Inequality(q, sp.Rational(1, 10**7), ">="))


@case("inequality", "inverse_bound_near_singular", defect=D_SEARCH,
      aims="x^T (A^T A)^-1 x <= 1e4 x^T x fails only where sigma_min(A) < 0.01: the search counts violations only "
           "where the inverted matrix has condition number <= 1e4, which must still reach this one")
def _(cid):
    return dict(title="x^T (A^T A)^-1 x <= 1e4 x^T x", domain={A: G(), x: V()}, sizes=N2,
                statement=Inequality(scalar(x.T * (A.T * A).inv() * x), 10**4 * scalar(x.T * x)))


@case("identity", "shifted_variance_off_by_1e7th", defect=D_ENTRYWISE,
      aims="a two-point variance, shifted by s ~ 100, claimed 1 + 1e-7 times too large: every failing instance fails "
           "by ~10 times its tolerance and is judged again from its rounding sensitivity (verify.rounding); the "
           "well-conditioned ones must still fail")
def _(cid):
    hi, lo = t + s, u + s
    variance = q * hi**2 + (1 - q) * lo**2 - (q * hi + (1 - q) * lo) ** 2
    return dict(title="E[Y^2] - E[Y]^2 = q (1 - q) (t - u)^2 (1 + 1e-7)",
                domain={t: R(), u: R(), s: R(100.0), q: domains.probability()},
                statement=Identity(variance, q * (1 - q) * (t - u) ** 2 * (1 + sp.Rational(1, 10**7))))


@case("load", "inequality_relation_typo", rejects=r"Inequality relation",
      aims="Inequality relation must be one of <=, <, >=, >")
def _(cid):
    return dict(title="t^2 =< 1 + t^2", statement=Inequality(t**2, 1 + t**2, "=<"), domain={t: R()})


# =================================================================================================
# the run
# =================================================================================================


# --- implications, witnesses, limits and orders (verify.logic_kinds) -----------------------------

D_LOGIC = "implications, witnesses, limits and orders (verify.logic_kinds): each direction, exactly where it can"
DEFECT_ORDER.insert(DEFECT_ORDER.index(GUARD), D_LOGIC)


@case("logic", "one_directional_equivalence", defect=D_LOGIC,
      aims="each direction on its own premise's members: PSD => symmetric holds, symmetric => PSD does not")
def _(cid):
    return dict(title="A is symmetric iff A is PSD", domain={A: domains.symmetric()}, sizes=N2,
                statement=Equivalence(directions=(
                    Implies(Identity(A, A.T), given={A: domains.psd()}, premise="A is PSD"),
                    Implies(Property(A, "psd"), given={A: domains.symmetric()}, premise="A is symmetric"))))


def _quartic(v):
    return v**4 - 3 * v**2 + v


@case("logic", "witness_off_by_rounding", defect=D_LOGIC,
      aims="an exact witness: the printed 1.1309 is near the stationary point but f' is not 0 there")
def _(cid):
    w = sp.Symbol("w", real=True)
    return dict(title="f'(1.1309) = 0 for f = u^4 - 3u^2 + u", domain={},
                statement=Exists(witness={w: sp.Rational(11309, 10000)}, conditions=(sp.Eq(Grad(_quartic(u), u, at=w), 0),)))


@case("logic", "worked_example_wrong_digit", defect=D_LOGIC,
      aims="rounds_to: the exact value of the right minimum is -1.0700..., not -1.071")
def _(cid):
    w = sp.Symbol("w", real=True)
    root = sp.CRootOf(sp.Poly(4 * u**3 - 6 * u + 1, u), 2)
    return dict(title="f at the right local minimum is about -1.071", domain={},
                statement=Exists(witness={w: root}, conditions=rounds_to(_quartic(w), "-1.071")))


@case("logic", "wrong_witness_for_every_member", defect=D_LOGIC,
      aims="a witness that is an expression of the claim's symbols: x = A^T b solves A x = b only for orthogonal A")
def _(cid):
    xw = sp.MatrixSymbol("xw", n, 1)
    return dict(title="A x = b has the solution x = A^T b", sizes=N2,
                statement=Exists(witness={xw: A.T * x}, conditions=(Identity(A * xw, x),)),
                domain={A: domains.full_column_rank(), x: V()})


@case("limits", "wrong_limit", defect=D_LOGIC,
      aims="Limit: the p-norm of (a, b) tends to max(|a|, |b|), not |a| + |b| (the 1-norm)")
def _(cid):
    return dict(title="lim_{p -> oo} (|a|^p + |b|^p)^(1/p) = |a| + |b|", domain={a_: domains.real(), b_: domains.real()},
                statement=Limit((sp.Abs(a_) ** p + sp.Abs(b_) ** p) ** (1 / p), p, sp.oo, sp.Abs(a_) + sp.Abs(b_)))


@case("limits", "wrong_difference_quotient", defect=D_LOGIC,
      aims="Limit at a finite point (l'Hopital route): (exp(a t) - 1)/t tends to a, not 2a")
def _(cid):
    return dict(title="lim_{h -> 0} (exp(a h) - 1)/h = 2a", domain={a_: domains.real()},
                statement=Limit((sp.exp(a_ * h) - 1) / h, h, 0, 2 * a_))


@case("limits", "divergent_series", defect=D_LOGIC,
      aims="Limit of partial sums: the geometric series in t diverges for t >= 1")
def _(cid):
    k_, N_ = sp.Symbol("k", integer=True, positive=True), sp.Symbol("N", integer=True, positive=True)
    return dict(title="sum_k t^k = 1/(1 - t) for t in (0, 2)", domain={t: domains.interval(0.1, 1.9)},
                statement=Limit(sp.Sum(t**k_, (k_, 0, N_)), N_, sp.oo, 1 / (1 - t)))


@case("limits", "wrong_order", defect=D_LOGIC,
      aims="Order: sin(a h) - a h is O(h^3), not O(h^4); the log-log slope is 3 and the h^3 coefficient is not 0")
def _(cid):
    return dict(title="sin(a h) - a h = O(h^4)", domain={a_: domains.real()},
                statement=Order(sp.sin(a_ * h) - a_ * h, h, 4))


@case("limits", "order_with_a_dip", defect=D_LOGIC,
      aims="Order's settled-tail fit: a h^2 (1 - 8 b h) is O(h^2) only, and its leading term cancels near "
           "h = 1/(8b), where the local slopes swing; the fit must not take the swing for order 3")
def _(cid):
    return dict(title="a h^2 (1 - 8 b h) = O(h^3)", domain={a_: domains.interval(0.5, 2), b_: domains.interval(1, 8)},
                statement=Order(a_ * h**2 * (1 - 8 * b_ * h), h, 3))


@case("limits", "wrong_limit_crossing_tail", defect=D_LOGIC,
      aims="Limit's tail rule allows one crossing near the end (the last gap against the larger of the last two "
           "steps and of the two gaps before it); a sequence that crosses near the end but converges to a, not "
           "to a + 1/20, must still be refuted")
def _(cid):
    return dict(title="a + b s (1 - 1000 s) -> a + 1/20 as s -> 0", domain={a_: R(), b_: domains.interval(0.5, 2)},
                statement=Limit(a_ + b_ * s * (1 - 1000 * s), s, 0, a_ + sp.Rational(1, 20)))


@case("limits", "quadratic_model_order_too_high", defect=D_LOGIC,
      aims="Order with derivative nodes: the error of a second-order Taylor model is O(h^3), claimed O(h^4)")
def _(cid):
    f = a_ * sp.sin(b_ * u)
    model = f.subs(u, t) + h * Grad(f, u, at=t) + h**2 / 2 * Grad(Grad(f, u), u, at=t)
    return dict(title="f(t + h) - (f + h f' + h^2 f''/2) = O(h^4)", domain={a_: domains.real(), b_: domains.real(),
                                                                          t: domains.real()},
                statement=Order(f.subs(u, t + h) - model, h, 4))


# =================================================================================================
# pseudo-inverse and symmetric eigen-decomposition (verify/linalg_nodes.py), 0/1 labels
# (derivations/probability/likelihood.py): each computed independently on the two backends

@case("linalg", "pinv_left_inverse_wide", aims="pinv: X^+ X = I needs full column rank; a 2 x 3 X has rank 2 "
      "< 3, so X^+ X is a projection of rank 2")
def _(cid):
    X = sp.MatrixSymbol("X", 2, 3)
    return dict(title="X^+ X = I for a 2 x 3 X", statement=Identity(pinv(X) * X, sp.Identity(3)),
                domain={X: domains.general()})


@case("linalg", "pinv_left_inverse_any_rank", defect=D_ANY_RANK,
      aims="pinv at a rank-deficient tall X (any_rank's duplicated column): the exact pseudo-inverse (a limit "
           "of regularised inverses) must give a projection there, not I; the generic member has full rank")
def _(cid):
    X = sp.MatrixSymbol("X", 3, 2)
    return dict(title="X^+ X = I for any 3 x 2 X", statement=Identity(pinv(X) * X, sp.Identity(2)),
                domain={X: domains.any_rank()})


@case("linalg", "pinv_reverse_order_law", aims="pinv: (X Y)^+ = Y^+ X^+ holds for inverses of square "
      "matrices, not for a 2 x 3 X and a 3 x 2 Y (X Y is invertible, but Y^+ X^+ is not its inverse)")
def _(cid):
    X, Y = sp.MatrixSymbol("X", 2, 3), sp.MatrixSymbol("Y", 3, 2)
    return dict(title="(X Y)^+ = Y^+ X^+", statement=Identity(pinv(X * Y), pinv(Y) * pinv(X)),
                domain={X: domains.general(), Y: domains.general()})


@case("linalg", "eigvecs_conjugation_is_not_h", aims="eigvecs: Q^T H Q is the diagonal Lambda, not H itself "
      "(independent of the order and signs each backend picks)")
def _(cid):
    Q_ = eigvecs(S)
    return dict(title="Q^T H Q = H for the eigenvectors Q of a symmetric H", statement=Identity(Q_.T * S * Q_, S),
                domain={S: domains.symmetric()}, sizes=N2)


@case("linalg", "eigvals_nonnegative_symmetric", aims="eigvals: a symmetric matrix that is not PSD has a "
      "negative eigenvalue")
def _(cid):
    return dict(title="the eigenvalues of a symmetric H are >= 0", statement=Property(eigvals(S), "nonnegative"),
                domain={S: domains.symmetric()}, sizes=N2)


@case("linalg", "eigvals_product_is_trace", aims="eigvals: the determinant is the product of the eigenvalues, "
      "not their sum")
def _(cid):
    return dict(title="det H = tr Lambda", statement=Identity(sp.Determinant(S), sp.Trace(eigvals(S))),
                domain={S: domains.symmetric()}, sizes=N2)


@case("domain", "binary_labels_all_zero", aims="binary_labels: the labels sum to more than 0 except for the "
      "all-zero labelling, 1 of the 2^n; the exact path enumerates every labelling")
def _(cid):
    return dict(title="sum of 0/1 labels > 0", statement=Property(total(y, 4), "positive"),
                domain={y: binary_labels()}, sizes={n: (4, 4)})


@case("domain", "binary_labels_as_signs", aims="binary_labels are 0/1, not -1/+1: y_i^2 = 1 fails at every 0 "
      "label")
def _(cid):
    return dict(title="y^T y = n for 0/1 labels", statement=Identity(scalar(y.T * y), n),
                domain={y: binary_labels()}, sizes=N3)


RUN_CASES = [c for c in CASES if c.rejects is None]
LOAD_CASES = [c for c in CASES if c.rejects is not None]
FALSE_RUN_CASES = [c for c in RUN_CASES if c.expect == "fails"]


@dataclass(frozen=True)
class Outcome:
    verdict: str  # a verdict, or "rejected at load" / "not built"
    reason: str
    detail: str = ""


@pytest.fixture(scope="module")
def outcomes(quality_report) -> dict[str, Outcome]:
    built, out = [], {}
    for c in RUN_CASES:
        try:
            built.append(c.make())
        except ClaimDefinitionError as exc:
            out[c.id] = Outcome("rejected at load", str(exc))
        except Exception as exc:  # a Claim field or construct the engine does not support (yet)
            out[c.id] = Outcome("not built", f"{type(exc).__name__}: {exc}")
    start = time.monotonic()
    results = run_claims(built, instances=INSTANCES, symbolic_budget=SYMBOLIC_BUDGET)
    elapsed = time.monotonic() - start
    for r in results:
        detail = (f"symbolic {r.symbolic.status} ({r.symbolic.scope or '-'}; {r.symbolic.reason or 'no reason'}) "
                  f"{r.seconds_symbolic:.1f}s; numeric {r.numeric.status} {r.numeric.message} "
                  f"{r.seconds_numeric:.1f}s")
        out[r.id] = Outcome(r.verdict, r.reason, detail)
    quality_report("red team: verdicts by targeted defect", _summary(out, elapsed, len(built)))
    return out


def _wanted(c: Case) -> str:
    return "refuted" if c.expect == "fails" else "verified"


def _ok(c: Case, o: Outcome) -> bool:
    if o.verdict == "rejected at load":
        return c.either
    return o.verdict == _wanted(c)


def _summary(out: dict, elapsed: float, ran: int) -> list[str]:
    lines = [f"{ran} claims through one run_claims call in {elapsed:.0f} s "
             f"(instances={INSTANCES}, symbolic_budget={SYMBOLIC_BUDGET:g} s)"]
    by_defect: dict[str, list[Case]] = {}
    for c in RUN_CASES:
        by_defect.setdefault(c.defect, []).append(c)
    bad = sum(not _ok(c, out[c.id]) for c in RUN_CASES)
    lines.append(f"{len(RUN_CASES) - bad} as wanted, {bad} not")
    for defect in DEFECT_ORDER:
        cases = by_defect.get(defect, [])
        if not cases:
            continue
        lines.append(f"* {defect}")
        for c in cases:
            o = out[c.id]
            mark = "ok " if _ok(c, o) else "BAD"
            lines.append(f"    {mark} {c.id}: {o.verdict} (want {_wanted(c)}) -- {o.reason[:160]}")
    return lines


def _message(c: Case, o: Outcome) -> str:
    return (f"claim {c.id}: verdict {o.verdict!r}, wanted {_wanted(c)!r}"
            f"{' (or a ClaimDefinitionError at load)' if c.either else ''}\n  targets: {c.defect}\n"
            f"  aims at: {c.aims}\n  reason: {o.reason}\n  {o.detail}")


@pytest.mark.parametrize("c", [c for c in RUN_CASES if c.expect == "fails"], ids=lambda c: c.id)
def test_false_claim_is_refuted(c, outcomes):
    o = outcomes[c.id]
    assert _ok(c, o), _message(c, o)


def test_claim_proved_only_on_a_subfamily_is_not_proved(outcomes):
    # the true control: SymPy proves it only for c = 0; the verdict must say "verified", not "proved"
    c = next(c for c in RUN_CASES if c.id == "redteam.control.subfamily_orthogonality")
    o = outcomes[c.id]
    assert o.verdict == "verified", _message(c, o)


def test_a_property_at_local_minima_of_a_function_without_any_is_an_error():
    """Vacuously true (a^T w has no local minimiser), so not a false claim; what the engine must not do
    is count the searches that did not converge as passing instances."""
    claim = Claim(id="redteam.property.no_local_minimum", title="-1 - |w|^2 >= 0 at a local minimiser of a^T w",
                  source=SOURCE, statement=Property(-1 - scalar(w.T * w), "nonnegative",
                                                    local_min_of=(scalar(v.T * w), w)),
                  domain={v: V(), w: V()}, sizes=N2)
    result = check_claim(claim, instances=16, symbolic_budget=20)
    assert result.verdict == "error" and "did not converge" in result.reason, (result.verdict, result.reason)


def test_a_side_that_overflows_without_inverting_anything_is_not_a_counterexample():
    """verify.undefined counts a one-sided inf only where that side inverts a matrix: log(e^t e^t) = 2t
    is true, and the float overflow of e^t e^t for t > 355 says nothing about it (an error, as before)."""
    big = domains.interval(400.0, 500.0)
    claim = Claim(id="redteam.undefined.overflow_is_not_undefined", title="log(e^t e^t) = 2 t", source=SOURCE,
                  statement=Identity(sp.log(sp.Mul(sp.exp(t), sp.exp(t), evaluate=False)), 2 * t),
                  domain={t: big})
    result = check_claim(claim, instances=8, symbolic_budget=20)
    assert result.verdict == "error" and "non-finite" in result.reason, (result.verdict, result.reason)


def test_both_sides_undefined_is_not_a_counterexample():
    claim = Claim(id="redteam.undefined.both_sides", title="(x x^T)^-1 = (x x^T)^-1 (x x^T) (x x^T)^-1",
                  source=SOURCE, statement=Identity((x * x.T).inv(), (x * x.T).inv() * (x * x.T) * (x * x.T).inv()),
                  domain={x: V()}, sizes=N2)
    result = check_claim(claim, instances=8, symbolic_budget=20)
    assert result.verdict != "refuted", (result.verdict, result.reason)


@pytest.mark.parametrize("c", LOAD_CASES, ids=lambda c: c.id)
def test_ill_posed_claim_is_rejected_at_load(c):
    with pytest.raises(ClaimDefinitionError, match=c.rejects):
        c.make()


def test_commutator_premise():
    """The scope cases rest on (AB - BA)^2 commuting with every C at 2 x 2 and not at 3 x 3."""
    def commutes(size, entries):
        A2, B2, C2 = (sp.Matrix(size, size, e) for e in entries)
        K = (A2 * B2 - B2 * A2) ** 2
        return (K * C2 - C2 * K).applyfunc(sp.expand) == sp.zeros(size, size)

    generic = [sp.symbols(f"{name}:4") for name in "abc"]
    assert commutes(2, generic)
    rng = np.random.default_rng(0)
    assert not commutes(3, [[int(v) for v in rng.integers(-3, 4, 9)] for _ in range(3)])


def _claims_built():
    out = []
    for c in CASES:
        try:
            out.append(c.make())
        except Exception:
            continue
    return out


def test_every_domain_and_kind_is_covered():
    used_domains, used_kinds = set(), set()
    for claim in _claims_built():
        used_domains |= {d.name.split("(")[0] for d in claim.domain.values()}
        used_kinds.add(claim.kind)
    assert set(domains.ALL) <= used_domains, sorted(set(domains.ALL) - used_domains)
    assert {"identity", "gradient", "derivation", "minimiser", "expectation", "property", "algorithmic",
            "shape", "expectation_over"} <= used_kinds


def test_enough_false_claims():
    false_claims = FALSE_RUN_CASES + [c for c in LOAD_CASES if c.expect == "fails"]
    assert len(FALSE_RUN_CASES) >= MIN_FALSE_CLAIMS, len(FALSE_RUN_CASES)
    assert len({c.id for c in false_claims}) == len(false_claims)
    assert all(re.fullmatch(r"redteam\.[a-z_]+\.[a-z0-9_]+", c.id) for c in CASES)
