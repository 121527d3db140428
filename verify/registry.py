"""Finding claims: the built-in `derivations/` package and a user's own claim files.

Claim files are Python.  Loading one runs it with your rights, exactly as pytest runs a
`conftest.py`: load only files you trust.  A module contributes every `Claim` bound at its top
level (directly or in a list/tuple); there is no global registry to mutate.  No text from a
report, a JSON file or the command line is ever turned into code (tests/test_bad_input.py checks
the source for eval, exec and sympify of strings).

Whatever goes wrong while loading becomes one `ClaimDefinitionError`,
`FILE:LINE: claim 'ID': what is wrong; the fix`: for an exception raised by the file's own code,
the line is the innermost frame in the user's code and the claim is the `Claim(...)` call whose
source spans the line in the claim file (read from its AST: the literal `id=`).
"""

from __future__ import annotations

import ast
import difflib
import fnmatch
import hashlib
import importlib
import importlib.util
import pkgutil
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from sympy.matrices import ShapeError

from . import domains
from ._errors import (
    ClaimDefinitionError,
    SelectorError,
    UnknownDomainError,
    describe_shape_error,
    display_path,
    one_line,
    user_frames,
)
from .claim import Claim


@dataclass(frozen=True)
class Registry:
    claims: tuple[Claim, ...]

    def ids(self) -> list[str]:
        return [c.id for c in self.claims]

    def get(self, claim_id: str) -> Claim:
        for c in self.claims:
            if c.id == claim_id:
                return c
        raise SelectorError(_no_match(claim_id, self.ids()))

    def select(self, selectors: Iterable[str]) -> list[Claim]:
        """Claims matching any selector: `all`, an exact id, a topic prefix (`nn`, `nn.backprop`)
        or a glob (`*.ridge.*`).  An unknown selector raises `SelectorError` with close names."""
        selectors = list(selectors) or ["all"]
        chosen: dict[str, Claim] = {}
        for sel in selectors:
            matched = [c for c in self.claims if _matches(sel, c.id)]
            if not matched:
                raise SelectorError(_no_match(sel, self.ids()))
            for c in matched:
                chosen.setdefault(c.id, c)
        return sorted(chosen.values(), key=lambda c: c.id)


def _matches(selector: str, claim_id: str) -> bool:
    if selector == "all":
        return True
    if any(ch in selector for ch in "*?["):
        return fnmatch.fnmatchcase(claim_id, selector)
    return claim_id == selector or claim_id.startswith(selector + ".")


def _no_match(selector: str, ids: list[str]) -> str:
    # close ids first; topic prefixes (`nn`, `nn.backprop`) only when no id is close
    prefixes = {".".join(i.split(".")[:k]) for i in ids for k in (1, 2)} - set(ids)
    close = (difflib.get_close_matches(selector, sorted(ids), n=5, cutoff=0.6)
             or difflib.get_close_matches(selector, sorted(prefixes), n=5, cutoff=0.5))
    hint = f"; did you mean {', '.join(close)}?" if close else "; run 'dlverify list' to see the ids"
    return f"no claim matches {selector!r}{hint}"


def claims_in_module(module) -> list[Claim]:
    found: list[Claim] = []
    for value in vars(module).values():
        if isinstance(value, Claim):
            found.append(value)
        elif isinstance(value, (list, tuple)) and value and all(isinstance(v, Claim) for v in value):
            found.extend(value)
    unique: dict[int, Claim] = {id(c): c for c in found}
    return list(unique.values())


def builtin_modules() -> list:
    import derivations

    # a topic may be one module (derivations/rl.py) or a package of modules
    # (derivations/linear_algebra/norms.py); names starting with '_' hold helpers, not claims
    names = sorted(m.name for m in pkgutil.walk_packages(derivations.__path__, prefix="derivations.")
                   if not any(part.startswith("_") for part in m.name.split(".")))
    return [importlib.import_module(name) for name in names]


def load_path(path: str | Path) -> list:
    """Import every claim module in a file or folder (files starting with '_' are skipped, so
    that a folder can hold helper modules).  Each file must define at least one claim."""
    path = Path(path)
    if not path.exists():
        raise ClaimDefinitionError(f"{path}: no such file or folder; pass a .py file or a folder of them to --claims")
    if path.is_file() and path.suffix != ".py":
        raise ClaimDefinitionError(f"{path}: claim files are Python modules; rename it to end in .py")
    files = sorted(p for p in path.rglob("*.py") if not p.name.startswith("_")) if path.is_dir() else [path]
    if not files:
        raise ClaimDefinitionError(f"{path}: no claim files in this folder (files ending in .py whose names do not "
                                   "start with '_'); put your claim files there, or pass a file")
    modules = []
    for f in files:
        module = _import_file(f)
        if not claims_in_module(module):
            sys.modules.pop(module.__name__, None)
            raise _no_claims(f, from_folder=path.is_dir())
        modules.append(module)
    return modules


