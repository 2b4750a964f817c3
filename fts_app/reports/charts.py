"""XmR charts as accessible inline SVG, with words and table rows that stand in for them.

The markup is safe to mark as Markup: every piece of text is escaped, and it holds no script, no
style attribute (the content security policy forbids inline style) and no external reference.
Special cause points differ from the others in shape as well as colour, and outlines keep the
paler colours visible against white.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from itertools import groupby
from typing import NamedTuple

from fts_app.reports.spc import Variation, XmrChart, XmrPoint

NHS_BLUE = "#005eb8"
NHS_LIGHT_BLUE = "#41b6e6"
NHS_DARK_GREY = "#425563"
NHS_PALE_GREY = "#e8edee"
NHS_TEXT = "#212b32"
NHS_WHITE = "#ffffff"
NHS_ORANGE = "#ed8b00"
NHS_PURPLE = "#330072"

WIDTH, HEIGHT = 640, 440
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 72, 624, 16, 280
#: keeps the first and last points clear of the axes
EDGE_GAP = 12
#: more period labels than this would overlap, so only every so many are written
MAX_PERIOD_LABELS = 24
LEGEND_TOP, LEGEND_ROW_HEIGHT, LEGEND_COLUMN_WIDTH, LEGEND_COLUMNS = 396, 24, 200, 3
CHART_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")

MEAN_STROKE = {"stroke": NHS_DARK_GREY, "stroke-width": 2}
LIMIT_STROKE = {"stroke": NHS_DARK_GREY, "stroke-width": 1.5, "stroke-dasharray": "6 4"}

Vertices = tuple[tuple[float, float], ...]
DIAMOND: Vertices = ((0, -1), (1, 0), (0, 1), (-1, 0))
TRIANGLE: Vertices = ((0, -1), (1, 0.8), (-1, 0.8))
SQUARE: Vertices = ((-0.8, -0.8), (0.8, -0.8), (0.8, 0.8), (-0.8, 0.8))


@dataclass(frozen=True)
class Marker:
    """How points of one kind of variation are drawn; no vertices means a circle."""

    vertices: Vertices | None
    fill: str
    outline: str
    legend: str


MARKERS: Mapping[Variation, Marker] = {
    Variation.COMMON_CAUSE: Marker(None, NHS_BLUE, NHS_WHITE, "Common cause variation"),
    Variation.IMPROVEMENT: Marker(DIAMOND, NHS_LIGHT_BLUE, NHS_TEXT, "Special cause: improvement"),
    Variation.CONCERN: Marker(TRIANGLE, NHS_ORANGE, NHS_TEXT, "Special cause: concern"),
    Variation.NEITHER: Marker(SQUARE, NHS_PURPLE, NHS_TEXT, "Special cause variation"),
}
SPECIAL_CAUSES = (Variation.CONCERN, Variation.IMPROVEMENT, Variation.NEITHER)


class ChartTableRow(NamedTuple):
    """One row of the table that stands in for a chart, ready to display."""

    label: str
    value: str
    mean: str
    lower_limit: str
    upper_limit: str
    signals: str


@dataclass(frozen=True)
class _ValueAxis:
    """The vertical scale: evenly spaced ticks from the lowest to the highest."""

    ticks: tuple[float, ...]

    def y(self, value: float) -> float:
        """Return the vertical position of a value."""
        low, high = self.ticks[0], self.ticks[-1]
        return PLOT_BOTTOM - (value - low) / (high - low) * (PLOT_BOTTOM - PLOT_TOP)


def format_number(value: float) -> str:
    """Write a value as people read it: whole numbers plain, others to one decimal place."""
    rounded = round(value, 1)
    if rounded == int(rounded):
        return f"{int(rounded):,}"
    return f"{rounded:,.1f}"


def describe_signals(point: XmrPoint) -> str:
    """Say what a point's variation is and which special cause rules it triggers."""
    variation = _sentence_case(point.variation.label)
    if not point.signals:
        return variation
    return f"{variation}: {'; '.join(rule.label for rule in point.signals)}"


def describe_chart(chart: XmrChart, *, y_label: str) -> str:
    """Summarise a chart in a few sentences for people who cannot see it."""
    first, last = chart.points[0], chart.points[-1]
    sentences = [
        f"{y_label}: {len(chart.points)} points from {first.label} to {last.label}.",
        f"Mean {format_number(chart.mean)}; process limits {format_number(chart.lower_limit)}"
        f" to {format_number(chart.upper_limit)}.",
        f"Latest value {format_number(last.value)} in {last.label}.",
    ]
    for variation in SPECIAL_CAUSES:
        stretches = _stretches(chart.points, variation)
        if stretches:
            sentences.append(f"{_sentence_case(variation.label)} at {', '.join(stretches)}.")
    if not chart.has_special_cause:
        sentences.append("Every point shows common cause variation.")
    return " ".join(sentences)


