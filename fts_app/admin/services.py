"""Administration: staff accounts, organisation settings, directorates, and the sign-in record."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fts_app import db
from fts_app.admin.models import SETTINGS_ROW_ID, Directorate, OrganisationSettings
from fts_app.audit.models import AuditEvent
from fts_app.audit.services import record
from fts_app.auth.approvals import request_approval
from fts_app.auth.enums import Role, SessionEnd
from fts_app.auth.models import User
from fts_app.auth.services import create_user
from fts_app.auth.sessions import end_sessions_of
from fts_app.auth.set_up import reset_sign_in
from fts_app.registry import Registry

#: the whole numbers an administrator may choose for each setting, lowest and highest
SETTING_RANGES: dict[str, tuple[int, int]] = {
    "acknowledge_working_days": (1, 20),
    "first_feedback_days": (1, 60),
    "substantive_feedback_months": (1, 12),
    "detriment_check_in_months": (1, 24),
    "retention_years": (1, 30),
    #: 8 hides counts from 1 to 7, as NHS Digital does for sub-national figures (docs/domain.md)
    "suppression_threshold": (3, 8),
    "national_return_due_days": (1, 90),
}
SETTING_FIELDS = ("organisation_name", *SETTING_RANGES)
SIGN_IN_EVENTS_PER_PAGE = 50
#: the audit entries the sign-in record lists
SIGN_IN_ACTIONS = AuditEvent.action.like("auth.%")


class AdminError(Exception):
    """A change an administrator asked for cannot be made; the message says why."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        #: the form field the message belongs to, if any
        self.field = field


class NotFound(Exception):
    """No account or directorate has that id."""


def get_settings(session: Session) -> OrganisationSettings:
    """Return the settings row, adding one with the defaults if there is none yet."""
    settings = session.get(OrganisationSettings, SETTINGS_ROW_ID)
    if settings is None:
        settings = OrganisationSettings(id=SETTINGS_ROW_ID)
        session.add(settings)
        session.flush()
    return settings


#: the operator's command that prints a set-up link until mail is configured
SET_UP_LINK_COMMAND = "flask --app wsgi users set-up-link --email {email}"


@dataclass(frozen=True)
class NewAccount:
    """An account just created: it waits for set-up, and perhaps for a lead guardian."""

    user: User
    awaiting_approval: bool

    @property
    def set_up_link_command(self) -> str:
        """Return the command the operator runs on the server for the person's set-up link."""
        return SET_UP_LINK_COMMAND.format(email=self.user.email)


def list_accounts(session: Session) -> list[User]:
    """Return every staff account, active ones first, then by email address."""
    return list(session.scalars(select(User).order_by(User.is_active.desc(), User.email)))


def get_account(session: Session, user_id: int) -> User:
    """Return one account or raise NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound
    return user


def create_account(actor_id: int, *, role: Role, email: str, display_name: str) -> NewAccount:
    """Create an account the person sets up through a link; a caseworker role awaits approval.

    The administrator never knows the password or the authenticator (README, "Who sees what").
    """
    with db.write_transaction() as session:
        user = create_user(
            session,
            email=email,
            role=role,
            password=secrets.token_urlsafe(32),
            display_name=display_name,
            actor_id=actor_id,
        )
        # create_user's random password is known to no one: the person sets theirs by link
        user.must_set_password = True
        record(
            session, "admin.account_created", actor_id=actor_id, user_id=user.id, role=role.value
        )
        if role.works_cases:
            request_approval(session, user, actor_id=actor_id)
    return NewAccount(user=user, awaiting_approval=role.works_cases)


#: what must be true before an account stops working: each check names the problem, or None.
#: Features above admin register theirs (cases: the last guardian of a restricted case).
DEACTIVATION_CHECKS: Registry[Callable[[Session, User], str | None]] = Registry(
    "check before an account is deactivated"
)


def set_account_active(actor_id: int, user_id: int, *, active: bool) -> None:
    """Deactivate an account (ending its sessions) or reactivate it."""
    with db.write_transaction() as session:
        user = get_account(session, user_id)
        if not active and user.id == actor_id:
            raise AdminError("You cannot deactivate your own account")
        if user.is_active == active:
            return
        if not active:
            for check in DEACTIVATION_CHECKS.entries():
                if (problem := check(session, user)) is not None:
                    raise AdminError(problem)
        user.is_active = active
        ended = 0 if active else end_sessions_of(session, user.id, SessionEnd.ACCOUNT_DEACTIVATED)
        action = "admin.account_reactivated" if active else "admin.account_deactivated"
        record(session, action, actor_id=actor_id, user_id=user.id, sessions_ended=ended)


def reset_account_sign_in(actor_id: int, user_id: int) -> None:
    """Replace a person's password and authenticator with a set-up link; their sessions end."""
    with db.write_transaction() as session:
        user = get_account(session, user_id)
        if user.id == actor_id:
            raise AdminError(
                "You cannot reset your own sign-in. Change your password from your account."
            )
        if not user.is_active:
            raise AdminError("Reactivate the account before resetting its sign-in")
        reset_sign_in(session, user, actor_id=actor_id)


