"""Loading claim files and selecting claims."""

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
    msg = str(err.value)
    assert "duplicate claim id 'mine.dup.x'" in msg and "a.py:5" in msg and "b.py:5" in msg and "rename" in msg


def test_syntax_error_names_file_and_line(tmp_path):
    bad = write(tmp_path, "bad.py", "x = (\n")
    with pytest.raises(ClaimDefinitionError, match=r"bad\.py:\d+: syntax error"):
        load_path(bad)


def test_exception_in_claim_file_names_line(tmp_path):
    bad = write(tmp_path, "boom.py", "import sympy\n\nundefined_name + 1\n")
    with pytest.raises(ClaimDefinitionError, match=r"boom\.py:3: importing the claim file raised NameError"):
        load_path(bad)


def test_missing_path():
    with pytest.raises(ClaimDefinitionError, match=r"no such file or folder"):
        load_path("/nonexistent/claims.py")
