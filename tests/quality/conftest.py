"""Shared plumbing of the quality suites (tests/quality/): a report printed after the run.

The red-team suite lists every claim's verdict grouped by the engine defect it targets, and the
differential test prints how many random identities SymPy proved, disproved or left undecided.
Tests add lines with the `quality_report` fixture; they are printed in pytest's terminal summary
(so they show even without `-s`, and also when a test fails).
"""

from __future__ import annotations

import pytest

_REPORT = pytest.StashKey[dict]()


def pytest_configure(config):
    config.stash[_REPORT] = {}


@pytest.fixture(scope="session")
def quality_report(request):
    """`quality_report(title, lines)`: print `lines` under `title` at the end of the run."""

    def add(title: str, lines: list[str]) -> None:
        request.config.stash[_REPORT][title] = list(lines)

    return add


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    sections = config.stash.get(_REPORT, {})
    for title, lines in sections.items():
        terminalreporter.section(title, sep="-")
        for line in lines:
            terminalreporter.write_line(line)
