import os

import pytest

from verify.jaxsetup import configure

# float64 and the compile settings, set once at the edge (the CLI does the same).
configure()


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: per-claim checks over full size ranges; run with DLVERIFY_SLOW=1")


def pytest_collection_modifyitems(config, items):
    # `dlverify run all` checks the whole registry; these per-claim repeats are opt-in
    if os.environ.get("DLVERIFY_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow per-claim check; set DLVERIFY_SLOW=1 to run")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _own_result_cache(tmp_path_factory, monkeypatch):
    """Each test gets an empty result cache of its own (CLI runs in-process and child processes
    read DLVERIFY_CACHE_DIR): a result stored by one test must not decide another's, and the
    repository's own .dlverify_cache is never touched.  Tests of the cache pass folders explicitly."""
    monkeypatch.setenv("DLVERIFY_CACHE_DIR", str(tmp_path_factory.mktemp("result-cache")))
