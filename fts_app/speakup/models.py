"""Portal tables: equality answers kept apart from any case, and the portal-wide budgets."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, LargeBinary, String
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
    """The portal-wide budgets (access-code checks, submissions): a row and a timestamp each.

    See fts_app/speakup/throttle.py. Nothing is kept per case reference or per sender, so the
    table never shows which references were tried or who sent anything.
    """

    __tablename__ = "follow_up_throttle"

    #: "overall", the one budget every check takes from, or "submissions"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: nothing more is taken before this time; the further it falls behind now, the fuller the
    #: budget, and it never lies more than one interval ahead
    next_allowed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EndedPortalSession(Base):
    """A portal session the person signed out of: its cookie is refused from then on.

    Only a hash of the session's random token and a day are kept: no case, no time of day, so the
    table says nothing of who signed out of what, or when within the day (README, "Who sees what").
    """

    __tablename__ = "ended_portal_sessions"

    #: SHA-256 of the token kept in the portal cookie
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: the row is needed only while the cookie could still be used; it goes after this day
    keep_until: Mapped[date] = mapped_column(Date, index=True)
