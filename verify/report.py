"""Proof reports: Markdown per claim, an index, and the same in JSON.

Pure functions from results to text; `cli.py` writes the files.  Nothing here depends on time
or on the machine's speed, so the same code and seed give the same bytes.
"""

from __future__ import annotations

import json
import re
from typing import Iterable, NamedTuple

import numpy as np
import sympy as sp

from .claim import DEFAULT_ATOL, DEFAULT_RTOL, Algorithmic, Claim, Expectation, number_text, sizes_text, symbol_shapes
from .conditioning import tolerance_text
from .runner import ClaimResult
from .texprint import CONVENTION, claim_latex, fit
from .texstatement import printer_for, statement_latex
from .trivial import describe, trivially_true
from .sizes import as_records, checked_text, per_dimension_text, plan_text, restriction_lines

SCHEMA_VERSION = 1
LAYOUT = ("Gradients of a scalar have the shape of the variable (denominator layout); the Jacobian of a "
          "k-vector with respect to an n-vector is k x n (numerator layout: row i holds the derivatives of "
          "output i). Vectors are columns.")
MAX_TEX = 2500  # a formula longer than this is replaced by a note saying so (never cut)


class StatementTex(NamedTuple):
    """A claim's statement as the report shows it: the display, a note on the sizes it was built at,
    the "where" lines defining the names it uses, and whether it applies functions entrywise."""

    display: str
    note: str
    where: tuple = ()
    entrywise: bool = False


def tex(expr, names=None) -> str:
    """`expr` as LaTeX (verify.texprint's conventions), or a note when it is too long to show."""
    return fit(claim_latex(expr, names), MAX_TEX)


def statement_tex(claim: Claim) -> StatementTex:
    """The statement at the smallest sizes, printed by verify.texstatement with the claim's `tex_names`."""
    sizes = claim.smallest_sizes()
    st = claim.build(sizes)
    note = ""
    if claim.is_builder:
        note = "The statement depends on the sizes; shown as built at " + sizes_text(sizes) + "."
    printed = statement_latex(st, claim.names_at(sizes))
    body = printed.display
    if isinstance(st, Expectation) and len(body) > MAX_TEX:  # the terms are shown on their own lines' worth
        body = r"\sum_{k=1}^{%d} p_k\, v_k = %s" % (len(st.probs), tex(st.equals))
    return StatementTex(body, note, printed.where, printed.entrywise)


def _display(formula: str) -> list[str]:
    """A `$$` block.  Markdown reads a line starting with `- `, `+ `, `* `, `#`, `>` or `1. ` as a list,
    heading or quote, which ends the paragraph before the closing `$$` and leaves the math
    unrendered: such a formula is wrapped in a group, which TeX sets the same."""
    line = " ".join(formula.split("\n"))
    if re.match(r"[-+*#>]|\d+[.)]", line):
        line = "{" + line + "}"
    return ["$$", line, "$$", ""]


def conclusion_scale_tex(claim: Claim) -> str | None:
    """LaTeX of the scale an Algorithmic claim's conclusion returns as its third element (the
    tolerance of the conclusion is relative to it), or None."""
    st = claim.build(claim.smallest_sizes())
    if not isinstance(st, Algorithmic):
        return None
    nxt = sp.MatrixSymbol(str(st.state.name) + "_next", *st.state.shape)
    parts = st.conclusion(st.state, nxt)
    if len(parts) < 3:
        return None
    return fit(printer_for(st, claim.names_at(claim.smallest_sizes()))._print(parts[2]), MAX_TEX)


def own_tolerance_text(claim: Claim) -> str | None:
    """The claim's own rtol/atol when they differ from the defaults (or it gives a reason), with the
    reason; None for a claim at the default tolerances."""
    reason = claim.tolerance_reason.strip()
    if claim.rtol == DEFAULT_RTOL and claim.atol == DEFAULT_ATOL and not reason:
        return None
    parts = []
    for key, value, default in (("rtol", claim.rtol, DEFAULT_RTOL), ("atol", claim.atol, DEFAULT_ATOL)):
        parts.append(f"{key} = {number_text(value)}" + ("" if value == default else f" (default {number_text(default)})"))
    return ("this claim sets its own tolerance: " + ", ".join(parts)
            + (f"; reason: {' '.join(reason.split())}" if reason else ""))



