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


def record_on_case(
    person: Person,
    link: str,
    button: str,
    check_page: PageChecks,
    *,
    choose: tuple[str, ...] = (),
    write: dict[str, str] | None = None,
    errors_first: bool = False,
) -> None:
    """Open one of a case's "record" pages, answer it and save, back on the case page.

    With `errors_first`, the empty form is sent once to see its error messages.
    """
    page = person.page
    person.follow(page.get_by_role("link", name=link, exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(link)
    name = "entry-" + "-".join(link.lower().split()[:3])
    check_page(page, name)
    if errors_first:
        person.follow(page.get_by_role("button", name=button, exact=True))
        expect(page.get_by_role("alert")).to_contain_text("There is a problem")
        check_page(page, f"{name}-errors")
    for label in choose:
        person.choose(page.get_by_label(label, exact=True))
    for label, text in (write or {}).items():
        person.fill(page.get_by_label(label, exact=True), text)
    person.follow(page.get_by_role("button", name=button, exact=True))
    expect(page.get_by_role("heading", level=1)).not_to_have_text(link)
