"""The one writer of the audit trail, and its verifier.

Each entry carries an HMAC over the one before, and the head row (the chain's tip) carries a
seal: an HMAC over its sequence and last HMAC. Without the audit key, entries cannot be
altered, removed from the middle, or cut off the end. Putting back an older head with its
older seal is only seen from outside the database: compare the head `audit verify` prints, or
the one a backup recorded, with a later run (`audit verify --reaches` / `--backup`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fts_app.audit.models import HEAD_ROW_ID, AuditEvent, AuditHead
from fts_app.timeutil import naive_utc, utcnow

GENESIS = "0" * 64
#: prefix of the HMAC of every entry written since heads were sealed: a head without a seal
#: after such an entry had its seal removed, where one after older entries is not sealed yet
SEALED_ERA = "sealed-head|"
BEFORE_SEALS = ""
HEAD_SEAL_LABEL = "audit-head|"


class AuditTrailTampered(Exception):
    """The chain's head was altered; writing on would hide it, so nothing is written."""


@dataclass(frozen=True)
class HeadMark:
    """Where the chain ended at one moment: its last entry's sequence and HMAC."""

    sequence: int
    hmac: str

    def __str__(self) -> str:
        return f"{self.sequence}:{self.hmac}"

    @classmethod
    def parse(cls, text: str) -> HeadMark:
        """Read `SEQUENCE:HMAC` as `audit verify` prints it; raise ValueError if it is not."""
        sequence, _, digest = text.strip().lower().partition(":")
        is_hmac = len(digest) == len(GENESIS) and all(c in "0123456789abcdef" for c in digest)
        if not (sequence.isdigit() and is_hmac):
            raise ValueError(f"{text!r} is not SEQUENCE:HMAC as `audit verify` prints it")
        return cls(int(sequence), digest)


def _audit_key() -> bytes:
    return current_app.config["AUDIT_KEY"].encode()


def entry_hmac(key: bytes, previous: str, entry: AuditEvent, era: str = SEALED_ERA) -> str:
    """Return the entry's HMAC as written in `era` (entries before sealed heads had none)."""
    occurred = naive_utc(entry.occurred_at).isoformat(timespec="microseconds")
    canonical = json.dumps(
        [entry.sequence, occurred, entry.actor_id, entry.action, entry.case_id, entry.detail],
        separators=(",", ":"),
    )
    return hmac.new(key, (era + previous + canonical).encode(), hashlib.sha256).hexdigest()


def head_seal(key: bytes, mark: HeadMark) -> str:
    """Return the seal of a head at `mark`."""
    message = f"{HEAD_SEAL_LABEL}{mark.sequence}|{mark.hmac}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


#: the head is read back by column, never as a loaded row, so its updates need not search the
#: session's loaded rows for it (a search that grows with every row a long transaction holds)
UNSYNCHRONISED = {"synchronize_session": False}


def record(
    session: Session,
    action: str,
    *,
    actor_id: int | None = None,
    case_id: str | None = None,
    occurred_at: datetime | None = None,
    **detail: Any,
) -> AuditEvent:
    """Append an entry inside the caller's transaction; it commits or rolls back with it.

    `occurred_at` replaces the time of now, for entries about the portal's anonymous visitor,
    which keep only the day (timeutil.start_of_london_day).
    """
    key = _audit_key()
    session.execute(
        update(AuditHead)
        .where(AuditHead.id == HEAD_ROW_ID)
        .values(last_sequence=AuditHead.last_sequence + 1),
        execution_options=UNSYNCHRONISED,
    )
    head = session.execute(
        select(AuditHead.last_sequence, AuditHead.last_hmac, AuditHead.seal).where(
            AuditHead.id == HEAD_ROW_ID
        )
    ).one()
    _refuse_a_tampered_head(
        session, key, HeadMark(head.last_sequence - 1, head.last_hmac), head.seal
    )
    entry = AuditEvent(
        sequence=head.last_sequence,
        occurred_at=occurred_at or utcnow(),
        actor_id=actor_id,
        action=action,
        case_id=case_id,
        detail=json.dumps(detail, sort_keys=True, default=str),
        previous_hmac=head.last_hmac,
    )
    entry.hmac = entry_hmac(key, head.last_hmac, entry)
    session.add(entry)
    session.execute(
        update(AuditHead)
        .where(AuditHead.id == HEAD_ROW_ID)
        .values(last_hmac=entry.hmac, seal=head_seal(key, HeadMark(entry.sequence, entry.hmac))),
        execution_options=UNSYNCHRONISED,
    )
    return entry


