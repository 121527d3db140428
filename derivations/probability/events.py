"""Probability claims about events: the product rule, the set difference and the chain rule.

Encoding.  Any k events A_1, ..., A_k of any probability space split it into the 2^k cells of
their Venn diagram (cell w holds the outcomes that lie in A_i exactly for the bits i set in w),
and every probability these claims mention is a sum of cell probabilities.  So the general case
is a finite sample space of 2^k atoms with probabilities p (a random point of the simplex, every
cell positive) and events given by 0/1 indicator vectors: A_i is the set of cells whose bit i is
set.  P(E) = 1_E^T p, an intersection is the entrywise product of indicators, a difference is
1_A (1 - 1_B), and a conditional probability is the ratio its definition gives,
P(E | F) = P(E and F) / P(F).  A proof over the cell probabilities is a proof for every choice of
events on every space (with the number of events fixed); cells of probability 0 are where the
identities are limits of the positive case, and every conditioning event keeps a positive cell.
"""

from __future__ import annotations

import sympy as sp

from verify import Claim, Derivation, Identity, domains, scalar

SOURCE = "000_dc19b0ffecab0c76.txt — Probability (untitled)"

n = sp.Symbol("n", integer=True, positive=True)  # number of events of the chain rule
p2 = sp.MatrixSymbol("p", 4, 1)  # cell probabilities of two events A, B (cell w: bit 0 = in A, bit 1 = in B)
p = sp.MatrixSymbol("p", 2 ** n, 1)  # cell probabilities of n events


def indicator(cells: int, inside) -> sp.ImmutableMatrix:
    """The 0/1 column over `cells` Venn cells of the event {w : inside(w)}."""
    return sp.ImmutableMatrix(cells, 1, lambda w, _: 1 if inside(w) else 0)


def event(i: int, cells: int) -> sp.ImmutableMatrix:
    """1_{A_(i+1)}: the cells whose bit i is set."""
    return indicator(cells, lambda w: (w >> i) & 1)


def intersection(indices, cells: int) -> sp.ImmutableMatrix:
    """1 of the intersection of the events A_(i+1), i in indices: the entrywise product of indicators."""
    return indicator(cells, lambda w: all((w >> i) & 1 for i in indices))


def prob(ind: sp.ImmutableMatrix, probs) -> sp.Expr:
    """P(E) = 1_E^T p: the total probability of the cells in E."""
    return scalar(ind.T * probs)


def given(joint, condition):
    """P(E | F) by its definition, P(E and F) / P(F)."""
    return sp.Mul(joint, sp.Pow(condition, -1), evaluate=False)


# --- probability.conditional.product_rule -------------------------------------------------------

P_A = prob(event(0, 4), p2)
P_B = prob(event(1, 4), p2)
P_AB = prob(intersection((0, 1), 4), p2)
A_GIVEN_B = given(P_AB, P_B)
B_GIVEN_A = given(P_AB, P_A)

TWO_EVENT_NAMES = {
    P_A: r"\Pr(A)", P_B: r"\Pr(B)", P_AB: r"\Pr(A \cap B)",
    A_GIVEN_B: r"\Pr(A \mid B)", B_GIVEN_A: r"\Pr(B \mid A)",
}
TWO_EVENT_NOTE = (
    "Two events A and B on any probability space split it into four cells (in both, only A, only "
    "B, neither); p holds their probabilities, a random point of the simplex with every cell "
    "positive, and each probability is the sum of p over the cells of the event (an indicator "
    "vector times p). Since every pair of events on every space reduces to these four cells, the "
    "check covers all of them. "
)

