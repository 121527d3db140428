"""Every built-in claim, through the engine, in the default test run: both paths and the verdict.

One `run_claims` call over the whole registry (one numeric worker; the symbolic queue overlaps
it), with fewer random instances than `dlverify run all` uses: a cheap path that still runs
both checks.  The committed reports are checked separately (test_reports_committed.py); this
file does not read them.
"""

import pytest

from verify.registry import load_registry
from verify.runner import run_claims

CLAIMS = load_registry().claims
INSTANCES = 16


@pytest.fixture(scope="module")
def results():
    return {r.id: r for r in run_claims(list(CLAIMS), seed=0, instances=INSTANCES, symbolic_budget=60)}


@pytest.mark.parametrize("claim_id", [c.id for c in CLAIMS])
def test_verdict_matches_expectation(results, claim_id):
    r = results[claim_id]
    assert r.matches_expectation, (f"{claim_id}: {r.verdict} (expected the claim to {r.claim.expect}): {r.reason}; "
                                   f"replay: dlverify run {claim_id}")


def test_an_erratum_is_refuted_by_both_paths_or_with_a_reason(results):
    # the errata are the point of the tool: each must come with a counterexample on the numeric path
    for r in results.values():
        if r.claim.expect == "fails":
            assert r.numeric.counterexample is not None, (r.id, r.reason)
