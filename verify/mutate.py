"""Mutation testing of the engine: make small, realistic errors in true claims and count how
many the normal checks refute.

A *mutant* is a claim expected to hold with one node of one expression of its statement
rewritten by one operator (the errors textbooks ship: a lost minus sign, a missing factor 2, a
dropped or extra transpose, a product in the wrong order, an exponent off by one, two symbols
swapped, a dropped term, a neighbouring function).  Each mutant is run through exactly the
checks a claim gets (`verify.runner.run_claims`); it is *killed* when its verdict is `refuted`.

A mutant that is not refuted is then tested for *equivalence*: the mutated expression equals
the original one (an identity SymPy proves, e.g. a transposed symmetric matrix), or the
statement cannot tell them apart by its meaning (a positive multiple of a cost has the same
minimisers and the same exact line search; a positive multiple of a PSD matrix is PSD; a cost
changed by a term free of the variable has the same gradient).  Equivalences are proved by the
symbolic path, never assumed.  An equivalent mutant cannot be refuted when the original holds,
so testing only the survivors finds the same equivalent mutants as testing all of them first.
A survivor of an `Inequality` whose mutated side moved in the weakening direction (a smaller lhs
of `<=`, a larger rhs; mirrored for `>=`) is *implied* by its original when the symbolic path
proves that comparison of the two sides (`_implications`): it is as true as the original, so no
correct verifier can refute it, and it is not counted as killable.
Every remaining survivor is a finding: the instances are too weak, or the mutant is a true
statement that the report explains.

Statements built per size assignment (networks, MDP trajectories) are mutated at one size
assignment (`mutation_sizes`: one larger than the smallest where the statement stays small), and
their mutants are checked at those sizes.
Large statements are sampled: at most `per_operator` sites per operator and expression, spread
evenly over the tree, then at most `per_claim` mutants per claim, spread evenly over the
operators; the order is fixed, so a run is reproducible and the report says what was sampled.
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import sympy as sp
from sympy.matrices.common import ShapeError
from sympy.matrices.expressions.matexpr import MatrixElement, MatrixExpr

from ._errors import ClaimDefinitionError, ClaimDefinitionWarning
from .claim import (Algorithmic, Claim, Derivation, Expectation, Gradient, Identity, Inequality, Minimiser,
                    Property, Shape, free_symbols)
from .distributions import ExpectationOver, parameter_fields, parameter_slips, with_parameter
from .domains import positive, real
from .logic_kinds import Equivalence, Exists, Implies, Limit, Order
from .nodes import DERIVATIVE_NODES, Grad, Jacobian, sigmoid

OPERATORS = ("flip_sign", "scale_2", "scale_half", "drop_transpose", "add_transpose", "swap_product",
             "exponent", "swap_symbols", "drop_term", "neighbour_function", "reverse_relation",
             "distribution_parameter")

OPERATOR_TEXT = {
    "flip_sign": "negate a term, a side or a function argument",
    "scale_2": "multiply a term or a side by 2",
    "scale_half": "multiply a term or a side by 1/2",
    "drop_transpose": "remove a transpose",
    "add_transpose": "transpose a matrix symbol",
    "swap_product": "swap two adjacent factors of a matrix product",
    "exponent": "change an exponent by one (an inverse A^-1 becomes A)",
    "swap_symbols": "swap two symbols of the same domain and shape in one expression",
    "drop_term": "drop one term of a sum",
    "neighbour_function": "replace a function by its neighbour (sigmoid/tanh, log/exp, sin/cos, Max/Min)",
    "reverse_relation": "reverse an inequality (<= becomes >=, < becomes >)",
    "distribution_parameter": "a distribution parameter slip (sigma for sigma^2, 1 - p for p, lam + 1, a wider "
                              "interval, a probability moved to the next cell)",
}

REVERSED_RELATION = {"<=": ">=", ">=": "<=", "<": ">", ">": "<"}

NEIGHBOUR = {sigmoid: sp.tanh, sp.tanh: sigmoid, sp.exp: sp.log, sp.log: sp.exp, sp.sin: sp.cos,
             sp.cos: sp.sin, sp.Max: sp.Min, sp.Min: sp.Max}

# The expressions of each statement kind that mutants rewrite.  Algorithmic.conclusion is a
# Python function of the states, not an expression, and Minimiser.cases are the proof's case
# split, not part of the claim; neither is mutated.
FIELDS = {Identity: ("lhs", "rhs"), Gradient: ("f", "claimed"), Derivation: ("steps",),
          Minimiser: ("f", "point", "reference"), Expectation: ("probs", "values", "equals"),
          Property: ("expr",), Algorithmic: ("cost", "update", "step_rule"), Shape: ("expr",),
          # verify.logic_kinds: a limit's expression and value, an order's error, a witness's conditions
          Limit: ("expr", "claimed"), Order: ("error",), Exists: ("witness", "conditions"),
          Implies: (), Equivalence: (),  # the directions' statements are not mutated (yet)
          Inequality: ("lhs", "rhs"),
          ExpectationOver: ("expr", "equals")}  # and each distribution parameter (fields())

# Leaves whose arguments are names and dimensions, not sub-expressions.
_OPAQUE = (sp.MatrixSymbol, sp.Identity, sp.ZeroMatrix, sp.OneMatrix, sp.Symbol, sp.Dummy, sp.Number,
           sp.NumberSymbol)


@dataclass(frozen=True)
class Site:
    operator: str
    field: str  # "lhs", "steps[2]", ...
    path: tuple  # argument indices from the field's root
    before: Any
    after: Any


@dataclass(frozen=True)
class Mutant:
    original: Claim
    number: int
    site: Site
    statement: Any  # the mutated statement
    sizes: dict | None  # the fixed size assignment of a mutated builder, else None

    @property
    def id(self) -> str:
        return f"{self.original.id}.mutant_{self.number:03d}"

    @property
    def operator(self) -> str:
        return self.site.operator

    def describe(self) -> str:
        return (f"{self.site.operator} in {self.site.field}: {_short(self.site.before)}  ->  "
                f"{_short(self.site.after)}")

    def as_claim(self) -> Claim:
        c = self.original
        return _claim(id=self.id, title=f"mutant {self.number} of {c.id}: {self.describe()}", source=c.source,
                      statement=self.statement, domain=c.domain, expect="fails",
                      notes=f"Mutant of {c.id} ({OPERATOR_TEXT[self.operator]}).", rtol=c.rtol, atol=c.atol, tolerance_reason=c.tolerance_reason,
                      instances_of=c.instances_of or c.id, defined_at=c.defined_at, **self.size_fields())

    def size_fields(self) -> dict:
        """The size ranges of a claim made from this mutant: the original's, or for a mutated
        builder the one assignment it was mutated at."""
        c = self.original
        if self.sizes is None:
            return {"sizes": dict(c.sizes), "symbolic_sizes": c.symbolic_sizes, "size_rule": c.size_rule}
        return {"sizes": {k: (v, v) for k, v in self.sizes.items()}, "symbolic_sizes": (dict(self.sizes),)}

    def equivalence_claims(self) -> list[tuple[str, Claim]]:
        """Identities whose proof shows the mutant says the same as the original (those that can
        be stated: an ill-formed one is left out, and so is not proved)."""
        return _safe_equivalence_claims(self)


def _claim(**fields) -> Claim:
    """A generated claim.  A mutant may lose a symbol its original declared (a dropped term):
    that is the mutation, not a typo to warn the user about."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ClaimDefinitionWarning)
        return Claim(**fields)


