"""Which size assignments the numeric path checks (verify/sizes.py), and what the report and the
loader say about them.

The numeric path used to check 2 random assignments of the declared ranges, while the report said
"random in 1..5"; a bug present only at the largest sizes could pass, and a domain that ruled out
most assignments (a diagonal m x n matrix: only m = n) did so silently."""

import itertools
import json
import os
import re
import warnings

import numpy as np
import pytest
import sympy as sp

from verify import Claim, Identity, domains
from verify._errors import ClaimDefinitionError, ClaimDefinitionNote, ClaimDefinitionWarning
from verify.claim import size_assignment_ok
from verify.exact import SymbolicResult
from verify.numeric import check_numeric
from verify.report import claim_markdown, record
from verify.runner import ClaimResult
from verify.sizes import (ALL_SIZES_UP_TO, MAX_SIZES, MIN_PER_SIZE, SPREAD_SIZES, plan, plan_rng,
                          restriction_lines)
from verify.verdict import combine

m = sp.Symbol("m", integer=True, positive=True)
n = sp.Symbol("n", integer=True, positive=True)
k = sp.Symbol("k", integer=True, positive=True)
A = sp.MatrixSymbol("A", n, n)
X = sp.MatrixSymbol("X", m, n)
x = sp.MatrixSymbol("x", n, 1)


def claim(cid, statement, domain, sizes, **extra):
    return Claim(id=f"test.sizes.{cid}", title=cid, source="test", statement=statement, domain=domain, sizes=sizes,
                 **extra)


def transpose_claim(sizes, **extra):
    """(X x)^T = x^T X^T: true at every size; X is m x n."""
    return claim("transpose", Identity((X * x).T, x.T * X.T), {X: domains.general(), x: domains.vector()}, sizes,
                 **extra)


def admissible(c):
    names = sorted(c.sizes)
    combos = [dict(zip(names, v)) for v in itertools.product(*[range(lo, hi + 1) for lo, hi in
                                                                 (c.sizes[a] for a in names)])]
    return [s for s in combos if size_assignment_ok(c, s)]


def order(s):
    return (sum(s.values()), tuple(s[a] for a in sorted(s)))


# --- the plan ------------------------------------------------------------------------------------------


def test_every_admissible_assignment_is_checked_when_there_are_few():
    c = transpose_claim({m: (1, 2), n: (1, 4)})  # 8 assignments
    assert len(admissible(c)) == ALL_SIZES_UP_TO
    result = check_numeric(c, instances=32)
    assert result.status == "passed"
    assert sorted(result.sizes, key=order) == sorted(admissible(c), key=order)
    assert result.size_plan == "all" and result.admissible_sizes == 8 and result.declared_sizes == 8
    assert result.per_size == (MIN_PER_SIZE,) * 8 and result.instances == 32


@pytest.mark.parametrize("seed", [0, 1, 2, 7])
def test_many_assignments_always_include_the_smallest_and_the_largest_and_every_value(seed):
    c = transpose_claim({m: (1, 5), n: (1, 4)})  # 20 assignments
    sizes = plan(c, plan_rng(c, seed)).sizes
    assert {"m": 1, "n": 1} in sizes and {"m": 5, "n": 4} in sizes
    assert SPREAD_SIZES <= len(sizes) <= MAX_SIZES and len({tuple(sorted(s.items())) for s in sizes}) == len(sizes)
    assert {s["m"] for s in sizes} == {1, 2, 3, 4, 5} and {s["n"] for s in sizes} == {1, 2, 3, 4}
    assert list(sizes) == sorted(sizes, key=order)  # smallest first


def test_smallest_and_largest_are_the_admissible_ones_under_a_size_rule():
    c = transpose_claim({m: (1, 5), n: (1, 4)}, size_rule=lambda s: s["m"] > s["n"])
    for seed in range(5):
        sizes = plan(c, plan_rng(c, seed)).sizes
        assert sizes[0] == {"m": 2, "n": 1} and sizes[-1] == {"m": 5, "n": 4}
        assert all(s["m"] > s["n"] for s in sizes)


