"""Reinforcement-learning claims: the policy-gradient derivation and its variance-reduction step.

Everything is exact on a small finite MDP: S states, A actions, horizon two steps
(s0, a0, s1, a1), a tabular softmax policy with logits theta (S x A), an initial distribution
rho, transition probabilities P and rewards r.  With finitely many trajectories the notes'
integrals over trajectories are finite sums, so the log-derivative trick, the decomposition of
the trajectory score and the zero mean of a state baseline's term can be checked exactly
(symbolically) and against autodiff (numerically) without Monte Carlo.
"""

from __future__ import annotations

import itertools

import sympy as sp

from verify import Claim, Derivation, Expectation, Grad, Identity, SumOver, domains

S = sp.Symbol("S", integer=True, positive=True)  # number of states
A = sp.Symbol("A", integer=True, positive=True)  # number of actions
theta = sp.MatrixSymbol("theta", S, A)  # softmax logits, one row per state
rho = sp.MatrixSymbol("rho", S, 1)  # initial-state distribution
P = sp.MatrixSymbol("P", S * A, S)  # row s*A + a: distribution of the next state after (s, a)
r = sp.MatrixSymbol("r", S, A)  # reward for taking action a in state s

SOURCE = "002_af36e8dc7108e1d7.txt — Reinforcement Learning › Policy-Based Solvers › Policy Gradient"

MDP_DOMAIN = {theta: domains.general(), rho: domains.simplex(), P: domains.stochastic(),
              r: domains.general()}
MDP_SIZES = {S: (2, 3), A: (2, 3)}


def small_mdp(sizes) -> bool:
    """At most 36 trajectories: (S*A)^2 grows fast, and every trajectory costs a gradient."""
    return sizes["S"] * sizes["A"] <= 6


def policy(s: int, a: int, actions: int, logits=theta):
    """pi(a | s): softmax of row s of the logits, written out with exp and a sum."""
    return sp.exp(logits[s, a]) / sp.Add(*[sp.exp(logits[s, k]) for k in range(actions)])


def trajectories(sizes):
    """Every (s0, a0, s1, a1) of the two-step MDP."""
    states, actions = range(sizes["S"]), range(sizes["A"])
    return list(itertools.product(states, actions, states, actions))


def trajectory_probability(tau, actions: int):
    """p(tau; theta) = rho(s0) pi(a0|s0) P(s1|s0,a0) pi(a1|s1)."""
    s0, a0, s1, a1 = tau
    return rho[s0, 0] * policy(s0, a0, actions) * P[s0 * actions + a0, s1] * policy(s1, a1, actions)


def trajectory_return(tau):
    s0, a0, s1, a1 = tau
    return r[s0, a0] + r[s1, a1]


def _matsum(terms):
    return sp.MatAdd(*terms) if len(terms) > 1 else terms[0]


def _mdp_names(sizes, selectors: bool = False):
    """How the reports write the MDP: p(tau_k) for the probability of the k-th trajectory (in the order
    of `trajectories`), pi(a | s) for the policy (1-based), and E_k for the matrix placing block k."""
    actions = sizes["A"]
    taus = trajectories(sizes)
    names = {trajectory_probability(tau, actions): r"p(\tau_{%d})" % (k + 1) for k, tau in enumerate(taus)}
    names.update({policy(s, a, actions): r"\pi(%d \mid %d)" % (a + 1, s + 1)
                  for s in range(sizes["S"]) for a in range(actions)})
    if selectors:
        names.update({_block_selector(k, len(taus), actions): r"E_{%d}" % (k + 1) for k in range(len(taus))})
    return names


# --- the log-derivative trick ---------------------------------------------------------------------

# A trajectory made of symbols: the reports print each sum over trajectories as the sum of its term
# at this generic trajectory (verify.SumOver), which is how the notes write it.  The symbols are
# labels counted from 1, as the reports count entries; the indices into theta, rho, P and r are
# 0-based, hence the - 1.
TRAJECTORY_LABELS = tuple(sp.Symbol(name, integer=True, positive=True) for name in ("s_0", "a_0", "s_1", "a_1"))
GENERIC_TRAJECTORY = tuple(label - 1 for label in TRAJECTORY_LABELS)


