"""Claims in derivations/probability/bayes.py and derivations/rl.py: the true ones get their verdicts,
and deliberately false variants of them (negative controls) are refuted.

A negative control reuses the claim's own building blocks and breaks exactly one thing (swapped
marginals, an action-dependent baseline, a missing reward factor), so a refutation shows that the
check is sensitive to that part of the statement.

Runtime: every trajectory of the MDP costs a gradient to compile, so by default the two MDP
claims (and the MDP control) run pinned to S = A = 2 (16 trajectories), the same statement at its
smallest sizes; with DLVERIFY_SLOW=1 they also run over their full size ranges.
"""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from derivations import rl
from derivations.probability import bayes as probability
from verify import Claim, Expectation, Grad, Identity, domains

from claimcheck import Checker, assert_verdict
from verify.runner import check_claim

INSTANCES = 32
BUDGET = 30.0
# A control is decided by its numeric counterexample (confirmed in exact arithmetic); the
# symbolic path only adds a second disproof, so a short budget loses nothing.
CONTROL_BUDGET = 5.0
MDP_BUDGET = 20.0
SMALLEST_MDP = {rl.S: (2, 2), rl.A: (2, 2)}




_check = Checker(INSTANCES, BUDGET, CONTROL_BUDGET,
                 budget_of=lambda claim: MDP_BUDGET if claim.expect != "fails" and "S" in claim.sizes else None)


# --- negative controls ----------------------------------------------------------------------------


def _bayes_swapped(sizes):
    k, l = sizes["K"], sizes["L"]
    # prior and evidence exchanged: Pr(B=j | A=i) * Pr(B=j) / Pr(A=i)
    wrong = sp.ImmutableMatrix(k, l, lambda i, j: probability.likelihood(i, j, k, l)
                               * probability.marginal_b(j, k) / probability.marginal_a(i, l))
    return Identity(probability.posterior_by_conditioning(sizes), wrong)


bayes_swapped = Claim(
    id="controls.bayes.swapped_prior_and_evidence",
    title="Bayes' rule with prior and evidence exchanged (false)",
    source="negative control for probability.bayes.rule",
    statement=_bayes_swapped,
    domain=probability.bayes_rule.domain,
    sizes={probability.K: (2, 4), probability.L: (2, 4)},
    expect="fails",
    correction="probability.bayes.rule",
    notes="Pr(A=i) and Pr(B=j) trade places; wrong unless the two marginals happen to agree.",
)


action_baseline = sp.MatrixSymbol("beta", rl.A, 1)  # b(s, a): one value per action


def _baseline_depends_on_action(sizes):
    actions = sizes["A"]
    probs = tuple(rl.bandit_policy(a, actions) for a in range(actions))
    values = tuple(Grad(sp.log(rl.bandit_policy(a, actions)), rl.logits) * action_baseline[a, 0]
                   for a in range(actions))
    return Expectation(probs=probs, values=values, equals=sp.ZeroMatrix(rl.A, 1))


baseline_action_dependent = Claim(
    id="controls.pg.action_dependent_baseline",
    title="An action-dependent baseline keeps the estimator unbiased (false)",
    source="negative control for rl.pg.baseline_unbiased",
    statement=_baseline_depends_on_action,
    domain={rl.logits: domains.general(), action_baseline: domains.general(3.0)},
    sizes={rl.A: (2, 5)},
    symbolic_sizes=({"A": 2},),
    expect="fails",
    correction="rl.pg.baseline_unbiased",
    notes="sum_a b(a) grad pi(a) is not zero unless b is constant in a.",
)


pg_missing_reward = Claim(
    id="controls.pg.missing_reward",
    title="Policy gradient as the expected score without the return (false)",
    source="negative control for rl.pg.log_derivative_trick",
    statement=lambda sizes: rl._log_derivative_trick(sizes, with_reward=False),
    domain=rl.MDP_DOMAIN,
    sizes=SMALLEST_MDP,
    expect="fails",
    correction="rl.pg.log_derivative_trick",
    notes="The last step drops r(tau); the expected score is zero, not grad J.",
)


# --- the claims themselves ------------------------------------------------------------------------


def _pinned(claim):
    return dataclasses.replace(claim, sizes=SMALLEST_MDP)


# (claim, verdicts accepted).  The symbolic path instantiates these at the smallest sizes and
# cancels exactly, so "proved" (entrywise at those sizes) is the expected verdict.  The two MDP
# claims have residuals with 16 trajectories' worth of softmax terms: SymPy proves them in
# 10-25 s when its cheap reducers apply, and may otherwise run out of budget, which leaves the
# numeric path to decide (verified); refuted, inconsistent or error still fail the test.
TRUE_CLAIMS = [
    (probability.bayes_rule, {"proved"}),
    (_pinned(rl.log_derivative_trick), {"proved", "verified"}),
    (_pinned(rl.trajectory_score_decomposition), {"proved", "verified"}),
    (rl.baseline_unbiased, {"proved"}),
]
FULL_RANGE = [rl.log_derivative_trick, rl.trajectory_score_decomposition]

CONTROLS = [bayes_swapped, baseline_action_dependent, pg_missing_reward]


@pytest.mark.parametrize("claim,verdicts", TRUE_CLAIMS, ids=[c.id for c, _ in TRUE_CLAIMS])
def test_true_claim_gets_expected_verdict(claim, verdicts):
    assert_verdict(_check(claim), verdicts)


@pytest.mark.parametrize("claim", CONTROLS, ids=[c.id for c in CONTROLS])
def test_negative_control_is_refuted(claim):
    assert_verdict(_check(claim), "refuted")


@pytest.mark.slow  # compiles 36-trajectory gradients
@pytest.mark.parametrize("claim", FULL_RANGE, ids=[c.id for c in FULL_RANGE])
def test_mdp_claims_over_their_full_size_range(claim):
    # The point here is the numeric path at the larger sizes; the symbolic path works at S = A = 2
    # either way, and may run out of budget on a loaded machine (then the verdict is verified).
    result = check_claim(claim, seed=0, instances=INSTANCES, symbolic_budget=60.0)
    assert result.verdict in {"proved", "verified"}, f"{claim.id}: {result.verdict}: {result.reason}"
    assert result.numeric.status == "passed"
    assert any(s["S"] * s["A"] > 4 for s in result.numeric.sizes)


def test_missing_reward_breaks_the_last_step_only():
    # The first three steps of the chain are untouched, so the break must be named at the last.
    result = _check(pg_missing_reward)
    counterexample = result.numeric.counterexample
    assert counterexample is not None
    assert counterexample.check == "step 2 = step 3"