def _module_name(file: Path) -> str:
    # the full path's digest keeps two files with the same name in different folders apart
    resolved = file.resolve()
    stem = "".join(ch if ch.isalnum() else "_" for ch in resolved.stem)
    return f"dlverify_user_claims.{stem}_{hashlib.sha1(str(resolved).encode()).hexdigest()[:10]}"


def _import_file(file: Path):
    name = _module_name(file)
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except (Exception, SystemExit) as exc:
        del sys.modules[name]
        raise _import_failure(file, exc) from None
    return module


def _import_failure(file: Path, exc: BaseException) -> ClaimDefinitionError:
    """`FILE:LINE: claim 'ID': what happened; the fix` for anything a claim file raised."""
    if isinstance(exc, SyntaxError):
        return _syntax_error(file, exc)
    if isinstance(exc, OSError) and exc.__traceback__ is not None and not user_frames(exc.__traceback__):
        return ClaimDefinitionError(f"{file}: cannot read it ({exc.strerror or exc}); check the path and its permissions")
    frames = user_frames(exc.__traceback__)
    inner = frames[-1] if frames else None
    outer = next(((f, n) for f, n in frames if _same_file(f.f_code.co_filename, file)), inner)
    where = f"{display_path(inner[0].f_code.co_filename)}:{inner[1]}" if inner else f"{file}:?"
    site = _claim_at(Path(outer[0].f_code.co_filename), outer[1]) if outer else None
    claim_id = site.claim_id if site else None
    located = site.label if site and not claim_id else ""
    if isinstance(exc, ClaimDefinitionError):  # raised without a site (an unknown domain): add it
        return exc.locate(where, claim_id)
    unknown = _unknown_domain_import(exc)
    if unknown is not None:
        return unknown.locate(where, claim_id)
    if isinstance(exc, ShapeError):
        what, fix = describe_shape_error(exc)
        if site is None:
            users = _claims_using(Path(outer[0].f_code.co_filename), outer[1]) if outer else []
            located = "this line is outside any Claim(...) call" + (f"; {_and(users)} uses its result" if users else "")
        context = f" ({located})" if located else ""
        return ClaimDefinitionError(f"{what}, so SymPy cannot build the formula{context}; {fix}",
                                    claim_id=claim_id, where=where)
    if isinstance(exc, SystemExit):
        return ClaimDefinitionError("the claim file called sys.exit() while it was imported; remove the call "
                                    "(dlverify imports the file and collects its Claim objects)",
                                    claim_id=claim_id, where=where)
    prefix = f"({located}) " if located else ""
    return ClaimDefinitionError(f"{prefix}importing the claim file raised {type(exc).__name__}: {one_line(exc)}; "
                                "fix the Python at this line", claim_id=claim_id, where=where)


def _syntax_error(file: Path, exc: SyntaxError) -> ClaimDefinitionError:
    where = f"{display_path(exc.filename) if exc.filename else file}:{exc.lineno or '?'}"
    text = (exc.text or "").strip()
    shown = f" in `{one_line(text, 100)}`" + (f" (column {exc.offset})" if exc.offset else "") if text else ""
    fix = ("fix the indentation of this line" if isinstance(exc, IndentationError)
           else "fix the Python syntax of this line (or the line before, when a bracket or quote is left open)")
    return ClaimDefinitionError(f"syntax error: {exc.msg}{shown}; {fix}", where=where)


def _unknown_domain_import(exc: BaseException) -> UnknownDomainError | None:
    """`from verify.domains import spdd`: Python turns our AttributeError into a bare ImportError."""
    if isinstance(exc, ImportError) and exc.name == domains.__name__:
        found = re.match(r"cannot import name '(\w+)'", str(exc))
        if found and not found.group(1).startswith("_"):
            return UnknownDomainError(found.group(1), sorted(domains.ALL))
    return None


def _no_claims(file: Path, *, from_folder: bool) -> ClaimDefinitionError:
    calls = [c for c in _claim_calls(file) if not c.top_level]
    if calls:
        hint = (f"the Claim(...) at line {calls[0].line} is not bound at the top level (inside a function, a "
                "dict or a condition?); ")
    else:
        hint = ""
    helper = "; a helper module in a claims folder must have a name starting with '_'" if from_folder else ""
    return ClaimDefinitionError(f"the file defines no claims; {hint}bind each Claim(...) to a name at the top level "
                                f"of the file (quad = Claim(...)) or put the claims in a top-level list{helper}",
                                where=f"{file}:1")


# --- where in a claim file: the Claim(...) call around a line ---------------------------------


