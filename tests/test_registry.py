"""Loading claim files and selecting claims."""

import sys
import textwrap

import pytest

from verify import ClaimDefinitionError, SelectorError
from verify.registry import build_registry, load_path, load_registry

CLAIM = """
import sympy as sp
from verify import Claim, Identity, domains
t = sp.Symbol("t", real=True)
{name} = Claim(id="{cid}", title="t", source="mine", statement=Identity(2 * t, t + t), domain={{t: domains.real()}})
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_builtin_registry_has_the_headline_claims():
    ids = load_registry().ids()
    for cid in ["regularization.ridge.closed_form", "regularization.l1.soft_threshold",
                "optimization.steepest_descent.orthogonality", "probability.bayes.rule",
                "nn.backprop.weight_gradient_outer", "rl.pg.log_derivative_trick"]:
        assert cid in ids


def test_selectors():
    reg = load_registry()
    assert [c.id for c in reg.select(["probability.bayes.rule"])] == ["probability.bayes.rule"]
    assert all(c.id.startswith("nn.") for c in reg.select(["nn"]))
    assert {c.id for c in reg.select(["*.ridge.*"])} >= {"regularization.ridge.closed_form"}
    assert len(reg.select(["all"])) == len(reg.claims)


def test_unknown_selector_suggests_close_names():
    with pytest.raises(SelectorError, match=r"no claim matches 'regularisation'; did you mean regularization"):
        load_registry().select(["regularisation"])


def test_folder_of_user_claims(tmp_path):
    write(tmp_path, "a.py", CLAIM.format(name="one", cid="mine.a.one"))
    write(tmp_path, "b.py", CLAIM.format(name="two", cid="mine.b.two"))
    write(tmp_path, "_helper.py", "raise RuntimeError('skipped: starts with _')")
    reg = load_registry([tmp_path], builtin=False)
    assert reg.ids() == ["mine.a.one", "mine.b.two"]


def test_duplicate_id_names_both_sites(tmp_path):
    a = write(tmp_path, "a.py", CLAIM.format(name="one", cid="mine.dup.x"))
    b = write(tmp_path, "b.py", CLAIM.format(name="two", cid="mine.dup.x"))
    with pytest.raises(ClaimDefinitionError) as err:
        build_registry(load_path(a) + load_path(b))
    assert str(err.value) == (f"{b}:5: claim 'mine.dup.x': duplicate id (ids name the report files, so they must be "
                              f"unique): it is already defined at {a}:5; rename one of them")


def test_duplicate_id_within_one_file(tmp_path):
    text = CLAIM.format(name="one", cid="mine.dup.x") + CLAIM.format(name="two", cid="mine.dup.x").split("\n", 4)[4]
    path = write(tmp_path, "both.py", text)
    with pytest.raises(ClaimDefinitionError, match=rf"both\.py:6: claim 'mine.dup.x': duplicate id .* at {path}:5; "):
        build_registry(load_path(path))


def test_a_user_claim_may_not_reuse_a_builtin_id(tmp_path):
    path = write(tmp_path, "mine.py", CLAIM.format(name="one", cid="probability.bayes.rule"))
    with pytest.raises(ClaimDefinitionError, match=r"mine\.py:5: claim 'probability.bayes.rule': duplicate id .* "
                                                   r"derivations/probability/bayes\.py:\d+ by a built-in claim \(--builtin\); "
                                                   r"rename yours$"):
        load_registry([path], builtin=True)
    assert load_registry([path], builtin=False).ids() == ["probability.bayes.rule"]


def test_loading_the_same_file_twice_is_not_a_duplicate(tmp_path):
    path = write(tmp_path, "a.py", CLAIM.format(name="one", cid="mine.a.one"))
    assert load_registry([path, path, tmp_path], builtin=False).ids() == ["mine.a.one"]


def test_same_file_name_in_two_folders_are_two_modules(tmp_path):
    first = tmp_path / "x" / "p" / "q"
    second = tmp_path / "y" / "p" / "q"
    first.mkdir(parents=True)
    second.mkdir(parents=True)
    write(first, "claims.py", CLAIM.format(name="one", cid="mine.first.one"))
    write(second, "claims.py", CLAIM.format(name="one", cid="mine.second.one"))
    assert load_registry([first / "claims.py", second / "claims.py"], builtin=False).ids() == [
        "mine.first.one", "mine.second.one"]


def test_correction_must_name_a_loaded_claim(tmp_path):
    text = CLAIM.format(name="one", cid="mine.c.right") + CLAIM.format(name="two", cid="mine.c.wrong").split(
        "\n", 4)[4].replace("domains.real()})", 'domains.real()}, expect="fails", correction="mine.c.rihgt")')
    path = write(tmp_path, "c.py", text)
    with pytest.raises(ClaimDefinitionError, match=r"c\.py:6: claim 'mine.c.wrong': correction='mine.c.rihgt' names no "
                                                   r"loaded claim; did you mean 'mine.c.right'\? fix the id, or load"):
        load_registry([path], builtin=False)


def test_syntax_error_names_file_and_line(tmp_path):
    bad = write(tmp_path, "bad.py", "import sympy\nx = [1,\n     2 3]\n")
    with pytest.raises(ClaimDefinitionError) as err:
        load_path(bad)
    assert str(err.value) == (f"{bad}:3: syntax error: invalid syntax. Perhaps you forgot a comma? in `2 3]` (column 6); "
                              "fix the Python syntax of this line (or the line before, when a bracket or quote is left "
                              "open)")


def test_exception_in_claim_file_names_line(tmp_path):
    bad = write(tmp_path, "boom.py", "import sympy\n\nundefined_name + 1\n")
    with pytest.raises(ClaimDefinitionError, match=r"boom\.py:3: importing the claim file raised NameError"):
        load_path(bad)


def test_missing_path():
    with pytest.raises(ClaimDefinitionError, match=r"no such file or folder"):
        load_path("/nonexistent/claims.py")


def test_file_without_claims(tmp_path):
    path = write(tmp_path, "empty.py", "import sympy\nCLAIMS = {'a': 1}\n")
    with pytest.raises(ClaimDefinitionError, match=rf"^{path}:1: the file defines no claims; bind each Claim"):
        load_path(path)
    folder = tmp_path / "claims"
    folder.mkdir()
    write(folder, "helpers.py", "def helper():\n    return 1\n")
    with pytest.raises(ClaimDefinitionError, match=r"a helper module in a claims folder must have a name starting "
                                                   r"with '_'$"):
        load_path(folder)


def test_shape_error_names_the_claim_around_the_line(tmp_path):
    text = CLAIM.format(name="ok", cid="mine.shape.ok") + """
