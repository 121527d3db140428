"""The result cache: claim fingerprints, keys and storage (verify/cache.py)."""

import dataclasses
import hashlib
import json
import multiprocessing as mp
import os
import pickle
import re
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest
import sympy as sp

from verify import Claim, Identity, domains
from verify import cache
from verify.cache import (ResultCache, claim_fingerprint, default_root, engine_fingerprint, fingerprint_problem,
                          numeric_key, symbolic_key)
from verify.numeric import Comparison, Counterexample, NumericResult
from verify.registry import load_registry

REPO = Path(__file__).resolve().parents[1]
HEX64 = re.compile(r"[0-9a-f]{64}")

x = sp.Symbol("x", real=True)
n = sp.Symbol("n", integer=True, positive=True)
A = sp.MatrixSymbol("A", n, n)


def scalar_claim(**changes) -> Claim:
    fields = dict(id="cachetest.square.expand", title="square", source="mine",
                  statement=Identity((x + 1) ** 2, x**2 + 2 * x + 1), domain={x: domains.real()})
    return Claim(**{**fields, **changes})


def matrix_claim(**changes) -> Claim:
    fields = dict(id="cachetest.transpose.twice", title="transpose", source="mine",
                  statement=Identity(A.T.T, A), domain={A: domains.general()}, sizes={n: (1, 3)})
    return Claim(**{**fields, **changes})


def builtin_claims() -> list:
    return load_registry((), builtin=True).select(["all"])


def load_claim(folder: Path, source: str, claim_id: str) -> Claim:
    """A claim from a claim file written in its own folder (so each file gets its own module)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "claims.py"
    path.write_text(textwrap.dedent(source))
    return load_registry([path], builtin=False).get(claim_id)


# --- fingerprints: stable --------------------------------------------------------------------------

FINGERPRINT_SCRIPT = """
import json, sys
if len(sys.argv) > 1:  # create many Dummies first: the global Dummy counter starts elsewhere
    sys.path.insert(0, sys.argv[1])
    import make_dummies
from verify.registry import load_registry
from verify.cache import claim_fingerprint
import sympy as sp
claims = load_registry((), builtin=True).select(["all"])
print(json.dumps({"fingerprints": {c.id: claim_fingerprint(c) for c in claims},
                  "dummies_made": sp.Dummy._count, "next_dummy": sp.Dummy().dummy_index}))
"""


def test_builtin_fingerprints_agree_across_processes_hash_seeds_and_dummy_counters(tmp_path):
    (tmp_path / "make_dummies.py").write_text("import sympy as sp\nmade = [sp.Dummy('d') for _ in range(777)]\n")
    runs = [("1", []), ("2", []), ("2", [str(tmp_path)])]
    procs = [subprocess.Popen([sys.executable, "-c", FINGERPRINT_SCRIPT, *args], cwd=REPO, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env={**os.environ, "PYTHONHASHSEED": seed})
             for seed, args in runs]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        outputs.append(json.loads(out.strip().splitlines()[-1]))
    first = outputs[0]["fingerprints"]
    assert len(first) == len(builtin_claims()) and all(fp and HEX64.fullmatch(fp) for fp in first.values())
    assert outputs[1]["fingerprints"] == first
    assert outputs[2]["fingerprints"] == first
    # the Dummy counters really differed: SymPy starts each process's at a random offset, and the
    # third process made 777 more Dummies before loading the claims
    assert len({out["next_dummy"] for out in outputs}) == 3
    assert outputs[2]["dummies_made"] > 777 and outputs[0]["dummies_made"] < 777
    # and in this process (yet another Dummy counter and hash seed) too
    assert {c.id: claim_fingerprint(c) for c in builtin_claims()} == first


def test_builtin_claims_hold_dummies_so_canonicalising_them_is_exercised():
    walker = cache._Walker()
    for c in builtin_claims():
        walker.walk(c)
    assert sum(isinstance(t, int) for t in walker.tokens) > 0


def test_fingerprint_ignores_the_memo_of_built_statements():
    claims = [c for c in builtin_claims() if c.is_builder]
    for c in claims:
        c._built.clear()  # as if nothing had been built yet (validation builds some)
    before = {c.id: claim_fingerprint(c) for c in claims}
    for c in claims:
        c.build(c.smallest_sizes())  # fills the claim's memo of built statements
    assert claims and all(c._built for c in claims)
    assert {c.id: claim_fingerprint(c) for c in claims} == before


def test_dummies_are_numbered_by_first_appearance():
    def with_sum(first, second):
        return scalar_claim(statement=Identity(x * sp.Sum(first * second, (first, 1, 2), (second, 1, 2)), 9 * x))

    a, b = sp.Dummy("d"), sp.Dummy("d")
    for _ in range(50):
        sp.Dummy("d")
    c, d = sp.Dummy("d"), sp.Dummy("d")
    assert claim_fingerprint(with_sum(a, b)) == claim_fingerprint(with_sum(c, d))
    assert claim_fingerprint(with_sum(a, b)) != claim_fingerprint(with_sum(a, a))  # which dummy is which matters


USER_FILE = """
import sympy as sp
from verify import Claim, Identity, domains
{padding}
x = sp.Symbol("x", real=True)


