"""Portal rules: send a concern, give and check access codes, and follow a case up."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fts_app import db
from fts_app.admin.models import Directorate
from fts_app.admin.services import get_settings
from fts_app.audit.services import record
from fts_app.auth.passwords import access_code_needs_rehash, hash_access_code, secret_matches
from fts_app.cases.access_codes import (
    new_access_code,
    new_hashed_access_code,
    normalise_access_code,
)
from fts_app.cases.enums import (
    CaseStatus,
    CheckInResult,
    ConfidentialityLevel,
    EventKind,
    MessageDirection,
    Route,
    SpeakUpAgain,
)
from fts_app.cases.intake import NewConcern, open_case
from fts_app.cases.models import Case, CaseEvent, CaseMessage
from fts_app.speakup import throttle
from fts_app.speakup.enums import DetrimentAnswer
from fts_app.speakup.equality import EqualityAnswers, flush_after_submission, hold_answers
from fts_app.timeutil import start_of_london_day, today_in_london

#: references count on past 9999 (and 999999) with more digits, so any number of 4 or more
REFERENCE_FORMAT = re.compile(r"FTSU-\d{4}-\d{4,}\Z")
#: hex digits of the code fingerprint a portal session keeps (64 bits)
CODE_FINGERPRINT_LENGTH = 16


class WrongReferenceOrCode(Exception):
    """The reference is unknown or the code does not match it; we never say which."""


class TooManyAttempts(Exception):
    """The portal is checking codes as fast as it allows: try again at `retry_at`, a moment away."""

    def __init__(self, retry_at: datetime) -> None:
        super().__init__("too many attempts")
        self.retry_at = retry_at


class PortalBusy(Exception):
    """The portal has taken as many submissions as its budget allows: try again at `retry_at`."""

    def __init__(self, retry_at: datetime) -> None:
        super().__init__("submission budget spent")
        self.retry_at = retry_at


class CaseNotAvailable(Exception):
    """The case is gone (its content was destroyed at the end of retention)."""


class AccessCodeReplaced(CaseNotAvailable):
    """The case has a new access code since it was opened with the old one."""


class QuestionNotOpen(Exception):
    """The question cannot be answered now: not asked yet, or already answered."""


def normalise_reference(typed: str) -> str:
    """Return a typed case reference in capitals with no spaces, as references are stored."""
    return "".join(typed.split()).upper()


def is_reference(typed: str) -> bool:
    """Tell whether text has the shape of a case reference (it may still be unknown)."""
    return bool(REFERENCE_FORMAT.match(normalise_reference(typed)))


def active_directorates() -> list[tuple[str, str]]:
    """Return the directorates and sites a concern can be about, as (id, name) by name."""
    rows = db.session().execute(
        select(Directorate.id, Directorate.name)
        .where(Directorate.is_active.is_(True))
        .order_by(Directorate.name)
    )
    return [(str(row.id), row.name) for row in rows]


def acknowledge_working_days() -> int:
    """Return within how many working days the organisation promises a first reply."""
    return get_settings(db.session()).acknowledge_working_days


@dataclass(frozen=True)
class Receipt:
    """What the person is shown once after sending a concern."""

    reference: str
    access_code: str = field(repr=False)
    reply_by: date | None


def submit_concern(concern: NewConcern, equality: EqualityAnswers) -> Receipt:
    """Put a concern from the portal in the guardians' queue and give its access code.

    Raises PortalBusy, storing nothing, when the portal-wide submission budget is spent.
    """
    with db.write_transaction() as session:
        retry_at = throttle.admit(session, budget=throttle.submission_budget())
    if retry_at is not None:
        raise PortalBusy(retry_at)
    if concern.confidentiality is ConfidentialityLevel.ANONYMOUS:
        concern = replace(concern, contact_name=None, contact_details=None)
    concern = replace(concern, route=Route.ONLINE_PORTAL, received_on=today_in_london())
    # hashed first: the write transaction holds the database's write lock, so keep it short
    code, code_hash = new_hashed_access_code()
    with db.write_transaction() as session:
        case = open_case(session, concern, recorded_at=start_of_london_day())
        case.unread_for_guardian = True
        case.access_code_hash = code_hash
        _record_for_person(session, "portal.submitted", case)
        # every submission seals one entry, answered or not, so its presence says nothing
        hold_answers(session, equality, concern.received_on)
    receipt = Receipt(case.reference, code, case.acknowledge_due_on)
    # never in the submission's transaction: its rows must not share one with the case
    flush_after_submission()
    return receipt


@cache
def _decoy_hash() -> str:
    # Checked when the reference is unknown, so that answer takes as long as a wrong code.
    return hash_access_code(normalise_access_code(new_access_code()))


@dataclass(frozen=True)
class PortalPass:
    """A case opened on the portal, good while its access code is the one that opened it."""

    case_id: str
    #: keyed fingerprint of the code's stored hash: a new code, and so a new hash, ends the pass
    code_fingerprint: str = field(repr=False)


def open_follow_up(reference: str, access_code: str) -> PortalPass:
    """Return the pass a reference and access code open, or raise; the same for any miss."""
    reference = normalise_reference(reference)
    with db.write_transaction() as session:
        retry_at = throttle.admit(session)
    if retry_at is not None:
        raise TooManyAttempts(retry_at)
    decoy = _decoy_hash()
    case_id, stored_hash = _access_code_hash_for(reference)
    code = normalise_access_code(access_code)
    matched = secret_matches(stored_hash or decoy, code)
    if not (matched and case_id and stored_hash):
        with db.write_transaction() as session:
            _audit_for_person(session, "portal.follow_up_failed", case_id)
        raise WrongReferenceOrCode
    # hashed before the write lock is taken, as every code is
    rehashed = hash_access_code(code) if access_code_needs_rehash(stored_hash) else None
    with db.write_transaction() as session:
        _audit_for_person(session, "portal.follow_up_opened", case_id)
        if rehashed:
            _replace_access_code_hash(session, case_id, stored_hash, rehashed)
    return PortalPass(case_id, _code_fingerprint(rehashed or stored_hash))


def _code_fingerprint(code_hash: str) -> str:
    # Keyed, because the session cookie can be read by whoever holds the browser.
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, b"portal-code:" + code_hash.encode(), hashlib.sha256).hexdigest()
    return digest[:CODE_FINGERPRINT_LENGTH]


def _replace_access_code_hash(session: Session, case_id: str, old: str, new: str) -> None:
    # A code hashed with older settings costs more to check than the decoy, which would tell
    # a wrong code on an old case from an unknown reference. Only the hash just checked is
    # replaced: a guardian may have given a new code meanwhile.
    session.execute(
        update(Case)
        .where(Case.id == case_id, Case.access_code_hash == old)
        .values(access_code_hash=new)
    )


def _access_code_hash_for(reference: str) -> tuple[str | None, str | None]:
    row = (
        db.session()
        .execute(
            select(Case.id, Case.access_code_hash).where(
                Case.reference == reference, Case.purged_at.is_(None)
            )
        )
        .first()
    )
    db.session().commit()
    return (row.id, row.access_code_hash) if row else (None, None)


@dataclass(frozen=True)
class PortalMessage:
    """One message as the person sees it."""

    from_guardian: bool
    sent_at: datetime
    body: str = field(repr=False)


@dataclass(frozen=True)
class PersonCaseView:
    """What the person who spoke up sees of their own case."""

    reference: str
    status: CaseStatus
    received_on: date
    next_reply_due: date | None
    messages: list[PortalMessage] = field(default_factory=list)
    speak_up_again: SpeakUpAgain | None = None
    #: the check-in after closure is due and not yet answered
    check_in_open: bool = False

    @property
    def may_answer_speak_up_again(self) -> bool:
        """Tell whether to ask "would you speak up again?" now: closed and not yet answered."""
        return self.status is CaseStatus.CLOSED and self.speak_up_again is None

    @property
    def reply_is_late(self) -> bool:
        """Tell whether the expected reply date has passed."""
        return self.next_reply_due is not None and self.next_reply_due < today_in_london()


def read_own_case(portal_pass: PortalPass) -> PersonCaseView:
    """Return the person's view of their case and mark the guardian's messages as read."""
    with db.write_transaction() as session:
        case = _available_case(session, portal_pass)
        messages = list(
            session.scalars(
                select(CaseMessage)
                .where(CaseMessage.case_id == case.id)
                # in the order written: the person's own keep only their day (see below)
                .order_by(CaseMessage.id)
            )
        )
        for message in messages:
            if message.direction == MessageDirection.TO_PERSON and message.read_at is None:
                # read or not is what the guardian needs; the day is all that is kept of when
                message.read_at = start_of_london_day()
        return PersonCaseView(
            reference=case.reference,
            status=CaseStatus(case.status),
            received_on=case.received_on,
            next_reply_due=next_reply_due(case),
            messages=[_as_portal_message(message) for message in messages],
            speak_up_again=SpeakUpAgain.parse(case.speak_up_again),
            check_in_open=check_in_open(case),
        )


def next_reply_due(case: Case) -> date | None:
    """Return the date by which the person can expect the next reply, while the case is open."""
    if case.status == CaseStatus.CLOSED:
        return None
    if case.acknowledged_on is None:
        return case.acknowledge_due_on
    if case.first_feedback_on is None and case.feedback_not_possible_on is None:
        return case.first_feedback_due_on
    # the first feedback's step is over, given or found not possible: the next one is due
    return case.substantive_feedback_due_on


def check_in_open(case: Case) -> bool:
    """Tell whether the check-in after closure is due today and not yet answered."""
    due = case.detriment_check_in_due_on
    return (
        case.status == CaseStatus.CLOSED
        and due is not None
        and due <= today_in_london()
        and case.detriment_checked_in_on is None
    )


def _as_portal_message(message: CaseMessage) -> PortalMessage:
    return PortalMessage(
        from_guardian=message.direction == MessageDirection.TO_PERSON,
        sent_at=message.sent_at,
        body=message.body or "",
    )


def _available_case(session: Session, portal_pass: PortalPass) -> Case:
    case = session.get(Case, portal_pass.case_id)
    if case is None or case.purged_at is not None:
        raise CaseNotAvailable(portal_pass.case_id)
    if not _opened_with_current_code(case, portal_pass):
        raise AccessCodeReplaced(portal_pass.case_id)
    return case


def _opened_with_current_code(case: Case, portal_pass: PortalPass) -> bool:
    code_hash = case.access_code_hash
    return code_hash is not None and hmac.compare_digest(
        _code_fingerprint(code_hash), portal_pass.code_fingerprint
    )


def add_reply(portal_pass: PortalPass, body: str) -> None:
    """Add the person's message to the case and flag it for the guardian."""
    with db.write_transaction() as session:
        case = _available_case(session, portal_pass)
        message = CaseMessage(
            case_id=case.id,
            direction=MessageDirection.FROM_PERSON,
            sent_at=start_of_london_day(),
        )
        session.add(message)
        message.body = body
        case.unread_for_guardian = True
        _record_for_person(session, "portal.reply_added", case)


