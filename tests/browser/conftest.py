"""Fixtures for journeys in Debian's Chromium against a live gunicorn with a fresh database.

Without /usr/bin/chromium the journeys are skipped, unless FTS_REQUIRE_BROWSER=1 (CI), where
they fail instead. axe's findings for every page are printed at the end of the run and written
to test-artifacts/axe-report.md (tests/browser/axe_report.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.browser.axe_report import AXE_RESULTS
from tests.browser.checks import ARTIFACTS, DESKTOP, PageChecks
from tests.browser.server import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: generous for a loaded 2-core machine, yet a broken page fails in seconds, not minutes
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep each journey module on one pytest-xdist worker, so it starts one live server."""
    for item in items:
        if item.path.parent == Path(__file__).parent:
            item.add_marker(pytest.mark.xdist_group(item.path.stem))


def require_chromium() -> None:
    """Skip without Chromium, or fail when the run was told browsers are required."""
    if CHROMIUM.exists():
        return
    message = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("FTS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"FTS_REQUIRE_BROWSER=1 but {message}", pytrace=False)
    pytest.skip(f"browser journeys skipped: {message}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, with nothing that calls out to the network."""
    require_chromium()
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGUMENTS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def demo_cases() -> int:
    """How many demo cases to seed before the server starts; a journey module may override."""
    return 0


@pytest.fixture(scope="module")
def live_server(
    request: pytest.FixtureRequest,
    browser: Browser,
    tmp_path_factory: pytest.TempPathFactory,
    demo_cases: int,
) -> Iterator[LiveServer]:
    """The service on a free port, with its own instance folder and a migrated database.

    gunicorn's log is kept in test-artifacts/ for reading after a failure.
    """
    server = LiveServer(tmp_path_factory.mktemp("instance"))
    server.flask("db", "upgrade")
    if demo_cases:
        server.flask("demo", "seed", "--cases", str(demo_cases))
    try:
        server.start()
        yield server
    finally:
        server.stop()
        ARTIFACTS.mkdir(exist_ok=True)
        journey = request.module.__name__.rsplit(".", 1)[-1]
        (ARTIFACTS / f"server-{journey}.log").write_text(server.log())


@pytest.fixture
def new_person(browser: Browser, live_server: LiveServer) -> Iterator[Callable[[], Page]]:
    """Open a page in a separate browser profile, one per person in a journey."""
    contexts: list[BrowserContext] = []

    def _open() -> Page:
        made = browser.new_context(base_url=live_server.base_url, viewport=DESKTOP)
        made.set_default_timeout(TIMEOUT_MS)
        contexts.append(made)
        return made.new_page()

    yield _open
    for made in contexts:
        made.close()


@pytest.fixture
def check_page(request: pytest.FixtureRequest) -> PageChecks:
    """Check a page: axe (WCAG 2.2 AA), fits 320 px, screenshots; findings go in the report."""
    journey = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_journey_")
    return PageChecks(journey, request.config.stash[AXE_RESULTS])
