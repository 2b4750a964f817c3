"""The quarterly board report: its figures assembled as published, and frozen on release.

The report holds only what may be published (see figures.py for how suppression is applied to
each kind of figure), so a released report stores exactly what the board saw. Its parts are
computed in figures.py (counts and breakdowns), deadlines.py (timeliness), trends.py (the
charts) and narrative.py (the lead guardian's words and the notes around the figures).
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, is_dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from fts_app.admin.services import get_settings
from fts_app.cases.enums import Element, Route, SpeakUpAgain, WorkerGroup
from fts_app.cases.models import Case
from fts_app.quarters import Quarter
from fts_app.reports import queries
from fts_app.reports.deadlines import DeadlineRecord, StepTiming, deadline_records, timings
from fts_app.reports.figures import (
    CrossTabulation,
    EqualitySection,
    Figure,
    FigureTable,
    PeriodTable,
    across,
    barriers,
    breakdown,
    equality,
    labelled_counts,
    named_directorates,
    part_of_whole,
    published,
    share_table,
)
from fts_app.reports.narrative import Narrative
from fts_app.reports.suppression import suppress_count, validate_threshold
from fts_app.reports.trends import TrendChart, trend_charts
from fts_app.template_filters import long_date


@dataclass(frozen=True)
class BoardReport:
    """The quarterly report to the board, as published."""

    quarter: str
    period: str
    organisation: str
    threshold: int
    compiled_on: str
    #: the quarter has ended, so its figures will only change if cases are edited
    complete: bool
    has_cases: bool
    headline: PeriodTable
    elements: FigureTable
    worker_groups: FigureTable
    routes: FigureTable
    directorates: FigureTable
    anonymous: PeriodTable
    detriment: PeriodTable
    timings: tuple[StepTiming, ...]
    deadlines: tuple[DeadlineRecord, ...]
    speak_up_again: FigureTable
    charts: tuple[TrendChart, ...]
    barriers: CrossTabulation
    equality: EqualitySection
    narrative: Narrative

    def to_json(self) -> str:
        """Return the report as JSON, for freezing it on release."""
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> BoardReport:
        """Rebuild a report frozen with to_json."""
        report: BoardReport = _rebuild(cls, json.loads(text))
        return report


def build_board_report(
    session: Session,
    quarter: Quarter,
    *,
    today: date,
    narrative: Narrative,
    released: Mapping[str, BoardReport] | None = None,
) -> BoardReport:
    """Compile the report for a quarter from the cases as they stand today.

    `released` holds the reports already released for the quarters it is compared with, by
    quarter: their columns repeat the figures the board was given rather than recounting them.
    """
    settings = get_settings(session)
    threshold = validate_threshold(settings.suppression_threshold)
    periods = (quarter, quarter.previous(), quarter.a_year_earlier())
    frozen = {p.label: released[p.label] for p in periods[1:] if p.label in (released or {})}
    totals = queries.case_totals(session, quarter)
    answers = queries.speak_up_again_counts(session, quarter)
    columns = [
        _live_column(session, quarter, threshold, totals, answers),
        *(
            _released_column(frozen[p.label])
            if p.label in frozen
            else _live_column(
                session,
                p,
                threshold,
                queries.case_totals(session, p),
                queries.speak_up_again_counts(session, p),
            )
            for p in periods[1:]
        ),
    ]
    as_released = _as_released_note(frozen)
    received = totals.received
    return BoardReport(
        quarter=quarter.label,
        period=quarter.description,
        organisation=settings.organisation_name,
        threshold=threshold,
        compiled_on=long_date(today),
        complete=quarter.last_day < today,
        has_cases=received > 0,
        headline=PeriodTable(
            "Headline figures",
            tuple(period.label for period in periods),
            tuple(
                across(label, (getattr(column, name) for column in columns))
                for name, label in HEADLINE_ROWS
            ),
            note="This quarter, the quarter before and the same quarter a year earlier. Cases "
            "received, anonymous and with detriment count the cases received in each quarter; "
            f"closures and feedback responses count what happened in it.{as_released}",
        ),
        elements=breakdown(
            "Elements of the concerns",
            "Element",
            labelled_counts(queries.element_counts(session, quarter), Element),
            received,
            threshold,
            note="A case can have more than one element, so the rows add up to more than the "
            "number of cases; percentages are of the number of cases.",
        ),
        worker_groups=breakdown(
            "Who spoke up",
            "Worker group",
            labelled_counts(queries.counts_by(session, Case.worker_group, quarter), WorkerGroup),
            received,
            threshold,
        ),
        routes=breakdown(
            "How concerns reached the guardians",
            "Route",
            labelled_counts(queries.counts_by(session, Case.route, quarter), Route),
            received,
            threshold,
        ),
        directorates=breakdown(
            "Directorates",
            "Directorate",
            named_directorates(queries.directorate_counts(session, quarter)),
            received,
            threshold,
        ),
        anonymous=share_table(
            "Raised anonymously",
            periods,
            [column.anonymous for column in columns],
            "A high share of anonymous concerns can mean that people fear speaking up openly."
            + as_released,
        ),
        detriment=share_table(
            "Indicating detriment",
            periods,
            [column.detriment for column in columns],
            "Cases where the person said they had been treated badly as a result of speaking up."
            + as_released,
        ),
        timings=timings(session, quarter, threshold),
        deadlines=deadline_records(session, quarter, today, threshold),
        speak_up_again=breakdown(
            "Would you speak up again?",
            "Answer",
            labelled_counts(answers, SpeakUpAgain),
            sum(answers.values()),
            threshold,
            note="Answers given this quarter by people whose case had closed.",
        ),
        charts=trend_charts(session, quarter, today, threshold),
        barriers=barriers(session, quarter, threshold),
        equality=equality(session, quarter, threshold),
        narrative=narrative,
    )


@dataclass(frozen=True)
class _Column:
    """One quarter's figures in the headline and share tables."""

    received: Figure
    anonymous: Figure
    detriment: Figure
    closed: Figure
    responses: Figure


