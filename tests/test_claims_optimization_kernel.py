"""Claims in derivations/optimization.py and derivations/classical_ml.py: the true ones get their
verdicts, and deliberately false variants of them (negative controls) are refuted.

Each control changes one ingredient of a true claim: a fixed step instead of the line search,
a wrong closed-form step, a "kernel" whose Gram matrix is not PSD.
"""

from __future__ import annotations

import pytest
import sympy as sp

from derivations import classical_ml, optimization as opt
from verify import Algorithmic, Claim, Minimiser, Property, domains, scalar

from claimcheck import Checker, assert_verdict

INSTANCES = 32
BUDGET = 30.0
# A control is decided by its numeric counterexample (confirmed in exact arithmetic); the
# symbolic path only adds a second disproof, so a short budget loses nothing.
CONTROL_BUDGET = 5.0


_check = Checker(INSTANCES, BUDGET, CONTROL_BUDGET)


# --- negative controls ----------------------------------------------------------------------------

fixed_step = Claim(
    id="controls.steepest_descent.fixed_step_orthogonality",
    title="Gradient descent with a fixed step has orthogonal consecutive gradients (false)",
    source="negative control for optimization.steepest_descent.orthogonality",
    statement=Algorithmic(
        cost=opt.cost,
        state=opt.theta,
        step=opt.eta,
        update=opt.theta - opt.eta * opt.gradient,
        conclusion=opt.consecutive_gradients,
        step_rule=sp.Rational(1, 10),
        iterations=5,
        symbolic_restriction={opt.c: 0},
    ),
    domain=opt.orthogonality.domain,
    sizes={opt.n: (2, 4)},
    expect="fails",
    correction="optimization.steepest_descent.orthogonality",
    notes="Without the line search nothing makes the new gradient orthogonal to the old one.",
)


def _wrong_step(point, claim_id, title):
    return Claim(
        id=claim_id,
        title=title,
        source="negative control for optimization.steepest_descent.quadratic_step",
        statement=Minimiser(f=opt.along_ray(opt.step), wrt=opt.step, point=point),
        domain=opt.quadratic_step.domain,
        sizes={opt.n: (1, 4)},
        expect="fails",
        correction="optimization.steepest_descent.quadratic_step",
    )


g = opt.g_quad
gg, gAg = scalar(g.T * g), scalar(g.T * opt.A * g)
inverted_step = _wrong_step(sp.ImmutableMatrix([[gAg / gg]]), "controls.steepest_descent.inverted_step",
                            "Exact quadratic step is g^T A g / g^T g (false)")
doubled_step = _wrong_step(sp.ImmutableMatrix([[2 * gg / gAg]]), "controls.steepest_descent.doubled_step",
                           "Exact quadratic step is 2 g^T g / g^T A g (false)")


def _negative_distance_gram(sizes):
    points, dim = sizes["N"], sizes["d"]
    return Property(sp.ImmutableMatrix(points, points,
                                       lambda i, j: -classical_ml.squared_distance(i, j, dim)), relation="psd")


negative_distance = Claim(
    id="controls.kernel.negative_squared_distance_psd",
    title="The similarity -||x - y||^2 gives a PSD Gram matrix (false)",
    source="negative control for classical_ml.kernel.mercer_psd",
    statement=_negative_distance_gram,
    domain={classical_ml.X: domains.general()},
    sizes={classical_ml.N: (2, 6), classical_ml.d: (1, 3)},
    expect="fails",
    correction="classical_ml.kernel.mercer_psd",
    notes="Zero diagonal and negative off-diagonal entries: the trace is 0, so some eigenvalue is < 0.",
)


# --- the claims themselves ------------------------------------------------------------------------

TRUE_CLAIMS = [
    # the symbolic path proves the quadratic sub-family; the numeric path runs the general one
    (opt.orthogonality, {"proved"}),
    (opt.quadratic_step, {"proved"}),
    # PSD of a matrix of exponentials: SymPy decides the principal minors at the smallest size
    # (proved, entrywise there) or gives up (verified); either way the numeric search must pass
    (classical_ml.mercer_psd, {"proved", "verified"}),
]

CONTROLS = [fixed_step, inverted_step, doubled_step, negative_distance]


@pytest.mark.parametrize("claim,verdicts", TRUE_CLAIMS, ids=[c.id for c, _ in TRUE_CLAIMS])
def test_true_claim_gets_expected_verdict(claim, verdicts):
    assert_verdict(_check(claim), verdicts)


@pytest.mark.parametrize("claim", CONTROLS, ids=[c.id for c in CONTROLS])
def test_negative_control_is_refuted(claim):
    assert_verdict(_check(claim), "refuted")


def test_orthogonality_runs_the_non_quadratic_family_numerically():
    # The symbolic path only sees c = 0; the numeric instances must carry c > 0 so that the
    # line search is exercised on a cost where it has no closed form.
    result = _check(opt.orthogonality)
    assert result.numeric.status == "passed"
    assert result.numeric.instances >= INSTANCES
    assert opt.orthogonality.domain["c"].name == "positive"
