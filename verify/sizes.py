"""Which size assignments a claim's numeric path checks, and which its domains rule out.

A claim declares a range for each dimension (`sizes={n: (1, 4)}`).  An assignment is admissible
when its `size_rule` accepts it and every symbol's domain accepts the symbol's shape there (a
diagonal or SPD matrix must be square, a `vector()` must have one column, ...).  The numeric path
checks (`plan`):

* every admissible assignment when there are at most `ALL_SIZES_UP_TO`;
* otherwise the smallest and the largest (by total size), then assignments chosen so that each
  dimension takes each of its admissible values at least once (at most `MAX_SIZES` in all), then
  others up to `SPREAD_SIZES`.  Which others is drawn from the seed and the declared ranges
  (`plan_rng`), not from the claim's id: a seed gives the same sizes in every run and on every
  machine, and claims that declare the same ranges (a claim and its mutants, the claims of one
  network) check the same assignments and share the compiled work for them.

The instances are split evenly over the assignments checked, at least `MIN_PER_SIZE` each
(`split_instances`).

A domain whose shape rule rejects some assignments (`D` declared m x n with a diagonal domain:
only m = n) is a `Restriction`.  Loading a claim warns about each one (`check_restrictions`,
naming the file and line, the claim, the symbol and the rule) and refuses a claim whose rules
leave a declared range with no value or a single one; the report states each restriction.
"""

from __future__ import annotations

import itertools
import math
import warnings
import zlib
from dataclasses import dataclass
from typing import Callable

import numpy as np
import sympy as sp

ALL_SIZES_UP_TO = 8  # every admissible assignment when there are at most this many
SPREAD_SIZES = 4  # otherwise at least this many: the smallest, the largest and others
MAX_SIZES = 8  # ... and at most this many, enough to give each dimension each of its values where they fit
MIN_PER_SIZE = 4  # instances at each assignment checked, whatever the requested total
ENUMERATE_LIMIT = 20_000  # assignments up to which the admissible ones are listed (claims that are not builders)
LAZY_TESTS = 64  # otherwise: assignments tested for admissibility (for a builder each is a build)


@dataclass(frozen=True)
class SizePlan:
    sizes: tuple  # the assignments to check, smallest first (by total size, then by value)
    admissible: int | None  # how many admissible assignments there are (None: not counted, too many to list)
    declared: int  # how many assignments the declared ranges hold
    how: str  # "all" | "spread"


def names_and_values(claim) -> tuple[list[str], list[list[int]]]:
    names = sorted(claim.sizes)
    return names, [list(range(claim.sizes[n][0], claim.sizes[n][1] + 1)) for n in names]


def order_key(names: list[str]) -> Callable[[dict], tuple]:
    """Smallest first: by total size, then value by value in the order of the names."""
    return lambda s: (sum(s.values()), tuple(s[n] for n in names))


def plan(claim, rng: np.random.Generator) -> SizePlan:
    """The size assignments the numeric path checks (see the module's docstring)."""
    from .claim import size_assignment_ok

    if not claim.sizes:
        return SizePlan(({},), 1, 1, "all")
    names, values = names_and_values(claim)
    declared = math.prod(len(v) for v in values)
    key = order_key(names)
    tested: dict[tuple, bool] = {}
    # a builder's symbols and shapes change with the sizes: each assignment is built and asked
    fast = admissible_test(claim) if not claim.is_builder else None

    def ok(combo: tuple) -> bool:
        if combo not in tested:
            sizes = dict(zip(names, combo))
            tested[combo] = fast(sizes) if fast is not None else size_assignment_ok(claim, sizes)
        return tested[combo]

    if declared <= ALL_SIZES_UP_TO or (not claim.is_builder and declared <= ENUMERATE_LIMIT):
        admissible = [c for c in itertools.product(*values) if ok(c)]
        chosen = [dict(zip(names, c)) for c in admissible]
        if len(chosen) <= ALL_SIZES_UP_TO:
            return SizePlan(tuple(sorted(chosen, key=key)), len(chosen), declared, "all")
        return SizePlan(_spread(names, chosen, rng, key), len(chosen), declared, "spread")
    return SizePlan(_spread_lazily(claim, names, values, ok, rng, key), None, declared, "spread")


