"""Portal tables: equality answers kept apart from any case, and the portal-wide budgets."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fts_app.db import Base, StrEnumType
from fts_app.speakup.enums import AgeBand, Disability, Ethnicity, Religion, Sex, SexualOrientation


class EqualityResponse(Base):
    """Voluntary equality answers with no link to the case they came with.

    Unlinked coded answers can be counted in SQL without decrypting anything, and no one,
    guardians included, can join them back to a person's concern.
    """

    __tablename__ = "equality_responses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the financial quarter it arrived in, e.g. 2026-27-Q2: the only time detail kept, so the
    #: row cannot be matched to a case by when it was written
    quarter: Mapped[str] = mapped_column(String(10), index=True)
    ethnicity: Mapped[Ethnicity | None] = mapped_column(StrEnumType(Ethnicity, 40))
    disability: Mapped[Disability | None] = mapped_column(StrEnumType(Disability, 40))
    sex: Mapped[Sex | None] = mapped_column(StrEnumType(Sex, 40))
    sexual_orientation: Mapped[SexualOrientation | None] = mapped_column(
        StrEnumType(SexualOrientation, 40)
    )
    religion: Mapped[Religion | None] = mapped_column(StrEnumType(Religion, 40))
    age_band: Mapped[AgeBand | None] = mapped_column(StrEnumType(AgeBand, 40))


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