def _numeric_sizes_text(num) -> str:
    """'at all 4 admissible size assignments: n = 1, 2, 3, 4 (16 instances each)', or which of
    them when they are many."""
    sizes, per_size = tuple(num.sizes), tuple(getattr(num, "per_size", ()))
    if not sizes:
        return "no size assignment"
    listed = checked_text(sizes, per_size if len(per_size) == len(sizes) else ())
    how, planned = getattr(num, "size_plan", ""), getattr(num, "planned_sizes", 0)
    if sizes == ({},):
        return listed
    if how in ("all", "spread"):
        ill = planned - len(sizes)
        return (f"at {plan_text(how, planned, num.admissible_sizes, num.declared_sizes)}"
                + (f" ({ill} of them ill-formed, listed below)" if ill > 0 else "") + f": {listed}")
    if how == "well-formed":
        return f"at a well-formed size assignment (the {planned} planned are ill-formed, listed below): {listed}"
    return f"sizes {listed}"


def _g(x) -> str:
    return "n/a" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.3g}"


def _kappa_text(kappa) -> str:
    if kappa is None:
        return "1 (the formula inverts no matrix)"
    return f"{kappa:.2g} (2-norm, of a matrix the formula inverts)"


def _kappa_json(kappa):
    return "inf" if kappa is not None and np.isinf(kappa) else kappa


def _matrix_text(value) -> str:
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        return f"{float(arr):.6g}"
    rows = arr.reshape(arr.shape[0], -1) if arr.ndim > 1 else arr[None, :]
    return "[" + "; ".join(" ".join(f"{v:.6g}" for v in row) for row in rows) + "]"


def replay_command(result: ClaimResult, claims_path: str | None = None) -> str:
    extra = f" --claims {claims_path}" if claims_path else ""
    return f"dlverify run {result.id} --seed {result.seed} --instances {result.instances}{extra}"


def cached_statement_tex(claim: Claim, store=None) -> StatementTex:
    """`statement_tex(claim)`, kept in the result cache `store` when one is given: printing a
    statement of matrix products takes SymPy up to a quarter of a second, most of a rerun."""
    from .cache import statement_key

    key = statement_key(claim) if store is not None else None
    found = store.get(key) if key is not None else None
    if (isinstance(found, tuple) and len(found) == 4 and isinstance(found[0], str) and isinstance(found[1], str)
            and isinstance(found[2], tuple) and all(isinstance(t, str) for t in found[2])
            and isinstance(found[3], bool)):
        return StatementTex(*found)
    made = statement_tex(claim)
    if key is not None:
        store.put(key, tuple(made))  # a plain tuple: the entry does not depend on this class
    return made


def trivially_true_block(claim: Claim) -> list[str]:
    """A warning block for a claim whose two sides SymPy built as one expression (verify.trivial);
    [] for every other claim."""
    pairs = trivially_true(claim)
    if not pairs:
        return []
    text = "; ".join(describe(p) for p in pairs)
    return [f"> **Warning: trivially true as built.** {text[0].upper() + text[1:]}. The verdict is about that "
            "comparison, not about the notes' statement; see docs/writing-claims.md.", ""]


