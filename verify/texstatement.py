r"""LaTeX of whole statements: `statement_latex(st, names)` prints a statement of any kind (those of
`verify.claim`, `verify.logic_kinds` and `verify.distributions`) and the "where" lines that define
the names it introduced, as a `StatementTeX`; `printer_for(st, names)` is the printer it uses, for
other expressions about the same statement.

A differentiated function (or a minimised objective, or an update rule's cost) that is long, or
named in `tex_names`, prints as `J(z)` with a where line `J(z) = ...`; an expression that is that
function applied at another point, exactly as stored, prints as `J(p)` (`_choose_functions`).
Expressions print under the conventions of `verify.texprint`; names under those of `verify.texnames`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import sympy as sp
from sympy.printing.precedence import PRECEDENCE

from .nodes import Grad, Jacobian
from .texnames import FunctionName, canonical
from .texprint import ClaimLatexPrinter, fit, github_safe

# --- whole statements ----------------------------------------------------------------------------

LONG = 150  # a differentiated function or objective longer than this (LaTeX characters) gets a name
SMALL_BODY = 300  # functions up to this many nodes are also looked for at other points (C(theta - eta g))
REPEATED = 40  # ... or one printed more than once and longer than this
MAX_WHERE = 2500  # a where line longer than this is replaced by a note (the last resort) ...
MAX_PART = 2500  # ... and so is one side, step or part of a statement
_ROLE_NAMES = {"J": ("J", "L", "F", "G", "K"), "f": ("f", "g", "h", "q"), "C": ("C", "J", "L")}


@dataclass(frozen=True)
class StatementTeX:
    """A statement as LaTeX: the display, its where lines (each `name = definition`), and whether it
    uses entrywise functions or products (the report then states that convention)."""

    display: str
    where: tuple = ()
    entrywise: bool = False


def _derivative_nodes(expr):
    if not isinstance(expr, sp.Basic):
        return
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (Grad, Jacobian)):
            yield node


def _statement_exprs(st) -> list:
    from .claim import Algorithmic, Gradient, sides

    exprs = [e for e in sides(st) if isinstance(e, sp.Basic)]
    if isinstance(st, Gradient):
        exprs.append(st.derivative())
    if isinstance(st, Algorithmic):
        nxt = sp.MatrixSymbol(str(st.state.name) + "_next", *st.state.shape)
        exprs += [e for e in st.conclusion(st.state, nxt) if isinstance(e, sp.Basic)]
    return exprs


def _function_candidates(st) -> list:
    """[(body, var, role, points, forced, uses)] for every function a statement differentiates, minimises or
    iterates on, those evaluated at other points first (they are what other parts apply)."""
    from .claim import Algorithmic, Minimiser, Property

    found: dict = {}
    order: list = []
    memo: dict = {}

    def add(body, var, role, point=None, forced=False):
        key = (canonical(body, memo), var)
        if key not in found:
            found[key] = [body, var, role, [], forced, 0]
            order.append(key)
        entry = found[key]
        entry[5] += 1
        if forced:
            entry[2], entry[4] = role, True
        if point is not None and point != var and point not in entry[3]:
            entry[3].append(point)

    for expr in _statement_exprs(st):
        for node in _derivative_nodes(expr):
            if isinstance(node, Jacobian) and isinstance(node.y, Grad) and node.y.wrt == node.wrt:
                continue  # a Hessian: its inner gradient is the candidate
            body = node.f if isinstance(node, Grad) else node.y
            add(body, node.wrt, "J", node.at)
    if isinstance(st, Minimiser):
        add(st.f, st.wrt, "f")
    if isinstance(st, Property) and st.local_min_of is not None:
        add(st.local_min_of[0], st.local_min_of[1], "f")
    if isinstance(st, Algorithmic):
        add(st.cost, st.state, "C", forced=True)
    entries = [found[k] for k in order]
    return sorted(entries, key=lambda e: not e[3])


def _taken_names(st, names) -> set:
    from .claim import free_symbols

    printer = ClaimLatexPrinter(names)
    taken = set()
    for expr in _statement_exprs(st):
        for s in expr.free_symbols | {a for a in sp.preorder_traversal(expr) if isinstance(a, sp.MatrixSymbol)}:
            if isinstance(s, (sp.Symbol, sp.MatrixSymbol)):
                taken.add(printer._print(s))
    try:
        taken |= {printer._print(s) for s in free_symbols(st)}
    except Exception:
        pass
    return taken | {v for k, v in dict(names or {}).items()
                    if not isinstance(k, (str, sp.Symbol, sp.MatrixSymbol)) and isinstance(v, str)}


def _choose_functions(st, names) -> list:
    """The FunctionNames a statement prints: named in `names`, the update rule's cost, or long."""
    names = dict(names or {})
    expr_names = {}
    memo: dict = {}
    for key, value in names.items():
        if not isinstance(key, (str, sp.Symbol, sp.MatrixSymbol)) and isinstance(value, str):
            expr_names[canonical(key, memo)] = value
    taken = _taken_names(st, names)
    chosen: list = []
    candidates = _function_candidates(st)
    for body, var, role, points, forced, uses in candidates:
        given = expr_names.get(canonical(body, memo))
        if given is None and not forced:
            # already the application of a chosen function at some point: printed as that
            probe = ClaimLatexPrinter(names, chosen)
            if probe._named_quiet(body):
                continue
            length = len(ClaimLatexPrinter(names, chosen)._print(body))
            if length <= LONG and not (uses >= 2 and length > REPEATED):
                # short, but named all the same when another differentiated function is this one at a
                # point (the loss of a network and the loss of its last layers at z = W^T x + b)
                probe = ClaimLatexPrinter(names, [FunctionName("F", var, body, list(points))])
                hits = [probe._applications.get(probe._canon(other[0])) for other in candidates]
                if not any(hit is not None and hit[1] != var for hit in hits):
                    continue
        if given is not None:
            name = given
        else:
            pool = _ROLE_NAMES[role]
            free = [p for p in pool if p not in taken]
            name = free[0] if free else "%s_{%d}" % (pool[0], len(chosen) + 1)
        taken.add(name)
        small = sum(1 for _ in sp.preorder_traversal(body)) <= SMALL_BODY
        chosen.append(FunctionName(name, var, body, list(points) + (_same_shape(st, var, points) if small else [])))
    return chosen


