"""Mutation testing: each operator on small statements whose mutants are known, equivalence
proofs, and the whole loop on a tiny claim (every non-equivalent mutant must be refuted)."""

import json

import sympy as sp
from typer.testing import CliRunner

from cli import app
from verify import Claim, Gradient, Identity, Minimiser, Property, domains, scalar, sigmoid
from verify import mutate as mut

n = sp.Symbol("n", integer=True, positive=True)
A = sp.MatrixSymbol("A", n, n)
B = sp.MatrixSymbol("B", n, n)
S = sp.MatrixSymbol("S", n, n)
x = sp.MatrixSymbol("x", n, 1)
a, b, t = sp.symbols("a b t", real=True)
lam = sp.Symbol("lam", positive=True)


def claim(cid, statement, domain, sizes=None):
    return Claim(id=f"test.mutate.{cid}", title=cid, source="tests", statement=statement, domain=domain,
                 sizes={n: (1, 3)} if sizes is None else sizes)


def mutated(operator, expr):
    """The set of expressions one operator makes of `expr`."""
    return {mut.replace_at(expr, path, new) for path, new in mut.OPERATOR_FUNCTIONS[operator](expr)}


def test_flip_sign_negates_each_term_and_function_arguments():
    assert mutated("flip_sign", a + sp.exp(b)) == {-a + sp.exp(b), a - sp.exp(b), a + sp.exp(-b)}


def test_scaling_by_two_and_by_half():
    assert mutated("scale_2", a - b) == {2 * a - b, a - 2 * b}
    assert mutated("scale_half", a * b) == {a * b / 2}


def test_drop_and_add_transpose():
    assert mutated("drop_transpose", A.T * x) == {A * x}
    assert mutated("add_transpose", A * B) == {A.T * B, A * B.T}


def test_swap_product_swaps_adjacent_matrix_factors_only():
    assert mutated("swap_product", 2 * A * B * x) == {2 * B * A * x, 2 * A * x * B}


def test_exponent_moves_by_one_and_drops_an_inverse():
    assert mutated("exponent", a ** 2) == {a ** 3, a}
    assert mutated("exponent", A.inverse() * x) == {A * x}


def test_drop_term():
    assert mutated("drop_term", a + b + t) == {b + t, a + t, a + b}


def test_neighbour_functions():
    assert mutated("neighbour_function", sigmoid(a) + sp.log(b)) == {sp.tanh(a) + sp.log(b), sigmoid(a) + sp.exp(b)}


def test_swap_symbols_only_within_one_domain_and_shape():
    c = claim("swap", Identity(a - b + lam, a - b + lam), {a: domains.real(), b: domains.real(),
                                                          lam: domains.positive()}, {})
    swaps = [new for _, new, _ in mut.swap_symbol_sites(c, a - b + lam)]
    assert swaps == [b - a + lam]


def test_bound_variables_and_indices_are_never_mutated():
    g = Gradient(scalar(x.T * A * x), x, (A + A.T) * x)
    c = claim("bound", g, {A: domains.general(), x: domains.vector()})
    plan = mut.plan(c)
    for m in plan.mutants:
        st = m.statement
        assert st.wrt == x  # the variable of differentiation is bound
    # the 1x1 read-out scalar(...) keeps its (0, 0) indices
    assert all("[0, 0]" in sp.sstr(m.statement.f) or m.site.field != "f" for m in plan.mutants)


def test_plan_numbers_mutants_and_drops_identical_ones():
    c = claim("plan", Identity(sp.Abs(a), sp.sqrt(a ** 2)), {a: domains.real()}, {})
    plan = mut.plan(c, per_operator=10, per_claim=None)
    assert [m.number for m in plan.mutants] == list(range(1, len(plan.mutants) + 1))
    assert len({sp.srepr((m.statement.lhs, m.statement.rhs)) for m in plan.mutants}) == len(plan.mutants)
    assert plan.identical >= 1  # |a| -> |-a| is |a| again once SymPy has built it


def test_equivalence_is_proved_not_assumed():
    # S^T == S for a symmetric S: adding a transpose is equivalent; for a general A it is not
    sym = claim("sym", Identity(S * x, S * x), {S: domains.symmetric(), x: domains.vector()})
    gen = claim("gen", Identity(A * x, A * x), {A: domains.general(), x: domains.vector()})
    m_sym = next(m for m in mut.plan(sym).mutants if m.operator == "add_transpose" and m.site.after == S.T)
    m_gen = next(m for m in mut.plan(gen).mutants if m.operator == "add_transpose" and m.site.after == A.T)
    assert "equals the original" in mut.prove_equivalence(m_sym, budget=30)
    assert mut.prove_equivalence(m_gen, budget=30) == ""