def update_settings(actor_id: int, values: Mapping[str, object]) -> list[str]:
    """Save the organisation settings; return the names of those that changed."""
    for name, (lowest, highest) in SETTING_RANGES.items():
        value = values[name]
        if not isinstance(value, int) or not lowest <= value <= highest:
            raise AdminError(f"Choose a whole number from {lowest} to {highest}", field=name)
    name = str(values["organisation_name"]).strip()
    if not name:
        raise AdminError("Enter the organisation's name", field="organisation_name")
    wanted = {**values, "organisation_name": name}
    with db.write_transaction() as session:
        settings = get_settings(session)
        _hold_back_shorter_retention(session, settings, wanted, actor_id)
        changed = [field for field in SETTING_FIELDS if getattr(settings, field) != wanted[field]]
        for field in changed:
            setattr(settings, field, wanted[field])
        if changed:
            record(session, "admin.settings_changed", actor_id=actor_id, fields=changed)
    return changed


def _hold_back_shorter_retention(
    session: Session, settings: OrganisationSettings, wanted: dict[str, object], actor_id: int
) -> None:
    """Keep a shorter retention waiting for the lead guardian; a longer one applies at once.

    Shortening retention makes the next purge destroy cases sooner, which an administrator
    alone must not be able to do; lengthening it destroys nothing.
    """
    asked = wanted["retention_years"]
    assert isinstance(asked, int)
    if asked < settings.retention_years:
        wanted["retention_years"] = settings.retention_years
        if settings.pending_retention_years != asked:
            settings.pending_retention_years = asked
            settings.pending_retention_asked_by = actor_id
            record(
                session,
                "admin.retention_shortening_asked",
                actor_id=actor_id,
                retention_years=settings.retention_years,
                asked_years=asked,
            )
    elif settings.pending_retention_years is not None:
        # the administrator chose the current period or a longer one: nothing waits any more
        settings.pending_retention_years = None
        settings.pending_retention_asked_by = None
        record(session, "admin.retention_shortening_withdrawn", actor_id=actor_id)


#: how many closed cases a purge today would destroy under a retention of so many years;
#: registered by cases (fts_app/cases/retention.py), which admin's layer may not import
PURGE_PREVIEW: Registry[Callable[[Session, int], int]] = Registry("purge preview")


def cases_a_purge_would_destroy(session: Session, retention_years: int) -> int:
    """Return how many closed cases a purge today would destroy under that retention."""
    return PURGE_PREVIEW.get("cases")(session, retention_years)


def list_directorates(session: Session) -> list[Directorate]:
    """Return every directorate, active ones first, then by name."""
    return list(
        session.scalars(
            select(Directorate).order_by(Directorate.is_active.desc(), Directorate.name)
        )
    )


def get_directorate(session: Session, directorate_id: int) -> Directorate:
    """Return one directorate or raise NotFound."""
    directorate = session.get(Directorate, directorate_id)
    if directorate is None:
        raise NotFound
    return directorate


