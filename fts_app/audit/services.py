"""The one writer of the audit trail, and its verifier."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fts_app.audit.models import HEAD_ROW_ID, AuditEvent, AuditHead
from fts_app.timeutil import naive_utc, utcnow

GENESIS = "0" * 64


def _audit_key() -> bytes:
    return current_app.config["AUDIT_KEY"].encode()


def _entry_hmac(key: bytes, previous: str, entry: AuditEvent) -> str:
    occurred = naive_utc(entry.occurred_at).isoformat(timespec="microseconds")
    canonical = json.dumps(
        [entry.sequence, occurred, entry.actor_id, entry.action, entry.case_id, entry.detail],
        separators=(",", ":"),
    )
    return hmac.new(key, (previous + canonical).encode(), hashlib.sha256).hexdigest()


def record(
    session: Session,
    action: str,
    *,
    actor_id: int | None = None,
    case_id: str | None = None,
    **detail: Any,
) -> AuditEvent:
    """Append an entry inside the caller's transaction; it commits or rolls back with it."""
    session.execute(
        update(AuditHead)
        .where(AuditHead.id == HEAD_ROW_ID)
        .values(last_sequence=AuditHead.last_sequence + 1)
    )
    head = session.execute(
        select(AuditHead.last_sequence, AuditHead.last_hmac).where(AuditHead.id == HEAD_ROW_ID)
    ).one()
    entry = AuditEvent(
        sequence=head.last_sequence,
        occurred_at=utcnow(),
        actor_id=actor_id,
        action=action,
        case_id=case_id,
        detail=json.dumps(detail, sort_keys=True, default=str),
        previous_hmac=head.last_hmac,
    )
    entry.hmac = _entry_hmac(_audit_key(), head.last_hmac, entry)
    session.add(entry)
    session.execute(
        update(AuditHead).where(AuditHead.id == HEAD_ROW_ID).values(last_hmac=entry.hmac)
    )
    return entry


@dataclass(frozen=True)
class ChainReport:
    """The result of walking the chain: how many entries, and the first broken one."""

    entries: int
    broken_at: int | None
    reason: str | None

    @property
    def intact(self) -> bool:
        """Tell whether every link held."""
        return self.broken_at is None


def verify(session: Session, key: bytes | None = None) -> ChainReport:
    """Walk the chain in order and name the first entry whose link does not hold."""
    key = key or _audit_key()
    previous = GENESIS
    expected_sequence = 1
    count = 0
    for entry in session.scalars(select(AuditEvent).order_by(AuditEvent.sequence)):
        problem = _link_problem(key, previous, expected_sequence, entry)
        if problem:
            return ChainReport(count, expected_sequence, problem)
        previous = entry.hmac
        expected_sequence += 1
        count += 1
    head = session.get(AuditHead, HEAD_ROW_ID)
    if head is not None and head.last_sequence != count:
        return ChainReport(count, count + 1, "entries missing after the last one present")
    return ChainReport(count, None, None)


def _link_problem(key: bytes, previous: str, sequence: int, entry: AuditEvent) -> str | None:
    if entry.sequence != sequence:
        return f"entry {sequence} is missing"
    if entry.previous_hmac != previous:
        return "does not follow the entry before it"
    if not hmac.compare_digest(entry.hmac, _entry_hmac(key, previous, entry)):
        return "was altered after it was written"
    return None