def test_positive_multiple_of_a_cost_has_the_same_minimiser():
    w = sp.MatrixSymbol("w", n, 1)
    st = Minimiser(scalar((w - x).T * (w - x)), w, x)
    c = claim("argmin", st, {x: domains.vector(), w: domains.vector()})
    m = next(m for m in mut.plan(c).mutants if m.operator == "scale_2" and m.site.field == "f" and not m.site.path)
    assert "same minimisers" in mut.prove_equivalence(m, budget=30)


def test_tally_rates():
    t = mut.Tally()
    for status in ["killed"] * 6 + ["undefined", "equivalent", "true", "survived"]:
        t.add(status)
    assert (t.generated, t.non_equivalent, t.killable) == (10, 9, 8)
    assert t.kill_rate == 7 / 9 and t.kill_rate_killable == 7 / 8


def test_every_mutant_of_a_small_identity_is_killed():
    c = claim("square", Identity((a + b) ** 2, a ** 2 + 2 * a * b + b ** 2), {a: domains.real(), b: domains.real()}, {})
    plan = mut.plan(c, per_operator=2, per_claim=None)
    outcomes = mut.run_mutants([plan], instances=8, symbolic_budget=20, equivalence_budget=20)
    assert len(outcomes) == len(plan.mutants) >= 8
    statuses = {o.id: o.status for o in outcomes}
    assert set(statuses.values()) <= {"killed", "equivalent"}, statuses
    assert "killed" in statuses.values()
    # swapping a and b in a symmetric polynomial gives the same tree: dropped before running
    assert plan.identical >= 2 and not [o for o in outcomes if o.operator == "swap_symbols"]
    text = mut.markdown([plan], outcomes, settings={"seed": 0, "instances": 8, "per_operator": 2, "per_claim": None,
                                                    "budget": 20}, notes={})
    assert "Kill rate: 100.0%" in text and "## Survivors" in text


def test_property_survivor_is_reported_with_its_explanation():
    # a Gram matrix with an extra factor 1/2 inside stays PSD: such mutants are equivalent or true, never killed
    X = sp.MatrixSymbol("X", n, n)
    c = claim("gram", Property(X.T * X, "psd"), {X: domains.general()}, {n: (2, 2)})
    plan = mut.plan(c, operators=("scale_half",))
    outcomes = mut.run_mutants([plan], instances=8, symbolic_budget=20, equivalence_budget=20)
    assert [o.status for o in outcomes] == ["equivalent"]
    assert "positive factor" in outcomes[0].equivalence


CLAIM_FILE = '''
import sympy as sp
from verify import Claim, Identity, domains
a, b = sp.symbols("a b", real=True)
square = Claim(id="mine.algebra.square", title="square of a sum", source="my notes",
               statement=Identity((a + b) ** 2, a ** 2 + 2 * a * b + b ** 2),
               domain={a: domains.real(), b: domains.real()})
wrong = Claim(id="mine.algebra.wrong", title="freshman's dream", source="my notes",
              statement=Identity((a + b) ** 2, a ** 2 + b ** 2), domain={a: domains.real(), b: domains.real()},
              expect="fails")
'''