def claim_markdown(result: ClaimResult, *, claims_path: str | None = None, store=None) -> str:
    """The proof report of `result`; `store` (a ResultCache) keeps the printed statement."""
    c = result.claim
    sym, num = result.symbolic, result.numeric
    body, note, where, entrywise = cached_statement_tex(c, store)
    lines = [f"# {c.title}", "",
             f"`{c.id}` | verdict: **{result.verdict}** | expected: {c.expect} | kind: {c.kind}"
             + (" | **matches expectation**" if result.matches_expectation else " | **DOES NOT MATCH EXPECTATION**"), ""]
    lines += trivially_true_block(c)  # right under the verdict line
    lines += [f"**Source:** {c.source}", ""]
    if c.expect == "fails":
        lines += ["**Erratum.** The notes state this incorrectly; it is encoded as written and must be refuted."
                  + (f" The correction is [`{c.correction}`](../{c.correction.split('.')[0]}/{c.correction}.md)."
                     if c.correction else ""), ""]
    lines += ["## Statement", "", *_display(body)]
    if where:
        lines += ["where", ""]
        for definition in where:
            lines += _display(definition)
    if note:
        lines += [note, ""]
    lines += ["## Conventions and domain", "", f"- {LAYOUT}"]
    if entrywise:
        lines.append(f"- {CONVENTION}")
    sizes = c.smallest_sizes()
    for name, (shape, domain) in sorted(symbol_shapes(c, sizes).items()):
        lines.append(f"- `{name}`: {domain.description}" + (f" (symbolic path: {domain.generic_note})"
                                                             if domain.generic_note else ""))
    checked = tuple(getattr(num, "sizes", ()))
    lines += [f"- {t}" for t in per_dimension_text(checked, c)]
    lines += [f"- {t}" for t in restriction_lines(c)]
    if c.size_rule is not None and c.sizes:
        lines.append("- the claim's size_rule admits only some size assignments"
                     + (f": {num.admissible_sizes} of the {num.declared_sizes} declared"
                        if getattr(num, "admissible_sizes", None) is not None and num.declared_sizes else ""))
    lines.append(f"- tolerance: {tolerance_text(c.atol, c.rtol)}")
    scale = conclusion_scale_tex(c)
    if scale is not None:
        lines.append(f"- tolerance relative to ${scale}$ (the scale the conclusion returns), or to the magnitude of "
                     "the two sides when that is larger")
    own = own_tolerance_text(c)
    if c.notes:
        lines += ["", c.notes.strip()]
    lines += ["", "## Symbolic path (SymPy)", "", f"- result: **{sym.status}**" + (f", scope: {sym.scope}" if sym.scope else "")]
    if sym.reason:
        lines.append(f"- reason: {sym.reason}")
    lines += [f"{i + 1}. {s}" for i, s in enumerate(sym.steps)]
    if sym.counterexample:
        lines += ["", "Exact counterexample from the symbolic path:", "", "| symbol | value |", "|---|---|"]
        lines += [f"| {k} | ${v}$ |" if not k.startswith("size") else f"| {k} | {v} |" for k, v in sym.counterexample]
    lines += ["", "## Numeric path (JAX, float64)", ""]
    if num.status == "error":
        lines.append(f"- result: **error**: {num.message}")
        if own:
            lines.append(f"- {own}")
    else:
        drawn = f" (drawn as for {result.claim.instances_of})" if result.claim.instances_of else ""
        if num.ill_formed and not num.instances:
            result_line = (f"- result: **{num.status}**: the formula is ill-formed at every sampled size assignment "
                           f"(listed below), so no instance could be evaluated{drawn}; seed {result.seed}")
        else:
            result_line = (f"- result: **{num.status}** on {num.instances} instances{drawn}, seed {result.seed}, "
                           + _numeric_sizes_text(num)
                           + ("; the table compares the instances at the well-formed sizes" if num.ill_formed else ""))
        lines += [result_line, f"- tolerance: {num.tolerance}"]
        if own:
            lines.append(f"- {own}")
        lines.append(f"- worst condition number among the instances: {_kappa_text(num.worst_condition)}")
        lines += [f"- {n}" for n in num.notes]
        if num.comparisons:
            lines += ["", "| check | instances | mismatched | max abs error | max rel error |", "|---|---|---|---|---|"]
            lines += [f"| {k.name} | {k.instances} | {k.mismatched} / {k.instances} | {_g(k.max_abs)} | {_g(k.max_rel)} |"
                      for k in num.comparisons]
            if any(k.max_rel != k.max_rel for k in num.comparisons):
                lines += ["", "n/a: no entry is large enough for the relative tolerance to govern (both sides are "
                          "about 0, within the absolute tolerance), so a relative error says nothing there."]
        if num.ill_formed:
            lines += ["", "Ill-formed at sampled sizes:", ""] + [f"- {m}" for m in num.ill_formed]
    cx = getattr(num, "counterexample", None)
    if cx is not None:
        lines += ["", "## Counterexample", "", f"- check: {cx.check}", f"- sizes: {sizes_text(cx.sizes)}"]
        if cx.ill_formed:
            lines.append(f"- {cx.ill_formed}")
        else:
            lines += [f"- `{n}` = {_matrix_text(v)}" for n, v in sorted(cx.values.items())]
            lines += [f"- left side: {_matrix_text(cx.lhs)}", f"- right side: {_matrix_text(cx.rhs)}",
                      f"- max abs error: {_g(cx.abs_err)}"]
        if cx.exact:
            lines.append(f"- exact arithmetic: {cx.exact}")
    lines += ["", "## Verdict", "", f"**{result.verdict}**: {result.reason}.", "",
              "## Replay", "", "```", replay_command(result, claims_path), "```", ""]
    return "\n".join(lines)


