"""Registries through which a higher layer lends a lower one what it needs: imports run down.

A kernel module that must act on something a feature owns (the two-factor secrets crypto re-seals,
the audit head a backup file recorded) declares a registry; the feature registers its entry when it
is imported, and the app factory imports every feature before start-up uses the registries.
"""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Entries by name; registering a name again replaces its entry, so re-imports are harmless."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._entries: dict[str, T] = {}

    def register(self, name: str, entry: T) -> T:
        """Add or replace the entry called `name`, and return it."""
        self._entries[name] = entry
        return entry

    def get(self, name: str) -> T:
        """Return the entry called `name`, or say plainly that nothing registered it."""
        try:
            return self._entries[name]
        except KeyError:
            raise LookupError(f"No {self.what} called {name!r} is registered") from None

    def entries(self) -> tuple[T, ...]:
        """Return every entry, in the order they were first registered."""
        return tuple(self._entries.values())