def chart_table_rows(chart: XmrChart) -> list[ChartTableRow]:
    """Return the chart as table rows: period, value, mean, limits and signals in words."""
    mean, lower, upper = (
        format_number(number) for number in (chart.mean, chart.lower_limit, chart.upper_limit)
    )
    return [
        ChartTableRow(
            point.label, format_number(point.value), mean, lower, upper, describe_signals(point)
        )
        for point in chart.points
    ]


def render_xmr_svg(
    chart: XmrChart, *, chart_id: str, title: str, y_label: str, x_label: str = "Quarter"
) -> str:
    """Return the chart as inline SVG; chart_id must be unique on the page."""
    if not CHART_ID.match(chart_id):
        raise ValueError(f"A chart id must be letters, digits, - or _; got {chart_id!r}.")
    axis = _value_axis(chart)
    xs = _x_positions(len(chart.points))
    parts = [
        _text_element("title", {"id": f"{chart_id}-title"}, title),
        _text_element("desc", {"id": f"{chart_id}-desc"}, describe_chart(chart, y_label=y_label)),
        *_gridlines(axis),
        *_reference_lines(chart, axis),
        _data_line(chart, xs, axis),
        *(
            _point_marker(point, x, axis.y(point.value))
            for point, x in zip(chart.points, xs, strict=True)
        ),
        *_axes(),
        *_period_labels(chart, xs),
        *_axis_titles(x_label, y_label),
        *_legend(chart),
    ]
    attributes = {
        "xmlns": "http://www.w3.org/2000/svg",
        "viewBox": f"0 0 {WIDTH} {HEIGHT}",
        "width": "100%",
        "role": "img",
        "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
        "class": "xmr-chart",
        "font-size": 12,
        "fill": NHS_TEXT,
    }
    return _element("svg", attributes, "".join(parts))


def _stretches(points: Sequence[XmrPoint], variation: Variation) -> list[str]:
    """Name each stretch of consecutive points with this variation, such as "Q1 to Q3"."""
    names = []
    for matches, group in groupby(points, key=lambda point: point.variation is variation):
        if matches:
            stretch = list(group)
            first, last = stretch[0], stretch[-1]
            names.append(first.label if first is last else f"{first.label} to {last.label}")
    return names


def _value_axis(chart: XmrChart) -> _ValueAxis:
    """Choose round ticks that cover every value and both limits."""
    values = [point.value for point in chart.points]
    low = min(*values, chart.lower_limit)
    high = max(*values, chart.upper_limit)
    step = _round_step((high - low) / 5) if high > low else 1.0
    first, last = math.floor(low / step), math.ceil(high / step)
    if first == last:
        last += 1
    return _ValueAxis(tuple(number * step for number in range(first, last + 1)))


def _round_step(rough: float) -> float:
    """Return the smallest 1, 2 or 5 times a power of ten that is at least rough."""
    power = 10.0 ** math.floor(math.log10(rough))
    return next(size * power for size in (1, 2, 5, 10) if size * power >= rough)


def _x_positions(count: int) -> list[float]:
    """Spread count points evenly across the plot."""
    span = PLOT_RIGHT - PLOT_LEFT - 2 * EDGE_GAP
    return [PLOT_LEFT + EDGE_GAP + span * index / (count - 1) for index in range(count)]


def _gridlines(axis: _ValueAxis) -> list[str]:
    """Draw a pale line and a value label at each tick."""
    parts = []
    for tick in axis.ticks:
        y = axis.y(tick)
        parts.append(_horizontal_line(y, {"stroke": NHS_PALE_GREY}))
        label = {"x": PLOT_LEFT - 8, "y": y + 4, "text-anchor": "end"}
        parts.append(_text_element("text", label, format_number(tick)))
    return parts


def _reference_lines(chart: XmrChart, axis: _ValueAxis) -> list[str]:
    """Draw the mean as a solid line and the process limits as dashed lines."""
    lines = [
        ("xmr-limit xmr-limit--upper", chart.upper_limit, LIMIT_STROKE),
        ("xmr-limit xmr-limit--lower", chart.lower_limit, LIMIT_STROKE),
        ("xmr-mean", chart.mean, MEAN_STROKE),
    ]
    return [
        _horizontal_line(axis.y(value), {"class": name, **stroke}) for name, value, stroke in lines
    ]


def _horizontal_line(y: float, attributes: Mapping[str, object]) -> str:
    """Draw a line across the plot at height y."""
    return _element("line", {"x1": PLOT_LEFT, "x2": PLOT_RIGHT, "y1": y, "y2": y, **attributes})


def _data_line(chart: XmrChart, xs: Sequence[float], axis: _ValueAxis) -> str:
    """Join the values with a line."""
    points = " ".join(
        f"{_number(x)},{_number(axis.y(point.value))}"
        for point, x in zip(chart.points, xs, strict=True)
    )
    attributes = {"class": "xmr-line", "points": points, "fill": "none"}
    return _element("polyline", attributes | {"stroke": NHS_BLUE, "stroke-width": 2})


