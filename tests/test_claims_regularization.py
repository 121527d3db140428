"""Claims in derivations/regularization.py: the true ones get their verdicts, the errata are
refuted, and deliberately false variants of true claims (negative controls) are refuted.

Each control changes one ingredient of a true claim: the penalty weight halved in the ridge
cost, the sign of lam flipped in the ridge solution, the soft threshold alpha where alpha / h
belongs, a transpose dropped in the last line of the eigenbasis derivation.  Controls are pinned
to one size assignment: they only need one counterexample, and one size means one JAX compile.

Runtime: the default run (controls, the errata, the module's inventory) takes about a minute.
Checking every true claim through `check_claim` takes about three more (each Minimiser or
Property claim spends 10-30 s compiling its numeric checks at three sizes), so those cases run
only with DLVERIFY_SLOW=1.
"""

from __future__ import annotations


import jax
import pytest
import sympy as sp

from derivations import regularization as reg
from verify import Claim, Derivation, Minimiser

from claimcheck import Checker

jax.config.update("jax_enable_x64", True)

INSTANCES = 32
BUDGET = 30.0


_check = Checker(INSTANCES, BUDGET)


def _control(claim_id, title, statement, like, sizes, correction):
    return Claim(id=claim_id, title=title, source=f"negative control for {like.id}", statement=statement,
                 domain=like.domain, sizes=sizes, expect="fails", correction=correction,
                 symbolic_sizes=like.symbolic_sizes, notes="deliberately false variant of a true claim")


# --- negative controls ----------------------------------------------------------------------------

ridge_half_penalty = _control(
    "controls.ridge.half_penalty",
    "Ridge point with the penalty weight halved in the cost (false)",
    Minimiser(f=reg.ridge_cost(reg.lam / 2), wrt=reg.theta, point=reg.ridge_point),
    reg.ridge_closed_form, {reg.m: (4, 4), reg.n: (2, 2)}, reg.ridge_closed_form.id)

ridge_flipped_sign = _control(
    "controls.ridge.flipped_sign",
    "Ridge point with -lam on the diagonal (false)",
    Minimiser(f=reg.ridge_cost(), wrt=reg.theta,
              point=(reg.X.T * reg.X - reg.lam * sp.Identity(reg.n)).inv() * reg.X.T * reg.Y),
    reg.ridge_closed_form, {reg.m: (4, 4), reg.n: (2, 2)}, reg.ridge_closed_form.id)

soft_threshold_wrong_threshold = _control(
    "controls.l1.soft_threshold_alpha",
    "Soft threshold at alpha instead of alpha / h (false)",
    Minimiser(f=reg.l1_objective(), wrt=reg.w,
              point=reg.soft_threshold_point(threshold=reg.alpha * sp.OneMatrix(reg.n, 1)),
              smooth=False, cases=reg.SOFT_THRESHOLD_CASES),
    reg.soft_threshold, {reg.n: (3, 3)}, reg.soft_threshold.id)

eigenbasis_dropped_transpose = _control(
    "controls.quadratic_model.eigenbasis_no_transpose",
    "Eigenbasis form with Q in place of Q^T in the last line (false)",
    Derivation(steps=reg.eigenbasis_steps(last_Qt=reg.Q)),
    reg.eigenbasis_form, {reg.n: (2, 2)}, reg.eigenbasis_form.id)

CONTROLS = [ridge_half_penalty, ridge_flipped_sign, soft_threshold_wrong_threshold, eigenbasis_dropped_transpose]


@pytest.mark.parametrize("claim", CONTROLS, ids=lambda c: c.id)
def test_negative_control_is_refuted(claim):
    r = _check(claim)
    assert r.verdict == "refuted", (r.verdict, r.reason)


def test_dropped_transpose_names_the_last_step():
    r = _check(eigenbasis_dropped_transpose)
    assert r.symbolic.status == "disproved"
    assert r.symbolic.failed_step == 2  # steps 0 -> 1 and 1 -> 2 are untouched


# --- the claims themselves ------------------------------------------------------------------------

ALL = [v for v in vars(reg).values() if isinstance(v, Claim)]
# The Hessian property is evaluated at numerically found minimisers: no symbolic proof exists,
# so the best verdict is `verified`.
EXPECTED = {c.id: ("refuted" if c.expect == "fails" else "proved") for c in ALL}
EXPECTED[reg.hessian_psd.id] = "verified"


def test_module_has_every_assigned_claim():
    assert set(EXPECTED) == {
        "regularization.ridge.closed_form", "regularization.ridge.unpenalized_intercept",
        "regularization.quadratic_model.l2_solution", "regularization.quadratic_model.eigenbasis_form",
        "regularization.quadratic_model.shrinkage_factors", "regularization.quadratic_model.hessian_psd",
        "regularization.quadratic_model.alpha_positive_recovers_wstar",
        "regularization.quadratic_model.alpha_zero_recovers_wstar",
        "regularization.quadratic_model.garbled_rearrangement", "regularization.l1.stationary_sign_error",
        "regularization.l1.stationary_point", "regularization.l1.soft_threshold",
    }
    by_id = {c.id: c for c in ALL}
    for c in ALL:
        if c.expect == "fails":
            assert by_id[c.correction].expect == "holds"


SLOW = pytest.mark.slow  # skipped unless DLVERIFY_SLOW=1 (tests/conftest.py)
FAST = {reg.alpha_positive_recovers_wstar.id, reg.garbled_rearrangement.id}


@pytest.mark.parametrize("claim", [pytest.param(c, marks=() if c.id in FAST else SLOW, id=c.id) for c in ALL])
def test_claim_gets_expected_verdict(claim):
    r = _check(claim)
    assert r.verdict == EXPECTED[claim.id], (r.verdict, r.reason)


def test_garbled_rearrangement_breaks_at_the_duplicated_term():
    r = _check(reg.garbled_rearrangement)
    assert r.symbolic.failed_step == 0  # step 0 -> 1: the line that keeps H w* on both sides
