r"""How names print in claims' LaTeX: symbols, named functions and sums over a family.

* `symbol_tex(name)`: SymPy's Greek letters, `lam`/`lmbda` -> `\lambda`, a `star` suffix -> `^{*}`,
  `hat` -> `\hat{}`, trailing digits -> a subscript (a claim's `tex_names` may map a symbol to
  other LaTeX instead).
* `canonical(expr)`: the form in which `tex_names` keys, named functions and their applications
  are compared (transposes distributed, lambda variables renamed), so that a name is printed only
  for the formula it names.
* `FunctionName`: a function printed as `J(z)` and defined on a "where" line.
* `SumOver`: a `tex_names` value printing a sum over a finite family as `\sum_{\tau}` of one generic
  term (public: `from verify import SumOver`).

The printer that uses them is `verify.texprint`; whole statements are `verify.texstatement`.
"""

from __future__ import annotations

import importlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sympy as sp
from sympy.printing.latex import translate
from sympy.printing.conventions import split_super_sub

_LATEX = importlib.import_module("sympy.printing.latex")  # the module, not the function sympy.latex

_GREEK_EXTRA = {"lam": "lambda", "lmbda": "lambda"}


def symbol_tex(name: str) -> str:
    r"""LaTeX of a symbol's name: `theta` -> `\theta`, `lam` -> `\lambda`, `wstar` -> `w^{*}`,
    `w_hat` / `what` -> `\hat{w}`, `e1` -> `e_{1}`, `theta_next` -> `\theta_{next}`."""
    base, sups, subs = split_super_sub(name)
    star = hat = False

    def letter(b):  # a glued suffix counts only after a letter or a Greek name: wstar, thetahat, not "that"
        return len(b) == 1 or b.lower() in _LATEX.greek_letters_set or b in _GREEK_EXTRA

    if base.endswith("star") and letter(base[:-4]):
        base, star = base[:-4], True
    if subs and subs[0] in ("hat", "star"):
        hat, star = hat or subs[0] == "hat", star or subs[0] == "star"
        subs = subs[1:]
    elif base.endswith("hat") and letter(base[:-3]):
        base, hat = base[:-3], True
    tex = "\\" + _GREEK_EXTRA[base] if base in _GREEK_EXTRA else translate(base)
    if hat:
        tex = r"\hat{%s}" % tex
    sups = (["*"] if star else []) + [translate(s) for s in sups]
    if sups:
        tex += "^{%s}" % " ".join(sups)
    if subs:
        tex += "_{%s}" % " ".join(translate(s) for s in subs)
    return tex


# --- canonical forms -----------------------------------------------------------------------------

_LAMBDA_VAR = sp.Dummy("t")


def canonical(expr, memo: dict | None = None):
    """`expr` with every transpose distributed as SymPy's `.T` does and every lambda's variable
    renamed to one fixed dummy: two expressions with the same canonical form are the same
    formula (SymPy compares lambdas by their dummy variable, and `Transpose(A + B)` is `A^T + B^T`)."""
    memo = {} if memo is None else memo
    return _canonical(expr, memo)


def _canonical(expr, memo):
    if not isinstance(expr, sp.Basic) or not expr.args:
        return expr
    try:
        return memo[expr]
    except (KeyError, TypeError):
        pass
    if isinstance(expr, sp.Lambda) and len(expr.variables) == 1:
        out = sp.Lambda(_LAMBDA_VAR, _canonical(expr.expr.xreplace({expr.variables[0]: _LAMBDA_VAR}), memo))
    elif isinstance(expr, sp.MatrixSymbol):
        out = expr
    else:
        args = [_canonical(a, memo) for a in expr.args]
        if isinstance(expr, sp.Transpose):
            out = args[0].T
        elif all(a == b for a, b in zip(args, expr.args)):
            out = expr
        elif isinstance(expr, (sp.Add, sp.Mul, sp.Pow)):
            # rebuilt as written: an evaluating constructor would cancel a product built unevaluated
            # on purpose (likelihood * prior / evidence), and the printer would then show it under
            # the name of the cancelled form: a formula other than the one checked
            out = expr.func(*args, evaluate=False)
        else:
            out = expr.func(*args)
    memo[expr] = out
    return out


@dataclass
class FunctionName:
    """A function printed by name: `name(var)`, defined as `body` on a where line."""

    name: str
    var: Any
    body: Any
    points: list = field(default_factory=list)

    @property
    def bare(self) -> bool:
        """A name that carries its own argument (`p(\\tau_1)`) is printed as it is, at its variable only."""
        return "(" in self.name


@dataclass(frozen=True, eq=False)
class SumOver:
    r"""A `tex_names` value: print a sum as `\sum_{index}` of one generic term.

    `template(member)` is the builder's own term for one member of the family, `members` every
    member the sum runs over, and `generic` a member made of symbols (`(s_0, a_0, s_1, a_1)`) at
    which the template is printed.  `ranges` (LaTeX) says what the index runs over; it becomes a
    where line `index = ranges`.  The name applies only to a sum whose terms are exactly the
    template at the members (`matches`); `verify.claim` refuses one that does not."""

    index: str
    template: Any
    members: tuple
    generic: Any
    ranges: str = ""

    def terms(self) -> list:
        return [self.template(m) for m in self.members]

    def expr(self):
        """The sum itself, built unevaluated from the terms (as a builder should build it)."""
        terms = self.terms()
        if len(terms) == 1:
            return terms[0]
        if getattr(terms[0], "is_Matrix", False):
            return sp.MatAdd(*terms, evaluate=False)
        return sp.Add(*terms, evaluate=False)

    def matches(self, expr, memo: dict | None = None) -> bool:
        memo = {} if memo is None else memo
        args = expr.args if isinstance(expr, (sp.Add, sp.MatAdd)) else (expr,)
        return Counter(canonical(a, memo) for a in args) == Counter(canonical(t, memo) for t in self.terms())
