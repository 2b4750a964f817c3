"""Results of a run: Markdown tables, targets, the results files, and comparison with a past run."""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.load import LoadResult

FIXED_PAGE = "fixed page"
INDEXED_SELECT = "indexed SELECT"
BASELINES = (FIXED_PAGE, INDEXED_SELECT)
#: the scenarios whose throughput and latency the targets bound
INTERACTIVE_PAGES = (
    "portal form",
    "portal submission",
    "dashboard, first page",
    "dashboard, filtered",
    "case page, 50 events",
)
#: the board report's bounds hold at 100,000 cases; smaller databases are held to them too
BOARD_REPORT_LIMITS_MS = {"board report": 1000.0, "board report CSV": 500.0}
MIN_SHARE_OF_FIXED_PAGE = 1 / 3
ROTATION_LIMIT_SECONDS = 60.0
MEMORY_LIMIT_MB = 200.0
ENCRYPTION_OVERHEAD_LIMIT_PERCENT = 20.0
APP = "fts_app"
ROTATE_KEYS = "rotate keys"


@dataclass(frozen=True)
class PageResult:
    """A page under load, and each baseline as measured in turn with it."""

    page: LoadResult
    baselines: dict[str, LoadResult]

    @property
    def name(self) -> str:
        """Return the page's scenario name."""
        return self.page.scenario

    def throughput_ratio(self, baseline: str) -> float | None:
        """Return the page's requests per second ÷ the baseline's."""
        other = self.baselines.get(baseline)
        return ratio(self.page.requests_per_second, other and other.requests_per_second)

    def latency_ratio(self, baseline: str) -> float | None:
        """Return the page's 95th-percentile latency ÷ the baseline's."""
        other = self.baselines.get(baseline)
        return ratio(self.page.p95_ms, other and other.p95_ms)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PageResult:
        """Rebuild a page result from its JSON form."""
        return cls(
            page=LoadResult.from_dict(data["page"]),
            baselines={
                name: LoadResult.from_dict(result) for name, result in data["baselines"].items()
            },
        )


@dataclass
class RunResults:
    """Everything one run measured, as written to the JSON sidecar."""

    started_at: str
    machine: dict[str, str]
    settings: dict[str, Any]
    pages: list[PageResult] = field(default_factory=list)
    #: operation name -> wall-clock seconds of the whole command
    operations: dict[str, float] = field(default_factory=dict)
    #: seconds for as many single indexed SELECTs as there are cases, in one process
    operations_baseline_seconds: float | None = None
    #: server name -> the largest peak resident memory of any of its workers, in MB
    memory_mb: dict[str, float] = field(default_factory=dict)
    #: submissions, with_seconds, without_seconds of the in-process encryption comparison
    encryption: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def cases(self) -> int:
        """Return how many cases the database held."""
        return int(self.settings["cases"])

    def to_json(self) -> str:
        """Return the results as JSON."""
        return json.dumps(asdict(self), indent=2)

    @classmethod
    def from_json(cls, text: str) -> RunResults:
        """Rebuild results from `to_json`'s text."""
        data = json.loads(text)
        data["pages"] = [PageResult.from_dict(result) for result in data["pages"]]
        return cls(**data)


@dataclass(frozen=True)
class TargetCheck:
    """One target of the issue, what was measured against it, and whether it was met."""

    target: str
    measured: str
    met: bool


def format_number(value: float) -> str:
    """Format a figure with as many decimals as its size deserves."""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def format_ratio(value: float | None) -> str:
    """Format a ratio to a baseline with two significant digits at least, or a dash if none."""
    if value is None:
        return "–"
    if abs(value) >= 0.1:
        return f"{value:.2f}×"
    return f"{value:.2g}×"