def test_cli_mutate_writes_markdown_and_json(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(CLAIM_FILE)
    out = tmp_path / "reports"
    result = CliRunner().invoke(app, ["mutate", "--claims", str(path), "--reports", str(out), "--instances", "8",
                                      "--per-operator", "1", "--budget", "20"])
    assert result.exit_code == 0, result.output
    assert "kill rate 100.0%" in result.output
    doc = json.loads((out / "mutation.json").read_text())
    assert set(doc["per_claim"]) == {"mine.algebra.square"}  # only claims expected to hold are mutated
    assert doc["total"]["kill_rate_killable"] == 1.0
    assert all(m["status"] in ("killed", "equivalent") for m in doc["mutants"])
    assert (out / "mutation.md").read_text().startswith("# Mutation testing of the claims")


def test_cli_mutate_refuses_a_selection_without_true_claims(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(CLAIM_FILE)
    result = CliRunner().invoke(app, ["mutate", "mine.algebra.wrong", "--claims", str(path), "--no-write"])
    assert result.exit_code == 2 and "expected to hold" in result.output


def test_ill_formed_mutant_reaches_the_worker_and_is_refuted():
    # x * A is ill-formed for n >= 2; SymPy validates eagerly at concrete sizes, the mutant must
    # still reach the numeric worker unchanged and be refuted there, not rejected while unpickling
    from verify._worker import dumps
    import pickle

    k = sp.MatrixSymbol("k", 2, 2)
    v = sp.MatrixSymbol("v", 2, 1)
    c = claim("illformed", Identity(k * v, k * v), {k: domains.general(), v: domains.vector()}, {})
    m = next(m for m in mut.plan(c, per_claim=None).mutants
             if m.operator == "swap_product" and m.site.field == "lhs")
    assert pickle.loads(dumps(m.statement)) == m.statement
    [out] = mut.run_mutants([mut.MutationPlan(c, [m], {}, 0, 0, [])], instances=8, symbolic_budget=20)
    assert out.status == "killed", out.reason


def test_mutants_are_checked_on_their_originals_instances():
    """Same sizes and values as the original: a mutant is killed (or not) by the same evidence,
    and the per-shape work of the numeric path (the compiled sampler) is shared."""
    import numpy as np

    from verify.numeric import batch_sampler, check_numeric, claim_key, sample_instance

    original = claim("same_instances", Identity((A * x).T, x.T * A.T), {A: domains.general(), x: domains.vector()})
    mutants = [m.as_claim() for m in mut.plan(original).mutants]
    assert mutants and all(m.instances_of == original.id for m in mutants)
    sizes = check_numeric(original, instances=8).sizes
    results = [check_numeric(m, instances=8) for m in mutants]
    well_formed = [r for r in results if not r.ill_formed]  # an ill-formed size is not among r.sizes
    assert well_formed and all(r.sizes == sizes for r in well_formed)
    # one sampler for the original and every mutant, drawing what sample_instance draws
    import jax

    keys = jax.random.split(claim_key(0, original.id), 4)
    shared = {id(batch_sampler(c, sizes[0])) for c in [original, *mutants]}
    assert len(shared) == 1
    batch = batch_sampler(mutants[0], sizes[0])(keys)
    for i in range(4):
        one = sample_instance(original, sizes[0], keys[i])
        assert all(np.array_equal(np.asarray(batch[name][i]), np.asarray(one[name])) for name in one)


def test_the_shared_samplers_are_few():
    """Each compiled sampler holds about 15 MB; a seed sweep's worker checks hundreds of claims at
    new sizes, and kept every one until the memory limit stopped it."""
    from verify import numeric

    original = claim("many_sizes", Identity((A * x).T, x.T * A.T), {A: domains.general(), x: domains.vector()},
                     sizes={n: (1, 40)})
    for size in range(1, 41):
        numeric.batch_sampler(original, {"n": size})
    assert len(numeric._SAMPLERS) == numeric.SAMPLERS_KEPT


def test_a_mutant_refused_at_load_is_stillborn_not_a_crash():
    # swapping the symbols of tanh(W u + e) makes a Jacobian of an n x n matrix (tanh(e + u V)), which a
    # claim may not state: the plan records it as not constructible instead of stopping the whole run
    from verify.jaxsetup import configure
    from verify.registry import load_registry
    configure()
    claim = next(c for c in load_registry().claims if c.id == "calculus.jacobian.layout_convention.reading_a")
    p = mut.plan(claim, per_claim=None, per_operator=3)
    refused = [why for _, why in p.stillborn if why.startswith("refused at load")]
    assert refused and "Jacobian" in refused[0], p.stillborn
    for m in p.mutants:  # every planned mutant loads
        m.as_claim()
    text = mut.markdown([p], [], settings={"seed": 0, "instances": 8, "per_operator": 3, "per_claim": None, "budget": 5}, notes={})
    assert "## Mutants that could not be constructed" in text and "refused at load" in text


def test_equivalence_of_a_mutated_limit_expression_gives_its_bound_variable_a_domain():
    # x.T[0, 0] is x[0, 0]: the mutant says the same, but p is bound by the Limit and free in the identity
    # that compares the two expressions, which needs a domain for p to be stated at all
    from verify.jaxsetup import configure
    from verify.registry import load_registry
    configure()
    claim = next(c for c in load_registry().claims if c.id == "linear_algebra.norm.sup_limit")
    mutants = {m.describe().split(":")[0]: m for m in mut.plan(claim).mutants}
    assert "equals the original" in mut.prove_equivalence(mutants["add_transpose in expr"], 20)
    assert mut.prove_equivalence(mutants["flip_sign in expr"], 20) == ""  # a negated norm is another statement