def _refuse_a_tampered_head(session: Session, key: bytes, mark: HeadMark, seal: str | None) -> None:
    # Sealing a new entry onto a forged head would hide the entries cut off before it.
    if seal is None:
        last = session.get(AuditEvent, mark.sequence) if mark.sequence else None
        removed = last is not None and _written_in(key, last.previous_hmac, last) == SEALED_ERA
        problem = "lost its seal" if removed else None
    else:
        matches = hmac.compare_digest(seal, head_seal(key, mark))
        problem = None if matches else "does not match its seal"
    if problem:
        raise AuditTrailTampered(
            f"The audit trail's head {problem}: it was altered, so nothing more is written to "
            "the trail. Run `flask --app wsgi audit verify`."
        )


@dataclass(frozen=True)
class ChainReport:
    """The result of walking the chain: how many entries, its head, and the first broken one."""

    entries: int
    broken_at: int | None
    reason: str | None
    #: where the chain ends, when it is intact
    head: HeadMark | None = None
    #: False for a chain whose head was last written before heads were sealed
    head_sealed: bool = False

    @property
    def intact(self) -> bool:
        """Tell whether every link held."""
        return self.broken_at is None


def verify(session: Session, key: bytes | None = None) -> ChainReport:
    """Walk the chain in order and name the first entry whose link does not hold."""
    key = key or _audit_key()
    previous = GENESIS
    count = 0
    era = BEFORE_SEALS
    for entry in session.scalars(select(AuditEvent).order_by(AuditEvent.sequence)):
        expected_sequence = count + 1
        problem, era = _link_problem(key, previous, expected_sequence, entry)
        if problem:
            return ChainReport(count, expected_sequence, problem)
        previous = entry.hmac
        count = expected_sequence
    mark = HeadMark(count, previous)
    head = session.get(AuditHead, HEAD_ROW_ID)
    problem = _head_problem(key, head, mark, era)
    if problem:
        return ChainReport(count, count + 1, problem)
    return ChainReport(count, None, None, mark, head_sealed=bool(head and head.seal))


def _link_problem(
    key: bytes, previous: str, sequence: int, entry: AuditEvent
) -> tuple[str | None, str]:
    if entry.sequence != sequence:
        return f"entry {sequence} is missing", BEFORE_SEALS
    if entry.previous_hmac != previous:
        return "does not follow the entry before it", BEFORE_SEALS
    era = _written_in(key, previous, entry)
    if era is None:
        return "was altered after it was written", BEFORE_SEALS
    return None, era


def _written_in(key: bytes, previous: str, entry: AuditEvent) -> str | None:
    for era in (SEALED_ERA, BEFORE_SEALS):
        if hmac.compare_digest(entry.hmac, entry_hmac(key, previous, entry, era)):
            return era
    return None


def _head_problem(key: bytes, head: AuditHead | None, mark: HeadMark, era: str) -> str | None:
    if head is None:
        return "the chain's head record is missing"
    if head.last_sequence > mark.sequence:
        return "entries missing after the last one present"
    if head.last_sequence < mark.sequence or head.last_hmac != mark.hmac:
        return "the chain's head does not match its last entry"
    if head.seal is None:
        return "the chain's head lost its seal" if era == SEALED_ERA else None
    if not hmac.compare_digest(head.seal, head_seal(key, mark)):
        return "the chain's head does not match its seal: it was moved or altered"
    return None


def missing_since(session: Session, mark: HeadMark) -> str | None:
    """Say how the chain no longer holds a head seen earlier, or None if it still does."""
    if mark.sequence == 0:
        return None
    entry = session.get(AuditEvent, mark.sequence)
    if entry is None:
        return f"entry {mark.sequence}, seen earlier, is missing: the trail was cut short"
    if not hmac.compare_digest(entry.hmac, mark.hmac):
        return f"entry {mark.sequence} is not the one seen earlier: the trail was rewritten"
    return None
