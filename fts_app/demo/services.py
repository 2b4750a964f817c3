"""Realistic synthetic cases and demo accounts, reproducible from a seed."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from fts_app.admin.models import Directorate
from fts_app.admin.services import get_settings
from fts_app.audit.services import record
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.auth.services import create_user
from fts_app.cases import assignment, closure, intake, progress
from fts_app.cases.enums import (
    CheckInResult,
    ConfidentialityLevel,
    Element,
    EscalationTarget,
    EventKind,
    FeedbackMethod,
    Route,
    SpeakUpAgain,
    WorkerGroup,
)
from fts_app.cases.intake import NewConcern, open_case
from fts_app.cases.models import Case, CaseEvent, CaseMessage
from fts_app.speakup.services import new_hashed_access_code, record_speak_up_again
from fts_app.timeutil import today_in_london

#: the kind of option _pick_cycling picks
Picked = TypeVar("Picked")

DIRECTORATES = [
    "Emergency and urgent care",
    "Surgery and theatres",
    "Women and children",
    "Medicine",
    "Community services",
    "Mental health",
    "Estates and facilities",
    "Corporate services",
]
DEMO_PASSWORD = "demo-password-change-me"  # noqa: S105 - printed for demo sign-in only
DEMO_ACCOUNTS = [
    ("admin@demo.nhs.example", Role.ADMIN, "Alex Admin"),
    ("lead@demo.nhs.example", Role.LEAD_GUARDIAN, "Lee Lead-Guardian"),
    ("guardian@demo.nhs.example", Role.GUARDIAN, "Gita Guardian"),
    ("guardian2@demo.nhs.example", Role.GUARDIAN, "Sam Guardian"),
    ("board@demo.nhs.example", Role.BOARD, "Bo Board"),
]
SITUATIONS = [
    "Staffing on the night shift fell below safe levels on several occasions",
    "A senior colleague repeatedly belittles junior staff in front of patients",
    "Medicines were stored in an unlocked room overnight",
    "Agency staff are not being given an induction before working on the ward",
    "Concerns about infection control practice in the day unit",
    "A manager discourages staff from reporting incidents",
    "Broken equipment has not been repaired for weeks despite reports",
    "Rotas are changed at short notice in a way that seems targeted",
    "Patients waiting in corridors without regular observations",
    "Comments about colleagues' ethnicity made during handover",
]
#: weights so the demo looks like a real trust: patient safety and bullying most common
ELEMENT_WEIGHTS = [30, 18, 28, 20, 8]
ROUTE_WEIGHTS = [22, 12, 25, 2, 20, 6, 5, 4, 3, 1]
CONFIDENTIALITY_WEIGHTS = [35, 50, 15]
QUARTERS_OF_HISTORY = 9
FEEDBACK_METHODS = list(FeedbackMethod)
FIRST_MESSAGE = "Thank you for speaking up. I will be in touch within a week."


@dataclass(frozen=True)
class SeedSummary:
    """What a seeding run made."""

    cases: int
    first_received: date
    last_received: date


def ensure_directorates(session: Session) -> list[int]:
    """Create the demo directorates if missing and return their ids."""
    existing = {d.name: d.id for d in session.scalars(select(Directorate))}
    for name in DIRECTORATES:
        if name not in existing:
            directorate = Directorate(name=name)
            session.add(directorate)
            session.flush()
            existing[name] = directorate.id
    return [existing[name] for name in DIRECTORATES]


def ensure_demo_accounts(session: Session) -> list[User]:
    """Create the demo accounts if missing; all share one printed password."""
    users = []
    for email, role, name in DEMO_ACCOUNTS:
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            user = create_user(
                session, email=email, role=role, password=DEMO_PASSWORD, display_name=name
            )
        users.append(user)
    return users


def history_start(today: date) -> date:
    """Return the first day of the financial quarter QUARTERS_OF_HISTORY - 1 quarters ago."""
    month_number = today.year * 12 + today.month - 1
    quarter_start = month_number - (today.month - 4) % 3
    start = quarter_start - (QUARTERS_OF_HISTORY - 1) * 3
    return date(start // 12, start % 12 + 1, 1)


def seed_cases(session: Session, count: int, seed: int, guardian_ids: list[int]) -> SeedSummary:
    """Add `count` cases spread over the last QUARTERS_OF_HISTORY financial quarters."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    today = today_in_london()
    start = history_start(today)
    span = (today - start).days
    directorate_ids = ensure_directorates(session)
    received_days = sorted(start + timedelta(days=rng.randint(0, span)) for _ in range(count))
    guardians = [session.get_one(User, guardian_id) for guardian_id in guardian_ids]
    # held, so the services' look-ups of the settings find the loaded row instead of reading it
    _settings = get_settings(session)
    # one code for the batch, hashed once (hashing is slow on purpose) and never shown
    _code, code_hash = new_hashed_access_code()
    for index, received_on in enumerate(received_days):
        concern = _concern(rng, index, received_on, directorate_ids)
        case = open_case(session, concern)
        _add_history(session, rng, case, today, guardians, code_hash)
        if index % 200 == 199:
            session.flush()
    return (
        SeedSummary(count, received_days[0], received_days[-1])
        if count
        else SeedSummary(0, today, today)
    )


def _pick_cycling(
    rng: random.Random, index: int, options: Sequence[Picked], weights: Sequence[int]
) -> Picked:
    # The first few cases walk every option so the demo always shows each one.
    if index < len(options):
        return options[index]
    return rng.choices(options, weights=weights)[0]


