"""A result cache: a claim whose content has not changed is not checked again.

Two halves:

* **Keys.**  `symbolic_key` / `numeric_key` hash together a kind tag, `engine_fingerprint()` (the
  engine's source and the versions of the libraries it runs on), `claim_fingerprint(claim)` (every
  part of the claim that can change a result) and the run settings (seed, instances, budgets,
  memory limit).  Anything that could change a result changes the key; anything that only changes
  the report (title, notes, where the claim is defined) does not, because reports are re-rendered
  from the claim on every run.  When part of a claim cannot be fingerprinted reliably (an object
  known only by its memory address) the key is None and the caller simply does not cache.

* **Storage.**  `ResultCache` keeps one file per key under `<root>/v1/<key[:2]>/<key>`: a magic
  line, the sha256 of the payload, and the payload pickled by `verify._pickling.dumps` (which keeps
  unevaluated SymPy nodes as built).  Writes go to a temporary file in the same folder and are
  renamed into place, so a reader never sees a half-written entry and two writers of one key
  leave one valid entry.  Anything unreadable is a miss; a cache that cannot be written (read-only
  or full disk) only means no caching.

The cache is trusted like the claim files themselves: entries are pickles, and loading a pickle
can run code, so a cache folder must not come from anyone you would not take claim files from.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import dis
import functools
import hashlib
import importlib.metadata
import os
import pickle
import platform
import re
import struct
import sys
import tempfile
import types
import warnings
from pathlib import Path

import numpy as np
import sympy as sp
from sympy.core.function import UndefinedFunction
from sympy.matrices import MatrixBase

from .claim import Claim

DEFAULT_DIR = ".dlverify_cache"
ENV_DIR = "DLVERIFY_CACHE_DIR"
FORMAT = "v1"
MAGIC = b"dlverify-cache v1\n"
_DIGEST_LENGTH = 64
_KEY = re.compile(r"[0-9a-f]{64}")
_TEMP_PREFIX = ".tmp-"

# Claim fields that only shape the report, never a result.  Each was checked not to be read by the
# symbolic path (verify/symbolic.py and what it calls), the numeric path (verify/numeric.py) or
# verify/verdict.py:confirm_exactly: only verify/report.py, verify/registry.py (loading),
# verify/mutate.py (copying them onto mutants) and runner/sweep's `matches_expectation` read them.
# `_built` is the claim's memo of built statements, derived from `statement` and the sizes.
# Every other field, including any added to Claim later, is fingerprinted.
PRESENTATION_FIELDS = frozenset({"title", "source", "notes", "defined_at", "tolerance_reason", "correction",
                                 "tags", "expect", "tex_names", "catalog"})
DERIVED_FIELDS = frozenset({"_built"})

ENGINE_PACKAGE = "verify"
ENGINE_DISTRIBUTIONS = ("sympy", "jax", "jaxlib", "numpy", "mpmath", "cloudpickle")
NUMERIC_ENVIRONMENT = ("XLA_FLAGS", "JAX_PLATFORMS", "JAX_ENABLE_X64", "JAX_DEFAULT_MATMUL_PRECISION")
# Modules whose objects are fingerprinted by value even if they were installed: the built-in claims
# and user claim files (registry loads them under this prefix) are content, not engine.
_CONTENT_ROOTS = frozenset({"derivations", "dlverify_user_claims", "__main__"})
# Libraries whose objects are known by their qualified name (their versions are in the engine
# fingerprint); anything else installed in site-packages, and the standard library, is treated alike.
_LIBRARY_ROOTS = frozenset({*ENGINE_DISTRIBUTIONS, "scipy", "ml_dtypes", "opt_einsum", "builtins"})

_README = """\
# dlverify result cache