W = sp.MatrixSymbol("W", 3, 2)
v = sp.MatrixSymbol("v", 3, 1)
bad = Claim(
    id="mine.shape.bad", title="t", source="s",
    statement=Identity(W * v, v),
    domain={W: domains.general(), v: domains.vector()})
"""
    path = write(tmp_path, "shape.py", text)
    with pytest.raises(ClaimDefinitionError) as err:
        load_path(path)
    assert str(err.value) == (
        f"{path}:11: claim 'mine.shape.bad': W*v is ill-formed: W is 3 x 2 and v is 3 x 1 (inner dimensions 2 and 3 "
        "differ), so SymPy cannot build the formula; write W.T*v if that was meant, else fix the dimensions")


def test_shape_error_in_a_helper_names_the_helper_line_and_the_claim(tmp_path):
    write(tmp_path, "_layers.py", "def layer(W, x):\n    return W * x\n")
    text = CLAIM.format(name="ok", cid="mine.shape.ok") + f"""
import sys
sys.path.insert(0, {str(tmp_path)!r})
from _layers import layer
W = sp.MatrixSymbol("W", 3, 2)
v = sp.MatrixSymbol("v", 3, 1)
bad = Claim(id="mine.shape.bad", title="t", source="s", statement=Identity(layer(W, v), v),
            domain={{W: domains.general(), v: domains.vector()}})
"""
    path = write(tmp_path, "uses.py", text)
    try:
        with pytest.raises(ClaimDefinitionError) as err:
            load_path(path)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("_layers", None)
    assert str(err.value).startswith(f"{tmp_path / '_layers.py'}:2: claim 'mine.shape.bad': W*v is ill-formed")
