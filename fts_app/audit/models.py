"""The append-only audit trail: each entry carries an HMAC over the one before."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fts_app.db import Base
from fts_app.timeutil import utcnow

HEAD_ROW_ID = 1


class AuditEvent(Base):
    """One audited action; never updated or deleted (a trigger refuses it on PostgreSQL)."""

    __tablename__ = "audit_events"

    #: consecutive from 1, so a deleted entry leaves a visible gap
    sequence: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    #: the case's id (not a foreign key: the entry outlives a purged case)
    case_id: Mapped[str | None] = mapped_column(String(32), index=True)
    #: JSON of structured detail only: never case text, codes, passwords or keys
    detail: Mapped[str] = mapped_column(Text, default="{}")
    previous_hmac: Mapped[str] = mapped_column(String(64))
    hmac: Mapped[str] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"AuditEvent(sequence={self.sequence}, action={self.action})"


class AuditHead(Base):
    """The chain's tip; updating it serialises writers on every database."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=HEAD_ROW_ID)
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)
    last_hmac: Mapped[str] = mapped_column(String(64), default="0" * 64)
    #: HMAC of the two columns above under the audit key, so the head cannot be moved back
    #: without it; empty until the first entry written since heads were sealed
    seal: Mapped[str | None] = mapped_column(String(64))
