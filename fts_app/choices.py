"""The base of every enumeration: a stable stored value and a plain-English label."""

from __future__ import annotations

from enum import StrEnum


class Choice(StrEnum):
    """An enumeration whose members carry a label for people; the value is what is stored."""

    def __new__(cls, value: str, label: str) -> Choice:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    label: str

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """Return (value, label) pairs for a form field."""
        return [(member.value, member.label) for member in cls]

    @classmethod
    def parse(cls, value: str | None) -> Choice | None:
        """Return the member for a stored or submitted value, or None if it is unknown."""
        try:
            return cls(value) if value else None
        except ValueError:
            return None