def _pairs(sizes: dict) -> set:
    return set(sizes.items())


def _spread(names: list[str], admissible: list[dict], rng: np.random.Generator, key) -> tuple:
    """The smallest and the largest of `admissible`, then greedily the one that shows the most
    (dimension, value) pairs not shown yet, then others; ties and the others in an order drawn
    from `rng`."""
    pool = [admissible[i] for i in rng.permutation(len(admissible))]
    smallest, largest = min(admissible, key=key), max(admissible, key=key)
    chosen = [smallest] + ([largest] if largest != smallest else [])
    wanted = set().union(*(_pairs(s) for s in admissible)) - set().union(*(_pairs(s) for s in chosen))
    while wanted and len(chosen) < MAX_SIZES:
        best = max(pool, key=lambda s: len(_pairs(s) & wanted))  # the first of the best, in pool order
        chosen.append(best)
        wanted -= _pairs(best)
    for s in pool:
        if len(chosen) >= SPREAD_SIZES:
            break
        if s not in chosen:
            chosen.append(s)
    return tuple(sorted(chosen, key=key))


def _spread_lazily(claim, names: list[str], values: list[list[int]], ok, rng: np.random.Generator,
                   key) -> tuple:
    """As `_spread`, for a builder or too many assignments to list: each candidate tested is a
    build, so the smallest and the largest are searched in order of total size and the others
    are first rows that give each dimension its values not shown yet, then random draws, at most
    `LAZY_TESTS` tests."""
    declared = math.prod(len(v) for v in values)
    budget = [LAZY_TESTS]

    def first_ok(candidates) -> tuple | None:
        for c in candidates:
            if budget[0] <= 0:
                return None
            budget[0] -= 1
            if ok(c):
                return c
        return None

    if declared <= ENUMERATE_LIMIT:
        ordered = sorted(itertools.product(*values), key=lambda c: (sum(c), c))
        smallest, largest = first_ok(ordered), first_ok(reversed(ordered))
        if smallest is None:  # past the budget: search on, as loading the claim did
            smallest = smallest_admissible_any(names, values, ok)
    else:  # too many to sort: the corners, else the assignment loading the claim found
        smallest = first_ok([tuple(v[0] for v in values)])
        largest = first_ok([tuple(v[-1] for v in values)])
        if smallest is None:
            found = claim.smallest_sizes()
            smallest = tuple(found[n] for n in names)
    chosen = [dict(zip(names, c)) for c in (smallest, largest) if c is not None]
    if not chosen:
        return ()
    chosen = [chosen[0]] + [s for s in chosen[1:] if s != chosen[0]]
    shown = set().union(*(_pairs(s) for s in chosen))
    missing = [[v for v in vals if (n, v) not in shown] for n, vals in zip(names, values)]
    for m in missing:
        rng.shuffle(m)
    rows = [tuple(m[k] if k < len(m) else vals[int(rng.integers(len(vals)))] for m, vals in zip(missing, values))
            for k in range(max(len(m) for m in missing))]
    draws = (tuple(vals[int(rng.integers(len(vals)))] for vals in values) for _ in itertools.count())
    for row, c in itertools.chain(((True, r) for r in rows), ((False, d) for d in draws)):
        if len(chosen) >= (MAX_SIZES if row else SPREAD_SIZES) or budget[0] <= 0 or len(chosen) >= declared:
            if row:
                continue
            break
        s = dict(zip(names, c))
        if s in chosen:
            continue
        budget[0] -= 1
        if ok(c):
            chosen.append(s)
    return tuple(sorted(chosen, key=key))


def smallest_admissible_any(names: list[str], values: list[list[int]], ok) -> tuple | None:
    for c in sorted(itertools.product(*values), key=lambda c: (sum(c), c)):
        if ok(c):
            return c
    return None


def split_instances(instances: int, count: int) -> list[int]:
    """Instances at each of `count` assignments: the same number at each, `instances / count`
    rounded up and at least MIN_PER_SIZE (the total may exceed `instances` a little).  One count
    for all gives the batches of different assignments, and of claims checked at the same
    assignments, the same shapes wherever their dimensions agree, so JAX compiles each operation
    at fewer shapes."""
    if count <= 0:
        return []
    return [max(MIN_PER_SIZE, math.ceil(instances / count))] * count


