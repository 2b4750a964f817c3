"""What the reports feature stores: released reports, the lead guardian's words, and indexes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fts_app.cases.models import Case
from fts_app.db import Base
from fts_app.timeutil import utcnow


class ReleasedReport(Base):
    """A quarter's board report as released to the board; later case edits do not change it."""

    __tablename__ = "released_reports"

    #: the financial quarter, e.g. 2026-27-Q2
    quarter: Mapped[str] = mapped_column(String(10), primary_key=True)
    released_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    released_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the published figures (suppression applied) and narrative, as BoardReport.to_json wrote
    report_json: Mapped[str] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"ReleasedReport(quarter={self.quarter})"


class BoardReportNarrative(Base):
    """The lead guardian's themes, barriers, learning and actions for a quarter's report."""

    __tablename__ = "board_report_narratives"

    quarter: Mapped[str] = mapped_column(String(10), primary_key=True)
    themes_and_barriers: Mapped[str] = mapped_column(Text, default="")
    learning_and_actions: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"BoardReportNarrative(quarter={self.quarter})"


#: Reports count cases over a range of one of their dates. Each index leads with that date and
#: carries every column the counts read, so the database can answer from the index alone
#: instead of reading each case's row with its encrypted text.
REPORT_INDEXES = (
    Index(
        "ix_cases_report_received",
        Case.received_on,
        Case.confidentiality,
        Case.worker_group,
        Case.route,
        Case.directorate_id,
        Case.detriment_indicated,
        Case.id,
    ),
    Index(
        "ix_cases_report_closed",
        Case.closed_on,
        Case.received_on,
        Case.speak_up_again_on,
        Case.speak_up_again,
    ),
    Index("ix_cases_report_answered", Case.speak_up_again_on, Case.speak_up_again),
    Index("ix_cases_report_acknowledged", Case.acknowledged_on, Case.received_on),
    Index("ix_cases_report_first_feedback", Case.first_feedback_on, Case.received_on),
    Index("ix_cases_report_acknowledge_due", Case.acknowledge_due_on, Case.acknowledged_on),
    Index(
        "ix_cases_report_first_feedback_due",
        Case.first_feedback_due_on,
        Case.first_feedback_on,
        Case.feedback_not_possible_on,
    ),
)