def _short(expr, limit: int = 160) -> str:
    try:
        text = sp.sstr(expr)
    except Exception:  # SymPy's printer evaluates some unevaluated nodes; show the tree instead
        text = sp.srepr(expr)
    text = " ".join(text.split())  # one line: explicit matrices print over several
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- tree addressing -----------------------------------------------------------------------------


def _children(expr) -> list[tuple[int, Any]]:
    """The (index, argument) pairs a mutation may enter: not names, dimensions, indices, bound
    variables or the variable a derivative is taken with respect to."""
    if not isinstance(expr, sp.Basic) or isinstance(expr, _OPAQUE) or expr.is_Atom:
        return []
    args = list(expr.args)
    if isinstance(expr, DERIVATIVE_NODES):
        keep = [0] if args[2] == args[1] else [0, 2]
    elif isinstance(expr, MatrixElement):
        keep = [0]
    elif isinstance(expr, sp.Lambda):
        keep = [1]
    elif isinstance(expr, (sp.Sum, sp.Product)):
        keep = [0]
    elif isinstance(expr, sp.Piecewise):
        return [(i, a) for i, a in enumerate(args)]
    elif isinstance(expr, sp.functions.elementary.piecewise.ExprCondPair):
        keep = [0]
    elif isinstance(expr, sp.Tuple):
        keep = range(len(args))
    else:
        keep = range(len(args))
    return [(i, args[i]) for i in keep if isinstance(args[i], sp.Basic)]


def walk(expr, path: tuple = ()):
    """Pre-order (path, node) over the mutable positions of an expression."""
    yield path, expr
    for i, arg in _children(expr):
        yield from walk(arg, path + (i,))


def _matop(cls, *args):
    """`MatMul(*args)` or `MatAdd(*args)`; where SymPy's eager shape validation rejects the
    operands, the unvalidated node: the mutant is ill-formed, and refuting it is the engine's job."""
    try:
        return cls(*args)
    except ShapeError:
        return sp.Basic.__new__(cls, *map(sp.sympify, args))


def _rebuild(node, args):
    if isinstance(node, (sp.MatMul, sp.MatAdd)):
        return _matop(node.func, *args)
    return node.func(*args)


def replace_at(expr, path: tuple, new):
    """`expr` with the node at `path` replaced by `new` (ill-formed products are allowed: they
    are mutants for the engine to refute, not errors)."""
    if not path:
        return new
    args = list(expr.args)
    args[path[0]] = replace_at(args[path[0]], path[1:], new)
    return _rebuild(expr, args)


def _is_matrix(e) -> bool:
    return isinstance(e, MatrixExpr) or getattr(e, "is_Matrix", False)


def _scaled(term, factor):
    if isinstance(term, sp.MatrixBase):  # an explicit matrix: scale its entries
        return term.applyfunc(lambda e: factor * e)
    return _matop(sp.MatMul, factor, term) if _is_matrix(term) else factor * term


def _negated(term):
    if isinstance(term, sp.MatrixBase):
        return term.applyfunc(lambda e: -e)
    return _matop(sp.MatMul, -1, term) if _is_matrix(term) else -term