def _trick_templates(sizes, with_reward: bool = True):
    """The term of each sum of the chain, as a function of one trajectory."""
    actions = sizes["A"]

    def p(tau):
        return trajectory_probability(tau, actions)

    def weight(tau):
        return trajectory_return(tau) if with_reward else sp.Integer(1)

    return {
        "objective": lambda tau: trajectory_return(tau) * p(tau),
        "grad_p": lambda tau: trajectory_return(tau) * Grad(p(tau), theta),
        # multiplies and divides by p; built unevaluated so that SymPy does not cancel the two
        # factors before the check sees them
        "p_over_p": lambda tau: sp.MatMul(trajectory_return(tau), Grad(p(tau), theta),
                                          sp.Pow(p(tau), -1, evaluate=False), p(tau), evaluate=False),
        "score": lambda tau: p(tau) * weight(tau) * Grad(sp.log(p(tau)), theta),
    }


def _trick_sums(sizes, with_reward: bool = True) -> dict:
    """Each sum over trajectories of the chain as a SumOver (what it prints as)."""
    taus = tuple(trajectories(sizes))
    ranges = (r"(s_0, a_0, s_1, a_1) \text{ for all states } s_t \in \{1, \dots, S\} \text{ and actions } "
              r"a_t \in \{1, \dots, A\} \text{: %d trajectories}" % len(taus))
    return {part: SumOver(r"\tau", template, taus, GENERIC_TRAJECTORY, ranges)
            for part, template in _trick_templates(sizes, with_reward).items()}


def _log_derivative_trick(sizes, with_reward: bool = True):
    sums = _trick_sums(sizes, with_reward)
    steps = (
        Grad(sums["objective"].expr(), theta),
        sums["grad_p"].expr(),
        sums["p_over_p"].expr(),
        sums["score"].expr(),
    )
    reasons = (
        "differentiate the finite sum term by term (r does not depend on theta)",
        "multiply and divide by p(tau; theta) > 0",
        "grad p / p = grad log p; the sum weighted by p is the expectation over trajectories",
    )
    return Derivation(steps=steps, reasons=reasons)


def _trick_names(sizes) -> dict:
    """The report's names: each sum as a sum over tau, and at the generic trajectory p(tau), R(tau)
    and the policy pi(a | s)."""
    actions = sizes["A"]
    s0, a0, s1, a1 = GENERIC_TRAJECTORY
    names = {family.expr(): family for family in _trick_sums(sizes).values()}
    names[trajectory_probability(GENERIC_TRAJECTORY, actions)] = r"p(\tau)"
    names[trajectory_return(GENERIC_TRAJECTORY)] = r"R(\tau)"
    names[policy(s0, a0, actions)] = r"\pi(a_0 \mid s_0)"
    names[policy(s1, a1, actions)] = r"\pi(a_1 \mid s_1)"
    names[P[s0 * actions + a0, s1]] = r"P(s_1 \mid s_0, a_0)"  # its where line shows the row layout of P
    return names


log_derivative_trick = Claim(
    id="rl.pg.log_derivative_trick",
    title="Policy gradient: grad J equals the expectation of return times grad log p(tau)",
    source=SOURCE + " (Gradient Derivation)",
    statement=_log_derivative_trick,
    domain=MDP_DOMAIN,
    sizes=MDP_SIZES,
    tex_names=_trick_names,
    size_rule=small_mdp,
    symbolic_sizes=({"S": 2, "A": 2},),
    notes=(
        "J(theta) is the expected return over trajectories (s0, a0, s1, a1) of a two-step MDP; "
        "the return is r(s0, a0) + r(s1, a1). The trajectory space is finite, so the notes' "
        "integral is a sum and differentiating under it is just linearity. The chain is checked "
        "step by step: grad J, then the sum of r * grad p, then the same with p / p inserted, "
        "then the p-weighted sum of r * grad log p. The policy is a softmax of the logits in "
        "each state, so every trajectory has p > 0 and log p is defined; the rewards, initial "
        "distribution and transitions do not depend on theta (both are conditions the notes "
        "leave unstated: a support that moves with theta would break the identity). Sizes: S and "
        "A in 2..3 with S * A <= 6, i.e. at most 36 trajectories, to bound the cost of one "
        "gradient per trajectory."
    ),
)


# --- the trajectory score only involves the policy ----------------------------------------------


