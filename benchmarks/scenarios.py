"""The pages the benchmark presses, and the two baselines they are compared with."""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.load import Scenario
from benchmarks.report import FIXED_PAGE, INDEXED_SELECT

PORTAL_FORM = "/speak-up/new"
#: a full submission: every question answered, as a person who writes a lot would
PORTAL_ANSWERS = {
    "narrative": (
        "On three night shifts this month the ward had two registered nurses for twenty-eight "
        "patients. Observations were late and one patient fell while waiting for help."
    ),
    "location": "Ward 7, main site",
    "when_description": "Most weekends since the spring",
    "harm": "harmed",
    "harm_details": "A patient fell; staff are exhausted.",
    "raised_before": "yes",
    "raised_with": "line-manager",
    "raised_before_details": "The nurse in charge said nothing could be done.",
    "outcome_hoped": "Safe staffing on nights.",
    "elements": "patient-safety",
    "worker_group": "nurses-midwives",
    "confidentiality": "confidential",
    "contact_name": "Bench Person",
    "contact_details": "bench.person@trust.nhs.example",
    "sex": "prefer-not-to-say",
    "age_band": "31-40",
}


@dataclass(frozen=True)
class PageContext:
    """What the page scenarios need from the prepared database and the signed-in sessions."""

    case_reference: str
    quarter: str
    guardian_cookies: dict[str, str]


def baseline_scenarios(case_reference: str) -> dict[str, Scenario]:
    """Return the baselines' scenarios, by baseline name."""
    return {
        FIXED_PAGE: Scenario(FIXED_PAGE, "/"),
        INDEXED_SELECT: Scenario(INDEXED_SELECT, f"/?reference={case_reference}"),
    }


def page_scenarios(context: PageContext) -> list[Scenario]:
    """Return the app's scenarios in the order they are reported."""
    guardian = context.guardian_cookies
    quarter = context.quarter
    return [
        Scenario("start page", "/"),
        Scenario("portal form", PORTAL_FORM),
        Scenario(
            "portal submission",
            PORTAL_FORM,
            method="POST",
            form=PORTAL_ANSWERS,
            form_page=PORTAL_FORM,
            # each copy of the form carries a one-off id; a repeated id is taken as a resend
            fresh_fields=("form_id",),
        ),
        Scenario("dashboard, first page", "/cases", cookies=guardian),
        Scenario(
            "dashboard, filtered",
            "/cases?status=all&element=bullying&worker_group=nurses-midwives&sort=received-oldest",
            cookies=guardian,
        ),
        Scenario("case page, 50 events", f"/cases/{context.case_reference}", cookies=guardian),
        # the lead guardian's draft is compiled from the database on every request; board members
        # read only released reports, served from their frozen copy: the draft is the cost to bound
        Scenario("board report", f"/reports/board?quarter={quarter}", cookies=guardian),
        Scenario("board report CSV", f"/reports/board.csv?quarter={quarter}", cookies=guardian),
        Scenario("board report PDF", f"/reports/board.pdf?quarter={quarter}", cookies=guardian),
    ]