# --- operators: each yields (path, new node) for one field ----------------------------------------


def _term_sites(expr):
    """Terms of sums, the root, and the arguments of functions: where a sign or factor slips."""
    seen = set()
    for path, node in walk(expr):
        if not path and not isinstance(node, (sp.Add, sp.MatAdd)):
            seen.add(path)
            yield path, node
        if isinstance(node, (sp.Add, sp.MatAdd)):
            for i, arg in _children(node):
                if path + (i,) not in seen:
                    seen.add(path + (i,))
                    yield path + (i,), arg
        if isinstance(node, sp.Function) and not isinstance(node, (sp.Max, sp.Min)):
            for i, arg in _children(node):
                if path + (i,) not in seen and not isinstance(arg, (sp.Lambda, sp.Tuple)):
                    seen.add(path + (i,))
                    yield path + (i,), arg


def op_flip_sign(expr):
    for path, node in _term_sites(expr):
        yield path, _negated(node)


def op_scale_2(expr):
    for path, node in _term_sites(expr):
        yield path, _scaled(node, sp.Integer(2))


def op_scale_half(expr):
    for path, node in _term_sites(expr):
        yield path, _scaled(node, sp.Rational(1, 2))


def op_drop_transpose(expr):
    for path, node in walk(expr):
        if isinstance(node, sp.Transpose):
            yield path, node.arg


def op_add_transpose(expr):
    for path, node in walk(expr):
        for i, arg in _children(node):
            if isinstance(arg, sp.MatrixSymbol) and arg.shape != (1, 1):
                yield path + (i,), sp.Transpose(arg)
    if isinstance(expr, sp.MatrixSymbol):
        yield (), sp.Transpose(expr)


def op_swap_product(expr):
    for path, node in walk(expr):
        if isinstance(node, sp.MatMul):
            args = list(node.args)
            mats = [i for i, a in enumerate(args) if _is_matrix(a)]
            for a, b in zip(mats, mats[1:]):
                swapped = list(args)
                swapped[a], swapped[b] = args[b], args[a]
                yield path, _matop(sp.MatMul, *swapped)


def op_exponent(expr):
    for path, node in walk(expr):
        if isinstance(node, sp.Inverse):  # a subclass of MatPow whose exponent is fixed at -1
            yield path, node.arg
        elif isinstance(node, (sp.Pow, sp.MatPow)) and node.exp.is_Rational:
            for delta in (1, -1):
                yield path, node.func(node.base, node.exp + delta)


def op_drop_term(expr):
    for path, node in walk(expr):
        if isinstance(node, (sp.Add, sp.MatAdd)) and len(node.args) >= 2:
            for i in range(len(node.args)):
                rest = node.args[:i] + node.args[i + 1:]
                if len(rest) == 1:
                    yield path, rest[0]
                elif isinstance(node, sp.MatAdd):
                    yield path, _matop(sp.MatAdd, *rest)
                else:
                    yield path, sp.Add(*rest)


def op_neighbour_function(expr):
    for path, node in walk(expr):
        new = NEIGHBOUR.get(node.func) if isinstance(node, sp.Basic) else None
        if new is not None and isinstance(node, sp.Function):
            yield path, new(*node.args)


def _symbols_by_kind(claim: Claim, expr) -> dict:
    groups: dict = {}
    for sym in free_symbols(Shape(expr)):
        name = str(sym.name)
        dom = claim.domain.get(name)
        if dom is None or name in claim.sizes:
            continue
        key = (dom.name, dom.description, str(getattr(sym, "shape", ())))
        groups.setdefault(key, []).append(sym)
    return groups


def swap_symbol_sites(claim: Claim, expr):
    for key in sorted(_symbols_by_kind(claim, expr)):
        group = sorted(_symbols_by_kind(claim, expr)[key], key=lambda s: str(s.name))
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                yield (), expr.xreplace({a: b, b: a}), f"{a} <-> {b}"


OPERATOR_FUNCTIONS: dict[str, Callable] = {
    "flip_sign": op_flip_sign, "scale_2": op_scale_2, "scale_half": op_scale_half,
    "drop_transpose": op_drop_transpose, "add_transpose": op_add_transpose, "swap_product": op_swap_product,
    "exponent": op_exponent, "drop_term": op_drop_term, "neighbour_function": op_neighbour_function,
}


def _node_at(expr, path: tuple):
    for i in path:
        expr = expr.args[i]
    return expr


# --- fields ----------------------------------------------------------------------------------------


def fields(statement) -> list[tuple[str, Any]]:
    """The mutable expressions of a statement as (label, expression)."""
    out = []
    for name in FIELDS[type(statement)]:
        value = getattr(statement, name)
        if isinstance(statement, Exists) and name == "conditions":  # each side of each relation
            for i, c in enumerate(value):
                out += [(f"{name}[{i}].lhs", c.lhs), (f"{name}[{i}].rhs", c.rhs)]
        elif isinstance(value, tuple):
            out.extend((f"{name}[{i}]", v) for i, v in enumerate(value) if isinstance(v, sp.Basic))
        elif isinstance(value, dict):  # an Exists witness: {symbol: value}
            out.extend((f"{name}[{k.name}]", sp.sympify(v, strict=True)) for k, v in value.items())
        elif isinstance(value, sp.Basic):
            out.append((name, value))
    if isinstance(statement, ExpectationOver):
        out += parameter_fields(statement)
    return out