def _block_selector(index: int, count: int, actions: int):
    """The A x (A * count) matrix that moves an S x A block to column block `index`."""
    return sp.ImmutableMatrix(actions, actions * count,
                              lambda i, j: 1 if j == index * actions + i else 0)


def _score_decomposition(sizes):
    actions = sizes["A"]
    taus = trajectories(sizes)
    # All trajectories in one identity: their S x A gradients side by side, one block each.
    # Keeping the blocks apart (rather than, say, a weighted sum) leaves every entry of the
    # residual about a single trajectory, which keeps the exact check small.
    lhs, rhs = [], []
    for k, tau in enumerate(taus):
        s0, a0, s1, a1 = tau
        place = _block_selector(k, len(taus), actions)
        lhs.append(Grad(sp.log(trajectory_probability(tau, actions)), theta) * place)
        policy_scores = (Grad(sp.log(policy(s0, a0, actions)), theta)
                         + Grad(sp.log(policy(s1, a1, actions)), theta))
        rhs.append(policy_scores * place)
    return Identity(_matsum(lhs), _matsum(rhs))


trajectory_score_decomposition = Claim(
    id="rl.pg.trajectory_score_decomposition",
    title="The score of a trajectory is the sum of the policy scores; dynamics drop out",
    source=SOURCE + " (Resulting Gradient)",
    statement=_score_decomposition,
    domain={theta: domains.general(), rho: domains.simplex(), P: domains.stochastic()},
    sizes=MDP_SIZES,
    tex_names=lambda sizes: _mdp_names(sizes, selectors=True),
    size_rule=small_mdp,
    symbolic_sizes=({"S": 2, "A": 2},),
    notes=(
        "p(tau; theta) factors as rho(s0) pi(a0|s0) P(s1|s0,a0) pi(a1|s1). Its log is a sum, and "
        "the initial-state and transition factors do not depend on theta, so the gradient of "
        "log p is grad log pi(a0|s0) + grad log pi(a1|s1). Checked for every trajectory of the "
        "two-step MDP at once: the S x A gradients of all trajectories are laid side by "
        "side in one S x (A * number of trajectories) matrix, one block per trajectory (the "
        "constant 0/1 matrices in the encoding only place the blocks). Conditions: rho and P independent of theta "
        "and positive on the trajectory (the domains keep them positive). Sizes as for "
        "rl.pg.log_derivative_trick (S * A <= 6)."
    ),
)


# --- a state baseline adds nothing in expectation -----------------------------------------------

logits = sp.MatrixSymbol("theta", A, 1)  # one state: the logits of its A actions
baseline = sp.Symbol("b", real=True)


def bandit_policy(a: int, actions: int, z=logits):
    return sp.exp(z[a, 0]) / sp.Add(*[sp.exp(z[k, 0]) for k in range(actions)])


def _bandit_names(sizes):
    return {bandit_policy(a, sizes["A"]): r"\pi_{%d}" % (a + 1) for a in range(sizes["A"])}


def _baseline_unbiased(sizes):
    actions = sizes["A"]
    probs = tuple(bandit_policy(a, actions) for a in range(actions))
    values = tuple(Grad(sp.log(bandit_policy(a, actions)), logits) * baseline for a in range(actions))
    return Expectation(probs=probs, values=values, equals=sp.ZeroMatrix(A, 1))


baseline_unbiased = Claim(
    id="rl.pg.baseline_unbiased",
    title="A baseline that does not depend on the action has zero-mean score term",
    source="002_af36e8dc7108e1d7.txt — Reinforcement Learning › Variance Reduction (Baseline Subtraction)",
    statement=_baseline_unbiased,
    domain={logits: domains.general(), baseline: domains.real(3.0)},
    sizes={A: (2, 5)},
    tex_names=_bandit_names,
    symbolic_sizes=({"A": 3},),
    notes=(
        "Fix the state s; the policy is a softmax over A actions with logits theta (A x 1). For a "
        "baseline b(s) that does not depend on the action, the expectation over a ~ pi of "
        "b * grad log pi(a|s) is b * grad of sum_a pi(a|s) = b * grad 1 = 0, so subtracting it "
        "leaves the policy-gradient estimator unbiased. The expectation is the exact finite sum "
        "over the A actions. The condition that b not depend on a is essential: an action-"
        "dependent b(s, a) gives a non-zero mean in general."
    ),
)
