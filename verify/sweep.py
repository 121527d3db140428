"""Seed sweeps: run claims under many root seeds and count the verdicts that change.

A verdict should be a property of the claim, not of the random instances drawn for it.  The
sweep runs the numeric path once per seed and combines it with a symbolic result that is
computed once per claim: `verify.symbolic` takes no seed (its exact random instances use the
fixed generator seeds 0 and 1), so repeating it per seed would cost minutes and change
nothing.  The first seed runs through `runner.run_claims`, exactly as `dlverify run` does (the
symbolic path overlapping the numeric one); the other seeds run only the numeric path
(`runner.run_numeric`, on the same isolated workers, `jobs` at a time) and reuse the first
seed's symbolic results with `verdict.combine`.

Pure functions returning frozen results; `scripts/seed_sweep.py` prints and writes them.
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Sequence

from .claim import Claim
from .verdict import combine, matches_expectation

SYMBOLIC_NOTE = ("the symbolic path takes no seed (verify/symbolic.py uses fixed seeds for its exact instances): "
                 "it ran once per claim, with the first seed, and its result is combined with each seed's numeric "
                 "result")


@dataclass(frozen=True)
class SeedOutcome:
    seed: int
    verdict: str
    reason: str
    numeric_status: str
    worst_condition: float | None = None  # None: the formula inverts no matrix
    near_kink: int = 0
    tolerance_used: float = 0.0  # largest |lhs - rhs| / tolerance over the checks and instances


@dataclass(frozen=True)
class ClaimSweep:
    claim: Claim
    symbolic_status: str
    outcomes: tuple[SeedOutcome, ...]

    @property
    def id(self) -> str:
        return self.claim.id

    @property
    def verdicts(self) -> tuple[str, ...]:
        return tuple(o.verdict for o in self.outcomes)

    @property
    def reference(self) -> str:
        """The majority verdict; a tie goes to the verdict of the earliest seed among the tied."""
        counts = Counter(self.verdicts)
        top = max(counts.values())
        return next(v for v in self.verdicts if counts[v] == top)

    @property
    def changes(self) -> int:
        """Seeds whose verdict differs from the reference verdict."""
        return sum(v != self.reference for v in self.verdicts)

    @property
    def changed_seeds(self) -> tuple[int, ...]:
        return tuple(o.seed for o in self.outcomes if o.verdict != self.reference)

    @property
    def all_match_expectation(self) -> bool:
        return all(matches_expectation(v, self.claim.expect) for v in self.verdicts)

    @property
    def worst_condition(self) -> float | None:
        seen = [o.worst_condition for o in self.outcomes if o.worst_condition is not None]
        return max(seen) if seen else None

    @property
    def near_kink(self) -> int:
        return sum(o.near_kink for o in self.outcomes)

    @property
    def closest_call(self) -> float | None:
        """How close the numeric decision came to going the other way, as |lhs - rhs| / tolerance:
        the largest over the seeds where every instance passed (<= 1; near 1 means nearly failed), or
        the smallest per-seed maximum over the seeds with a failing instance (> 1; near 1 means the
        counterexample barely cleared the tolerance).  None when neither applies (ill-formed, error)."""
        passed = [o.tolerance_used for o in self.outcomes if o.numeric_status == "passed"]
        failed = [o.tolerance_used for o in self.outcomes if o.numeric_status == "failed" and o.tolerance_used > 1]
        if self.reference == "refuted" and failed:
            return min(failed)
        if passed:
            return max(passed)
        return min(failed) if failed else None


def parse_seeds(text: str) -> list[int]:
    """'20' -> seeds 0..19; '0,3,7' -> those seeds; '5-9' -> 5..9 (ranges and lists combine)."""
    text = text.strip()
    if text.isdigit():
        count = int(text)
        if count < 1:
            raise ValueError("--seeds N needs N >= 1")
        return list(range(count))
    seeds: list[int] = []
    for part in text.split(","):
        part = part.strip()
        lo, sep, hi = part.partition("-")
        if not lo.isdigit() or (sep and not hi.isdigit()):
            raise ValueError(f"cannot read {part!r} in --seeds: give a count (20), a list (0,3,7) or a range (5-9)")
        seeds.extend(range(int(lo), int(hi) + 1) if sep else [int(lo)])
    if not seeds:
        raise ValueError("--seeds names no seed")
    return list(dict.fromkeys(seeds))


def _outcome(seed: int, verdict: str, reason: str, numeric) -> SeedOutcome:
    return SeedOutcome(seed, verdict, reason, numeric.status, getattr(numeric, "worst_condition", None),
                       getattr(numeric, "near_kink", 0), getattr(numeric, "tolerance_used", 0.0))


def sweep_claims(claims: Sequence[Claim], seeds: Sequence[int], *, instances: int = 64,
                 symbolic_budget: float = 60.0, jobs: int = 1, cache=None,
                 on_seed: Callable[[int, list, float], None] | None = None) -> list[ClaimSweep]:
    """Run `claims` under every seed in `seeds`, `jobs` claims at a time; results in the order of
    `claims`.  With a `cache` (`verify.cache.ResultCache`), stored results of unchanged claims
    are reused, as in `dlverify run`.

    `on_seed(seed, [(claim, SeedOutcome), ...], seconds)` is called after each seed, in order,
    with the seconds since the previous seed was done."""
    from .runner import run_claims, run_numeric

    seeds = list(seeds)
    if not seeds:
        raise ValueError("sweep_claims needs at least one seed")
    claims = list(claims)
    per_claim: dict[str, list[SeedOutcome]] = {c.id: [] for c in claims}
    symbolic: dict[str, object] = {}
    clock = [time.monotonic()]

    def seed_done(seed, done):
        for c, outcome in done:
            per_claim[c.id].append(outcome)
        now = time.monotonic()
        if on_seed:
            on_seed(seed, done, now - clock[0])
        clock[0] = now

    results = run_claims(claims, seed=seeds[0], instances=instances, symbolic_budget=symbolic_budget, jobs=jobs,
                         cache=cache)
    for r in results:
        symbolic[r.claim.id] = r.symbolic
    seed_done(seeds[0], [(r.claim, _outcome(seeds[0], r.verdict, r.reason, r.numeric)) for r in results])
    tasks = [(c, seed) for seed in seeds[1:] for c in claims]
    done: list = []

    def progress(index, numeric):
        claim, seed = tasks[index]
        verdict, reason = combine(symbolic[claim.id], numeric)
        done.append((claim, _outcome(seed, verdict, reason, numeric)))
        if len(done) == len(claims):
            seed_done(seed, list(done))
            done.clear()

    run_numeric(tasks, instances=instances, jobs=jobs, cache=cache, progress=progress)
    return [ClaimSweep(c, symbolic[c.id].status, tuple(per_claim[c.id])) for c in claims]


# --- output ----------------------------------------------------------------------------------------


def _cond_text(kappa: float | None) -> str:
    if kappa is None:
        return "-"
    return "inf" if math.isinf(kappa) else f"{kappa:.2g}"


def _ratio_text(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio:.1e}"


def table_rows(sweeps: Sequence[ClaimSweep]) -> list[tuple[str, ...]]:
    rows = []
    for s in sweeps:
        rows.append((s.id, s.reference, f"{s.changes}/{len(s.outcomes)}",
                     ",".join(map(str, s.changed_seeds)) or "-",
                     "yes" if s.all_match_expectation else "NO", _cond_text(s.worst_condition), str(s.near_kink),
                     _ratio_text(s.closest_call)))
    return rows


HEADER = ("claim", "verdict (majority)", "changes", "changed seeds", "all match expectation",
          "worst condition number", "near-kink instances excluded", "closest call (err/tol)")


def text_table(sweeps: Sequence[ClaimSweep]) -> str:
    rows = [HEADER] + table_rows(sweeps)
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def summary(sweeps: Sequence[ClaimSweep], seeds: Sequence[int]) -> dict:
    changed = [s.id for s in sweeps if s.changes]
    mismatched = [s.id for s in sweeps if not s.all_match_expectation]
    return {"claims": len(sweeps), "seeds": list(seeds), "claims_with_changes": changed,
            "claims_not_matching_expectation": mismatched}


def sweep_json(sweeps: Sequence[ClaimSweep], seeds: Sequence[int], *, instances: int) -> str:
    """Machine-readable sweep (no timings, so the same code and seeds give the same bytes)."""
    payload = {
        "schema": 1, "seeds": list(seeds), "instances": instances, "symbolic": SYMBOLIC_NOTE,
        **{k: v for k, v in summary(sweeps, seeds).items() if k != "seeds"},
        "results": [{
            "id": s.id, "expect": s.claim.expect, "symbolic": s.symbolic_status, "majority": s.reference,
            "changes": s.changes, "changed_seeds": list(s.changed_seeds),
            "all_match_expectation": s.all_match_expectation,
            "worst_condition": None if s.worst_condition is None else
            ("inf" if math.isinf(s.worst_condition) else s.worst_condition),
            "near_kink_excluded": s.near_kink, "closest_call": s.closest_call,
            "per_seed": [{"seed": o.seed, "verdict": o.verdict, "numeric": o.numeric_status,
                          "tolerance_used": o.tolerance_used,
                          "worst_condition": None if o.worst_condition is None else
                          ("inf" if math.isinf(o.worst_condition) else o.worst_condition),
                          "near_kink_excluded": o.near_kink,
                          **({"reason": o.reason} if o.verdict != s.reference else {})} for o in s.outcomes],
        } for s in sweeps],
    }
    return json.dumps(payload, indent=2, sort_keys=True) + "\n"


def sweep_markdown(sweeps: Sequence[ClaimSweep], seeds: Sequence[int], *, instances: int, command: str) -> str:
    info = summary(sweeps, seeds)
    seed_text = (f"{seeds[0]}..{seeds[-1]}" if list(seeds) == list(range(seeds[0], seeds[-1] + 1))
                 else ", ".join(map(str, seeds)))
    lines = ["# Seed sweep", "",
             f"Generated by `{command}`; do not edit by hand.", "",
             (f"{len(sweeps)} claims, {len(seeds)} seeds ({seed_text}), {instances} instances per claim and seed. "
              f"Note: {SYMBOLIC_NOTE}."), ""]
    if info["claims_with_changes"]:
        lines.append(f"**{len(info['claims_with_changes'])} claim(s) change verdict across seeds:** "
                     + ", ".join(f"`{i}`" for i in info["claims_with_changes"]) + ".")
    else:
        lines.append("No claim changes verdict across seeds.")
    if info["claims_not_matching_expectation"]:
        lines.append("")
        lines.append(f"**{len(info['claims_not_matching_expectation'])} claim(s) miss their expectation under some "
                     "seed:** " + ", ".join(f"`{i}`" for i in info["claims_not_matching_expectation"]) + ".")
    lines += ["", "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for row in table_rows(sweeps):
        lines.append("| " + " | ".join([f"`{row[0]}`", *row[1:]]) + " |")
    changed = [s for s in sweeps if s.changes]
    if changed:
        lines += ["", "## Verdicts that differ from the majority", ""]
        for s in changed:
            for o in s.outcomes:
                if o.verdict != s.reference:
                    lines.append(f"- `{s.id}`, seed {o.seed}: **{o.verdict}** ({o.reason})")
    lines += ["", ("Worst condition number: the largest 2-norm condition number of a matrix the formula inverts, "
              "over every instance of every seed (`-`: it inverts none); each instance's relative tolerance grows "
              "with its own (see verify/conditioning.py). Near-kink instances: drawn instances whose kink argument "
              "(of Abs, sign, Max, ...) was within 1e-6 of 0, left out of the decision, summed over the seeds. "
              "Closest call: |lhs - rhs| / tolerance at the instance nearest to flipping the numeric decision: for a "
              "claim that passes, the largest over all seeds (below 1; the closer to 1, the nearer to a flaky "
              "failure); for a refuted claim, the weakest seed's strongest violation (above 1; the closer to 1, the "
              "nearer to a missed counterexample); `-` for ill-formed claims."), ""]
    return "\n".join(lines)
