"""Configuration: defaults, then the instance folder, then FTS_* environment, then overrides."""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
MASTER_KEY_FILE = "master_keys"
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
AUDIT_KEY_FILE = "audit_key"
SQLITE_FILE = "fts.sqlite3"


class ConfigurationError(Exception):
    """Start-up cannot go on; the message says what is wrong and how to fix it."""


DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,
    "MASTER_KEYS": None,
    "SECRET_KEY": None,
    "AUDIT_KEY": None,
    "RATELIMIT_STORAGE_URI": "memory://",
    "SESSION_IDLE_MINUTES": 30,
    "SESSION_ABSOLUTE_HOURS": 12,
    #: how long a set-up link for a new or reset staff account works
    "SET_UP_LINK_HOURS": 72,
    #: how many sealed equality entries wait before a flush adds them to the counts together
    "EQUALITY_FLUSH_AT": 5,
    "PREFERRED_URL_SCHEME": "http",
    #: the app's absolute public address, for links printed or mailed to people
    "BASE_URL": None,
    #: portal submissions that may arrive back to back, then one per interval (README)
    "SUBMISSION_BURST": 30,
    "SUBMISSION_INTERVAL_SECONDS": 60,
    #: a demonstration install (scripts/run --demo): its keys may sit beside its database
    "DEMO": False,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "WTF_CSRF_TIME_LIMIT": None,
    "TESTING": False,
}


def flag(raw: str) -> bool:
    """Read a yes-or-no setting written 1 or 0 (true/false and yes/no are taken too)."""
    text = raw.strip().lower()
    if text in {"1", "true", "yes"}:
        return True
    if text in {"0", "false", "no"}:
        return False
    raise ValueError(raw)


#: settings that may come from FTS_* variables, with how to read each
ENVIRONMENT_SETTINGS: dict[str, Callable[[str], Any]] = {
    "DATABASE_URL": str,
    "MASTER_KEYS": str,
    "SECRET_KEY": str,
    "AUDIT_KEY": str,
    "RATELIMIT_STORAGE_URI": str,
    "SESSION_IDLE_MINUTES": int,
    "SESSION_ABSOLUTE_HOURS": int,
    "SET_UP_LINK_HOURS": int,
    "EQUALITY_FLUSH_AT": int,
    "PREFERRED_URL_SCHEME": str,
    "BASE_URL": str,
    "SUBMISSION_BURST": int,
    "SUBMISSION_INTERVAL_SECONDS": int,
    "DEMO": flag,
}
#: settings that must be whole numbers of at least 1
POSITIVE_WHOLE_NUMBERS = (
    "SESSION_IDLE_MINUTES",
    "SESSION_ABSOLUTE_HOURS",
    "SET_UP_LINK_HOURS",
    "SUBMISSION_BURST",
    "SUBMISSION_INTERVAL_SECONDS",
    "MAX_CONTENT_LENGTH",
)
#: settings that must be one of a few words, with the words
ONE_OF = {"PREFERRED_URL_SCHEME": ("http", "https")}
#: the rate-limit stores the app knows how to use
RATE_LIMIT_STORES = ("memory://", "redis://", "rediss://")


def instance_path_from_environment() -> Path:
    """Return the instance folder: FTS_INSTANCE_PATH or instance/ in the checkout."""
    return Path(os.environ.get("FTS_INSTANCE_PATH") or REPOSITORY_ROOT / "instance").resolve()


