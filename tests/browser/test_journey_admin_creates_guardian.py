"""Journey 4: an administrator creates a guardian, who sets up two-factor sign-in and signs in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.checks import PageChecks
from tests.browser.people import MouseUser
from tests.browser.server import Account, LiveServer
from tests.browser.steps import CODE_FIELD, enter_code, enter_password, sign_in

pytestmark = pytest.mark.browser

GUARDIAN_EMAIL = "new.guardian@trust.nhs.example"
NOT_A_CODE = "000000"


def test_administrator_creates_a_guardian_who_sets_up_two_factor_and_signs_in(
    live_server: LiveServer, new_person: Callable[[], Page], check_page: PageChecks
) -> None:
    administrator = live_server.create_account("admin@trust.nhs.example", "admin")
    admin = MouseUser(new_person())
    show_sign_in_errors(admin, check_page)
    sign_in(admin, administrator, check_page)
    expect(admin.page.get_by_role("heading", level=1)).to_have_text("Administration")
    check_page(admin.page, "admin-index")

    initial_password = create_guardian(admin, check_page)

    guardian = Account(email=GUARDIAN_EMAIL, password=initial_password)
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


def create_guardian(admin: MouseUser, check_page: PageChecks) -> str:
    """Create the guardian's account and return the initial password it is given."""
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
    initial_password = page.locator("#initial-password").inner_text()

    admin.follow(page.get_by_role("link", name="Back to staff accounts"))
    expect(page.get_by_role("row", name=GUARDIAN_EMAIL)).to_contain_text("Guardian")
    return initial_password


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
