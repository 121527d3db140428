"""Statements that are true as built: the two things a claim compares are one SymPy expression.

SymPy canonicalises while it builds: `x + y` and `y + x` are the same `Add`, `(B.T * A.T).T` is
built as `A * B`, and `(P / r) * r` cancels to `P` before any check runs.  A claim whose two sides
come out structurally identical (`==`, SymPy's structural equality) is still checked, and it
passes, but the check compares a formula with itself: it proves nothing about the statement as
the notes write it, which SymPy (or the encoding) has already made trivial.  The same holds when
the same formula is simply written twice.  This module finds such pairs so that loading the claim
can warn (`verify.claim.validate`) and its report can say so next to the verdict.

What is compared, by kind: an `Identity`'s two sides; a `Gradient`'s derivative node and its
claimed derivative (the same only when the claim is the derivative node itself); each pair of
consecutive `Derivation` steps; a `Minimiser`'s point and its independent reference; an
`Expectation`'s sum and its claimed value; an `Algorithmic` conclusion's two sides.  Properties
and shapes compare nothing.  A statement built per size (a builder) is looked at at every size
the engine builds it at before any check: the lower ends of `sizes=`, the smallest admissible
sizes and `symbolic_sizes` (a builder may collapse at one size and not at another; the symbolic
proof is made at the symbolic sizes).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp


@dataclass(frozen=True)
class SameSides:
    """Two things a claim compares that SymPy built as one expression."""

    sides: str  # which two: "the left and right sides", "steps 0 and 1", ...
    expression: str  # the shared expression, shortened
    sizes: tuple = ()  # for a builder: the size assignments (sorted (name, size) tuples) where it happens


def _pairs(statement) -> list[tuple[str, object, object]]:
    kind = getattr(statement, "kind", None)
    if kind == "identity":
        return [("the left and right sides", statement.lhs, statement.rhs)]
    if kind == "gradient":
        return [("the derivative and the claimed derivative", statement.derivative(), statement.claimed)]
    if kind == "derivation":
        steps = list(statement.steps)
        return [(f"steps {i} and {i + 1}", a, b) for i, (a, b) in enumerate(zip(steps, steps[1:]))]
    if kind == "minimiser" and statement.reference is not None:
        return [("the point and the independent reference", statement.point, statement.reference)]
    if kind == "expectation":
        return [("the expectation and the claimed value", statement.mean(), statement.equals)]
    if kind == "algorithmic":
        nxt = sp.MatrixSymbol(str(statement.state.name) + "_next", *statement.state.shape)
        try:
            parts = statement.conclusion(statement.state, nxt)
        except Exception:  # noqa: BLE001 - validation reports a conclusion that raises
            return []
        return [("the two sides of the conclusion", parts[0], parts[1])]
    return []


def _identical(a, b) -> bool:
    try:
        a = a if isinstance(a, sp.Basic) else sp.sympify(a, strict=True)
        b = b if isinstance(b, sp.Basic) else sp.sympify(b, strict=True)
    except (sp.SympifyError, TypeError):
        return False
    return a == b


def _short(expr, limit: int = 80) -> str:
    text = sp.sstr(expr)
    if len(text) <= limit:
        return text
    shape = getattr(expr, "shape", None) if getattr(expr, "is_Matrix", False) else None
    of = f" of shape {shape[0]} x {shape[1]}" if shape else ""
    return f"<{type(expr).__name__}{of}, {len(text)} characters>"


def same_sides(statement) -> list[SameSides]:
    """The pairs of a built statement that are one SymPy expression."""
    return [SameSides(label, _short(a)) for label, a, b in _pairs(statement) if _identical(a, b)]


def _build_sizes(claim) -> list[dict]:
    """The size assignments at which the engine builds a builder's statement before checking it."""
    out: list[dict] = []
    for sizes in ({name: lo for name, (lo, hi) in claim.sizes.items()}, claim.smallest_sizes(),
                  *[dict(s) for s in claim.symbolic_sizes]):
        if sizes not in out:
            out.append(dict(sizes))
    return out


def trivially_true(claim) -> list[SameSides]:
    """Every pair of the claim's statement that SymPy built as one expression (for a builder, at
    each size it is built at; a pair found at several sizes is listed once, with all of them)."""
    if not claim.is_builder:
        return same_sides(claim.statement)
    found: dict[str, SameSides] = {}
    for sizes in _build_sizes(claim):
        for pair in same_sides(claim.build(sizes)):
            key = tuple(sorted(sizes.items()))
            seen = found.get(pair.sides)
            found[pair.sides] = SameSides(pair.sides, seen.expression if seen else pair.expression,
                                          (seen.sizes if seen else ()) + (key,))
    return list(found.values())


def _sizes_text(sizes: tuple) -> str:
    return "; ".join(", ".join(f"{k} = {v}" for k, v in s) or "no dimensions" for s in sizes)


WHY = ("SymPy's automatic canonicalisation made them one (or the same formula is written twice), so the check "
       "compares a formula with itself and proves nothing about the statement in the notes")
FIX = ("if the notes mean more than that, build the two independently: with evaluate=False (sp.Mul(a, b, "
       "evaluate=False); likewise sp.Add, sp.MatMul, sp.MatAdd), sp.Transpose(M) instead of M.T, or from separately "
       "formed parts")


def describe(pair: SameSides) -> str:
    """One sentence: which two, the expression, where (for a builder) and why it matters."""
    where = f" at sizes {_sizes_text(pair.sizes)}" if pair.sizes else ""
    return f"{pair.sides} are the same SymPy expression as built{where} (`{pair.expression}`): {WHY}"


def warning_text(pairs: list[SameSides]) -> str:
    """The load-time warning (without the FILE:LINE and claim prefix)."""
    return "trivially true as built: " + "; ".join(describe(p) for p in pairs) + f"; {FIX}"
