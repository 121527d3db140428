"""Claims and the kinds of statement they make.

A `Claim` is a frozen record: an id, where it comes from in the notes, a statement (one of the
small frozen statement types below, or a function of the sizes that builds one), the domain of
every free symbol, the ranges of the dimension symbols, and what we expect (`holds`, or `fails`
for a statement the notes get wrong, with `correction=` naming the claim that states it right).

Everything is validated when the claim is built, so a malformed claim fails at import time with
a `ClaimDefinitionError` naming its file, line, id and the fix.
"""

from __future__ import annotations

import difflib
import inspect
import math
import numbers
import os
import re
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import sympy as sp
from sympy.matrices import ShapeError

from . import domains as _domains
from ._errors import (
    ClaimDefinitionError,
    ClaimDefinitionWarning,
    describe_shape_error,
    display_path,
    one_line,
    user_frames,
)
from .distributions import ExpectationOver
from .domains import Domain
from .logic_kinds import LOGIC_KINDS, Equivalence, Implies, statement_problem
from .nodes import DERIVATIVE_NODES, Grad, Jacobian, ScalarGrad, is_scalar_variable
from .texnames import SumOver
from .trivial import trivially_true, warning_text

# --- statement kinds --------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """`lhs == rhs` for every member of the domain (scalars, vectors or matrices)."""

    lhs: Any
    rhs: Any
    kind = "identity"