def _same_shape(st, var, known, limit: int = 40) -> list:
    """Sub-expressions of the statement with the shape of `var`: the points at which a named function
    may be applied elsewhere in it (C(theta - eta g) in a line search)."""
    shape = getattr(var, "shape", None)
    found = []
    for expr in _statement_exprs(st):
        for node in sp.preorder_traversal(expr):
            if len(found) >= limit:
                return found
            if (getattr(node, "is_Matrix", False) and getattr(node, "shape", None) == shape and node != var
                    and node not in known and node not in found):
                found.append(node)
    return found


def printer_for(st, names: Mapping | None = None) -> ClaimLatexPrinter:
    """The printer `statement_latex` uses for `st`: other expressions about the statement (the scale of
    an update rule's conclusion) print with the same names."""
    names = dict(names or {})
    functions = _choose_functions(st, names)
    bodies = {canonical(fn.body) for fn in functions}
    plain = {k: v for k, v in names.items() if isinstance(k, (str, sp.Symbol, sp.MatrixSymbol)) or canonical(k) not in bodies}
    return ClaimLatexPrinter(plain, functions)


def statement_latex(st, names: Mapping | None = None) -> StatementTeX:
    """LaTeX of a statement (one of verify.claim's kinds) with its where lines."""
    from .claim import (Algorithmic, Derivation, Expectation, Gradient, Identity, Inequality, Minimiser, Property,
                        Shape)
    from .logic_kinds import LOGIC_KINDS
    from .logic_kinds import statement_tex as logic_statement_tex
    from .distributions import ExpectationOver, Expected, expectation_tex

    p = printer_for(st, names)

    def t(expr):
        return fit(p._print(expr), MAX_PART)

    if isinstance(st, Identity):
        body = f"{t(st.lhs)} = {t(st.rhs)}"
    elif isinstance(st, Gradient):
        body = f"{t(st.derivative())} = {t(st.claimed)}"
    elif isinstance(st, Derivation):
        body = r"\begin{aligned} &" + t(st.steps[0]) + "".join(r" \\ &= " + t(s) for s in st.steps[1:]) + r" \end{aligned}"
    elif isinstance(st, Minimiser):
        body = r"%s \in \arg\min_{%s} \; %s" % (t(st.point), t(st.wrt), t(st.f))
    elif isinstance(st, Expectation):
        terms = []
        for prob, value in zip(st.probs, st.values):
            left = p.parenthesize(prob, PRECEDENCE["Mul"], strict=True)
            right = p.parenthesize(value, PRECEDENCE["Mul"], strict=True)
            terms.append(f"{left} \\, {right}")
        body = " + ".join(terms) + " = " + t(st.equals)
    elif isinstance(st, Property):
        rel = {"psd": r"\succeq 0", "nonnegative": r"\ge 0", "positive": r"> 0"}.get(st.relation, st.relation)
        body = f"{t(st.expr)} {rel}"
        if st.local_min_of is not None:
            f, x = st.local_min_of
            body += r" \quad \text{at every local minimiser } %s \text{ of } %s" % (t(x), t(f))
    elif isinstance(st, Algorithmic):
        nxt = sp.MatrixSymbol(str(st.state.name) + "_next", *st.state.shape)
        parts = st.conclusion(st.state, nxt)
        step = t(st.step)
        rule = (r"%s = \arg\min_{%s \ge 0} %s" % (step, step, t(st.cost.xreplace({st.state: nxt})))
                if st.step_rule == "exact_line_search" else r"%s = %s" % (step, t(st.step_rule)))
        body = (r"%s = %s, \quad %s \;\Rightarrow\; %s = %s"
                % (t(nxt), t(st.update), rule, t(parts[0]), t(parts[1])))
    elif isinstance(st, Inequality):
        rel = {"<=": r"\le", "<": "<", ">=": r"\ge", ">": ">"}[st.relation]
        body = f"{t(st.lhs)} {rel} {t(st.rhs)}"
    elif isinstance(st, Shape):
        body = t(st.expr) + (r" \in \mathbb{R}^{%s \times %s}" % tuple(t(d) for d in st.expected)
                             if st.expected else "")
    elif isinstance(st, LOGIC_KINDS):  # implications, existence, limits, orders: verify.logic_kinds
        body = logic_statement_tex(st, t, lambda part: statement_latex(part, names).display)
    elif isinstance(st, ExpectationOver):
        body = expectation_tex(st.expr, st.over, t) + " = " + (
            expectation_tex(st.equals.expr, st.equals.over, t) if isinstance(st.equals, Expected) else t(st.equals))
    else:
        body = str(st)
    where, done = [], 0
    while done < len(p.used):  # definitions may use further names
        left, right = p.define(p.used[done])
        done += 1
        where.append(f"{left} = {fit(right, MAX_WHERE, 'a definition')}")
    entrywise = bool(p.features & {"entrywise", "ones", "entries"})
    return StatementTeX(github_safe(body), tuple(github_safe(w) for w in where), entrywise)
