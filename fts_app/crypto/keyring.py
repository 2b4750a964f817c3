"""Master keys and authenticated encryption (AES-256-GCM) of data keys and content."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_ID_BYTES = 8
NONCE_BYTES = 12
WRAPPED_KEY_VERSION = b"\x01"
CONTENT_VERSION = b"\x02"
PURPOSE_VERSION = b"\x03"


class DecryptionError(Exception):
    """A ciphertext could not be opened: wrong key, wrong place, or tampered with."""


def key_id_of(key: bytes) -> bytes:
    """Return the short identifier that names a key inside every ciphertext."""
    return hashlib.sha256(b"fts-key-id|" + key).digest()[:KEY_ID_BYTES]


def generate_master_key() -> str:
    """Return a new master key as urlsafe base64 of 32 random bytes."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


@dataclass(frozen=True)
class DataKey:
    """A case's content key: the random key and its identifier."""

    key: bytes
    key_id: bytes

    @classmethod
    def generate(cls) -> DataKey:
        """Make a fresh random AES-256 data key."""
        key = AESGCM.generate_key(bit_length=256)
        return cls(key=key, key_id=key_id_of(key))

    def __repr__(self) -> str:
        return f"DataKey(key_id={self.key_id.hex()})"


def _seal(key: bytes, version: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    body = AESGCM(key).encrypt(nonce, plaintext, version + associated_data)
    return version + key_id_of(key) + nonce + body


def _split(blob: bytes, version: bytes) -> tuple[bytes, bytes, bytes]:
    header = 1 + KEY_ID_BYTES + NONCE_BYTES
    if len(blob) <= header or blob[:1] != version:
        raise DecryptionError("not a ciphertext of the expected kind")
    return blob[1 : 1 + KEY_ID_BYTES], blob[1 + KEY_ID_BYTES : header], blob[header:]


def _open(key: bytes, version: bytes, nonce: bytes, body: bytes, associated_data: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(nonce, body, version + associated_data)
    except InvalidTag as error:
        raise DecryptionError("authentication failed: wrong key, wrong place or altered") from error


class Keyring:
    """The configured master keys: the first wraps new data keys, any of them unwraps."""

    def __init__(self, master_keys: list[bytes]) -> None:
        if not master_keys:
            raise ValueError("a keyring needs at least one master key")
        self._keys = {key_id_of(key): key for key in master_keys}
        self.current_key_id = key_id_of(master_keys[0])

    def __repr__(self) -> str:
        return f"Keyring(current={self.current_key_id.hex()}, keys={len(self._keys)})"

    def has_key(self, key_id: bytes) -> bool:
        """Tell whether a master key with this identifier is configured."""
        return key_id in self._keys

    def seal(self, secret: bytes, owner: str) -> bytes:
        """Encrypt a small secret (a data key, a TOTP seed) under the current master key."""
        return _seal(self._keys[self.current_key_id], WRAPPED_KEY_VERSION, secret, owner.encode())

    def open(self, sealed: bytes, owner: str) -> bytes:
        """Decrypt a sealed secret with whichever configured master key made it."""
        key_id, nonce, body = _split(sealed, WRAPPED_KEY_VERSION)
        master = self._keys.get(key_id)
        if master is None:
            raise DecryptionError(f"master key {key_id.hex()} is not configured")
        return _open(master, WRAPPED_KEY_VERSION, nonce, body, owner.encode())

    def wrap(self, data_key: DataKey, case_id: str) -> bytes:
        """Encrypt a case's data key under the current master key, bound to the case."""
        return self.seal(data_key.key, f"data-key|{case_id}")

    def unwrap(self, wrapped: bytes, case_id: str) -> DataKey:
        """Decrypt a case's data key."""
        key = self.open(wrapped, f"data-key|{case_id}")
        return DataKey(key=key, key_id=key_id_of(key))

    @staticmethod
    def wrapped_by(wrapped: bytes) -> bytes:
        """Return the identifier of the master key that wrapped a data key."""
        return _split(wrapped, WRAPPED_KEY_VERSION)[0]

    def seal_for(self, purpose: str, plaintext: bytes, owner: str) -> bytes:
        """Encrypt under a key derived from the current master key for one purpose only."""
        derived = _purpose_key(self._keys[self.current_key_id], purpose)
        nonce = os.urandom(NONCE_BYTES)
        body = AESGCM(derived).encrypt(nonce, plaintext, PURPOSE_VERSION + owner.encode())
        # the header names the master key, so start-up and rotation know which one it needs
        return PURPOSE_VERSION + self.current_key_id + nonce + body

    def open_for(self, purpose: str, sealed: bytes, owner: str) -> bytes:
        """Decrypt what `seal_for` sealed for this purpose, with whichever master key made it."""
        key_id, nonce, body = _split(sealed, PURPOSE_VERSION)
        master = self._keys.get(key_id)
        if master is None:
            raise DecryptionError(f"master key {key_id.hex()} is not configured")
        return _open(_purpose_key(master, purpose), PURPOSE_VERSION, nonce, body, owner.encode())

    @staticmethod
    def sealed_for_by(sealed: bytes) -> bytes:
        """Return the identifier of the master key a `seal_for` ciphertext was derived from."""
        return _split(sealed, PURPOSE_VERSION)[0]


def _purpose_key(master: bytes, purpose: str) -> bytes:
    """Derive a key for one purpose, so a ciphertext of one kind never opens as another."""
    info = b"fts-purpose|" + purpose.encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)


def associated_data(owner_id: str, place: str) -> bytes:
    """Bind a ciphertext to one owner (a case) and one place (table.column)."""
    return f"{owner_id}|{place}".encode()


def encrypt_text(data_key: DataKey, text: str, owner_id: str, place: str) -> bytes:
    """Encrypt text for one column of one case with a fresh nonce."""
    plaintext = text.encode("utf-8", errors="surrogatepass")
    return _seal(data_key.key, CONTENT_VERSION, plaintext, associated_data(owner_id, place))


def decrypt_text(data_key: DataKey, blob: bytes, owner_id: str, place: str) -> str:
    """Decrypt one column of one case; a ciphertext moved elsewhere fails loudly."""
    key_id, nonce, body = _split(blob, CONTENT_VERSION)
    if key_id != data_key.key_id:
        raise DecryptionError("ciphertext was made with another data key")
    plaintext = _open(data_key.key, CONTENT_VERSION, nonce, body, associated_data(owner_id, place))
    return plaintext.decode("utf-8", errors="surrogatepass")
