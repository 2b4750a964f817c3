"""Journey 4: an administrator creates a guardian; the person sets up their own sign-in through a
one-time link the operator prints on the server, the lead guardian approves the account, and the
guardian signs in."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.checks import PageChecks
from tests.browser.people import MouseUser
from tests.browser.server import Account, LiveServer
from tests.browser.steps import (
    CODE_FIELD,
    enter_code,
    enter_password,
    finish_two_factor_set_up,
    sign_in,
)

pytestmark = pytest.mark.browser

GUARDIAN_EMAIL = "new.guardian@trust.nhs.example"
NOT_A_CODE = "000000"
GUARDIAN_PASSWORD = "a kettle of amber lanterns"
SET_UP_LINK = re.compile(r"https?://\S+/account/set-up/\S+")


def test_administrator_creates_a_guardian_who_sets_up_two_factor_and_signs_in(
    live_server: LiveServer, new_person: Callable[[], Page], check_page: PageChecks
) -> None:
    administrator = live_server.create_account("admin@trust.nhs.example", "admin")
    admin = MouseUser(new_person())
    show_sign_in_errors(admin, check_page)
    sign_in(admin, administrator, check_page)
    expect(admin.page.get_by_role("heading", level=1)).to_have_text("Administration")
    check_page(admin.page, "admin-index")

    create_guardian(admin, check_page)

    guardian = Account(email=GUARDIAN_EMAIL, password=GUARDIAN_PASSWORD)
    person = MouseUser(new_person())
    set_up_through_the_link(person, live_server, guardian, check_page)
    expect(person.page.get_by_text("once the lead guardian has approved it")).to_be_visible()

    lead = MouseUser(new_person())
    approve_the_account(lead, live_server, check_page)

    first_visit = MouseUser(new_person())
    sign_in(first_visit, guardian, check_page)
    expect(first_visit.page).to_have_url(f"{live_server.base_url}/cases")

    later_visit = MouseUser(new_person())
    sign_in_with_a_wrong_code_first(later_visit, guardian, check_page)
    expect(later_visit.page).to_have_url(f"{live_server.base_url}/cases")


def show_sign_in_errors(person: MouseUser, check_page: PageChecks) -> None:
    """Send the sign-in form empty and see each missing answer named."""
    page = person.page
    page.goto("/login")
    person.follow(page.get_by_role("button", name="Continue"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter your email address")
    expect(summary).to_contain_text("Enter your password")
    check_page(page, "sign-in-errors")


def create_guardian(admin: MouseUser, check_page: PageChecks) -> None:
    """Create the guardian's account: the admin is shown no password, only how the link is made."""
    page = admin.page
    admin.follow(page.get_by_role("link", name="Staff accounts"))
    check_page(page, "accounts")
    admin.follow(page.get_by_role("button", name="Create an account"))
    check_page(page, "new-account")
    admin.follow(page.get_by_role("button", name="Create account"))
    expect(page.get_by_role("alert")).to_contain_text("Choose the person's role")
    check_page(page, "new-account-errors")

    admin.choose(page.get_by_label("Guardian", exact=True))
    admin.fill(page.get_by_label("Email address"), GUARDIAN_EMAIL)
    admin.fill(page.get_by_label("Full name"), "Alex Guardian")
    admin.follow(page.get_by_role("button", name="Create account"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Account created")
    check_page(page, "account-created")
    expect(page.locator("#set-up-link-command")).to_contain_text(
        f"users set-up-link --email {GUARDIAN_EMAIL}"
    )
    expect(page.get_by_text("password", exact=False).first).to_be_visible()
    assert page.locator("#initial-password").count() == 0

    admin.follow(page.get_by_role("link", name="Back to staff accounts"))
    expect(page.get_by_role("row", name=GUARDIAN_EMAIL)).to_contain_text("Guardian")


def set_up_through_the_link(
    person: MouseUser, server: LiveServer, guardian: Account, check_page: PageChecks
) -> None:
    """Open the link the operator printed, choose a password and set up the authenticator."""
    printed = server.flask(
        "users", "set-up-link", "--email", guardian.email, "--base-url", server.base_url
    )
    link = SET_UP_LINK.search(printed)
    assert link, printed
    page = person.page
    page.goto(link.group(0))
    expect(page).to_have_url(f"{server.base_url}/account/set-up")
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your password")
    check_page(page, "set-up-account")
    person.fill(page.get_by_label("New password", exact=True), guardian.password)
    person.fill(page.get_by_label("Confirm new password"), guardian.password)
    person.follow(page.get_by_role("button", name="Save password"))
    finish_two_factor_set_up(person, guardian, check_page)


def approve_the_account(lead: MouseUser, server: LiveServer, check_page: PageChecks) -> None:
    """The lead guardian approves the guardian account the administrator made."""
    lead_account = server.create_account("lead@trust.nhs.example", "lead-guardian")
    sign_in(lead, lead_account, check_page)
    page = lead.page
    lead.follow(page.get_by_role("link", name="Account approvals").first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Account approvals")
    check_page(page, "account-approvals")
    lead.follow(page.get_by_role("button", name=f"Approve {GUARDIAN_EMAIL}"))
    expect(page.get_by_text(f"The account {GUARDIAN_EMAIL} was approved")).to_be_visible()


def sign_in_with_a_wrong_code_first(
    person: MouseUser, guardian: Account, check_page: PageChecks
) -> None:
    """Mistype the code once, see why it was refused, then sign in with the right one."""
    page = person.page
    enter_password(person, guardian, check_page)
    person.fill(page.get_by_label(CODE_FIELD), NOT_A_CODE)
    person.follow(page.get_by_role("button", name="Sign in"))
    expect(page.get_by_role("alert")).to_be_visible()
    check_page(page, "two-factor-errors")
    enter_code(person, guardian, check_page)