@dataclass(frozen=True)
class Gradient:
    """`d f / d wrt == claimed`: a gradient (shape of `wrt`) or, for a vector `f`, a Jacobian.

    `wrt` may be a scalar symbol: the derivative of a scalar `f` is then a scalar, that of a
    column vector `f` (k x 1) the k x 1 column of its derivatives."""

    f: Any
    wrt: sp.MatrixSymbol | sp.Symbol
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
    independent closed form of the minimiser that must agree with `point`.  `wrt` may be a
    scalar symbol; `point` (and `reference`) are then scalars.
    """

    f: Any
    wrt: sp.MatrixSymbol | sp.Symbol
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
class Inequality:
    """`lhs <relation> rhs` for every member of the domain, `relation` one of `<=`, `<`, `>=`, `>`;
    scalars, or matrices of one shape compared entry by entry.  Decided by `verify.inequality`
    (SymPy shows the slack has the required sign) and searched for a violation numerically
    (`verify.search`: the slack minimised over each domain's raw draws)."""

    lhs: Any
    rhs: Any
    relation: str = "<="
    kind = "inequality"


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


STATEMENT_KINDS = (Identity, Gradient, Derivation, Minimiser, Expectation, Property, Algorithmic, Shape,
                   Inequality, ExpectationOver) + LOGIC_KINDS


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
    if isinstance(statement, LOGIC_KINDS):  # verify.logic_kinds
        return statement.sides()
    if isinstance(statement, Inequality):
        return [statement.lhs, statement.rhs]
    if isinstance(statement, ExpectationOver):  # integrands, claimed value, distribution parameters
        return statement.sides()
    raise TypeError(f"not a statement: {statement!r}")


# --- claims -----------------------------------------------------------------------------------

# An id names its report, reports/<topic>/<id>.md, so it may hold nothing a path could use to leave
# reports/: no '/', '\\', '..', leading dot, drive letter or upper case (case-insensitive file
# systems).  `\Z`, not `$`, which would also accept a trailing newline.
ID_RULE = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$"
ID_PATTERN = re.compile(ID_RULE[:-1] + r"\Z")
ID_MAX_LENGTH = 120  # + '.md' stays far below the 255-byte file-name limit
_DEVICE_NAMES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
EXPECT = ("holds", "fails")
RELATIONS = ("psd", "nonnegative", "positive")
INEQUALITY_RELATIONS = ("<=", "<", ">=", ">")

# Tolerances.  A claim may tighten them freely; loosening them past the ceilings needs a
# `tolerance_reason` (shown in the report), and nothing may loosen them past the limits: a
# tolerance the claim chooses must not be wide enough to let an O(1) error (a wrong sign, term or
# factor of 2) pass.
DEFAULT_RTOL = 1e-8
DEFAULT_ATOL = 1e-10
RTOL_CEILING = 1e-6  # above this, a claim needs tolerance_reason=
ATOL_CEILING = 1e-6
RTOL_LIMIT = 1e-2  # above this, a claim is refused whatever the reason
ATOL_LIMIT = 1e-2


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
      rtol, atol: the numeric tolerances (defaults ``DEFAULT_RTOL``, ``DEFAULT_ATOL``).  Above
        ``RTOL_CEILING`` / ``ATOL_CEILING`` (1e-6) a claim must say why in ``tolerance_reason``
        (shown in its report); above ``RTOL_LIMIT`` / ``ATOL_LIMIT`` (1e-2) it is refused.
      tolerance_reason: why this claim needs a tolerance above the ceiling.
      instances_of: the id of a claim whose random sizes and instances this one draws (its own
        id by default).  The two must have the same domains and sizes; mutants of a claim use
        it, so that each is checked on its original's instances.
      tex_names: how the report writes the statement: ``{symbol or its name: LaTeX}`` (``{"xk":
        r"x^{(k)}"}``) and ``{sub-expression: short name}`` (``{loss: "J"}``; the report defines the
        name on a "where" line), or ``tex_names(sizes) -> mapping`` for a builder statement.  Only
        the report reads it.
      catalog: the catalog entry this claim encodes when its id adds a part, a reading or a
        correction to the entry's id (``probability.bernoulli.pmf_moments`` for
        ``probability.bernoulli.pmf_moments.mean``), usually a dotted prefix of the id.  Default: the id.
        The report index groups claims by topic and shows this id.
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
    rtol: float = DEFAULT_RTOL
    atol: float = DEFAULT_ATOL
    tolerance_reason: str = ""
    symbolic_sizes: tuple = ()
    size_rule: Callable[[dict], bool] | None = None
    about_kink: bool = False
    instances_of: str | None = None
    tex_names: Any = field(default_factory=dict)
    catalog: str = ""
    defined_at: str = ""
    _built: dict = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self):
        if not self.defined_at:
            object.__setattr__(self, "defined_at", _caller_site())
        check_fields(self)  # types first: normalising a malformed field would raise a bare TypeError
        object.__setattr__(self, "domain", {_name(k): v for k, v in dict(self.domain).items()})
        object.__setattr__(self, "sizes", {_name(k): tuple(v) for k, v in dict(self.sizes).items()})
        object.__setattr__(self, "tags", tuple(self.tags))
        object.__setattr__(self, "symbolic_sizes",
                           tuple({_name(k): v for k, v in dict(s).items()} for s in self.symbolic_sizes))
        validate(self)

    @property
    def is_builder(self) -> bool:
        """Whether the statement is built per size assignment (a function of the sizes)."""
        return callable(self.statement) and not isinstance(self.statement, STATEMENT_KINDS)

    @property
    def topic(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def catalog_id(self) -> str:
        """The id of the catalog entry this claim encodes (`catalog`, or the claim's own id)."""
        return self.catalog or self.id

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

    def names_at(self, sizes: Mapping[str, int]) -> dict:
        """`tex_names` at these sizes (a builder's names are built like its statement)."""
        names = self.tex_names(dict(sizes)) if callable(self.tex_names) else self.tex_names
        return dict(names)

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
    """FILE:LINE of the code that states the claim: the first frame outside dlverify's engine and
    outside private helpers (a function named `_...`, such as a claim file's `_part(...)` builder
    of similar claims), so that each claim built through a helper names its own call."""
    here = os.path.dirname(os.path.abspath(__file__))
    fallback = None
    for frame in inspect.stack()[2:]:
        filename = os.path.abspath(frame.filename)
        if not filename.startswith(here) and "dataclasses" not in filename and "<string>" not in filename:
            fallback = fallback or f"{display_path(filename)}:{frame.lineno}"
            if not frame.function.startswith("_") or frame.function.startswith("__"):
                return f"{display_path(filename)}:{frame.lineno}"
    return fallback or "<unknown>"


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
    # walking the statement's tree is most of the cost, and the numeric path's size plan asks for
    # every size assignment: keep its symbols in the memo of built statements
    memo = ("free symbols",) + (tuple(sorted(sizes.items())) if claim.is_builder else ())
    if memo not in claim._built:
        claim._built[memo] = tuple(free_symbols(statement))
    for sym in claim._built[memo]:
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
    dim = sp.sympify(dim, strict=True)
    value = dim.xreplace({s: sp.Integer(sizes[str(s.name)]) for s in dim.free_symbols if str(s.name) in sizes})
    if not value.is_Integer:
        raise ValueError(f"dimension {dim} has no size")
    return int(value)


def concrete_shape(symbol: sp.MatrixSymbol, sizes: Mapping[str, int]) -> tuple[int, int]:
    """The shape of a matrix symbol at concrete sizes."""
    return tuple(_concrete(d, sizes, None) for d in symbol.shape)


def variable_shape(wrt, sizes: Mapping[str, int]) -> tuple[int, int]:
    """The shape of the entries of a variable (of a derivative or a Minimiser) at concrete sizes:
    a scalar symbol has one entry, and the engine handles it as a 1 x 1 matrix of it."""
    return (1, 1) if is_scalar_variable(wrt) else concrete_shape(wrt, sizes)


def variable_value(wrt, matrix):
    """The value of the variable whose entries are `matrix` (`variable_shape(wrt)`): the matrix,
    or its one entry for a scalar symbol."""
    return matrix[0, 0] if is_scalar_variable(wrt) else matrix


def variable_zero(wrt):
    """The zero of the variable's shape (a gradient that vanishes)."""
    return sp.Integer(0) if is_scalar_variable(wrt) else sp.ZeroMatrix(*wrt.shape)


def free_symbols(statement) -> set:
    """Free symbols of a statement: bound variables of sums, lambdas and `Grad(..., at=...)`
    are excluded; matrix symbols are reported as themselves, not through their entries."""
    found: set = set()
    if isinstance(statement, (Implies, Equivalence)):  # each part binds its own variables
        parts = statement.parts if isinstance(statement, Implies) else statement.directions
        return set().union(*(free_symbols(p) for p in parts))
    for expr in sides(statement):
        _collect(sp.sympify(expr, strict=True) if not isinstance(expr, sp.Basic) else expr, set(), found)
    if isinstance(statement, Algorithmic):
        found.discard(statement.step)
    if isinstance(statement, Minimiser):  # the variable minimised over is bound, like an integration variable
        found.discard(statement.wrt)
    for var in getattr(statement, "bound", ()):  # a witness, a limit's or an order's variable
        found.discard(var)
    if isinstance(statement, ExpectationOver):  # the random variables are bound, like an integration variable
        found -= statement.variables
    return found


def _collect(expr, bound: set, found: set) -> None:
    if isinstance(expr, (sp.MatrixSymbol, sp.Symbol)):
        if expr not in bound:
            found.add(expr)
        if isinstance(expr, sp.MatrixSymbol):
            for d in expr.shape:
                _collect(sp.sympify(d, strict=True), bound, found)
        return
    if isinstance(expr, DERIVATIVE_NODES):
        inner_bound = bound | {expr.args[1]} if expr.args[2] != expr.args[1] else bound
        _collect(expr.args[0], inner_bound, found)
        _collect(expr.args[1], inner_bound, found)
        _collect(expr.args[2], bound, found)
        return
    if isinstance(expr, sp.Lambda):
        _collect(expr.expr, bound | set(expr.variables), found)
        return
    if isinstance(expr, (sp.Sum, sp.Integral)):  # the index or integration variable is bound
        new_bound = bound | {lim[0] for lim in expr.limits}
        _collect(expr.function, new_bound, found)
        for _, *ends in expr.limits:
            for end in ends:
                _collect(end, bound, found)
        return
    for arg in getattr(expr, "args", ()):
        if isinstance(arg, sp.Basic):
            _collect(arg, bound, found)


def check_fields(claim: Claim) -> None:
    """The type of every field, before anything is normalised or built."""
    if not isinstance(claim.id, str):
        raise claim.fail(f"id={claim.id!r} is a {type(claim.id).__name__}; give a string such as 'topic.subject.name'")
    problem = id_problem(claim.id)
    if problem:
        raise claim.fail(problem)
    for key in ("title", "source", "notes", "tolerance_reason"):
        if not isinstance(getattr(claim, key), str):
            raise claim.fail(f"{key}={getattr(claim, key)!r} is a {type(getattr(claim, key)).__name__}; give a string")
    if claim.expect not in EXPECT:
        raise claim.fail(f"expect={claim.expect!r}; use one of {EXPECT}")
    if not isinstance(claim.catalog, str) or (claim.catalog and id_problem(claim.catalog)):
        raise claim.fail(f"catalog={claim.catalog!r} is not a catalog id; give the id of the catalog entry the claim "
                         "encodes, e.g. catalog='probability.bernoulli.pmf_moments' for the id "
                         "'probability.bernoulli.pmf_moments.mean' (or leave it out when the id is the entry's)")
    if claim.correction is not None:
        if not isinstance(claim.correction, str) or id_problem(claim.correction):
            raise claim.fail(f"correction={claim.correction!r} is not a claim id; give the id of the claim that "
                             "states it correctly, e.g. correction='mynotes.quadratic.gradient'")
        if claim.correction == claim.id:
            raise claim.fail("correction= names the claim itself; name the claim that states it correctly")
    if claim.instances_of is not None and (not isinstance(claim.instances_of, str) or id_problem(claim.instances_of)):
        raise claim.fail(f"instances_of={claim.instances_of!r} is not a claim id; give the id of the claim whose "
                         "instances this one should draw, or leave it out")
    if isinstance(claim.domain, str) or not isinstance(claim.domain, Mapping):
        raise claim.fail(f"domain={claim.domain!r} is a {type(claim.domain).__name__}, not a dict; map each symbol to "
                         f"its domain, e.g. domain={{A: domains.spd(), x: domains.vector()}}")
    for key, dom in claim.domain.items():
        _check_key(claim, "domain", key)
        if not isinstance(dom, Domain):
            raise claim.fail(_not_a_domain(_name(key), dom))
    if isinstance(claim.sizes, (str, tuple, list)) or not isinstance(claim.sizes, Mapping):
        raise claim.fail(f"sizes={claim.sizes!r} is a {type(claim.sizes).__name__}, not a dict; map each dimension "
                         "to an inclusive range, e.g. sizes={n: (1, 4)}")
    for key, rng in claim.sizes.items():
        _check_key(claim, "sizes", key)
        if not _is_range(rng):
            raise claim.fail(f"sizes[{_name(key)!r}] = {rng!r}; give an inclusive range (lo, hi) of integers with "
                             f"1 <= lo <= hi, e.g. sizes={{{_name(key)!r}: (1, 4)}}")
    if isinstance(claim.tags, str) or not isinstance(claim.tags, (tuple, list)) \
            or not all(isinstance(t, str) for t in claim.tags):
        raise claim.fail(f"tags={claim.tags!r}; give a tuple of strings, e.g. tags=('erratum',)")
    for key in ("rtol", "atol"):
        value = getattr(claim, key)
        if not isinstance(value, numbers.Real) or isinstance(value, bool) or not value > 0:
            raise claim.fail(f"{key}={value!r}; give a positive number, e.g. {key}=1e-8")
    _check_tolerances(claim)
    if not callable(claim.tex_names) and (isinstance(claim.tex_names, str) or not isinstance(claim.tex_names, Mapping)):
        raise claim.fail(f"tex_names={one_line(repr(claim.tex_names), 80)} is a {type(claim.tex_names).__name__}; give a "
                         "dict such as tex_names={'lam': r'\\lambda', loss: 'J'}, or a function of the sizes "
                         "returning one")
    if not callable(claim.tex_names):
        _check_tex_names(claim, claim.tex_names)
    if claim.size_rule is not None and not callable(claim.size_rule):
        raise claim.fail(f"size_rule={claim.size_rule!r} is not a function; give e.g. size_rule=lambda s: s['m'] >= s['n']")
    if not isinstance(claim.symbolic_sizes, (tuple, list)) \
            or not all(isinstance(x, Mapping) for x in claim.symbolic_sizes):
        raise claim.fail(f"symbolic_sizes={claim.symbolic_sizes!r}; give a tuple of size assignments, "
                         "e.g. symbolic_sizes=({'n': 2},)")
    names = {_name(k) for k in claim.sizes}
    for assignment in claim.symbolic_sizes:
        given = {_name(k): v for k, v in assignment.items()}
        if set(given) != names:
            raise claim.fail(f"symbolic_sizes entry {given} must give every dimension of sizes= ({sorted(names)}) "
                             "and nothing else; give e.g. " + repr({n: 2 for n in sorted(names)}))
        for name, value in given.items():  # may lie outside sizes=: symbolic work is often cheaper smaller
            if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
                raise claim.fail(f"symbolic_sizes gives {name}={value!r}; give a positive integer size")


def sizes_text(sizes: Mapping[str, int]) -> str:
    """A size assignment as a reader writes it: "m = 3, n = 2" ("no dimensions" for none)."""
    return ", ".join(f"{k} = {v}" for k, v in sorted(sizes.items())) or "no dimensions"

def _key_text(key) -> str:
    """A tex_names key for a message; only called when one is raised (printing every key's
    sub-expression took most of the time of loading the built-in claims)."""
    return key if isinstance(key, str) else _short_expr(key)


def _check_tex_names(claim: Claim, names) -> None:
    """Each entry of `tex_names` maps a symbol (or its name) or a SymPy sub-expression to LaTeX that
    MathJax can set: a non-empty string with balanced braces and no `$`."""
    for key, value in names.items():
        if not isinstance(key, (str, sp.Basic)) or (isinstance(key, str) and not key):
            raise claim.fail(f"tex_names key {key!r} is a {type(key).__name__}; key each entry by a symbol, its name, "
                             "or a SymPy sub-expression of the statement")
        if isinstance(value, SumOver):
            _check_sum_over(claim, key, value)
            continue
        if not isinstance(value, str) or not value.strip():
            raise claim.fail(f"tex_names[{_key_text(key)!r}] = {value!r}; give the LaTeX to print, e.g. r'\\lambda' or 'J'")
        _check_tex_text(claim, key, value)


def _check_tex_text(claim: Claim, key, value: str) -> None:
    depth = 0
    for i, ch in enumerate(value):
        if ch in "{}" and i and value[i - 1] == "\\":
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            break
    if depth != 0 or "$" in value:
        raise claim.fail(f"tex_names[{_key_text(key)!r}] = {value!r} is not a LaTeX formula a report can show (unbalanced "
                         "braces or a '$'); give math-mode LaTeX such as r'x^{(k)}', without dollar signs")


def _check_sum_over(claim: Claim, key, family: SumOver) -> None:
    """A sum printed as `\\sum_{index}` of a template must be exactly that sum: the report would
    otherwise show a formula other than the one checked."""
    for text in (family.index, family.ranges or "x"):
        if not isinstance(text, str) or not text.strip():
            raise claim.fail(f"tex_names[{_key_text(key)!r}]: SumOver index and ranges must be LaTeX strings, got {text!r}")
        _check_tex_text(claim, key, text)
    if not isinstance(key, (sp.Add, sp.MatAdd)):
        raise claim.fail(f"tex_names[{_key_text(key)!r}] is a SumOver, but its key is not a sum; key it by the sum "
                         "the builder forms (SumOver.expr() builds it from the same template)")
    try:
        same = family.matches(key)
    except Exception as exc:
        raise claim.fail(f"tex_names[{_key_text(key)!r}]: SumOver.template raised {type(exc).__name__} on a member: "
                         f"{one_line(exc)}") from None
    if not same:
        raise claim.fail(f"tex_names[{_key_text(key)!r}]: the sum's terms are not the SumOver template at its "
                         f"{len(family.members)} members, so the report would print a sum other than the one "
                         "checked; build the sum with SumOver.expr() (or the same template over the same members)")


def number_text(value) -> str:
    """A tolerance as a claim file would write it: 1e-6 and 1e-2, not 1e-06 and 0.01; 1.0 as 1.0."""
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        value = float(value)
        if 0 < value < 0.1 and math.isfinite(value):
            k = round(math.log10(value))
            if value == 10.0 ** k:
                return f"1e{k}"
    return re.sub(r"e([+-]?)0*(\d)", lambda m: "e" + m.group(1).replace("+", "") + m.group(2), repr(value))


def _check_tolerances(claim: Claim) -> None:
    """A loose tolerance can hide an O(1) error: above the ceiling it needs a reason, above the
    limit it is refused."""
    reason = claim.tolerance_reason.strip()
    for key, ceiling, limit in (("rtol", RTOL_CEILING, RTOL_LIMIT), ("atol", ATOL_CEILING, ATOL_LIMIT)):
        value = getattr(claim, key)
        if value > ceiling and not reason:
            raise claim.fail(f"{key}={number_text(value)} is above the ceiling {number_text(ceiling)}: a loose tolerance "
                             f"can hide O(1) errors; tighten it, or give tolerance_reason='why this claim needs it' "
                             "(shown in its report)")
        if value > limit:
            raise claim.fail(f"{key}={number_text(value)} is above {number_text(limit)}, the limit even with a "
                             "tolerance_reason: a tolerance that loose can hide O(1) errors; tighten it to at most "
                             f"{number_text(limit)} (or compare a quantity that holds more tightly, e.g. a normalised "
                             "one)")


def id_problem(claim_id: str) -> str:
    """Why `claim_id` cannot be an id ('' when it can): it becomes reports/<topic>/<id>.md."""
    if ID_PATTERN.match(claim_id) and len(claim_id) <= ID_MAX_LENGTH \
            and claim_id.split(".", 1)[0] not in _DEVICE_NAMES:
        return ""
    if len(claim_id) > ID_MAX_LENGTH:
        return f"the id is {len(claim_id)} characters long; shorten it to at most {ID_MAX_LENGTH}"
    if claim_id.split(".", 1)[0] in _DEVICE_NAMES:
        return (f"the topic {claim_id.split('.', 1)[0]!r} is a reserved device name on Windows (it becomes a folder "
                "under reports/); use another topic")
    segments = [p for p in re.split(r"[^a-z0-9_]+", claim_id.lower()) if p]
    if len(segments) == 1:
        segments.insert(0, "mynotes")
    suggestion = ".".join(segments)
    example = suggestion if ID_PATTERN.match(suggestion) and suggestion.split(".")[0] not in _DEVICE_NAMES \
        else "mynotes.quadratic.gradient"
    return (f"id {claim_id!r} is not a dotted lower-case slug (it becomes the file reports/<topic>/<id>.md, so it "
            f"must match {ID_RULE}: letters, digits and '_' in two or more dot-separated segments, topic first); "
            f"use e.g. {example!r}")


def _check_key(claim: Claim, field_name: str, key) -> None:
    if not isinstance(key, str) and not isinstance(getattr(key, "name", None), str):
        raise claim.fail(f"{field_name}= has the key {key!r}, which is not a symbol; key it by the symbol itself "
                         "(the MatrixSymbol or Symbol) or by its name")


def _is_range(rng) -> bool:
    if isinstance(rng, (str, bytes)) or not isinstance(rng, (tuple, list)) or len(rng) != 2:
        return False
    if not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in rng):
        return False
    return 1 <= rng[0] <= rng[1]


