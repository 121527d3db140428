"""The two ways a claim can go wrong before any mathematics is checked, and how to explain them.

`ClaimDefinitionError` means the claim is written wrongly (an undeclared symbol, an unknown
domain, a bad id): the author must fix the file.  `SelectorError` means a command line asked
for claims that do not exist.  A *false* claim is neither: it is a result (`refuted`).

Every definition error reads `FILE:LINE: claim 'ID': what is wrong; the fix`, so that an editor
or a CI log can jump to the line.
"""

from __future__ import annotations

import os
import sysconfig


class ClaimDefinitionError(ValueError):
    """A claim definition is malformed; the message names the file, the claim and the fix."""

    def __init__(self, message: str, *, claim_id: str | None = None, where: str | None = None):
        self.message = message
        self.claim_id = claim_id
        self.where = where
        super().__init__(self._text())

    def _text(self) -> str:
        parts = []
        if self.where:
            parts.append(self.where)
        if self.claim_id:
            parts.append(f"claim {self.claim_id!r}")
        prefix = ": ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message

    def locate(self, where: str | None, claim_id: str | None = None) -> ClaimDefinitionError:
        """Fill in the site and the claim when the code that raised could not know them."""
        self.where = self.where or where
        self.claim_id = self.claim_id or claim_id
        self.args = (self._text(),)
        return self


class UnknownDomainError(ClaimDefinitionError, AttributeError):
    """`domains.<name>` for a name that is no domain (an AttributeError, so `hasattr` still works)."""

    def __init__(self, name: str, known: list[str]):
        import difflib

        close = difflib.get_close_matches(name.lower(), known, n=3, cutoff=0.6)
        fix = (f"did you mean {' or '.join(f'domains.{c}()' for c in close)}?" if close
               else "use one of them, or build a Domain (docs/writing-claims.md)")
        super().__init__(f"unknown domain {name!r} (known: {', '.join(known)}); {fix}")
        self.name = name


class ClaimDefinitionWarning(UserWarning):
    """Something in a claim is probably a mistake but does not stop it from being checked."""


class ClaimDefinitionNote(ClaimDefinitionWarning):
    """Something the user should know about a claim that is not a mistake (a domain that rules
    out some size assignments, e.g. full column rank needs rows >= cols); printed as a note."""


class SelectorError(LookupError):
    """A selector on the command line matched no claim; the message lists close names."""


class EvaluationError(RuntimeError):
    """An expression could not be evaluated (unsupported node, missing symbol value)."""


class ShapeMismatch(EvaluationError):
    """A matrix formula is ill-formed at some sizes (a product or sum of incompatible shapes)."""


# --- explaining an exception raised by a user's claim code -------------------------------------

_NOT_USER = tuple(os.path.normcase(os.path.realpath(p)) + os.sep for p in
                  {sysconfig.get_paths()[k] for k in ("stdlib", "purelib", "platlib")}
                  | {os.path.dirname(os.path.abspath(__file__))})


def is_user_file(filename: str) -> bool:
    """Whether a traceback frame is in the user's code (not SymPy, not the standard library,
    not `verify/`)."""
    if filename.startswith("<"):
        return False
    return not os.path.normcase(os.path.realpath(filename)).startswith(_NOT_USER)


def user_frames(tb) -> list:
    """The traceback entries `(frame, lineno)` in the user's code, outermost first."""
    out = []
    while tb is not None:
        if is_user_file(tb.tb_frame.f_code.co_filename):
            out.append((tb.tb_frame, tb.tb_lineno))
        tb = tb.tb_next
    return out


def display_path(filename: str) -> str:
    """A file as messages show it: relative to the working directory when it is inside it."""
    filename = os.path.abspath(filename)
    return os.path.relpath(filename) if filename.startswith(os.getcwd() + os.sep) else filename


def one_line(text: object, limit: int = 240) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe_shape_error(exc: BaseException) -> tuple[str, str]:
    """(what is ill-formed, with the two shapes; the fix) for a SymPy `ShapeError`, read from
    the operands SymPy was combining when it raised (its own message carries no names)."""
    found = _operands(exc.__traceback__)
    if found is None:
        return f"a matrix formula is ill-formed ({one_line(exc)})", "check the dimensions of its factors and terms"
    op, a, b = found
    (p, q), (r, s) = (tuple(int(d) if getattr(d, "is_Integer", False) else d for d in m.shape) for m in (a, b))
    la, lb = _label(a), _label(b)
    named = la is not None and lb is not None
    if named:
        da, db = f"{la} is {p} x {q}", f"{lb} is {r} x {s}"
    else:
        da = f"{la} ({p} x {q})" if la else f"an explicit {p} x {q} matrix"
        db = f"{lb} ({r} x {s})" if lb else f"an explicit {r} x {s} matrix"
    if op == "*":
        head = f"{la}*{lb} is ill-formed" if named else "a matrix product is ill-formed"
        what = f"{head}: {da} and {db} (inner dimensions {q} and {r} differ)"
        if p == r:
            fix = f"write {_t(la)}*{lb}" if named else "transpose the left factor"
        elif q == s:
            fix = f"write {la}*{_t(lb)}" if named else "transpose the right factor"
        elif s == p:
            fix = f"write {lb}*{la}" if named else "swap the two factors"
        else:
            fix = None
        fix = f"{fix} if that was meant, else fix the dimensions" if fix else "fix the dimensions of the two factors"
    else:
        name = "entrywise product" if op == "o" else "sum"
        head = f"the {name} of {la} and {lb} is ill-formed" if named else f"a matrix {name} is ill-formed"
        what = f"{head}: {da} and {db}"
        fix = "transpose one of the two terms" if (p, q) == (s, r) else "give both terms the same shape"
    return what, fix


def _operands(tb):
    frames = []
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for depth, frame in enumerate(reversed(frames)):
        names = frame.f_locals
        code = frame.f_code
        qual = getattr(code, "co_qualname", code.co_name).lower()
        outer = [getattr(f.f_code, "co_qualname", f.f_code.co_name).lower() for f in reversed(frames[:-depth - 1])]
        if _shaped(names.get("A")) and _shaped(names.get("B")) and "matmul" in (qual + " " + " ".join(outer[:1])):
            return "*", names["A"], names["B"]
        if code.co_name == "validate_matadd_integer":
            args = [a for a in names.get("args", ()) if _shaped(a)]
            other = next((a for a in args[1:] if tuple(a.shape) != tuple(args[0].shape)), None)
            if args and other is not None:
                return ("o" if outer and "hadamard" in outer[0] else "+"), args[0], other
        if _shaped(names.get("self")) and _shaped(names.get("other")):
            op = "*" if "mul" in qual else "o" if "hadamard" in qual or "multiply_elementwise" in qual else "+"
            return op, names["self"], names["other"]
    return None


def _shaped(value) -> bool:
    return len(getattr(value, "shape", ()) or ()) == 2


def _label(m) -> str | None:
    """A short name for an operand (`W`, `W.T`, `(A + B)`); None for an explicit matrix or a
    long expression, which are described by their shape only."""
    import sympy as sp

    if isinstance(m, sp.MatrixBase):
        return None
    text = sp.sstr(m)
    if len(text) > 40:
        return None
    return text if isinstance(m, (sp.MatrixSymbol, sp.Transpose, sp.Inverse)) or text.isidentifier() else f"({text})"


def _t(label: str) -> str:
    return label[:-2] if label.endswith(".T") else f"{label}.T"