product_rule = Claim(
    id="probability.conditional.product_rule",
    title="Product rule: P(A and B) = P(A | B) P(B) = P(B | A) P(A)",
    source=f"{SOURCE} › 1. Unions, Intersection, and Conditional Probability",
    statement=Derivation(
        steps=(P_AB, sp.Mul(A_GIVEN_B, P_B, evaluate=False), sp.Mul(B_GIVEN_A, P_A, evaluate=False)),
        reasons=("P(A | B) = P(A and B) / P(B), defined as P(B) > 0",
                 "P(B | A) = P(A and B) / P(A), defined as P(A) > 0"),
    ),
    domain={p2: domains.simplex()},
    tex_names=TWO_EVENT_NAMES,
    notes=(
        TWO_EVENT_NOTE
        + "The conditionals are written by their definition, a ratio, so they need P(B) > 0 and "
        "P(A) > 0 (the catalog's condition; the notes write P(A/B) for P(A | B)); with every cell "
        "positive both hold. Each side is built unevaluated, so the cancellation is done by the "
        "checks. Proved for every point of the simplex (no sizes)."
    ),
)


# --- probability.set_difference ------------------------------------------------------------------

A_MINUS_B = indicator(4, lambda w: (w & 1) and not (w >> 1) & 1)  # 1_A (1 - 1_B)
P_A_MINUS_B = prob(A_MINUS_B, p2)

set_difference = Claim(
    id="probability.set_difference",
    title="P(A minus B) = P(A) - P(A and B)",
    source=f"{SOURCE} › 1. Unions, Intersection, and Conditional Probability",
    statement=Identity(P_A_MINUS_B, P_A - P_AB),
    domain={p2: domains.simplex()},
    tex_names={**TWO_EVENT_NAMES, P_A_MINUS_B: r"\Pr(A \setminus B)"},
    notes=(
        TWO_EVENT_NOTE
        + "A minus B is the set of outcomes in A and not in B, indicator 1_A (1 - 1_B). The notes "
        "write P(A - B) and P(AB) for the intersection. No condition is needed. Proved for every "
        "point of the simplex (no sizes)."
    ),
)


# --- probability.chain_rule.events ---------------------------------------------------------------


def first(k: int, count: int):
    """P(A_1 and ... and A_k) over the 2^count cells of `count` events."""
    return prob(intersection(range(k), 2 ** count), p)


def _chain_rule(sizes):
    count = sizes["n"]
    factors = [first(1, count)] + [given(first(k, count), first(k - 1, count)) for k in range(2, count + 1)]
    return Identity(first(count, count), sp.Mul(*factors, evaluate=False))


def _chain_names(sizes):
    count = sizes["n"]
    names = {}
    for k in range(1, count + 1):
        joint = r" \cap ".join(f"A_{{{i}}}" for i in range(1, k + 1))
        names[first(k, count)] = r"\Pr(%s)" % joint
        if k >= 2:
            before = r" \cap ".join(f"A_{{{i}}}" for i in range(1, k))
            names[given(first(k, count), first(k - 1, count))] = r"\Pr(A_{%d} \mid %s)" % (k, before)
    return names


chain_rule = Claim(
    id="probability.chain_rule.events",
    title="Chain rule: P(A_1 and ... and A_n) = P(A_1) P(A_2 | A_1) ... P(A_n | A_1 and ... and A_(n-1))",
    source=f"{SOURCE} › 2. Chain Rule of Probability for Intersection of Event",
    statement=_chain_rule,
    domain={p: domains.simplex()},
    sizes={n: (2, 5)},
    symbolic_sizes=({"n": 2}, {"n": 3}, {"n": 4}),
    tex_names=_chain_names,
    notes=(
        "n events A_1..A_n on any probability space split it into the 2^n cells of their Venn "
        "diagram; p holds the cell probabilities, a random point of the simplex with every cell "
        "positive, and the probability of an intersection is the sum of p over the cells inside "
        "every event of it. Every choice of n events on every space reduces to this, so the check "
        "covers all of them for each n. Each conditional is its definition, P(A_1..A_k) / "
        "P(A_1..A_(k-1)), which needs every conditioning intersection to have positive "
        "probability (the catalog's condition; positive cells give it). The product is built "
        "unevaluated, so the telescoping is done by the checks. Proved entrywise at n = 2, 3, 4 "
        "events (4, 8, 16 cells); checked numerically for n = 2..5."
    ),
)