def _not_a_domain(name: str, dom) -> str:
    if isinstance(dom, str):
        known = dom if dom in _domains.ALL else None
        close = known or next(iter(difflib.get_close_matches(dom.lower(), sorted(_domains.ALL), n=1, cutoff=0.6)), None)
        fix = f"use domains.{close}()" if close else "use one from verify.domains (e.g. domains.real(), domains.spd())"
        return f"the domain of {name!r} is the string {dom!r}, not a domain; {fix}"
    if callable(dom) and getattr(dom, "__module__", "") == _domains.__name__:
        needs = any(p.default is p.empty for p in inspect.signature(dom).parameters.values())
        return (f"the domain of {name!r} is the function domains.{dom.__name__}, not a domain; "
                f"call it: domains.{dom.__name__}({'...' if needs else ''})")
    return (f"the domain of {name!r} is {dom!r}, which is not a domain; "
            "use one from verify.domains (e.g. domains.real(), domains.spd())")


def _expression_fields(statement) -> list[tuple[str, Any]]:
    """(where, value) for every field of a statement that must be a SymPy object or a number."""
    out = [(f"{type(statement).__name__} argument", v) for v in sides(statement)]
    if isinstance(statement, Algorithmic):
        out += [(f"symbolic_restriction[{k!r}]", v) for k, v in dict(statement.symbolic_restriction).items()]
        if statement.step_rule != "exact_line_search":
            out.append(("step_rule", statement.step_rule))
    if isinstance(statement, Minimiser):
        for case in statement.cases:
            if not isinstance(case, (tuple, list)) or len(case) != 2 or not isinstance(case[1], Mapping):
                raise ValueError(f"Minimiser case {case!r}; give (description, {{symbol: value}}) pairs")
            out += [(f"case {case[0]!r}", v) for v in case[1].values()]
    return out