def _concern(
    rng: random.Random, index: int, received_on: date, directorate_ids: list[int]
) -> NewConcern:
    elements = list(Element)
    first = _pick_cycling(rng, index, elements, ELEMENT_WEIGHTS)
    chosen = {first}
    if rng.random() < 0.25:
        chosen.add(rng.choices(elements, weights=ELEMENT_WEIGHTS)[0])
    confidentiality = _pick_cycling(rng, index, list(ConfidentialityLevel), CONFIDENTIALITY_WEIGHTS)
    groups = list(WorkerGroup)
    anonymous = confidentiality == ConfidentialityLevel.ANONYMOUS
    return NewConcern(
        route=_pick_cycling(rng, index, list(Route), ROUTE_WEIGHTS),
        confidentiality=confidentiality,
        received_on=received_on,
        narrative=f"{rng.choice(SITUATIONS)}. (Synthetic demo case {index + 1}.)",
        elements=sorted(chosen),
        worker_group=groups[index] if index < len(groups) else rng.choice(groups),
        directorate_id=rng.choice(directorate_ids) if rng.random() < 0.9 else None,
        location="Ward 7, main site" if rng.random() < 0.5 else None,
        contact_name=None if anonymous else f"Demo Person {index + 1}",
        contact_details=None if anonymous else f"demo.person{index + 1}@demo.nhs.example",
    )


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=UTC)


def _add_history(
    session: Session,
    rng: random.Random,
    case: Case,
    today: date,
    guardians: list[User],
    code_hash: str,
) -> None:
    """Work the case as a guardian would, through the casework services, dated in the past."""
    age = (today - case.received_on).days
    if age < 1 or not guardians:
        return
    guardian = rng.choice(guardians)
    will_answer = age > 45 and rng.random() < 0.3
    if will_answer:
        # the feedback question goes to the portal, so the person needs a code (never shown)
        intake.issue_access_code(session, case, guardian, code_hash)
    acknowledged = min(case.received_on + timedelta(days=rng.choice([0, 1, 1, 2, 3, 5])), today)
    _backdate(assignment.take(session, case, guardian), rng, acknowledged)
    event = progress.acknowledge(session, case, guardian, acknowledged, "Thanked them.")
    _backdate(event, rng, acknowledged)
    _backdate(progress.message_person(session, case, guardian, FIRST_MESSAGE), rng, acknowledged)
    if age > 5:
        note = progress.write_note(session, case, guardian, "Met to listen and agree next steps.")
        _backdate(note, rng, min(acknowledged + timedelta(days=2), today))
    if age > 10 and rng.random() < 0.4:
        escalated_on = acknowledged + timedelta(days=6)
        target = rng.choice(list(EscalationTarget))
        reason = "Escalated for investigation."
        event = progress.pass_on(
            session, case, guardian, EventKind.ESCALATION, target, reason, escalated_on
        )
        _backdate(event, rng, escalated_on)
    if age > 14 and rng.random() < 0.1:
        reported_on = min(acknowledged + timedelta(days=12), today)
        what = "Reported being left off the rota."
        done = "Raised with the manager's manager."
        event = progress.report_detriment(session, case, guardian, what, done, reported_on)
        _backdate(event, rng, reported_on)
    if age > 7:
        feedback_on = min(case.received_on + timedelta(days=rng.randint(3, 20)), today)
        method = FeedbackMethod.PORTAL if case.raised_anonymously else rng.choice(FEEDBACK_METHODS)
        summary = "Explained what the directorate is doing."
        event = progress.give_feedback(session, case, guardian, feedback_on, method, summary)
        _backdate(event, rng, feedback_on)
    if age > 45 and (will_answer or rng.random() < 0.85):
        _close(session, rng, case, today, guardian, will_answer)


def _close(
    session: Session,
    rng: random.Random,
    case: Case,
    today: date,
    guardian: User,
    will_answer: bool,
) -> None:
    closed_on = min(case.received_on + timedelta(days=rng.randint(20, 120)), today)
    outcome = "Concern addressed: actions agreed with the directorate."
    learning = "Shared learning with the team about raising issues early."
    event = closure.close(session, case, guardian, outcome, learning, "", closed_on)
    _backdate(event, rng, closed_on)
    due = case.detriment_check_in_due_on
    if due is not None and due <= today and rng.random() < 0.6:
        result = rng.choices(list(CheckInResult), weights=[80, 5, 15])[0]
        event = progress.check_in(session, case, guardian, due, result, "Checked in by phone.")
        _backdate(event, rng, due)
    if will_answer:
        answer = rng.choices(list(SpeakUpAgain), weights=[80, 8, 8, 4])[0]
        answered_on = min(closed_on + timedelta(days=rng.randint(1, 20)), today)
        event = record_speak_up_again(session, case, answer, None, answered_on)
        _backdate(event, rng, answered_on)


def _backdate(entry: CaseEvent | CaseMessage, rng: random.Random, day: date) -> None:
    """Date a timeline entry on the day it stands for, not when the seeding ran."""
    moment = _at(day, rng)
    if isinstance(entry, CaseMessage):
        entry.sent_at = moment
    else:
        entry.occurred_at = moment


def record_seeding(session: Session, summary: SeedSummary) -> None:
    """Audit the seeding run itself."""
    record(session, "demo.seeded", cases=summary.cases)
