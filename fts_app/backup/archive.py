"""The backup file: compressed, then sealed in authenticated chunks under a one-off key.

Layout: MAGIC, format version, a random backup id, then the backup's content key sealed by
the current master key (the sealed blob names that key), then chunks of
`last? | length | AES-256-GCM(chunk)`. Each chunk's nonce holds its position and whether it
is the last, and the header is every chunk's associated data, so a chunk that is altered,
moved, dropped or taken from another backup fails to open, and so does a file cut short.
"""

from __future__ import annotations

import secrets
import struct
import zlib
from collections.abc import Iterator
from types import TracebackType
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from fts_app.crypto.keyring import DecryptionError, Keyring

MAGIC = b"FTS-BACKUP"
FORMAT_VERSION = 1
BACKUP_ID_BYTES = 16
CHUNK_BYTES = 1 << 20
LENGTH = struct.Struct(">I")
SEALED_KEY_LENGTH = struct.Struct(">H")
COUNTER_BYTES = 11
LAST_CHUNK = b"\x01"
MORE_CHUNKS = b"\x00"


class ArchiveError(Exception):
    """The file is not a backup, was altered, or cannot be opened with the configured keys."""


def _owner(backup_id: bytes) -> str:
    return f"backup|{backup_id.hex()}"


def _nonce(position: int, flag: bytes) -> bytes:
    return position.to_bytes(COUNTER_BYTES, "big") + flag


class ArchiveWriter:
    """Write compressed, encrypted chunks to an open binary file."""

    def __init__(self, handle: BinaryIO, ring: Keyring) -> None:
        content_key = AESGCM.generate_key(bit_length=256)
        backup_id = secrets.token_bytes(BACKUP_ID_BYTES)
        sealed = ring.seal(content_key, _owner(backup_id))
        self.header = (
            MAGIC
            + bytes([FORMAT_VERSION])
            + backup_id
            + SEALED_KEY_LENGTH.pack(len(sealed))
            + sealed
        )
        self.master_key_id = Keyring.wrapped_by(sealed).hex()
        self._handle = handle
        self._cipher = AESGCM(content_key)
        self._compressor = zlib.compressobj(6)
        self._pending = bytearray()
        self._position = 0
        handle.write(self.header)

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()

    def write(self, data: bytes) -> None:
        """Add bytes to the archive."""
        self._pending += self._compressor.compress(data)
        while len(self._pending) >= CHUNK_BYTES:
            self._seal_chunk(bytes(self._pending[:CHUNK_BYTES]), last=False)
            del self._pending[:CHUNK_BYTES]

    def close(self) -> None:
        """Seal what is left as the last chunk; a file without one reads as cut short."""
        self._pending += self._compressor.flush()
        self._seal_chunk(bytes(self._pending), last=True)
        self._pending.clear()

    def _seal_chunk(self, chunk: bytes, *, last: bool) -> None:
        flag = LAST_CHUNK if last else MORE_CHUNKS
        sealed = self._cipher.encrypt(_nonce(self._position, flag), chunk, self.header)
        self._handle.write(flag + LENGTH.pack(len(sealed)) + sealed)
        self._position += 1


def _read_exactly(handle: BinaryIO, size: int) -> bytes:
    data = handle.read(size)
    if len(data) != size:
        raise ArchiveError("The backup file ends early: it is incomplete or was cut short.")
    return data


def _read_header(handle: BinaryIO, ring: Keyring) -> tuple[bytes, AESGCM]:
    magic = handle.read(len(MAGIC) + 1)
    if magic != MAGIC + bytes([FORMAT_VERSION]):
        raise ArchiveError("This file is not an fts_app backup (or is of an unknown version).")
    backup_id = _read_exactly(handle, BACKUP_ID_BYTES)
    length_bytes = _read_exactly(handle, SEALED_KEY_LENGTH.size)
    sealed = _read_exactly(handle, SEALED_KEY_LENGTH.unpack(length_bytes)[0])
    header = magic + backup_id + length_bytes + sealed
    master_key_id = Keyring.wrapped_by(sealed)
    if not ring.has_key(master_key_id):
        raise ArchiveError(
            f"This backup was encrypted under master key {master_key_id.hex()}, which is not "
            "configured. Add that key to FTS_MASTER_KEYS (after the current one) to restore it."
        )
    try:
        content_key = ring.open(sealed, _owner(backup_id))
    except DecryptionError as error:
        raise ArchiveError("The backup file's header was altered; it cannot be opened.") from error
    return header, AESGCM(content_key)


def read_archive(handle: BinaryIO, ring: Keyring) -> Iterator[bytes]:
    """Yield the archive's bytes, checking each chunk before any of it is used."""
    header, cipher = _read_header(handle, ring)
    decompressor = zlib.decompressobj()
    position = 0
    flag = MORE_CHUNKS
    while flag != LAST_CHUNK:
        flag = _read_exactly(handle, 1)
        length = LENGTH.unpack(_read_exactly(handle, LENGTH.size))[0]
        sealed = _read_exactly(handle, length)
        yield decompressor.decompress(_open_chunk(cipher, header, position, flag, sealed))
        position += 1
    if handle.read(1) or not decompressor.eof:
        raise ArchiveError("The backup file has data after its end; it was altered.")


def _open_chunk(cipher: AESGCM, header: bytes, position: int, flag: bytes, sealed: bytes) -> bytes:
    try:
        return cipher.decrypt(_nonce(position, flag), sealed, header)
    except InvalidTag as error:
        raise ArchiveError(
            f"Part {position + 1} of the backup file failed its integrity check: the file is "
            "damaged or was altered."
        ) from error
