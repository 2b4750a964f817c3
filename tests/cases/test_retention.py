"""Retention: expired closed cases are crypto-shredded, their figures kept, the purge audited."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from fts_app import db
from fts_app.admin.services import get_settings
from fts_app.audit.models import AuditEvent
from fts_app.audit.services import verify
from fts_app.cases.enums import Element, EventKind
from fts_app.cases.models import Case, CaseElement, CaseEvent, CaseMessage
from fts_app.cases.retention import find_expired_cases, purge_expired_cases, retention_cutoff
from fts_app.crypto.models import CaseKey
from fts_app.timeutil import today_in_london

TODAY = date(2026, 11, 27)
LONG_AGO = date(2019, 5, 3)


def make_closed_case(make_case, closed_on: date = LONG_AGO, **fields: Any) -> Case:  # type: ignore[no-untyped-def]
    """Open a case with content everywhere, then close it on `closed_on`."""
    case = make_case(
        received_on=closed_on - timedelta(days=40),
        elements=[Element.BULLYING, Element.WORKER_SAFETY],
        contact_name="Pat Example",
        contact_details="pat@example.nhs.uk",
        status="closed",
        closed_on=closed_on,
        acknowledged_on=closed_on - timedelta(days=38),
        detriment_indicated=True,
        speak_up_again="yes",
        access_code_hash="$argon2id$v=19$stand-in",
        **fields,
    )
    with db.write_transaction() as session:
        stored = session.get(Case, case.id)
        stored.outcome = "Rota changes agreed."
        stored.speak_up_again_comment = "It helped."
        event = CaseEvent(case_id=case.id, kind=EventKind.ESCALATION.value, category="hr")
        session.add(event)
        event.body = "Escalated to HR."
        message = CaseMessage(case_id=case.id, direction="to-person")
        session.add(message)
        message.body = "Thank you for speaking up."
    return case


def report_figures(case_id: str) -> dict[str, Any]:
    """Everything reports and returns read about a case."""
    session = db.session()
    session.expire_all()
    case = session.get(Case, case_id)
    plain = {
        name: getattr(case, name)
        for name in (
            "reference",
            "route",
            "confidentiality",
            "worker_group",
            "directorate_id",
            "status",
            "received_on",
            "acknowledged_on",
            "first_feedback_on",
            "closed_on",
            "detriment_indicated",
            "speak_up_again",
            "speak_up_again_on",
        )
    }
    plain["elements"] = sorted(
        session.scalars(select(CaseElement.element).where(CaseElement.case_id == case_id))
    )
    plain["events"] = sorted(
        session.execute(
            select(CaseEvent.kind, CaseEvent.category).where(CaseEvent.case_id == case_id)
        ).all()
    )
    plain["messages"] = session.scalar(
        select(func.count()).select_from(CaseMessage).where(CaseMessage.case_id == case_id)
    )
    return plain


def stored_ciphertexts(case_id: str) -> list[bytes]:
    session = db.session()
    session.expire_all()
    case = session.get(Case, case_id)
    blobs = [value for name, value in vars(case).items() if name.endswith("_ciphertext")]
    for model in (CaseEvent, CaseMessage):
        blobs += session.scalars(select(model.body_ciphertext).where(model.case_id == case_id))
    return [blob for blob in blobs if blob is not None]


def has_data_key(case_id: str) -> bool:
    return db.session().get(CaseKey, case_id) is not None


@pytest.mark.parametrize(
    ("today", "years", "closed_on", "expired"),
    [
        (date(2026, 11, 27), 6, date(2020, 11, 26), True),
        (date(2026, 11, 27), 6, date(2020, 11, 27), False),
        (date(2026, 11, 27), 6, date(2021, 3, 1), False),
        (date(2026, 11, 27), 1, date(2025, 11, 26), True),
        (date(2024, 2, 29), 6, date(2018, 2, 28), True),
        (date(2024, 2, 29), 6, date(2018, 3, 1), False),
        (date(2026, 3, 1), 6, date(2020, 2, 29), True),
        (date(2026, 2, 28), 6, date(2020, 2, 29), False),
    ],
)
def test_a_case_expires_once_the_retention_years_after_closure_are_over(
    today: date, years: int, closed_on: date, expired: bool
) -> None:
    assert (closed_on < retention_cutoff(today, years)) is expired


def test_purging_destroys_the_data_key_content_and_access_code(app: Flask, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_closed_case(make_case)
    assert stored_ciphertexts(case.id) and has_data_key(case.id)
    purged = purge_expired_cases(today=TODAY)
    assert [expired.reference for expired in purged.cases] == [case.reference]
    assert not has_data_key(case.id)
    assert stored_ciphertexts(case.id) == []
    stored = db.session().get(Case, case.id)
    assert stored.access_code_hash is None
    assert stored.purged_at is not None
    assert stored.narrative is None and stored.contact_details is None


def test_purging_keeps_the_figures_reports_rely_on(app: Flask, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_closed_case(make_case)
    before = report_figures(case.id)
    purge_expired_cases(today=TODAY)
    assert report_figures(case.id) == before


@pytest.mark.parametrize(
    "changes",
    [
        {"legal_hold": True},
        {"closed_on": TODAY - timedelta(days=365)},
        {"status": "in-progress", "closed_on": None},
    ],
    ids=["on-legal-hold", "closed-recently", "still-open"],
)
def test_cases_not_due_for_purging_are_kept_whole(
    app: Flask, make_case, changes: dict[str, Any]
) -> None:  # type: ignore[no-untyped-def]
    case = make_closed_case(make_case)
    with db.write_transaction() as session:
        stored = session.get(Case, case.id)
        for name, value in changes.items():
            setattr(stored, name, value)
    content = stored_ciphertexts(case.id)
    assert purge_expired_cases(today=TODAY).cases == []
    assert has_data_key(case.id)
    assert stored_ciphertexts(case.id) == content


def test_the_retention_period_follows_the_organisation_setting(app: Flask, make_case) -> None:  # type: ignore[no-untyped-def]
    three_years_ago = make_closed_case(make_case, closed_on=date(2023, 6, 1))
    assert find_expired_cases(today=TODAY).cases == []
    with db.write_transaction() as session:
        get_settings(session).retention_years = 2
    expiry = find_expired_cases(today=TODAY)
    assert [case.id for case in expiry.cases] == [three_years_ago.id]
    assert expiry.cutoff == date(2024, 11, 27)


def test_each_purge_is_audited_with_the_reference_only(app: Flask, make_case) -> None:  # type: ignore[no-untyped-def]
    first = make_closed_case(make_case)
    second = make_closed_case(make_case, closed_on=date(2018, 1, 9))
    purge_expired_cases(today=TODAY)
    entries = db.session().scalars(select(AuditEvent).where(AuditEvent.action == "case.purged"))
    audited = {entry.case_id: json.loads(entry.detail) for entry in entries}
    assert audited == {
        first.id: {"reference": first.reference},
        second.id: {"reference": second.reference},
    }
    assert verify(db.session()).intact


def test_a_second_purge_finds_nothing_left_to_do(app: Flask, make_case) -> None:  # type: ignore[no-untyped-def]
    make_closed_case(make_case)
    purge_expired_cases(today=TODAY)
    assert purge_expired_cases(today=TODAY).cases == []


def run_purge(app: Flask, *options: str) -> str:
    result = app.test_cli_runner().invoke(args=["cases", "purge-expired", *options])
    assert result.exit_code == 0, result.output
    return result.output


def test_dry_run_lists_references_and_closure_dates_and_changes_nothing(
    app: Flask, make_case
) -> None:  # type: ignore[no-untyped-def]
    case = make_closed_case(make_case, closed_on=today_in_london() - timedelta(days=7 * 366))
    audit_entries = verify(db.session()).entries
    content = stored_ciphertexts(case.id)
    output = run_purge(app, "--dry-run")
    assert f"{case.reference}  closed {case.closed_on.isoformat()}" in output
    assert "nothing changed" in output
    assert has_data_key(case.id) and stored_ciphertexts(case.id) == content
    assert verify(db.session()).entries == audit_entries


def test_purge_command_reports_what_it_destroyed(app: Flask, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_closed_case(make_case, closed_on=today_in_london() - timedelta(days=7 * 366))
    output = run_purge(app)
    assert case.reference in output
    assert "Purged 1 case(s)" in output
    assert not has_data_key(case.id)
