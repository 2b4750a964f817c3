"""XmR statistical process control charts in the NHS "Making Data Count" style.

The process limits are the mean plus or minus 2.66 times the mean moving range. A point shows
special cause variation when it triggers any of the rules in `SpecialCauseRule`; otherwise its
variation is common cause. Whether special cause variation is an improvement or a concern depends
on which way is better for the measure (`HigherIs`). A point can trigger rules pointing both
ways (say, the start of a rising trend that is still below the mean); it then counts as a concern,
because a board should not miss a possible concern.

Flooring the lower limit at zero only changes the limit that is published: the rules use the
calculated limits, so a count near zero cannot look close to a limit just because of the floor.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby, pairwise
from statistics import fmean

from fts_app.choices import Choice

#: Turns the mean moving range into the width of the three-sigma process limits.
LIMIT_FACTOR = 2.66
#: How many points in a row make a run or a trend.
RUN_LENGTH = 7
#: A point is close to a limit beyond this share of the distance from the mean to the limit.
NEAR_LIMIT_SHARE = 2 / 3

HIGH, LOW = 1, -1


class NotEnoughData(ValueError):
    """An XmR chart needs at least two points."""


class SpecialCauseRule(Choice):
    """The Making Data Count rules for special cause variation."""

    OUTSIDE_LIMITS = ("outside-limits", "outside the process limits")
    RUN_OF_7_SAME_SIDE = (
        "run-of-7-same-side",
        "part of a run of 7 or more points on one side of the mean",
    )
    TREND_OF_7 = ("trend-of-7", "part of 7 or more points in a row all rising or all falling")
    TWO_OF_THREE_NEAR_LIMIT = (
        "two-of-three-near-limit",
        "one of 2 out of 3 points in a row close to a process limit",
    )


class HigherIs(Choice):
    """Which way is good for a measure; case counts are NEITHER."""

    BETTER = ("better", "Higher is better")
    WORSE = ("worse", "Higher is worse")
    NEITHER = ("neither", "Neither higher nor lower is better")


class Variation(Choice):
    """What a point's variation means for the board."""

    COMMON_CAUSE = ("common-cause", "common cause variation")
    IMPROVEMENT = ("improvement", "special cause improvement")
    CONCERN = ("concern", "special cause concern")
    NEITHER = ("neither", "special cause variation (neither improvement nor concern)")


@dataclass(frozen=True)
class XmrPoint:
    """One value on the chart with the special cause rules it triggers."""

    label: str
    value: float
    #: distance from the previous value; None for the first point
    moving_range: float | None
    #: in the order of SpecialCauseRule; empty for common cause variation
    signals: tuple[SpecialCauseRule, ...]
    variation: Variation

    @property
    def is_special_cause(self) -> bool:
        """Return whether the point triggers any special cause rule."""
        return bool(self.signals)


@dataclass(frozen=True)
class XmrChart:
    """An XmR chart: the points, their mean and the process limits."""

    points: tuple[XmrPoint, ...]
    mean: float
    mean_moving_range: float
    upper_limit: float
    #: floored at zero when the chart was drawn for counts
    lower_limit: float
    higher_is: HigherIs

    @property
    def has_special_cause(self) -> bool:
        """Return whether any point shows special cause variation."""
        return any(point.is_special_cause for point in self.points)


def xmr(
    points: Sequence[tuple[str, float]],
    *,
    higher_is: HigherIs | str = HigherIs.NEITHER,
    floor_at_zero: bool = True,
) -> XmrChart:
    """Build an XmR chart from (label, value) pairs in time order."""
    if len(points) < 2:
        raise NotEnoughData(f"An XmR chart needs at least 2 points; got {len(points)}.")
    direction = HigherIs(higher_is)
    values = [float(value) for _, value in points]
    if floor_at_zero and min(values) < 0:
        raise ValueError("A chart floored at zero cannot show negative values.")
    moving_ranges = [abs(later - earlier) for earlier, later in pairwise(values)]
    mean = fmean(values)
    mean_moving_range = fmean(moving_ranges)
    spread = LIMIT_FACTOR * mean_moving_range
    signals = _find_signals(values, mean, spread)
    chart_points = tuple(
        XmrPoint(label, value, moving_range, tuple(found), _variation(found.values(), direction))
        for (label, _), value, moving_range, found in zip(
            points, values, [None, *moving_ranges], signals, strict=True
        )
    )
    lower_limit = mean - spread
    return XmrChart(
        points=chart_points,
        mean=mean,
        mean_moving_range=mean_moving_range,
        upper_limit=mean + spread,
        lower_limit=max(lower_limit, 0.0) if floor_at_zero else lower_limit,
        higher_is=direction,
    )