dlverify stores the symbolic and numeric results of claims here, keyed by a hash of each claim's
content, the engine's source and the library versions, so that an unchanged claim is not checked
again.  It is safe to delete this folder at any time (`dlverify` rebuilds it as needed); the
`.gitignore` beside this file keeps it out of git.  Entries are Python pickles: do not use a cache
folder you received from someone else.
"""


# --- the engine --------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """sha256 of the engine's source (every .py file of the `verify` package, in path order), the
    versions of Python and the libraries that compute results, the platform, and the environment
    variables that steer XLA.  Computed once per process: the engine does not change under a
    running check (so compute it after `jaxsetup.configure()`, which may set XLA_FLAGS)."""
    digest = hashlib.sha256(b"dlverify-engine v1\n")
    package = Path(__file__).resolve().parent
    files = sorted(package.rglob("*.py"), key=lambda p: p.relative_to(package).as_posix())
    for path in files:
        data = path.read_bytes()
        digest.update(f"file {path.relative_to(package).as_posix()} {len(data)}\n".encode())
        digest.update(data)
    digest.update(f"python {sys.implementation.name} {tuple(sys.version_info[:3])}\n".encode())
    for name in ENGINE_DISTRIBUTIONS:
        digest.update(f"{name} {_version(name)}\n".encode())
    # where XLA runs and how it compiles can change the numeric path's rounding
    digest.update(f"platform {sys.platform} {platform.machine()}\n".encode())
    for name in NUMERIC_ENVIRONMENT:
        digest.update(f"env {name}={os.environ.get(name)!r}\n".encode())
    return digest.hexdigest()


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


# --- where an object comes from ------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _origin(module: str | None) -> str:
    """Where a module's objects come from: "engine", "library" or "content".

    Engine and library objects are known by their qualified name: the engine fingerprint covers
    their code.  Content (built-in claims, user claim files, functions without a module) is
    fingerprinted by value, so that editing a helper a builder calls changes the key."""
    if not module:
        return "content"
    root = module.partition(".")[0]
    if root in _CONTENT_ROOTS:
        return "content"
    if root == ENGINE_PACKAGE:
        return "engine"
    if root in _LIBRARY_ROOTS or root in sys.stdlib_module_names:
        return "library"
    path = getattr(sys.modules.get(root), "__file__", None) or ""
    installed = any(part in ("site-packages", "dist-packages") for part in Path(path).parts)
    return "library" if installed else "content"


def _qualified(obj) -> str:
    return f"{getattr(obj, '__module__', None)}.{getattr(obj, '__qualname__', getattr(obj, '__name__', '?'))}"


@functools.lru_cache(maxsize=4096)
def _global_names(code: types.CodeType) -> frozenset:
    """Names a code object (and the code nested in it) reads or writes as globals.  From the
    bytecode rather than `co_names`, which also lists attribute names (`x.shape` is no global)."""
    names = {ins.argval for ins in dis.get_instructions(code)
             if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME", "STORE_GLOBAL", "DELETE_GLOBAL", "STORE_NAME",
                               "DELETE_NAME")}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return frozenset(names)


# --- the claim ---------------------------------------------------------------------------------


class Unfingerprintable(Exception):
    """Part of a claim has no content-based description (e.g. an object known only by address)."""


_DUMMY = re.compile(r"dummy_index=(\d+)")
_CODE_CARRIERS = (types.FunctionType, staticmethod, classmethod, property)
_BUILTIN_CALLABLES = (types.BuiltinFunctionType, types.MethodDescriptorType, types.WrapperDescriptorType,
                      types.ClassMethodDescriptorType, types.MethodWrapperType, types.GetSetDescriptorType,
                      types.MemberDescriptorType)


def _canonical(tokens: list) -> bytes:
    """The token stream as bytes, each Dummy's `dummy_index` replaced by the order in which it first
    appears: the global Dummy counter depends on what else the process created before."""
    numbering: dict[int, int] = {}
    out = bytearray()
    for token in tokens:
        if isinstance(token, int):
            out += b"#%d;" % numbering.setdefault(token, len(numbering))
        else:
            out += token
    return bytes(out)


class _Walker:
    """Walks an object graph into a stream of tokens: framed bytes, and ints for Dummy indices
    (renumbered in `_canonical`).  One walker per fingerprint: `active` guards cycles."""

    def __init__(self):
        self.tokens: list = []
        self.active: dict[int, int] = {}  # id of an object being walked -> its depth

    def emit(self, tag: str, text: str | bytes = "") -> None:
        data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
        self.tokens.append(b"%s%d:%s" % (tag.encode(), len(data), data))

    def walk(self, obj) -> None:
        if obj is None or isinstance(obj, (bool, int, float, complex, str, bytes)):
            self._atom(obj)
            return
        key = id(obj)
        if key in self.active:  # a cycle: say how far up it points, which does not depend on addresses
            self.emit("cycle", str(len(self.active) - self.active[key]))
            return
        self.active[key] = len(self.active)
        try:
            self._compound(obj)
        finally:
            del self.active[key]

    # -- atoms and containers

    def _atom(self, obj) -> None:
        if obj is None:
            self.emit("none")
            return
        base = next(t for t in (bool, int, float, complex, str, bytes) if isinstance(obj, t))
        name = base.__name__ if type(obj) is base else _qualified(type(obj))
        self.emit("atom", name)
        self.emit("value", base(obj) if base in (str, bytes) else repr(base(obj)))

    def _sorted(self, items, walk_item) -> None:
        """Walk `items` in the order of their own fingerprints (Dummies numbered locally), so that
        neither insertion order nor PYTHONHASHSEED matters."""
        parts = []
        for item in items:
            saved, self.tokens = self.tokens, []
            walk_item(item)
            parts.append(self.tokens)
            self.tokens = saved
        parts.sort(key=lambda part: hashlib.sha256(_canonical(part)).digest())
        self.emit("items", str(len(parts)))
        for part in parts:
            self.tokens.extend(part)

    def _pair(self, pair) -> None:
        self.walk(pair[0])
        self.walk(pair[1])

    def _container(self, obj) -> None:
        if type(obj) not in (tuple, list, dict, set, frozenset):
            self.walk(type(obj))  # a namedtuple, OrderedDict, ...: its class too
        if isinstance(obj, (tuple, list)):
            self.emit("seq", str(len(obj)))
            for item in obj:
                self.walk(item)
        elif isinstance(obj, collections.abc.Mapping):
            self.emit("map")
            self._sorted(list(obj.items()), self._pair)
        else:
            self.emit("set")
            self._sorted(list(obj), self.walk)

    # -- dispatch

    def _compound(self, obj) -> None:
        if isinstance(obj, type):
            self._class(obj)
        elif isinstance(obj, (sp.Basic, MatrixBase)):
            self._sympy(obj)
        elif isinstance(obj, Claim):
            self._claim(obj)
        elif isinstance(obj, (np.ndarray, np.generic)):
            self._array(np.asarray(obj))
        elif isinstance(obj, (tuple, list, set, frozenset, collections.abc.Mapping)):
            self._container(obj)
        elif isinstance(obj, types.ModuleType):
            self.emit("module", obj.__name__)
        elif isinstance(obj, types.FunctionType):
            self._function(obj)
        elif isinstance(obj, types.CodeType):
            self._code(obj)
        elif isinstance(obj, types.MethodType):
            self.emit("method")
            self.walk(obj.__func__)
            self.walk(obj.__self__)
        elif isinstance(obj, functools.partial):
            self.emit("partial")
            self.walk(obj.func)
            self.walk(obj.args)
            self.walk(obj.keywords)
        elif isinstance(obj, (staticmethod, classmethod)):
            self.emit(type(obj).__name__)
            self.walk(obj.__func__)
        elif isinstance(obj, property):
            self.emit("property")
            for accessor in (obj.fget, obj.fset, obj.fdel):
                self.walk(accessor)
        elif isinstance(obj, _BUILTIN_CALLABLES):
            self._builtin(obj)
        elif isinstance(obj, np.ufunc):
            self.emit("ufunc", obj.__name__)
        elif self._is_named_library_callable(obj):
            self.emit("named", _qualified(obj))
        elif dataclasses.is_dataclass(obj):
            self._dataclass(obj)
        elif _is_library_array(obj):
            self._array(np.asarray(obj))
        elif hasattr(obj, "__dict__") or _slot_names(type(obj)):
            self._attributes(obj)
        else:
            self._repr(obj)

    # -- SymPy, arrays, claims, dataclasses, other objects

    def _sympy(self, expr) -> None:
        """`srepr` shows the structure as built (unevaluated nodes included) and every symbol's
        assumptions; `order="none"` keeps the arguments of sums and products in their stored order
        (by default srepr sorts them, and an unevaluated `Add(x**2, 2*x, 1)` would print like the
        evaluated `1 + 2*x + x**2`, though the numeric path adds in stored order).  Two things srepr
        leaves out are added: the assumptions of undefined functions (`Function('f', real=True)`
        prints as `Function('f')`), and the code of node classes defined in claim files (only their
        names appear)."""
        classes, dummies = _scan(expr)
        pieces = _DUMMY.split(sp.srepr(expr, order="none"))
        if {int(index) for index in pieces[1::2]} != dummies:  # a symbol named "dummy_index=3"?
            raise Unfingerprintable("the Dummy symbols of an expression cannot be told apart from its text")
        self.emit("sympy")
        for i, piece in enumerate(pieces):
            if i % 2:
                self.tokens.append(int(piece))
            else:
                self.emit("text", piece)
        if classes:
            self._sorted(classes, self.walk)

    def _array(self, array: np.ndarray) -> None:
        self.emit("array", f"{array.dtype.str} {array.shape}")
        if array.dtype.hasobject:
            self.walk(array.tolist())
        else:
            self.emit("bytes", np.ascontiguousarray(array).tobytes())

    def _claim(self, claim: Claim) -> None:
        self.walk(type(claim))
        for f in dataclasses.fields(claim):
            if f.name in PRESENTATION_FIELDS or f.name in DERIVED_FIELDS:
                continue
            self.emit("field", f.name)
            self.walk(getattr(claim, f.name))

    def _dataclass(self, obj) -> None:
        _require_visible_state(type(obj))
        self.walk(type(obj))
        for f in dataclasses.fields(obj):
            self.emit("field", f.name)
            self.walk(getattr(obj, f.name))

    def _attributes(self, obj) -> None:
        _require_visible_state(type(obj))
        self.walk(type(obj))
        state = dict(vars(obj)) if hasattr(obj, "__dict__") else {}
        for name in _slot_names(type(obj)):
            try:
                state[name] = getattr(obj, name)
            except AttributeError:  # an unset slot
                continue
        self.emit("attrs", str(len(state)))
        for name in sorted(state):
            self.emit("attr", name)
            self.walk(state[name])

    def _repr(self, obj) -> None:
        text = repr(obj)
        if " at 0x" in text:
            raise Unfingerprintable(f"{_qualified(type(obj))} is known only by its address: {text[:120]}")
        self.emit("repr", f"{_qualified(type(obj))} {text}")

    # -- code

    def _class(self, cls: type) -> None:
        if isinstance(cls, UndefinedFunction):  # sp.Function('f', ...): a class made at run time
            self.emit("undefined-function", cls.__name__)
            self.walk(dict(cls._kwargs))
            self.walk(dict(getattr(cls, "_explicit_class_assumptions", {})))
            self.walk(cls.__dict__.get("_nargs"))
            return
        if _origin(cls.__module__) != "content":
            self.emit("class", _qualified(cls))
            return
        # a class of the claim's own: its methods can change what the claim computes
        self.emit("content-class", cls.__qualname__)
        self.walk(cls.__bases__)
        for name in sorted(cls.__dict__):
            value = cls.__dict__[name]
            if name.startswith("__") and name.endswith("__") and not isinstance(value, _CODE_CARRIERS):
                continue  # __doc__, __module__, __dict__, __weakref__, dataclass bookkeeping
            self.emit("attr", name)
            self.walk(value)

    def _function(self, fn: types.FunctionType) -> None:
        """Library functions by name.  Engine functions (the closures of `domains.positive(lo, hi)`)
        with their code, defaults and closure cells: their source is in the engine fingerprint but
        the values they captured are not.  Content functions also with every global they refer to,
        by value, and without their module name (a claim file's synthetic module name holds a hash
        of its path: moving the file must not invalidate it; the globals carry what the module
        means)."""
        origin = _origin(fn.__module__)
        if origin == "library":
            self.emit("function", _qualified(fn))
            return
        self.emit("function", fn.__qualname__ if origin == "content" else _qualified(fn))
        self._code(fn.__code__)
        self.walk(fn.__defaults__)
        self.walk(fn.__kwdefaults__)
        cells = fn.__closure__ or ()
        self.emit("closure", str(len(cells)))
        for cell in cells:
            try:
                contents = cell.cell_contents
            except ValueError:  # a free variable not yet assigned
                self.emit("empty-cell")
                continue
            self.walk(contents)
        if origin != "content":
            return
        names = sorted(n for n in _global_names(fn.__code__) if n in fn.__globals__)
        self.emit("globals", str(len(names)))
        for name in names:
            self.emit("global", name)
            self.walk(fn.__globals__[name])
        if fn.__dict__:
            self.walk(dict(fn.__dict__))

    def _code(self, code: types.CodeType) -> None:
        """What the code does, not where it is: line numbers, line tables and the file name are
        left out, so that moving a claim down a file keeps its key."""
        self.emit("code", code.co_name)
        self.emit("signature", f"{code.co_argcount} {code.co_posonlyargcount} {code.co_kwonlyargcount} "
                               f"{code.co_flags}")
        for attr in ("co_names", "co_varnames", "co_freevars", "co_cellvars"):
            self.emit(attr, "\0".join(getattr(code, attr)))
        self.emit("bytecode", code.co_code)
        self.emit("exception-table", getattr(code, "co_exceptiontable", b""))
        self.emit("consts", str(len(code.co_consts)))
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                self._code(const)
            else:
                self.walk(const)

    def _builtin(self, obj) -> None:
        self.emit("builtin", f"{getattr(obj, '__module__', None) or type(getattr(obj, '__self__', None)).__module__}."
                             f"{getattr(obj, '__qualname__', getattr(obj, '__name__', '?'))}")
        owner = getattr(obj, "__self__", None)
        if owner is not None and not isinstance(owner, (types.ModuleType, type)):
            self.walk(owner)  # a method bound to an object: the object's state matters

    @staticmethod
    def _is_named_library_callable(obj) -> bool:
        """A library callable known by name (jax.numpy's jitted functions, jax.nn.relu); not an
        instance of a callable class, which has no `__qualname__` of its own."""
        return (callable(obj) and isinstance(getattr(obj, "__qualname__", None), str)
                and _origin(getattr(obj, "__module__", None)) != "content")


def _is_library_array(obj) -> bool:
    """A JAX (or other library) array: its values through `np.asarray`, not its attributes."""
    return _origin(type(obj).__module__) != "content" and all(hasattr(obj, a) for a in ("__array__", "shape", "dtype"))


def _slot_names(cls: type) -> list[str]:
    names = []
    for klass in cls.__mro__:
        slots = klass.__dict__.get("__slots__", ())
        for name in ([slots] if isinstance(slots, str) else slots):
            if name in ("__dict__", "__weakref__"):
                continue
            if name.startswith("__") and not name.endswith("__"):
                name = f"_{klass.__name__.lstrip('_')}{name}"  # private names are mangled
            names.append(name)
    return names


_POINTER = struct.calcsize("P")


@functools.lru_cache(maxsize=None)
def _require_visible_state(cls: type) -> None:
    """Raise `Unfingerprintable` when instances of `cls` keep state outside their `__dict__` and
    slots: a C-level layout larger than the object header, the slots and the dict and weakref
    pointers (`random.Random` keeps its Mersenne Twister state there: walking its `__dict__` alone
    would give every generator the same fingerprint)."""
    visible = object.__basicsize__ + _POINTER * (len(_slot_names(cls)) + 2)
    if cls.__basicsize__ > visible:
        raise Unfingerprintable(f"{_qualified(cls)} instances keep state the fingerprint cannot see "
                                f"({cls.__basicsize__} bytes of C-level layout)")


def _scan(expr) -> tuple[list, set]:
    """(node classes that srepr names without showing them: classes defined in claim files and
    undefined functions; the `dummy_index` of every Dummy) in one pass over `expr`."""
    roots = [expr] if isinstance(expr, sp.Basic) else [e for e in expr if isinstance(e, sp.Basic)]
    classes, dummies = {}, set()
    for root in roots:
        for node in sp.preorder_traversal(root):
            cls = type(node)
            if isinstance(node, sp.Dummy):
                dummies.add(node.dummy_index)
            if cls not in classes and (isinstance(cls, UndefinedFunction) or _origin(cls.__module__) == "content"):
                classes[cls] = None
    return list(classes), dummies


def claim_fingerprint(claim) -> str | None:
    """sha256 of everything in `claim` that can change its symbolic or numeric result (see
    `PRESENTATION_FIELDS` for what is left out); None when some part cannot be fingerprinted
    reliably, and then the caller must not cache."""
    return _fingerprint(claim)[0]


def fingerprint_problem(claim) -> str:
    """Why `claim_fingerprint(claim)` is None ('' when it is not), for a "not cached" note."""
    return _fingerprint(claim)[1]


def _fingerprint(claim) -> tuple[str | None, str]:
    walker = _Walker()
    try:
        walker.walk(claim)
    except Unfingerprintable as exc:
        return None, str(exc)
    except Exception as exc:  # RecursionError, a property that raises, srepr failing: no reliable key
        return None, f"fingerprinting raised {type(exc).__name__}: {exc}"
    return hashlib.sha256(b"dlverify-claim v1\n" + _canonical(walker.tokens)).hexdigest(), ""


# --- keys --------------------------------------------------------------------------------------


def _seconds(value) -> float:
    return float(value)


def _memory(limit) -> float | None:
    return None if limit is None else float(limit)


def _key(kind: str, claim, settings: dict) -> str | None:
    fingerprint = claim_fingerprint(claim)
    if fingerprint is None:
        return None
    lines = [f"dlverify-{kind}-key v1", engine_fingerprint(), fingerprint]
    lines += [f"{name}={value!r}" for name, value in sorted(settings.items())]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def symbolic_key(claim, *, budget: float, memory_limit) -> str | None:
    """The key of the symbolic result of `claim` under these settings (a budget or memory limit
    can turn a proof into `undecided`); None when the claim cannot be fingerprinted."""
    return _key("symbolic", claim, {"budget": _seconds(budget), "memory_limit": _memory(memory_limit)})


def statement_key(claim) -> str | None:
    """The key of the claim's statement as the report prints it (LaTeX at the smallest sizes); it
    depends only on the statement, the claim's `tex_names` (a presentation field, so covered here
    rather than by the claim's fingerprint) and the engine's source, which the key covers."""
    walker = _Walker()
    try:
        walker.walk(getattr(claim, "tex_names", {}))
    except Unfingerprintable:
        return None
    except Exception:  # as in _fingerprint: no reliable key, no caching
        return None
    names = hashlib.sha256(_canonical(walker.tokens)).hexdigest()
    return _key("statement", claim, {"tex_names": names})


def numeric_key(claim, *, seed: int, instances: int, budget: float, memory_limit,
                confirm_seconds: float) -> str | None:
    """The key of the numeric result of `claim` under these settings; None when the claim cannot
    be fingerprinted."""
    return _key("numeric", claim, {"seed": int(seed), "instances": int(instances), "budget": _seconds(budget),
                                   "memory_limit": _memory(memory_limit),
                                   "confirm_seconds": _seconds(confirm_seconds)})


# --- what to store -----------------------------------------------------------------------------

# Reasons the runner gives when it stopped a check's process: they depend on the machine's load at
# the time, not on the claim, so such a result must not stick.
_STOPPED = ("exceeded its budget", "exceeded the memory limit", "ended its process", "ended early",
            "ran out of memory", "of wall time")


def cacheable(result) -> bool:
    """Whether a result may be stored.  Not a symbolic result of a stopped process (budget, memory,
    crash: a busy machine must not make `undecided` permanent), not a numeric `error` (a stopped
    worker, or a message naming a line of the claim file, which moving the claim changes), and not
    a counterexample whose exact confirmation ran out of time."""
    from .exact import SymbolicResult
    from .numeric import NumericResult

    if isinstance(result, NumericResult):
        confirm = result.counterexample.exact if result.counterexample is not None else ""
        return result.status != "error" and not confirm.startswith("not attempted to the end")
    if isinstance(result, SymbolicResult):
        return not (result.status == "undecided" and any(text in result.reason for text in _STOPPED))
    return True


# --- storage -----------------------------------------------------------------------------------


class CacheWarning(UserWarning):
    """The cache could not store an entry; the run goes on without caching it."""


def default_root() -> Path:
    """`$DLVERIFY_CACHE_DIR` if set, else `.dlverify_cache` in the current directory (as pytest
    keeps `.pytest_cache`)."""
    return Path(os.environ.get(ENV_DIR) or DEFAULT_DIR)


def _valid_key(key) -> bool:
    return isinstance(key, str) and _KEY.fullmatch(key) is not None


def _encode(value) -> bytes:
    from ._pickling import dumps

    payload = dumps(value)
    return MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


_CORRUPT = object()


def _decode(data: bytes):
    """The stored value, or `_CORRUPT` for anything but a complete entry of this format."""
    try:
        if not data.startswith(MAGIC):
            return _CORRUPT
        start = len(MAGIC) + _DIGEST_LENGTH + 1
        digest, newline, payload = data[len(MAGIC):start - 1], data[start - 1:start], data[start:]
        if newline != b"\n" or hashlib.sha256(payload).hexdigest().encode() != digest:
            return _CORRUPT
        return pickle.loads(payload)
    except Exception:  # a pickle of a class that no longer exists, or any other damage
        return _CORRUPT


def _write_atomically(path: Path, data: bytes) -> None:
    """Write a temporary file beside `path` and rename it over `path`: readers see the old file
    or the new one, never part of one, and concurrent writers each leave a complete file."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=_TEMP_PREFIX)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def _remove(path: Path) -> bool:
    try:
        path.unlink()
        return True
    except OSError:
        return False


class ResultCache:
    """Results on disk, one file per key (see the module docstring for the format)."""

    def __init__(self, root: Path | str):
        self.root = Path(root)
        self.entries = self.root / FORMAT
        self._prepared = False
        self._warned = False

    def _path(self, key: str) -> Path:
        return self.entries / key[:2] / key

    def get(self, key: str):
        """The stored object, or None on a miss or an entry that is damaged, of another format or
        unreadable (a damaged entry is deleted).  Never raises."""
        if not _valid_key(key):
            return None
        path = self._path(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        value = _decode(data)
        if value is _CORRUPT:
            _remove(path)
            return None
        return value

    def put(self, key: str, value) -> None:
        """Store `value` under `key` atomically.  A failure to pickle or write (read-only or full
        disk) is a warning, once per cache: caching is an optimisation, never a reason to fail.
        A key that is not 64 lower-case hex digits is a caller's bug: ValueError."""
        if not _valid_key(key):
            raise ValueError(f"cache key {key!r} is not a sha256 hex digest")
        try:
            data = _encode(value)
        except Exception as exc:
            self._warn(f"cannot pickle the result for the cache ({type(exc).__name__}: {exc})")
            return
        path = self._path(key)
        try:
            self._prepare()
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(path, data)
        except OSError as exc:
            self._warn(f"cannot write to the result cache {self.root} ({exc.strerror or exc}); results are not cached")

    def _prepare(self) -> None:
        """On first use: a `.gitignore` of `*` (so that no repository commits the cache, as pytest
        does for .pytest_cache) and a README saying it is safe to delete."""
        if self._prepared:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        for name, text in ((".gitignore", "# created by dlverify: the result cache is never committed\n*\n"),
                           ("README.md", _README)):
            if not (self.root / name).exists():
                _write_atomically(self.root / name, text.encode())
        self._prepared = True

    def _warn(self, message: str) -> None:
        if not self._warned:
            self._warned = True
            warnings.warn(message, CacheWarning, stacklevel=3)

    def _files(self) -> list[Path]:
        try:
            return sorted(p for p in self.entries.glob("*/*") if p.is_file())
        except OSError:
            return []

    def clear(self) -> int:
        """Remove every entry (and leftover temporary files); the number of entries removed."""
        removed = sum(_remove(p) and _valid_key(p.name) for p in self._files())
        try:
            folders = list(self.entries.iterdir()) if self.entries.is_dir() else []
        except OSError:
            folders = []
        for folder in folders:
            try:
                folder.rmdir()
            except OSError:
                pass
        return removed

    def stats(self) -> tuple[int, int]:
        """(entries, bytes) on disk."""
        count = size = 0
        for path in self._files():
            if not _valid_key(path.name):
                continue
            try:
                size += path.stat().st_size
            except OSError:
                continue
            count += 1
        return count, size
