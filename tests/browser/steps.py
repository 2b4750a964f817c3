"""Steps that several journeys share, such as signing in."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.checks import PageChecks
from tests.browser.people import Person
from tests.browser.server import Account

CODE_FIELD = "Code from your authenticator app"


def sign_in(person: Person, account: Account, check_page: PageChecks) -> None:
    """Sign in with the password, then a code where the role needs one (set up the app if new)."""
    page = person.page
    enter_password(person, account, check_page)
    if page.url.endswith("/login/set-up-two-factor"):
        finish_two_factor_set_up(person, account, check_page)
    elif page.url.endswith("/login/two-factor"):
        enter_code(person, account, check_page)


def enter_password(person: Person, account: Account, check_page: PageChecks) -> None:
    """Open the sign-in page and give the email address and password."""
    page = person.page
    page.goto("/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    check_page(page, "sign-in")
    person.fill(page.get_by_label("Email address"), account.email)
    person.fill(page.get_by_label("Password", exact=True), account.password)
    person.follow(page.get_by_role("button", name="Continue"))


def enter_code(person: Person, account: Account, check_page: PageChecks) -> None:
    """Type the code the authenticator app shows now."""
    page = person.page
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app"
    )
    check_page(page, "two-factor")
    person.fill(page.get_by_label(CODE_FIELD), account.next_code())
    person.follow(page.get_by_role("button", name="Sign in"))


def finish_two_factor_set_up(person: Person, account: Account, check_page: PageChecks) -> None:
    """Add the key shown on the set-up page to the authenticator and confirm its first code."""
    page = person.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    check_page(page, "set-up-two-factor")
    account.totp_secret = shown_key(page)
    person.fill(page.get_by_label(CODE_FIELD), account.next_code())
    person.follow(page.get_by_role("button", name="Finish setting up"))


def shown_key(page: Page) -> str:
    """Read the set-up key as a person would type it into their authenticator app."""
    return page.locator("#two-factor-key").inner_text().replace(" ", "")
