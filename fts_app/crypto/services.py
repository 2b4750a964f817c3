"""Per-case data keys: create, look up (cached per app context) and destroy."""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy.orm import Session

from fts_app.crypto.keyring import DataKey, Keyring
from fts_app.crypto.models import CaseKey


class ContentShredded(Exception):
    """The case's data key was destroyed: its content can never be read again."""


def keyring() -> Keyring:
    """Return the current app's keyring."""
    return current_app.extensions["fts_keyring"]


def _cache() -> dict[str, DataKey]:
    if "fts_data_keys" not in g:
        g.fts_data_keys = {}
    return g.fts_data_keys


def create_data_key(session: Session, case_id: str) -> DataKey:
    """Make and store a new wrapped data key for a new case."""
    data_key = DataKey.generate()
    ring = keyring()
    session.add(
        CaseKey(
            case_id=case_id,
            wrapped_key=ring.wrap(data_key, case_id),
            master_key_id=ring.current_key_id.hex(),
        )
    )
    _cache()[case_id] = data_key
    return data_key


def data_key_for(session: Session, case_id: str) -> DataKey:
    """Return a case's data key, unwrapping it once per app context."""
    cache = _cache()
    if case_id in cache:
        return cache[case_id]
    row = session.get(CaseKey, case_id)
    if row is None:
        raise ContentShredded(case_id)
    data_key = keyring().unwrap(row.wrapped_key, case_id)
    cache[case_id] = data_key
    return data_key


def forget_data_key(case_id: str) -> None:
    """Drop a cached data key (after shredding)."""
    _cache().pop(case_id, None)
