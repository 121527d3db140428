"""Statement kinds for conditions, existence, limits and orders (data only).

* `Implies(then, given, premise)`: on the members where a premise holds (the domains `given`,
  overriding the claim's own for those symbols), the statement(s) `then` hold.
* `Equivalence(directions)`: several `Implies`, each checked on its own premise's members; an
  "iff" is its two directions (or a cycle of implications).
* `Exists(witness, conditions)`: the values `witness` (exact constants, or expressions in the
  claim's other symbols) meet every condition: an existence statement shown by an example, and
  a worked example's printed numbers (`rounds_to`).
* `Limit(expr, var, point, claimed)`: `lim_{var -> point} expr == claimed`.
* `Order(error, var, order, point)`: `error = O(|var - point|^order)` as `var -> point`.

The checks live in `verify.logic` and `verify.limits`; this module holds only the records, so
that `verify.claim` can list them without importing the checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Mapping

import sympy as sp

# relation -> (operator text, what it claims); a condition is one of these SymPy relationals
RELATIONS = {
    sp.Eq: ("=", "equal"),
    sp.Ne: ("!=", "different"),
    sp.StrictLessThan: ("<", "less"),
    sp.LessThan: ("<=", "at most"),
    sp.StrictGreaterThan: (">", "greater"),
    sp.GreaterThan: (">=", "at least"),
}


def _flatten(items) -> tuple:
    out = []
    for item in items if isinstance(items, (tuple, list)) else (items,):
        if isinstance(item, (tuple, list)):
            out.extend(_flatten(item))
        else:
            out.append(item)
    return tuple(out)


@dataclass(frozen=True)
class Implies:
    """`premise => then`: every member of the domains `given` (where the premise holds) meets the
    statement `then` (or each statement of a tuple).  Symbols not in `given` keep the claim's
    domain.  `premise` is the premise in words, for the report."""

    then: Any
    given: Mapping = field(default_factory=dict)
    premise: str = ""
    kind = "implication"

    @property
    def parts(self) -> tuple:
        return _flatten(self.then)

    def sides(self) -> list:
        from .claim import sides

        return [e for part in self.parts for e in sides(part)]


@dataclass(frozen=True)
class Equivalence:
    """Conditions that are equivalent: each `Implies` in `directions` is checked on its own
    premise's members (an "A iff B" is the two directions; a chain A => B => C => A, three)."""

    directions: tuple
    kind = "equivalence"

    def __post_init__(self):
        object.__setattr__(self, "directions", tuple(self.directions))

    def sides(self) -> list:
        return [e for d in self.directions if isinstance(d, Implies) for e in d.sides()]


@dataclass(frozen=True)
class Exists:
    """Some values meet the conditions: `witness` maps each bound symbol to its value (an exact
    constant such as `sp.Rational`, `sp.sqrt(2)` or `sp.CRootOf(p, k)`, or an expression in the
    claim's other symbols), and every condition (a SymPy relational `sp.Eq`, `sp.Lt`, ..., or an
    `Identity` for matrices; tuples are flattened) holds there."""

    witness: Mapping
    conditions: tuple
    kind = "existence"

    def __post_init__(self):
        object.__setattr__(self, "conditions", _flatten(self.conditions))

    @property
    def bound(self) -> tuple:
        return tuple(self.witness)

    def sides(self) -> list:
        from .claim import Identity

        out = []
        for c in self.conditions:
            if isinstance(c, Identity):
                out += [c.lhs, c.rhs]
            elif isinstance(c, sp.Basic) and type(c) in RELATIONS:
                out += [c.lhs, c.rhs]
            else:
                out.append(c)  # validation names it
        return out + [v for v in self.witness.values() if isinstance(v, sp.Basic) and not v.is_number]


@dataclass(frozen=True)
class Limit:
    """`lim_{var -> point} expr == claimed`; `point` is a number or `sp.oo`.  `var` is bound."""

    expr: Any
    var: sp.Symbol
    point: Any
    claimed: Any
    kind = "limit"

    @property
    def bound(self) -> tuple:
        return (self.var,)

    def sides(self) -> list:
        return [self.expr, self.claimed]


