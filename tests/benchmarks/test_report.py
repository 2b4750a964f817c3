"""The report: number formats, the Markdown table, targets, results files and comparison."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.load import LoadResult
from benchmarks.report import (
    FIXED_PAGE,
    INDEXED_SELECT,
    PageResult,
    RunResults,
    check_targets,
    comparison_rows,
    format_number,
    format_ratio,
    load_results,
    markdown_table,
    page_rows,
    ratios,
    render,
    write_results,
)


def load(name: str, rps: float, p95: float = 10.0, median: float = 5.0) -> LoadResult:
    """Return a load result with the figures a test cares about."""
    return LoadResult(
        scenario=name,
        requests=int(rps * 4),
        errors=0,
        seconds=4.0,
        requests_per_second=rps,
        median_ms=median,
        p95_ms=p95,
        statuses={"200": int(rps * 4)},
    )


def page(name: str, rps: float, p95: float, fixed_rps: float = 900.0) -> PageResult:
    """Return a page measured in turn with a fixed page of `fixed_rps` and a SELECT of 600."""
    return PageResult(
        page=load(name, rps, p95),
        baselines={
            FIXED_PAGE: load(FIXED_PAGE, fixed_rps, p95=5.0),
            INDEXED_SELECT: load(INDEXED_SELECT, 600.0, p95=8.0),
        },
    )


def run(cases: int = 10_000, **fields: object) -> RunResults:
    """Return results of a run with just the given figures."""
    results = RunResults(
        started_at="2026-11-26T20:00:00Z",
        machine={"cores": "2", "python": "3.11.7"},
        settings={"cases": cases, "workers": 2},
    )
    for name, value in fields.items():
        setattr(results, name, value)
    return results


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1234.5, "1,234"),
        (100.0, "100"),
        (42.25, "42.2"),
        (10.0, "10.0"),
        (3.14159, "3.14"),
        (0.004, "0.00"),
    ],
)
def test_figures_get_fewer_decimals_the_larger_they_are(value: float, shown: str) -> None:
    assert format_number(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0.3333, "0.33×"), (2.0, "2.00×"), (52.216, "52.22×"), (0.0158, "0.016×"), (None, "–")],
)
def test_ratios_keep_two_significant_digits_and_a_dash_without_a_baseline(
    value: float | None, shown: str
) -> None:
    assert format_ratio(value) == shown


def test_the_markdown_table_pads_columns_and_right_aligns_all_but_the_first() -> None:
    table = markdown_table(["page", "req/s"], [["portal form", "12.5"], ["dashboard", "1,234"]])

    assert table.splitlines() == [
        "| page        | req/s |",
        "|-------------|------:|",
        "| portal form |  12.5 |",
        "| dashboard   | 1,234 |",
    ]


def test_each_page_is_divided_by_the_baselines_measured_in_turn_with_it() -> None:
    results = run(pages=[page("portal form", 300.0, p95=20.0, fixed_rps=900.0)])

    row = page_rows(results)[-1]

    assert row[:4] == ["portal form", "300", "0.33×", "0.50×"]
    assert row[6] == "4.00×"


def test_the_baseline_rows_give_their_median_over_all_pages() -> None:
    results = run(
        pages=[
            page("a", 100.0, 20.0, fixed_rps=800.0),
            page("b", 100.0, 20.0, fixed_rps=1000.0),
            page("c", 100.0, 20.0, fixed_rps=900.0),
        ]
    )

    fixed_row, select_row = page_rows(results)[:2]

    assert fixed_row[:4] == [FIXED_PAGE, "900", "1.00×", "1.50×"]
    assert select_row[:4] == [INDEXED_SELECT, "600", "0.67×", "1.00×"]


@pytest.mark.parametrize(
    ("cases", "p95", "met"),
    [(10_000, 99.0, True), (10_000, 101.0, False), (100_000, 149.0, True), (100_000, 151.0, False)],
)
def test_interactive_pages_must_answer_within_100_ms_at_10000_cases_and_150_at_100000(
    cases: int, p95: float, met: bool
) -> None:
    results = run(cases, pages=[page("case page, 50 events", 400.0, p95)])

    latency = [check for check in check_targets(results) if "p95" in check.target]

    assert [check.met for check in latency] == [met]


@pytest.mark.parametrize(("rps", "met"), [(300.0, True), (299.0, False)])
def test_interactive_pages_must_keep_a_third_of_the_fixed_page_throughput(
    rps: float, met: bool
) -> None:
    results = run(pages=[page("dashboard, first page", rps, 10.0, fixed_rps=900.0)])

    throughput = [check for check in check_targets(results) if "req/s" in check.target]

    assert [check.met for check in throughput] == [met]


@pytest.mark.parametrize(
    ("name", "p95", "met"),
    [
        ("board report", 999.0, True),
        ("board report", 1001.0, False),
        ("board report CSV", 499.0, True),
        ("board report CSV", 501.0, False),
    ],
)
def test_the_board_report_has_its_own_latency_bounds_and_no_throughput_bound(
    name: str, p95: float, met: bool
) -> None:
    checks = check_targets(run(pages=[page(name, 5.0, p95)]))

    assert [check.met for check in checks] == [met]


def test_pages_without_a_target_are_not_checked() -> None:
    assert check_targets(run(pages=[page("board report PDF", 2.0, 3000.0)])) == []


@pytest.mark.parametrize(
    ("fields", "met"),
    [
        ({"operations": {"rotate keys": 59.0}}, True),
        ({"operations": {"rotate keys": 61.0}}, False),
        ({"memory_mb": {"fts_app": 199.0}}, True),
        ({"memory_mb": {"fts_app": 201.0}}, False),
        ({"encryption": {"submissions": 500, "with_seconds": 1.19, "without_seconds": 1.0}}, True),
        ({"encryption": {"submissions": 500, "with_seconds": 1.21, "without_seconds": 1.0}}, False),
    ],
)
def test_rotation_memory_and_encryption_targets(fields: dict[str, object], met: bool) -> None:
    assert [check.met for check in check_targets(run(**fields))] == [met]


def test_every_ratio_is_named_for_comparison_between_runs() -> None:
    results = run(
        pages=[page("portal form", 300.0, 20.0)],
        operations={"rotate keys": 6.0},
        operations_baseline_seconds=2.0,
        memory_mb={FIXED_PAGE: 50.0, "fts_app": 150.0},
        encryption={"submissions": 10, "with_seconds": 1.1, "without_seconds": 1.0},
    )

    assert ratios(results) == pytest.approx(
        {
            "portal form: req/s ÷ fixed page": 1 / 3,
            "portal form: req/s ÷ indexed SELECT": 0.5,
            "portal form: p95 ÷ fixed page": 4.0,
            "rotate keys: time ÷ SELECT baseline": 3.0,
            "fts_app: memory ÷ fixed page": 3.0,
            "submission: with ÷ without encryption": 1.1,
        }
    )


def test_comparison_shows_each_shared_ratio_before_and_now_with_the_change() -> None:
    earlier = run(pages=[page("portal form", 300.0, 20.0), page("gone", 1.0, 1.0)])
    now = run(pages=[page("portal form", 450.0, 10.0), page("new", 1.0, 1.0)])

    rows = {row[0]: row[1:] for row in comparison_rows(earlier, now)}

    assert rows["portal form: req/s ÷ fixed page"] == ["0.33×", "0.50×", "+50%"]
    assert rows["portal form: p95 ÷ fixed page"] == ["4.00×", "2.00×", "-50%"]
    assert not any(name.startswith(("gone", "new")) for name in rows)


def test_results_are_written_as_markdown_with_a_json_sidecar_and_read_back(tmp_path: Path) -> None:
    results = run(
        pages=[page("portal form", 300.0, 20.0)],
        operations={"rotate keys": 6.0},
        memory_mb={"fts_app": 150.0},
        notes=["board report not measured"],
    )

    written = write_results(results, render(results), tmp_path / "bench-results")

    assert written.name == "20261126T200000Z.md"
    assert "| portal form" in written.read_text()
    assert load_results(written) == results
    assert load_results(written.with_suffix(".json")) == results


def test_the_report_names_the_machine_and_compares_with_an_earlier_run() -> None:
    earlier = run(pages=[page("portal form", 300.0, 20.0)])
    now = run(pages=[page("portal form", 450.0, 20.0)])

    text = render(now, earlier)

    assert "- cores: 2" in text
    assert "## Compared with the run of 2026-11-26T20:00:00Z" in text
    assert "+50%" in text
