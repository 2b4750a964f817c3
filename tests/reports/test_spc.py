import pytest

from fts_app.reports.spc import (
    HigherIs,
    NotEnoughData,
    SpecialCauseRule,
    Variation,
    XmrChart,
    xmr,
)

OUTSIDE = SpecialCauseRule.OUTSIDE_LIMITS
RUN = SpecialCauseRule.RUN_OF_7_SAME_SIDE
TREND = SpecialCauseRule.TREND_OF_7
NEAR = SpecialCauseRule.TWO_OF_THREE_NEAR_LIMIT

# Alternating 10 and 12 then a last value; 11 moving ranges: ten of 2 and the jump to the last.
SPIKE_TO_24 = [10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 24]
SPIKE_TO_2 = [10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 2]


def chart_of(values: list[float], **options: object) -> XmrChart:
    return xmr([(f"P{number}", value) for number, value in enumerate(values, 1)], **options)


def flagged(chart: XmrChart, rule: SpecialCauseRule) -> list[int]:
    return [index for index, point in enumerate(chart.points) if rule in point.signals]


def test_limits_are_the_mean_plus_or_minus_2_66_mean_moving_ranges() -> None:
    # values 9, 10, 11, 14, 12, 13, 12, 11, 15, 14, 10, 13 add up to 144: mean 144 / 12 = 12
    # moving ranges 1, 1, 3, 2, 1, 1, 1, 4, 1, 4, 3 add up to 22: mean moving range 22 / 11 = 2
    # limits 12 ± 2.66 × 2 = 12 ± 5.32: lower 6.68, upper 17.32
    chart = chart_of([9, 10, 11, 14, 12, 13, 12, 11, 15, 14, 10, 13])

    assert chart.mean == pytest.approx(12)
    assert chart.mean_moving_range == pytest.approx(2)
    assert chart.lower_limit == pytest.approx(6.68)
    assert chart.upper_limit == pytest.approx(17.32)
    assert [point.moving_range for point in chart.points] == [
        None, 1, 1, 3, 2, 1, 1, 1, 4, 1, 4, 3,
    ]  # fmt: skip
    assert not chart.has_special_cause
    assert {point.variation for point in chart.points} == {Variation.COMMON_CAUSE}


def test_points_keep_their_labels_and_order() -> None:
    chart = xmr([("2026-27-Q1", 4), ("2026-27-Q2", 9), ("2026-27-Q3", 6)])

    assert [(point.label, point.value) for point in chart.points] == [
        ("2026-27-Q1", 4.0),
        ("2026-27-Q2", 9.0),
        ("2026-27-Q3", 6.0),
    ]


@pytest.mark.parametrize(
    ("rule", "values", "expected"),
    [
        # mean 144 / 12 = 12; moving ranges 10 × 2 + 14 = 34, mean 34 / 11 = 3.09;
        # upper limit 12 + 2.66 × 3.09 = 20.22, and 24 is above it
        pytest.param(OUTSIDE, SPIKE_TO_24, [11], id="outside-above"),
        # mean 122 / 12 = 10.17; moving ranges 10 × 2 + 8 = 28, mean 2.55;
        # lower limit 10.17 - 6.77 = 3.40, and 2 is below it
        pytest.param(OUTSIDE, SPIKE_TO_2, [11], id="outside-below"),
        # mean 138 / 12 = 11.5; moving ranges 10 × 2 + 8 = 28, mean 2.55;
        # upper limit 11.5 + 6.77 = 18.27, and 18 is just inside it
        pytest.param(
            OUTSIDE, [10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 18], [], id="just-inside"
        ),
        # mean 173 / 16 = 10.81: the seven points 13, 11, 13, 11, 13, 11, 13 are all above it
        pytest.param(
            RUN,
            [8, 12, 8, 12, 8, 12, 8, 13, 11, 13, 11, 13, 11, 13, 8, 12],
            [7, 8, 9, 10, 11, 12, 13],
            id="run-of-7",
        ),
        # mean 160 / 15 = 10.67: only six points in a row are above it
        pytest.param(
            RUN, [8, 12, 8, 12, 8, 12, 8, 13, 11, 13, 11, 13, 11, 8, 12], [], id="run-of-6"
        ),
        # mean 121 / 11 = 11: the 11 in the middle sits on the mean and splits the run
        pytest.param(
            RUN, [7, 11, 12, 13, 12, 11, 12, 13, 12, 7, 11], [], id="run-broken-by-the-mean"
        ),
        pytest.param(
            TREND,
            [10, 12, 9, 11, 10, 11, 12, 13, 14, 15, 16, 11, 10, 12],
            [4, 5, 6, 7, 8, 9, 10],
            id="seven-rising",
        ),
        pytest.param(
            TREND, [12, 16, 15, 14, 13, 12, 11, 10, 14, 12], [1, 2, 3, 4, 5, 6, 7], id="falling"
        ),
        pytest.param(
            TREND, [10, 12, 9, 11, 10, 11, 12, 13, 14, 15, 11, 10, 12], [], id="six-rising"
        ),
        pytest.param(
            TREND,
            [10, 12, 9, 11, 10, 11, 12, 12, 13, 14, 15, 16, 11, 10, 12],
            [],
            id="trend-broken-by-an-equal-value",
        ),
        # mean 168 / 16 = 10.5; moving ranges add up to 26, mean 26 / 15 = 1.73;
        # upper limit 10.5 + 4.61 = 15.11, two thirds of the way 10.5 + 3.07 = 13.57:
        # the two 14s are close to the limit and two of three in a row
        pytest.param(
            NEAR,
            [10, 11, 10, 9, 10, 11, 10, 9, 10, 11, 14, 10, 14, 10, 9, 10],
            [10, 12],
            id="two-of-three",
        ),
        # the same mean; moving ranges add up to 25, mean 1.67, two thirds of the way 13.46:
        # the two 14s are close to the limit but four points apart
        pytest.param(
            NEAR,
            [10, 11, 10, 9, 10, 11, 10, 9, 10, 11, 14, 10, 10, 14, 10, 9],
            [],
            id="two-of-four",
        ),
        # mean 10, two thirds of the way 12.99 above and 7.01 below: 14 and 6 are close to
        # different limits
        pytest.param(
            NEAR,
            [10, 11, 10, 9, 10, 11, 10, 9, 10, 11, 10, 9, 10, 11, 10, 9, 14, 10, 6, 10],
            [],
            id="close-to-opposite-limits",
        ),
    ],
)
def test_special_cause_rules_mark_the_points_that_trigger_them(
    rule: SpecialCauseRule, values: list[float], expected: list[int]
) -> None:
    assert flagged(chart_of(values), rule) == expected


