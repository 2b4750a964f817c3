"""The board report for hand-built cases, every figure written out as the board will see it.

The quarter is 2026-27-Q2 (July to September 2026) and the threshold is the default 5, so a
count from 1 to 4 is hidden, as is a count hidden so that a small one cannot be worked out from a
total; both read "not shown".
"""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask

from fts_app import db
from fts_app.admin.models import Directorate
from fts_app.admin.services import get_settings
from fts_app.cases.enums import ConfidentialityLevel, Element, Route, SpeakUpAgain, WorkerGroup
from fts_app.cases.models import Case
from fts_app.quarters import Quarter
from fts_app.reports.board import BoardReport, build_board_report
from fts_app.reports.deadlines import StepTiming
from fts_app.reports.figures import Figure, FigureRow
from fts_app.reports.narrative import Narrative
from fts_app.speakup.enums import AgeBand, Sex
from fts_app.speakup.equality import EqualityAnswers, flush, hold_answers

QUARTER = Quarter(2026, 2)
TODAY = date(2026, 11, 26)
HIDDEN = "not shown"

PS, WS, BULLYING = Element.PATIENT_SAFETY, Element.WORKER_SAFETY, Element.BULLYING
NURSES, MEDICAL = WorkerGroup.NURSES_MIDWIVES, WorkerGroup.MEDICAL_DENTAL
ANONYMOUS, CONFIDENTIAL = ConfidentialityLevel.ANONYMOUS, ConfidentialityLevel.CONFIDENTIAL

#: (received, worker group, route, confidentiality, elements, directorate, days to acknowledge)
QUARTER_CASES = [
    (date(2026, 7, 1), NURSES, Route.EMAIL, ANONYMOUS, [PS], "Medicine", 0),
    (date(2026, 7, 8), NURSES, Route.EMAIL, ANONYMOUS, [PS], "Medicine", 1),
    (date(2026, 7, 15), NURSES, Route.EMAIL, ANONYMOUS, [PS], "Medicine", 1),
    (date(2026, 7, 22), NURSES, Route.EMAIL, ANONYMOUS, [PS], "Medicine", 2),
    (date(2026, 8, 3), NURSES, Route.EMAIL, ANONYMOUS, [PS], "Medicine", 2),
    (date(2026, 8, 10), NURSES, Route.EMAIL, CONFIDENTIAL, [PS], "Medicine", 2),
    (date(2026, 8, 17), NURSES, Route.ONLINE_PORTAL, CONFIDENTIAL, [PS], "Medicine", 3),
    (date(2026, 8, 24), NURSES, Route.ONLINE_PORTAL, CONFIDENTIAL, [PS, BULLYING], "Surgery", 3),
    (date(2026, 9, 1), MEDICAL, Route.ONLINE_PORTAL, CONFIDENTIAL, [PS, BULLYING], "Surgery", 4),
    (date(2026, 9, 2), MEDICAL, Route.ONLINE_PORTAL, CONFIDENTIAL, [BULLYING], "Surgery", 5),
    (date(2026, 9, 3), MEDICAL, Route.ONLINE_PORTAL, CONFIDENTIAL, [BULLYING, WS], "Surgery", 8),
    (date(2026, 9, 4), MEDICAL, Route.ONLINE_PORTAL, CONFIDENTIAL, [BULLYING, WS], "Surgery", 10),
]
#: the first six close in the quarter after these many days; five say yes, one says no
DAYS_TO_CLOSE = [20, 20, 30, 30, 40, 40]
ANSWERS = [SpeakUpAgain.YES] * 5 + [SpeakUpAgain.NO]


def shown(value: int, percent: str | None = None, label: str = "") -> Figure:
    return Figure(label, f"{value:,}", value, percent)


def hidden(display: str, label: str = "") -> Figure:
    return Figure(label, display)


@pytest.fixture
def directorates(app: Flask) -> dict[str, int]:
    with db.write_transaction() as session:
        rows = [
            Directorate(name="Medicine"),
            Directorate(name="Surgery"),
            Directorate(name="Estates"),
            Directorate(name="Old wing", is_active=False),
        ]
        session.add_all(rows)
        session.flush()
        return {row.name: row.id for row in rows}


