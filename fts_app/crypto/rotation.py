"""Master key rotation: re-wrap data keys and master-sealed secrets under the current master key.

Content is never re-encrypted: only the small wrapped keys change. Work is committed in
batches, so a rotation stopped half-way leaves every key wrapped by either the old or the
new master key (both still configured) and a second run picks up where the first stopped.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from fts_app import db
from fts_app.audit.services import record
from fts_app.crypto.keyring import Keyring
from fts_app.crypto.models import CaseKey
from fts_app.crypto.sealed import SEALED_SECRETS
from fts_app.crypto.services import keyring
from fts_app.timeutil import utcnow

BATCH_SIZE = 500


@dataclass(frozen=True)
class RotationReport:
    """What one rotation run re-wrapped, and what is still wrapped by an older master key."""

    case_keys: int
    totp_secrets: int
    remaining: int


def rotate_master_key(
    batch_size: int = BATCH_SIZE, max_batches: int | None = None
) -> RotationReport:
    """Re-wrap everything still under an older master key; `max_batches` stops early."""
    ring = keyring()
    rewrapped, finished = _rewrap_case_keys(ring, batch_size, max_batches)
    with db.write_transaction() as session:
        resealed = _reseal_sealed_secrets(session, ring) if finished else 0
        remaining = _count_case_keys_under_old_keys(session, ring) + sum(
            kind.count_under_old_keys(session, ring) for kind in SEALED_SECRETS.entries()
        )
        record(
            session,
            "keys.rotated",
            master_key_id=ring.current_key_id.hex(),
            case_keys=rewrapped,
            totp_secrets=resealed,
            remaining=remaining,
        )
    return RotationReport(case_keys=rewrapped, totp_secrets=resealed, remaining=remaining)


def _rewrap_case_keys(ring: Keyring, batch_size: int, max_batches: int | None) -> tuple[int, bool]:
    """Re-wrap case keys a batch per transaction; tell how many and whether all are done."""
    rewrapped = 0
    after = ""
    batches = 0
    while max_batches is None or batches < max_batches:
        with db.write_transaction() as session:
            done, after = _rewrap_case_key_batch(session, ring, after, batch_size)
        rewrapped += done
        batches += 1
        if done < batch_size:
            return rewrapped, True
    return rewrapped, False


def _rewrap_case_key_batch(
    session: Session, ring: Keyring, after: str, batch_size: int
) -> tuple[int, str]:
    # Walk the primary key rather than rescanning, so each batch reads only rows not yet seen.
    current = ring.current_key_id.hex()
    rows = session.execute(
        select(CaseKey.case_id, CaseKey.wrapped_key)
        .where(CaseKey.case_id > after, CaseKey.master_key_id != current)
        .order_by(CaseKey.case_id)
        .limit(batch_size)
    ).all()
    if not rows:
        return 0, after
    now = utcnow()
    session.execute(
        update(CaseKey),
        [
            {
                "case_id": case_id,
                "wrapped_key": ring.wrap(ring.unwrap(wrapped, case_id), case_id),
                "master_key_id": current,
                "rewrapped_at": now,
            }
            for case_id, wrapped in rows
        ],
    )
    return len(rows), rows[-1].case_id


def _reseal_sealed_secrets(session: Session, ring: Keyring) -> int:
    return sum(kind.reseal_under_current_key(session, ring) for kind in SEALED_SECRETS.entries())


def _count_case_keys_under_old_keys(session: Session, ring: Keyring) -> int:
    current = ring.current_key_id.hex()
    count = session.scalar(
        select(func.count()).select_from(CaseKey).where(CaseKey.master_key_id != current)
    )
    return count or 0