def _sites_of_symbols(statement) -> set[str]:
    """Names of every symbol a statement mentions, bound ones included (a Minimiser's variable
    has a domain: the solver draws its starting points there)."""
    names: set[str] = set()
    values = [v for _, v in _expression_fields(statement)]
    for value in values:
        if isinstance(value, sp.Basic):
            names |= {str(a.name) for a in value.atoms(sp.Symbol, sp.MatrixSymbol)}
    return names


def _describe_build_failure(claim: Claim, sizes: dict | None, exc: Exception) -> ClaimDefinitionError:
    """A builder that raised: the line in the builder, what went wrong and the fix."""
    frames = user_frames(exc.__traceback__)
    tb = exc.__traceback__
    while sizes is None and tb is not None:  # the sizes `Claim.build` was called with
        if tb.tb_frame.f_code.co_name == "build" and isinstance(tb.tb_frame.f_locals.get("sizes"), Mapping):
            sizes = dict(tb.tb_frame.f_locals["sizes"])
        tb = tb.tb_next
    where = f"{display_path(frames[-1][0].f_code.co_filename)}:{frames[-1][1]}" if frames else claim.defined_at
    if isinstance(exc, ShapeError):
        what, fix = describe_shape_error(exc)
        what = f"{what}; a builder must build at every size in sizes=: {fix}"
    else:
        what = f"{one_line(exc)}; fix the builder: it must return a statement for every size in sizes="
    return ClaimDefinitionError(f"building the statement at sizes {sizes} raised {type(exc).__name__}: {what}",
                                claim_id=claim.id, where=where)


