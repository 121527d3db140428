"""Claims and the kinds of statement they make.

A `Claim` is a frozen record: an id, where it comes from in the notes, a statement (one of the
small frozen statement types below, or a function of the sizes that builds one), the domain of
every free symbol, the ranges of the dimension symbols, and what we expect (`holds`, or `fails`
for a statement the notes get wrong, with `correction=` naming the claim that states it right).

Everything is validated when the claim is built, so a malformed claim fails at import time with
a `ClaimDefinitionError` naming its file, line, id and the fix.
"""

from __future__ import annotations

import inspect
import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import sympy as sp

from ._errors import ClaimDefinitionError
from .domains import Domain
from .nodes import Grad, Jacobian

# --- statement kinds --------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """`lhs == rhs` for every member of the domain (scalars, vectors or matrices)."""

    lhs: Any
    rhs: Any
    kind = "identity"


@dataclass(frozen=True)
class Gradient:
    """`d f / d wrt == claimed`: a gradient (shape of `wrt`) or, for a vector `f`, a Jacobian."""

    f: Any
    wrt: sp.MatrixSymbol
    claimed: Any
    kind = "gradient"

    def derivative(self):
        if getattr(self.f, "shape", (1, 1)) == (1, 1):
            return Grad(self.f, self.wrt)
        return Jacobian(self.f, self.wrt)


@dataclass(frozen=True)
class Derivation:
    """A chain `steps[0] == steps[1] == ... == steps[k]`, each adjacent pair checked on its own."""

    steps: tuple
    reasons: tuple = ()
    kind = "derivation"


@dataclass(frozen=True)
class Minimiser:
    """`point` minimises `f` over `wrt`.

    Smooth `f`: the gradient vanishes at `point` (symbolic and autodiff), and no perturbation
    or independent solver finds a lower value.  Non-smooth `f` (`smooth=False`, terms
    `c * Abs(w_i)`): the subgradient condition holds, checked case by case on the symbolic path
    over `cases` (a tuple of `(description, substitution)` covering the domain), and the
    perturbation and solver checks on the numeric path.  `reference`, when given, is an
    independent closed form of the minimiser that must agree with `point`.
    """

    f: Any
    wrt: sp.MatrixSymbol
    point: Any
    smooth: bool = True
    reference: Any = None
    cases: tuple = ()
    kind = "minimiser"


@dataclass(frozen=True)
class Expectation:
    """`sum_k probs[k] * values[k] == equals`: an expectation over a finite support, exactly."""

    probs: tuple
    values: tuple
    equals: Any
    kind = "expectation"

    def mean(self):
        terms = [p * v for p, v in zip(self.probs, self.values)]
        return sp.Add(*terms) if not getattr(terms[0], "is_Matrix", False) else sp.MatAdd(*terms)


@dataclass(frozen=True)
class Property:
    """A structural fact: `expr` is `psd`, `nonnegative` or `positive` on the whole domain.

    With `local_min_of=(f, x)`, `expr` is evaluated at a local minimiser of `f` over `x` that the
    engine finds from each random instance (damped Newton steps with JAX autodiff).
    """

    expr: Any
    relation: str = "nonnegative"
    local_min_of: tuple | None = None
    kind = "property"


@dataclass(frozen=True)
class Algorithmic:
    """A fact about an update rule, checked by running it.

    The state `state` is updated to `update` (an expression in `state` and the step symbol
    `step`).  `step_rule` is `"exact_line_search"` (the step minimises `cost` along the update;
    numerically a JAX line search, symbolically `solve` of the first-order condition) or an
    explicit expression.  After every step the `conclusion(state, next_state)` identity
    `(lhs, rhs)` must hold.  `symbolic_restriction` substitutes symbols on the symbolic path only
    (e.g. a sub-family where the line search has a closed form), and the report says so.
    """

    cost: Any
    state: sp.MatrixSymbol
    step: sp.Symbol
    update: Any
    conclusion: Callable[[Any, Any], tuple]
    step_rule: Any = "exact_line_search"
    iterations: int = 5
    symbolic_restriction: Mapping = field(default_factory=dict)
    kind = "algorithmic"


@dataclass(frozen=True)
class Shape:
    """The matrix formula `expr` is well-formed (and has shape `expected`, if given)."""

    expr: Any
    expected: tuple | None = None
    kind = "shape"