def with_field(statement, label: str, new):
    if isinstance(statement, ExpectationOver) and "over[" in label:
        return with_parameter(statement, label, new)
    if label.endswith((".lhs", ".rhs")):  # a side of an Exists condition
        index, side = int(label[label.index("[") + 1:label.index("]")]), label[-3:]
        values = list(statement.conditions)
        c = values[index]
        sides = {"lhs": c.lhs, "rhs": c.rhs, side: new}
        values[index] = (dataclasses.replace(c, **sides) if isinstance(c, Identity)
                         else type(c)(sides["lhs"], sides["rhs"], evaluate=False))
        return dataclasses.replace(statement, conditions=tuple(values))
    if "[" in label:
        name, index = label[:-1].split("[")
        if isinstance(getattr(statement, name), dict):
            values = {k: (new if k.name == index else v) for k, v in getattr(statement, name).items()}
            return dataclasses.replace(statement, **{name: values})
        values = list(getattr(statement, name))
        values[int(index)] = new
        return dataclasses.replace(statement, **{name: tuple(values)})
    return dataclasses.replace(statement, **{label: new})


def _spread(items: list, limit: int) -> list:
    if len(items) <= limit:
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def sites(claim: Claim, statement, operators: Iterable[str] = OPERATORS,
          per_operator: int = 1) -> tuple[list[Site], dict]:
    """The mutation sites of a statement: for every operator and every expression of the
    statement, at most `per_operator` sites spread evenly over the expression's tree (all of them
    when there are fewer); and per operator the number of sites there are before sampling."""
    found: list[Site] = []
    available: dict[str, int] = {}
    for op in operators:
        available[op] = 0
        for label, expr in fields(statement):
            if op == "reverse_relation":  # not an expression: the Inequality's relation, once per statement
                continue
            if op == "swap_symbols":
                candidates = [Site(op, label, path, expr, new) for path, new, _ in swap_symbol_sites(claim, expr)]
            elif op == "distribution_parameter":
                candidates = ([Site(op, label, (), expr, new) for new in parameter_slips(statement, label)]
                              if "over[" in label else [])
            else:
                candidates = [Site(op, label, path, _node_at(expr, path), new)
                              for path, new in OPERATOR_FUNCTIONS[op](expr)]
            available[op] += len(candidates)
            found.extend(_spread(candidates, per_operator))
        if op == "reverse_relation" and isinstance(statement, Inequality):
            available[op] += 1
            found.append(Site(op, "relation", (), statement.relation, REVERSED_RELATION[statement.relation]))
    return found, available


def _apply(statement, site: Site):
    if site.operator == "reverse_relation":
        return dataclasses.replace(statement, relation=site.after)
    expr = dict(fields(statement))[site.field]
    if site.operator == "swap_symbols":
        return with_field(statement, site.field, site.after)
    return with_field(statement, site.field, replace_at(expr, site.path, site.after))


@dataclass
class MutationPlan:
    claim: Claim
    mutants: list
    available: dict  # operator -> sites found before sampling
    identical: int  # mutants structurally identical to the original after SymPy's auto-simplification
    duplicates: int  # mutants identical to an earlier mutant
    stillborn: list  # (site, error) for mutants SymPy refused to construct


def mutation_sizes(claim: Claim, max_nodes: int = 3000) -> dict:
    """Where a built statement is mutated: the smallest admissible sizes with every dimension one
    larger where its range and the claim's rules allow and the statement stays small (at the very
    smallest sizes some slips are invisible: every 2 x 2 matrix with unit diagonal and entries in
    (0, 1] is PSD, kernel or not); else the smallest admissible sizes."""
    from .claim import size_assignment_ok

    small = claim.smallest_sizes()
    larger = {k: min(v + 1, claim.sizes[k][1]) for k, v in small.items()}
    if larger != small and size_assignment_ok(claim, larger):
        try:
            if sum(1 for e in _statement_exprs(claim.build(larger)) for _ in sp.preorder_traversal(e)) <= max_nodes:
                return larger
        except Exception:  # a builder that cannot build there: stay at the smallest sizes
            pass
    return small


def _statement_exprs(statement) -> list:
    return [e for _, e in fields(statement)]


def plan(claim: Claim, operators: Iterable[str] = OPERATORS, per_operator: int = 1,
         per_claim: int | None = 12) -> MutationPlan:
    """The mutants of one claim, numbered in a fixed order: `per_operator` sites per operator and
    expression, then at most `per_claim` of those, spread evenly over the operators' list."""
    sizes = mutation_sizes(claim) if claim.is_builder else None
    statement = claim.build(sizes) if sizes is not None else claim.statement
    found, available = sites(claim, statement, operators, per_operator)
    if per_claim is not None:
        found = _spread(found, per_claim)
    mutants, seen, identical, duplicates, stillborn = [], set(), 0, 0, []
    original_key = sp.srepr(tuple(e for _, e in fields(statement))) + str(getattr(statement, "relation", ""))
    for site in found:
        try:
            mutated = _apply(statement, site)
        except Exception as exc:  # SymPy refuses some rewritten trees (e.g. a product it validates eagerly)
            stillborn.append((site, f"{type(exc).__name__}: {exc}"))
            continue
        key = sp.srepr(tuple(e for _, e in fields(mutated))) + str(getattr(mutated, "relation", ""))
        if key == original_key:
            identical += 1
            continue
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        mutant = Mutant(claim, len(mutants) + 1, site, mutated, sizes)
        try:  # the claim's own load-time checks (e.g. a Jacobian of a matrix): refused like a user's claim
            mutant.as_claim()
        except ClaimDefinitionError as exc:
            stillborn.append((site, f"refused at load: {exc.message}"))
            continue
        mutants.append(mutant)
    return MutationPlan(claim, mutants, available, identical, duplicates, stillborn)


