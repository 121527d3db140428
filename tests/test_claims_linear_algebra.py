"""Claims in derivations/linear_algebra/: negative controls (a false variant per subject, which
must come out `refuted`), the two errata, the pseudo-inverse node, and the undefined-side rule.

Each control changes one ingredient of a true claim (a swapped index, a factor order, a missing
square, a wrong sign) and is pinned to small sizes, so that it costs one JAX compile.  The
pseudo-inverse erratum must be refuted because its left side is undefined (A^T A singular), with
an exact member shown, not end in `error`; the undefined-side rule must not refute a true claim
whose two sides are both undefined nowhere.
"""

from __future__ import annotations

import jax
import numpy as np
import pytest
import sympy as sp

from derivations.linear_algebra import eigen, inverses, norms, products, vectors
from verify import Claim, Derivation, Identity, Shape, domains, pinv, scalar
from verify.linalg_nodes import exact_pinv, exact_symmetric_eigen

from claimcheck import Checker

jax.config.update("jax_enable_x64", True)

INSTANCES = 16


_check = Checker(INSTANCES, 60.0)


def _control(claim_id, statement, like, sizes, symbolic_sizes=(), domain=None):
    return Claim(id=claim_id, title="negative control", source=f"negative control for {like.id}",
                 statement=statement, domain=domain or like.domain, sizes=sizes, expect="fails",
                 correction=like.id, symbolic_sizes=symbolic_sizes, notes="deliberately false variant")


m, n, q = products.m, products.n, products.q
A, B, x = products.A, products.B, products.x


def _entries_transposed(sizes):
    """C_ij = sum_k A_kj B_ik: indices swapped (well-formed only when square; sizes pinned so)."""
    k = sizes["n"]
    wrong = sp.ImmutableMatrix(sizes["m"], sizes["q"], lambda r, c: sp.Add(*[A[r, j] * B[j, r] for j in range(k)]))
    return Identity(A * B, wrong)


def _columns_as_rows(sizes):
    """A x as a combination of the ROWS of A (false unless A is symmetric)."""
    rows, cols = sizes["m"], sizes["n"]
    combination = sp.MatAdd(*[sp.MatMul(x[j, 0], sp.ImmutableMatrix(rows, 1, lambda r, _, j=j: A[j, r]),
                                        evaluate=False) for j in range(cols)], evaluate=False)
    return Identity(A * x, combination)


Ai, Bi = inverses.A, inverses.B
v1, v2 = vectors.v1, vectors.v2

CONTROLS = [
    _control("controls.la.matmul_entries_swapped", _entries_transposed, products.matmul_entries,
             {m: (2, 2), n: (2, 2), q: (2, 2)}, ({"m": 2, "n": 2, "q": 2},)),
    _control("controls.la.dot_missing_term",
             Identity(scalar(v1.T * v2), sp.Sum(v1[products.i, 0] * v2[products.i, 0], (products.i, 0, n - 2))),
             products.dot_sum_of_products, {n: (2, 3)}, ({"n": 2},)),
    _control("controls.la.matvec_rows", _columns_as_rows, products.matvec_column_combination,
             {m: (2, 2), n: (2, 2)}, ({"m": 2, "n": 2},)),
    _control("controls.la.inverse_one_sided", Identity(sp.MatMul(Ai, Ai.T, evaluate=False), sp.Identity(inverses.n)),
             inverses.inverse_two_sided, {inverses.n: (2, 2)}, ({"n": 2},)),
    _control("controls.la.inverse_no_reversal", Identity(sp.Inverse(Ai * Bi), Ai.I * Bi.I),
             inverses.inverse_product_reversal, {inverses.n: (2, 2)}, ({"n": 2},)),
    _control("controls.la.pinv_transpose_only",
             Identity(inverses.P, inverses.pinv(inverses.Afull).T.T * 2),
             inverses.pinv_full_column_rank, {inverses.m: (3, 3), inverses.n: (2, 2)}, ({"m": 3, "n": 2},)),
    _control("controls.la.unit_vector_unnormalised",
             Identity(vectors.norm(vectors.x / scalar(vectors.x.T * vectors.x)), 1),
             vectors.unit_vector_norm, {vectors.n: (2, 2)}, ({"n": 2},)),
    _control("controls.la.unit_vector_direction_unnormalised",
             Identity(scalar(vectors.x.T * vectors.x) / vectors.norm(vectors.x), 1),
             vectors.unit_vector_direction, {vectors.n: (2, 2)}, ({"n": 2},)),
    _control("controls.la.projection_unnormalised",
             Identity(scalar(v1.T * v2), scalar(v1.T * v2) / vectors.norm(v2)),
             vectors.projection_component, {vectors.n: (2, 2)}, ({"n": 2},)),
    _control("controls.la.projection_residual_unnormalised",  # v1 - (v1^T v2) v2: orthogonal only if ||v2|| = 1
             Identity(scalar((v1 - scalar(v1.T * v2) * v2).T * v2), 0),
             vectors.projection_residual, {vectors.n: (2, 2)}, ({"n": 2},)),
    _control("controls.la.eigen_scaled_twice",  # A (c x) = c^2 lambda x: false unless c is 0 or 1
             Derivation(steps=(eigen.A * (eigen.c * eigen.x), eigen.c ** 2 * eigen.lam * eigen.x)),
             eigen.definition_scaled, {eigen.n: (2, 2)}, ({"n": 2},)),
    _control("controls.la.eigen_sign_abs",  # the component along x has the sign of lambda, not |lambda|
             Identity(scalar(eigen.x.T * eigen.A * eigen.x) / scalar(eigen.x.T * eigen.x), sp.Abs(eigen.lam)),
             eigen.definition_sign, {eigen.n: (2, 2)}, ({"n": 2},)),
    _control("controls.la.eigen_stretch_not_abs",
             Identity(vectors.norm(eigen.A * eigen.x) / vectors.norm(eigen.x), eigen.lam),
             eigen.definition_stretch, {eigen.n: (2, 2)}, ({"n": 2},)),
    # squared eigenvalues (H^2 for H): false whatever order and signs each backend gives the eigenvectors
    # (Q Lambda Q without the transpose is not: SymPy's 2 x 2 Q may be symmetric, JAX's not)
    _control("controls.la.spectral_squared_eigenvalues",
             Identity(eigen.H, eigen.Q * eigen.Lam * eigen.Lam * eigen.Q.T),
             eigen.spectral_decomposition, {eigen.n: (2, 2)}, ({"n": 2},)),
    _control("controls.la.spectral_orthonormal_scaled",  # the last link, Q^T Q = 2 I, is false
             Derivation(steps=(eigen.Q * eigen.Q.T, eigen.Q.T * eigen.Q, 2 * sp.Identity(eigen.n))),
             eigen.spectral_orthonormal, {eigen.n: (2, 2)}, ({"n": 2},)),
]


