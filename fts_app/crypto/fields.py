"""EncryptedField: a model attribute that reads and writes an encrypted column."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import object_session

from fts_app import db
from fts_app.crypto.keyring import decrypt_text, encrypt_text
from fts_app.crypto.services import data_key_for


class EncryptedField:
    """Expose `<name>` as text while the column `<name>_ciphertext` holds only ciphertext.

    The owning model names its case through `encryption_owner_id`; the ciphertext is bound to
    that case and to `table.column`, so it cannot be moved to another case or column.
    """

    def __set_name__(self, owner: type[db.Base], name: str) -> None:
        self.name = name
        self.storage = f"{name}_ciphertext"
        self.place = f"{owner.__tablename__}.{name}"

    def __get__(self, instance: Any, owner: type) -> Any:
        if instance is None:
            return self
        blob = getattr(instance, self.storage)
        if blob is None:
            return None
        owner_id = instance.encryption_owner_id
        data_key = data_key_for(_session_of(instance), owner_id)
        return decrypt_text(data_key, blob, owner_id, self.place)

    def __set__(self, instance: Any, value: str | None) -> None:
        if value is None:
            setattr(instance, self.storage, None)
            return
        owner_id = instance.encryption_owner_id
        data_key = data_key_for(_session_of(instance), owner_id)
        setattr(instance, self.storage, encrypt_text(data_key, value, owner_id, self.place))


def _session_of(instance: Any) -> Any:
    return object_session(instance) or db.session()
