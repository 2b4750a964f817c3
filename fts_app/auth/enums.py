"""Staff roles (interfaces.md): the stored value is the name operators type."""

from __future__ import annotations

from fts_app.choices import Choice


class Role(Choice):
    """What a staff account may do; deny by default for anything a role does not name."""

    ADMIN = ("admin", "Administrator")
    LEAD_GUARDIAN = ("lead-guardian", "Lead guardian")
    GUARDIAN = ("guardian", "Guardian")
    BOARD = ("board", "Board member")

    @property
    def uses_two_factor(self) -> bool:
        """Tell whether sign-in needs a TOTP code as well as the password."""
        return self in {Role.ADMIN, Role.LEAD_GUARDIAN, Role.GUARDIAN}

    @property
    def works_cases(self) -> bool:
        """Tell whether the role can open cases at all."""
        return self in {Role.LEAD_GUARDIAN, Role.GUARDIAN}
