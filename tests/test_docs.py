"""The claim-writing guide keeps up with the code: every Claim field and every function the
backends evaluate is documented (a new field or function without its line fails here)."""

import dataclasses
import re
from pathlib import Path

from verify.claim import Claim
from verify.evaluate import EXACT, jax_backend

GUIDE = (Path(__file__).parent.parent / "docs" / "writing-claims.md").read_text()


def _section(title: str) -> str:
    start = GUIDE.index(f"## {title}")
    end = GUIDE.find("\n## ", start + 1)
    return GUIDE[start:end if end > 0 else None]


def test_every_claim_field_has_a_row_in_the_guide():
    table = _section("Every `Claim` field")
    documented = set()
    for row in re.findall(r"^\| (`[^|]*`) \|", table, flags=re.M):
        documented |= set(re.findall(r"`([a-z_]+)`", row))
    fields = {f.name for f in dataclasses.fields(Claim) if not f.name.startswith("_")} - {"defined_at"}
    assert fields - documented == set(), f"Claim fields missing from docs/writing-claims.md: {fields - documented}"
    assert documented - fields == set(), f"documented fields that Claim does not have: {documented - fields}"
    assert "`defined_at`" in table


def test_every_function_the_backends_evaluate_is_listed_and_both_backends_agree():
    listed = _section("The functions and nodes both paths evaluate")
    exact = set(EXACT.functions)
    assert exact == set(jax_backend().functions), "the exact and JAX backends evaluate different functions"
    for fn in exact:
        name = fn.__name__
        assert re.search(rf"`(sp\.)?{name}(\(|`)", listed), f"{name} is evaluated but not listed in the guide"


def test_the_guide_examples_for_conditions_existence_limits_and_orders_run_verbatim(tmp_path):
    """The python blocks of that section, loaded as one claim file and checked: every claim holds."""
    from verify.registry import claims_in_module, load_path
    from verify.runner import run_claims

    blocks = re.findall(r"```python\n(.*?)```", _section("Conditions, existence, limits and orders"), flags=re.S)
    assert len(blocks) >= 3
    file = tmp_path / "guide_logic.py"
    file.write_text("\n".join(blocks))
    claims = [c for module in load_path(file) for c in claims_in_module(module)]
    kinds = {c.kind for c in claims}
    assert {"existence", "equivalence", "order", "limit"} <= kinds, kinds
    for r in run_claims(claims, instances=8, symbolic_budget=30):
        assert r.verdict == "proved", (r.id, r.verdict, r.reason)


def test_expectation_examples_in_the_guide_run_verbatim():
    """The ```python blocks of "Expectations under distributions", run as one claim file: each
    claim gets a verdict matching its expectation, and the sigmoid example is only `verified`."""
    import types

    from verify.claim import Claim as ClaimType
    from verify.runner import run_claims

    section = _section("Expectations under distributions")
    code = "\n".join(re.findall(r"```python\n(.*?)```", section, flags=re.S))
    module = types.ModuleType("guide_expectations")
    exec(compile(code, "docs/writing-claims.md", "exec"), module.__dict__)  # the guide's own code
    claims = [v for v in vars(module).values() if isinstance(v, ClaimType)]
    assert len(claims) == 4
    results = {r.id: r for r in run_claims(claims, seed=0, instances=16, symbolic_budget=40)}
    for r in results.values():
        assert r.matches_expectation, (r.id, r.verdict, r.reason)
    assert results["mynotes.sigmoid.symmetric_mean"].verdict == "verified"
    assert results["mynotes.normal.variance"].verdict == "proved"
