"""Probability claims: Bayes' rule on finite joint distributions.

The notes state Bayes' rule for events; here it is checked for two finite random variables
A (K values) and B (L values) with a joint probability table P (K x L, all cells positive), for
every pair of values at once.  Conditioning the table directly (divide a column by its total)
must give the same posterior as likelihood x prior / evidence.
"""

from __future__ import annotations

import sympy as sp

from verify import Claim, Identity, domains

K = sp.Symbol("K", integer=True, positive=True)  # number of values of A (rows of the table)
L = sp.Symbol("L", integer=True, positive=True)  # number of values of B (columns)
P = sp.MatrixSymbol("P", K, L)  # P[i, j] = Pr(A = i, B = j)


def marginal_a(i: int, cols: int):
    """Pr(A = i): the total of row i."""
    return sp.Add(*[P[i, j] for j in range(cols)])


def marginal_b(j: int, rows: int):
    """Pr(B = j): the total of column j."""
    return sp.Add(*[P[i, j] for i in range(rows)])


def posterior_by_conditioning(sizes):
    """Pr(A = i | B = j) read off the table: cell over its column total."""
    k, l = sizes["K"], sizes["L"]
    return sp.ImmutableMatrix(k, l, lambda i, j: P[i, j] / marginal_b(j, k))


def likelihood(i: int, j: int, rows: int, cols: int):
    """Pr(B = j | A = i): cell over its row total."""
    return P[i, j] / marginal_a(i, cols)


def _bayes(sizes):
    k, l = sizes["K"], sizes["L"]
    # Likelihood, prior and evidence are each formed on their own and multiplied without SymPy's
    # automatic evaluation: a plain `*` cancels the row total of the likelihood against the prior
    # while the statement is built, which made the right side the very expression of the left one
    # (verify.trivial warned).  Unevaluated, the cancellation is done by the checks themselves.
    via_rule = sp.ImmutableMatrix(
        k, l, lambda i, j: sp.Mul(likelihood(i, j, k, l), marginal_a(i, l), 1 / marginal_b(j, k), evaluate=False))
    return Identity(posterior_by_conditioning(sizes), via_rule)


def _bayes_names(sizes):
    """The report's names (1-based, as it indexes entries): row and column totals are the marginals
    Pr(A = i) and Pr(B = j), a cell over its column total the posterior Pr(A = i | B = j), over its
    row total the likelihood Pr(B = j | A = i); the where-lines define each from the table."""
    k, l = sizes["K"], sizes["L"]
    names = {}
    for i in range(k):
        for j in range(l):
            names[P[i, j] / marginal_b(j, k)] = r"\Pr(A = %d \mid B = %d)" % (i + 1, j + 1)
            names[likelihood(i, j, k, l)] = r"\Pr(B = %d \mid A = %d)" % (j + 1, i + 1)
    names.update({marginal_b(j, k): r"\Pr(B = %d)" % (j + 1) for j in range(l)})
    names.update({marginal_a(i, l): r"\Pr(A = %d)" % (i + 1) for i in range(k)})
    return names


bayes_rule = Claim(
    id="probability.bayes.rule",
    title="Bayes' rule: posterior equals likelihood times prior over evidence",
    source="000_dc19b0ffecab0c76.txt — Probability (untitled) › 3. Bayes Rule",
    statement=_bayes,
    domain={P: domains.joint_pmf()},
    sizes={K: (2, 4), L: (2, 4)},
    tex_names=_bayes_names,
    symbolic_sizes=({"K": 2, "L": 2},),
    notes=(
        "A takes K values and B takes L values; P is their joint table, P[i, j] = Pr(A=i, B=j). "
        "Pr(A=i) is the row total, Pr(B=j) the column total, and conditional probabilities are "
        "ratios of a cell to the total of the event conditioned on. The claim compares, for "
        "every (i, j), the posterior obtained by dividing cell (i, j) by its column total with "
        "Pr(B=j | A=i) * Pr(A=i) / Pr(B=j). The notes write A/B for 'A given B' and give no "
        "conditions: the rule needs Pr(B=j) > 0 (it is undefined otherwise), and Pr(A=i) > 0 "
        "for the likelihood to be defined. The joint_pmf domain keeps every cell positive, so "
        "both hold on every instance; tables with a zero-probability value of B are outside the "
        "claim, not counterexamples to it."
    ),
)
