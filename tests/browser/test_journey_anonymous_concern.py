"""Journey 1, with the keyboard alone: an anonymous concern from portal to closure and back.

A member of staff speaks up anonymously and notes the reference and access code; a guardian
signs in, finds the case, acknowledges it and writes; the person follows up, reads and replies;
the guardian records feedback and closes the case; the person answers the feedback question.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.browser.checks import PageChecks
from tests.browser.people import KeyboardUser
from tests.browser.server import LiveServer
from tests.browser.steps import record_on_case, sign_in

pytestmark = pytest.mark.browser

CONCERN = "Night shifts on ward 7 have had one nurse for 28 patients since March."
GUARDIAN_MESSAGE = "Thank you for speaking up. Which nights were worst?"
REPLY = "Mostly Sundays and Mondays."
FEEDBACK = "Told the person that two more nurses now work each night shift."
OUTCOME = "Night staffing on ward 7 raised to three nurses."
LEARNING = "Staffing is now checked against patient numbers before each night shift."


@dataclass(frozen=True)
class Receipt:
    """What the person wrote down after speaking up."""

    reference: str
    access_code: str


def test_anonymous_concern_is_answered_and_closed_using_the_keyboard_alone(
    live_server: LiveServer, new_person: Callable[[], Page], check_page: PageChecks
) -> None:
    guardian_account = live_server.create_account("guardian@trust.nhs.example", "guardian")
    staff = KeyboardUser(new_person())
    guardian = KeyboardUser(new_person())

    receipt = speak_up_anonymously(staff, check_page)

    sign_in(guardian, guardian_account, check_page)
    find_case(guardian, receipt.reference, check_page)
    take_and_acknowledge(guardian, check_page)
    record_on_case(
        guardian,
        "Send a message to the person",
        "Send message",
        check_page,
        write={"Message": GUARDIAN_MESSAGE},
    )

    follow_up(staff, receipt, check_page)
    expect(staff.page.get_by_text(GUARDIAN_MESSAGE)).to_be_visible()
    reply(staff, check_page)

    guardian.page.reload()
    expect(guardian.page.get_by_text(REPLY)).to_be_visible()
    give_feedback_and_close(guardian, check_page)

    staff.page.goto("/speak-up/follow-up")
    answer_feedback_question(staff, check_page)

    guardian.page.reload()
    expect(guardian.page.get_by_text("Would they speak up again?")).to_be_visible()
    expect(
        guardian.page.locator(".nhsuk-summary-list__row", has_text="Would they speak up again?")
    ).to_contain_text("Yes")


def speak_up_anonymously(staff: KeyboardUser, check_page: PageChecks) -> Receipt:
    """Find the portal from the start page, send a concern anonymously and note the receipt."""
    page = staff.page
    page.goto("/")
    check_page(page, "start")
    staff.follow(page.get_by_role("link", name="Speak up about a concern"))
    check_page(page, "speak-up")
    staff.follow(page.get_by_role("link", name="Speak up now"))
    check_page(page, "concern-form")

    staff.follow(page.get_by_role("button", name="Send your concern"))
    expect(page.get_by_role("alert")).to_contain_text("Tell us what happened")
    check_page(page, "concern-form-errors")

    staff.fill(page.get_by_label("What happened?"), CONCERN)
    staff.tick(page.get_by_label("Patient safety or quality of care"))
    staff.select(
        page.get_by_label("Which staff group do you work in? (optional)"),
        "Registered nurses and midwives",
    )
    staff.choose(page.get_by_label("Anonymously"))
    staff.follow(page.get_by_role("button", name="Send your concern"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your concern has been sent")
    check_page(page, "concern-sent")
    return Receipt(
        reference=page.locator("#case-reference").inner_text().strip(),
        access_code=page.locator("#access-code").inner_text().strip(),
    )


def find_case(guardian: KeyboardUser, reference: str, check_page: PageChecks) -> None:
    """Look the case up by its reference in the case list and open it."""
    page = guardian.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")
    check_page(page, "case-list")
    guardian.fill(page.get_by_label("Reference"), reference)
    guardian.follow(page.get_by_role("button", name="Show cases"))
    expect(page.get_by_text("1 case", exact=True)).to_be_visible()
    guardian.follow(page.get_by_role("link", name=reference))
    expect(page.get_by_role("heading", level=1)).to_have_text(reference)
    check_page(page, "case-new")


def take_and_acknowledge(guardian: KeyboardUser, check_page: PageChecks) -> None:
    """Take the case from the queue and record that it was acknowledged today."""
    page = guardian.page
    guardian.follow(page.get_by_role("button", name="Take this case"))
    expect(page.get_by_role("button", name="Take this case")).to_have_count(0)
    record_on_case(guardian, "Acknowledge the concern", "Record acknowledgement", check_page)


def follow_up(staff: KeyboardUser, receipt: Receipt, check_page: PageChecks) -> None:
    """Open the case on the portal with the reference and code written down earlier."""
    page = staff.page
    page.goto("/")
    staff.follow(page.get_by_role("link", name="read replies and follow up on your concern"))
    check_page(page, "follow-up")
    staff.follow(page.get_by_role("button", name="Open my case"))
    expect(page.get_by_role("alert")).to_contain_text("Enter your case reference")
    check_page(page, "follow-up-errors")
    staff.fill(page.get_by_label("Case reference"), receipt.reference)
    staff.fill(page.get_by_label("Access code"), receipt.access_code)
    staff.follow(page.get_by_role("button", name="Open my case"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your concern")
    check_page(page, "own-case")


def reply(staff: KeyboardUser, check_page: PageChecks) -> None:
    """Answer the guardian's question, after first sending an empty message by mistake."""
    page = staff.page
    staff.follow(page.get_by_role("button", name="Send message"))
    expect(page.get_by_role("alert")).to_contain_text("Write your message")
    check_page(page, "own-case-errors")
    staff.fill(page.get_by_label("Your message"), REPLY)
    staff.follow(page.get_by_role("button", name="Send message"))
    expect(page.get_by_text("Your message has been sent to the guardian.")).to_be_visible()


def give_feedback_and_close(guardian: KeyboardUser, check_page: PageChecks) -> None:
    """Record the feedback given through the portal, then close with outcome and learning."""
    page = guardian.page
    check_page(page, "case-in-progress")
    record_on_case(
        guardian,
        "Record feedback given",
        "Record feedback",
        check_page,
        choose=("Portal message",),
        write={"Summary of the feedback": FEEDBACK},
        errors_first=True,
    )
    expect(page.get_by_text("Feedback recorded")).to_be_visible()
    record_on_case(
        guardian,
        "Close the case",
        "Close case",
        check_page,
        write={"Outcome": OUTCOME, "Learning": LEARNING},
    )
    expect(page.get_by_text("Case closed")).to_be_visible()
    check_page(page, "case-closed")


def answer_feedback_question(staff: KeyboardUser, check_page: PageChecks) -> None:
    """See the case is closed and say whether, given this experience, they would speak up again."""
    page = staff.page
    expect(page.locator("#case-status")).to_contain_text("Your case is closed")
    check_page(page, "own-case-closed")
    staff.choose(page.get_by_label("Yes", exact=True))
    staff.follow(page.get_by_role("button", name="Send answer"))
    expect(page.get_by_text("Thank you for your answer.")).to_be_visible()
    check_page(page, "own-case-answered")
