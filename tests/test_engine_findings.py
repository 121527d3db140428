"""Weaknesses that mutation testing found in the engine, each pinned by the smallest claim that
showed it.  Before the fixes every one of these false claims was `inconsistent` or `proved`."""

import sympy as sp

from verify import Algorithmic, Claim, Grad, Minimiser, domains, scalar
from verify.runner import check_claim
from verify.symbolic import check_symbolic

n = sp.Symbol("n", integer=True, positive=True)
H = sp.MatrixSymbol("H", n, n)
w = sp.MatrixSymbol("w", n, 1)
ws = sp.MatrixSymbol("ws", n, 1)
s = sp.MatrixSymbol("s", n, 1)
alpha = sp.Symbol("alpha", positive=True)


def claim(cid, statement, domain, sizes=None):
    return Claim(id=f"test.findings.{cid}", title=cid, source="tests", statement=statement, domain=domain,
                 sizes={n: (1, 3)} if sizes is None else sizes, symbolic_sizes=({"n": 2},))


def test_a_stationary_maximum_is_not_a_minimiser():
    # -(w - ws)^T H (w - ws) / 2 with H SPD is stationary at ws, but ws is its maximum
    f = -scalar((w - ws).T * H * (w - ws)) / 2
    c = claim("maximum", Minimiser(f, w, ws), {H: domains.spd(), ws: domains.vector(), w: domains.vector()})
    sym = check_symbolic(c)
    assert sym.status == "disproved" and "negative eigenvalue" in sym.steps[-1]
    assert check_claim(c, instances=8, symbolic_budget=60).verdict == "refuted"


def test_subgradient_cases_need_a_convex_cost():
    # f depends on w only through sign(w): its derivative is 0 almost everywhere, so every case
    # "passes" the subgradient condition, yet the point is not a minimiser (w = 0 is lower)
    h = sp.MatrixSymbol("h", 1, 1)
    f = scalar((s - (alpha * h.inv() + h) * w.applyfunc(sp.sign)).T * h * (s - (alpha * h.inv() + h)
                                                                         * w.applyfunc(sp.sign))) / 2
    point = s - alpha * h.inv() * s.applyfunc(sp.sign)
    c = Claim(id="test.findings.sign_only", title="t", source="tests",
              statement=Minimiser(f, w, point, smooth=False, cases=(("s > 0", {"s_1": sp.Rational(1, 3)}),
                                                                    ("s < 0", {"s_1": -sp.Rational(1, 3)}))),
              domain={h: domains.diagonal_positive(), s: domains.vector(), w: domains.vector(),
                      alpha: domains.positive()}, sizes={n: (1, 1)}, symbolic_sizes=({"n": 1},))
    sym = check_symbolic(c)
    assert sym.status != "proved", sym
    assert check_claim(c, instances=16, symbolic_budget=60).verdict == "refuted"


def test_exact_line_search_along_an_ascent_direction_is_not_descent():
    S = sp.MatrixSymbol("S", n, n)
    b = sp.MatrixSymbol("b", n, 1)
    eta = sp.Symbol("eta", positive=True)
    cost = scalar(w.T * S * w) / 2 - scalar(b.T * w)
    g = lambda at: Grad(cost, w, at=at)  # noqa: E731
    c = claim("ascent", Algorithmic(cost, w, eta, w + eta * Grad(cost, w),  # the sign of the step is lost
                                    lambda th, nxt: (scalar(g(nxt).T * g(th)), 0,
                                                     sp.sqrt(scalar(g(nxt).T * g(nxt)) * scalar(g(th).T * g(th)))),
                                    iterations=3),
              {S: domains.spd(), b: domains.vector(), w: domains.vector()}, {n: (2, 3)})
    sym = check_symbolic(c)
    assert sym.status == "undecided" and "negative" in sym.reason
    assert check_claim(c, instances=8, symbolic_budget=60).verdict == "refuted"
