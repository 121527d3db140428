"""The two ways a claim can go wrong before any mathematics is checked.

`ClaimDefinitionError` means the claim is written wrongly (an undeclared symbol, an unknown
domain, a bad id): the author must fix the file.  `SelectorError` means a command line asked
for claims that do not exist.  A *false* claim is neither: it is a result (`refuted`).
"""

from __future__ import annotations


class ClaimDefinitionError(ValueError):
    """A claim definition is malformed; the message names the file, the claim and the fix."""

    def __init__(self, message: str, *, claim_id: str | None = None, where: str | None = None):
        self.claim_id = claim_id
        self.where = where
        parts = []
        if where:
            parts.append(where)
        if claim_id:
            parts.append(f"claim {claim_id!r}")
        prefix = ": ".join(parts)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class SelectorError(LookupError):
    """A selector on the command line matched no claim; the message lists close names."""


class EvaluationError(RuntimeError):
    """An expression could not be evaluated (unsupported node, missing symbol value)."""


class ShapeMismatch(EvaluationError):
    """A matrix formula is ill-formed at some sizes (a product or sum of incompatible shapes)."""