def _checked_directorate_name(session: Session, name: str, keep_id: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise AdminError("Enter the directorate's name", field="name")
    same = select(Directorate.id).where(func.lower(Directorate.name) == name.lower())
    if keep_id is not None:
        same = same.where(Directorate.id != keep_id)
    if session.scalar(same) is not None:
        raise AdminError(f"There is already a directorate called {name}", field="name")
    return name


def add_directorate(actor_id: int, name: str) -> Directorate:
    """Add a directorate or site that cases can be recorded against."""
    with db.write_transaction() as session:
        directorate = Directorate(name=_checked_directorate_name(session, name), is_active=True)
        session.add(directorate)
        session.flush()
        record(session, "admin.directorate_added", actor_id=actor_id, directorate_id=directorate.id)
    return directorate


def rename_directorate(actor_id: int, directorate_id: int, name: str) -> None:
    """Rename a directorate; its cases keep pointing at it."""
    with db.write_transaction() as session:
        directorate = get_directorate(session, directorate_id)
        new_name = _checked_directorate_name(session, name, keep_id=directorate.id)
        if new_name == directorate.name:
            return
        directorate.name = new_name
        record(
            session, "admin.directorate_renamed", actor_id=actor_id, directorate_id=directorate.id
        )


def set_directorate_active(actor_id: int, directorate_id: int, *, active: bool) -> None:
    """Stop offering a directorate for new cases, or offer it again."""
    with db.write_transaction() as session:
        directorate = get_directorate(session, directorate_id)
        if directorate.is_active == active:
            return
        directorate.is_active = active
        action = "admin.directorate_reactivated" if active else "admin.directorate_deactivated"
        record(session, action, actor_id=actor_id, directorate_id=directorate.id)


SIGN_IN_OUTCOMES = {
    "auth.signed_in": "Signed in",
    "auth.signed_out": "Signed out",
    "auth.sign_in_failed": "Sign-in failed",
    # written by the lock-out that slowing replaced; older trails still hold it
    "auth.sign_in_paused": "Sign-in paused for 15 minutes after repeated failures",
    "auth.sign_in_slowed": "Further sign-in attempts made to wait after repeated failures",
    "auth.session_ended": "Session ended",
    "auth.password_changed": "Password changed",
    "auth.password_change_failed": "Password change refused",
    "auth.two_factor_set_up": "Two-factor sign-in set up",
    "auth.first_admin_link_issued": "Link to create the first administrator made",
    "auth.first_admin_created": "First administrator created",
    "auth.first_admin_link_opened": "Link to create the first administrator opened",
    "auth.set_up_link_issued": "Set-up link made on the server",
    "auth.set_up_link_opened": "Set-up link opened",
    "auth.password_set_up": "Own password chosen",
    "auth.approval_requested": "Caseworker role waiting for the lead guardian's approval",
    "auth.account_approved": "Caseworker role approved by the lead guardian",
    "auth.account_refused": "Caseworker role refused by the lead guardian",
}
FAILED_ATTEMPTS = {"auth.sign_in_failed", "auth.password_change_failed"}
FAILURE_REASONS = {
    "unknown-account": "no account has that email address",
    "wrong-password": "wrong password",
    "paused": "sign-in was paused",
    "slowed": "tried before the wait after repeated failures was over",
    "deactivated": "the account is deactivated",
    "wrong-code": "wrong two-factor code",
    "reused": "two-factor code used before",
}


@dataclass(frozen=True)
class SignInEvent:
    """One line of the sign-in record as administrators see it."""

    #: as stored; the page shows it in London time
    occurred_at: datetime
    account: str
    outcome: str


@dataclass(frozen=True)
class SignInEventPage:
    """A page of sign-in events, newest first."""

    events: list[SignInEvent]
    page: int
    has_next: bool


def sign_in_events(session: Session, page: int = 1) -> SignInEventPage:
    """Return a page of audit entries about signing in; they hold no case content.

    A page past the end shows the last page; the record is counted only then, as it grows long.
    """
    page = max(page, 1)
    entries = _sign_in_entries(session, page)
    if not entries and page > 1:
        total = session.scalar(select(func.count()).select_from(AuditEvent).where(SIGN_IN_ACTIONS))
        page = max(1, -(-(total or 0) // SIGN_IN_EVENTS_PER_PAGE))
        entries = _sign_in_entries(session, page)
    details = [json.loads(entry.detail) for entry in entries[:SIGN_IN_EVENTS_PER_PAGE]]
    emails = _emails_by_id(session, {detail.get("user_id") for detail in details})
    events = [
        SignInEvent(
            occurred_at=entry.occurred_at,
            account=emails.get(detail.get("user_id"), "Unknown account"),
            outcome=_describe(entry.action, detail),
        )
        for entry, detail in zip(entries, details, strict=False)
    ]
    return SignInEventPage(events, page, has_next=len(entries) > SIGN_IN_EVENTS_PER_PAGE)


def _sign_in_entries(session: Session, page: int) -> list[AuditEvent]:
    """Return a page's entries and the first of the next page, which tells whether there is one."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(SIGN_IN_ACTIONS)
            .order_by(AuditEvent.sequence.desc())
            .offset((page - 1) * SIGN_IN_EVENTS_PER_PAGE)
            .limit(SIGN_IN_EVENTS_PER_PAGE + 1)
        )
    )


def _emails_by_id(session: Session, user_ids: set[object]) -> dict[object, str]:
    wanted = [user_id for user_id in user_ids if isinstance(user_id, int)]
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.email).where(User.id.in_(wanted)))
    return {user_id: email for user_id, email in rows}


def _describe(action: str, detail: Mapping[str, object]) -> str:
    outcome = SIGN_IN_OUTCOMES.get(action, action)
    reason = detail.get("reason")
    if action in FAILED_ATTEMPTS and reason in FAILURE_REASONS:
        return f"{outcome}: {FAILURE_REASONS[str(reason)]}"
    ended = SessionEnd.parse(str(reason)) if action == "auth.session_ended" else None
    return f"{outcome}: {ended.label.lower()}" if ended else outcome
