"""Retention: closed cases past the retention period are crypto-shredded.

Destroying a case's data key makes every ciphertext it protected unreadable for good; the
ciphertext is cleared as well so nothing recoverable is left behind, and the access code's
hash goes with it. The structured columns stay, so past reports and returns still add up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Column, Select, Table, delete, select, update
from sqlalchemy.orm import Session

from fts_app import db
from fts_app.admin.models import SETTINGS_ROW_ID, OrganisationSettings
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
    return Expiry(retention_years=expiry.retention_years, cutoff=expiry.cutoff, cases=purged)


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