def answer_speak_up_again(
    portal_pass: PortalPass, answer: SpeakUpAgain, comment: str | None
) -> None:
    """Record the answer to "would you speak up again?", once, after the case is closed."""
    with db.write_transaction() as session:
        case = _available_case(session, portal_pass)
        record_speak_up_again(session, case, answer, comment, today_in_london())


def record_speak_up_again(
    session: Session, case: Case, answer: SpeakUpAgain, comment: str | None, answered_on: date
) -> CaseEvent:
    """Record the answer in the caller's transaction (see `answer_speak_up_again`)."""
    if case.status != CaseStatus.CLOSED or case.speak_up_again is not None:
        raise QuestionNotOpen
    case.speak_up_again = answer
    case.speak_up_again_on = answered_on
    case.speak_up_again_comment = comment
    case.unread_for_guardian = True
    event = CaseEvent(
        case_id=case.id,
        kind=EventKind.SPEAK_UP_AGAIN_ANSWER,
        category=answer.value,
        occurred_at=start_of_london_day(),
    )
    session.add(event)
    _record_for_person(session, "portal.speak_up_again_answered", case, answer=answer.value)
    return event


CHECK_IN_RESULTS = {
    DetrimentAnswer.YES: CheckInResult.DETRIMENT,
    DetrimentAnswer.NO: CheckInResult.NO_DETRIMENT,
}


