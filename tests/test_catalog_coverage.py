"""Catalog coverage: every entry of sections 1-3 of the notes' claims catalog (linear algebra,
calculus, probability & statistics) is encoded by at least one built-in claim, and each erratum of
those sections is encoded as written (expect="fails") with a correction that is loaded too.

The catalog lives outside the repository (it is our reading of the notes), so its ids for these
sections are listed here; a claim removed or renamed by mistake fails this test."""

from verify.registry import load_registry

SECTIONS_1_TO_3 = (
    "linear_algebra.matmul.shape_and_entries",
    "linear_algebra.dot.sum_of_products",
    "linear_algebra.matvec.column_combination",
    "linear_algebra.rank.row_equals_column",
    "linear_algebra.rank.full_rank_spans",
    "linear_algebra.singular.det_zero_no_inverse",
    "linear_algebra.det.volume",
    "linear_algebra.inverse.two_sided",
    "linear_algebra.inverse.product_reversal",
    "linear_algebra.pinv.normal_equations_formula",
    "linear_algebra.pinv.full_column_rank",
    "linear_algebra.unit_vector.norm_one",
    "linear_algebra.projection.scalar_projection",
    "linear_algebra.eigen.definition_direction",
    "linear_algebra.eigen.pca_covariance",
    "linear_algebra.eigen.pagerank_eigenvalue_one",
    "linear_algebra.norm.lp_family",
    "linear_algebra.norm.sup_limit",
    "linear_algebra.norm.least_squares_cost_is_norm",
    "linear_algebra.spectral.symmetric_orthonormal",
    "calculus.gradient.definition_shape",
    "calculus.gradient.zero_at_extrema",
    "calculus.mixed_partials.symmetry",
    "calculus.hessian.definition_symmetric",
    "calculus.psd.eigenvalue_sign",
    "calculus.taylor.any_function",
    "calculus.taylor.univariate_series",
    "calculus.taylor.multivariate_second_order",
    "calculus.derivative_tensor.third_order_shape",
    "calculus.convex.local_is_global",
    "calculus.nonconvex.spurious_local_minima",
    "calculus.convex.stationary_iff_global_min",
    "calculus.quadratic_approx.univariate",
    "calculus.jacobian.layout_convention",
    "calculus.jacobian.linear_map",
    "probability.conditional.product_rule",
    "probability.set_difference",
    "probability.chain_rule.events",
    "probability.bayes.rule",
    "probability.pmf_pdf.normalization",
    "probability.expectation.discrete_continuous",
    "probability.variance.forms",
    "probability.covariance.definition",
    "probability.covariance.independence_zero",
    "probability.correlation.normalized",
    "probability.uniform.pdf",
    "probability.normal.pdf_moments",
    "probability.bernoulli.pmf_moments",
    "probability.bernoulli.logistic_likelihood",
    "probability.binomial.pmf_moments",
    "probability.poisson.pmf",
    "probability.likelihood.iid_normal",
    "probability.risk.joint_density",
    "probability.empirical_risk.uniform_weights",
)

ERRATA = ("linear_algebra.pinv.normal_equations_formula", "linear_algebra.norm.least_squares_cost_is_norm",
          "calculus.taylor.any_function", "probability.risk.joint_density")


def test_every_catalog_entry_of_sections_1_to_3_is_encoded():
    registry = load_registry()
    encoded = {registry.get(cid).catalog_id for cid in registry.ids()}
    assert len(SECTIONS_1_TO_3) == 54
    assert [c for c in SECTIONS_1_TO_3 if c not in encoded] == []


def test_each_erratum_is_encoded_as_written_with_a_loaded_correction():
    registry = load_registry()
    ids = set(registry.ids())
    for erratum in ERRATA:
        claim = registry.get(erratum)
        assert claim.expect == "fails", erratum
        assert claim.correction in ids, (erratum, claim.correction)
        assert registry.get(claim.correction).expect == "holds", erratum