# --- derivatives, expected shapes and case splits ------------------------------------------------

JACOBIAN_FIX = ("the Jacobian is defined here for a column vector with respect to a column vector; for a matrix "
                "variable, differentiate a scalar (e.g. a loss) or vectorise")


def _matrix_shape(expr):
    """The shape of a matrix expression; None for a scalar (a SymPy scalar or a number)."""
    return tuple(expr.shape) if getattr(expr, "is_Matrix", False) and hasattr(expr, "shape") else None


def _is_one(dim) -> bool:
    """Whether a dimension is literally 1 (a symbolic n is not, even if it may be 1 at some sizes)."""
    return isinstance(dim, (numbers.Integral, sp.Integer)) and int(dim) == 1


def _is_column(shape) -> bool:
    return shape is not None and _is_one(shape[1])


def _is_scalar(shape) -> bool:
    return shape is None or (_is_one(shape[0]) and _is_one(shape[1]))


def _short_expr(expr) -> str:
    text = sp.sstr(expr)
    if len(text) <= 40:
        return text
    shape = _matrix_shape(expr)
    return f"<{type(expr).__name__}" + (f" of shape {_dims_text(shape)}>" if shape else ">")


def _dims_text(shape) -> str:
    return "scalar" if shape is None else " x ".join(sp.sstr(d) for d in shape)


SCALAR_FIX = "scalar(M) reads a 1 x 1 matrix expression M as a scalar"


def _variable_problem(claim: Claim, what: str, wrt) -> str:
    """Why `wrt` cannot be the variable of a derivative or a Minimiser ('' when it can): it must be a
    MatrixSymbol or a plain scalar symbol, and not a dimension."""
    if not isinstance(wrt, sp.MatrixSymbol) and not is_scalar_variable(wrt):
        return (f"{what} differentiates with respect to {_short_expr(wrt)} (a {type(wrt).__name__}), which is not a "
                "variable; use a MatrixSymbol, or a plain scalar symbol such as sp.Symbol('t', real=True) (for an "
                "entry of a matrix, name the entry as a scalar symbol of its own)")
    if is_scalar_variable(wrt) and str(wrt.name) in claim.sizes:
        return (f"{what} differentiates with respect to {wrt.name}, which is a dimension (it has a range in sizes=); "
                "use a real scalar symbol of its own, e.g. sp.Symbol('t', real=True)")
    return ""


