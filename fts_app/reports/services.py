"""Report rules: compile, annotate and release the board report; date the national return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fts_app import db
from fts_app.admin.services import get_settings
from fts_app.audit.services import record
from fts_app.quarters import Quarter, parse_quarter
from fts_app.reports.board import BoardReport, build_board_report
from fts_app.reports.models import BoardReportNarrative, ReleasedReport
from fts_app.reports.narrative import Narrative
from fts_app.template_filters import long_date


class ReportError(Exception):
    """A board report rule was broken; the message is written for the lead guardian."""


class ReportAlreadyReleased(ReportError):
    """A released report is frozen: neither its figures nor its narrative change."""

    def __init__(self, quarter: Quarter) -> None:
        super().__init__(f"The report for {quarter} has been released, so it cannot be changed.")


class QuarterNotOver(ReportError):
    """A quarter's report can only be released once the quarter has ended."""

    def __init__(self, quarter: Quarter) -> None:
        super().__init__(
            f"{quarter} ends on {long_date(quarter.last_day)}: release its report after that."
        )


class NothingToRelease(ReportError):
    """A quarter with no cases has no report to release."""

    def __init__(self, quarter: Quarter) -> None:
        super().__init__(f"No cases were received in {quarter}, so there is no report to release.")


class ReportNotReleased(ReportError):
    """Board members see released reports only; quarter is None when none has been released."""

    def __init__(self, quarter: Quarter | None) -> None:
        super().__init__(
            f"The report for {quarter} has not been released to the board yet."
            if quarter
            else "No report has been released to the board yet."
        )
        self.quarter = quarter


@dataclass(frozen=True)
class LoadedReport:
    """A report to show, and when it was released if it was."""

    report: BoardReport
    released_on: str | None = None

    @property
    def released(self) -> bool:
        """Tell whether the report is frozen."""
        return self.released_on is not None


def load_report(session: Session, quarter: Quarter, *, today: date) -> LoadedReport:
    """Return the released report for the quarter, or compile it from the cases as they are."""
    released = session.get(ReleasedReport, quarter.label)
    if released is not None:
        return _loaded(released)
    return LoadedReport(_compile(session, quarter, today))


def load_released_report(session: Session, quarter: Quarter) -> LoadedReport:
    """Return the quarter's report as released to the board, or raise ReportNotReleased.

    A draft changes from day to day, so a reader comparing two days' drafts could single out a
    case; the board sees a quarter only once the lead guardian has released it.
    """
    released = session.get(ReleasedReport, quarter.label)
    if released is None:
        raise ReportNotReleased(quarter)
    return _loaded(released)


def released_quarters(session: Session) -> list[Quarter]:
    """Return the quarters whose reports have been released, the most recent first."""
    labels = session.scalars(select(ReleasedReport.quarter))
    return sorted((parse_quarter(label) for label in labels), reverse=True)


def latest_released_quarter(session: Session) -> Quarter:
    """Return the most recent quarter released to the board, or raise ReportNotReleased."""
    quarters = released_quarters(session)
    if not quarters:
        raise ReportNotReleased(None)
    return quarters[0]


def _loaded(released: ReleasedReport) -> LoadedReport:
    return LoadedReport(
        BoardReport.from_json(released.report_json),
        released_on=long_date(released.released_at),
    )


def _compile(session: Session, quarter: Quarter, today: date) -> BoardReport:
    """Compile a quarter's report, its comparison quarters as released where they were."""
    earlier = [quarter.previous().label, quarter.a_year_earlier().label]
    rows = session.scalars(select(ReleasedReport).where(ReleasedReport.quarter.in_(earlier)))
    return build_board_report(
        session,
        quarter,
        today=today,
        narrative=narrative_for(session, quarter),
        released={row.quarter: BoardReport.from_json(row.report_json) for row in rows},
    )


@dataclass(frozen=True)
class ReturnTiming:
    """When a quarter's national return is due, and whether the quarter is over yet."""

    quarter: Quarter
    #: the setting national_return_due_days: how long after the quarter ends the return is due
    days_after: int
    today: date

    @property
    def due_on(self) -> date:
        """Return the day the return is due."""
        return self.quarter.last_day + timedelta(days=self.days_after)

    @property
    def quarter_over(self) -> bool:
        """Tell whether the quarter has ended, so its figures are complete."""
        return self.quarter.last_day < self.today

    @property
    def due(self) -> str:
        """Say when the return is due."""
        days = "1 day" if self.days_after == 1 else f"{self.days_after} days"
        return (
            f"The return for {self.quarter} is due on {long_date(self.due_on)}, {days} after the "
            "quarter ends."
        )

    @property
    def not_over(self) -> str:
        """Warn that the quarter is still under way, or return "" once it has ended."""
        if self.quarter_over:
            return ""
        return (
            f"{self.quarter} has not ended yet: it ends on {long_date(self.quarter.last_day)}, so "
            "these figures will change. Send the return once the quarter is over."
        )


def national_return_timing(session: Session, quarter: Quarter, *, today: date) -> ReturnTiming:
    """Return when the quarter's national return is due, as the trust has set it."""
    return ReturnTiming(quarter, get_settings(session).national_return_due_days, today)


def narrative_for(session: Session, quarter: Quarter) -> Narrative:
    """Return what the lead guardian has written for the quarter so far."""
    row = session.get(BoardReportNarrative, quarter.label)
    if row is None:
        return Narrative()
    return Narrative(row.themes_and_barriers, row.learning_and_actions)


def is_released(session: Session, quarter: Quarter) -> bool:
    """Tell whether the quarter's report has been released."""
    return session.get(ReleasedReport, quarter.label) is not None


def save_narrative(quarter: Quarter, narrative: Narrative, *, actor_id: int) -> None:
    """Store the lead guardian's themes, learning and actions for an unreleased report."""
    with db.write_transaction() as session:
        if is_released(session, quarter):
            raise ReportAlreadyReleased(quarter)
        row = session.get(BoardReportNarrative, quarter.label)
        if row is None:
            row = BoardReportNarrative(quarter=quarter.label)
            session.add(row)
        row.themes_and_barriers = narrative.themes_and_barriers
        row.learning_and_actions = narrative.learning_and_actions
        row.updated_by = actor_id
        session.flush()
        record(session, "report.narrative_saved", actor_id=actor_id, quarter=quarter.label)


def release_report(quarter: Quarter, *, actor_id: int, today: date) -> None:
    """Freeze the quarter's report as it stands and release it to the board."""
    with db.write_transaction() as session:
        if is_released(session, quarter):
            raise ReportAlreadyReleased(quarter)
        if quarter.last_day >= today:
            raise QuarterNotOver(quarter)
        report = _compile(session, quarter, today)
        if not report.has_cases:
            raise NothingToRelease(quarter)
        session.add(
            ReleasedReport(
                quarter=quarter.label, released_by=actor_id, report_json=report.to_json()
            )
        )
        session.flush()
        record(session, "report.released", actor_id=actor_id, quarter=quarter.label)