def plan_rng(claim, seed: int) -> np.random.Generator:
    """The generator of a claim's size plan: from the seed and the declared ranges only, so that
    claims declaring the same ranges (a claim and its mutants, the claims of one network) check
    the same assignments, and share the compiled work for them."""
    text = ";".join(f"{name}:{lo}..{hi}" for name, (lo, hi) in sorted(claim.sizes.items()))
    return np.random.default_rng([int(seed) % (1 << 64), zlib.crc32(text.encode())])


# --- text ------------------------------------------------------------------------------------------


def checked_text(sizes, per_size=()) -> str:
    """The assignments checked, compactly: 'n = 1, 2, 3 (16 instances each)', '(m, n) = (1, 1),
    (2, 3) with 21 and 22 instances', 'no dimensions (64 instances)'."""
    sizes = [dict(s) for s in sizes]
    per_size = list(per_size)
    counts = ""
    if per_size:
        if len(set(per_size)) == 1:
            counts = f"{per_size[0]} instance{'s' if per_size[0] != 1 else ''}" + (" each" if len(per_size) > 1 else "")
        else:
            counts = ", ".join(map(str, per_size[:-1])) + f" and {per_size[-1]} instances"
    if not sizes:
        return "no size assignment"
    names = sorted(sizes[0])
    if not names:
        return "no dimensions" + (f" ({counts})" if counts else "")
    if len(names) == 1:
        body = f"{names[0]} = " + ", ".join(str(s[names[0]]) for s in sizes)
    else:
        body = (f"({', '.join(names)}) = "
                + ", ".join("(" + ", ".join(str(s[n]) for n in names) + ")" for s in sizes))
    if not counts:
        return body
    return f"{body} ({counts})" if len(set(per_size)) == 1 else f"{body} with {counts}"


def plan_text(plan_how: str, count: int, admissible: int | None, declared: int) -> str:
    """Which assignments were chosen, e.g. 'all 4 admissible size assignments' or '6 of the 20
    admissible size assignments (the smallest, the largest and a spread drawn from the seed)'."""
    if plan_how == "all":
        what = f"all {count} admissible size assignments" if count != 1 else "the only admissible size assignment"
        return what + ("" if admissible is None or admissible == declared else f" (of {declared} declared)")
    of = f"of the {admissible} admissible" if admissible is not None else f"of the {declared} declared"
    return f"{count} {of} size assignments (the smallest, the largest and a spread drawn from the seed)"


# --- restrictions by the domains ---------------------------------------------------------------------


@dataclass(frozen=True)
class Restriction:
    symbol: str
    domain: str  # the domain's name
    shape: str  # the symbol's declared shape, 'm x n'
    rule: str  # what the domain needs: 'a square matrix', ...
    condition: str  # what that forces on the sizes: 'm = n', 'm >= n', 'n = 1', or a sentence

    def text(self) -> str:
        return f"{self.condition} forced by the {self.domain} domain of `{self.symbol}` ({self.shape}; it needs {self.rule})"


RULE_WORDS = {"square": "a square matrix", "rows >= cols": "rows >= cols"}


def _dimension_names(expr, claim) -> list[str]:
    return sorted(str(s.name) for s in sp.sympify(expr, strict=True).free_symbols if str(s.name) in claim.sizes)


@dataclass(frozen=True)
class _SymbolRule:
    symbol: sp.MatrixSymbol
    domain: object
    dims: tuple  # the dimensions in its shape
    rejected: frozenset | None  # the values of `dims` at which its domain rejects its shape (None: not listed)
    shapes: tuple  # ((shape, accepted), ...) over the declared ranges of `dims`, when listed