# --- equivalence ------------------------------------------------------------------------------------


def _derivative(f, wrt):
    return Grad(f, wrt) if getattr(f, "shape", (1, 1)) == (1, 1) else Jacobian(f, wrt)


def _equivalences(m: Mutant) -> list[tuple[str, Any, Any]]:
    """(why, lhs, rhs): if SymPy proves lhs == rhs on the domain, the mutant is equivalent."""
    original = m.original.build(m.sizes) if m.sizes is not None else m.original.statement
    if m.site.field == "relation":  # a reversed inequality: no expression to compare
        return []
    before = dict(fields(original))[m.site.field]
    after = dict(fields(m.statement))[m.site.field]
    out = [("the mutated expression equals the original one on the domain", after, before)]
    st = m.statement
    half, two = sp.Rational(1, 2), sp.Integer(2)
    if isinstance(st, Minimiser) and m.site.field == "f":
        for c in (1, two, half):
            out.append((f"the mutated cost has {c if c != 1 else 'the same'} times the original gradient everywhere, "
                        "so the same minimisers", _derivative(after, st.wrt), _scaled(_derivative(before, st.wrt), c)))
    if isinstance(st, Gradient) and m.site.field == "f":
        out.append(("the mutated function differs by a term free of the variable: same derivative",
                    _derivative(after, st.wrt), _derivative(before, st.wrt)))
    if isinstance(st, Algorithmic) and m.site.field == "cost":
        for c in (1, two, half):
            out.append((f"the mutated cost is {c} times the original along every line (same exact line search)",
                        after, _scaled(before, c)))
    if isinstance(st, Algorithmic) and m.site.field == "update" and st.step_rule == "exact_line_search":
        for c in (two, half):
            out.append((f"the mutated update is the original with the step {st.step} replaced by {c}*{st.step}: an "
                        "exact line search over every step >= 0 reaches the same states",
                        after, before.xreplace({st.step: c * st.step})))
    if isinstance(st, Property) and m.site.field == "expr" and st.relation in ("psd", "nonnegative", "positive"):
        for c in (two, half):
            out.append((f"the mutated expression is {c} times the original: the relation '{st.relation}' is "
                        "unchanged by a positive factor", after, _scaled(before, c)))
    return out


def _implications(m: Mutant) -> list[tuple[str, Inequality]]:
    """(why, inequality): if the symbolic path proves the inequality on the domain, the mutant is
    implied by its original.  Only a mutated side of an Inequality, moved in the weakening
    direction: for `lhs <= rhs` (or `<`) a mutated lhs must be <= the original lhs and a mutated rhs
    >= the original rhs (then lhs' <= lhs <= rhs, or lhs <= rhs <= rhs'); mirrored for `>=` and `>`.
    The non-strict comparison suffices for a strict relation (lhs' <= lhs < rhs).  A reversed
    relation is never implied."""
    st = m.statement
    if not isinstance(st, Inequality) or m.site.field not in ("lhs", "rhs"):
        return []
    original = m.original.build(m.sizes) if m.sizes is not None else m.original.statement
    if not isinstance(original, Inequality) or original.relation != st.relation:
        return []
    side = m.site.field
    before, after = getattr(original, side), getattr(st, side)
    relation = "<=" if (side == "lhs") == (st.relation in ("<=", "<")) else ">="
    why = (f"the mutated {side} is {relation} the original {side} on the domain, so the mutant follows from the "
           f"original `lhs {st.relation} rhs`: it is implied by it and rests on the original's own verdict")
    return [(why, Inequality(after, before, relation))]


def _implication_claim(m: Mutant, cid: str, statement: Inequality) -> Claim:
    c = m.original
    return _claim(id=cid, title=f"implication of {m.id}", source=c.source, statement=statement,
                  domain=dict(c.domain), defined_at=c.defined_at, **m.size_fields())


def _identity_claim(m: Mutant, cid: str, lhs, rhs) -> Claim:
    c = m.original
    domain = dict(c.domain)
    if isinstance(m.statement, Algorithmic):  # the step is bound in the claim, free in the identity
        domain[str(m.statement.step.name)] = positive()
    # a variable the statement binds (a Limit's or Order's variable, a witness) is free in the identity:
    # proved for every positive (or real) value, it holds wherever the statement takes it
    free = set().union(*(getattr(e, "free_symbols", set()) for e in (lhs, rhs)))
    for var in getattr(m.statement, "bound", ()):
        if isinstance(var, sp.Symbol) and var in free and str(var.name) not in domain:
            domain[str(var.name)] = positive() if var.is_positive else real()
    return _claim(id=cid, title=f"equivalence of {m.id}", source=c.source, statement=Identity(lhs, rhs),
                  domain=domain, defined_at=c.defined_at, **m.size_fields())


