"""A sound structural (disciplined-convex-programming style) convexity prover for Minimiser costs.

A stationary point of a differentiable convex function is a global minimiser, so a Minimiser claim
is proved only when its cost f is shown convex in w, term by term from the SymPy matrix expression
(never from a Hessian).  Rules, each sound; anything they do not match is not proved:

* sums of convex terms; MatrixElement(e, 0, 0) of a 1 x 1 e is e read as a scalar;
* a term not depending on w is constant; a term affine in w is convex.  Affinity is exact: at the
  given sizes w is a matrix of fresh real symbols, every other symbol its domain's generic member,
  and every entry must be a polynomial of total degree <= 1 in the entries of w;
* c g with c independent of w, c >= 0 and g convex;
* u^T P u with u affine and P independent of w and PSD (x^T P x is convex for P PSD; a convex
  function of an affine map is convex); P = I gives ||u||^2;
* t^k (k even > 0) and |t| of an affine scalar t; exp(g), g convex (exp is convex, non-decreasing);
  max of convex terms; log(sum_k c_k exp(a_k)), c_k > 0, a_k affine (log-sum-exp of a_k + log c_k);
  the nodes logsumexp(v) of an affine vector v and softplus(t) = log(1 + e^t) of an affine scalar t
  (log-sum-exp of (0, t)).

PSD: a matrix symbol of domain spd, psd, diagonal_positive or diagonal_nonnegative, or of a constant
domain whose exact member at the sizes has non-negative principal minors; I; c P with c >= 0;
sums; B^T B and congruences B^T P B (real B); P^T and P^k (k > 0); inverses and negative powers of
PD matrices.  PD (positive definite): spd, diagonal_positive, I, c P with c > 0, PSD + PD, P^T,
P^{-1} and P^k of PD P.  A symmetric or general matrix is not PSD; a psd matrix has no inverse.

Every sign (c >= 0, c > 0) comes from SymPy's assumptions on the generic member and is
cross-checked at random points with mpmath at 50 digits (`verify.crosscheck`); a negative value means SymPy was wrong, and
nothing is proved.  Affinity and constant matrices are decided at the given sizes.
"""

from __future__ import annotations

import itertools

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from . import crosscheck
from .claim import concrete_shape, variable_shape, variable_value
from .evaluate import EXACT, evaluate
from .nodes import DERIVATIVE_NODES, logsumexp, softplus

PSD_DOMAINS = ("spd", "psd", "diagonal_positive", "diagonal_nonnegative")
PD_DOMAINS = ("spd", "diagonal_positive")


class _NotProved(Exception):
    """No rule shows the term convex (the message says which term and why)."""


class _SympyWrong(Exception):
    """SymPy's assumptions claimed a sign that a 50-digit evaluation contradicts."""


def prove_convex(f, wrt, claim, sizes: dict) -> tuple[bool, str]:
    """(True, why f is convex in wrt) or (False, which term could not be shown convex)."""
    try:
        ctx = _context(f, wrt, claim, sizes)
        if getattr(f, "is_Matrix", False) and f.shape != (1, 1):
            raise _NotProved(f"f has shape {f.shape}, not a scalar")
        reasons = _convex(f, ctx)
    except (_NotProved, _SympyWrong) as exc:
        return False, str(exc)
    except Exception as exc:  # noqa: BLE001 - an evaluator failure proves nothing
        return False, f"could not instantiate a term ({type(exc).__name__}: {exc})"
    return True, " ".join(reasons) + f" A sum of convex terms is convex, so f is convex in {wrt.name}."


def _context(f, wrt, claim, sizes):
    sizes = {str(k): int(v) for k, v in sizes.items()}
    env: dict = dict(sizes)
    for sym in f.atoms(sp.MatrixSymbol) | f.atoms(sp.Symbol):
        name = str(sym.name)
        dom = claim.domain.get(name)
        if name in sizes or dom is None:
            continue  # dimension symbols; bound variables (their values come from `at`)
        env[name] = dom.generic(name, concrete_shape(sym, sizes) if isinstance(sym, sp.MatrixSymbol) else ())
    rows, cols = variable_shape(wrt, sizes)
    w = sp.ImmutableMatrix(rows, cols, lambda i, j: sp.Dummy(f"{wrt.name}_{i + 1}{j + 1}", real=True))
    env[str(wrt.name)] = variable_value(wrt, w)
    at = ", ".join(f"{k} = {v}" for k, v in sorted(sizes.items())) or "the given sizes"
    return {"wrt": wrt, "env": env, "vars": list(w), "claim": claim, "sizes": sizes, "at": at}


