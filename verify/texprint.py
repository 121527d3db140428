r"""LaTeX of claims as a person would write them on a whiteboard.

`claim_latex(expr, names=None)` prints one expression with `ClaimLatexPrinter`; `github_safe`,
`balanced` and `fit` make a formula one a report can show.  How names print (`symbol_tex`,
`FunctionName`, `SumOver`, `canonical`) is `verify.texnames`; whole statements and their
"where" lines are `verify.texstatement`.  Conventions:

* `X^{\top}` for a transpose.  SymPy distributes a transpose over sums and products when a
  formula is built (`(Y - X\theta)^T` is stored as `Y^T - \theta^T X^T`); where the argument of an
  inverse, a sum or a factor of a product has fewer transposes once transposed, it is printed as
  `(that)^{\top}` / `(that)^{-\top}`, and only when transposing the printed form back gives the
  stored expression (`_transposed`): the display never differs from what is checked.
* `u^{\top} u` for a column u is `\|u\|^{2}`, `\mathbf{1}^{\top} |w|` is `\|w\|_{1}`, and
  `scalar(M)` (the entry (0, 0) of a 1 x 1 product) is the product itself.  Entries of a matrix
  symbol are indexed from 1: `P_{1,2}` is row 1, column 2; `w_{3}` is entry 3 of a column vector.
  `\sqrt{u^{\top} u}` is `\|u\|`, and `x^{\top} A^{\top} A x` is `\|A x\|^{2}`.
* `\sum_{i=1}^{n} x_{i}` for `Sum(x[i, 0], (i, 0, n - 1))`: an index that only picks entries is
  counted from 1 like the entries (the same sum re-indexed: bounds and indices shift together).
  SymPy stores an entry of a product it evaluates (`(x.T*x)[0, 0]`) as a sum over an index of its
  own (a Dummy); such a sum prints as the product (`\|x\|^{2}`, `(X \theta)_{i}`) only when SymPy's
  own entry of that product, rebuilt, is the stored sum (`_product_entry`).  A sum the claim
  writes over its own symbol is printed as a sum.
* A product inside a product exists only when a claim builds it unevaluated, to keep its grouping:
  it prints grouped (`A \left(c x\right)`); a scalar coefficient that is itself a product of
  matrices is bracketed (`(v^{\top} u) u`); `x / \|x\|` is `\frac{x}{\|x\|}`.
* A function applied entrywise prints as the function of the matrix (`\tanh(z)`, `\exp(z)`,
  `\sigma(z)`, `|z|`, `\max(0, z)`); a lambda that is not a chain of functions gets a name defined
  on a "where" line.  `\odot` is the entrywise product.  `\mathop{\mathrm{diag}}(v)`, `\det(X)`,
  `\mathop{\mathrm{tr}}(X)` (GitHub refuses `\operatorname`), `I`, `0`, `\mathbf{1}`.
* Sums put positive terms first and terms carrying an identity (`\lambda I`) or a scalar weight
  times a form (`\lambda \|\theta\|^2`) after the others; a unit or `-1` factor is not shown.
* Names: SymPy's Greek letters, `lam`/`lmbda` -> `\lambda`, a `star` suffix -> `^{*}`, `hat` ->
  `\hat{}`, trailing digits -> a subscript; a claim's `tex_names` map symbols to LaTeX and
  sub-expressions to short names.  A differentiated function (or a minimised objective, or an
  update rule's cost) that is long, or named in `tex_names`, prints as `J(z)`, and a "where" line
  gives `J(z) = ...`; an expression that is that function applied at another point, exactly as
  stored, prints as `J(p)`.
* A sum over a finite family (every trajectory of an MDP, every class) that the builder forms
  term by term from one template prints as `\sum_{\tau} <the template at a generic member>` when
  `tex_names` maps it to a `SumOver`; it does so only when the sum's terms are exactly the
  template at each member (checked when the claim is loaded), so the display is the checked sum.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Mapping

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.matexpr import MatrixElement
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE, precedence_traditional

from .linalg_nodes import eigvals, eigvecs
from .nodes import Grad, Jacobian
from .texnames import SumOver, canonical, symbol_tex

ENTRY_BASE = 1  # entries print 1-based, as the symbolic path names them (w_1, A_12)
CONVENTION = ("Functions of vectors and matrices ($\\exp$, $\\log$, $\\tanh$, $\\sigma$, $\\mathop{\\mathrm{sign}}$, "
              "$|\\cdot|$, $\\max(0, \\cdot)$) apply entrywise; $\\odot$ is the entrywise product; $\\mathbf{1}$ is a "
              "vector or matrix of ones; entries are indexed from 1 ($P_{1,2}$: row 1, column 2).")

# --- structure ----------------------------------------------------------------------------------


def transpose_count(expr) -> int:
    return sum(isinstance(node, sp.Transpose) for node in sp.preorder_traversal(expr))


def _is_column(expr) -> bool:
    shape = getattr(expr, "shape", None)
    return shape is not None and shape[1] == 1


def _function_chain(body, var) -> bool:
    """Whether `body` is var wrapped in functions of one argument each (numbers aside): log(sigmoid(d)),
    Max(0, d), Abs(d).  Such a lambda applied entrywise prints as the functions of the matrix."""
    if body == var:
        return True
    if not (isinstance(body, (sp.Function, sp.Abs)) or getattr(body, "is_Function", False)):
        return False
    if isinstance(body, AppliedUndef):
        return False
    holding = [a for a in body.args if a.has(var)]
    others = [a for a in body.args if not a.has(var)]
    return len(holding) == 1 and all(a.is_number for a in others) and _function_chain(holding[0], var)


def _at_top_level(tex: str, char: str) -> bool:
    """Whether `char` occurs in `tex` outside braces and \\left ... \\right groups."""
    depth, i = 0, 0
    while i < len(tex):
        if tex.startswith(r"\left", i) and not tex[i + 5:i + 6].isalpha():
            depth += 1
            i += 5
            continue
        if tex.startswith(r"\right", i) and not tex[i + 6:i + 7].isalpha():
            depth -= 1
            i += 6
            continue
        ch = tex[i]
        if ch == "\\":
            i += 2
            continue
        depth += ch == "{"
        depth -= ch == "}"
        if ch == char and depth == 0:
            return True
        i += 1
    return False


# --- the printer ----------------------------------------------------------------------------------


class ClaimLatexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with dlverify's conventions (see the module docstring).

    `names` maps a symbol (or its name) to LaTeX and a sub-expression to a short name; `functions`
    lists `FunctionName`s.  Names the printer uses are recorded in `self.used`, in order, so that
    the caller can print their definitions."""

    def __init__(self, names: Mapping | None = None, functions: list | None = None, settings=None):
        super().__init__(settings or {})
        self._memo: dict = {}
        self._symbol_names: dict[str, str] = {}
        self._expr_names: dict = {}
        for key, value in dict(names or {}).items():
            if isinstance(key, str):
                self._symbol_names[key] = value
            elif isinstance(key, (sp.Symbol, sp.MatrixSymbol)):
                self._symbol_names[str(key.name)] = value
            else:
                self._expr_names[key] = value
                if not isinstance(value, SumOver):  # a sum over a family prints so only as built, term by term
                    self._expr_names.setdefault(self._canon(key), value)
        self.functions = list(functions or [])
        self._applications: dict = {}
        for fn in self.functions:
            for point in [fn.var, *([] if fn.bare else fn.points)]:
                try:
                    applied = fn.body if point == fn.var else fn.body.xreplace({fn.var: point})
                except TypeError:
                    # a body that differentiates in its own variable (the Jacobian of a Hessian column)
                    # cannot be moved to another point by substitution: Grad(f, <point>) is refused
                    continue
                self._applications.setdefault(self._canon(applied), (fn, point))
        self._placeholders: dict = {}
        self._lambda_names: dict = {}
        self.used: list = []  # [("expr", expression, name) | ("function", FunctionName) | ("lambda", ...)]
        self._defining = None
        self.features: set = set()

    # -- names

    def _canon(self, expr):
        return canonical(expr, self._memo)

    def _named(self, expr):
        """(kind, LaTeX) when `expr` prints under a name; None otherwise."""
        if expr is self._defining or not isinstance(expr, sp.Basic) or not expr.args:
            return None
        if isinstance(expr, (sp.MatrixSymbol, sp.Symbol, sp.Number)):
            return None
        family = self._sum_over(expr)
        if family is not None:
            return "sum", self._print_sum_over(family)
        name = self._expr_names.get(expr)
        if name is None and (self._expr_names or self._applications):
            try:
                canon = self._canon(expr)
            except Exception:  # a node SymPy cannot rebuild: it is printed as it is
                return None
            name = self._expr_names.get(canon)
            if name is None:
                hit = self._applications.get(canon)
                if hit is not None and not (self._defining is not None and canon == self._canon(self._defining)):
                    fn, point = hit
                    self._use(("function", fn))
                    if fn.bare:
                        return "application", fn.name
                    return "application", r"%s\left(%s\right)" % (fn.name, self._print(point))
        if isinstance(name, SumOver):  # a sum over a family that the canonical form rebuilt differently
            return None
        if name is not None:
            if self._defining is not None and self._canon(self._defining) == self._canon(expr):
                return None
            self._use(("expr", expr, name))
            return "name", name
        if isinstance(expr, sp.Add) and self._expr_names:  # SymPy distributes a sign: -(a + b) is -a - b
            negated = self._canon(-expr)
            if negated in self._expr_names:
                key = next(k for k in self._expr_names if self._canon(k) == negated)
                self._use(("expr", key, self._expr_names[negated]))
                return "negated", "- " + self._expr_names[negated]
        return None

    def _sum_over(self, expr):
        """The SumOver `expr` prints as, or None."""
        if not isinstance(expr, (sp.Add, sp.MatAdd)) or not self._expr_names:
            return None
        found = self._expr_names.get(expr)
        return found if isinstance(found, SumOver) else None

    def _print_sum_over(self, family: SumOver) -> str:
        if family.ranges and not any(e[0] == "index" and (e[1].index, e[1].ranges) == (family.index, family.ranges)
                                     for e in self.used):
            self._use(("index", family))
        term = family.template(family.generic)
        text = self._print(term)
        if self._prec(term) <= PRECEDENCE["Add"]:
            text = self._add_parens(text)
        return r"\sum_{%s} %s" % (family.index, text)

    def _named_products(self):
        """[(factors, name, entry)] for every name of a product: a product that holds all its factors
        (SymPy flattens r * p into one product) prints as the rest times the name."""
        if not hasattr(self, "_products"):
            self._products = []
            for key, name in self._expr_names.items():
                if isinstance(key, sp.Mul) and isinstance(name, str):
                    self._products.append((Counter(key.args), name, ("expr", key, name)))
            for fn in self.functions:
                if fn.bare and isinstance(fn.body, sp.Mul):
                    self._products.append((Counter(fn.body.args), fn.name, ("function", fn)))
            self._products.sort(key=lambda item: -sum(item[0].values()))  # the largest named product first
        return self._products

    def _split_named_product(self, expr):
        """(rest, name, entry) when the product `expr` holds a named product and more; else None."""
        if not isinstance(expr, sp.Mul):
            return None
        have = Counter(expr.args)
        for factors, name, entry in self._named_products():
            if len(factors) < len(expr.args) and not (factors - have):
                if entry[0] == "function" and self._defining is entry[1].body:
                    continue
                rest = sp.Mul(*(have - factors).elements())
                return rest, name, entry
        return None

    def _use(self, entry) -> None:
        key = entry[:2] if entry[0] != "expr" else ("expr", entry[2])
        if all((e[:2] if e[0] != "expr" else ("expr", e[2])) != key for e in self.used):
            self.used.append(entry)

    def _print(self, expr, **kwargs):
        if isinstance(expr, sp.Basic):
            named = self._named(expr)
            if named is not None:
                return named[1]
            if isinstance(expr, Grad):
                return self._print_Grad(expr)
            if isinstance(expr, Jacobian):
                return self._print_Jacobian(expr)
        return super()._print(expr, **kwargs)

    # -- precedence: a 1 x 1 product read as a scalar binds like the product

    def _prec(self, expr) -> int:
        if isinstance(expr, sp.Basic) and self._sum_over(expr) is not None:
            return PRECEDENCE["Add"]
        if isinstance(expr, sp.Basic) and self._named_quiet(expr):
            return PRECEDENCE["Atom"]
        if isinstance(expr, sp.Add) and self._expr_names and self._canon(-expr) in self._expr_names:
            return PRECEDENCE["Add"]
        if isinstance(expr, sp.Sum) and self._product_entry(expr) is not None:
            return self._prec(self._product_entry(expr))
        if isinstance(expr, sp.Pow) and self._squared_norm(expr.base) is not None and abs(expr.exp) == sp.S.Half:
            return PRECEDENCE["Atom"] if expr.exp > 0 else PRECEDENCE["Mul"]
        if isinstance(expr, MatrixElement):
            if self._scalar_form(expr):
                inner = expr.parent
                if self._norm(inner) is not None:
                    return PRECEDENCE["Pow"]
                return self._prec(inner)
            return PRECEDENCE["Atom"]
        if isinstance(expr, sp.MatAdd) and self._transposed(expr) is not None:
            return PRECEDENCE["Pow"]
        if isinstance(expr, sp.MatMul):
            coeff, mats = self._split_matmul(expr)
            if coeff == 1 and len(mats) == 1:
                return self._prec(mats[0])
            if coeff == 1 and self._norm(expr) is not None:
                return PRECEDENCE["Pow"]
            return PRECEDENCE["Mul"]
        if isinstance(expr, (Grad, Jacobian)):
            return PRECEDENCE["Mul"]
        if isinstance(expr, ElementwiseApplyFunction):
            return PRECEDENCE["Func"]
        if isinstance(expr, sp.MatrixBase) and expr.shape == (1, 1):
            return self._prec(expr[0, 0])
        return precedence_traditional(expr)

    def _named_quiet(self, expr) -> bool:
        """Whether `expr` prints under a name (without recording the use)."""
        if expr is self._defining or not expr.args or isinstance(expr, (sp.MatrixSymbol, sp.Symbol, sp.Number)):
            return False
        if expr in self._expr_names:
            return True
        if not (self._expr_names or self._applications):
            return False
        try:
            canon = self._canon(expr)
        except Exception:
            return False
        return canon in self._expr_names or canon in self._applications

    def parenthesize(self, item, level, is_neg=False, strict=False) -> str:
        prec = self._prec(item)
        if is_neg and strict:
            return self._add_parens(self._print(item))
        if prec < level or (not strict and prec <= level):
            return self._add_parens(self._print(item))
        return self._print(item)

    def _needs_mul_brackets(self, expr, first=False, last=False) -> bool:
        if isinstance(expr, sp.Basic) and self._named_quiet(expr):
            return False
        if isinstance(expr, (MatrixElement, sp.MatrixExpr, sp.MatrixBase)):
            return self._prec(expr) < PRECEDENCE["Mul"]
        return super()._needs_mul_brackets(expr, first=first, last=last)

    def _needs_add_brackets(self, expr) -> bool:
        if isinstance(expr, sp.Basic) and self._named_quiet(expr):
            return False
        if isinstance(expr, (MatrixElement, sp.MatrixExpr)):
            return self._prec(expr) < PRECEDENCE["Add"]
        return super()._needs_add_brackets(expr)

    def _base(self, expr) -> str:
        """`expr` as the base of a superscript: parenthesised unless it prints as an atom."""
        text = self._print(expr)
        atomic = (isinstance(expr, (sp.MatrixSymbol, sp.Symbol, sp.Identity, sp.OneMatrix, sp.ZeroMatrix,
                                    eigvecs, eigvals))  # Q_{H}, \Lambda_{H}: a letter with a subscript
                  or (isinstance(expr, MatrixElement) and isinstance(expr.parent, sp.MatrixSymbol))
                  or self._named_quiet(expr))
        return text if atomic else self._add_parens(text)

    @staticmethod
    def _sup(base: str, sup: str) -> str:
        """`base^{sup}`, bracing a base that already carries a superscript (w^{*} -> {w^{*}}^{\\top})."""
        return "{%s}^{%s}" % (base, sup) if _at_top_level(base, "^") else "%s^{%s}" % (base, sup)

    @staticmethod
    def _sub(base: str, sub: str) -> str:
        return "{%s}_{%s}" % (base, sub) if _at_top_level(base, "_") else "%s_{%s}" % (base, sub)

    # -- symbols

    def _print_Symbol(self, expr, style="plain"):
        if expr in self._placeholders:
            return self._placeholders[expr]
        name = str(expr.name)
        if name in self._symbol_names:
            return self._symbol_names[name]
        given = self._settings["symbol_names"].get(expr)
        return given if given is not None else symbol_tex(name)

    _print_Dummy = _print_Symbol

    def _print_MatrixSymbol(self, expr):
        name = str(expr.name)
        return self._symbol_names.get(name) or symbol_tex(name)

    # -- transposes and inverses

    def _transposed(self, expr):
        """The expression T with `T^T == expr` and fewer transposes than `expr`, or None."""
        if isinstance(expr, (sp.Transpose, sp.MatrixSymbol)) or not getattr(expr, "is_Matrix", False):
            return None
        before = transpose_count(expr)
        if before == 0:
            return None
        try:
            flipped = expr.T
        except Exception:
            return None
        if transpose_count(flipped) >= before:
            return None
        if self._canon(flipped.T) != self._canon(expr):  # the printed form must be the stored one
            return None
        return flipped

    def _print_Transpose(self, expr):
        arg = expr.arg
        if isinstance(arg, sp.Inverse):
            return self._sup(self._base(arg.arg), r"-\top")
        return self._sup(self._base(arg), r"\top")

    def _print_Inverse(self, expr):
        arg = expr.arg
        if isinstance(arg, sp.Transpose):
            return self._sup(self._base(arg.arg), r"-\top")
        flipped = self._transposed(arg)
        if flipped is not None and self._canon(sp.Inverse(flipped.T)) == self._canon(expr):
            return self._sup(self._base(flipped), r"-\top")
        return self._sup(self._base(arg), "-1")

    # -- products

    @staticmethod
    def _split_matmul(expr):
        scalars = [a for a in expr.args if not getattr(a, "is_Matrix", False)]
        mats = [a for a in expr.args if getattr(a, "is_Matrix", False)]
        return sp.Mul(*scalars), mats

    def _norm(self, expr):
        """('2', u) when `expr` is u^T u for a column u; ('1', w) when it is 1^T |w|; else None."""
        if not isinstance(expr, sp.MatMul):
            return None
        coeff, mats = self._split_matmul(expr)
        if coeff != 1 or len(mats) < 2 or len(mats) % 2:
            return None
        if len(mats) > 2:  # x^T A^T A x is (A x)^T (A x): the squared norm of A x
            half = len(mats) // 2
            right = sp.MatMul(*mats[half:])
            try:
                if _is_column(right) and self._canon(sp.MatMul(*mats[:half])) == self._canon(right.T):
                    return "2", right
            except Exception:
                return None
            return None
        left, right = mats
        if not _is_column(right):
            return None
        if isinstance(left, sp.OneMatrix) and isinstance(right, ElementwiseApplyFunction):
            fn = right.function
            if isinstance(fn, sp.Lambda) and len(fn.variables) == 1 and fn.expr == sp.Abs(fn.variables[0]):
                return "1", right.expr
            return None
        try:
            if self._canon(left) == self._canon(right.T):
                return "2", right
        except Exception:
            return None
        return None

    def _scalar_form(self, expr) -> bool:
        """Whether `expr` is scalar(M): the only entry of a 1 x 1 matrix expression."""
        return (isinstance(expr, MatrixElement) and not isinstance(expr.parent, (sp.MatrixSymbol, sp.MatrixBase))
                and expr.parent.shape == (1, 1) and expr.i == 0 and expr.j == 0)

    def _coefficient(self, coeff) -> tuple[str, str]:
        """(sign, LaTeX of |coeff| or '' for 1) of a product's scalar coefficient."""
        sign = ""
        if coeff.could_extract_minus_sign():
            sign, coeff = "- ", -coeff
        if coeff == 1:
            return sign, ""
        text = self._print(coeff)
        if (isinstance(coeff, sp.Add) or (self._scalar_form(coeff) and self._norm(coeff.parent) is None)) \
                and not self._named_quiet(coeff):
            text = self._add_parens(text)  # (v^T u) u: a product of matrices read as a scalar, then a factor
        return sign, text

    def _print_MatMul(self, expr):
        coeff, mats = self._split_matmul(expr)
        scalars = [a for a in expr.args if not getattr(a, "is_Matrix", False) and not a.is_number]
        if len(scalars) >= 2:
            # SymPy gathers the scalars of a product it builds into one coefficient; several are a product
            # built unevaluated so that factors stay apart (r grad p p^{-1} p): shown as stored
            number = sp.Mul(*[a for a in expr.args if not getattr(a, "is_Matrix", False) and a.is_number])
            sign, ctex = self._coefficient(number)
            parts = [self.parenthesize(a, PRECEDENCE["Mul"], strict=True) for a in expr.args
                     if getattr(a, "is_Matrix", False) or not a.is_number]
            return sign + (ctex + " " if ctex else "") + r" \, ".join(parts)
        for k, m in enumerate(mats):  # 1^T (-a - b) is -1^T (a + b): one sign for the product
            if isinstance(m, sp.MatAdd) and len(m.args) > 1 and all(self._negative(t) for t in m.args) \
                    and self._transposed(m) is None:
                mats = mats[:k] + [sp.MatAdd(*[self._negated(t) for t in m.args])] + mats[k + 1:]
                coeff = -coeff
                break
        if (isinstance(coeff, sp.Pow) and coeff.exp.is_Rational and coeff.exp.is_negative and len(mats) == 1
                and isinstance(mats[0], sp.MatrixSymbol)):  # x / ||x||: a vector over its scale
            return r"\frac{%s}{%s}" % (self._print(mats[0]), self._print(sp.Pow(coeff.base, -coeff.exp)))
        sign, ctex = self._coefficient(coeff)
        body = self._product(mats)
        if ctex and len(mats) == 1 and isinstance(mats[0], sp.MatMul) and not self._named_quiet(mats[0]):
            body = self._add_parens(body)  # c (A x): a product built unevaluated, shown as grouped
        return sign + (ctex + " " if ctex else "") + body

    def _product(self, mats) -> str:
        if len(mats) == 1:
            only = mats[0]
            return self.parenthesize(only, PRECEDENCE["Mul"], strict=False) if self._prec(only) < PRECEDENCE["Mul"] \
                else self._print(only)
        norm = self._norm(sp.MatMul(*mats))
        if norm is not None:
            kind, u = norm
            inner = self._print(u)
            self.features.add("norm")
            return r"\left\|%s\right\|%s" % (inner, "^{2}" if kind == "2" else "_{1}")
        pieces, i = [], 0
        while i < len(mats):
            j = i
            while j < len(mats) and isinstance(mats[j], sp.Transpose) and not isinstance(mats[j].arg, sp.Inverse):
                j += 1
            if j - i >= 2:  # A^T B^T ... = (... B A)^T: one transpose for the run
                run = mats[i:j]
                inner = sp.MatMul(*[m.arg for m in reversed(run)])
                if self._canon(inner.T) == self._canon(sp.MatMul(*run)):
                    pieces.append(self._sup(self._add_parens(self._print(inner)), r"\top"))
                    i = j
                    continue
            pieces.append(self._factor(mats[i]))
            i += 1
        return " ".join(pieces)

    def _factor(self, f) -> str:
        if self._named_quiet(f):
            return self._print(f)
        if isinstance(f, sp.MatMul):  # a product inside a product is one built unevaluated: shown as grouped
            return self._add_parens(self._print(f))
        if not isinstance(f, (sp.MatAdd, sp.Transpose, sp.MatrixSymbol, sp.MatPow)):  # an inverse prints ^{-\top}
            flipped = self._transposed(f)
            if flipped is not None:
                return self._sup(self._base(flipped), r"\top")
        text = self._print(f)
        if self._prec(f) < PRECEDENCE["Mul"] or isinstance(f, sp.HadamardProduct):
            if not (isinstance(f, sp.MatAdd) and self._transposed(f) is not None):
                text = self._add_parens(text)
        return text

    def _print_HadamardProduct(self, expr):
        self.features.add("entrywise")
        parts = []
        for a in sorted(expr.args, key=lambda a: not isinstance(a, sp.MatrixSymbol)):  # y \odot \log p
            text = self._print(a)
            if self._prec(a) <= PRECEDENCE["Mul"] and not self._named_quiet(a):
                text = self._add_parens(text)
            parts.append(text)
        return r" \odot ".join(parts)

    def _squared_norm(self, expr):
        """u when `expr` prints as the squared norm of u: scalar(u.T*u), or the sum SymPy stores it as."""
        if isinstance(expr, sp.Sum):
            expr = self._product_entry(expr)
        if expr is None or not self._scalar_form(expr) or self._named_quiet(expr):
            return None
        norm = self._norm(expr.parent)
        return norm[1] if norm is not None and norm[0] == "2" else None

    def _print_Pow(self, expr):
        u = self._squared_norm(expr.base)
        if u is not None and abs(expr.exp) == sp.S.Half:  # the norm is the root of the squared norm
            self.features.add("norm")
            norm = r"\left\|%s\right\|" % self._print(u)
            return norm if expr.exp > 0 else r"\frac{1}{%s}" % norm
        if self._named_quiet(expr.base):
            base = self._print(expr.base)
            if expr.exp == -1:
                return r"\frac{1}{%s}" % base
            return self._sup(base, self._print(expr.exp))
        return super()._print_Pow(expr)

    def _print_Mul(self, expr):
        split = self._split_named_product(expr)
        if split is not None:
            rest, name, entry = split
            self._use(entry)
            sign, ctex = self._coefficient(rest)
            return sign + (ctex + " " if ctex else "") + name
        forms = [a for a in expr.args if self._scalar_form(a) or isinstance(a, (Grad, Jacobian))]
        if not forms or any(isinstance(a, sp.Pow) and a.exp.is_negative
                            and (self._scalar_form(a.base) or self._product_entry(a.base) is not None)
                            for a in expr.args):
            return super()._print_Mul(expr)
        rest = sp.Mul(*[a for a in expr.args if a not in forms])
        sign, ctex = self._coefficient(rest)
        parts = []
        for f in forms:
            text = self._print(f)
            if self._prec(f) < PRECEDENCE["Mul"] and not self._named_quiet(f):
                text = self._add_parens(text)
            parts.append(text)
        return sign + (ctex + " " if ctex else "") + " ".join(parts)

    # -- sums

    def _negative(self, term) -> bool:
        if isinstance(term, sp.MatMul):
            return self._split_matmul(term)[0].could_extract_minus_sign()
        return isinstance(term, sp.Expr) and not getattr(term, "is_Matrix", False) and term.could_extract_minus_sign()

    def _negated(self, term):
        """-term, built so that it prints as term without its sign (no evaluation of the rest)."""
        if isinstance(term, sp.MatMul):
            coeff, mats = self._split_matmul(term)
            return sp.MatMul(*([] if -coeff == 1 else [-coeff]), *mats) if mats else -coeff
        return -term

    def _term_key(self, term, matrix: bool):
        negative = self._negative(term)
        if matrix:
            # lambda I after X^T X; a bias broadcast over columns (b 1^T) after W^T A
            carries_identity = isinstance(term, sp.Identity) or (
                isinstance(term, sp.MatMul) and any(isinstance(a, sp.Identity) or (isinstance(a, sp.OneMatrix)
                                                                                    and a.shape[0] == 1)
                                                    for a in term.args))
            return (negative, carries_identity)
        weighted = False
        if isinstance(term, sp.Mul):
            forms = [a for a in term.args if self._scalar_form(a)]
            scalars = [a for a in term.args if a not in forms]
            weighted = bool(forms) and any(not a.is_number for a in scalars)
        return (negative, weighted)

    def _sum(self, terms, matrix: bool) -> str:
        terms = sorted(terms, key=lambda t: self._term_key(t, matrix))  # stable: SymPy's order otherwise
        tex = ""
        for i, term in enumerate(terms):
            negative = self._negative(term)
            if negative:
                term = self._negated(term)
            text = self._print(term)
            if self._prec(term) < PRECEDENCE["Add"] and not self._named_quiet(term):
                text = self._add_parens(text)
            if negative and text.startswith("- "):  # the negated term still prints with a sign: - (- y) is + y
                negative, text = False, text[2:]
            if negative:
                tex += "- " if i == 0 else " - "
            elif i:
                tex += " + "
            tex += text
        return tex

    def _print_MatAdd(self, expr):
        flipped = self._transposed(expr)
        if flipped is not None:
            return self._sup(self._base(flipped), r"\top")
        return self._sum(list(expr.args), matrix=True)

    def _print_Add(self, expr, order=None):
        if self._written_order(expr):
            return self._sum(list(expr.args), matrix=False)
        return self._sum(self._as_ordered_terms(expr, order=order), matrix=False)

    @staticmethod
    def _written_order(expr) -> bool:
        """Whether a sum was built unevaluated in an order of its own (`sp.Add(b, a, evaluate=False)`):
        SymPy would store the same terms in another order, so the claim's writer chose this one."""
        try:
            return sp.Add(*expr.args).args != expr.args
        except Exception:
            return False

    # -- entries

    def _print_MatrixElement(self, expr):
        parent = expr.parent
        if parent.shape == (1, 1) and expr.i == 0 and expr.j == 0:
            if isinstance(parent, sp.MatrixSymbol):
                return self._print(parent)
            return self._print(parent)
        if isinstance(parent, sp.MatrixSymbol):
            index = [self._index(expr.i)] if _is_column(parent) else [self._index(expr.i), self._index(expr.j)]
            self.features.add("entries")
            return self._sub(self._print(parent), ",".join(index))
        if _is_column(parent):  # (X \theta)_{i}: a column's entries need only their row
            return self._sub(self._add_parens(self._print(parent)), self._index(expr.i))
        return self._sub(self._add_parens(self._print(parent)), f"{self._index(expr.i)},{self._index(expr.j)}")

    def _index(self, i) -> str:
        # 1-based, symbolic indices too: theta[s - 1, a - 1] is theta_{s,a} for labels s, a counted from 1
        return str(int(i) + ENTRY_BASE) if isinstance(i, (int, sp.Integer)) else self._print(i + ENTRY_BASE)

    # -- sums over an index

    @staticmethod
    def _product_entry(expr):
        """MatrixElement(P Q, r, c) when `expr` is the sum SymPy builds for that entry of a product of two
        matrix symbols (or their transposes) over an index of its own (a Dummy: `(x.T*x)[0, 0]` is stored
        as the sum of the x_i^2), checked by rebuilding SymPy's entry of P Q and comparing; else None.  A
        sum a claim writes over a symbol of its own is what the notes write and is printed as a sum."""
        if not isinstance(expr, sp.Sum) or len(expr.limits) != 1:
            return None
        var = expr.limits[0][0]
        if not isinstance(var, sp.Dummy):
            return None
        body = expr.function
        factors = []
        for f in (body.args if isinstance(body, sp.Mul) else (body,)):
            if isinstance(f, sp.Pow) and f.exp == 2:
                factors += [f.base, f.base]
            else:
                factors.append(f)
        if len(factors) != 2 or not all(isinstance(f, MatrixElement) and isinstance(f.parent, sp.MatrixSymbol)
                                        for f in factors):
            return None
        best = None
        for left, right in (factors, factors[::-1]):
            if left.j == var and left.i != var:
                p, r = left.parent, left.i
            elif left.i == var and left.j != var:
                p, r = left.parent.T, left.j
            else:
                continue
            if right.i == var and right.j != var:
                q, c = right.parent, right.j
            elif right.j == var and right.i != var:
                q, c = right.parent.T, right.i
            else:
                continue
            try:
                if p.shape[1] != q.shape[0] or not sp.MatMul(p, q)[r, c].dummy_eq(expr):
                    continue
            except Exception:  # a shape SymPy refuses: not this product
                continue
            transposes = isinstance(p, sp.Transpose) + isinstance(q, sp.Transpose)
            if best is None or transposes < best[0]:
                best = (transposes, MatrixElement(sp.MatMul(p, q), r, c))
        return None if best is None else best[1]

    @staticmethod
    def _entry_indices_only(expr, var) -> bool:
        """Whether `var` occurs in `expr` only as an entry index `var + k` (k an integer) of a matrix symbol."""
        if expr == var:
            return False
        if isinstance(expr, MatrixElement):
            if expr.parent.has(var):
                return False
            return all(not idx.has(var) or (idx - var).is_Integer for idx in (expr.i, expr.j))
        if not isinstance(expr, sp.Basic) or not expr.has(var):
            return True
        return all(ClaimLatexPrinter._entry_indices_only(a, var) for a in expr.args)

    def _print_Sum(self, expr):
        r"""A sum over one index: `\sum_{i=1}^{n} x_{i}` for SymPy's `Sum(x[i, 0], (i, 0, n - 1))`.  Entries
        print counted from 1, so an index that only picks entries is shifted by one with its bounds
        (the same sum, re-indexed); an index SymPy made (`_i_1`) is printed as a free letter."""
        entry = self._product_entry(expr)
        if entry is not None:
            return self._print(entry)
        if len(expr.limits) != 1:
            return super()._print_Sum(expr)
        var, lo, hi = expr.limits[0]
        body = expr.function
        outer = getattr(self, "_sum_indices", [])
        shown = var
        if isinstance(var, sp.Dummy):
            taken = {str(getattr(s, "name", s)) for s in sp.preorder_traversal(body)
                     if isinstance(s, (sp.Symbol, sp.MatrixSymbol))} | set(outer)
            free = [c for c in ("i", "j", "k", "l", "p", "r", "s") if c not in taken]
            if free:
                shown = sp.Symbol(free[0], integer=True)
        shift = ENTRY_BASE if self._entry_indices_only(body, var) else 0
        body = body.xreplace({var: shown - shift}) if (shown != var or shift) else body
        name = self._print(shown)
        self._sum_indices = outer + [name]
        try:
            text = self._print(body)
            if isinstance(body, sp.Add):
                text = self._add_parens(text)
        finally:
            self._sum_indices = outer
        return r"\sum_{%s=%s}^{%s} %s" % (name, self._print(lo + shift), self._print(hi + shift), text)

    def _print_MatrixBase(self, expr):
        if expr.shape == (1, 1):
            return self._print(expr[0, 0])
        rows, cols = expr.shape
        if rows * cols > 36 and all(e == 0 or e == 1 for e in expr):  # a wide selector: where its ones are
            ones = ", ".join(f"({i + ENTRY_BASE}, {j + ENTRY_BASE})" for i in range(rows) for j in range(cols)
                             if expr[i, j] == 1)
            return (r"\left[%d \times %d \text{ matrix: } 1 \text{ at } %s \text{, } 0 \text{ elsewhere}\right]"
                    % (rows, cols, ones or r"\text{no entry}"))
        return super()._print_MatrixBase(expr)

    _print_ImmutableDenseMatrix = _print_MatrixBase
    _print_ImmutableMatrix = _print_MatrixBase
    _print_MutableDenseMatrix = _print_MatrixBase
    _print_Matrix = _print_MatrixBase

    # -- special matrices and functions of matrices

    def _print_Identity(self, expr):
        return "I"

    def _print_ZeroMatrix(self, expr):
        return "0"

    def _print_OneMatrix(self, expr):
        self.features.add("ones")
        rows, cols = expr.shape
        return r"\mathbf{1}^{\top}" if rows == 1 and cols != 1 else r"\mathbf{1}"

    def _print_DiagMatrix(self, expr):
        return r"\mathop{\mathrm{diag}}\left(%s\right)" % self._print(expr.args[0])

    def _print_Determinant(self, expr):
        return r"\det\left(%s\right)" % self._print(expr.arg)

    def _print_Trace(self, expr):
        return r"\mathop{\mathrm{tr}}\left(%s\right)" % self._print(expr.arg)

    def _print_ExpBase(self, expr, exp=None):
        arg = expr.args[0]
        if any(s in self._placeholders for s in arg.free_symbols):
            tex = r"\exp\left(%s\right)" % self._print(arg)
        else:
            tex = r"e^{%s}" % self._print(arg)
        return self._do_exponent(tex, exp)

    def _print_Function(self, expr, exp=None):
        func = expr.func.__name__
        if (hasattr(self, "_print_" + func) and not isinstance(expr, AppliedUndef)) or len(expr.args) != 1:
            return super()._print_Function(expr, exp)
        name = self._hprint_Function(func)
        if exp is not None:
            name = self._sup(name, exp)
        return r"%s\left(%s\right)" % (name, self._print(expr.args[0]))

    def _print_log(self, expr, exp=None):
        name = r"\log" if exp is None else r"\log^{%s}" % exp
        arg = expr.args[0]
        if exp is None and self._named_quiet(arg) and "(" in self._expr_names.get(arg, "("):
            return r"%s %s" % (name, self._print(arg))  # log p(tau): the name carries its own brackets
        return r"%s\left(%s\right)" % (name, self._print(arg))

    def _print_Abs(self, expr, exp=None):
        tex = r"\left|%s\right|" % self._print(expr.args[0])
        return tex if exp is None else r"%s^{%s}" % (tex, exp)

    def _print_ElementwiseApplyFunction(self, expr):
        self.features.add("entrywise")
        fn, arg = expr.function, expr.expr
        if not isinstance(fn, sp.Lambda):
            var = sp.Dummy("t")
            fn = sp.Lambda(var, fn(var))
        var = fn.variables[0]
        if _function_chain(fn.expr, var):
            slot = sp.Dummy("slot")
            self._placeholders[slot] = self._print(arg)
            try:
                return self._print(fn.expr.xreplace({var: slot}))
            finally:
                del self._placeholders[slot]
        canon = self._canon(fn)
        name = self._lambda_names.get(canon)
        if name is None:
            name = ("f", "g", "h", "u", "v")[len(self._lambda_names)] if len(self._lambda_names) < 5 \
                else "f_{%d}" % (len(self._lambda_names) + 1)
            self._lambda_names[canon] = name
        self._use(("lambda", canon, name))
        return r"%s\left(%s\right)" % (name, self._print(arg))

    # -- derivatives

    def _operand(self, expr) -> str:
        text = self._print(expr)
        if self._named_quiet(expr) or self._prec(expr) >= PRECEDENCE["Func"]:
            return text
        return self._add_parens(text)

    def _at(self, wrt, at) -> str:
        return r" \big|_{%s = %s}" % (self._print(wrt), self._print(at)) if at != wrt else ""

    def _print_Grad(self, expr):
        return r"\nabla_{%s} %s%s" % (self._print(expr.wrt), self._operand(expr.f), self._at(expr.wrt, expr.at))

    def _print_Jacobian(self, expr):
        y = expr.y
        if isinstance(y, Grad) and y.wrt == expr.wrt and y.at == y.wrt:  # the Hessian
            return r"\nabla^{2}_{%s} %s%s" % (self._print(expr.wrt), self._operand(y.f), self._at(expr.wrt, expr.at))
        return r"\frac{\partial %s}{\partial %s}%s" % (self._operand(y), self._print(expr.wrt),
                                                       self._at(expr.wrt, expr.at))

    # -- definitions

    def define(self, entry) -> tuple[str, str]:
        """(left side, right side) of the where line that defines a name this printer used."""
        kind = entry[0]
        if kind == "expr":
            _, expr, name = entry
            self._defining = expr
            try:
                return name, self._print(expr)
            finally:
                self._defining = None
        if kind == "function":
            fn = entry[1]
            self._defining = fn.body
            try:
                left = fn.name if fn.bare else r"%s\left(%s\right)" % (fn.name, self._print(fn.var))
                return left, self._print(fn.body)
            finally:
                self._defining = None
        if kind == "index":
            return entry[1].index, entry[1].ranges
        _, lam, name = entry
        t = sp.Symbol("t")
        return r"%s\left(t\right)" % name, self._print(lam.expr.xreplace({lam.variables[0]: t}))