def _scalar_variable_problem(claim: Claim, statement) -> str:
    """The shapes that go with a scalar variable ('' when they fit): the derivative of a scalar in
    a scalar is a scalar, so `claimed=` must be one (not a 1 x 1 matrix: see docs/writing-claims.md);
    only a scalar or a column vector is differentiated; a Minimiser's point is a scalar.  And the
    kinds that take no scalar variable say so."""
    if isinstance(statement, Algorithmic) and not isinstance(statement.state, sp.MatrixSymbol):
        return (f"Algorithmic state={_short_expr(statement.state)} is a {type(statement.state).__name__}, not a "
                "MatrixSymbol; the state of an update rule is a matrix symbol: write a scalar state as "
                f"sp.MatrixSymbol({_short_expr(statement.state)!r}, 1, 1) and read it with scalar(...) or "
                "[0, 0] in the cost and the update")
    if isinstance(statement, Gradient):
        problem = _variable_problem(claim, "Gradient", statement.wrt)
        if problem or not is_scalar_variable(statement.wrt):
            return problem
        t = statement.wrt.name
        f_shape, c_shape = _matrix_shape(statement.f), _matrix_shape(statement.claimed)
        if _is_scalar(f_shape) and c_shape is not None:
            return (f"Gradient of {_short_expr(statement.f)} with respect to the scalar {t}: the derivative of a "
                    f"scalar in a scalar is a scalar, but claimed={_short_expr(statement.claimed)} is a "
                    f"{_dims_text(c_shape)} matrix; write the claimed derivative as a scalar ({SCALAR_FIX})")
        if not _is_scalar(f_shape) and not _is_column(f_shape):
            return (f"Gradient of {_short_expr(statement.f)} ({_dims_text(f_shape)}: neither a scalar nor a column "
                    f"vector) with respect to the scalar {t}: a derivative in a scalar is defined here for a scalar "
                    "(a scalar) or a column vector (a column); differentiate a column vector (e.g. M*v) or a scalar "
                    "(e.g. a loss)")
    if isinstance(statement, Minimiser):
        problem = _variable_problem(claim, "Minimiser", statement.wrt)
        if problem or not is_scalar_variable(statement.wrt):
            return problem
        for name, value in (("point", statement.point), ("reference", statement.reference)):
            shape = _matrix_shape(value) if value is not None else None
            if shape is not None:
                return (f"Minimiser over the scalar {statement.wrt.name}: {name}={_short_expr(value)} is a "
                        f"{_dims_text(shape)} matrix, but a point of a scalar variable is a scalar; give it as a "
                        f"scalar ({SCALAR_FIX})")
    return ""


def _derivative_problem(claim: Claim, statement) -> str:
    """Why a derivative in the statement is not one dlverify defines ('' when all are): a Grad of a
    non-scalar, or a Jacobian (a `Gradient` of a non-scalar, or a `Jacobian` node anywhere) that is not
    of a column vector with respect to a column vector (or a scalar symbol).  The backends would
    otherwise differentiate only the first column (`jacrev` of `y[:, 0]` in x[:, 0]...), proving a
    statement about something else."""
    problem = _scalar_variable_problem(claim, statement)
    if problem:
        return problem
    if isinstance(statement, Gradient) and not is_scalar_variable(statement.wrt):
        f_shape, w_shape = _matrix_shape(statement.f), _matrix_shape(statement.wrt)
        if not _is_scalar(f_shape) and not (_is_column(f_shape) and _is_column(w_shape)):
            f_note = ("not a scalar, so the derivative is a Jacobian" if _is_column(f_shape)
                      else "neither a scalar nor a column vector")
            w_note = "" if _is_column(w_shape) else ", not a column vector"
            return (f"Gradient of {_short_expr(statement.f)} ({_dims_text(f_shape)}: {f_note}) with respect to "
                    f"{statement.wrt.name} ({_dims_text(w_shape)}{w_note}): " + JACOBIAN_FIX)
    exprs = [v for _, v in _expression_fields(statement)]
    if isinstance(statement, Algorithmic):
        exprs += _conclusion_parts(claim, statement)
    for expr in exprs:
        if not isinstance(expr, sp.Basic):
            continue
        for node in sp.preorder_traversal(expr):
            if isinstance(node, DERIVATIVE_NODES):
                problem = _variable_problem(claim, type(node).__name__.replace("ScalarGrad", "Grad"), node.wrt)
                if problem:
                    return problem
                if is_scalar_variable(node.wrt) and _matrix_shape(node.at) is not None:
                    name = "Grad" if isinstance(node, ScalarGrad) else "Jacobian"
                    return (f"{name}(..., {node.wrt.name}, at={_short_expr(node.at)}): the point is a "
                            f"{_dims_text(_matrix_shape(node.at))} matrix, but {node.wrt.name} is a scalar; give a "
                            f"scalar point ({SCALAR_FIX})")
            if isinstance(node, (Grad, ScalarGrad)):
                shape = _matrix_shape(node.f)
                if not _is_scalar(shape):
                    return (f"Grad({_short_expr(node.f)}, {node.wrt.name}) differentiates {_short_expr(node.f)} "
                            f"({_dims_text(shape)}), which is not a scalar: Grad is the gradient of a scalar (1 x 1 or "
                            "a SymPy scalar); for a column vector use Jacobian(y, x) with x a column vector too, for "
                            "anything else differentiate a scalar (e.g. a loss)")
            elif isinstance(node, Jacobian):
                y_shape = _matrix_shape(node.y)
                w_shape = (sp.Integer(1), sp.Integer(1)) if is_scalar_variable(node.wrt) else _matrix_shape(node.wrt)
                if not (_is_column(y_shape) and _is_column(w_shape)):
                    y_note = "" if _is_column(y_shape) else ", not a column vector"
                    w_note = "" if _is_column(w_shape) else ", not a column vector"
                    return (f"Jacobian({_short_expr(node.y)}, {node.wrt.name}) differentiates {_short_expr(node.y)} "
                            f"({_dims_text(y_shape)}{y_note}) with respect to {node.wrt.name} "
                            f"({_dims_text(w_shape)}{w_note}): " + JACOBIAN_FIX)
    return ""