@dataclass(frozen=True)
class _ClaimCall:
    line: int
    end_line: int
    claim_id: str | None  # the literal id=, when it is one
    top_level: bool
    node: ast.Call

    @property
    def label(self) -> str:
        return f"claim {self.claim_id!r}" if self.claim_id else f"the Claim(...) at line {self.line}, whose id is not a literal"


def _claim_calls(file: Path) -> list[_ClaimCall]:
    try:
        tree = ast.parse(file.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
        return []
    names = {"Claim"} | {a.asname for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                         for a in node.names if a.name == "Claim" and a.asname}
    top = set()
    for stmt in tree.body:  # bound at the top level: `x = Claim(...)`, `xs = [Claim(...), ...]`
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
            top |= {id(n) for n in ast.walk(stmt.value)}
    calls = []
    for node in ast.walk(tree):
        called = getattr(node, "func", None)
        if isinstance(node, ast.Call) and (getattr(called, "id", None) in names or getattr(called, "attr", None) == "Claim"):
            literal = next((k.value.value for k in node.keywords if k.arg == "id" and isinstance(k.value, ast.Constant)
                            and isinstance(k.value.value, str)), None)
            calls.append(_ClaimCall(node.lineno, node.end_lineno or node.lineno, literal, id(node) in top, node))
    return calls


def _claim_at(file: Path, line: int) -> _ClaimCall | None:
    """The innermost Claim(...) call whose source spans `line`."""
    around = [c for c in _claim_calls(file) if c.line <= line <= c.end_line]
    return max(around, key=lambda c: c.line) if around else None


def _claims_using(file: Path, line: int) -> list[str]:
    """Claims whose Claim(...) call mentions a name assigned by the top-level statement at `line`."""
    try:
        tree = ast.parse(file.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
        return []
    assigned = set()
    for stmt in tree.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.lineno <= line <= (stmt.end_lineno or stmt.lineno):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            assigned |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    users = []
    for call in _claim_calls(file):
        if call.line > line and assigned & {n.id for n in ast.walk(call.node) if isinstance(n, ast.Name)}:
            users.append(call.label)
    return users


def _same_file(a: str, b: Path) -> bool:
    try:
        return Path(a).resolve() == b.resolve()
    except OSError:
        return False


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def build_registry(modules: Iterable) -> Registry:
    """The claims of `modules`; a duplicate id names both definitions, and a `correction=` must
    name a loaded claim."""
    seen: dict[str, tuple[Claim, str]] = {}
    for module in modules:
        for c in claims_in_module(module):
            if c.id in seen and seen[c.id][0] is not c:
                first, first_module = seen[c.id]
                if first.defined_at == c.defined_at:
                    raise c.fail("the claim was created twice (the file ran twice: does another claim file import it? "
                                 "put shared code in a helper module whose name starts with '_')")
                builtin = first_module.startswith("derivations.")
                raise c.fail(f"duplicate id (ids name the report files, so they must be unique): it is already "
                             f"defined at {first.defined_at}" + (" by a built-in claim (--builtin); rename yours"
                                                                 if builtin else "; rename one of them"))
            seen[c.id] = (c, module.__name__)
    claims = tuple(sorted((c for c, _ in seen.values()), key=lambda c: c.id))
    for c in claims:
        if c.correction is not None and c.correction not in seen:
            close = difflib.get_close_matches(c.correction, sorted(set(seen) - {c.id}), n=1, cutoff=0.6)
            guess = f"did you mean {close[0]!r}? " if close else ""
            raise c.fail(f"correction={c.correction!r} names no loaded claim; {guess}fix the id, or load the file "
                         "that defines it (--claims FILE, or --builtin for a built-in claim)")
    return Registry(claims)


def check_picklable(claim: Claim) -> None:
    """Each claim is checked in other processes, so it is pickled (verify._pickling); a claim that
    cannot be is refused here, at load, with the fix, rather than as an `error` after the run."""
    from ._pickling import dumps

    try:
        dumps(claim)
    except Exception as exc:  # cloudpickle raises TypeError, PicklingError, AttributeError, ...
        raise claim.fail(
            f"the claim cannot be sent to dlverify's worker processes ({type(exc).__name__}: {exc}). Each claim is "
            "checked in a separate process and sent there with cloudpickle, so its statement, builder, helpers and "
            "every module-level object they use must be picklable; create objects such as locks, open files, "
            "database connections or generators inside the builder, or leave them out of the claim") from None


def load_registry(claim_paths: Iterable[str | Path] = (), *, builtin: bool = True) -> Registry:
    modules = builtin_modules() if builtin else []
    user = []
    for p in claim_paths:
        user.extend(load_path(p))
    registry = build_registry(modules + user)
    for module in user:  # the built-in claims are pickled by reference and checked by the tests
        for c in claims_in_module(module):
            check_picklable(c)
    return registry