def claim_latex(expr, names: Mapping | None = None) -> str:
    """`expr` as LaTeX under dlverify's conventions; `names` maps symbols (or their names) to LaTeX
    and sub-expressions to short names (which are then printed without their definition)."""
    return github_safe(ClaimLatexPrinter(names)._print(sp.sympify(expr, strict=True) if not isinstance(expr, sp.Basic) else expr))


_OPERATORNAME = re.compile(r"\\operatorname\{([^{}]*)\}")


def github_safe(tex: str) -> str:
    """GitHub's Markdown math refuses `\\operatorname` (it can redefine operators); `\\mathop{\\mathrm{..}}`
    sets the same upright operator name with the same spacing, in MathJax and KaTeX alike."""
    return _OPERATORNAME.sub(r"\\mathop{\\mathrm{\1}}", tex)


def balanced(tex: str) -> bool:
    """Whether the braces of `tex` balance (a cut formula does not)."""
    depth = 0
    for i, ch in enumerate(tex):
        if ch in "{}" and i and tex[i - 1] == "\\":
            continue
        depth += ch == "{"
        depth -= ch == "}"
        if depth < 0:
            return False
    return depth == 0 and tex.count(r"\left") == tex.count(r"\right")


def fit(tex: str, limit: int, what: str = "formula") -> str:
    """`tex` when it is at most `limit` characters, else a whole-formula note: a formula is never cut."""
    if len(tex) <= limit:
        return tex
    return r"\text{(%s of %d characters of LaTeX: too long to show)}" % (what, len(tex))
