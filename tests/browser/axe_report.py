"""Gather axe's findings from every test process and report them once at the end of the run.

Loaded from tests/conftest.py so the hooks run in the controlling process too: under
pytest-xdist the journeys run in workers, which hand their findings back when they finish.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pytest

from tests.browser.checks import ARTIFACTS, PageResult, write_report

AXE_RESULTS = pytest.StashKey[list[PageResult]]()


def pytest_configure(config: pytest.Config) -> None:
    """Start an empty list for axe's findings."""
    config.stash[AXE_RESULTS] = []


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In a worker, hand this process's findings to the controlling process."""
    worker_output = getattr(session.config, "workeroutput", None)
    if worker_output is not None:
        worker_output["axe_results"] = [
            asdict(result) for result in session.config.stash[AXE_RESULTS]
        ]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """In the controlling process, keep a finished worker's findings (node: xdist's worker)."""
    for row in getattr(node, "workeroutput", {}).get("axe_results", []):
        row["lesser_ids"] = tuple(row["lesser_ids"])
        node.config.stash[AXE_RESULTS].append(PageResult(**row))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print one line per page checked by axe and write the table as Markdown."""
    if getattr(terminalreporter.config, "workeroutput", None) is not None:
        return
    results = sorted(
        terminalreporter.config.stash.get(AXE_RESULTS, []), key=lambda r: (r.journey, r.page)
    )
    if not results:
        return
    terminalreporter.section("axe (WCAG 2.2 AA) per page")
    for result in results:
        terminalreporter.write_line(f"[{result.journey}] {result.summary()}")
    report = ARTIFACTS / "axe-report.md"
    write_report(results, report)
    terminalreporter.write_line(f"Table written to {report}")