def _conclusion_parts(claim: Claim, statement: Algorithmic) -> list:
    """The expressions `conclusion(state, next_state)` returns, as the engine calls it."""
    nxt = sp.MatrixSymbol(str(statement.state.name) + "_next", *statement.state.shape)
    try:
        parts = statement.conclusion(statement.state, nxt)
    except Exception as exc:
        raise claim.fail(f"Algorithmic conclusion(state, next_state) raised {type(exc).__name__}: {one_line(exc)}; "
                         "it must return (lhs, rhs) or (lhs, rhs, scale) built from the two states") from exc
    if not isinstance(parts, (tuple, list)) or len(parts) not in (2, 3):
        raise claim.fail(f"Algorithmic conclusion(state, next_state) returned {one_line(repr(parts), 80)}; "
                         "return (lhs, rhs) or (lhs, rhs, scale)")
    return list(parts)


def _expected_shape_problem(claim: Claim, expected) -> str:
    """Why `Shape(expected=...)` is not a shape ('' when it is, or when it is None)."""
    if expected is None:
        return ""
    if isinstance(expected, (str, bytes)) or not isinstance(expected, (tuple, list)) or len(expected) != 2:
        return f"Shape expected={expected!r}; give (rows, cols), e.g. expected=(n, 1), or None"
    for d in expected:
        if isinstance(d, bool) or not isinstance(d, (numbers.Integral, sp.Expr)) or \
                (isinstance(d, numbers.Integral) and d < 1) or \
                (isinstance(d, sp.Expr) and d.is_number and not (d.is_Integer and d >= 1)):
            return (f"Shape expected={expected!r} has the dimension {d!r}; give positive integers or expressions in "
                    "the dimension symbols, e.g. expected=(n, 1)")
        if isinstance(d, sp.Expr):
            for s in d.free_symbols:
                if str(getattr(s, "name", s)) not in claim.sizes:
                    return (f"Shape expected={expected!r} uses the dimension {s}, which has no range; add "
                            f"sizes={{{str(s)!r}: (lo, hi)}}")
    return ""


def _case_symbol_names(claim: Claim, sizes: dict) -> tuple[set, dict]:
    """(names a case may substitute, {matrix symbol name: its entry names}) at `sizes`: the scalar
    symbols of the statement and the entries of its matrices as the symbolic path instantiates them
    (every generic component of the domain: `w_1` for entry 1 of a vector w, `A_12` for row 1, column 2
    of A)."""
    names, entries = set(), {}
    for name, (shape, domain) in symbol_shapes(claim, sizes).items():
        if domain is None:
            continue
        found = {str(s.name) for _, value in domain.generic_members(name, shape)
                 for s in getattr(value, "free_symbols", ())}
        names |= found
        if shape:
            entries[name] = found
    return names, entries


def _check_case_keys(claim: Claim) -> None:
    """Every substitution of a non-smooth Minimiser's case names a symbol the symbolic path
    instantiates, at every size it runs at (a key that names nothing substitutes nothing, and the
    case silently checks the whole domain again)."""
    for sizes in (claim.symbolic_sizes or (claim.smallest_sizes(),)):
        sizes = dict(sizes)
        statement = claim.build(sizes)
        names, entries = _case_symbol_names(claim, sizes)
        for description, substitution in statement.cases:
            for key in substitution:
                if not isinstance(key, str) and not isinstance(getattr(key, "name", None), str):
                    raise claim.fail(f"Minimiser case {description!r} substitutes {key!r}, which is not a symbol; key "
                                     "each substitution by a symbol or its name, e.g. {'w_1': value}")
                name = _name(key)
                if name in names:
                    continue
                sizes_text = ", ".join(f"{k} = {v}" for k, v in sorted(sizes.items())) or "no dimensions"
                known = sorted(names)
                listed = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
                variable = str(statement.wrt.name)
                if name in entries:
                    hint = (f"{name!r} is a matrix: substitute its entries as the symbolic path names them, e.g. "
                            f"{sorted(entries[name])[0]!r}")
                elif name == variable or name.startswith(variable + "_"):
                    hint = (f"{variable} is the variable minimised over, which a case cannot fix; substitute the other "
                            "symbols (the data) to split their domain")
                else:
                    hint = ("key each substitution by a scalar symbol of the statement or a matrix entry as the "
                            "symbolic path names it ('x_1' for entry 1 of a vector x, 'A_12' for row 1, column 2 of A)")
                raise claim.fail(f"Minimiser case {description!r} substitutes {name!r}, which is not a symbol of the "
                                 f"statement at the symbolic sizes {sizes_text} (its symbols there: {listed or 'none'}); "
                                 + hint)


