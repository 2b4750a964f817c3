"""What every page of a journey must pass: axe to WCAG 2.2 AA, 320 px reflow, and screenshots."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.browser.server import REPOSITORY_ROOT

WCAG_22_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_22_AA_TAGS}, "resultTypes": ["violations"]}
BLOCKING_IMPACTS = ("critical", "serious")
DESKTOP = {"width": 1280, "height": 900}
NARROWEST = {"width": 320, "height": 640}
ARTIFACTS = REPOSITORY_ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
EXCEPTIONS_FILE = Path(__file__).with_name("AXE_EXCEPTIONS.md")
#: a table row of AXE_EXCEPTIONS.md: | `rule-id` | `/path/prefix` | reason |
EXCEPTION_ROW = re.compile(r"^\|\s*`([a-z0-9-]+)`\s*\|\s*`([^`]+)`\s*\|\s*(\S.*?)\s*\|\s*$")

axe = Axe()


@dataclass(frozen=True)
class PageResult:
    """axe's findings on one page of one journey, counted by impact."""

    journey: str
    page: str
    view: str
    counts: dict[str, int]
    lesser_ids: tuple[str, ...]

    def summary(self) -> str:
        """Return the one-line summary printed at the end of the run."""
        ids = f" ({', '.join(self.lesser_ids)})" if self.lesser_ids else ""
        counts = self.counts
        return (
            f"axe {self.page} ({self.view}): {counts['critical']} critical, "
            f"{counts['serious']} serious, {counts['moderate']} moderate{ids}, "
            f"{counts['minor']} minor"
        )


def accepted_exceptions(text: str) -> list[tuple[str, str]]:
    """Return (rule id, page prefix) pairs listed with a reason in AXE_EXCEPTIONS.md."""
    return [
        (match.group(1), match.group(2))
        for line in text.splitlines()
        if (match := EXCEPTION_ROW.match(line))
    ]


def is_accepted(rule: str, page: str, exceptions: list[tuple[str, str]]) -> bool:
    """Tell whether a non-blocking violation is listed for this page."""
    return any(rule == listed and page.startswith(prefix) for listed, prefix in exceptions)


def page_path(page: Page) -> str:
    """Return the path and query of the page shown."""
    parts = urlsplit(page.url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def describe(violations: list[dict]) -> str:
    """Spell out violations so a failure says what to fix and where."""
    lines = []
    for violation in violations:
        targets = "; ".join(", ".join(node["target"]) for node in violation["nodes"][:5])
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} at {targets}"
        )
    return "\n".join(lines)


class PageChecks:
    """Run the per-page checks for one journey and remember axe's findings for the report."""

    def __init__(self, journey: str, results: list[PageResult]) -> None:
        self.journey = journey
        self.results = results
        self.exceptions = accepted_exceptions(EXCEPTIONS_FILE.read_text())
        self.checked: set[str] = set()

    def __call__(self, page: Page, view: str) -> None:
        """Check the page as it is now, once per `view`, which names what it shows."""
        if view in self.checked:
            return
        self.checked.add(view)
        self.check_accessibility(page, view)
        self.check_reflow(page, view)

    def check_accessibility(self, page: Page, view: str) -> None:
        """Fail on any serious or critical violation, or a lesser one not listed as accepted."""
        violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
        counts = {impact: 0 for impact in ("critical", "serious", "moderate", "minor")}
        for violation in violations:
            counts[violation["impact"] or "minor"] += 1
        lesser = [v for v in violations if v["impact"] not in BLOCKING_IMPACTS]
        path = page_path(page)
        label = f"{path} ({view})"
        ids = tuple(sorted({v["id"] for v in lesser}))
        self.results.append(PageResult(self.journey, path, view, counts, ids))
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, f"axe on {label}:\n{describe(blocking)}"
        unlisted = [v for v in lesser if not is_accepted(v["id"], path, self.exceptions)]
        assert not unlisted, (
            f"axe on {label}: fix these or list them with a reason in {EXCEPTIONS_FILE.name}:\n"
            f"{describe(unlisted)}"
        )

    def check_reflow(self, page: Page, view: str) -> None:
        """Screenshot at desktop width, then check the page fits 320 px without sideways scroll."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{self.journey}-{view}-desktop.png", full_page=True)
        page.set_viewport_size(NARROWEST)
        try:
            width = page.evaluate("document.documentElement.scrollWidth")
            page.screenshot(path=SCREENSHOTS / f"{self.journey}-{view}-mobile.png", full_page=True)
        finally:
            page.set_viewport_size(DESKTOP)
        assert width <= NARROWEST["width"], (
            f"{page_path(page)} ({view}) is {width}px wide at 320px: it scrolls sideways"
        )


def write_report(results: list[PageResult], path: Path) -> None:
    """Write the per-page axe table as Markdown."""
    rows = [
        "| journey | page | view | critical | serious | moderate | minor | moderate/minor rules |",
        "|---|---|---|---|---|---|---|---|",
    ]
    rows += [
        f"| {r.journey} | `{r.page}` | {r.view} | {r.counts['critical']} | {r.counts['serious']} | "
        f"{r.counts['moderate']} | {r.counts['minor']} | {', '.join(r.lesser_ids) or '–'} |"
        for r in results
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    title = f"# axe results (WCAG 2.2 AA tags: {', '.join(WCAG_22_AA_TAGS)})"
    path.write_text("\n".join([title, "", *rows, ""]))