def _symbol_rules(claim, statement=None) -> list[_SymbolRule]:
    """Each matrix symbol's domain rule over the declared ranges of the dimensions in its shape,
    from the statement at the lower bounds (kept in the claim's memo when it is not a builder)."""
    from .claim import concrete_shape, free_symbols

    memo = ("size rules",)
    if not claim.is_builder and memo in claim._built:
        return claim._built[memo]
    if statement is None:
        statement = claim.build({n: lo for n, (lo, hi) in claim.sizes.items()})
    out = []
    for sym in sorted(free_symbols(statement), key=lambda s: str(s.name)):
        domain = claim.domain.get(str(sym.name))
        if not isinstance(sym, sp.MatrixSymbol) or domain is None or domain.scalar:
            continue
        dims = tuple(sorted({d for e in sym.shape for d in _dimension_names(e, claim)}))
        ranges = [range(claim.sizes[d][0], claim.sizes[d][1] + 1) for d in dims]
        if math.prod(len(r) for r in ranges) > ENUMERATE_LIMIT:
            out.append(_SymbolRule(sym, domain, dims, None, ()))
            continue
        shapes, rejected = [], set()
        for combo in itertools.product(*ranges):
            shape = concrete_shape(sym, dict(zip(dims, combo)))
            accepted = bool(domain.shape_rule(shape))
            shapes.append((shape, accepted))
            if not accepted:
                rejected.add(combo)
        out.append(_SymbolRule(sym, domain, dims, frozenset(rejected), tuple(shapes)))
    if not claim.is_builder:
        claim._built[memo] = out
    return out


def admissible_test(claim, statement=None) -> Callable[[dict], bool]:
    """sizes -> whether `size_rule` and every symbol's domain accept them, for a claim that is not
    a builder: the same answer as `claim.size_assignment_ok`, without walking the statement at
    each assignment (only the symbols whose domain rejects some declared shape are looked at)."""
    from .claim import concrete_shape

    rules = [r for r in _symbol_rules(claim, statement) if r.rejected is None or r.rejected]

    def ok(sizes: dict) -> bool:
        if claim.size_rule is not None and not claim.size_rule(dict(sizes)):
            return False
        for r in rules:
            if r.rejected is None:
                if not r.domain.shape_rule(concrete_shape(r.symbol, sizes)):
                    return False
            elif tuple(sizes[d] for d in r.dims) in r.rejected:
                return False
        return True

    return ok


def restrictions(claim, statement=None) -> list[Restriction]:
    """The symbols whose domain rejects some of their declared shapes, from the statement at the
    lower bounds (a builder's symbols often have concrete shapes there: those restrict nothing
    that can be seen without building every size)."""
    out = []
    for r in _symbol_rules(claim, statement):
        if not r.rejected or not r.dims:
            continue
        rows, cols = (sp.sympify(e, strict=True) for e in r.symbol.shape)
        accepted = [shape for shape, yes in r.shapes if yes]
        rejected = [shape for shape, yes in r.shapes if not yes]
        out.append(Restriction(str(r.symbol.name), r.domain.name, f"{rows} x {cols}",
                               RULE_WORDS.get(r.domain.shape_rule_text, r.domain.shape_rule_text or "a shape it accepts"),
                               _condition(rows, cols, accepted, rejected, r.domain, r.symbol)))
    return out


def _condition(rows, cols, accepted, rejected, domain, sym) -> str:
    """What the rule forces, as a relation between the dimensions when it is one of the usual
    ones (read off the shapes it accepts, not off its text), else a sentence."""
    shapes = accepted + rejected
    for relation, holds in ((f"{rows} = {cols}", lambda r, c: r == c), (f"{rows} >= {cols}", lambda r, c: r >= c),
                            (f"{cols} = 1", lambda r, c: c == 1), (f"{rows} = 1", lambda r, c: r == 1),
                            (f"{rows} <= {cols}", lambda r, c: r <= c)):
        if all(holds(*s) == (s in accepted) for s in shapes):
            return relation
    return f"only sizes where `{sym.name}` ({rows} x {cols}) is {domain.shape_rule_text or 'accepted by its domain'}"


def effective_values(claim, statement=None) -> tuple[dict, int, int]:
    """({dimension: sorted values in some admissible assignment}, admissible count, declared count)
    for a claim that is not a builder (for a builder, only the size rule and the rules of the
    symbols at the lower bounds count), or ({}, -1, n) when there are too many assignments to list."""
    names, values = names_and_values(claim)
    declared = math.prod(len(v) for v in values)
    if declared > ENUMERATE_LIMIT:
        return {}, -1, declared
    ok = admissible_test(claim, statement)
    seen: dict[str, set] = {n: set() for n in names}
    count = 0
    for combo in itertools.product(*values):
        sizes = dict(zip(names, combo))
        if ok(sizes):
            count += 1
            for n, v in sizes.items():
                seen[n].add(v)
    return {n: sorted(v) for n, v in seen.items()}, count, declared