def ratio(value: float, baseline: float | None) -> float | None:
    """Return value ÷ baseline, or None when there is no usable baseline."""
    if not baseline:
        return None
    return value / baseline


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    """Return a Markdown table; columns after the first are right-aligned figures."""
    widths = [max(len(row[column]) for row in [headers, *rows]) for column in range(len(headers))]

    def line(cells: list[str]) -> str:
        padded = [
            cell.ljust(width) if column == 0 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "| " + " | ".join(padded) + " |"

    # each cell is padded by one space either side; a colon at the end aligns a column right
    rule = ["-" * (width + 1) + (":" if column else "-") for column, width in enumerate(widths)]
    return "\n".join([line(headers), "|" + "|".join(rule) + "|"] + [line(row) for row in rows])


def typical_baseline(results: RunResults, name: str) -> LoadResult | None:
    """Return a baseline's median figures over all the times it was measured."""
    runs = [page.baselines[name] for page in results.pages if name in page.baselines]
    if not runs:
        return None
    return LoadResult(
        scenario=name,
        requests=sum(run.requests for run in runs),
        errors=sum(run.errors for run in runs),
        seconds=sum(run.seconds for run in runs),
        requests_per_second=statistics.median(run.requests_per_second for run in runs),
        median_ms=statistics.median(run.median_ms for run in runs),
        p95_ms=statistics.median(run.p95_ms for run in runs),
        statuses={},
    )


def page_row(
    result: LoadResult, throughput: list[float | None], latency: float | None
) -> list[str]:
    """Return one row of the pages table."""
    return [
        result.scenario,
        format_number(result.requests_per_second),
        *(format_ratio(value) for value in throughput),
        format_number(result.median_ms),
        format_number(result.p95_ms),
        format_ratio(latency),
        str(result.errors),
    ]


def page_rows(results: RunResults) -> list[list[str]]:
    """Return the baselines' typical rows, then one row per page with its ratios."""
    typical = {name: typical_baseline(results, name) for name in BASELINES}
    fixed = typical[FIXED_PAGE]
    rows = []
    for result in typical.values():
        if result is not None:
            throughput = [
                ratio(result.requests_per_second, other and other.requests_per_second)
                for other in typical.values()
            ]
            rows.append(page_row(result, throughput, ratio(result.p95_ms, fixed and fixed.p95_ms)))
    for page in results.pages:
        throughput = [page.throughput_ratio(name) for name in BASELINES]
        rows.append(page_row(page.page, throughput, page.latency_ratio(FIXED_PAGE)))
    return rows


PAGE_HEADERS = [
    "page",
    "req/s",
    "÷ fixed page",
    "÷ indexed SELECT",
    "median ms",
    "p95 ms",
    "p95 ÷ fixed page",
    "errors",
]


def operation_rows(results: RunResults) -> list[list[str]]:
    """Return one row per timed operation, with its ratio to the SELECT baseline."""
    baseline = results.operations_baseline_seconds
    rows = []
    if baseline is not None:
        rows.append(
            [f"{results.cases:,} indexed SELECTs (baseline)", format_number(baseline), "1.00×"]
        )
    for name, seconds in results.operations.items():
        rows.append([name, format_number(seconds), format_ratio(ratio(seconds, baseline))])
    return rows


def memory_rows(results: RunResults) -> list[list[str]]:
    """Return one row per server with its workers' peak memory and the ratio to the fixed page."""
    fixed = results.memory_mb.get(FIXED_PAGE)
    return [
        [server, format_number(megabytes), format_ratio(ratio(megabytes, fixed))]
        for server, megabytes in results.memory_mb.items()
    ]


def encryption_ratio(results: RunResults) -> float | None:
    """Return the time of encrypted submissions ÷ the same submissions with a no-op cipher."""
    if not results.encryption:
        return None
    return ratio(results.encryption["with_seconds"], results.encryption["without_seconds"])


def encryption_rows(results: RunResults) -> list[list[str]]:
    """Return the in-process comparison of a submission's write with and without encryption."""
    if not results.encryption:
        return []
    count = results.encryption["submissions"]
    return [
        [
            f"{count:,.0f} submissions (open_case)",
            format_number(results.encryption["with_seconds"] / count * 1000),
            format_number(results.encryption["without_seconds"] / count * 1000),
            format_ratio(encryption_ratio(results)),
        ]
    ]


def latency_limit_ms(cases: int) -> float:
    """Return the p95 bound of the interactive pages for a database of `cases` cases."""
    return 100.0 if cases <= 10_000 else 150.0


def page_checks(results: RunResults) -> list[TargetCheck]:
    """Check the interactive pages' throughput and latency, and the board report's latency."""
    checks: list[TargetCheck] = []
    limit = latency_limit_ms(results.cases)
    for page in results.pages:
        share = page.throughput_ratio(FIXED_PAGE)
        if page.name in INTERACTIVE_PAGES and share is not None:
            checks.append(
                TargetCheck(
                    f"{page.name}: req/s ≥ ⅓ of fixed page",
                    format_ratio(share),
                    share >= MIN_SHARE_OF_FIXED_PAGE,
                )
            )
        page_limit = (
            limit if page.name in INTERACTIVE_PAGES else BOARD_REPORT_LIMITS_MS.get(page.name)
        )
        if page_limit is not None:
            checks.append(
                TargetCheck(
                    f"{page.name}: p95 < {page_limit:.0f} ms",
                    f"{page.page.p95_ms:.0f} ms",
                    page.page.p95_ms < page_limit,
                )
            )
    return checks


def upper_bound_check(
    target: str, measured: float | None, limit: float, unit: str
) -> list[TargetCheck]:
    """Check a figure that must stay under a limit, if it was measured."""
    if measured is None:
        return []
    return [TargetCheck(f"{target} < {limit:g} {unit}", f"{measured:.1f} {unit}", measured < limit)]


def check_targets(results: RunResults) -> list[TargetCheck]:
    """Check every target the run has a figure for."""
    overhead = encryption_ratio(results)
    return [
        *page_checks(results),
        *upper_bound_check(
            "rotate keys", results.operations.get(ROTATE_KEYS), ROTATION_LIMIT_SECONDS, "s"
        ),
        *upper_bound_check(
            "encryption's share of a submission",
            None if overhead is None else (overhead - 1) * 100,
            ENCRYPTION_OVERHEAD_LIMIT_PERCENT,
            "%",
        ),
        *upper_bound_check(
            "peak memory per worker", results.memory_mb.get(APP), MEMORY_LIMIT_MB, "MB"
        ),
    ]


def ratios(results: RunResults) -> dict[str, float]:
    """Return every figure's ratio to its baseline, named, for comparison between runs."""
    found: dict[str, float | None] = {}
    for page in results.pages:
        for baseline in BASELINES:
            found[f"{page.name}: req/s ÷ {baseline}"] = page.throughput_ratio(baseline)
        found[f"{page.name}: p95 ÷ {FIXED_PAGE}"] = page.latency_ratio(FIXED_PAGE)
    for name, seconds in results.operations.items():
        found[f"{name}: time ÷ SELECT baseline"] = ratio(
            seconds, results.operations_baseline_seconds
        )
    fixed_memory = results.memory_mb.get(FIXED_PAGE)
    for server, megabytes in results.memory_mb.items():
        if server != FIXED_PAGE:
            found[f"{server}: memory ÷ {FIXED_PAGE}"] = ratio(megabytes, fixed_memory)
    found["submission: with ÷ without encryption"] = encryption_ratio(results)
    return {name: value for name, value in found.items() if value is not None}


def comparison_rows(earlier: RunResults, now: RunResults) -> list[list[str]]:
    """Return, for each ratio both runs have, its earlier and present value and the change."""
    before = ratios(earlier)
    after = ratios(now)
    return [
        [
            name,
            format_ratio(before[name]),
            format_ratio(value),
            f"{(value / before[name] - 1) * 100:+.0f}%",
        ]
        for name, value in after.items()
        if before.get(name)
    ]


def machine_lines(results: RunResults) -> list[str]:
    """Describe the machine, software versions and settings of the run."""
    settings = ", ".join(f"{name} {value}" for name, value in results.settings.items())
    return [f"- {name}: {value}" for name, value in results.machine.items()] + [
        f"- settings: {settings}"
    ]


def render(results: RunResults, earlier: RunResults | None = None) -> str:
    """Return the whole Markdown report of a run, compared with an earlier one if given."""
    sections = [
        f"# Benchmark, {results.cases:,} cases, {results.started_at}",
        "\n".join(machine_lines(results)),
        "## Pages under load\n\n" + markdown_table(PAGE_HEADERS, page_rows(results)),
    ]
    if results.operations:
        sections.append(
            "## Operations\n\n"
            + markdown_table(["operation", "seconds", "÷ SELECT baseline"], operation_rows(results))
        )
    if results.memory_mb:
        sections.append(
            "## Peak memory per worker\n\n"
            + markdown_table(["server", "MB", "÷ fixed page"], memory_rows(results))
        )
    if results.encryption:
        sections.append(
            "## Encryption cost of a submission\n\n"
            + markdown_table(
                ["write", "ms with encryption", "ms with a no-op cipher", "ratio"],
                encryption_rows(results),
            )
        )
    checks = check_targets(results)
    if checks:
        rows = [
            [check.target, check.measured, "met" if check.met else "MISSED"] for check in checks
        ]
        sections.append("## Targets\n\n" + markdown_table(["target", "measured", "result"], rows))
    if earlier is not None:
        sections.append(
            f"## Compared with the run of {earlier.started_at} ({earlier.cases:,} cases)\n\n"
            + markdown_table(
                ["ratio", "earlier", "now", "change"], comparison_rows(earlier, results)
            )
        )
    if results.notes:
        sections.append("## Notes\n\n" + "\n".join(f"- {note}" for note in results.notes))
    return "\n\n".join(sections) + "\n"


def write_results(results: RunResults, markdown: str, folder: Path) -> Path:
    """Write `<timestamp>.md` and its `<timestamp>.json` sidecar; return the Markdown file."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = results.started_at.replace(":", "").replace("-", "")
    markdown_path = folder / f"{stem}.md"
    markdown_path.write_text(markdown)
    markdown_path.with_suffix(".json").write_text(results.to_json())
    return markdown_path


def load_results(path: Path) -> RunResults:
    """Read an earlier run from its JSON sidecar, given it or its Markdown file."""
    return RunResults.from_json(path.with_suffix(".json").read_text())