def _find_signals(
    values: Sequence[float], mean: float, spread: float
) -> list[dict[SpecialCauseRule, int]]:
    """Return, for each point, the rules it triggers and which way (HIGH or LOW) each points."""
    found: list[dict[SpecialCauseRule, int]] = [{} for _ in values]
    marks_by_rule = {
        SpecialCauseRule.OUTSIDE_LIMITS: _outside_limits(values, mean, spread),
        SpecialCauseRule.RUN_OF_7_SAME_SIDE: _runs_on_one_side(values, mean),
        SpecialCauseRule.TREND_OF_7: _trends(values),
        SpecialCauseRule.TWO_OF_THREE_NEAR_LIMIT: _two_of_three_near_limit(values, mean, spread),
    }
    for rule, marks in marks_by_rule.items():
        for index, way in marks.items():
            found[index][rule] = way
    return found


def _outside_limits(values: Sequence[float], mean: float, spread: float) -> dict[int, int]:
    """Mark points strictly above the upper limit or strictly below the lower limit."""
    upper, lower = mean + spread, mean - spread
    return {
        index: HIGH if value > upper else LOW
        for index, value in enumerate(values)
        if value > upper or value < lower
    }


def _runs_on_one_side(values: Sequence[float], mean: float) -> dict[int, int]:
    """Mark every point of a run of RUN_LENGTH or more on one side of the mean."""
    sides = [_side_of_mean(value, mean) for value in values]
    return {index: side for run, side in _streaks(sides, RUN_LENGTH) for index in run}


def _trends(values: Sequence[float]) -> dict[int, int]:
    """Mark every point of RUN_LENGTH or more points in a row all rising or all falling."""
    steps = [_sign(later - earlier) for earlier, later in pairwise(values)]
    # n points make n - 1 steps; a streak of steps covers the point after its last step too
    return {
        index: way
        for run, way in _streaks(steps, RUN_LENGTH - 1)
        for index in range(run.start, run.stop + 1)
    }


def _two_of_three_near_limit(values: Sequence[float], mean: float, spread: float) -> dict[int, int]:
    """Mark the points close to a limit when 2 of 3 in a row are close to the same limit."""
    near = [
        _side_of_mean(value, mean) if abs(value - mean) > NEAR_LIMIT_SHARE * spread else 0
        for value in values
    ]
    marks: dict[int, int] = {}
    for start in range(len(values) - 2):
        window = range(start, start + 3)
        for side in (HIGH, LOW):
            close = [index for index in window if near[index] == side]
            if len(close) >= 2:
                marks.update(dict.fromkeys(close, side))
    return marks


def _streaks(keys: Sequence[int], min_length: int) -> Iterator[tuple[range, int]]:
    """Yield each stretch of at least min_length equal non-zero keys, with its key."""
    start = 0
    for key, group in groupby(keys):
        length = sum(1 for _ in group)
        if key and length >= min_length:
            yield range(start, start + length), key
        start += length


def _side_of_mean(value: float, mean: float) -> int:
    """Return HIGH above the mean, LOW below it and 0 on it (allowing for rounding)."""
    if math.isclose(value, mean, rel_tol=1e-9, abs_tol=1e-9):
        return 0
    return _sign(value - mean)


def _sign(number: float) -> int:
    """Return 1, -1 or 0 as the number is positive, negative or zero."""
    return (number > 0) - (number < 0)


def _variation(ways: Collection[int], higher_is: HigherIs) -> Variation:
    """Classify a point from the ways its signals point and which way is good."""
    if not ways:
        return Variation.COMMON_CAUSE
    if higher_is is HigherIs.NEITHER:
        return Variation.NEITHER
    worse_way = LOW if higher_is is HigherIs.BETTER else HIGH
    return Variation.CONCERN if worse_way in ways else Variation.IMPROVEMENT
