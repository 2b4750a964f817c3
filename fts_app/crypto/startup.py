"""Load the master keys at start-up, refusing any set that cannot open existing data."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Engine, make_url

from fts_app.config import (
    MASTER_KEY_FILE,
    ConfigurationError,
    parse_master_keys,
    write_private_file_once,
)
from fts_app.crypto.keyring import Keyring, generate_master_key
from fts_app.crypto.models import CaseKey
from fts_app.crypto.sealed import SEALED_SECRETS

log = logging.getLogger(__name__)
KEYS_BESIDE_DATABASE = (
    "The master keys file %s is in the same folder as the database %s, so one copy of that "
    "folder opens every case. Outside a demo, set FTS_MASTER_KEYS from a secret store and keep "
    'the keys apart from the database and its backups (README "Keys and backups").'
)


def load_keyring(configured: str | None, instance_path: Path, engine: Engine) -> Keyring:
    """Return the keyring from configuration or the instance file, creating one only if safe."""
    key_file = instance_path / MASTER_KEY_FILE
    if configured:
        keys = parse_master_keys(configured, "FTS_MASTER_KEYS")
    elif key_file.exists():
        keys = parse_master_keys(key_file.read_text(), str(key_file))
    else:
        _refuse_new_key_over_existing_data(engine)
        write_private_file_once(key_file, generate_master_key() + "\n")
        keys = parse_master_keys(key_file.read_text(), str(key_file))
    keyring = Keyring(keys)
    _check_keys_open_existing_data(keyring, engine)
    return keyring


def warn_if_keys_beside_database(
    configured: str | None, instance_path: Path, database_url: str, *, demo: bool
) -> None:
    """Warn, outside a demo, when the master keys are read from the SQLite database's folder."""
    if configured or demo:
        return
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in {None, "", ":memory:"}:
        return
    database = Path(str(url.database)).resolve()
    key_file = (instance_path / MASTER_KEY_FILE).resolve()
    if database.parent == key_file.parent:
        log.warning(KEYS_BESIDE_DATABASE, key_file, database)


def _what_each_key_protects(engine: Engine) -> dict[str, str]:
    """Describe, for each master key id in use, the existing data only that key opens."""
    counted = [("case(s)", _case_key_counts(engine))] + [
        (kind.what, kind.count_by_master_key(engine)) for kind in SEALED_SECRETS.entries()
    ]
    key_ids = sorted(set().union(*(counts.keys() for _, counts in counted)))
    return {
        key_id: " and ".join(
            f"{counts[key_id]} {what}" for what, counts in counted if counts.get(key_id)
        )
        for key_id in key_ids
    }


def _case_key_counts(engine: Engine) -> dict[str, int]:
    if not inspect(engine).has_table(CaseKey.__tablename__):
        return {}
    with engine.connect() as connection:
        rows = connection.execute(
            select(CaseKey.master_key_id, func.count()).group_by(CaseKey.master_key_id)
        )
        return {key_id: count for key_id, count in rows}


def _refuse_new_key_over_existing_data(engine: Engine) -> None:
    if _what_each_key_protects(engine):
        raise ConfigurationError(
            "The database holds encrypted cases or two-factor secrets but no master key is "
            "configured. Restore the instance folder's master_keys file or set FTS_MASTER_KEYS."
        )


def _check_keys_open_existing_data(keyring: Keyring, engine: Engine) -> None:
    for key_id, protected in _what_each_key_protects(engine).items():
        if not keyring.has_key(bytes.fromhex(key_id)):
            raise ConfigurationError(
                f"Master key {key_id} protects {protected} but is not configured. "
                "Add it back to FTS_MASTER_KEYS (after the current key) or the master_keys file."
            )