def answer_check_in(portal_pass: PortalPass, answer: DetrimentAnswer, details: str | None) -> None:
    """Record the person's answer to the check-in after closure, once, when it is due."""
    with db.write_transaction() as session:
        case = _available_case(session, portal_pass)
        if not check_in_open(case):
            raise QuestionNotOpen
        result = CHECK_IN_RESULTS[answer]
        today = today_in_london()
        case.detriment_checked_in_on = today
        if result is CheckInResult.DETRIMENT:
            case.detriment_indicated = True
        case.unread_for_guardian = True
        event = CaseEvent(
            case_id=case.id,
            kind=EventKind.DETRIMENT_CHECK_IN,
            category=result.value,
            effective_on=today,
            occurred_at=start_of_london_day(),
        )
        session.add(event)
        event.body = details
        _record_for_person(session, "portal.check_in_answered", case, result=result.value)


def _record_for_person(session: Session, action: str, case: Case, **detail: object) -> None:
    """Audit what the person did to their case, and mark the case changed, to the day only."""
    case.updated_at = start_of_london_day()
    _audit_for_person(session, action, case.id, **detail)


def _audit_for_person(session: Session, action: str, case_id: str | None, **detail: object) -> None:
    """Audit a portal visitor's action, keeping only its day.

    A time of day of the person's own actions, matched with rotas, door logs or proxy logs,
    could tell who they are (README, "Who sees what").
    """
    record(session, action, case_id=case_id, occurred_at=start_of_london_day(), **detail)
