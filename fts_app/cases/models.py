"""Cases, their timeline and messages: structured fields plain, free text encrypted."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fts_app.cases.enums import (
    AccessKind,
    CaseStatus,
    ConfidentialityLevel,
    Element,
    EventKind,
    MessageDirection,
    Route,
    SpeakUpAgain,
    WorkerGroup,
)
from fts_app.crypto.fields import EncryptedField
from fts_app.db import Base, StrEnumType
from fts_app.timeutil import utcnow


def new_case_id() -> str:
    """Return a random case id; known before insert so content can be bound to it."""
    return uuid.uuid4().hex


#: every plain column the case list filters, counts and shows, so its queries read only an
#: index and never the wide rows that carry the encrypted text
LIST_COLUMNS = (
    "restricted",
    "purged_at",
    "route",
    "confidentiality",
    "worker_group",
    "directorate_id",
    "acknowledge_due_on",
    "acknowledged_on",
    "first_feedback_due_on",
    "first_feedback_on",
    "feedback_not_possible_on",
    "unread_for_guardian",
)


class Case(Base):
    """One concern raised by one person, by whatever route it arrived."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_status_received", "status", "received_on"),
        Index("ix_cases_received_on", "received_on"),
        # counts: in id order within a status, so each user's access rows are read page by page
        Index("ix_cases_list_by_status", "status", "id", "received_on", "reference", *LIST_COLUMNS),
        # pages in date order however few cases match; without the id, so counts prefer the other
        Index("ix_cases_list_by_received", "received_on", "reference", "status", *LIST_COLUMNS),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_case_id)
    #: e.g. FTSU-2026-0042, unique, shown to the person and guardians
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    route: Mapped[Route] = mapped_column(StrEnumType(Route, 30))
    confidentiality: Mapped[ConfidentialityLevel] = mapped_column(
        StrEnumType(ConfidentialityLevel, 20)
    )
    worker_group: Mapped[WorkerGroup] = mapped_column(
        StrEnumType(WorkerGroup, 40), default=WorkerGroup.NOT_KNOWN
    )
    directorate_id: Mapped[int | None] = mapped_column(
        ForeignKey("directorates.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[CaseStatus] = mapped_column(StrEnumType(CaseStatus, 20), default=CaseStatus.NEW)
    received_on: Mapped[date] = mapped_column(Date)
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    first_feedback_on: Mapped[date | None] = mapped_column(Date)
    #: the day the guardian found no feedback could be given (an anonymous letter with no way
    #: to reply): it stops the first feedback clock as giving feedback would
    feedback_not_possible_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    acknowledge_due_on: Mapped[date | None] = mapped_column(Date)
    first_feedback_due_on: Mapped[date | None] = mapped_column(Date)
    substantive_feedback_due_on: Mapped[date | None] = mapped_column(Date)
    detriment_check_in_due_on: Mapped[date | None] = mapped_column(Date)
    detriment_checked_in_on: Mapped[date | None] = mapped_column(Date)
    #: the person indicated disadvantageous or demeaning treatment for speaking up
    detriment_indicated: Mapped[bool] = mapped_column(Boolean, default=False)
    #: visible only to the guardians named on it (a concern about a colleague)
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    unread_for_guardian: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the answer to "would you speak up again?", plain for reporting
    speak_up_again: Mapped[SpeakUpAgain | None] = mapped_column(StrEnumType(SpeakUpAgain, 20))
    speak_up_again_on: Mapped[date | None] = mapped_column(Date)
    #: argon2id hash of the person's access code; the code itself is shown once
    access_code_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    #: set when retention destroyed the data key and content; figures stay for reports
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    narrative_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    location_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    when_happened_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    harm_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    raised_before_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    outcome_hoped_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    contact_name_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    contact_details_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    outcome_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    learning_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    open_actions_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    speak_up_again_comment_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)

    narrative = EncryptedField()
    location = EncryptedField()
    when_happened = EncryptedField()
    harm = EncryptedField()
    raised_before = EncryptedField()
    outcome_hoped = EncryptedField()
    contact_name = EncryptedField()
    contact_details = EncryptedField()
    outcome = EncryptedField()
    learning = EncryptedField()
    open_actions = EncryptedField()
    speak_up_again_comment = EncryptedField()

    element_rows: Mapped[list[CaseElement]] = relationship(
        back_populates="case", cascade="all, delete-orphan", lazy="selectin"
    )
    access_rows: Mapped[list[CaseAccess]] = relationship(
        back_populates="case", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def encryption_owner_id(self) -> str:
        """Name the case whose data key encrypts this row."""
        return self.id

    @property
    def elements(self) -> list[Element]:
        """Return the case's elements in the national order."""
        chosen = {row.element for row in self.element_rows}
        return [element for element in Element if element in chosen]

    @property
    def raised_anonymously(self) -> bool:
        """Tell whether the national 'raised anonymously' flag applies."""
        return self.confidentiality == ConfidentialityLevel.ANONYMOUS

    def __repr__(self) -> str:
        return f"Case(reference={self.reference}, status={self.status})"


class CaseElement(Base):
    """One element of a case, a row each so reports count them in SQL."""

    __tablename__ = "case_elements"

    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    element: Mapped[Element] = mapped_column(StrEnumType(Element, 40), primary_key=True, index=True)
    case: Mapped[Case] = relationship(back_populates="element_rows")


class CaseAccess(Base):
    """A guardian a case is assigned or shared with."""

    __tablename__ = "case_access"
    #: one user's cases, read in a single index range when listing them
    __table_args__ = (Index("ix_case_access_user_case", "user_id", "case_id"),)

    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    kind: Mapped[AccessKind] = mapped_column(
        StrEnumType(AccessKind, 20), default=AccessKind.ASSIGNED
    )
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    case: Mapped[Case] = relationship(back_populates="access_rows")


class CaseEvent(Base):
    """An entry in a case's timeline, with who and when."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_occurred", "case_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[EventKind] = mapped_column(StrEnumType(EventKind, 30))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: the staff member who recorded it; None for the person who spoke up or the system
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: structured detail for reports, from the vocabulary the kind names (cases/timeline.py):
    #: escalation target, feedback method, new status
    category: Mapped[str | None] = mapped_column(String(40))
    #: the day it happened, when a guardian records it after the fact
    effective_on: Mapped[date | None] = mapped_column(Date)
    body_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    body = EncryptedField()

    @property
    def encryption_owner_id(self) -> str:
        """Name the case whose data key encrypts this row."""
        return self.case_id

    def __repr__(self) -> str:
        return f"CaseEvent(case_id={self.case_id}, kind={self.kind})"


class CaseMessage(Base):
    """A message between guardians and the person who spoke up, seen on the portal."""

    __tablename__ = "case_messages"
    __table_args__ = (Index("ix_case_messages_case_sent", "case_id", "sent_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    direction: Mapped[MessageDirection] = mapped_column(StrEnumType(MessageDirection, 20))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    body_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    body = EncryptedField()

    @property
    def encryption_owner_id(self) -> str:
        """Name the case whose data key encrypts this row."""
        return self.case_id

    def __repr__(self) -> str:
        return f"CaseMessage(case_id={self.case_id}, direction={self.direction})"


class ReferenceCounter(Base):
    """The last reference number issued in a year; updated under a row lock."""

    __tablename__ = "reference_counters"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