# --- running -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MutantOutcome:
    mutant: Mutant
    verdict: str
    reason: str
    status: str  # one of STATUSES (see status_of)
    equivalence: str = ""  # why, for an equivalent mutant
    implication: str = ""  # why, for a mutant implied by its original
    seconds_symbolic: float = 0.0
    seconds_numeric: float = 0.0

    @property
    def id(self) -> str:
        return self.mutant.id

    @property
    def operator(self) -> str:
        return self.mutant.operator


def status_of(verdict: str, reason: str, equivalence: str, implication: str = "") -> str:
    """`killed` (refuted); `undefined` (the mutant has NaN/inf values on the claim's domain: an
    `error` verdict, which stops it as surely as a refutation, counted apart); `equivalent`
    (proved to say the same as the original); `true` (a different statement, but proved on both
    paths: no correct verifier can kill it, and a person explains it); `implied` (not proved
    itself, but SymPy proves that the original implies it: an inequality with one side moved in
    the weakening direction; it is as true as the original, so no correct verifier can kill it);
    or `survived`."""
    if verdict == "refuted":
        return "killed"
    if equivalence:
        return "equivalent"
    if verdict == "error" and "non-finite" in reason:
        return "undefined"
    if verdict == "proved":
        return "true"
    return "implied" if implication else "survived"


def prove_equivalence(mutant: Mutant, budget: float) -> str:
    """The first equivalence of `mutant` the symbolic path proves, or '' (never assumed)."""
    return _equivalences_proved([mutant], budget, jobs=1)[mutant.id]


def _equivalences_proved(mutants: list, budget: float, *, jobs: int) -> dict:
    """For each mutant, the first of its equivalences (in their order) that the symbolic path
    proves, or ''.  Every equivalence of every mutant is checked, `jobs` at a time."""
    asked = [(m.id, why, claim) for m in mutants for why, claim in m.equivalence_claims()]
    return _first_proved(mutants, asked, budget, jobs, "proved by SymPy")


def prove_implication(mutant: Mutant, budget: float) -> str:
    """Why the original implies `mutant` (the weakening of a side the symbolic path proves), or ''."""
    return _implications_proved([mutant], budget, jobs=1)[mutant.id]


def _implications_proved(mutants: list, budget: float, *, jobs: int) -> dict:
    """For each mutant, why its original implies it, or '': the symbolic path must prove the
    comparison of the mutated side with the original one (`proved`; a numeric pass is not enough)."""
    asked = [(m.id, why, claim) for m in mutants
             for why, claim in _stated(m, "implication", _implications(m), _implication_claim)]
    return _first_proved(mutants, asked, budget, jobs, "the comparison proved by SymPy")


def _first_proved(mutants: list, asked: list, budget: float, jobs: int, label: str) -> dict:
    """mutant id -> the reason of its first claim in `asked` ((mutant id, why, claim), in order)
    that the symbolic path proves, with `label` and the proof's scope; '' when none is proved."""
    from .runner import run_symbolic

    results = run_symbolic([claim for _, _, claim in asked], budget=budget, jobs=jobs) if asked else []
    found = {m.id: "" for m in mutants}
    for (mutant_id, why, _), (result, _) in zip(asked, results):
        if not found[mutant_id] and result.status == "proved":
            found[mutant_id] = f"{why} ({label}, {result.scope})"
    return found


def _safe_equivalence_claims(mutant: Mutant) -> list:
    return _stated(mutant, "equivalence", _equivalences(mutant), _identity_claim)


def _stated(mutant: Mutant, kind: str, items: list, make: Callable) -> list:
    """[(why, claim), ...] for the (why, *parts) in `items`, each claim made by make(mutant, id, *parts);
    one that cannot even be stated (e.g. ill-formed) is left out: it is not proved."""
    out = []
    for k, (why, *parts) in enumerate(items):
        try:
            out.append((why, make(mutant, f"{mutant.id}.{kind}_{k}", *parts)))
        except Exception:
            continue
    return out


def run_mutants(plans: list[MutationPlan], *, seed: int = 0, instances: int = 32, symbolic_budget: float = 30.0,
                equivalence_budget: float = 30.0, progress: Callable[[MutantOutcome], None] | None = None,
                **run_options) -> list[MutantOutcome]:
    """Check every mutant of every plan with the normal checks, then test the survivors for
    equivalence, and those still unexplained for implication by their original."""
    from .runner import run_claims

    mutants = [m for p in plans for m in p.mutants]
    by_id = {m.id: m for m in mutants}
    outcomes = []
    survivors = []
    jobs = run_options.get("jobs", 1)

    def report(result, equivalence, implication=""):
        m = by_id[result.id]
        outcome = MutantOutcome(m, result.verdict, result.reason,
                                status_of(result.verdict, result.reason, equivalence, implication),
                                equivalence, implication, result.seconds_symbolic, result.seconds_numeric)
        outcomes.append(outcome)
        if progress:
            progress(outcome)

    def finished(result):
        if result.verdict == "refuted":
            report(result, "")
        else:  # its equivalences are proved (or not) below, all at once
            survivors.append(result)

    run_claims([m.as_claim() for m in mutants], seed=seed, instances=instances, symbolic_budget=symbolic_budget,
               progress=finished, **run_options)
    proved = _equivalences_proved([by_id[r.id] for r in survivors], equivalence_budget, jobs=jobs)
    # a survivor neither equivalent, nor undefined, nor proved itself: is it implied by its original?
    unexplained = [by_id[r.id] for r in survivors if status_of(r.verdict, r.reason, proved[r.id]) == "survived"]
    implied = _implications_proved(unexplained, equivalence_budget, jobs=jobs)
    for result in survivors:
        report(result, proved[result.id], implied.get(result.id, ""))
    order = {m.id: i for i, m in enumerate(mutants)}
    return sorted(outcomes, key=lambda o: order[o.id])


