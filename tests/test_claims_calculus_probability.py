"""Claims in derivations/calculus/derivatives.py, derivations/probability/events.py and
derivations/probability/likelihood.py: each subject gets a deliberately false variant (a negative
control) that must come out refuted, and the tricky encodings get their own checks (the 0/1 label
domain, the Venn-cell events, the scope of the proofs).

A control reuses the claim's own building blocks and breaks one thing (a transposed shape, a
derivative taken twice in the same variable, a dropped conditioning event, exchanged labels), so
a refutation shows the check is sensitive to that part of the statement.  The verdicts of the
true claims themselves are checked with the whole registry by tests/test_builtin_verdicts.py;
here only the scope of their proofs is pinned.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sympy as sp

from derivations.calculus import derivatives as calc
from derivations.probability import events, likelihood
from verify import Claim, Derivation, Grad, Gradient, Identity, Jacobian, domains

from claimcheck import Checker

INSTANCES = 16
BUDGET = 30.0
CONTROL_BUDGET = 10.0



_check = Checker(INSTANCES, BUDGET, CONTROL_BUDGET)


def _control(original: Claim, suffix: str, statement, title: str, **changes) -> Claim:
    return dataclasses.replace(original, id=f"controls.{original.id}.{suffix}", title=title, statement=statement,
                               source=f"negative control for {original.id}", expect="fails",
                               correction=original.id, tex_names={}, **changes)


# --- calculus controls ----------------------------------------------------------------------------


def _gradient_as_a_row(sizes):
    size = sizes["n"]
    row = sp.ImmutableMatrix(1, size, lambda _, i: calc.partial(calc.smooth(calc.x), calc.x, i, size, calc.t))
    return Identity(Grad(calc.smooth(calc.x), calc.x), row)


def _gradient_partials_reversed(sizes):
    size = sizes["n"]
    col = sp.ImmutableMatrix(size, 1, lambda i, _: calc.partial(calc.smooth(calc.x), calc.x, size - 1 - i, size, calc.t))
    return Identity(Grad(calc.smooth(calc.x), calc.x), col)


SMALL = {calc.n: (2, 3), calc.K: (1, 2)}
SMALL_SYMBOLIC = ({"n": 2, "K": 1},)

gradient_row = _control(calc.gradient_definition_shape, "row", _gradient_as_a_row,
                        "The gradient is the 1 x n row of partial derivatives (false: it is a column)",
                        sizes=SMALL, symbolic_sizes=SMALL_SYMBOLIC)
gradient_reversed = _control(calc.gradient_definition_shape, "reversed", _gradient_partials_reversed,
                             "Entry i of the gradient is df/dx_(n+1-i) (false)",
                             sizes=SMALL, symbolic_sizes=SMALL_SYMBOLIC)

f2 = calc.two_variable_function()
mixed_same_variable = _control(
    calc.mixed_partials_symmetry, "same_variable",
    Identity(Grad(Grad(f2, calc.xs), calc.ys), Grad(Grad(f2, calc.xs), calc.xs)),
    "d2z/dydx = d2z/dx2 (false)")


def _hessian_as_outer_product(sizes):
    grad = Grad(calc.smooth(calc.x), calc.x)
    return Derivation(steps=(Jacobian(grad, calc.x), grad * grad.T))


hessian_outer = _control(calc.hessian_definition_symmetric, "gradient_outer_product", _hessian_as_outer_product,
                         "The Hessian is the outer product of the gradient with itself (false)",
                         sizes=SMALL, symbolic_sizes=SMALL_SYMBOLIC)


def _third_order_as_hessian(sizes):
    # the third derivative taken to be the n x n Hessian: its "slices" are its n x 1 columns
    size = sizes["n"]
    hessian = Jacobian(Grad(calc.smooth(calc.x), calc.x), calc.x)
    columns = [hessian * calc.unit(j, size) for j in range(size)]
    return Derivation(steps=(calc.contracted(columns), calc.directional(calc.smooth(calc.x), calc.PERMUTATIONS[0])))


def _third_order_repeated_direction(sizes):
    # D^3 f[v1, v2, v3] = D^3 f[v1, v2, v2]: not a permutation of the arguments
    size = sizes["n"]
    value = calc.smooth(calc.x).xreplace({calc.x: calc.x + calc.t * calc.v1 + calc.s * calc.v2 + calc.r * calc.v2})
    for param in (calc.t, calc.s, calc.r):
        value = Grad(value, param, at=0)
    return Derivation(steps=(calc.contracted(calc.autodiff_slices(calc.smooth(calc.x), size)), value))


THIRD_SMALL = {calc.n: (2, 3), calc.K: (1, 1)}
third_as_hessian = _control(calc.third_order_shape, "n_by_n", _third_order_as_hessian,
                            "The third derivative is an n x n matrix, the Hessian (false: n x n x n)",
                            sizes=THIRD_SMALL, symbolic_sizes=SMALL_SYMBOLIC)
third_repeated = _control(calc.third_order_shape, "repeated_direction", _third_order_repeated_direction,
                          "D^3 f[v1, v2, v3] = D^3 f[v1, v2, v2] (false: not a permutation)",
                          sizes=THIRD_SMALL, symbolic_sizes=SMALL_SYMBOLIC)


def _layout_names_swapped(sizes):
    # the as-written names: an n x m matrix [d v_j / d u_k] at row k, column j
    return Identity(Jacobian(calc.layer(calc.u), calc.u), calc.entrywise_jacobian(sizes).T)


def _chain_rule_without_transpose(sizes):
    jac = calc.entrywise_jacobian(sizes)
    return Identity(Grad(calc.downstream(calc.layer(calc.u)), calc.u),
                    jac * Grad(calc.downstream(calc.w), calc.w, at=calc.layer(calc.u)))


layout_swapped = _control(calc.layout_convention_a, "names_swapped", _layout_names_swapped,
                          "The Jacobian dv/du is the n x m matrix with d v_j / d u_k at row k (false)",
                          symbolic_sizes=({"m": 2, "n": 2},))
chain_no_transpose = _control(calc.layout_convention_a_chain, "no_transpose", _chain_rule_without_transpose,
                              "grad_u J = (dv/du) grad_v J without the transpose (false)",
                              symbolic_sizes=({"m": 2, "n": 2, "K": 1},))
linear_map_transposed = _control(calc.linear_map_a, "transposed",
                                 Gradient(calc.A * calc.u, calc.u, claimed=calc.A.T),
                                 "If v = A u then dv/du = A^T (false in numerator layout)")

# --- probability controls -------------------------------------------------------------------------

product_rule_wrong_marginal = _control(
    events.product_rule, "wrong_marginal",
    Derivation(steps=(events.P_AB, sp.Mul(events.A_GIVEN_B, events.P_A, evaluate=False))),
    "P(A and B) = P(A | B) P(A) (false)")
set_difference_wrong = _control(events.set_difference, "minus_b",
                                Identity(events.P_A_MINUS_B, events.P_A - events.P_B),
                                "P(A minus B) = P(A) - P(B) (false)")


def _chain_rule_unconditional(sizes):
    count = sizes["n"]
    cells = 2 ** count
    marginals = [events.prob(events.event(i, cells), events.p) for i in range(count)]
    return Identity(events.first(count, count), sp.Mul(*marginals, evaluate=False))


chain_rule_unconditional = _control(events.chain_rule, "unconditional", _chain_rule_unconditional,
                                    "P(A_1 and ... and A_n) = P(A_1) ... P(A_n) (false without independence)",
                                    symbolic_sizes=({"n": 2},))


def _logistic_labels_swapped(sizes):
    count = sizes["m"]
    scale = sp.Rational(-1, count)
    y = likelihood.y
    h = likelihood.hypothesis
    loglik = sp.Add(*[sp.log(likelihood.bernoulli_pmf(i)) for i in range(count)], evaluate=False)
    swapped = sp.Add(*[(1 - y[i, 0]) * sp.log(h(i)) + y[i, 0] * sp.log(1 - h(i)) for i in range(count)],
                     evaluate=False)
    return Derivation(steps=(scale * loglik, scale * swapped))


logistic_swapped = _control(likelihood.logistic_likelihood, "labels_swapped", _logistic_labels_swapped,
                            "The log loss with y and 1 - y exchanged (false)")


def _iid_normal_one_factor(sizes):
    st = likelihood._iid_normal(sizes)
    s, pi, n = likelihood.sigma, sp.pi, likelihood.n
    return Identity(st.lhs, st.rhs.xreplace({(2 * pi * s ** 2) ** (-n / 2): (2 * pi * s ** 2) ** sp.Rational(-1, 2)}))


iid_normal_one_factor = _control(likelihood.iid_normal, "one_normaliser", _iid_normal_one_factor,
                                 "The likelihood with one normalising factor instead of n (false)",
                                 sizes={likelihood.n: (2, 4)}, symbolic_sizes=({"n": 2},))

CONTROLS = [gradient_row, gradient_reversed, mixed_same_variable, hessian_outer, third_as_hessian,
            third_repeated, layout_swapped, chain_no_transpose, linear_map_transposed,
            product_rule_wrong_marginal, set_difference_wrong, chain_rule_unconditional, logistic_swapped,
            iid_normal_one_factor]


@pytest.mark.parametrize("claim", CONTROLS, ids=[c.id for c in CONTROLS])
def test_negative_control_is_refuted(claim):
    result = _check(claim)
    assert result.verdict == "refuted", f"{claim.id}: {result.verdict}: {result.reason}"
    assert result.numeric.counterexample is not None or result.symbolic.status == "disproved", claim.id


def test_controls_actually_change_the_statement():
    # a control that SymPy builds into the very statement of its original would test nothing
    assert _iid_normal_one_factor({"n": 3}).rhs != likelihood._iid_normal({"n": 3}).rhs


def test_the_row_gradient_is_refuted_as_ill_formed():
    result = _check(gradient_row)
    assert result.symbolic.scope == "ill-formed" or "ill-formed" in result.reason, result.reason


def test_third_derivative_is_not_n_by_n():
    result = _check(third_as_hessian)
    assert "ill-formed" in result.reason or result.symbolic.scope == "ill-formed", result.reason


def test_unconditional_chain_rule_counterexample_is_exact():
    # p is a point of the simplex: the counterexample is confirmed with rational cell probabilities
    result = _check(chain_rule_unconditional)
    counterexample = result.numeric.counterexample
    assert counterexample is not None and counterexample.exact_confirmed, result.reason
    assert counterexample.exact.startswith("confirmed"), counterexample.exact


def test_swapped_labels_counterexample_is_confirmed_at_exact_labels():
    # the labels of the counterexample are 0/1 floats, made exact by the binary_labels domain
    counterexample = _check(logistic_swapped).numeric.counterexample
    assert counterexample is not None and counterexample.exact_confirmed, counterexample
    labels = np.asarray(counterexample.values["y"], dtype=float)
    assert set(np.unique(labels)) <= {0.0, 1.0}


# --- the binary label domain ------------------------------------------------------------------------


def test_binary_labels_components_are_every_labelling():
    dom = likelihood.binary_labels()
    members = dom.generic_members("y", (3, 1))
    vectors = {tuple(int(v) for v in member) for _, member in members}
    assert vectors == {(a, b, c) for a in (0, 1) for b in (0, 1) for c in (0, 1)}
    assert all(label.startswith("y = (") for label, _ in members)


def test_binary_labels_draws_and_exact_members():
    import jax

    dom = likelihood.binary_labels()
    draw = np.asarray(dom.sample(jax.random.PRNGKey(0), (50, 1)))
    assert set(np.unique(draw)) == {0.0, 1.0}
    assert dom.rationalize(np.array([[1.0], [0.0]])) == sp.ImmutableMatrix([1, 0])
    assert dom.rationalize(np.array([[0.5], [1.0]])) is None  # not a label: no exact member
    exact = dom.rational(np.random.default_rng(0), (6, 1))
    assert set(exact) <= {0, 1} and exact.shape == (6, 1)


def test_logistic_proof_covers_every_labelling():
    result = _check(likelihood.logistic_likelihood)
    assert result.verdict == "proved", result.reason
    for labels in ("(0, 0)", "(0, 1)", "(1, 0)", "(1, 1)"):
        assert f"y = {labels}" in result.symbolic.scope


# --- Venn-cell events ---------------------------------------------------------------------------------


def test_venn_cells_of_two_events():
    assert list(events.event(0, 4)) == [0, 1, 0, 1]  # A: bit 0
    assert list(events.event(1, 4)) == [0, 0, 1, 1]  # B: bit 1
    assert list(events.intersection((0, 1), 4)) == [0, 0, 0, 1]
    assert list(events.A_MINUS_B) == [0, 1, 0, 0]


def test_event_claims_are_proved_in_general():
    for claim in (events.product_rule, events.set_difference):
        result = _check(claim)
        assert result.verdict == "proved" and result.symbolic.scope == "general", (claim.id, result.reason)


def test_mixed_partials_proved_for_all_points_and_coefficients():
    result = _check(calc.mixed_partials_symmetry)
    assert result.verdict == "proved" and result.symbolic.scope == "general", result.reason
