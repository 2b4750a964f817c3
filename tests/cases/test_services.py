"""Casework services: each records its timeline entry and exactly one audit entry."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from fts_app import db
from fts_app.audit.models import AuditEvent
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.auth.passwords import secret_matches
from fts_app.cases import access_codes, assignment, intake, progress, reading
from fts_app.cases.access import CaseNotVisible
from fts_app.cases.access_codes import normalise_access_code
from fts_app.cases.enums import (
    CaseStatus,
    CheckInResult,
    ConfidentialityLevel,
    Element,
    EscalationTarget,
    EventKind,
    FeedbackMethod,
    MessageDirection,
    Route,
)
from fts_app.cases.intake import NewConcern
from fts_app.cases.models import Case, CaseEvent, CaseMessage
from fts_app.cases.timeline import audit_history, timeline
from fts_app.cases.writes import CaseActionRefused

from .conftest import audit_actions, event_kinds, reload

SECRET = "Words that must never reach the audit trail"

#: service call -> the timeline entry it adds and the audit action it writes
RECORDINGS = [
    (lambda ref, u: progress.add_note(ref, u, SECRET), EventKind.NOTE, "case.note_added"),
    (
        lambda ref, u: progress.record_action(ref, u, SECRET, date(2026, 10, 1)),
        EventKind.ACTION,
        "case.action_recorded",
    ),
    (
        lambda ref, u: progress.record_escalation(
            ref, u, EscalationTarget.EXECUTIVE_LEAD, SECRET, date(2026, 10, 1)
        ),
        EventKind.ESCALATION,
        "case.escalated",
    ),
    (
        lambda ref, u: progress.record_referral(
            ref, u, EscalationTarget.COUNTER_FRAUD, SECRET, date(2026, 10, 1)
        ),
        EventKind.REFERRAL,
        "case.referred",
    ),
    (
        lambda ref, u: progress.record_feedback(
            ref, u, date(2026, 9, 20), FeedbackMethod.PHONE, SECRET
        ),
        EventKind.FEEDBACK,
        "case.feedback_recorded",
    ),
    (
        lambda ref, u: progress.record_feedback_not_possible(ref, u, SECRET, date(2026, 9, 20)),
        EventKind.FEEDBACK_NOT_POSSIBLE,
        "case.feedback_not_possible",
    ),
    (
        lambda ref, u: progress.record_detriment(ref, u, SECRET, "Spoke to HR", date(2026, 10, 2)),
        EventKind.DETRIMENT,
        "case.detriment_recorded",
    ),
    (
        lambda ref, u: progress.record_identity_disclosure(
            ref, u, "Head of HR", SECRET, date(2026, 10, 3)
        ),
        EventKind.IDENTITY_DISCLOSURE,
        "identity.disclosed",
    ),
    (
        lambda ref, u: progress.acknowledge_case(ref, u, date(2026, 9, 15), SECRET),
        EventKind.ACKNOWLEDGED,
        "case.acknowledged",
    ),
    (
        lambda ref, u: assignment.set_restricted(ref, u, True),
        EventKind.STATUS_CHANGE,
        "case.restriction_changed",
    ),
]


@pytest.mark.parametrize(("call", "kind", "action"), RECORDINGS)
def test_each_recording_adds_its_entry_and_one_audit_entry(
    make_case: Callable[..., Case],
    guardian: User,
    fixed_today: date,
    call: Callable[[str, User], None],
    kind: EventKind,
    action: str,
) -> None:
    case = make_case(actor_id=guardian.id)
    call(case.reference, guardian)
    assert event_kinds(case) == [EventKind.RECEIVED.value, kind.value]
    assert audit_actions(case) == ["case.opened", action]
    details = db.session().scalars(select(AuditEvent.detail)).all()
    assert not any(SECRET in detail for detail in details)


def test_recorded_text_is_encrypted_and_read_back_on_the_timeline(
    make_case: Callable[..., Case], guardian: User, fixed_today: date
) -> None:
    case = make_case()
    progress.record_escalation(
        case.reference, guardian, EscalationTarget.REGULATOR, SECRET, date(2026, 10, 1)
    )
    stored = (
        db.session()
        .scalars(select(CaseEvent).where(CaseEvent.kind == EventKind.ESCALATION.value))
        .one()
    )
    assert SECRET.encode() not in stored.body_ciphertext
    newest = timeline(db.session(), reload(case))[0]
    assert (newest.title, newest.category, newest.body, newest.who) == (
        "Escalation",
        "A regulator or prescribed person",
        SECRET,
        "Gita Guardian",
    )
    assert newest.happened_on == date(2026, 10, 1)


def test_a_service_refuses_a_case_the_user_may_not_see(
    make_case: Callable[..., Case], guardian: User, other_guardian: User
) -> None:
    case = make_case(actor_id=other_guardian.id)
    with pytest.raises(CaseNotVisible):
        progress.add_note(case.reference, guardian, "A note")
    assert event_kinds(case) == [EventKind.RECEIVED.value]


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (date(2026, 9, 13), "before the concern was received"),
        (date(2026, 11, 27), "in the future"),
    ],
)
def test_dates_outside_the_case_are_refused(
    make_case: Callable[..., Case], guardian: User, fixed_today: date, day: date, message: str
) -> None:
    case = make_case(received_on=date(2026, 9, 14))
    with pytest.raises(CaseActionRefused, match=message):
        progress.record_action(case.reference, guardian, "Met the manager", day)
    assert event_kinds(case) == [EventKind.RECEIVED.value]


@pytest.mark.parametrize(
    ("earlier", "later", "expected"),
    [
        (date(2026, 9, 20), date(2026, 10, 5), date(2026, 9, 20)),
        (date(2026, 10, 5), date(2026, 9, 20), date(2026, 9, 20)),
    ],
)
def test_first_feedback_is_the_earliest_feedback_recorded(
    make_case: Callable[..., Case],
    guardian: User,
    fixed_today: date,
    earlier: date,
    later: date,
    expected: date,
) -> None:
    case = make_case()
    for day in (earlier, later):
        progress.record_feedback(case.reference, guardian, day, FeedbackMethod.EMAIL, "Update")
    assert reload(case).first_feedback_on == expected


@pytest.mark.parametrize(
    ("earlier", "later", "expected"),
    [
        (date(2026, 9, 20), date(2026, 10, 5), date(2026, 9, 20)),
        (date(2026, 10, 5), date(2026, 9, 20), date(2026, 9, 20)),
    ],
)
def test_feedback_is_found_not_possible_on_the_earliest_day_recorded(
    make_case: Callable[..., Case],
    guardian: User,
    fixed_today: date,
    earlier: date,
    later: date,
    expected: date,
) -> None:
    case = make_case()
    for day in (earlier, later):
        progress.record_feedback_not_possible(case.reference, guardian, "Anonymous letter", day)
    stored = reload(case)
    assert (stored.feedback_not_possible_on, stored.first_feedback_on) == (expected, None)
    assert timeline(db.session(), stored)[0].happened_on == later


def test_recording_detriment_sets_the_national_flag(
    make_case: Callable[..., Case], guardian: User, fixed_today: date
) -> None:
    case = make_case()
    progress.record_detriment(
        case.reference, guardian, "Left off the rota", "Raised with the director", date(2026, 10, 1)
    )
    assert reload(case).detriment_indicated is True
    body = timeline(db.session(), reload(case))[0].body
    assert body == "What was reported: Left off the rota\n\nWhat was done: Raised with the director"


def test_acknowledging_starts_work_and_counts_substantive_feedback_from_it(
    make_case: Callable[..., Case], guardian: User, fixed_today: date
) -> None:
    case = make_case(received_on=date(2026, 9, 14))
    progress.acknowledge_case(case.reference, guardian, date(2026, 9, 16))
    stored = reload(case)
    assert stored.status == CaseStatus.IN_PROGRESS.value
    assert stored.acknowledged_on == date(2026, 9, 16)
    assert stored.substantive_feedback_due_on == date(2026, 12, 16)
    assert [(row.user_id, row.kind) for row in stored.access_rows] == [(guardian.id, "assigned")]


def test_a_case_is_acknowledged_once(
    make_case: Callable[..., Case], guardian: User, fixed_today: date
) -> None:
    case = make_case()
    progress.acknowledge_case(case.reference, guardian, date(2026, 9, 15))
    with pytest.raises(CaseActionRefused, match="already been acknowledged"):
        progress.acknowledge_case(case.reference, guardian, date(2026, 9, 16))
    assert reload(case).acknowledged_on == date(2026, 9, 15)


def test_taking_a_case_from_the_queue_assigns_it(
    make_case: Callable[..., Case], guardian: User, other_guardian: User
) -> None:
    case = make_case()
    assignment.take_case(case.reference, guardian)
    assert [(row.user_id, row.kind) for row in reload(case).access_rows] == [
        (guardian.id, "assigned")
    ]
    assert event_kinds(case) == [EventKind.RECEIVED.value, EventKind.ASSIGNMENT.value]
    assert audit_actions(case) == ["case.opened", "case.taken"]
    with pytest.raises(CaseNotVisible):
        assignment.take_case(case.reference, other_guardian)


def test_acknowledging_a_queued_case_takes_it_with_the_entries_taking_writes(
    make_case: Callable[..., Case], guardian: User, fixed_today: date
) -> None:
    case = make_case()
    progress.acknowledge_case(case.reference, guardian, date(2026, 9, 15))
    assert [(row.user_id, row.kind) for row in reload(case).access_rows] == [
        (guardian.id, "assigned")
    ]
    assert event_kinds(case) == [
        EventKind.RECEIVED.value,
        EventKind.ASSIGNMENT.value,
        EventKind.ACKNOWLEDGED.value,
    ]
    assert audit_actions(case) == ["case.opened", "case.taken", "case.acknowledged"]


def test_a_taken_case_cannot_be_taken_again(
    make_case: Callable[..., Case], guardian: User, lead: User
) -> None:
    case = make_case()
    assignment.take_case(case.reference, guardian)
    with pytest.raises(CaseActionRefused, match="no longer in the queue"):
        assignment.take_case(case.reference, lead)


def test_the_lead_guardian_assigns_in_place_of_the_previous_guardian(
    make_case: Callable[..., Case], guardian: User, other_guardian: User, lead: User
) -> None:
    case = make_case(actor_id=guardian.id)
    assignment.assign_case(case.reference, lead, other_guardian.id)
    assert [(row.user_id, row.kind) for row in reload(case).access_rows] == [
        (other_guardian.id, "assigned")
    ]
    assert audit_actions(case)[-1] == "case.assigned"


def test_only_the_lead_guardian_assigns(
    make_case: Callable[..., Case], guardian: User, other_guardian: User
) -> None:
    case = make_case(actor_id=guardian.id)
    with pytest.raises(CaseActionRefused, match="Only the lead guardian"):
        assignment.assign_case(case.reference, guardian, other_guardian.id)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.BOARD])
def test_a_case_cannot_be_assigned_or_shared_with_someone_who_does_not_work_cases(
    make_case: Callable[..., Case],
    make_user: Callable[..., User],
    guardian: User,
    lead: User,
    role: Role,
) -> None:
    case = make_case(actor_id=guardian.id)
    outsider = make_user(role)
    for share in (assignment.share_case, assignment.assign_case):
        with pytest.raises(CaseActionRefused, match="Choose a guardian"):
            share(case.reference, lead, outsider.id)
    assert {row.user_id for row in reload(case).access_rows} == {guardian.id}


def test_sharing_lets_another_guardian_open_the_case(
    make_case: Callable[..., Case], guardian: User, other_guardian: User
) -> None:
    case = make_case(actor_id=guardian.id)
    assignment.share_case(case.reference, guardian, other_guardian.id)
    progress.add_note(case.reference, other_guardian, "Seen it")
    with pytest.raises(CaseActionRefused, match="can already open"):
        assignment.share_case(case.reference, guardian, other_guardian.id)


def test_restricting_a_case_keeps_it_for_whoever_restricted_it(
    make_case: Callable[..., Case], guardian: User, lead: User
) -> None:
    case = make_case(actor_id=guardian.id)
    assignment.set_restricted(case.reference, lead, True)
    stored = reload(case)
    assert stored.restricted is True
    assert {(row.user_id, row.kind) for row in stored.access_rows} == {
        (guardian.id, "assigned"),
        (lead.id, "shared"),
    }
    progress.add_note(case.reference, lead, "Still visible to me")


def test_lifting_a_restriction_brings_the_case_back_to_the_lead_guardian(
    make_case: Callable[..., Case], guardian: User, lead: User
) -> None:
    case = make_case(actor_id=guardian.id, restricted=True)
    with pytest.raises(CaseNotVisible):
        reading.view_case(case.reference, lead)
    assignment.set_restricted(case.reference, guardian, False)
    assert reading.view_case(case.reference, lead).id == case.id


def test_a_message_to_the_person_is_stored_encrypted_for_the_portal(
    make_case: Callable[..., Case], guardian: User
) -> None:
    case = make_case(actor_id=guardian.id)
    progress.send_message_to_person(case.reference, guardian, "We have met the ward manager.")
    message = db.session().scalars(select(CaseMessage)).one()
    assert message.direction == MessageDirection.TO_PERSON.value
    assert message.author_id == guardian.id
    assert b"ward manager" not in message.body_ciphertext
    assert message.body == "We have met the ward manager."
    assert audit_actions(case)[-1] == "message.sent"


def add_message_from_person(case: Case) -> None:
    with db.write_transaction() as session:
        message = CaseMessage(case_id=case.id, direction=MessageDirection.FROM_PERSON.value)
        session.add(message)
        message.body = "Is there any news?"
        session.get(Case, case.id).unread_for_guardian = True


def test_opening_a_case_marks_the_persons_messages_read_for_its_guardian(
    make_case: Callable[..., Case], guardian: User
) -> None:
    case = make_case(actor_id=guardian.id)
    add_message_from_person(case)
    reading.view_case(case.reference, guardian)
    assert reload(case).unread_for_guardian is False
    assert db.session().scalars(select(CaseMessage)).one().read_at is not None
    assert audit_actions(case)[-1] == "case.viewed"


def test_the_lead_guardian_glancing_at_a_case_leaves_messages_unread(
    make_case: Callable[..., Case], guardian: User, lead: User
) -> None:
    case = make_case(actor_id=guardian.id)
    add_message_from_person(case)
    reading.view_case(case.reference, lead)
    assert reload(case).unread_for_guardian is True
    assert db.session().scalars(select(CaseMessage)).one().read_at is None


def test_revealing_the_identity_is_audited_without_the_identity(
    make_case: Callable[..., Case], guardian: User
) -> None:
    case = make_case(actor_id=guardian.id, contact_name="Jo Bloggs", contact_details="07700 900123")
    identity = reading.reveal_identity(case.reference, guardian)
    assert identity == reading.Identity("Jo Bloggs", "07700 900123")
    entry = db.session().scalars(select(AuditEvent).order_by(AuditEvent.sequence.desc())).first()
    assert entry.action == "identity.revealed"
    assert "Jo Bloggs" not in entry.detail and "07700" not in entry.detail


def test_an_anonymous_case_has_no_identity_to_reveal(
    make_case: Callable[..., Case], guardian: User
) -> None:
    case = make_case(actor_id=guardian.id, confidentiality=ConfidentialityLevel.ANONYMOUS)
    with pytest.raises(CaseActionRefused, match="No name or contact details"):
        reading.reveal_identity(case.reference, guardian)
    assert "identity.revealed" not in audit_actions(case)


def test_logging_a_concern_assigns_it_and_can_give_an_access_code(
    app: Flask, guardian: User
) -> None:
    concern = NewConcern(
        route=Route.PHONE,
        confidentiality=ConfidentialityLevel.CONFIDENTIAL,
        received_on=date(2026, 11, 2),
        narrative="Night staffing",
        elements=[Element.PATIENT_SAFETY],
    )
    logged = intake.log_concern(guardian, concern, give_access_code=True)
    case = db.session().scalars(select(Case).where(Case.reference == logged.reference)).one()
    assert secret_matches(case.access_code_hash, normalise_access_code(logged.access_code))
    assert [(row.user_id, row.kind) for row in case.access_rows] == [(guardian.id, "assigned")]
    assert audit_actions(case) == ["case.opened", "access_code.issued"]


def test_a_new_access_code_replaces_the_old_one(
    make_case: Callable[..., Case], guardian: User
) -> None:
    case = make_case(actor_id=guardian.id)
    first = intake.give_access_code(case.reference, guardian)
    second = intake.give_access_code(case.reference, guardian)
    stored = reload(case).access_code_hash
    assert secret_matches(stored, normalise_access_code(second))
    assert not secret_matches(stored, normalise_access_code(first))
    details = (
        db.session()
        .scalars(select(AuditEvent.detail).where(AuditEvent.action == "access_code.issued"))
        .all()
    )
    assert [json.loads(detail)["replaced"] for detail in details] == [False, True]


ANONYMOUS_KEEPS_ITS_CODE = "raised anonymously, so it cannot be given a new access code"
ASSIGNED_OR_LEAD_ONLY = "Only the case's assigned guardian or the lead guardian"

#: (confidentiality, has a code already, who asks) -> None if a code is given, else the refusal
ACCESS_CODE_RULES = [
    (ConfidentialityLevel.ANONYMOUS, True, "assigned guardian", ANONYMOUS_KEEPS_ITS_CODE),
    (ConfidentialityLevel.ANONYMOUS, True, "lead guardian", ANONYMOUS_KEEPS_ITS_CODE),
    (ConfidentialityLevel.ANONYMOUS, True, "guardian seeing the queue", ANONYMOUS_KEEPS_ITS_CODE),
    (ConfidentialityLevel.ANONYMOUS, False, "assigned guardian", None),
    (ConfidentialityLevel.CONFIDENTIAL, True, "assigned guardian", None),
    (ConfidentialityLevel.CONFIDENTIAL, True, "lead guardian", None),
    (ConfidentialityLevel.OPEN, True, "assigned guardian", None),
    (ConfidentialityLevel.CONFIDENTIAL, True, "guardian it is shared with", ASSIGNED_OR_LEAD_ONLY),
    (ConfidentialityLevel.CONFIDENTIAL, True, "guardian seeing the queue", ASSIGNED_OR_LEAD_ONLY),
    (ConfidentialityLevel.CONFIDENTIAL, False, "guardian seeing the queue", ASSIGNED_OR_LEAD_ONLY),
]


@pytest.mark.parametrize(("confidentiality", "has_code", "asker", "refusal"), ACCESS_CODE_RULES)
def test_who_may_give_an_access_code(
    make_case: Callable[..., Case],
    guardian: User,
    other_guardian: User,
    lead: User,
    confidentiality: ConfidentialityLevel,
    has_code: bool,
    asker: str,
    refusal: str | None,
) -> None:
    holder = None if asker == "guardian seeing the queue" else other_guardian
    earlier_hash = access_codes.new_hashed_access_code()[1] if has_code else None
    case = make_case(
        confidentiality=confidentiality,
        actor_id=holder.id if holder else None,
        access_code_hash=earlier_hash,
    )
    if asker == "guardian it is shared with":
        assignment.share_case(case.reference, other_guardian, guardian.id)
    actor = {"assigned guardian": other_guardian, "lead guardian": lead}.get(asker, guardian)
    audited_before = audit_actions(case)
    if refusal is None:
        code = intake.give_access_code(case.reference, actor)
        assert secret_matches(reload(case).access_code_hash, normalise_access_code(code))
        assert audit_actions(case) == [*audited_before, "access_code.issued"]
    else:
        with pytest.raises(CaseActionRefused, match=refusal):
            intake.give_access_code(case.reference, actor)
        assert reload(case).access_code_hash == earlier_hash
        assert audit_actions(case) == audited_before


@pytest.mark.parametrize(
    "give_code",
    [
        lambda case, user: intake.give_access_code(case.reference, user),
        lambda case, user: intake.log_concern(
            user,
            NewConcern(Route.PHONE, ConfidentialityLevel.CONFIDENTIAL, date(2026, 11, 2), "Rotas"),
            give_access_code=True,
        ),
    ],
    ids=["new code for a case", "code for a logged concern"],
)
def test_an_access_code_is_hashed_before_the_write_lock_is_taken(
    make_case: Callable[..., Case],
    guardian: User,
    monkeypatch: pytest.MonkeyPatch,
    give_code: Callable[[Case, User], object],
) -> None:
    case = make_case(actor_id=guardian.id)
    steps: list[str] = []
    new_hashed_access_code = access_codes.new_hashed_access_code
    write_transaction = db.write_transaction

    def hashing() -> tuple[str, str]:
        steps.append("hash")
        return new_hashed_access_code()

    @contextmanager
    def locking() -> Iterator[Session]:
        steps.append("lock")
        with write_transaction() as session:
            yield session
        steps.append("unlock")

    monkeypatch.setattr(access_codes, "new_hashed_access_code", hashing)
    monkeypatch.setattr(db, "write_transaction", locking)
    give_code(case, guardian)
    assert steps == ["hash", "lock", "unlock"]


def test_the_detriment_check_in_is_only_recorded_after_closure(
    make_case: Callable[..., Case], guardian: User, fixed_today: date
) -> None:
    case = make_case(actor_id=guardian.id)
    with pytest.raises(CaseActionRefused, match="after the case closes"):
        progress.record_detriment_check_in(
            case.reference, guardian, date(2026, 11, 1), CheckInResult.NO_DETRIMENT, ""
        )


def test_audit_history_lists_who_did_what_newest_first(
    make_case: Callable[..., Case], guardian: User
) -> None:
    case = make_case(actor_id=guardian.id)
    reading.view_case(case.reference, guardian)
    progress.add_note(case.reference, guardian, "A note")
    reading.view_audit_history(case.reference, guardian)
    lines = audit_history(db.session(), reload(case), page=1).lines
    assert [(line.what, line.who) for line in lines] == [
        ("Audit history viewed", "Gita Guardian"),
        ("Note added", "Gita Guardian"),
        ("Case viewed", "Gita Guardian"),
        ("Case opened", "Gita Guardian"),
    ]
