"""Staff roles (README "Commands"): the stored value is the name operators type."""

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


class SessionEnd(Choice):
    """Why a server-side session ended; stored on the row and in the audit trail."""

    SIGNED_OUT = ("signed-out", "Signed out")
    IDLE_TIMEOUT = ("idle-timeout", "Ended after a period of inactivity")
    ABSOLUTE_TIMEOUT = ("absolute-timeout", "Ended at the longest a session may last")
    PASSWORD_CHANGED = ("password-changed", "Ended when the password was changed")
    ACCOUNT_DEACTIVATED = ("account-deactivated", "Ended when the account was deactivated")
    TWO_FACTOR_RESET = ("two-factor-reset", "Ended when two-factor sign-in was reset")
    REPLACED = ("replaced", "Replaced by a new sign-in in the same browser")
    #: no longer given: kept so sessions ended by the old lock-out still read back
    LOCKED = ("locked", "Ended when sign-in was paused after failed attempts")
    SLOWED = ("slowed", "Ended when failed attempts slowed the account's sign-in")
    SIGN_IN_RESET = ("sign-in-reset", "Ended when the account's sign-in was reset")
    AWAITING_APPROVAL = ("awaiting-approval", "Ended: the account awaits the lead's approval")


class SignInStep(Choice):
    """What a person must do next once their password has been accepted."""

    DONE = ("done", "Signed in")
    SET_PASSWORD = ("set-password", "Choose a new password")
    TWO_FACTOR = ("two-factor", "Enter a code from the authenticator app")
    SET_UP_TWO_FACTOR = ("set-up-two-factor", "Set up the authenticator app")