# --- summaries and reports ------------------------------------------------------------------------

STATUSES = ("killed", "undefined", "equivalent", "true", "implied", "survived")


@dataclass
class Tally:
    generated: int = 0
    killed: int = 0
    undefined: int = 0
    equivalent: int = 0
    true: int = 0
    implied: int = 0
    survived: int = 0

    def add(self, status: str) -> None:
        self.generated += 1
        setattr(self, status, getattr(self, status) + 1)

    @property
    def non_equivalent(self) -> int:
        return self.generated - self.equivalent

    @property
    def kill_rate(self) -> float | None:
        """Killed among the non-equivalent mutants (proved-true mutants count as not killed)."""
        return (self.killed + self.undefined) / self.non_equivalent if self.non_equivalent else None

    @property
    def killable(self) -> int:
        """Neither equivalent, nor proved true, nor implied by the original: no correct verifier
        can kill those."""
        return self.non_equivalent - self.true - self.implied

    @property
    def kill_rate_killable(self) -> float | None:
        """Killed among the mutants that are neither equivalent, nor proved true, nor implied."""
        return (self.killed + self.undefined) / self.killable if self.killable else None

    def as_dict(self) -> dict:
        def r(x):
            return None if x is None else round(x, 6)

        return {**dataclasses.asdict(self), "non_equivalent": self.non_equivalent, "killable": self.killable,
                "kill_rate": r(self.kill_rate), "kill_rate_killable": r(self.kill_rate_killable)}


def tallies(outcomes: list[MutantOutcome]) -> dict[str, dict[str, Tally]]:
    """Tallies per claim, per statement kind, per operator, and in total."""
    groups: dict[str, dict[str, Tally]] = {"claim": {}, "kind": {}, "operator": {}, "total": {}}
    for o in outcomes:
        for group, key in (("claim", o.mutant.original.id), ("kind", o.mutant.statement.kind),
                           ("operator", o.operator), ("total", "all")):
            groups[group].setdefault(key, Tally()).add(o.status)
    return groups