def _value(e, ctx):
    v = evaluate(e, ctx["env"], EXACT)
    return v[0, 0] if isinstance(v, sp.MatrixBase) and v.shape == (1, 1) else v


def _show(e, limit: int = 70) -> str:
    text = sp.sstr(e)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _depends(e, wrt) -> bool:
    """Whether e depends on wrt; in Grad(g, wrt, at=p) wrt is bound and only p counts."""
    if e == wrt or (isinstance(e, (sp.Symbol, sp.MatrixSymbol)) and str(e.name) == str(wrt.name)):
        return True
    if isinstance(e, DERIVATIVE_NODES):
        if e.args[1] == wrt:
            return _depends(e.args[2], wrt)
        return _depends(e.args[0], wrt) or _depends(e.args[2], wrt)
    return any(_depends(a, wrt) for a in e.args if isinstance(a, sp.Basic))


def _affine_value(v, ctx) -> bool:
    """Every entry of the exact value v is a polynomial of total degree <= 1 in the entries of w."""
    for entry in (list(v) if isinstance(v, sp.MatrixBase) else [v]):
        try:
            if sp.Poly(entry, *ctx["vars"]).total_degree() > 1:
                return False
        except Exception:  # noqa: BLE001 - not a polynomial in w (exp(w), 1/w, |w|, ...)
            return False
    return True


def _is_affine(e, ctx) -> bool:
    return _affine_value(_value(e, ctx), ctx)


def _sign(c, ctx, strict: bool = False, value=None, term=None) -> str:
    """A sentence when c > 0 (strict) or c >= 0 is shown; raises _NotProved otherwise."""
    v = _value(c, ctx) if value is None else value
    rel, where = (">" if strict else ">="), (f"in `{_show(term)}`, " if term is not None else "")
    said = v.is_positive if strict else v.is_nonnegative
    if said is not True:
        raise _NotProved(f"{where}the coefficient {_show(c)} is not shown {rel} 0 (SymPy's assumptions give {said})")
    check = crosscheck.sign_everywhere(v, "positive" if strict else "nonnegative")
    if not check.ok:
        raise _SympyWrong(f"SymPy's assumptions say {_show(c)} {rel} 0, but {check.detail}: SymPy was wrong, "
                          "nothing is proved")
    return f"{_show(c)} {rel} 0 (SymPy's assumptions, cross-checked at {check.points} random points)"


def _convex(e, ctx) -> list[str]:
    wrt, name = ctx["wrt"], ctx["wrt"].name
    if not _depends(e, wrt):
        return [f"`{_show(e)}` does not depend on {name} (constant)."]
    if _is_affine(e, ctx):
        return [f"`{_show(e)}` is affine in {name} (at {ctx['at']} every entry is a polynomial of degree <= 1 "
                f"in the entries of {name})."]
    if isinstance(e, (sp.Add, sp.MatAdd)):
        return [r for a in e.args for r in _convex(a, ctx)]
    if isinstance(e, MatrixElement) and e.parent.shape == (1, 1):
        return _convex(e.parent, ctx)
    if isinstance(e, sp.Transpose) and e.shape == (1, 1):
        return _convex(e.arg, ctx)
    if isinstance(e, (sp.Mul, sp.MatMul)):
        return _product(e, ctx)
    if isinstance(e, sp.Pow) and e.exp.is_Integer and e.exp > 0 and e.exp % 2 == 0 and _is_affine(e.base, ctx):
        return [f"`{_show(e)}` is an even power of the affine scalar {_show(e.base)} (t^{e.exp} is convex)."]
    if isinstance(e, sp.Abs) and _is_affine(e.args[0], ctx):
        return [f"`{_show(e)}` is the absolute value of an affine scalar (convex)."]
    if isinstance(e, sp.exp):
        inner = _convex(e.args[0], ctx)
        return inner + [f"`{_show(e)}` is exp of a convex term (exp is convex and non-decreasing)."]
    if isinstance(e, sp.Max):
        return [r for a in e.args for r in _convex(a, ctx)] + [f"`{_show(e)}` is a max of convex terms."]
    if isinstance(e, sp.log):
        return _log_sum_exp(e, ctx)
    if isinstance(e, (logsumexp, softplus)) and _is_affine(e.args[0], ctx):
        return [f"`{_show(e)}` is log-sum-exp of an affine {'vector' if isinstance(e, logsumexp) else 'scalar and 0'} "
                "(convex)."]
    raise _NotProved(f"no convexity rule matches the term `{_show(e)}` ({type(e).__name__} in {name})")