@pytest.mark.parametrize("claim", CONTROLS, ids=lambda c: c.id)
def test_negative_control_is_refuted(claim):
    result = _check(claim)
    assert result.verdict == "refuted", (claim.id, result.verdict, result.reason)


def test_product_with_mismatched_inner_dimensions_is_ill_formed():
    p = sp.Symbol("p", integer=True, positive=True)
    C = sp.MatrixSymbol("C", p, q)
    claim = _control("controls.la.matmul_mismatch", Shape(A * C, expected=(m, q)), products.matmul_shape,
                     {m: (2, 2), n: (2, 3), p: (2, 3), q: (2, 2)}, domain={"A": domains.general(), "C": domains.general()})
    result = _check(claim)
    assert result.verdict == "refuted"
    assert "ill-formed" in result.symbolic.scope or result.symbolic.status == "disproved"


def test_product_shape_is_proved_for_all_sizes():
    result = _check(products.matmul_shape)
    assert result.verdict == "proved" and result.symbolic.scope.startswith("general")


def test_pinv_erratum_is_refuted_as_undefined_with_an_exact_member():
    result = _check(inverses.pinv_as_written)
    assert result.verdict == "refuted", result.reason
    assert result.symbolic.status == "disproved" and result.symbolic.exact_member
    assert any("undefined" in step for step in result.symbolic.steps)
    shown = dict(result.symbolic.counterexample)
    assert r"\det = 0" in shown["left side"]
    assert result.numeric.counterexample is not None


def test_pinv_correction_is_proved():
    assert _check(inverses.pinv_full_column_rank).verdict == "proved"


def test_least_squares_erratum_refuted_and_corrected():
    assert _check(norms.least_squares_is_norm).verdict == "refuted"
    assert _check(norms.least_squares_corrected).verdict == "proved"


def test_catalog_counterexamples_exactly():
    # (A^T A) of A = [[1, 1], [1, 1]] is singular; A^+ = A / 4
    a = sp.Matrix([[1, 1], [1, 1]])
    assert (a.T * a).det() == 0
    assert exact_pinv(a) == sp.Matrix([[1, 1], [1, 1]]) / 4
    assert exact_pinv(sp.Matrix([[1, 2]])) == sp.Matrix([[1], [2]]) / 5
    # e = (3, 4): the norm is 5, the least-squares cost 25
    e = sp.Matrix([3, 4])
    assert sp.sqrt((e.T * e)[0]) == 5 and (e.T * e)[0] == 25


@pytest.mark.parametrize("seed", range(6))
def test_exact_pinv_meets_the_four_penrose_conditions(seed):
    rng = np.random.default_rng(seed)
    rows, cols = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    a = sp.Matrix(domains.any_rank().rational(rng, (rows, cols)))
    p = exact_pinv(a)
    assert a * p * a == a and p * a * p == p
    assert (a * p).T == a * p and (p * a).T == p * a


def test_exact_pinv_is_not_the_transpose():
    # a negative control for the test above: A^T (a candidate that is not the pseudo-inverse) fails
    a = sp.Matrix([[1, 2], [3, 4], [5, 6]])
    assert a * a.T * a != a
    assert exact_pinv(a) != a.T


def test_exact_symmetric_eigen_reconstructs_with_orthonormal_q():
    h = sp.Matrix([[2, 1], [1, 2]])
    qm, lam = exact_symmetric_eigen(h)
    assert sp.simplify(qm * lam * qm.T - h) == sp.zeros(2, 2)
    assert sp.simplify(qm.T * qm) == sp.eye(2)
    with pytest.raises(ValueError):
        exact_symmetric_eigen(sp.Matrix([[1, 2], [0, 1]]))


def test_both_sides_defined_is_not_refuted_by_the_undefined_rule():
    # a true claim that inverts a matrix: the undefined-side rule must leave it proved
    assert _check(inverses.inverse_product_reversal).verdict == "proved"


def test_a_proof_at_several_sizes_names_each_of_them_in_its_scope():
    from verify.exact import sizes_scope
    from verify.registry import load_registry
    from verify.symbolic import check_symbolic

    assert sizes_scope([{"n": 1}, {"n": 3}]) == "entrywise at each of the sizes n = 1, 3"
    assert sizes_scope([{"n": 1, "m": 2}, {"n": 2, "m": 3}]) == "entrywise at each of the sizes (m, n) = (2, 1), (3, 2)"
    result = check_symbolic(load_registry().get("linear_algebra.inverse.two_sided"))
    assert result.status == "proved" and result.scope == "entrywise at each of the sizes n = 1, 2, 3", result.scope
