"""The load generator's own logic: percentiles, summaries, cookies, forms and its job format."""

from __future__ import annotations

import pytest

from benchmarks.load import (
    LoadError,
    LoadPlan,
    Sample,
    Scenario,
    Target,
    csrf_token,
    decode_job,
    encode_job,
    percentile,
    summarise,
    updated_cookies,
    with_fresh_fields,
)


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [
        ([7.0], 0.5, 7.0),
        ([7.0], 0.95, 7.0),
        ([1.0, 2.0, 3.0], 0.5, 2.0),
        ([3.0, 1.0, 2.0], 0.5, 2.0),
        ([1.0, 2.0, 3.0, 4.0], 0.5, 2.5),
        ([1.0, 2.0, 3.0, 4.0], 0.0, 1.0),
        ([1.0, 2.0, 3.0, 4.0], 1.0, 4.0),
        ([float(n) for n in range(1, 101)], 0.95, 95.05),
        ([10.0, 20.0], 0.95, 19.5),
    ],
)
def test_percentile_interpolates_between_the_nearest_ranks(
    values: list[float], fraction: float, expected: float
) -> None:
    assert percentile(values, fraction) == pytest.approx(expected)


@pytest.mark.parametrize(("values", "fraction"), [([], 0.5), ([1.0], 1.5), ([1.0], -0.1)])
def test_percentile_refuses_no_values_or_a_fraction_outside_zero_to_one(
    values: list[float], fraction: float
) -> None:
    with pytest.raises(ValueError):
        percentile(values, fraction)


def test_summary_gives_throughput_over_the_measured_seconds_and_latencies_in_ms() -> None:
    samples = [
        Sample(started=float(n), finished=n + 0.010 * (n + 1), status=200) for n in range(10)
    ]

    result = summarise("page", samples, (200,), seconds=4.0)

    assert result.requests == 10
    assert result.requests_per_second == pytest.approx(2.5)
    assert result.median_ms == pytest.approx(55.0)
    assert result.p95_ms == pytest.approx(95.5)
    assert result.errors == 0


def test_summary_counts_every_unexpected_status_as_an_error_and_tallies_statuses() -> None:
    statuses = [200, 302, 400, 0, 200]
    samples = [Sample(0.0, 0.1, status) for status in statuses]

    result = summarise("form", samples, (200, 302), seconds=1.0)

    assert result.errors == 2
    assert result.statuses == {"200": 2, "302": 1, "400": 1, "0": 1}


def test_summary_of_no_samples_is_an_error_naming_the_scenario() -> None:
    with pytest.raises(LoadError, match="dashboard"):
        summarise("dashboard", [], (200,), seconds=1.0)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["session=abc; HttpOnly; Path=/"], {"session": "abc", "theme": "dark"}),
        (["new=1; Path=/"], {"session": "old", "theme": "dark", "new": "1"}),
        (["session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/"], {"theme": "dark"}),
        (["session=gone; Max-Age=0; Path=/"], {"theme": "dark"}),
        ([], {"session": "old", "theme": "dark"}),
    ],
)
def test_set_cookie_headers_set_replace_or_delete_cookies(
    headers: list[str], expected: dict[str, str]
) -> None:
    assert updated_cookies({"session": "old", "theme": "dark"}, headers) == expected


def test_csrf_token_is_read_from_a_rendered_form() -> None:
    page = b'<form><input id="csrf_token" name="csrf_token" type="hidden" value="Ab.c-1"></form>'

    assert csrf_token(page) == "Ab.c-1"


def test_a_page_without_a_csrf_token_is_a_load_error() -> None:
    with pytest.raises(LoadError, match="CSRF"):
        csrf_token(b"<p>Page not found</p>")


def test_fresh_fields_get_a_new_value_each_time_and_the_rest_stay() -> None:
    scenario = Scenario("submit", "/form", method="POST", fresh_fields=("form_id",))
    form = {"narrative": "words", "form_id": "first"}

    one = with_fresh_fields(form, scenario)
    two = with_fresh_fields(form, scenario)

    assert one is not None and two is not None
    assert one["narrative"] == two["narrative"] == "words"
    assert len({form["form_id"], one["form_id"], two["form_id"]}) == 3


def test_a_job_survives_the_trip_to_the_load_process() -> None:
    plan = LoadPlan(connections=2, rounds=4, warmup_seconds=0.25, seconds=2.0, max_requests=10)
    targets = [
        Target(8001, Scenario("fixed page", "/")),
        Target(
            8002,
            Scenario(
                "submit",
                "/form",
                method="POST",
                cookies={"session": "x"},
                form={"a": "b"},
                form_page="/form",
                fresh_fields=("form_id",),
                expected_status=(200, 302),
            ),
        ),
    ]

    assert decode_job(encode_job(plan, targets)) == (plan, targets)


def test_a_plan_splits_its_seconds_over_its_rounds_and_bounds_the_whole_job() -> None:
    plan = LoadPlan(rounds=3, warmup_seconds=0.5, seconds=4.5)

    assert plan.burst_seconds == pytest.approx(1.5)
    assert plan.time_bound(targets=3) == pytest.approx(3 * 3 * 2.0 + 60.0)