@pytest.fixture
def report(app: Flask, make_case: Callable[..., Case], directorates: dict[str, int]) -> BoardReport:
    for index, (received, group, route, level, elements, directorate, ack) in enumerate(
        QUARTER_CASES
    ):
        fields: dict[str, Any] = {
            "received_on": received,
            "worker_group": group,
            "route": route,
            "confidentiality": level,
            "elements": elements,
            "directorate_id": directorates[directorate],
            "acknowledged_on": received + timedelta(days=ack),
            "acknowledge_due_on": received + timedelta(days=2),
            "first_feedback_due_on": received + timedelta(days=7),
            # restricted cases are counted like any other
            "restricted": index == 3,
            "detriment_indicated": index == 11,
        }
        if index < 3:
            fields["first_feedback_on"] = received + timedelta(days=7)
        if index < len(DAYS_TO_CLOSE):
            closed = received + timedelta(days=DAYS_TO_CLOSE[index])
            fields |= {
                "status": "closed",
                "closed_on": closed,
                "speak_up_again": ANSWERS[index].value,
                "speak_up_again_on": closed + timedelta(days=1),
            }
        make_case(**fields)
    # the previous quarter had three cases; the same quarter last year had none
    for received in (date(2026, 4, 2), date(2026, 5, 5), date(2026, 6, 9)):
        make_case(received_on=received, acknowledged_on=received)
    # sealed in the pending pool, as the portal leaves them until a flush counts a batch
    with db.write_transaction() as session:
        young = AgeBand.FROM_21_TO_30
        answers = [EqualityAnswers(sex=Sex.FEMALE, age_band=young)] * 5 + [
            EqualityAnswers(sex=Sex.MALE, age_band=young)
        ]
        for answer in answers:
            hold_answers(session, answer, date(2026, 8, 12))
        hold_answers(session, EqualityAnswers(sex=Sex.MALE), date(2026, 5, 6))
        hold_answers(session, EqualityAnswers(), date(2026, 8, 12))
    return build_report()


def build_report() -> BoardReport:
    return build_board_report(
        db.session(), QUARTER, today=TODAY, narrative=Narrative("Themes.", "Learning.")
    )


def test_the_report_names_its_quarter_and_threshold(report: BoardReport) -> None:
    assert (report.quarter, report.period) == ("2026-27-Q2", "July to September 2026")
    assert (report.organisation, report.threshold) == ("Your NHS trust", 5)
    assert (report.compiled_on, report.complete, report.has_cases) == (
        "26 November 2026",
        True,
        True,
    )
    assert report.narrative == Narrative("Themes.", "Learning.")


def test_headline_figures_compare_three_quarters(report: BoardReport) -> None:
    assert report.headline.periods == ("2026-27-Q2", "2026-27-Q1", "2025-26-Q2")
    assert report.headline.rows == (
        FigureRow("Cases received", (shown(12), hidden(HIDDEN), shown(0))),
        # 0 of 3 anonymous: a true zero identifies nobody
        FigureRow("Raised anonymously", (shown(5), shown(0), shown(0))),
        FigureRow("Indicating detriment", (hidden(HIDDEN), shown(0), shown(0))),
        FigureRow("Cases closed", (shown(6), shown(0), shown(0))),
        FigureRow("Feedback responses", (shown(6), shown(0), shown(0))),
    )


def test_elements_count_cases_and_hide_a_second_cell_beside_a_small_one(
    report: BoardReport,
) -> None:
    # worker safety (2) is small; bullying (5) is the next smallest in the line, so it is hidden
    # too, even though elements overlap and a subtraction would only bound the small one
    assert report.elements.rows == (
        shown(9, "75%", "Patient safety or quality of care"),
        hidden(HIDDEN, "Worker safety or wellbeing"),
        hidden(HIDDEN, "Bullying or harassment"),
        shown(0, "0%", "Other inappropriate attitudes or behaviours"),
        shown(0, "0%", "Other"),
    )
    assert report.elements.total == shown(12, label="Total")


def test_worker_groups_hide_the_complement_of_a_small_group(report: BoardReport) -> None:
    # 12 cases = 8 nurses + 4 medical: showing 8 would give the 4 away
    rows = {figure.label: figure for figure in report.worker_groups.rows}
    assert rows["Medical and dental"] == hidden(HIDDEN, "Medical and dental")
    assert rows["Registered nurses and midwives"] == hidden(
        HIDDEN, "Registered nurses and midwives"
    )
    others = [
        figure
        for label, figure in rows.items()
        if label not in {"Medical and dental", "Registered nurses and midwives"}
    ]
    assert others == [
        shown(0, "0%", label)
        for label in [
            "Allied health professionals",
            "Nursing assistants or healthcare assistants",
            "Administrative and clerical",
            "Corporate services",
            "Estates, cleaning, catering and ancillary",
            "Healthcare scientists",
            "Board members",
            "Students",
            "Other",
            "Not known",
        ]
    ]
    assert report.worker_groups.total == shown(12, label="Total")


def test_routes_show_every_route_in_the_national_order(report: BoardReport) -> None:
    assert [(f.label, f.display, f.percent) for f in report.routes.rows] == [
        ("In person", "0", "0%"),
        ("Phone", "0", "0%"),
        ("Email", "6", "50%"),
        ("Letter", "0", "0%"),
        ("Online portal", "6", "50%"),
        ("Through a champion or ambassador", "0", "0%"),
        ("Referred by a line manager", "0", "0%"),
        ("Referred by HR", "0", "0%"),
        ("Referred by the patient safety team", "0", "0%"),
        ("Referred by a regulator or other external body", "0", "0%"),
    ]


def test_directorates_list_active_ones_and_cases_not_recorded(report: BoardReport) -> None:
    assert report.directorates.rows == (
        shown(0, "0%", "Estates"),
        shown(7, "58.3%", "Medicine"),
        shown(5, "41.7%", "Surgery"),
        shown(0, "0%", "Not recorded"),
    )


