"""What the reports feature stores: released reports and the lead guardian's words for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

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