def explanation(outcome: MutantOutcome, notes: dict) -> str:
    """Why a mutant survived: a note written by a person for this exact mutation (keyed by the
    claim id and the mutation's description), else what the engine computed."""
    key = (outcome.mutant.original.id, outcome.mutant.describe())
    if key in notes:
        return notes[key]
    if outcome.status == "true":
        return ("not yet explained by a person; the engine proved the mutant on both paths, so it is a true "
                "statement that differs from the original")
    if outcome.status == "implied":
        return outcome.implication
    return "NOT EXPLAINED: a finding to investigate (weak instances, or a true statement the engine cannot prove)"


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def _table(title: str, rows: dict[str, Tally]) -> list[str]:
    out = [f"### {title}", "", f"| {title.split()[-1]} | mutants | killed (refuted) | killed (undefined) | equivalent "
           "| true (proved) | implied | survived | kill rate | kill rate, killable |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for key in sorted(rows):
        t = rows[key]
        out.append(f"| `{key}` | {t.generated} | {t.killed} | {t.undefined} | {t.equivalent} | {t.true} | {t.implied} | {t.survived} "
                   f"| {_pct(t.kill_rate)} | {_pct(t.kill_rate_killable)} |")
    return out + [""]


def markdown(plans: list[MutationPlan], outcomes: list[MutantOutcome], *, settings: dict, notes: dict) -> str:
    g = tallies(outcomes)
    total = g["total"].get("all", Tally())
    dropped = sum(p.identical for p in plans)
    dup = sum(p.duplicates for p in plans)
    still = sum(len(p.stillborn) for p in plans)
    lines = [
        "# Mutation testing of the claims",
        "",
        "Generated by `dlverify mutate` (" + ", ".join(f"{k} {v}" for k, v in settings.items()) + "). "
        "Replay: `" + settings_command(settings) + "`.",
        "",
        "Each mutant is a claim expected to hold with one expression rewritten by one operator; it is run "
        "through the normal checks (with `confirm_seconds` for the exact re-evaluation of a numeric "
        "counterexample: one that is not confirmed in that time still counts, as in a normal run that runs "
        "out of its 60 s) and is *killed* when its verdict is `refuted`. A mutant whose values are NaN or "
        "infinite on the claim's domain (e.g. log of a negative number) gets the verdict `error` and is counted "
        "as *killed (undefined)*. A mutant that is not refuted is *equivalent* when SymPy proves that it says "
        "the same as the original (the same expression on the domain, or the same meaning: a positive multiple "
        "of a cost, of a PSD matrix; see `verify/mutate.py`). A mutant that is *true* is a different statement "
        "that the engine proves on both paths: no correct verifier can kill it, so it is explained below rather "
        "than counted as a weakness. A mutant that is *implied* is an inequality with one side moved in the "
        "weakening direction (a smaller lhs of `<=`, a larger rhs; mirrored for `>=`): SymPy proves the mutated "
        "side against the original one on the domain, so the mutant follows from the original and is as true as "
        "the original's own verdict makes it; it is not counted as killable either. Anything else *survives* and "
        "is a finding, listed below.",
        "",
        f"**Kill rate: {_pct(total.kill_rate_killable)}** of the {total.killable} killable mutants "
        f"(non-equivalent, not proved true, not implied); {_pct(total.kill_rate)} of all {total.non_equivalent} "
        f"non-equivalent mutants. Of {total.generated} mutants run: {total.killed} refuted, {total.undefined} "
        f"undefined, {total.equivalent} equivalent, {total.true} true, {total.implied} implied, {total.survived} "
        "survived. Before running, "
        f"{dropped} mutants identical to their original after SymPy's automatic simplification and {dup} "
        f"duplicates of other mutants were dropped" + (f", and {still} could not be constructed" if still else "")
        + ".",
        "",
        "Operators: " + "; ".join(f"`{op}`: {OPERATOR_TEXT[op]}" for op in OPERATORS) + ".",
        "",
    ]
    lines += _table("Per statement kind", g["kind"]) + _table("Per operator", g["operator"])
    lines += _table("Per claim", g["claim"])
    sampled = sum(available for p in plans for available in p.available.values())
    lines += [f"Sampling: the operators apply at {sampled} sites of these claims; `per_operator` = "
              f"{settings.get('per_operator')} site(s) per operator and expression and at most `per_claim` = "
              f"{settings.get('per_claim')} mutants per claim were taken, spread evenly (a fixed order, so the "
              "run replays). Raise both to test more.", ""]
    survivors = [o for o in outcomes if o.status in ("survived", "true")]
    lines += ["## Survivors (true mutants and findings)", ""]
    if not survivors:
        lines += ["None.", ""]
    for o in survivors:
        lines += [f"### `{o.id}` ({o.status})", "", f"- claim: `{o.mutant.original.id}` ({o.mutant.statement.kind})",
                  f"- mutation: {o.operator} in `{o.mutant.site.field}`: `{_short(o.mutant.site.before, 400)}` "
                  f"becomes `{_short(o.mutant.site.after, 400)}`",
                  f"- verdict: {o.verdict}: {o.reason}", f"- explanation: {explanation(o, notes)}", ""]
    implied = [o for o in outcomes if o.status == "implied"]
    lines += ["## Mutants implied by their original", ""]
    lines += [f"- `{o.id}` (verdict {o.verdict}): {o.mutant.describe()}: {o.implication}" for o in implied] or ["None."]
    equivalent = [o for o in outcomes if o.status == "equivalent"]
    lines += ["", "## Equivalent mutants", ""]
    lines += [f"- `{o.id}`: {o.mutant.describe()}: {o.equivalence}" for o in equivalent] or ["None."]
    lines += ["", "## Mutants that could not be constructed", "",
              "Not run and not counted: SymPy refused the rewritten tree, or the claim's load-time checks refused "
              "the mutant as a user's claim would be refused.", ""]
    lines += [f"- `{p.claim.id}`: {site.operator} in `{site.field}`: `{_short(site.before, 200)}` becomes "
              f"`{_short(site.after, 200)}`: {_short(why, 300)}" for p in plans for site, why in p.stillborn] or ["None."]
    return "\n".join(lines) + "\n"


def settings_command(settings: dict) -> str:
    return (f"dlverify mutate {' '.join(settings.get('selectors', ['all']))} --seed {settings['seed']} "
            f"--instances {settings['instances']} --per-operator {settings['per_operator']} "
            f"--per-claim {settings['per_claim']} --budget {settings['budget']:g}"
            + (f" --confirm-seconds {settings['confirm_seconds']:g}" if "confirm_seconds" in settings else ""))


def as_json(plans: list[MutationPlan], outcomes: list[MutantOutcome], *, settings: dict, notes: dict) -> str:
    import json

    g = tallies(outcomes)
    doc = {
        "settings": settings,
        "total": g["total"].get("all", Tally()).as_dict(),
        "per_kind": {k: t.as_dict() for k, t in sorted(g["kind"].items())},
        "per_operator": {k: t.as_dict() for k, t in sorted(g["operator"].items())},
        "per_claim": {k: t.as_dict() for k, t in sorted(g["claim"].items())},
        "dropped_before_running": {p.claim.id: {"identical": p.identical, "duplicates": p.duplicates,
                                                "stillborn": len(p.stillborn), "sites": p.available}
                                   for p in plans},
        "mutants": [{"id": o.id, "claim": o.mutant.original.id, "kind": o.mutant.statement.kind,
                     "operator": o.operator, "field": o.mutant.site.field, "before": sp.sstr(o.mutant.site.before),
                     "after": sp.sstr(o.mutant.site.after), "verdict": o.verdict, "reason": o.reason,
                     "status": o.status, "equivalence": o.equivalence, "implication": o.implication,
                     "explanation": explanation(o, notes) if o.status in ("survived", "true") else ""}
                    for o in outcomes],
    }
    return json.dumps(doc, indent=1, sort_keys=False) + "\n"
