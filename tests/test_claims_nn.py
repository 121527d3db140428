"""Claims in derivations/nn.py: true claims get their verdicts, the errata are refuted, and
deliberately false variants of the true claims (negative controls) are refuted.

Each control changes one ingredient and keeps the whole tanh / tanh / sigmoid-cross-entropy
network, so a control is caught only if the engine really differentiates through it:
the transpose of dz/dx dropped from the chain rule for grad_x J, tanh' dropped from grad_z J, the sign of
the output delta flipped, and the output delta a - y claimed for sigmoid with squared error
(where it needs the factor a(1 - a)).  Controls are pinned to one size assignment with every
width 2: square W makes the untransposed Jacobian well-formed, so it must be caught by value,
not by shape; one size also means one JAX compile.

Runtime: the default run (controls, inventory and three true claims) takes under a minute.
The other claims take 15-60 s each (compiling gradients of the whole network at three sizes,
and exact confirmation of counterexamples), so they run only with DLVERIFY_SLOW=1.
"""

from __future__ import annotations


import pytest
import sympy as sp

from derivations import nn
from verify import Claim, Grad, Gradient, Jacobian, scalar, sigmoid

from claimcheck import Checker

INSTANCES = 32
BUDGET = 30.0
# The symbolic path tries expand, cancel, rewrite-in-exp and simplify on a nonzero residual
# before it looks for an exact counterexample; through this network that outlasts any budget.
# A control is decided by the numeric counterexample (confirmed exactly), so a short budget
# loses nothing and saves half a minute per control.
CONTROL_BUDGET = 5.0


_check = Checker(INSTANCES, BUDGET)


def _control(claim_id, title, statement, like):
    # Layer k keeps width 2 (a genuine square W); the layers after it shrink to width 1, which
    # keeps the network's two nonlinear stages and the cross-entropy but makes the exact
    # expressions small.
    sizes = {name: ((1, 1) if name in ("n2", "n3") and name in like.sizes and "n1" in like.sizes else (2, 2))
             for name in like.sizes}
    return Claim(id=claim_id, title=title, source=f"negative control for {like.id}", statement=statement,
                 domain=like.domain, sizes=sizes, expect="fails", correction=like.id,
                 symbolic_sizes=({k: v[0] for k, v in sizes.items()},),
                 notes="deliberately false variant of a true claim")


# --- negative controls ----------------------------------------------------------------------------

chain_rule_transpose_dropped = _control(
    "controls.nn.chain_rule_transpose_dropped",
    "grad_x J as (dz/dx) grad_z J, the Jacobian's transpose dropped (false)",
    Gradient(f=nn.J_SINGLE, wrt=nn.x, claimed=Jacobian(nn.PRE, nn.x) * nn.DZ_SINGLE),
    nn.input_gradient)

tanh_prime_dropped = _control(
    "controls.nn.tanh_prime_dropped",
    "grad_z J equal to grad_x J, the tanh' factor omitted (false)",
    Gradient(f=nn.after_activation(nn.z.applyfunc(sp.tanh)), wrt=nn.z,
             claimed=Grad(nn.after_activation(nn.xk), nn.xk, at=nn.z.applyfunc(sp.tanh))),
    nn.activation_jacobian_diagonal)

output_delta_flipped = _control(
    "controls.nn.output_delta_flipped_sign",
    "Output delta y - sigmoid(z) (false)",
    Gradient(f=nn.bce(nn.zo, nn.y), wrt=nn.zo, claimed=nn.y - nn.zo.applyfunc(sigmoid)),
    nn.output_delta)

_residual = nn.zo.applyfunc(sigmoid) - nn.y
output_delta_squared_error = _control(
    "controls.nn.output_delta_squared_error",
    "Output delta a - y for sigmoid outputs with squared error (false)",
    Gradient(f=sp.Rational(1, 2) * scalar(_residual.T * _residual), wrt=nn.zo, claimed=_residual),
    nn.output_delta)

CONTROLS = [chain_rule_transpose_dropped, tanh_prime_dropped, output_delta_flipped, output_delta_squared_error]


@pytest.mark.parametrize("claim", CONTROLS, ids=lambda c: c.id)
def test_negative_control_is_refuted(claim):
    r = _check(claim, CONTROL_BUDGET)
    assert r.verdict == "refuted", (r.verdict, r.reason)
    # every control is well-formed at its size: it must be caught by value, in exact arithmetic
    c = r.numeric.counterexample
    assert c is not None and not c.ill_formed and c.exact_confirmed, c


# --- the claims themselves ------------------------------------------------------------------------

ALL = [v for v in vars(nn).values() if isinstance(v, Claim)]
EXPECTED = {c.id: ("refuted" if c.expect == "fails" else "proved") for c in ALL}


def test_module_has_every_assigned_claim():
    assert set(EXPECTED) == {
        "nn.backprop.activation_jacobian_diagonal", "nn.backprop.weight_gradient_outer",
        "nn.backprop.output_delta",
        "nn.backprop.input_gradient_transpose", "nn.backprop.input_gradient",
        "nn.backprop.weight_gradient_unit_factor", "nn.backprop.bias_gradient",
        "nn.backprop.da_prev_transpose", "nn.backprop.da_prev",
        "nn.backprop.dw_shape", "nn.backprop.dw",
        "nn.backprop.db_sum", "nn.backprop.db",
    }
    by_id = {c.id: c for c in ALL}
    for c in ALL:
        if c.expect == "fails":
            assert by_id[c.correction].expect == "holds"


SLOW = pytest.mark.slow  # skipped unless DLVERIFY_SLOW=1 (tests/conftest.py)
FAST = {nn.output_delta.id, nn.activation_jacobian_diagonal.id, nn.weight_gradient_outer.id}


@pytest.mark.parametrize("claim", [pytest.param(c, marks=() if c.id in FAST else SLOW, id=c.id) for c in ALL])
def test_claim_gets_expected_verdict(claim):
    r = _check(claim)
    assert r.verdict == EXPECTED[claim.id], (r.verdict, r.reason)