def record(result: ClaimResult) -> dict:
    """The machine-readable form of one result (no timings: the bytes depend only on code and seed)."""
    c, sym, num = result.claim, result.symbolic, result.numeric
    cx = getattr(num, "counterexample", None)
    return {
        "id": c.id, "catalog_id": c.catalog_id, "title": c.title, "topic": c.topic, "kind": c.kind, "source": c.source,
        "verdict": result.verdict, "expect": c.expect, "matches_expect": result.matches_expectation,
        "correction": c.correction, "reason": result.reason, "scope": sym.scope if sym.status == "proved" else "",
        "seed": result.seed, "instances": result.instances,
        "symbolic": {"status": sym.status, "scope": sym.scope, "reason": sym.reason, "steps": list(sym.steps),
                     "counterexample": [list(p) for p in sym.counterexample]},
        "numeric": {"status": num.status, "instances": getattr(num, "instances", 0), "message": num.message,
                    "sizes": list(getattr(num, "sizes", ())),
                    "checked_sizes": as_records(getattr(num, "sizes", ()), getattr(num, "per_size", ())),
                    "size_plan": getattr(num, "size_plan", ""),
                    "admissible_sizes": getattr(num, "admissible_sizes", None),
                    "declared_sizes": getattr(num, "declared_sizes", 0),
                    "planned_sizes": getattr(num, "planned_sizes", 0),
                    "size_restrictions": restriction_lines(c),
                    "comparisons": [{"check": k.name, "instances": k.instances, "mismatched": k.mismatched,
                                     "max_abs": k.max_abs, "max_rel": None if k.max_rel != k.max_rel else k.max_rel}
                                    for k in getattr(num, "comparisons", ())],
                    "ill_formed": list(getattr(num, "ill_formed", ())),
                    "worst_condition": _kappa_json(getattr(num, "worst_condition", None)),
                    "rtol": float(c.rtol), "atol": float(c.atol), "tolerance_reason": c.tolerance_reason,
                    "near_kink_excluded": getattr(num, "near_kink", 0)},
        "counterexample": None if cx is None else {
            "check": cx.check, "sizes": cx.sizes, "values": cx.values, "lhs": cx.lhs, "rhs": cx.rhs,
            "abs_err": None if cx.abs_err != cx.abs_err else cx.abs_err, "ill_formed": cx.ill_formed,
            "exact": cx.exact, "exact_confirmed": cx.exact_confirmed},
        "trivially_true": [describe(p) for p in trivially_true(c)],  # the report's warning, one entry per pair
        "report": f"{c.topic}/{c.id}.md",
    }


def results_json(records: Iterable[dict], *, seed: int, instances: int) -> str:
    payload = {"schema": SCHEMA_VERSION, "seed": seed, "instances": instances,
               "claims": sorted(records, key=lambda r: r["id"])}
    return json.dumps(payload, indent=2, sort_keys=True) + "\n"


def _at_sizes(sizes) -> str:
    """' at sizes m = 2, n = 1', or '' for a claim without dimensions."""
    return f" at sizes {sizes_text(sizes)}" if sizes else ""


