"""Portal tables: equality answers kept apart from any case, and the access-code check budget."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from fts_app.db import Base


class PendingEquality(Base):
    """One submission's equality answers, sealed, waiting to be added to the counts.

    The submission's own transaction writes only this row, so the row holds nothing readable
    without the master key: not the answers, not the quarter, not even whether any question
    was answered (every portal submission writes one, padded to one length). A later,
    separate transaction adds a batch of them to `EqualityCount` and deletes them (see
    fts_app/speakup/equality.py and README "Who sees what").
    """

    __tablename__ = "equality_pending"

    #: random, so neither the id nor the table's key order follows the order of submissions
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: the quarter and answers, sealed under a key derived from the master key for this use
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class EqualityCount(Base):
    """How many forms of a quarter gave one answer to one question: the only figures kept.

    Written only by a flush, which adds a batch of pending entries at once and rewrites every
    count of the quarters it touches, so no row's transaction, time or position points to a case.
    """

    __tablename__ = "equality_counts"

    #: the financial quarter, e.g. 2026-27-Q2
    quarter: Mapped[str] = mapped_column(String(10), primary_key=True)
    #: an EqualityAnswers field name, or "responses" for the number of forms
    question: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: the answer's value; "" for the question left blank (and for the "responses" row)
    answer: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class FollowUpThrottle(Base):
    """The portal-wide budget for access-code checks: one row, one timestamp.

    See fts_app/speakup/throttle.py. Nothing is kept per case reference, so the table never
    shows which references were tried.
    """

    __tablename__ = "follow_up_throttle"

    #: always "overall": the one budget every check takes from
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: no check runs before this time; the further it falls behind now, the fuller the budget,
    #: and it never lies more than one interval (half a second) ahead
    next_allowed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
