"""Finding claims: the built-in `derivations/` package and a user's own claim files.

Claim files are Python.  Loading one runs it with your rights, exactly as pytest runs a
`conftest.py`: load only files you trust.  A module contributes every `Claim` bound at its top
level (directly or in a list/tuple); there is no global registry to mutate.  No text from a
report, a JSON file or the command line is ever turned into code.
"""

from __future__ import annotations

import difflib
import fnmatch
import importlib
import importlib.util
import pkgutil
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ._errors import ClaimDefinitionError, SelectorError
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
    pool = set(ids) | {".".join(i.split(".")[:k]) for i in ids for k in (1, 2)}
    close = difflib.get_close_matches(selector, sorted(pool), n=5, cutoff=0.5)
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

    names = sorted(m.name for m in pkgutil.iter_modules(derivations.__path__) if not m.name.startswith("_"))
    return [importlib.import_module(f"derivations.{name}") for name in names]


def load_path(path: str | Path) -> list:
    """Import every claim module in a file or folder (files starting with '_' are skipped)."""
    path = Path(path)
    if not path.exists():
        raise ClaimDefinitionError(f"{path}: no such file or folder; pass a .py file or a folder of them to --claims")
    files = sorted(p for p in path.rglob("*.py") if not p.name.startswith("_")) if path.is_dir() else [path]
    if path.is_file() and path.suffix != ".py":
        raise ClaimDefinitionError(f"{path}: claim files are Python modules; rename it to end in .py")
    return [_import_file(f) for f in files]


def _import_file(file: Path):
    name = "dlverify_user_claims." + "_".join(file.resolve().with_suffix("").parts[-3:]).replace("-", "_")
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except ClaimDefinitionError:
        del sys.modules[name]
        raise
    except SyntaxError as exc:
        del sys.modules[name]
        raise ClaimDefinitionError(f"{file}:{exc.lineno}: syntax error: {exc.msg}; fix the Python syntax") from None
    except Exception as exc:
        del sys.modules[name]
        tb = traceback.extract_tb(exc.__traceback__)
        line = next((f.lineno for f in reversed(tb) if Path(f.filename).resolve() == file.resolve()), "?")
        raise ClaimDefinitionError(f"{file}:{line}: importing the claim file raised {type(exc).__name__}: {exc}") from None
    return module


def build_registry(modules: Iterable) -> Registry:
    seen: dict[str, Claim] = {}
    for module in modules:
        for c in claims_in_module(module):
            if c.id in seen and seen[c.id] is not c:
                raise ClaimDefinitionError(
                    f"duplicate claim id {c.id!r}: defined at {seen[c.id].defined_at} and at {c.defined_at}; "
                    "rename one of them")
            seen[c.id] = c
    claims = tuple(sorted(seen.values(), key=lambda c: c.id))
    for c in claims:
        if c.correction is not None and c.correction not in seen:
            raise c.fail(f"correction={c.correction!r} names no registered claim")
    return Registry(claims)


def load_registry(claim_paths: Iterable[str | Path] = (), *, builtin: bool = True) -> Registry:
    modules = builtin_modules() if builtin else []
    for p in claim_paths:
        modules.extend(load_path(p))
    return build_registry(modules)