def test_the_plan_is_deterministic_for_a_seed_and_varies_with_it():
    c = transpose_claim({m: (1, 5), n: (1, 4)})
    first = check_numeric(c, seed=3, instances=24)
    again = check_numeric(c, seed=3, instances=24)
    assert first.sizes == again.sizes and first.per_size == again.per_size
    assert first.counterexample == again.counterexample and first.comparisons == again.comparisons
    plans = {tuple(tuple(sorted(s.items())) for s in plan(c, plan_rng(c, seed)).sizes) for seed in range(8)}
    assert len(plans) > 1  # the spread beyond the smallest and the largest is drawn from the seed


def test_claims_declaring_the_same_ranges_check_the_same_sizes():
    """The plan depends on the seed and the ranges, not on the claim's id (shared compilations)."""
    one = transpose_claim({m: (1, 5), n: (1, 4)})
    other = claim("other", Identity(X * x, X * x), {X: domains.general(), x: domains.vector()},
                  {m: (1, 5), n: (1, 4)})
    assert plan(one, plan_rng(one, 0)).sizes == plan(other, plan_rng(other, 0)).sizes


def test_instances_are_spread_evenly_with_a_floor():
    c = transpose_claim({m: (1, 5), n: (1, 4)})
    result = check_numeric(c, instances=64)
    count = len(result.sizes)
    assert result.per_size == (-(-64 // count),) * count and result.instances == sum(result.per_size) >= 64
    few = check_numeric(c, instances=2)
    assert few.per_size == (MIN_PER_SIZE,) * len(few.sizes)


def test_a_builder_checks_its_sizes_without_building_every_assignment():
    built = []

    def build(sizes):
        built.append(dict(sizes))
        return Identity((X * x).T, x.T * X.T)

    c = claim("builder", build, {X: domains.general(), x: domains.vector()}, {m: (1, 6), n: (1, 6)})
    before = len(built)
    sizes = plan(c, plan_rng(c, 0)).sizes
    assert {"m": 1, "n": 1} in sizes and {"m": 6, "n": 6} in sizes
    assert {s["m"] for s in sizes} == set(range(1, 7)) and {s["n"] for s in sizes} == set(range(1, 7))
    assert len(built) - before < 36  # tested lazily, not all 36


# --- a bug only at the largest sizes ------------------------------------------------------------------


def truncated_sum(sizes):
    """sum_i x_i written out by a builder that stops after 4 terms: right for n <= 4 only."""
    terms = sum((x[i, 0] for i in range(min(sizes["n"], 4))), sp.Integer(0))
    return Identity(terms, (sp.OneMatrix(1, n) * x)[0, 0])


def test_a_bug_present_only_at_the_largest_size_is_refuted():
    domain = {x: domains.vector()}
    # 15 assignments (k, in no symbol, only multiplies them): the spread plan, whose largest has n = 5
    wrong = claim("truncated", truncated_sum, domain, {n: (1, 5), k: (1, 3)})
    for seed in (0, 1, 2):
        result = check_numeric(wrong, seed=seed, instances=16)
        assert result.status == "failed", seed
        assert result.counterexample.sizes["n"] == 5
    # negative control: the same claim below n = 5 passes, so the failure above is the n = 5 bug
    assert check_numeric(claim("truncated_small", truncated_sum, domain, {n: (1, 4), k: (1, 3)}),
                         instances=16).status == "passed"


def test_cayley_hamilton_for_2_by_2_fails_beyond_2():
    """A^2 - tr(A) A + det(A) I = 0 holds for 2 x 2 matrices only; a builder with the 2 x 2 form at
    every n (n in 2..4, all checked) must be refuted at n = 3 or 4, never at n = 2."""
    def build(sizes):
        size = sizes["n"]
        a = sp.Matrix(size, size, lambda i, j: A[i, j])
        det2 = a[0, 0] * a[1, 1] - a[0, 1] * a[1, 0]  # the 2 x 2 determinant, as a careless generalisation
        lhs = a * a - a.trace() * a + det2 * sp.eye(size)
        return Identity(sp.ImmutableMatrix(lhs), sp.ZeroMatrix(n, n))

    result = check_numeric(claim("cayley_hamilton", build, {A: domains.general()}, {n: (2, 4)}), instances=12)
    assert result.status == "failed" and result.counterexample.sizes["n"] in (3, 4)
    assert result.sizes == ({"n": 2}, {"n": 3}, {"n": 4})
    only_two = check_numeric(claim("cayley_hamilton_2", build, {A: domains.general()}, {n: (2, 2)}), instances=12)
    assert only_two.status == "passed"


# --- the report ---------------------------------------------------------------------------------------


def report_of(c, result, seed=0):
    symbolic = SymbolicResult("undecided", reason="not run in this test")
    verdict, reason = combine(symbolic, result)
    r = ClaimResult(c, verdict, reason, symbolic, result, seed, 24)
    return claim_markdown(r), record(r)


def test_the_report_lists_the_checked_sizes_and_their_instances():
    c = transpose_claim({m: (1, 5), n: (1, 4)})
    result = check_numeric(c, instances=24)
    text, rec = report_of(c, result)
    assert "random in" not in text
    line = next(ln for ln in text.splitlines() if ln.startswith("- result:") and "instances" in ln)
    listed = re.search(r"\(m, n\) = ((?:\(\d, \d\)(?:, )?)+) \((\d+) instances each\)", line)
    assert listed, line
    pairs = [tuple(map(int, p)) for p in re.findall(r"\((\d), (\d)\)", listed.group(1))]
    assert pairs == [(s["m"], s["n"]) for s in result.sizes] and int(listed.group(2)) == result.per_size[0]
    assert f"{len(result.sizes)} of the 20 admissible size assignments" in line
    assert "- dimension `m`: declared 1..5; checked at m = 1, 2, 3, 4, 5 (every value)" in text
    assert rec["numeric"]["checked_sizes"] == [{"sizes": s, "instances": k_} for s, k_ in
                                              zip(result.sizes, result.per_size)]
    assert rec["numeric"]["admissible_sizes"] == 20 and rec["numeric"]["size_plan"] == "spread"
    json.dumps(rec)  # results.json must be able to hold it


def test_the_report_of_few_sizes_says_all_of_them():
    c = claim("few", Identity(A * x, A * x), {A: domains.general(), x: domains.vector()}, {n: (1, 4)})
    text, _ = report_of(c, check_numeric(c, instances=16))
    assert "at all 4 admissible size assignments: n = 1, 2, 3, 4 (4 instances each)" in text


# --- domains that restrict the sizes ------------------------------------------------------------------


D = sp.MatrixSymbol("D", m, n)


def test_a_diagonal_domain_on_an_m_by_n_symbol_warns_at_load_time_and_the_report_says_m_equals_n():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = _line_of_next_call()
        c = Claim(id="test.sizes.diagonal", title="t", source="test", statement=Identity(D * x, D * x),
                  domain={D: domains.diagonal_positive(), x: domains.vector()}, sizes={m: (1, 5), n: (1, 4)})
    # (D x = D x also warns as trivially true as built; this test is about the size warning)
    [w] = [w for w in caught if issubclass(w.category, ClaimDefinitionWarning) and "diagonal_positive" in str(w.message)]
    assert w.category is ClaimDefinitionWarning  # a warning, not a note: it forces an equality
    assert os.path.abspath(w.filename) == __file__ and w.lineno == line
    text = str(w.message)
    for part in ("test.sizes.diagonal", "'D'", "m x n", "diagonal_positive", "square", "m = n",
                 "4 of the 20", "m = 5 is never checked"):
        assert part in text, (part, text)
    assert restriction_lines(c) == ["m = n forced by the diagonal_positive domain of `D` (m x n; it needs a "
                                    "square matrix)"]
    result = check_numeric(c, instances=16)
    assert [(s["m"], s["n"]) for s in result.sizes] == [(1, 1), (2, 2), (3, 3), (4, 4)]
    report, rec = report_of(c, result)
    assert "- m = n forced by the diagonal_positive domain of `D`" in report
    assert "all 4 admissible size assignments (of 20 declared)" in report
    assert rec["numeric"]["size_restrictions"] == restriction_lines(c)


def _line_of_next_call():
    import inspect

    return inspect.currentframe().f_back.f_lineno + 1


def test_a_rule_that_keeps_every_value_is_a_note():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        claim("tall", Identity(sp.Transpose(X * x), x.T * X.T), {X: domains.full_column_rank(), x: domains.vector()},
              {m: (1, 5), n: (1, 4)})
    [w] = [w for w in caught if issubclass(w.category, ClaimDefinitionWarning)]
    assert w.category is ClaimDefinitionNote and "m >= n" in str(w.message) and "14 of the 20" in str(w.message)


def test_no_note_when_the_domain_accepts_every_declared_shape():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        c = claim("square", Identity(sp.Transpose(A * x), x.T * A.T), {A: domains.spd(), x: domains.vector()}, {n: (1, 4)})
    assert not [w for w in caught if issubclass(w.category, ClaimDefinitionWarning)]
    assert restriction_lines(c) == []


def test_a_range_that_collapses_to_one_value_is_refused():
    with pytest.raises(ClaimDefinitionError, match=r"declared range 1..4 of n leaves only n = 1.*vector domain of `X`"
                                                   r".*sizes=\{'n': \(1, 1\)\}"):
        claim("collapsed", Identity(X.T * X, X.T * X), {X: domains.vector()}, {m: (1, 5), n: (1, 4)})


def test_a_domain_that_leaves_no_assignment_is_refused_naming_it():
    with pytest.raises(ClaimDefinitionError, match=r"no size assignment satisfies the domains' shape rules and "
                                                   r"size_rule \(m = n forced by the spd domain of `X`"):
        claim("empty", Identity(X.T * X, X.T * X), {X: domains.spd()}, {m: (1, 2), n: (3, 4)})


def test_the_cli_prints_the_note_and_the_warning_with_file_and_line(tmp_path):
    from typer.testing import CliRunner

    from cli import app

    path = tmp_path / "restricted.py"
    path.write_text(
        "import sympy as sp\n"
        "from verify import Claim, Identity, domains\n"
        "m = sp.Symbol('m', integer=True, positive=True)\n"
        "n = sp.Symbol('n', integer=True, positive=True)\n"
        "D = sp.MatrixSymbol('D', m, n)\n"
        "x = sp.MatrixSymbol('x', n, 1)\n"
        "diag = Claim(id='mine.diag', title='t', source='s', statement=Identity(D * x, D * x),\n"
        "             domain={D: domains.diagonal_positive(), x: domains.vector()}, sizes={m: (1, 3), n: (1, 3)})\n"
        "tall = Claim(id='mine.tall', title='t', source='s', statement=Identity(D * x, D * x),\n"
        "             domain={D: domains.full_column_rank(), x: domains.vector()}, sizes={m: (1, 3), n: (1, 3)})\n")
    result = CliRunner().invoke(app, ["list", "--claims", str(path)])
    assert result.exit_code == 0, result.output
    assert re.search(r"restricted\.py:7: warning: claim 'mine\.diag': symbol 'D' is m x n .* m = n", result.output)
    assert re.search(r"restricted\.py:9: note: claim 'mine\.tall': only sizes with m >= n are checked", result.output)


def test_mutants_check_their_originals_sizes():
    from verify import mutate as mut

    original = transpose_claim({m: (1, 5), n: (1, 4)})
    sizes = check_numeric(original, instances=8).sizes
    for mutant in [mt.as_claim() for mt in mut.plan(original).mutants][:4]:
        result = check_numeric(mutant, instances=8)
        if not result.ill_formed:
            assert result.sizes == sizes


def test_a_plan_never_repeats_and_never_leaves_the_admissible_set():
    c = transpose_claim({m: (1, 5), n: (1, 4)}, size_rule=lambda s: (s["m"] + s["n"]) % 2 == 0)
    allowed = admissible(c)
    for seed in range(6):
        sizes = plan(c, np.random.default_rng(seed)).sizes
        assert all(s in allowed for s in sizes) and len(sizes) == len({tuple(s.items()) for s in sizes})


# --- the sampler: one compiled draw of normals for every size ---------------------------------------


def test_the_sampler_draws_what_domain_sample_draws_and_one_compilation_serves_every_size():
    import jax

    from verify import numeric

    c = claim("sampler", Identity(A * x, A * x), {A: domains.general(2.0), x: domains.vector()}, {n: (1, 5)})
    keys = jax.random.split(jax.random.PRNGKey(11), 6)
    numeric.batch_sampler(c, {"n": 1})(keys)  # the draw for 6 keys (padded to 8) and 2 symbols
    compiled = numeric._normals()._cache_size()
    for size in range(1, 6):
        batch = numeric.batch_sampler(c, {"n": size})(keys)
        for name, shape in (("A", (size, size)), ("x", (size, 1))):
            salt = numeric._salt(name)
            expected = [np.asarray(c.domain[name].sample(jax.random.fold_in(k, salt), shape)) for k in keys]
            assert np.array_equal(np.asarray(batch[name]), np.stack(expected)), (name, size)
    assert numeric._normals()._cache_size() == compiled  # n = 1..5: no further compilation of the draw