def load_settings(instance_path: Path, overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """Merge defaults, instance/config.py, FTS_* variables and explicit overrides."""
    settings = dict(DEFAULTS)
    settings.update(_instance_file_settings(instance_path))
    settings.update(_environment_settings())
    settings.update(overrides or {})
    _check_positive_whole_numbers(settings)
    _check_equality_flush_at(settings["EQUALITY_FLUSH_AT"])
    _check_words(settings)
    return settings


def _check_words(settings: Mapping[str, Any]) -> None:
    for name, allowed in ONE_OF.items():
        if settings[name] not in allowed:
            words = " or ".join(allowed)
            raise ConfigurationError(f"FTS_{name} must be {words}: {settings[name]!r}")
    store = settings["RATELIMIT_STORAGE_URI"]
    if not isinstance(store, str) or not store.startswith(RATE_LIMIT_STORES):
        raise ConfigurationError(
            f"FTS_RATELIMIT_STORAGE_URI must be memory:// or redis://host:port: {store!r}"
        )


def _check_positive_whole_numbers(settings: Mapping[str, Any]) -> None:
    for name in POSITIVE_WHOLE_NUMBERS:
        value = settings[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigurationError(f"FTS_{name} must be a whole number of at least 1: {value!r}")


#: the smallest batch a flush may add to the equality counts (see fts_app/speakup/equality.py)
MIN_EQUALITY_FLUSH_AT = 3


def _check_equality_flush_at(value: Any) -> None:
    # A batch of one or two would let two copies of the database, before and after a flush,
    # show one person's answers, or a pair's.
    if isinstance(value, bool) or not isinstance(value, int) or value < MIN_EQUALITY_FLUSH_AT:
        raise ConfigurationError(
            f"FTS_EQUALITY_FLUSH_AT must be a whole number of at least {MIN_EQUALITY_FLUSH_AT}: "
            f"{value!r}"
        )


def _instance_file_settings(instance_path: Path) -> dict[str, Any]:
    config_file = instance_path / "config.py"
    if not config_file.exists():
        return {}
    namespace: dict[str, Any] = {}
    exec(compile(config_file.read_text(), str(config_file), "exec"), namespace)  # noqa: S102
    return {key: value for key, value in namespace.items() if key.isupper()}


def _environment_settings() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, kind in ENVIRONMENT_SETTINGS.items():
        raw = os.environ.get(f"FTS_{name}")
        if raw is None or raw == "":
            continue
        try:
            found[name] = kind(raw)
        except ValueError as error:
            described = "1 or 0" if kind is flag else f"a {getattr(kind, '__name__', kind)}"
            raise ConfigurationError(f"FTS_{name} must be {described}: {raw!r}") from error
    return found


def ensure_instance_folder(instance_path: Path) -> None:
    """Create the instance folder, or make an existing one, readable by the owner only."""
    try:
        instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigurationError(
            f"Cannot create the instance folder {instance_path}: {error.strerror}. "
            "Set FTS_INSTANCE_PATH to a writable folder."
        ) from error
    # A checkout already holds instance/ (for its README), made with the usual 0755.
    _make_private(instance_path, 0o700, "instance folder")


def _make_private(path: Path, private_mode: int, what: str) -> None:
    if path.stat().st_mode & 0o077 == 0:
        return
    try:
        path.chmod(private_mode)
    except OSError as error:
        raise ConfigurationError(
            f"The {what} {path} can be read by other users and cannot be made private: "
            f"{error.strerror}. Run chmod {private_mode:o} on it as its owner."
        ) from error


def make_sqlite_file_private(url: str) -> None:
    """Create a SQLite database file 0600 before SQLite does, and tighten an existing one.

    SQLite gives its -wal and -shm files the database file's permissions.
    """
    parsed = make_url(url)
    if not parsed.database or parsed.database == ":memory:" or parsed.query.get("uri"):
        return
    path = Path(parsed.database)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError:
        return  # SQLite's own error says why the file cannot be opened there
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            _make_private(file, 0o600, "database file")


def default_database_url(instance_path: Path) -> str:
    """Return the URL of the embedded SQLite database in the instance folder."""
    return f"sqlite:///{instance_path / SQLITE_FILE}"


def read_or_create_secret(instance_path: Path, file_name: str) -> str:
    """Return a secret kept in the instance folder, creating it (mode 0600) on first start."""
    path = instance_path / file_name
    if path.exists():
        return path.read_text().strip()
    write_private_file_once(path, secrets.token_urlsafe(48) + "\n")
    return path.read_text().strip()


def write_private_file_once(path: Path, text: str) -> None:
    """Create a private file unless another process already has; either way it is whole."""
    # Workers starting together on a new folder race here: each writes a whole file aside and
    # links it into place, so the first link wins and the others read the winner's file.
    draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    write_private_file(draft, text)
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()


def write_private_file(path: Path, text: str) -> None:
    """Write a file only its owner can read, never leaving it world-readable in between."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)


def parse_master_keys(text: str, source: str) -> list[bytes]:
    """Parse comma- or line-separated urlsafe base64 keys of 32 bytes each."""
    parts = [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]
    if not parts:
        raise ConfigurationError(
            f"{source} holds no master key. Create one with: flask --app wsgi keys generate"
        )
    return [_decode_master_key(part, position, source) for position, part in enumerate(parts, 1)]


def _decode_master_key(encoded: str, position: int, source: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise ConfigurationError(
            f"Master key {position} in {source} is not urlsafe base64 of 32 bytes. "
            "Create a valid one with: flask --app wsgi keys generate"
        )
    return key