def inner(t):
    return {inner_body}


def helper(t):
    return {helper_body}


def build(sizes):
    return Identity(helper(x), x + 1)


claim = Claim(id="cachetest.user.helper", title="{title}", source="mine", statement=build,
              domain={{x: domains.real()}})
"""


def user_file(padding="", inner_body="t + 1", helper_body="inner(t)", title="helper"):
    return USER_FILE.format(padding=padding, inner_body=inner_body, helper_body=helper_body, title=title)


def test_the_same_claim_file_loaded_twice_has_one_fingerprint(tmp_path):
    one = load_claim(tmp_path / "one", user_file(), "cachetest.user.helper")
    two = load_claim(tmp_path / "two", user_file(), "cachetest.user.helper")
    assert one is not two and one.statement.__module__ != two.statement.__module__
    assert claim_fingerprint(one) == claim_fingerprint(two) is not None


def test_moving_a_claim_down_its_file_keeps_its_fingerprint(tmp_path):
    one = load_claim(tmp_path / "one", user_file(), "cachetest.user.helper")
    moved = load_claim(tmp_path / "moved", user_file(padding="\n\n\n# a comment\n\n"), "cachetest.user.helper")
    assert one.defined_at != moved.defined_at
    assert one.statement.__code__.co_firstlineno != moved.statement.__code__.co_firstlineno
    assert claim_fingerprint(one) == claim_fingerprint(moved)


@pytest.mark.parametrize("change", [dict(helper_body="inner(t) + 0 * t"), dict(inner_body="1 + t"),
                                    dict(inner_body="t + 2")])
def test_editing_a_helper_the_builder_calls_changes_the_fingerprint(tmp_path, change):
    one = load_claim(tmp_path / "one", user_file(), "cachetest.user.helper")
    edited = load_claim(tmp_path / "edited", user_file(**change), "cachetest.user.helper")
    assert claim_fingerprint(one) != claim_fingerprint(edited)


def test_presentation_fields_do_not_change_the_fingerprint(tmp_path):
    base = scalar_claim()
    for change in (dict(title="another title"), dict(source="elsewhere, page 9"), dict(notes="more notes"),
                   dict(tags=("erratum",)), dict(defined_at="somewhere.py:99")):
        assert claim_fingerprint(dataclasses.replace(base, **change)) == claim_fingerprint(base), change
    one = load_claim(tmp_path / "one", user_file(), "cachetest.user.helper")
    retitled = load_claim(tmp_path / "two", user_file(title="a new title"), "cachetest.user.helper")
    assert claim_fingerprint(one) == claim_fingerprint(retitled)


def test_excluded_fields_are_claim_fields():
    names = {f.name for f in dataclasses.fields(Claim)}
    assert cache.PRESENTATION_FIELDS | cache.DERIVED_FIELDS <= names
    for needed in ("id", "statement", "domain", "sizes", "rtol", "atol", "symbolic_sizes", "size_rule", "about_kink"):
        assert needed in names and needed not in cache.PRESENTATION_FIELDS | cache.DERIVED_FIELDS


# --- fingerprints: what changes them ---------------------------------------------------------------


@pytest.mark.parametrize("change", [
    dict(statement=Identity((x + 1) ** 2, x**2 + 2 * x + 2)),
    dict(statement=Identity((x + 1) ** 2, sp.Add(x**2, 2 * x, 1, evaluate=False))),  # same value, kept as built
    dict(domain={x: domains.interval(0, 1)}),
    dict(domain={x: domains.real(2.0)}),
    dict(id="cachetest.square.other"),
    dict(rtol=1e-9),
    dict(atol=1e-11),
    dict(about_kink=True),
])
def test_result_fields_change_the_fingerprint(change):
    assert claim_fingerprint(scalar_claim(**change)) != claim_fingerprint(scalar_claim())


def test_unevaluated_structure_and_argument_order_are_part_of_the_fingerprint():
    p = sp.Symbol("p", positive=True)
    domain = {x: domains.real(), p: domains.positive()}

    def claim(lhs):
        return scalar_claim(statement=Identity(lhs, x * p / p + sp.exp(p)), domain=domain)

    kept = claim(sp.Mul(p, 1 / p, x, evaluate=False) + sp.exp(p))
    swapped = claim(sp.Mul(1 / p, p, x, evaluate=False) + sp.exp(p))
    cancelled = claim(sp.Mul(p, 1 / p, x) + sp.exp(p))
    assert len({claim_fingerprint(kept), claim_fingerprint(swapped), claim_fingerprint(cancelled)}) == 3
    # sp.srepr sorts the arguments of sums; an unevaluated sum in another order is another computation
    assert claim_fingerprint(claim(sp.Add(sp.exp(p), x, evaluate=False))) != \
        claim_fingerprint(claim(sp.Add(x, sp.exp(p), evaluate=False)))


@pytest.mark.parametrize("first, second", [
    (domains.interval(0, 1), domains.interval(0, 2)),
    (domains.positive(0.5, 1), domains.positive(0.5, 2)),
    # same description ("N(0, 1^2)"): only the value captured in the closures differs
    (domains.real(1.0), domains.real(1.0 + 1e-9)),
])
def test_domain_parameters_change_the_fingerprint(first, second):
    assert claim_fingerprint(scalar_claim(domain={x: first})) != claim_fingerprint(scalar_claim(domain={x: second}))
    assert claim_fingerprint(scalar_claim(domain={x: first})) == claim_fingerprint(scalar_claim(domain={x: first}))


@pytest.mark.parametrize("change", [
    dict(sizes={n: (1, 4)}),
    dict(sizes={n: (2, 3)}),
    dict(symbolic_sizes=({"n": 3},)),
    dict(size_rule=lambda s: s["n"] != 2),
    dict(domain={A: domains.symmetric()}),
])
def test_sizes_and_size_rules_change_the_fingerprint(change):
    assert claim_fingerprint(matrix_claim(**change)) != claim_fingerprint(matrix_claim())


def test_size_rule_code_changes_the_fingerprint():
    one = matrix_claim(size_rule=lambda s: s["n"] != 2)
    two = matrix_claim(size_rule=lambda s: s["n"] != 3)
    assert claim_fingerprint(one) != claim_fingerprint(two)


def test_builder_code_changes_the_fingerprint():
    one = scalar_claim(statement=lambda sizes: Identity(x + x, 2 * x))
    two = scalar_claim(statement=lambda sizes: Identity(2 * x, 2 * x))
    same = scalar_claim(statement=lambda sizes: Identity(x + x, 2 * x))
    assert claim_fingerprint(one) != claim_fingerprint(two)
    assert claim_fingerprint(one) == claim_fingerprint(same)


def make_builder(factor):
    def build(sizes):
        return Identity(factor * x, factor * x)
    return build


def test_a_value_captured_by_a_builder_changes_the_fingerprint():
    assert claim_fingerprint(scalar_claim(statement=make_builder(2))) != \
        claim_fingerprint(scalar_claim(statement=make_builder(3)))
    assert claim_fingerprint(scalar_claim(statement=make_builder(2))) == \
        claim_fingerprint(scalar_claim(statement=make_builder(2)))


class Scale:
    def __init__(self, value):
        self.value = value


def test_an_object_captured_by_a_builder_is_walked_by_value():
    def builder(scale):
        return lambda sizes: Identity(scale.value * x, scale.value * x)

    assert claim_fingerprint(scalar_claim(statement=builder(Scale(2)))) != \
        claim_fingerprint(scalar_claim(statement=builder(Scale(3))))
    assert claim_fingerprint(scalar_claim(statement=builder(Scale(2)))) is not None


def helper_class(doubling: bool):
    if doubling:
        class Helper:
            def apply(self, t):
                return 2 * t
    else:
        class Helper:
            def apply(self, t):
                return t + t
    return Helper


def test_the_methods_of_a_claim_files_class_are_part_of_the_fingerprint():
    def claim(helper):
        return scalar_claim(statement=lambda sizes: Identity(helper.apply(x), 2 * x))

    assert claim_fingerprint(claim(helper_class(True)())) != claim_fingerprint(claim(helper_class(False)()))
    assert claim_fingerprint(claim(helper_class(True)())) == claim_fingerprint(claim(helper_class(True)()))


def test_an_object_known_only_by_its_address_makes_the_claim_unfingerprintable():
    marker = object()

    def build(sizes, marker=marker):
        return Identity(x, x)

    claim = scalar_claim(statement=build)
    assert claim_fingerprint(claim) is None
    assert "address" in fingerprint_problem(claim)
    assert symbolic_key(claim, budget=30, memory_limit=8) is None
    assert numeric_key(claim, seed=0, instances=64, budget=600, memory_limit=8, confirm_seconds=60) is None
    assert fingerprint_problem(scalar_claim()) == ""


def test_an_object_with_hidden_c_state_makes_the_claim_unfingerprintable():
    import random

    def build(sizes, rng=random.Random(0)):
        return Identity(x, x)

    claim = scalar_claim(statement=build)
    assert claim_fingerprint(claim) is None and "cannot see" in fingerprint_problem(claim)


def test_set_and_mapping_order_does_not_matter():
    def claim(captured):
        return scalar_claim(statement=lambda sizes, captured=captured: Identity(x, x))

    first, second = set(), set()
    first.update([8, 16])  # both hash to one slot of a small table: iteration order is insertion order
    second.update([16, 8])
    assert list(first) != list(second)
    assert claim_fingerprint(claim(first)) == claim_fingerprint(claim(second))
    assert claim_fingerprint(claim({"a": 1, "b": x})) == claim_fingerprint(claim({"b": x, "a": 1}))
    assert claim_fingerprint(claim({"a": 1, "b": x})) != claim_fingerprint(claim({"a": x, "b": 1}))
    assert claim_fingerprint(claim(frozenset({8, 16}))) != claim_fingerprint(claim(frozenset({8, 17})))


def test_captured_arrays_are_fingerprinted_by_value():
    import numpy as np

    def claim(array):
        return scalar_claim(statement=lambda sizes, array=array: Identity(x, x))

    base = claim_fingerprint(claim(np.array([1.0, 2.0])))
    assert base == claim_fingerprint(claim(np.array([1.0, 2.0])))
    assert base != claim_fingerprint(claim(np.array([1.0, 2.5])))
    assert base != claim_fingerprint(claim(np.array([1.0, 2.0], dtype=np.float32)))
    assert base != claim_fingerprint(claim(np.array([[1.0, 2.0]])))


def test_a_symbol_named_like_a_dummy_index_is_not_mistaken_for_one():
    d = sp.Dummy("d")
    tricky = scalar_claim(statement=Identity(x * sp.Sum(d, (d, 1, 2)) + sp.Symbol("dummy_index=5"), 3 * x),
                          domain={x: domains.real(), "dummy_index=5": domains.real()})
    assert claim_fingerprint(tricky) is None


def test_the_assumptions_of_an_undefined_function_are_part_of_the_fingerprint():
    def claim(f):
        return scalar_claim(statement=Identity(f(x), f(x)))

    assert sp.srepr(sp.Function("f", real=True)) == sp.srepr(sp.Function("f"))  # srepr alone would miss it
    assert claim_fingerprint(claim(sp.Function("f", real=True))) != claim_fingerprint(claim(sp.Function("f")))
    assert claim_fingerprint(claim(sp.Function("f"))) == claim_fingerprint(claim(sp.Function("f")))


def test_cycles_are_guarded():
    loop = []
    loop.append(loop)

    def build(sizes, loop=loop):
        return Identity(x, x)

    assert HEX64.fullmatch(claim_fingerprint(scalar_claim(statement=build)))


# --- engine fingerprint and keys -------------------------------------------------------------------


def test_engine_fingerprint_is_a_stable_sha256():
    first = engine_fingerprint()
    assert HEX64.fullmatch(first) and engine_fingerprint() == first
    assert engine_fingerprint.cache_info().hits >= 1


def test_keys_depend_on_kind_and_every_setting():
    claim = scalar_claim()
    sym = dict(budget=30.0, memory_limit=8.0)
    num = dict(seed=0, instances=64, budget=600.0, memory_limit=8.0, confirm_seconds=60.0)
    base_sym, base_num = symbolic_key(claim, **sym), numeric_key(claim, **num)
    assert HEX64.fullmatch(base_sym) and HEX64.fullmatch(base_num) and base_sym != base_num
    assert symbolic_key(claim, budget=30, memory_limit=8) == base_sym  # 30 and 30.0 are one setting
    assert {symbolic_key(claim, **{**sym, k: v}) for k, v in [("budget", 31.0), ("memory_limit", None)]} \
        .isdisjoint({base_sym})
    changed = {numeric_key(claim, **{**num, k: v}) for k, v in [("seed", 1), ("instances", 65), ("budget", 60.0),
                                                                ("memory_limit", None), ("confirm_seconds", 5.0)]}
    assert len(changed) == 5 and base_num not in changed
    assert symbolic_key(scalar_claim(rtol=1e-9), **sym) != base_sym


def test_results_of_stopped_processes_are_not_cacheable():
    from verify.exact import SymbolicResult

    assert cache.cacheable(SymbolicResult("proved", "general"))
    assert cache.cacheable(SymbolicResult("undecided", reason="the conclusion did not reduce to 0 symbolically"))
    assert not cache.cacheable(SymbolicResult("undecided", reason="the symbolic check exceeded its budget of 30 s "
                                                                  "and was stopped"))
    assert not cache.cacheable(SymbolicResult("undecided", reason="the symbolic check exceeded the memory limit of "
                                                                  "8 GiB and was stopped"))
    assert cache.cacheable(NumericResult("passed", instances=64))
    assert not cache.cacheable(NumericResult("error", message="the numeric check exceeded its budget"))
    slow = Counterexample("identity", {}, {}, 1.0, 2.0, 1.0,
                          exact="not attempted to the end: exact evaluation took longer than 60 s")
    assert not cache.cacheable(NumericResult("failed", counterexample=slow))
    assert cache.cacheable(NumericResult("failed", counterexample=dataclasses.replace(slow, exact="confirmed")))


# --- storage ---------------------------------------------------------------------------------------


def key_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def real_results():
    from verify.symbolic import check_symbolic

    symbolic = check_symbolic(load_registry((), builtin=True).get("probability.bayes.rule"))
    numeric = NumericResult(
        "failed", instances=64, sizes=((("n", 2),),), comparisons=(Comparison("identity", 64, 3, 0.5, 0.25),),
        counterexample=Counterexample("identity", {"n": 2}, {"A": [[1.0, 2.0], [3.0, 4.0]]}, [[1.0]], [[2.0]], 1.0,
                                      exact="confirmed", exact_confirmed=True, entry=0, entry_abs_err=1.0,
                                      entry_tolerance=1e-8),
        tolerance="rtol 1e-8", notes=("a note",), worst_condition=12.5, near_kink=1, tolerance_used=3.0)
    return symbolic, numeric


def test_round_trip_of_real_results(tmp_path):
    symbolic, numeric = real_results()
    assert symbolic.status == "proved"
    store = ResultCache(tmp_path / "c")
    key = key_of("round trip")
    store.put(key, (symbolic, numeric, 1.25, 2.5))
    got = ResultCache(tmp_path / "c").get(key)  # another instance: nothing is kept in memory
    assert got == (symbolic, numeric, 1.25, 2.5)
    assert (tmp_path / "c" / "v1" / key[:2] / key).is_file()


def test_miss_on_unknown_and_malformed_keys(tmp_path):
    store = ResultCache(tmp_path / "c")
    assert store.get(key_of("never stored")) is None
    assert store.get("../../etc/passwd") is None and store.get(None) is None
    assert not (tmp_path / "c").exists()  # a read creates nothing
    with pytest.raises(ValueError):
        store.put("not-a-key", 1)


def entry_bytes(payload: bytes) -> bytes:
    return cache.MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


def damaged(good: bytes) -> dict:
    header = len(cache.MAGIC) + 65
    flipped = bytearray(good)
    flipped[-1] ^= 0xFF
    return {
        "truncated": good[: len(good) // 2],
        "truncated header": good[:10],
        "header only": good[:header],
        "garbage": bytes(range(256)) * 3,
        "empty": b"",
        "bad digest": bytes(flipped),
        "another digest, payload intact": cache.MAGIC + b"0" * 64 + good[header - 1:],
        "wrong magic": b"dlverify-cache v0\n" + good[len(cache.MAGIC):],
        "digest ok, not a pickle": entry_bytes(b"this is not a pickle"),
        "digest ok, pickle of a missing module": entry_bytes(b"cno_such_module_dlverify\nThing\n."),
        "digest ok, truncated pickle": entry_bytes(pickle.dumps(("a", "b"))[:-3]),
    }


def test_damaged_entries_are_misses_and_are_removed(tmp_path):
    store = ResultCache(tmp_path / "c")
    key = key_of("damaged")
    store.put(key, ("value", 1.0))
    path = tmp_path / "c" / "v1" / key[:2] / key
    good = path.read_bytes()
    for name, data in damaged(good).items():
        path.write_bytes(data)
        assert store.get(key) is None, name
        assert not path.exists(), name
    path.write_bytes(good)
    assert store.get(key) == ("value", 1.0)


def test_an_unreadable_entry_is_a_miss(tmp_path):
    store = ResultCache(tmp_path / "c")
    key = key_of("unreadable")
    (tmp_path / "c" / "v1" / key[:2] / key).mkdir(parents=True)  # a folder where the file should be
    assert store.get(key) is None


def test_put_into_an_unwritable_root_warns_and_does_not_raise(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    store = ResultCache(blocker / "cache")  # works even as root, unlike chmod
    with pytest.warns(cache.CacheWarning):
        store.put(key_of("one"), 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        store.put(key_of("two"), 2)  # warned once per cache, then quiet
    assert store.get(key_of("one")) is None and store.stats() == (0, 0) and store.clear() == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_put_into_a_read_only_root_does_not_raise(tmp_path):
    root = tmp_path / "c"
    root.mkdir()
    root.chmod(0o500)
    try:
        with pytest.warns(cache.CacheWarning):
            ResultCache(root).put(key_of("one"), 1)
    finally:
        root.chmod(0o700)


def test_a_full_disk_leaves_no_temporary_file(tmp_path, monkeypatch):
    store = ResultCache(tmp_path / "c")
    store.put(key_of("first"), 1)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.warns(cache.CacheWarning, match="No space left"):
        store.put(key_of("second"), 2)
    monkeypatch.undo()
    leftovers = [p for p in (tmp_path / "c").rglob("*") if p.name.startswith(".tmp-")]
    assert leftovers == [] and store.get(key_of("second")) is None and store.get(key_of("first")) == 1


def test_unpicklable_values_warn_and_are_not_stored(tmp_path):
    import threading

    store = ResultCache(tmp_path / "c")
    with pytest.warns(cache.CacheWarning, match="pickle"):
        store.put(key_of("lock"), threading.Lock())
    assert store.get(key_of("lock")) is None


def test_first_use_writes_gitignore_and_readme(tmp_path):
    store = ResultCache(tmp_path / "c")
    store.put(key_of("x"), 1)
    assert "*" in (tmp_path / "c" / ".gitignore").read_text().splitlines()
    assert "safe to delete" in (tmp_path / "c" / "README.md").read_text()


def test_clear_and_stats(tmp_path):
    store = ResultCache(tmp_path / "c")
    assert store.stats() == (0, 0) and store.clear() == 0
    keys = [key_of(str(i)) for i in range(3)]
    for i, key in enumerate(keys):
        store.put(key, ("value", i, "x" * 100 * i))
    sizes = sum((tmp_path / "c" / "v1" / k[:2] / k).stat().st_size for k in keys)
    (tmp_path / "c" / "v1" / keys[0][:2] / ".tmp-leftover").write_bytes(b"partial")
    assert store.stats() == (3, sizes)
    assert store.clear() == 3
    assert store.stats() == (0, 0) and all(store.get(k) is None for k in keys)
    assert list((tmp_path / "c" / "v1").iterdir()) == []
    assert (tmp_path / "c" / ".gitignore").exists()


def test_default_root(monkeypatch, tmp_path):
    monkeypatch.delenv("DLVERIFY_CACHE_DIR", raising=False)
    assert default_root() == Path(".dlverify_cache") == Path(cache.DEFAULT_DIR)
    monkeypatch.setenv("DLVERIFY_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert default_root() == tmp_path / "elsewhere"


BIG = 300_000


def hammer(root: str, keys: list, rounds: int, conn) -> None:
    """Put and get the same keys as another process; report anything but a miss or a whole value."""
    store = ResultCache(root)
    problems = []
    try:
        for i in range(rounds):
            for key in keys:
                store.put(key, (key, os.getpid(), i, b"v" * BIG))
                # once written, an entry is always whole: a miss here would be a half-written file seen
                got = store.get(key)
                if not (isinstance(got, tuple) and got[0] == key and len(got[3]) == BIG):
                    problems.append(repr(got)[:100])
                try:
                    raw = (Path(root) / "v1" / key[:2] / key).read_bytes()
                except OSError as exc:
                    problems.append(f"entry missing: {exc}")
                else:
                    if cache._decode(raw) is cache._CORRUPT:
                        problems.append(f"a damaged entry of {len(raw)} bytes")
    except Exception as exc:  # get/put must never raise
        problems.append(f"{type(exc).__name__}: {exc}")
    conn.send(problems)
    conn.close()


def test_concurrent_writers_leave_valid_entries(tmp_path):
    root = str(tmp_path / "c")
    keys = [key_of(f"shared {i}") for i in range(3)]
    ctx = mp.get_context("fork")
    pipes, procs = [], []
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"os\.fork\(\) was called", category=RuntimeWarning)
        for _ in range(2):
            receiver, sender = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=hammer, args=(root, keys, 40, sender))
            proc.start()
            sender.close()
            pipes.append(receiver)
            procs.append(proc)
    reports = [conn.recv() for conn in pipes]
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    assert reports == [[], []]
    store = ResultCache(root)
    for key in keys:
        got = store.get(key)
        assert got[0] == key and got[1] in {p.pid for p in procs} and len(got[3]) == BIG
    assert not [p for p in Path(root).rglob(".tmp-*")]
    assert store.stats()[0] == len(keys)
