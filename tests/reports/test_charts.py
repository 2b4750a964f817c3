import xml.etree.ElementTree as ET

import pytest

from fts_app.reports.charts import (
    NHS_BLUE,
    NHS_ORANGE,
    ChartTableRow,
    chart_table_rows,
    describe_chart,
    format_number,
    render_xmr_svg,
)
from fts_app.reports.spc import XmrChart, xmr

SVG = "{http://www.w3.org/2000/svg}"
# mean 12, mean moving range 34 / 11 = 3.09, limits 3.78 and 20.22: the last point is above
SPIKE = [10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 24]


def spike_chart(higher_is: str = "worse", labels: list[str] | None = None) -> XmrChart:
    labels = labels or [f"P{number}" for number in range(1, len(SPIKE) + 1)]
    return xmr(list(zip(labels, SPIKE, strict=True)), higher_is=higher_is)


def render(chart: XmrChart, title: str = "Cases received") -> str:
    return render_xmr_svg(chart, chart_id="cases-trend", title=title, y_label="Cases")


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314  (markup we generated, not outside input)


def with_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [element for element in root.iter() if name in element.get("class", "").split()]


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def test_the_chart_is_a_well_formed_svg_image_named_by_its_title_and_description() -> None:
    root = parse(render(spike_chart()))

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox") == "0 0 640 440"
    title, desc = root[0], root[1]
    assert (title.tag, title.text) == (f"{SVG}title", "Cases received")
    assert desc.tag == f"{SVG}desc"
    assert "Special cause concern at P12" in desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_labels_and_titles_are_escaped() -> None:
    labels = [f"Q{number}" for number in range(1, 12)] + ['<script>alert("hi")</script>']
    svg = render(spike_chart(labels=labels), title="Cases & <b>trends</b>")
    root = parse(svg)

    assert "<script" not in svg
    assert "<b>" not in svg
    assert '<script>alert("hi")</script>' in texts(root)
    assert root[0].text == "Cases & <b>trends</b>"


def test_the_markup_has_no_script_style_or_external_reference() -> None:
    svg = render(spike_chart())
    tags = {element.tag.removeprefix(SVG) for element in parse(svg).iter()}

    assert tags <= {"svg", "title", "desc", "line", "text", "polyline", "circle", "polygon"}
    for forbidden in ("style=", "href", "url(", "<script", "javascript:"):
        assert forbidden not in svg


def test_special_cause_points_differ_in_shape_and_colour() -> None:
    root = parse(render(spike_chart(higher_is="worse")))

    concerns = with_class(root, "xmr-point--concern")
    common = with_class(root, "xmr-point--common-cause")
    assert [(point.tag, point.get("fill")) for point in concerns] == [(f"{SVG}polygon", NHS_ORANGE)]
    assert {(point.tag, point.get("fill")) for point in common} == {(f"{SVG}circle", NHS_BLUE)}
    assert len(common) == 11
    assert concerns[0].find(f"{SVG}title").text == (
        "P12: 24. Special cause concern: outside the process limits"
    )


def test_improvement_points_have_their_own_shape() -> None:
    root = parse(render(spike_chart(higher_is="better")))

    [improvement] = with_class(root, "xmr-point--improvement")
    assert improvement.tag == f"{SVG}polygon"
    assert improvement.get("points") != with_class(root, "xmr-point")[0].get("points")
    assert improvement.get("fill") not in {NHS_BLUE, NHS_ORANGE}


def test_the_process_limits_are_dashed_and_the_mean_is_solid() -> None:
    root = parse(render(spike_chart()))

    limits = with_class(root, "xmr-limit")
    [mean] = with_class(root, "xmr-mean")
    assert len(limits) == 2
    assert all(limit.get("stroke-dasharray") for limit in limits)
    assert mean.get("stroke-dasharray") is None


def test_higher_values_are_drawn_higher_up() -> None:
    root = parse(render(spike_chart()))
    [upper] = with_class(root, "xmr-limit--upper")
    [mean] = with_class(root, "xmr-mean")
    [lower] = with_class(root, "xmr-limit--lower")

    assert float(upper.get("y1")) < float(mean.get("y1")) < float(lower.get("y1"))


def test_the_axes_are_labelled_and_the_legend_names_what_is_shown() -> None:
    labels = texts(parse(render(spike_chart())))

    assert {"Quarter", "Cases", "P1", "P12", "Mean", "Process limits"} <= set(labels)
    assert "Special cause: concern" in labels
    assert "Special cause: improvement" not in labels


def test_only_some_periods_are_labelled_when_there_are_many() -> None:
    chart = xmr([(f"M{number}", number % 5) for number in range(48)])

    period_labels = [label.text for label in with_class(parse(render(chart)), "xmr-period")]
    assert period_labels == [f"M{number}" for number in range(0, 48, 2)]


@pytest.mark.parametrize(
    "values",
    [[5, 5, 5], [0, 1], [0.01, 0.03, 0.02], [12000, 15500, 14250], [-3, 2, -1]],
    ids=["flat", "two-points", "tiny", "large", "negative"],
)
def test_any_series_is_drawn_inside_the_plot(values: list[float]) -> None:
    chart = xmr([(f"P{number}", value) for number, value in enumerate(values)], floor_at_zero=False)

    points = with_class(parse(render(chart)), "xmr-point")
    heights = [float(point.get("cy")) for point in points]
    assert len(heights) == len(values)
    assert all(16 <= height <= 280 for height in heights)


def test_a_bad_chart_id_is_refused() -> None:
    with pytest.raises(ValueError, match="chart id"):
        render_xmr_svg(spike_chart(), chart_id='x" onload="', title="Cases", y_label="Cases")


def test_the_table_alternative_gives_every_point_with_limits_and_signals() -> None:
    rows = chart_table_rows(spike_chart())

    assert len(rows) == 12
    assert rows[0] == ChartTableRow("P1", "10", "12", "3.8", "20.2", "Common cause variation")
    assert rows[-1] == ChartTableRow(
        "P12", "24", "12", "3.8", "20.2", "Special cause concern: outside the process limits"
    )


def test_the_description_summarises_the_chart_in_words() -> None:
    chart = xmr([("2026-27-Q1", 4), ("2026-27-Q2", 9), ("2026-27-Q3", 6)])

    # mean 19 / 3 = 6.33; moving ranges 5 and 3, mean 4; limits 6.33 ± 10.64, the lower floored
    assert describe_chart(chart, y_label="Cases received") == (
        "Cases received: 3 points from 2026-27-Q1 to 2026-27-Q3. "
        "Mean 6.3; process limits 0 to 17. "
        "Latest value 6 in 2026-27-Q3. "
        "Every point shows common cause variation."
    )


def test_the_description_names_stretches_of_special_cause_points() -> None:
    # mean 173 / 16 = 10.81: P8 to P14 are a run of seven above it
    values = [8, 12, 8, 12, 8, 12, 8, 13, 11, 13, 11, 13, 11, 13, 8, 12]
    chart = xmr([(f"P{number}", value) for number, value in enumerate(values, 1)])

    assert describe_chart(chart, y_label="Cases").endswith(
        "Special cause variation (neither improvement nor concern) at P8 to P14."
    )


@pytest.mark.parametrize(
    ("value", "written"),
    [(12, "12"), (12.0, "12"), (17.32, "17.3"), (1234.0, "1,234"), (0.04, "0"), (-3.99, "-4")],
)
def test_numbers_are_written_whole_or_to_one_decimal_place(value: float, written: str) -> None:
    assert format_number(value) == written
