"""Journey 2: a guardian logs an open concern received by phone and sees it through.

They log it, escalate it, record the detriment the person reported and what was done, give
feedback, and close the case with its learning.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.checks import PageChecks
from tests.browser.people import MouseUser
from tests.browser.server import LiveServer
from tests.browser.steps import record_on_case, sign_in

pytestmark = pytest.mark.browser

CONCERN = "A team leader in payroll shouts at staff who ask for help, most weeks."
ESCALATION = "Repeated behaviour reported by several people; needs senior attention."
DETRIMENT = "Since speaking up, they have been left off the team's rota meetings."
DETRIMENT_ACTION = "Spoke to the head of finance; the person is back on the rota meetings."
ACTION = "The team leader has started a management development course."
FEEDBACK = "Phoned the person to explain what has been done and what happens next."
OUTCOME = "The team leader's behaviour is being managed through a formal plan."
LEARNING = "Managers in corporate services will get training on responding to questions."
REFERENCE = re.compile(r"FTSU-\d{4}-\d{4}")


def test_guardian_logs_a_phone_concern_escalates_records_detriment_and_closes_it(
    live_server: LiveServer, new_person: Callable[[], Page], check_page: PageChecks
) -> None:
    guardian = MouseUser(new_person())
    sign_in(
        guardian, live_server.create_account("guardian@trust.nhs.example", "guardian"), check_page
    )

    log_phone_concern(guardian, check_page)
    page = guardian.page
    check_page(page, "case-logged")
    expect(summary_row(page, "Route")).to_contain_text("Phone")
    expect(summary_row(page, "Confidentiality")).to_contain_text("Open")

    record_on_case(
        guardian,
        "Record an escalation",
        "Record escalation",
        check_page,
        choose=("Executive lead for speaking up",),
        write={"Why?": ESCALATION},
        errors_first=True,
    )
    record_on_case(
        guardian,
        "Record detriment reported",
        "Record detriment",
        check_page,
        write={
            "What did the person report?": DETRIMENT,
            "What was done about it?": DETRIMENT_ACTION,
        },
    )
    expect(summary_row(page, "Detriment indicated")).to_contain_text("Yes")
    record_on_case(
        guardian, "Record an action", "Record action", check_page, write={"What was done?": ACTION}
    )
    record_on_case(
        guardian,
        "Record feedback given",
        "Record feedback",
        check_page,
        choose=("Phone",),
        write={"Summary of the feedback": FEEDBACK},
    )
    record_on_case(
        guardian,
        "Close the case",
        "Close case",
        check_page,
        write={"Outcome": OUTCOME, "Learning": LEARNING},
        errors_first=True,
    )

    expect(page.get_by_text("Case closed", exact=True).first).to_be_visible()
    expect(summary_row(page, "Learning")).to_contain_text(LEARNING)
    for text in (ESCALATION, DETRIMENT, DETRIMENT_ACTION, ACTION, FEEDBACK):
        expect(page.get_by_text(text)).to_be_visible()
    check_page(page, "case-closed")


def log_phone_concern(guardian: MouseUser, check_page: PageChecks) -> None:
    """Log an open concern that came in by phone, after seeing what the form needs."""
    page = guardian.page
    guardian.follow(page.get_by_role("link", name="Log a new concern"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a concern")
    check_page(page, "log-concern")
    guardian.follow(page.get_by_role("button", name="Log concern"))
    expect(page.get_by_role("alert")).to_contain_text("Select how the concern reached you")
    check_page(page, "log-concern-errors")

    guardian.choose(page.get_by_label("Phone", exact=True))
    guardian.choose(page.get_by_label("Open", exact=True))
    guardian.tick(page.get_by_label("Bullying or harassment"))
    guardian.select(
        page.get_by_label("Worker group of the person who spoke up"), "Administrative and clerical"
    )
    guardian.fill(page.get_by_label("What is the concern?"), CONCERN)
    guardian.fill(page.get_by_label("Name (optional)"), "Sam Payroll")
    guardian.fill(page.get_by_label("How to contact them (optional)"), "07700 900123")
    guardian.follow(page.get_by_role("button", name="Log concern"))
    expect(page.get_by_role("heading", level=1)).to_have_text(REFERENCE)


def summary_row(page: Page, key: str) -> Locator:
    """Return the row of the case's summary lists whose key is `key`."""
    return page.locator(".nhsuk-summary-list__row").filter(
        has=page.locator(".nhsuk-summary-list__key", has_text=re.compile(rf"^{key}$"))
    )