@dataclass(frozen=True)
class Order:
    """`error = O(|var - point|^order)` as `var -> point` (a bound, not the exact order): the
    error shrinks at least as fast as the `order`-th power of the step.  `var` is bound."""

    error: Any
    var: sp.Symbol
    order: int
    point: Any = 0
    kind = "order"

    @property
    def bound(self) -> tuple:
        return (self.var,)

    def sides(self) -> list:
        return [self.error]


LOGIC_KINDS = (Implies, Equivalence, Exists, Limit, Order)


def statement_problem(statement) -> str:
    """Why a statement of these kinds cannot be checked ('' when it can); the load step raises it."""
    from .claim import STATEMENT_KINDS
    from .domains import Domain

    if isinstance(statement, Equivalence):
        if len(statement.directions) < 2 or not all(isinstance(d, Implies) for d in statement.directions):
            return ("Equivalence(directions=...) needs two or more Implies(...), one per direction (A => B and "
                    "B => A), each checked on its own premise's members")
        for d in statement.directions:
            problem = statement_problem(d)
            if problem:
                return problem
    if isinstance(statement, Implies):
        if not isinstance(statement.premise, str) or statement.premise.count("$") % 2:
            return (f"Implies(premise={statement.premise!r}) must be a string whose math, if any, is between pairs "
                    "of dollars: 'the gradient vanishes at $P^{-1} b$'")
        if not isinstance(statement.given, Mapping):
            return f"Implies(given={statement.given!r}) is not a dict; map symbols to the domains where the premise holds"
        for key, dom in statement.given.items():
            if not isinstance(dom, Domain):
                return (f"Implies given[{getattr(key, 'name', key)!r}] = {dom!r} is not a domain; give one from "
                        "verify.domains, called (domains.rank_deficient())")
        for part in statement.parts:
            if isinstance(part, (Implies, Equivalence)) or not isinstance(part, STATEMENT_KINDS):
                return (f"Implies(then=...) holds {type(part).__name__}; give a statement (Identity, Property, "
                        "Minimiser, Exists, Limit, ...) or a tuple of them")
    if isinstance(statement, Exists):
        return condition_problem(statement)
    if isinstance(statement, (Limit, Order)):
        name = type(statement).__name__
        if not isinstance(statement.var, sp.Symbol):
            return f"{name} variable {statement.var!r} is not a scalar symbol; give sp.Symbol('t', ...)"
        point = sp.sympify(statement.point, strict=True)
        if not (point.is_number and (point.is_real or point in (sp.oo, -sp.oo))):
            return f"{name} point={statement.point!r}; give a real number, sp.oo or -sp.oo"
        if isinstance(statement, Order):
            if point in (sp.oo, -sp.oo):
                return "Order is about var -> a finite point; for var -> oo, state a Limit of the scaled error"
            if isinstance(statement.order, bool) or not isinstance(statement.order, int) or statement.order < 1:
                return f"Order order={statement.order!r}; give a positive integer (O(t^3): order=3)"
    return ""




def rounds_to(value, printed: str) -> tuple:
    """The conditions that `value` rounds to the decimal `printed` ("-1.3008"): it lies within half
    a unit of the last printed digit, `printed - u/2 <= value <= printed + u/2`."""
    if not isinstance(printed, str):
        raise TypeError(f"rounds_to(..., {printed!r}): give the printed number as a string, e.g. '-1.3008'")
    text = printed.strip().replace("\u2212", "-")
    digits = len(text.split(".", 1)[1]) if "." in text else 0
    exact = Fraction(text)  # a decimal, parsed as a number (never as code)
    q = sp.Rational(exact.numerator, exact.denominator)
    half = sp.Rational(1, 2 * 10 ** digits)
    return (sp.LessThan(q - half, value, evaluate=False), sp.LessThan(value, q + half, evaluate=False))