#: the headline's rows: the _Column field each shows, and its label
HEADLINE_ROWS = (
    ("received", "Cases received"),
    ("anonymous", "Raised anonymously"),
    ("detriment", "Indicating detriment"),
    ("closed", "Cases closed"),
    ("responses", "Feedback responses"),
)


def _live_column(
    session: Session,
    quarter: Quarter,
    threshold: int,
    totals: queries.CaseTotals,
    answers: Mapping[str, int],
) -> _Column:
    """Count a quarter's headline figures from the cases as they stand."""
    return _Column(
        received=published(suppress_count(totals.received, threshold)),
        anonymous=part_of_whole(totals.anonymous, totals.received, threshold),
        detriment=part_of_whole(totals.detriment, totals.received, threshold),
        closed=published(suppress_count(queries.closed_count(session, quarter), threshold)),
        responses=published(suppress_count(sum(answers.values()), threshold)),
    )


def _released_column(report: BoardReport) -> _Column:
    """Take a released quarter's headline figures from its report, as the board was given them."""
    headline = {row.label: row.figures[0] for row in report.headline.rows}
    figures = {name: headline[label] for name, label in HEADLINE_ROWS}
    # the share tables hold the same counts with their percentages
    figures["anonymous"] = report.anonymous.rows[0].figures[0]
    figures["detriment"] = report.detriment.rows[0].figures[0]
    return _Column(**figures)


def _as_released_note(released: Mapping[str, BoardReport]) -> str:
    """Say which comparison quarters show the figures their released report gave."""
    if not released:
        return ""
    return f" Figures for {' and '.join(released)} are as released to the board."


def _rebuild(kind: Any, data: Any) -> Any:
    """Turn JSON data back into the typed value `kind` describes."""
    if is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(**{f.name: _rebuild(hints[f.name], data[f.name]) for f in fields(kind)})
    origin, arguments = typing.get_origin(kind), typing.get_args(kind)
    if origin is tuple:
        return tuple(_rebuild(arguments[0], item) for item in data)
    if origin in (typing.Union, types.UnionType):
        if data is None:
            return None
        (inner,) = [argument for argument in arguments if argument is not type(None)]
        return _rebuild(inner, data)
    if isinstance(kind, type) and issubclass(kind, tuple):
        return kind(*data)
    return data
