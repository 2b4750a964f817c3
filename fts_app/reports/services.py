"""Board report rules: compile it, keep the lead guardian's words, and release (freeze) it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from fts_app import db
from fts_app.audit.services import record
from fts_app.reports.board import BoardReport, Narrative, build_board_report, long_date
from fts_app.reports.models import BoardReportNarrative, ReleasedReport
from fts_app.reports.quarters import Quarter
from fts_app.timeutil import as_london


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
        return LoadedReport(
            BoardReport.from_json(released.report_json),
            released_on=long_date(as_london(released.released_at).date()),
        )
    return LoadedReport(
        build_board_report(session, quarter, today=today, narrative=narrative_for(session, quarter))
    )


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
        report = build_board_report(
            session, quarter, today=today, narrative=narrative_for(session, quarter)
        )
        if not report.has_cases:
            raise NothingToRelease(quarter)
        session.add(
            ReleasedReport(
                quarter=quarter.label, released_by=actor_id, report_json=report.to_json()
            )
        )
        session.flush()
        record(session, "report.released", actor_id=actor_id, quarter=quarter.label)