def condition_problem(statement: Exists) -> str:
    """Why an `Exists` cannot be checked ('' when it can)."""
    from .claim import Identity

    if not isinstance(statement.witness, dict) or not statement.witness:
        return "Exists(witness=...) needs a dict {symbol: value} with at least one entry"
    for k in statement.witness:
        if not isinstance(k, (sp.Symbol, sp.MatrixSymbol)):
            return f"Exists witness key {k!r} is not a symbol; key the witness by the symbols the conditions use"
    if not statement.conditions:
        return "Exists has no conditions; give the relations the witness must meet, e.g. sp.Eq(f(w), 0)"
    for c in statement.conditions:
        if isinstance(c, Identity) or (isinstance(c, sp.Basic) and type(c) in RELATIONS):
            continue
        if c in (sp.true, sp.false) or isinstance(c, bool):
            return (f"an Exists condition is the constant {c}: SymPy decided it while building it, so it is no "
                    "condition on the witness; write it in the witness symbols (sp.Lt(f(w1), f(w2)), not numbers)")
        return (f"the Exists condition {c!r} is not a relation; give sp.Eq, sp.Ne, sp.Lt, sp.Le, sp.Gt, sp.Ge "
                "(or Identity(lhs, rhs) for matrices)")
    return ""


_REL_TEX = {"=": "=", "!=": r"\neq", "<": "<", "<=": r"\le", ">": ">", ">=": r"\ge"}


def statement_tex(st, t, inner) -> str:
    """LaTeX body of a statement of these kinds: `t(expr)` prints an expression, `inner(statement)`
    a statement of another kind (the report's printer, verify.texstatement)."""
    from .claim import Identity

    def text(words: str) -> str:
        # a premise is prose with optional $...$ math: the prose is set in text mode, where the
        # characters with a meaning in TeX are escaped (MathJax and KaTeX refuse a bare ^ or _ there)
        out = []
        for i, part in enumerate(words.split("$")):
            if i % 2:  # between dollars: math, as written
                out.append(" " + part + " ")
                continue
            for char, plain in (("\\", ""), ("{", "("), ("}", ")"), ("_", r"\_"), ("^", r"\^{}"), ("&", r"\&"),
                                ("%", r"\%"), ("#", r"\#"), ("~", " ")):
                part = part.replace(char, plain)
            if part:
                out.append(r"\text{%s}" % part)
        return "".join(out)

    if isinstance(st, Implies):
        premise = text(st.premise) if st.premise else r"\text{(premise: the domains given)}"
        return r"%s \;\Rightarrow\; %s" % (premise, r",\quad ".join(inner(p) for p in st.parts))
    if isinstance(st, Equivalence):
        lines = [r"&\text{(%d)}\;\; %s" % (i, statement_tex(d, t, inner)) for i, d in enumerate(st.directions, 1)]
        return r"\begin{aligned} " + r" \\ ".join(lines) + r" \end{aligned}"
    if isinstance(st, Exists):
        names = ", ".join(t(k) for k in st.witness)
        rows = []
        for c in st.conditions:
            if isinstance(c, Identity):
                op, lhs, rhs = "=", c.lhs, c.rhs
            else:
                op, lhs, rhs = RELATIONS[type(c)][0], c.lhs, c.rhs
            rows.append(r"&%s %s %s" % (t(lhs), _REL_TEX[op], t(rhs)))
        witness = r",\; ".join(r"%s = %s" % (t(k), t(v)) for k, v in st.witness.items())
        return (r"\exists\, %s:\quad \begin{aligned} " % names + r" \\ ".join(rows) + r" \end{aligned}"
                + r"\qquad \text{witness: } %s" % witness)
    if isinstance(st, Limit):
        return r"\lim_{%s \to %s} %s = %s" % (t(st.var), t(st.point), t(st.expr), t(st.claimed))
    if isinstance(st, Order):
        step = t(st.var) if st.point == 0 else r"(%s - %s)" % (t(st.var), t(st.point))
        return r"%s = O\!\left(%s^{%d}\right) \text{ as } %s \to %s" % (t(st.error), step, st.order, t(st.var),
                                                                       t(st.point))
    raise TypeError(f"not a statement of verify.logic_kinds: {st!r}")
