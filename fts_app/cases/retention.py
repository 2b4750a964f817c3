"""Retention: closed cases past the retention period are crypto-shredded.

Destroying a case's data key makes every ciphertext it protected unreadable for good; the
ciphertext is cleared as well so nothing recoverable is left behind, and the access code's
hash goes with it. The structured columns stay, so past reports and returns still add up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Column, Select, Table, delete, func, select, update
from sqlalchemy.orm import Session

from fts_app import db
from fts_app.admin.models import SETTINGS_ROW_ID, OrganisationSettings
from fts_app.admin.services import PURGE_PREVIEW
from fts_app.audit.services import record
from fts_app.cases.enums import CaseStatus
from fts_app.cases.models import Case
from fts_app.crypto.models import CaseKey
from fts_app.crypto.services import forget_data_key
from fts_app.timeutil import today_in_london, utcnow

CIPHERTEXT_SUFFIX = "_ciphertext"


@dataclass(frozen=True)
class ExpiredCase:
    """A closed case whose retention period has ended."""

    id: str
    reference: str
    closed_on: date


@dataclass(frozen=True)
class Expiry:
    """The cases closed before `cutoff`, the first closure date still kept."""

    retention_years: int
    cutoff: date
    cases: list[ExpiredCase]


def retention_cutoff(today: date, retention_years: int) -> date:
    """Return the first closure date still kept: a case goes once its last kept year is over."""
    try:
        return today.replace(year=today.year - retention_years)
    except ValueError:
        # Today is 29 February and that year had none: 28 February's cases are due too.
        return date(today.year - retention_years, 3, 1)


def find_expired_cases(today: date | None = None) -> Expiry:
    """List the cases retention would purge today, changing nothing."""
    session = db.session()
    years = retention_years(session)
    cutoff = retention_cutoff(today or today_in_london(), years)
    rows = session.execute(_expired(cutoff).order_by(Case.closed_on, Case.reference)).all()
    cases = [ExpiredCase(row.id, row.reference, row.closed_on) for row in rows]
    return Expiry(retention_years=years, cutoff=cutoff, cases=cases)


def purge_expired_cases(today: date | None = None) -> Expiry:
    """Crypto-shred every expired case, one transaction and one audit entry per case."""
    expiry = find_expired_cases(today)
    purged = []
    for case in expiry.cases:
        with db.write_transaction() as session:
            # A legal hold may have been placed since the list was made.
            if session.execute(_expired(expiry.cutoff).where(Case.id == case.id)).first():
                shred_case(session, case)
                purged.append(case)
        forget_data_key(case.id)
    if purged:
        # deleted keys and cleared ciphertext must not linger in the log or in dead row versions
        db.scrub_deleted_data([CaseKey.__tablename__, *(t.name for t in _tables_shredded())])
    return Expiry(retention_years=expiry.retention_years, cutoff=expiry.cutoff, cases=purged)


def cases_due_for_purge(session: Session, retention_years: int) -> int:
    """Count the closed cases a purge today would destroy under a retention of so many years."""
    cutoff = retention_cutoff(today_in_london(), retention_years)
    return session.scalar(select(func.count()).select_from(_expired(cutoff).subquery())) or 0


PURGE_PREVIEW.register("cases", cases_due_for_purge)


class NoRetentionChangeWaiting(Exception):
    """No shorter retention waits for the lead guardian (decided already, or never asked)."""


@dataclass(frozen=True)
class RetentionChange:
    """A shorter retention waiting for the lead guardian, with what it would destroy now."""

    current_years: int
    asked_years: int
    purged_now: int
    purged_if_confirmed: int


def waiting_retention_change(session: Session) -> RetentionChange | None:
    """Return the shorter retention waiting for confirmation, if any."""
    settings = session.get(OrganisationSettings, SETTINGS_ROW_ID)
    if settings is None or settings.pending_retention_years is None:
        return None
    return RetentionChange(
        current_years=settings.retention_years,
        asked_years=settings.pending_retention_years,
        purged_now=cases_due_for_purge(session, settings.retention_years),
        purged_if_confirmed=cases_due_for_purge(session, settings.pending_retention_years),
    )


def decide_retention_change(actor_id: int, *, confirm: bool, asked_years: int) -> None:
    """Apply or refuse the shorter retention the lead guardian was shown (`asked_years`)."""
    with db.write_transaction() as session:
        settings = session.get(OrganisationSettings, SETTINGS_ROW_ID)
        if settings is None or settings.pending_retention_years != asked_years:
            # decided meanwhile, or changed since the page was shown: decide afresh
            raise NoRetentionChangeWaiting()
        before = settings.retention_years
        if confirm:
            settings.retention_years = asked_years
        settings.pending_retention_years = None
        settings.pending_retention_asked_by = None
        record(
            session,
            "admin.retention_shortened" if confirm else "admin.retention_shortening_refused",
            actor_id=actor_id,
            retention_years=before,
            asked_years=asked_years,
        )


def retention_years(session: Session) -> int:
    """Return the configured retention period, or the default before settings are saved."""
    settings = session.get(OrganisationSettings, SETTINGS_ROW_ID)
    if settings is not None:
        return settings.retention_years
    return int(OrganisationSettings.__table__.c.retention_years.default.arg)


def _expired(cutoff: date) -> Select[tuple[str, str, date | None]]:
    return select(Case.id, Case.reference, Case.closed_on).where(
        Case.status == CaseStatus.CLOSED,
        Case.closed_on < cutoff,
        Case.legal_hold.is_(False),
        Case.purged_at.is_(None),
    )


def shred_case(session: Session, case: ExpiredCase) -> None:
    """Destroy a case's data key, ciphertext and access code hash; keep its figures."""
    session.execute(delete(CaseKey).where(CaseKey.case_id == case.id))
    session.execute(
        update(Case)
        .where(Case.id == case.id)
        .values(
            {
                **{column.name: None for column in _ciphertext_columns(Case.__table__)},
                "access_code_hash": None,
                "purged_at": utcnow(),
            }
        )
    )
    for table in _tables_with_case_content():
        cleared = {column.name: None for column in _ciphertext_columns(table)}
        session.execute(update(table).where(table.c.case_id == case.id).values(cleared))
    record(session, "case.purged", case_id=case.id, reference=case.reference)


def _tables_shredded() -> list[Table]:
    return [Case.__table__, *_tables_with_case_content()]


def _ciphertext_columns(table: Table) -> list[Column[Any]]:
    return [column for column in table.columns if column.name.endswith(CIPHERTEXT_SUFFIX)]


def _tables_with_case_content() -> list[Table]:
    # Found from the models (the app factory loads every one), so content a new feature stores
    # per case is shredded too.
    return [
        table
        for table in db.Base.metadata.sorted_tables
        if "case_id" in table.columns and _ciphertext_columns(table)
    ]