def test_share_anonymous_and_detriment_show_a_share_only_beside_a_shown_count(
    report: BoardReport,
) -> None:
    assert report.anonymous.rows == (
        FigureRow("Raised anonymously", (shown(5, "41.7%"), shown(0), shown(0))),
    )
    assert report.detriment.rows == (
        FigureRow("Indicating detriment", (hidden(HIDDEN), shown(0), shown(0))),
    )


def test_timeliness_gives_median_and_90th_percentile_days(report: BoardReport) -> None:
    assert report.timings == (
        # days 0 1 1 2 2 2 3 3 4 5 8 10: median (2 + 3) / 2; 90th percentile 5 + 0.9 * (8 - 5)
        StepTiming(
            "Received to acknowledged",
            shown(12, label="Received to acknowledged"),
            "2.5 days",
            "7.7 days",
        ),
        StepTiming(
            "Received to first feedback",
            hidden(HIDDEN, "Received to first feedback"),
            "too few cases",
            "too few cases",
        ),
        # days 20 20 30 30 40 40: median 30; 90th percentile 40
        StepTiming(
            "Received to closed", shown(6, label="Received to closed"), "30 days", "40 days"
        ),
    )


def test_deadlines_met_hide_a_small_count_and_its_share(report: BoardReport) -> None:
    acknowledged, first_feedback = report.deadlines
    assert (acknowledged.due, acknowledged.met) == (
        shown(12, label="Total"),
        shown(6, "50%", "Met"),
    )
    assert (first_feedback.due, first_feedback.met) == (
        shown(12, label="Total"),
        hidden(HIDDEN, "Met"),
    )


def test_speak_up_again_answers_hide_the_complement_of_a_single_no(report: BoardReport) -> None:
    assert report.speak_up_again.rows == (
        hidden(HIDDEN, "Yes"),
        hidden(HIDDEN, "No"),
        shown(0, "0%", "Maybe"),
        shown(0, "0%", "I don't know"),
    )
    assert report.speak_up_again.total == shown(6, label="Total")


def test_a_cross_tabulation_with_small_cells_is_replaced_by_a_sentence(report: BoardReport) -> None:
    assert report.barriers.rows == ()
    assert report.barriers.message == (
        "Some of these figures are too small to publish, so the table is not shown."
    )


def test_equality_questions_are_shown_only_where_every_cell_survives(report: BoardReport) -> None:
    equality = report.equality
    assert equality.responses == shown(6, label="Responses")
    assert equality.withheld == ("Sex",)
    assert [
        (table.title, [(f.label, f.display) for f in table.rows]) for table in equality.tables
    ] == [
        ("Age band", [("21 to 30", "6")]),
        ("Disability", [("Not answered", "6")]),
        ("Ethnic group", [("Not answered", "6")]),
        ("Religion or belief", [("Not answered", "6")]),
        ("Sexual orientation", [("Not answered", "6")]),
    ]


def test_equality_figures_stay_the_same_once_the_pending_entries_are_counted(
    report: BoardReport,
) -> None:
    with db.write_transaction() as session:
        assert flush(session, at_least=8) == 8
    assert build_report().equality == report.equality


def test_charts_whose_months_and_quarters_are_small_become_sentences(report: BoardReport) -> None:
    # months of 3 or 4 cases, and a previous quarter of 3, cannot be plotted without showing them
    for chart in report.charts:
        assert (chart.svg, chart.rows) == ("", ())
        assert "too small to publish" in chart.message


def test_a_frozen_report_reads_back_the_same(report: BoardReport) -> None:
    assert BoardReport.from_json(report.to_json()) == report


def test_counts_up_to_7_can_be_hidden_as_nhs_digital_does(report: BoardReport) -> None:
    with db.write_transaction() as session:
        get_settings(session).suppression_threshold = 8
    strictest = build_board_report(db.session(), QUARTER, today=TODAY, narrative=Narrative())
    # the quarter before had 3 cases and Medicine 7: both hidden, however hidden counts read
    (this_quarter, quarter_before, _) = strictest.headline.rows[0].figures
    assert (strictest.threshold, this_quarter, quarter_before.shown) == (8, shown(12), False)
    (medicine,) = [row for row in strictest.directorates.rows if row.label == "Medicine"]
    assert (medicine.shown, medicine.value, medicine.percent) == (False, None, None)


def test_the_threshold_follows_the_trusts_setting(report: BoardReport) -> None:
    with db.write_transaction() as session:
        get_settings(session).suppression_threshold = 7
    stricter = build_board_report(db.session(), QUARTER, today=TODAY, narrative=Narrative())
    assert stricter.headline.rows[0].figures == (shown(12), hidden(HIDDEN), shown(0))
    assert stricter.anonymous.rows[0].figures[0] == hidden(HIDDEN)
    # Surgery (5) is now small, so Medicine (7) is hidden with it: 12 - 0 - 7 would give it away
    assert stricter.directorates.rows == (
        shown(0, "0%", "Estates"),
        hidden(HIDDEN, "Medicine"),
        hidden(HIDDEN, "Surgery"),
        shown(0, "0%", "Not recorded"),
    )