def check_restrictions(claim, statement=None) -> list[Restriction]:
    """At load time: say which sizes each restriction rules out, naming FILE:LINE, the claim, the
    symbol and the rule.  A warning when it forces an equality (`D` m x n diagonal: m = n, most
    likely a shape declared wrong) or leaves a declared value unchecked, else a note (a full column
    rank m x n matrix: m >= n, as meant).  Raise `ClaimDefinitionError` when the domains and the
    size rule leave no assignment, or a declared range of several values with one value."""
    from ._errors import ClaimDefinitionNote, ClaimDefinitionWarning

    found = restrictions(claim, statement)
    if not found and claim.size_rule is None:
        return found
    values, count, declared = effective_values(claim, statement)
    causes = "; ".join(r.text() for r in found) + ("; " if found and claim.size_rule else "") + \
        ("the claim's size_rule" if claim.size_rule is not None else "")
    if count == 0:
        raise claim.fail(f"no size assignment satisfies the domains' shape rules and size_rule ({causes}); widen "
                         "the ranges in sizes=, relax size_rule or give the symbols shapes their domains accept")
    lost = []
    for name, got in values.items():
        lo, hi = claim.sizes[name]
        if hi > lo and len(got) == 1:
            raise claim.fail(f"the declared range {lo}..{hi} of {name} leaves only {name} = {got[0]} under {causes}; "
                             f"declare sizes={{{name!r}: ({got[0]}, {got[0]})}} if that is meant, or fix the "
                             "domain or the shapes so that the other sizes can be checked")
        missing = [v for v in range(lo, hi + 1) if v not in got]
        if missing:
            lost.append(f"{name} = {', '.join(map(str, missing))}")
    file, _, line = claim.defined_at.rpartition(":")
    remain = f" ({count} of the {declared} declared size assignments remain)" if count > 0 else ""
    never = ("; " + " and ".join(lost) + (" is" if len(lost) == 1 and "," not in lost[0] else " are")
             + " never checked") if lost else ""
    for r in found:
        equality = " = " in r.condition
        if equality or lost:
            message = (f"claim {claim.id!r}: symbol {r.symbol!r} is {r.shape} but its domain {r.domain} needs "
                       f"{r.rule}, so only sizes with {r.condition} are checked{remain}{never}; declare "
                       f"{r.symbol!r} with a shape its domain always accepts, or narrow sizes= to the sizes meant")
            category = ClaimDefinitionWarning
        else:
            message = (f"claim {claim.id!r}: only sizes with {r.condition} are checked{remain}: symbol "
                       f"{r.symbol!r} is {r.shape} and its domain {r.domain} needs {r.rule}")
            category = ClaimDefinitionNote
        warnings.warn_explicit(message, category, file or claim.defined_at, int(line) if line.isdigit() else 0)
    return found


def restriction_lines(claim) -> list[str]:
    """The report's lines on restrictions: 'm = n forced by the diagonal_positive domain of `D`
    (...)'; [] when there is none (or the statement cannot be built at the lower bounds)."""
    try:
        return [r.text() for r in restrictions(claim)]
    except Exception:  # a builder that fails here has failed at load time already
        return []


def per_dimension_text(sizes, claim) -> list[str]:
    """'`m`: declared 1..5; checked at 1, 2, 3, 5' for each dimension."""
    out = []
    for name, (lo, hi) in sorted(claim.sizes.items()):
        got = sorted({s[name] for s in sizes if name in s})
        checked = f"; checked at {name} = {', '.join(map(str, got))}" if got else ""
        every = " (every value)" if got and got == list(range(lo, hi + 1)) and hi > lo else ""
        out.append(f"dimension `{name}`: declared {lo}..{hi}{checked}{every}")
    return out


def as_records(sizes, per_size) -> list[dict]:
    return [{"sizes": dict(s), "instances": int(k)} for s, k in zip(sizes, per_size)]