def validate(claim: Claim) -> None:
    """Raise `ClaimDefinitionError` for anything that would make the claim unanswerable."""
    sizes = {name: lo for name, (lo, hi) in claim.sizes.items()}
    try:
        statement = claim.build(sizes)
    except Exception as exc:  # a builder that cannot build is a definition error
        raise _describe_build_failure(claim, sizes, exc) from exc
    if callable(claim.tex_names):
        try:
            names = claim.tex_names(dict(sizes))
        except Exception as exc:
            raise claim.fail(f"tex_names(sizes) raised {type(exc).__name__} at sizes {sizes}: {one_line(exc)}; it must "
                             "return a mapping for every size in sizes=") from exc
        if isinstance(names, str) or not isinstance(names, Mapping):
            raise claim.fail(f"tex_names(sizes) returned a {type(names).__name__}; return a dict such as "
                             "{'lam': r'\\lambda', loss: 'J'}")
        _check_tex_names(claim, names)
    if not isinstance(statement, STATEMENT_KINDS):
        raise claim.fail(f"the statement is a {type(statement).__name__}; build it with one of "
                         + ", ".join(k.__name__ for k in STATEMENT_KINDS))
    try:
        fields = _expression_fields(statement)
    except ValueError as exc:
        raise claim.fail(str(exc)) from None
    for where, value in fields:
        if isinstance(value, (str, bytes)):
            raise claim.fail(f"the {where} is the text {value!r}; build expressions from SymPy objects "
                             "(sp.Symbol, sp.MatrixSymbol): dlverify never parses text into code")
    if isinstance(statement, Property) and statement.relation not in RELATIONS:
        raise claim.fail(f"Property relation={statement.relation!r}; use one of {RELATIONS}")
    if isinstance(statement, Inequality) and statement.relation not in INEQUALITY_RELATIONS:
        raise claim.fail(f"Inequality relation={statement.relation!r}; use one of {INEQUALITY_RELATIONS} "
                         "(for psd / nonnegative / positive of one expression, use Property)")
    if isinstance(statement, Minimiser) and not statement.smooth and not statement.cases:
        raise claim.fail("Minimiser(smooth=False) has no cases: its subgradient condition is checked case by case, "
                         "so it would be checked nowhere and only convexity would be shown; give "
                         'cases=(("description", {symbol: value}), ...) covering the domain')
    if isinstance(statement, Shape):
        problem = _expected_shape_problem(claim, statement.expected)
        if problem:
            raise claim.fail(problem)
    if isinstance(statement, LOGIC_KINDS) and statement_problem(statement):  # verify.logic_kinds
        raise claim.fail(statement_problem(statement))
    problem = _derivative_problem(claim, statement)
    if problem:
        raise claim.fail(problem)
    symbols = free_symbols(statement)
    for sym in sorted((s for s in symbols if isinstance(s, sp.MatrixSymbol)), key=lambda s: str(s.name)):
        for d in sym.shape:
            for s in sp.sympify(d, strict=True).free_symbols:
                if str(s.name) not in claim.sizes:
                    raise claim.fail(f"dimension {s} of {str(sym.name)!r} has no range; "
                                     f"add sizes={{{str(s.name)!r}: (lo, hi)}}")
    mentioned = _sites_of_symbols(statement) if not claim.is_builder else None
    unused = sorted(set(claim.domain) - mentioned) if mentioned is not None else []
    for sym in sorted(symbols, key=lambda s: str(s.name)):
        name = str(sym.name)
        if name in claim.sizes:
            continue
        if name not in claim.domain:
            suggestion = ("vector" if sym.shape[1] == 1 else "general") if isinstance(sym, sp.MatrixSymbol) else "real"
            typo = difflib.get_close_matches(name, unused, n=1, cutoff=0.0 if len(unused) == 1 else 0.5)
            hint = f" (domain= has {typo[0]!r}, which the statement does not use: a typo?)" if typo else ""
            raise claim.fail(f"symbol {name!r} appears in the statement but has no domain{hint}; "
                             f"add {name!r}: domains.{suggestion}() (or another domain) to domain=")
        dom = claim.domain[name]
        if isinstance(sym, sp.MatrixSymbol) == dom.scalar:
            what = "a matrix symbol" if isinstance(sym, sp.MatrixSymbol) else "a scalar symbol"
            fix = "e.g. domains.general() or domains.vector()" if dom.scalar else "e.g. domains.real()"
            raise claim.fail(f"symbol {name!r} is {what} but its domain {dom.name!r} is for "
                             f"{'scalars' if dom.scalar else 'matrices'}; give it a domain for "
                             f"{'matrices' if dom.scalar else 'scalars'}, {fix}")
    if unused:
        # a warning, not an error: a symbol the statement lost (A*A typed for A*B) is worth a look,
        # but a mutated or simplified statement that drops a symbol is still a checkable claim
        file, _, line = claim.defined_at.rpartition(":")
        warnings.warn_explicit(
            f"claim {claim.id!r}: domain= declares {', '.join(map(repr, unused))}, which the statement does not "
            "use (a typo, or a symbol the formula lost?); use it in the statement or remove it from domain=",
            ClaimDefinitionWarning, file or claim.defined_at, int(line) if line.isdigit() else 0)
    from .sizes import check_restrictions

    check_restrictions(claim, statement)  # warns about a domain that rules out sizes, refuses one that empties a range
    try:
        claim.smallest_sizes()  # raises when no size assignment satisfies the shape rules
    except ClaimDefinitionError:
        raise
    except Exception as exc:  # a builder that builds at the lower bounds but not at the sizes tried next
        raise _describe_build_failure(claim, None, exc) from exc
    if isinstance(statement, Minimiser) and not statement.smooth:
        try:
            _check_case_keys(claim)
        except ClaimDefinitionError:
            raise
        except Exception as exc:  # a builder that cannot build at the symbolic sizes
            raise _describe_build_failure(claim, None, exc) from exc
    _warn_if_trivially_true(claim)


def _warn_if_trivially_true(claim: Claim) -> None:
    """A warning, not an error: a claim whose two sides SymPy built as one expression is still
    checked (and passes), but the check says nothing about the notes (verify.trivial)."""
    try:
        pairs = trivially_true(claim)
    except Exception as exc:  # a builder that cannot build at the symbolic sizes
        raise _describe_build_failure(claim, None, exc) from exc
    if pairs:
        file, _, line = claim.defined_at.rpartition(":")
        warnings.warn_explicit(f"claim {claim.id!r}: {warning_text(pairs)}", ClaimDefinitionWarning,
                               file or claim.defined_at, int(line) if line.isdigit() else 0)