def index_markdown(records: list[dict], *, companions: Iterable[str] = ()) -> str:
    """The index of a reports folder.  `companions` names the files beside it that it may link to
    ("mutation.md", "seed-sweep.md"): only those, so a user's own folder never links to a file
    that is not there."""
    records = sorted(records, key=lambda r: r["id"])
    companions = set(companions)
    trust = [text for name, text in (("mutation.md", "[mutation testing](mutation.md) (`dlverify mutate all`)"),
                                     ("seed-sweep.md", "the [seed sweep](seed-sweep.md) (`python scripts/seed_sweep.py`)"))
             if name in companions]
    counts = {v: sum(r["verdict"] == v for r in records) for v in ("proved", "verified", "refuted", "inconsistent", "error")}
    mismatched = [r for r in records if not r["matches_expect"]]
    lines = ["# dlverify proof reports", "",
             "Generated by `dlverify run`; do not edit by hand. Each claim links to its proof report."
             + (" How far the checks themselves can be trusted: " + " and ".join(trust) + "." if trust else ""), "",
             "| verdict | claims |", "|---|---|"]
    lines += [f"| {v} | {n} |" for v, n in counts.items()]
    lines += ["", f"{len(records)} claims; {len(records) - len(mismatched)} match their expectation"
              + (f"; **{len(mismatched)} do not**: " + ", ".join(f"`{r['id']}`" for r in mismatched) if mismatched else "")
              + ".", "", "## Claims by topic", ""]
    topics = sorted({r["topic"] for r in records})
    lines += ["Topics: " + ", ".join(f"[{t}](#{t}) ({sum(r['topic'] == t for r in records)})"
                                     for t in topics) + ". The catalog id names the entry of the notes' catalog "
              "a claim encodes; a claim that checks one part, reading or correction of an entry adds a segment "
              "to it.", ""]
    for topic in topics:
        lines += [f"### {topic}", "", "| catalog id | claim | kind | verdict | scope | expected |",
                  "|---|---|---|---|---|---|"]
        for r in (r for r in records if r["topic"] == topic):
            catalog = r.get("catalog_id") or r["id"]
            lines.append(f"| `{catalog}` | [`{r['id']}`]({r['report']}) | {r['kind']} | **{r['verdict']}** | "
                         f"{r['scope'] or '-'} | {r['expect']}{'' if r['matches_expect'] else ' (MISMATCH)'} |")
        lines.append("")
    lines.pop()
    errata = [r for r in records if r["expect"] == "fails"]
    lines += ["", "## Errata", "",
              "Statements the notes get wrong, encoded as written; each is refuted with a counterexample and linked "
              "to a correction that the engine checks too.", ""]
    by_id = {r["id"]: r for r in records}
    for r in errata:
        cx = r["counterexample"] or {}
        if cx.get("ill_formed"):
            evidence = f"ill-formed{_at_sizes(cx.get('sizes'))}: {cx['ill_formed']}"
        elif cx:
            evidence = (f"fails{_at_sizes(cx.get('sizes'))} ({cx.get('check')}, max abs error "
                        f"{_g(cx.get('abs_err'))})")
        else:
            evidence = r["reason"]
        exact = f"; {cx['exact']}" if cx.get("exact") else ""
        corr = r.get("correction")
        corr_text = (f" Correction: [`{corr}`]({by_id[corr]['report']}) is **{by_id[corr]['verdict']}**."
                     if corr in by_id else (f" Correction: `{corr}`." if corr else ""))
        lines.append(f"- [`{r['id']}`]({r['report']}): **{r['verdict']}**. {r['title']}. Evidence: {evidence}{exact}.{corr_text}")
    lines += ["", "## results.json", "",
              "`results.json` holds the same data for machines: `{\"schema\", \"seed\", \"instances\", \"claims\": "
              "[{\"id\", \"verdict\", \"expect\", \"matches_expect\", \"kind\", \"scope\", \"correction\", "
              "\"symbolic\", \"numeric\", \"counterexample\", ...}]}`; `numeric.checked_sizes` lists the size "
              "assignments the numeric path checked, with the instances at each.", ""]
    return "\n".join(lines)