def _point_marker(point: XmrPoint, x: float, y: float) -> str:
    """Draw a point in the shape and colour of its variation, with a tooltip."""
    tooltip = f"{point.label}: {format_number(point.value)}. {describe_signals(point)}"
    return _shape(
        MARKERS[point.variation],
        x,
        y,
        {"class": f"xmr-point xmr-point--{point.variation.value}"},
        _text_element("title", {}, tooltip),
    )


def _shape(
    marker: Marker, x: float, y: float, attributes: Mapping[str, object], content: str = ""
) -> str:
    """Draw a marker centred on (x, y)."""
    paint = {"fill": marker.fill, "stroke": marker.outline, "stroke-width": 1}
    if marker.vertices is None:
        return _element("circle", {**attributes, "cx": x, "cy": y, "r": 5, **paint}, content)
    size = 7
    vertices = " ".join(
        f"{_number(x + size * dx)},{_number(y + size * dy)}" for dx, dy in marker.vertices
    )
    return _element("polygon", {**attributes, "points": vertices, **paint}, content)


def _axes() -> list[str]:
    """Draw the horizontal and vertical axes."""
    stroke = {"stroke": NHS_DARK_GREY, "stroke-width": 1}
    return [
        _horizontal_line(PLOT_BOTTOM, stroke),
        _element(
            "line", {"x1": PLOT_LEFT, "x2": PLOT_LEFT, "y1": PLOT_TOP, "y2": PLOT_BOTTOM, **stroke}
        ),
    ]


def _period_labels(chart: XmrChart, xs: Sequence[float]) -> list[str]:
    """Write the period under its point, slanted so that neighbours do not overlap."""
    every = math.ceil(len(chart.points) / MAX_PERIOD_LABELS)
    y = PLOT_BOTTOM + 14
    return [
        _text_element(
            "text",
            {
                "class": "xmr-period",
                "x": x,
                "y": y,
                "text-anchor": "end",
                "transform": f"rotate(-45 {_number(x)} {y})",
            },
            point.label,
        )
        for point, x in list(zip(chart.points, xs, strict=True))[::every]
    ]


def _axis_titles(x_label: str, y_label: str) -> list[str]:
    """Name what each axis shows."""
    middle_x, middle_y = (PLOT_LEFT + PLOT_RIGHT) / 2, (PLOT_TOP + PLOT_BOTTOM) / 2
    common = {"text-anchor": "middle", "font-weight": "bold"}
    return [
        _text_element("text", {"x": middle_x, "y": 368, **common}, x_label),
        _text_element(
            "text",
            {"x": 16, "y": middle_y, "transform": f"rotate(-90 16 {_number(middle_y)})", **common},
            y_label,
        ),
    ]


def _legend(chart: XmrChart) -> list[str]:
    """Explain the lines and every kind of point the chart shows."""
    shown = {point.variation for point in chart.points}
    entries: list[tuple[str, Mapping[str, object] | Marker]] = [
        (MARKERS[Variation.COMMON_CAUSE].legend, MARKERS[Variation.COMMON_CAUSE]),
        ("Mean", MEAN_STROKE),
        ("Process limits", LIMIT_STROKE),
        *(
            (MARKERS[variation].legend, MARKERS[variation])
            for variation in SPECIAL_CAUSES
            if variation in shown
        ),
    ]
    parts = []
    for index, (text, symbol) in enumerate(entries):
        row, column = divmod(index, LEGEND_COLUMNS)
        x = 24 + column * LEGEND_COLUMN_WIDTH
        y = LEGEND_TOP + row * LEGEND_ROW_HEIGHT
        if isinstance(symbol, Marker):
            parts.append(_shape(symbol, x + 8, y - 4, {"class": "xmr-legend-marker"}))
        else:
            parts.append(
                _element("line", {"x1": x, "x2": x + 16, "y1": y - 4, "y2": y - 4, **symbol})
            )
        parts.append(_text_element("text", {"x": x + 24, "y": y}, text))
    return parts


def _element(name: str, attributes: Mapping[str, object], content: str = "") -> str:
    """Return an SVG element; content must already be markup."""
    written = "".join(
        f' {key}="{escape(_number(value) if isinstance(value, float) else str(value))}"'
        for key, value in attributes.items()
    )
    return f"<{name}{written}>{content}</{name}>" if content else f"<{name}{written}/>"


def _text_element(name: str, attributes: Mapping[str, object], text: str) -> str:
    """Return an SVG element holding escaped text."""
    return _element(name, attributes, escape(text))


def _number(value: float) -> str:
    """Write a coordinate to a tenth of a unit, without a trailing .0."""
    return format(round(value, 1), "g")


def _sentence_case(text: str) -> str:
    """Capitalise the first letter only."""
    return text[:1].upper() + text[1:]