@pytest.mark.parametrize(
    ("values", "higher_is", "expected"),
    [
        (SPIKE_TO_24, "better", Variation.IMPROVEMENT),
        (SPIKE_TO_24, "worse", Variation.CONCERN),
        (SPIKE_TO_24, "neither", Variation.NEITHER),
        (SPIKE_TO_2, HigherIs.BETTER, Variation.CONCERN),
        (SPIKE_TO_2, HigherIs.WORSE, Variation.IMPROVEMENT),
        (SPIKE_TO_2, HigherIs.NEITHER, Variation.NEITHER),
    ],
)
def test_special_cause_is_an_improvement_or_a_concern_by_which_way_is_better(
    values: list[float], higher_is: str, expected: Variation
) -> None:
    chart = chart_of(values, higher_is=higher_is)

    assert chart.points[-1].variation is expected
    assert chart.points[0].variation is Variation.COMMON_CAUSE


@pytest.mark.parametrize("higher_is", ["better", "worse"])
def test_a_point_signalling_both_ways_counts_as_a_concern(higher_is: str) -> None:
    # the first seven points rise (a high signal) while staying below the mean (a low signal)
    chart = chart_of([1, 2, 3, 4, 5, 6, 7, 20, 20, 20, 20, 20, 20], higher_is=higher_is)

    assert {TREND, RUN} <= set(chart.points[0].signals)
    assert chart.points[0].variation is Variation.CONCERN


def test_case_counts_default_to_neither_direction() -> None:
    assert chart_of(SPIKE_TO_24).points[-1].variation is Variation.NEITHER


def test_the_lower_limit_of_a_count_is_floored_at_zero() -> None:
    # mean 8 / 6 = 1.33; moving ranges 2, 3, 2, 1, 2, mean 2; lower limit 1.33 - 5.32 = -3.99
    values = [2, 0, 3, 1, 0, 2]

    assert chart_of(values).lower_limit == 0
    assert chart_of(values, floor_at_zero=False).lower_limit == pytest.approx(-3.9867, abs=1e-4)
    assert chart_of(values).upper_limit == pytest.approx(6.6533, abs=1e-4)


def test_a_chart_floored_at_zero_refuses_negative_values() -> None:
    with pytest.raises(ValueError, match="negative"):
        chart_of([3, -1, 2])


def test_unfloored_charts_accept_negative_values() -> None:
    assert chart_of([3, -1, 2], floor_at_zero=False).mean == pytest.approx(4 / 3)


@pytest.mark.parametrize("points", [[], [("2026-27-Q1", 4)]])
def test_fewer_than_two_points_are_not_enough(points: list[tuple[str, float]]) -> None:
    with pytest.raises(NotEnoughData):
        xmr(points)


def test_an_unknown_direction_is_refused() -> None:
    with pytest.raises(ValueError, match="sideways"):
        chart_of([1, 2, 3], higher_is="sideways")


def test_identical_values_give_no_signals() -> None:
    chart = chart_of([5] * 10)

    assert (chart.lower_limit, chart.mean, chart.upper_limit) == (5, 5, 5)
    assert not chart.has_special_cause
