"""Wrapped data keys: one per case; deleting the row shreds the case's content."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from fts_app.db import Base
from fts_app.timeutil import utcnow


class CaseKey(Base):
    """A case's data key, encrypted under a master key."""

    __tablename__ = "case_keys"

    case_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    #: hex id of the master key that wrapped it, so rotation finds what is left to re-wrap
    master_key_id: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    rewrapped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"CaseKey(case_id={self.case_id}, master_key_id={self.master_key_id})"