STATEMENT_KINDS = (Identity, Gradient, Derivation, Minimiser, Expectation, Property, Algorithmic, Shape)


def sides(statement) -> list:
    """Every SymPy expression a statement mentions (used for symbol and shape validation)."""
    if isinstance(statement, Identity):
        return [statement.lhs, statement.rhs]
    if isinstance(statement, Gradient):
        return [statement.f, statement.wrt, statement.claimed]
    if isinstance(statement, Derivation):
        return list(statement.steps)
    if isinstance(statement, Minimiser):
        extra = [statement.reference] if statement.reference is not None else []
        return [statement.f, statement.wrt, statement.point, *extra]
    if isinstance(statement, Expectation):
        return [*statement.probs, *statement.values, statement.equals]
    if isinstance(statement, Property):
        extra = list(statement.local_min_of) if statement.local_min_of else []
        return [statement.expr, *extra]
    if isinstance(statement, Algorithmic):
        return [statement.cost, statement.state, statement.update]
    if isinstance(statement, Shape):
        return [statement.expr]
    raise TypeError(f"not a statement: {statement!r}")


# --- claims -----------------------------------------------------------------------------------

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
EXPECT = ("holds", "fails")


@dataclass(frozen=True)
class Claim:
    """One checkable statement from the notes.

    Args:
      id: dotted slug, e.g. ``regularization.ridge.closed_form``; the first segment is the topic.
      title: one line.
      source: seed file name and section, e.g. ``003_ca8f127fce5a905b.txt, page 3``.
      statement: a statement object, or ``build(sizes) -> statement`` for statements whose
        structure depends on the sizes (a network with n layers, all trajectories of an MDP).
      domain: the domain of every free symbol, keyed by the symbol or its name.
      sizes: ``{dimension symbol: (lo, hi)}`` inclusive ranges for random sizes.
      expect: ``"holds"`` or ``"fails"`` (an erratum: the engine must refute it).
      correction: for ``expect="fails"``, the id of the claim that states it correctly.
      notes: conventions, conditions and anything a reader needs to audit the encoding.
      symbolic_sizes: the sizes at which the symbolic path instantiates matrices
        (default: the smallest admissible sizes, at least 2 where the range allows).
      size_rule: extra condition on a size assignment, e.g. ``lambda s: s["m"] > s["n"]``.
      about_kink: ``True`` when the claim is about the kink of a non-smooth function (``Abs``,
        ``sign``, ``Max``, ...): its numeric instances are then kept even where a kink argument is
        (nearly) 0.  By default such instances are excluded from the decision and counted.
    """

    id: str
    title: str
    source: str
    statement: Any
    domain: Mapping[Any, Domain]
    sizes: Mapping[Any, tuple] = field(default_factory=dict)
    expect: str = "holds"
    correction: str | None = None
    notes: str = ""
    tags: tuple = ()
    rtol: float = 1e-8
    atol: float = 1e-10
    symbolic_sizes: tuple = ()
    size_rule: Callable[[dict], bool] | None = None
    about_kink: bool = False
    defined_at: str = ""
    _built: dict = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self):
        if not self.defined_at:
            object.__setattr__(self, "defined_at", _caller_site())
        object.__setattr__(self, "domain", {_name(k): v for k, v in dict(self.domain).items()})
        object.__setattr__(self, "sizes", {_name(k): tuple(v) for k, v in dict(self.sizes).items()})
        object.__setattr__(self, "tags", tuple(self.tags))
        validate(self)

    @property
    def is_builder(self) -> bool:
        """Whether the statement is built per size assignment (a function of the sizes)."""
        return callable(self.statement) and not isinstance(self.statement, STATEMENT_KINDS)

    @property
    def topic(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def kind(self) -> str:
        return self.build(self.smallest_sizes()).kind

    def build(self, sizes: Mapping[str, int]):
        """The statement at concrete sizes (the dimension symbols keep their names)."""
        if not self.is_builder:
            return self.statement
        key = tuple(sorted(sizes.items()))
        if key not in self._built:  # builders index MatrixSymbols entry by entry: slow in SymPy, so build once
            self._built[key] = self.statement(dict(sizes))
        return self._built[key]

    def smallest_sizes(self) -> dict:
        if self.symbolic_sizes:
            return dict(self.symbolic_sizes[0])
        return smallest_admissible(self)

    def fail(self, message: str) -> ClaimDefinitionError:
        return ClaimDefinitionError(message, claim_id=self.id, where=self.defined_at)


def _name(key) -> str:
    if isinstance(key, str):
        return key
    return str(getattr(key, "name", key))


def _caller_site() -> str:
    here = os.path.dirname(os.path.abspath(__file__))
    for frame in inspect.stack()[2:]:
        filename = os.path.abspath(frame.filename)
        if not filename.startswith(here) and "dataclasses" not in filename and "<string>" not in filename:
            return f"{os.path.relpath(filename) if filename.startswith(os.getcwd()) else filename}:{frame.lineno}"
    return "<unknown>"


def smallest_admissible(claim: Claim) -> dict:
    """The first size assignment, in order of total size, that every shape rule accepts
    (each dimension at least 2 where its range allows, so that matrices are not scalars)."""
    import itertools

    names = sorted(claim.sizes)
    ranges = []
    for name in names:
        lo, hi = claim.sizes[name]
        start = min(max(lo, 2), hi)
        ranges.append(range(start, hi + 1))
    candidates = sorted(itertools.product(*ranges), key=lambda c: (sum(c), c))
    for combo in candidates:
        sizes = dict(zip(names, combo))
        if size_assignment_ok(claim, sizes):
            return sizes
    for combo in itertools.product(*[range(claim.sizes[n][0], claim.sizes[n][1] + 1) for n in names]):
        sizes = dict(zip(names, combo))
        if size_assignment_ok(claim, sizes):
            return sizes
    raise claim.fail("no size assignment satisfies the domains' shape rules and size_rule; "
                     "widen the ranges in sizes= or relax size_rule")


def size_assignment_ok(claim: Claim, sizes: Mapping[str, int]) -> bool:
    if claim.size_rule is not None and not claim.size_rule(dict(sizes)):
        return False
    for sym, domain in symbol_shapes(claim, sizes).items():
        shape, dom = domain
        if shape and dom is not None and not dom.shape_rule(shape):
            return False
    return True


def symbol_shapes(claim: Claim, sizes: Mapping[str, int]) -> dict:
    """`{name: (concrete shape or (), domain)}` for every free symbol of the statement."""
    statement = claim.build(sizes)
    out = {}
    subs = {sp.Symbol(k, integer=True, positive=True): v for k, v in sizes.items()}
    for sym in free_symbols(statement):
        name = str(sym.name)
        if name in claim.sizes:
            continue
        domain = claim.domain.get(name)
        if isinstance(sym, sp.MatrixSymbol):
            shape = tuple(int(_concrete(d, sizes, subs)) for d in sym.shape)
        else:
            shape = ()
        out[name] = (shape, domain)
    return out


def _concrete(dim, sizes, subs):
    if isinstance(dim, (int, sp.Integer)):
        return int(dim)
    value = sp.sympify(dim).xreplace({s: sp.Integer(sizes[str(s.name)]) for s in sp.sympify(dim).free_symbols
                                      if str(s.name) in sizes})
    if not value.is_Integer:
        raise ValueError(f"dimension {dim} has no size")
    return int(value)


def free_symbols(statement) -> set:
    """Free symbols of a statement: bound variables of sums, lambdas and `Grad(..., at=...)`
    are excluded; matrix symbols are reported as themselves, not through their entries."""
    found: set = set()
    for expr in sides(statement):
        _collect(sp.sympify(expr) if not isinstance(expr, sp.Basic) else expr, set(), found)
    if isinstance(statement, Algorithmic):
        found.discard(statement.step)
    if isinstance(statement, Minimiser):  # the variable minimised over is bound, like an integration variable
        found.discard(statement.wrt)
    return found


def _collect(expr, bound: set, found: set) -> None:
    if isinstance(expr, (sp.MatrixSymbol, sp.Symbol)):
        if expr not in bound:
            found.add(expr)
        if isinstance(expr, sp.MatrixSymbol):
            for d in expr.shape:
                _collect(sp.sympify(d), bound, found)
        return
    if isinstance(expr, (Grad, Jacobian)):
        inner_bound = bound | {expr.args[1]} if expr.args[2] != expr.args[1] else bound
        _collect(expr.args[0], inner_bound, found)
        _collect(expr.args[1], inner_bound, found)
        _collect(expr.args[2], bound, found)
        return
    if isinstance(expr, sp.Lambda):
        _collect(expr.expr, bound | set(expr.variables), found)
        return
    if isinstance(expr, sp.Sum):
        new_bound = bound | {lim[0] for lim in expr.limits}
        _collect(expr.function, new_bound, found)
        for _, lo, hi in expr.limits:
            _collect(lo, bound, found)
            _collect(hi, bound, found)
        return
    for arg in getattr(expr, "args", ()):
        if isinstance(arg, sp.Basic):
            _collect(arg, bound, found)


def validate(claim: Claim) -> None:
    """Raise `ClaimDefinitionError` for anything that would make the claim unanswerable."""
    if not isinstance(claim.id, str) or not ID_PATTERN.match(claim.id):
        raise claim.fail("the id must be a dotted lower-case slug such as 'topic.subject.name' "
                         "(letters, digits and '_' between dots; it becomes a file path under reports/)")
    if claim.expect not in EXPECT:
        raise claim.fail(f"expect={claim.expect!r}; use one of {EXPECT}")
    if claim.correction is not None and not ID_PATTERN.match(str(claim.correction)):
        raise claim.fail(f"correction={claim.correction!r} is not a claim id")
    for name, dom in claim.domain.items():
        if not isinstance(dom, Domain):
            raise claim.fail(f"the domain of {name!r} is {dom!r}, which is not a domain; "
                             "use one from verify.domains (e.g. domains.real(), domains.spd())")
    for name, rng in claim.sizes.items():
        if len(rng) != 2 or not all(isinstance(v, int) for v in rng) or not 1 <= rng[0] <= rng[1]:
            raise claim.fail(f"sizes[{name!r}] = {rng!r}; give an inclusive range (lo, hi) with 1 <= lo <= hi")
    for key in ("rtol", "atol"):
        if not getattr(claim, key) > 0:
            raise claim.fail(f"{key} must be positive")
    sizes = {name: lo for name, (lo, hi) in claim.sizes.items()}
    try:
        statement = claim.build(sizes)
    except Exception as exc:  # a builder that cannot build is a definition error
        raise claim.fail(f"building the statement at sizes {sizes} raised {type(exc).__name__}: {exc}") from exc
    if not isinstance(statement, STATEMENT_KINDS):
        raise claim.fail(f"the statement is a {type(statement).__name__}; build it with one of "
                         + ", ".join(k.__name__ for k in STATEMENT_KINDS))
    symbols = free_symbols(statement)
    for sym in sorted((s for s in symbols if isinstance(s, sp.MatrixSymbol)), key=lambda s: str(s.name)):
        for d in sym.shape:
            for s in sp.sympify(d).free_symbols:
                if str(s.name) not in claim.sizes:
                    raise claim.fail(f"dimension {s} of {str(sym.name)!r} has no range; "
                                     f"add sizes={{{str(s.name)!r}: (lo, hi)}}")
    for sym in symbols:
        name = str(sym.name)
        if name in claim.sizes:
            continue
        if name not in claim.domain:
            dims = [str(s) for s in sp.sympify(getattr(sym, "shape", (1,))[0]).free_symbols] if hasattr(sym, "shape") else []
            hint = "" if not dims else f" (its dimensions {dims} also need sizes=)"
            raise claim.fail(f"symbol {name!r} appears in the statement but has no domain; "
                             f"add domain={{{name!r}: domains.<...>()}}{hint}")
        dom = claim.domain[name]
        if isinstance(sym, sp.MatrixSymbol) == dom.scalar:
            what = "a matrix symbol" if isinstance(sym, sp.MatrixSymbol) else "a scalar symbol"
            raise claim.fail(f"symbol {name!r} is {what} but its domain {dom.name!r} is for "
                             f"{'scalars' if dom.scalar else 'matrices'}")
        if isinstance(sym, sp.MatrixSymbol):
            for d in sym.shape:
                for s in sp.sympify(d).free_symbols:
                    if str(s.name) not in claim.sizes:
                        raise claim.fail(f"dimension {s} of {name!r} has no range; add sizes={{{str(s.name)!r}: (lo, hi)}}")
    claim.smallest_sizes()  # raises when no size assignment satisfies the shape rules