def _product(e, ctx) -> list[str]:
    """c g (c constant, >= 0; g convex) or, for a matrix product, c u^T P u."""
    wrt = ctx["wrt"]
    scalars = [a for a in e.args if not getattr(a, "is_Matrix", False)]
    matrices = [a for a in e.args if getattr(a, "is_Matrix", False)]
    const = [a for a in scalars if not _depends(a, wrt)]
    varying = [a for a in scalars if _depends(a, wrt)] + ([sp.MatMul(*matrices)] if len(matrices) > 1 else matrices)
    if len(varying) != 1:
        raise _NotProved(f"`{_show(e)}` is a product of {len(varying)} factors that depend on {wrt.name}; "
                         "no rule covers a product of non-constant terms")
    reasons = []
    if const:
        c = sp.Mul(*const)
        reasons.append(f"`{_show(e)}` is a non-negative multiple of a convex term: {_sign(c, ctx, term=e)}.")
    g = varying[0]
    return reasons + (_quadratic_form(g.args, ctx) if isinstance(g, sp.MatMul) else _convex(g, ctx))


def _same(a, b, ctx) -> bool:
    """a == b, structurally or exactly at the sizes (entrywise difference cancels to 0)."""
    if a.shape != b.shape:
        return False
    if a.doit() == b.doit():
        return True
    diff = sp.Matrix(evaluate(a, ctx["env"], EXACT)) - sp.Matrix(evaluate(b, ctx["env"], EXACT))
    return all(sp.cancel(x) == 0 for x in diff)


def _splits(k):
    """(i, j), 1 <= i <= j < k: factors[:i] is u^T (or B^T), factors[i:j] the middle, factors[j:] u (or B)."""
    return [(i, j) for i in range(1, k) for j in range(i, k)]


def _prod(factors):
    return factors[0] if len(factors) == 1 else sp.MatMul(*factors)


def _quadratic_form(factors, ctx) -> list[str]:
    """u^T P u with u affine in w and P PSD, found among the splits of the matrix product."""
    wrt, why = ctx["wrt"], []
    factors = list(factors)
    for i, j in _splits(len(factors)):
        left, right, mid = _prod(factors[:i]), _prod(factors[j:]), factors[i:j]
        if right.shape[1] != 1 or not _same(left, sp.Transpose(right), ctx):
            continue
        p = _prod(mid) if mid else sp.Identity(right.shape[0])
        if _depends(p, wrt):
            why.append(f"the middle matrix {_show(p)} depends on {wrt.name}")
            continue
        if not _is_affine(right, ctx):
            why.append(f"u = {_show(right)} is not affine in {wrt.name}")
            continue
        try:
            psd = _definite(p, ctx)
        except _NotProved as exc:
            why.append(str(exc))
            continue
        kind = "||u||^2" if not mid else "u^T P u"
        return [f"`{_show(_prod(factors))}` is a PSD quadratic form {kind} with u = {_show(right)} affine in "
                f"{wrt.name} and P = {_show(p)} PSD ({psd}); x^T P x is convex and so is its composition "
                "with an affine map."]
    raise _NotProved(f"`{_show(_prod(factors))}` is not shown to be a PSD quadratic form u^T P u of an affine u"
                     + (": " + "; ".join(why) if why else ""))


def _log_sum_exp(e, ctx) -> list[str]:
    """log(sum_k c_k exp(a_k)), c_k > 0 constant, a_k affine: log-sum-exp of a_k + log c_k."""
    total = _value(e.args[0], ctx)
    for term in sp.Add.make_args(total):
        c, rest = term.as_independent(*ctx["vars"], as_Add=False)
        rest = sp.exp(0, evaluate=False) if rest == 1 else rest  # a constant c = c e^0
        if not isinstance(rest, sp.exp) or not _affine_value(rest.args[0], ctx):
            raise _NotProved(f"`{_show(e)}`: the argument of log is not a positive combination of exp of affine "
                             f"functions (term {_show(term)})")
        _sign(c, ctx, strict=True, value=c, term=e)
    return [f"`{_show(e)}` is log-sum-exp of affine functions (log sum_k c_k e^(a_k) with every c_k > 0, "
            f"checked at {ctx['at']}), which is convex."]


def _exact_definite(sym, ctx, strict: bool) -> str:
    """A constant matrix: at the sizes, symmetric with principal minors >= 0 (PSD) or leading > 0 (PD)."""
    m, what = sp.ImmutableMatrix(evaluate(sym, ctx["env"], EXACT)), "PD" if strict else "PSD"
    if not (m.is_square and m.rows <= 8 and all(x.is_Rational for x in m) and m == m.T):
        raise _NotProved(f"{sym.name} (constant domain) is not an exact symmetric matrix at {ctx['at']}")
    subsets = ([range(k) for k in range(1, m.rows + 1)] if strict else
               [s for k in range(1, m.rows + 1) for s in itertools.combinations(range(m.rows), k)])
    if not all((lambda d: d > 0 if strict else d >= 0)(m.extract(list(s), list(s)).det()) for s in subsets):
        raise _NotProved(f"the constant matrix {sym.name} = {m.tolist()} is not {what}")
    return f"{sym.name} = {m.tolist()} at {ctx['at']} is exactly {what}"


def _definite(p, ctx, strict: bool = False) -> str:
    """Why the constant matrix p is symmetric PSD (PD when strict); raises _NotProved otherwise."""
    what = "positive definite" if strict else "PSD"
    if isinstance(p, sp.MatrixSymbol):
        dom = ctx["claim"].domain.get(str(p.name))
        name = dom.name if dom is not None else "unknown"
        if name in (PD_DOMAINS if strict else PSD_DOMAINS):
            return f"{p.name} has domain {name}"
        if name == "constant":
            return _exact_definite(p, ctx, strict)
        raise _NotProved(f"{p.name} has domain {name}, which is not {what}"
                         + (" (the inverse of a PSD matrix is not defined)" if strict and name == "psd" else ""))
    if isinstance(p, sp.Identity) or (isinstance(p, sp.ZeroMatrix) and not strict):
        return f"{_show(p)} is {what}"
    if isinstance(p, sp.MatAdd):
        reasons, strict_terms = [], 0
        for a in p.args:
            try:
                reasons.append(_definite(a, ctx, strict))
                strict_terms += 1
            except _NotProved:
                if not strict:
                    raise
                reasons.append(_definite(a, ctx, False))
        if strict and not strict_terms:
            raise _NotProved(f"no term of {_show(p)} is shown positive definite")
        return ("PSD + PD is PD: " if strict else "a sum of PSD matrices: ") + "; ".join(reasons)
    if isinstance(p, sp.Transpose):
        return f"the transpose of a symmetric {what} matrix: {_definite(p.arg, ctx, strict)}"
    if isinstance(p, sp.Inverse):
        return f"the inverse of a PD matrix: {_definite(p.arg, ctx, True)}"
    if isinstance(p, sp.MatPow) and p.exp.is_Integer and p.exp != 0:
        if p.exp > 0:
            return f"a positive power of a {what} matrix: {_definite(p.base, ctx, strict)}"
        return f"a negative power of a PD matrix: {_definite(p.base, ctx, True)}"
    if isinstance(p, sp.MatMul):
        scalars = [a for a in p.args if not getattr(a, "is_Matrix", False)]
        mats = [a for a in p.args if getattr(a, "is_Matrix", False)]
        prefix = f"{_sign(sp.Mul(*scalars), ctx, strict)}, times " if scalars else ""
        if len(mats) == 1:
            return prefix + _definite(mats[0], ctx, strict)
        for i, j in _splits(len(mats)) if not strict else ():
            left, right, mid = _prod(mats[:i]), _prod(mats[j:]), mats[i:j]
            if not _same(left, sp.Transpose(right), ctx):
                continue
            if not mid:
                return prefix + f"a Gram matrix B^T B with B = {_show(right)}"
            try:
                return prefix + f"a congruence B^T P B with B = {_show(right)}, P: {_definite(_prod(mid), ctx)}"
            except _NotProved:
                continue
    raise _NotProved(f"no rule shows {_show(p)} ({type(p).__name__}) {what}")
