"""The quarterly national return: true counts for NHS England, and a check for missing fields."""

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fts_app import db
from fts_app.admin.services import get_settings
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.cases.enums import ConfidentialityLevel, Element, SpeakUpAgain, WorkerGroup
from fts_app.cases.models import Case, CaseAccess
from fts_app.quarters import Quarter, financial_quarter
from fts_app.reports.narrative import long_date
from fts_app.reports.national_return import (
    GapCheck,
    build_national_return,
    check_for_gaps,
    national_return_csv,
)
from fts_app.reports.services import national_return_timing
from fts_app.timeutil import today_in_london
from tests.conftest import sign_in

QUARTER = Quarter(2026, 2)

EXPECTED_CSV = """measure,value
Cases received,4
Cases raised anonymously,1
Cases with element: Patient safety or quality of care,1
Cases with element: Worker safety or wellbeing,0
Cases with element: Bullying or harassment,1
Cases with element: Other inappropriate attitudes or behaviours,0
Cases with element: Other,1
Cases indicating detriment,1
Cases from worker group: Allied health professionals,0
Cases from worker group: Medical and dental,1
Cases from worker group: Registered nurses and midwives,1
Cases from worker group: Nursing assistants or healthcare assistants,0
Cases from worker group: Administrative and clerical,0
Cases from worker group: Corporate services,0
"Cases from worker group: Estates, cleaning, catering and ancillary",0
Cases from worker group: Healthcare scientists,0
Cases from worker group: Board members,0
Cases from worker group: Students,0
Cases from worker group: Other,0
Cases from worker group: Not known,2
Feedback responses,3
Feedback responses: would speak up again,2
""".replace("\n", "\r\n")


@pytest.fixture
def cases(app: Flask, make_case: Callable[..., Case]) -> dict[str, Case]:
    made = {
        "anonymous": make_case(
            confidentiality=ConfidentialityLevel.ANONYMOUS,
            elements=[Element.PATIENT_SAFETY, Element.BULLYING],
            worker_group=WorkerGroup.NURSES_MIDWIVES,
            detriment_indicated=True,
            received_on=date(2026, 7, 6),
            closed_on=date(2026, 8, 3),
            speak_up_again=SpeakUpAgain.YES.value,
            speak_up_again_on=date(2026, 8, 10),
        ),
        "restricted": make_case(
            elements=[],
            worker_group=WorkerGroup.NOT_KNOWN,
            restricted=True,
            received_on=date(2026, 8, 1),
        ),
        "open": make_case(
            confidentiality=ConfidentialityLevel.OPEN,
            elements=[Element.OTHER],
            worker_group=WorkerGroup.MEDICAL_DENTAL,
            received_on=date(2026, 9, 30),
        ),
        "in the queue": make_case(
            worker_group=WorkerGroup.NOT_KNOWN, elements=[], received_on=date(2026, 7, 1)
        ),
        # received the quarter before, so only its answer, given this quarter, counts
        "answered late": make_case(
            received_on=date(2026, 6, 30),
            closed_on=date(2026, 6, 30),
            speak_up_again=SpeakUpAgain.YES.value,
            speak_up_again_on=date(2026, 7, 1),
        ),
    }
    # an answer given after the quarter ended belongs to the next one
    make_case(
        received_on=date(2026, 5, 1),
        speak_up_again=SpeakUpAgain.NO.value,
        speak_up_again_on=date(2026, 10, 1),
    )
    # the open case's "no" arrives at closure, with no answer date of its own
    with db.write_transaction() as session:
        case = session.get(Case, made["open"].id)
        assert case is not None
        case.closed_on = date(2026, 9, 30)
        case.speak_up_again = SpeakUpAgain.NO.value
    return made


def test_the_return_counts_every_case_unsuppressed(cases: dict[str, Case]) -> None:
    national_return = build_national_return(db.session(), QUARTER)
    assert national_return_csv(national_return) == EXPECTED_CSV


def test_a_quarter_with_no_cases_returns_zeros(app: Flask) -> None:
    national_return = build_national_return(db.session(), QUARTER)
    assert not national_return.has_cases
    assert {measure.value for measure in national_return.measures} == {0}


def test_the_check_names_open_cases_lacking_a_field_and_only_counts_restricted_ones(
    cases: dict[str, Case],
) -> None:
    gaps = check_for_gaps(build_national_return(db.session(), QUARTER))
    assert gaps == GapCheck(
        named=((cases["in the queue"].reference, "no element recorded"),), unnamed=1
    )


@pytest.mark.parametrize(
    ("worker_group", "passes"),
    # a value outside the list can no longer be stored: the typed column refuses it
    [(WorkerGroup.NOT_KNOWN.value, True), (WorkerGroup.STUDENTS.value, True)],
)
def test_only_a_case_with_no_national_worker_group_lacks_one(
    app: Flask, make_case: Callable[..., Case], worker_group: str, passes: bool
) -> None:
    case = make_case(confidentiality=ConfidentialityLevel.ANONYMOUS, received_on=date(2026, 8, 3))
    with db.write_transaction() as session:
        stored = session.get(Case, case.id)
        assert stored is not None
        stored.worker_group = worker_group
    gaps = check_for_gaps(build_national_return(db.session(), QUARTER))
    assert gaps.passed is passes
    assert list(gaps.named) == ([] if passes else [(case.reference, "no worker group recorded")])


@pytest.mark.parametrize(
    ("role", "named_on_restricted_case", "named"),
    [
        (Role.GUARDIAN, False, ["in the queue"]),
        (Role.GUARDIAN, True, ["restricted", "in the queue"]),
        (Role.LEAD_GUARDIAN, False, ["in the queue"]),
    ],
)
def test_the_check_names_only_cases_the_guardian_may_open(
    cases: dict[str, Case],
    make_user: Callable[..., User],
    role: Role,
    named_on_restricted_case: bool,
    named: list[str],
) -> None:
    guardian = make_user(role)
    if named_on_restricted_case:
        with db.write_transaction() as session:
            session.add(CaseAccess(case_id=cases["restricted"].id, user_id=guardian.id))
    gaps = check_for_gaps(build_national_return(db.session(), QUARTER, viewer=guardian))
    assert sorted(reference for reference, _ in gaps.named) == sorted(
        cases[name].reference for name in named
    )
    assert gaps.unnamed == 2 - len(named)


def test_the_command_prints_the_return_and_lists_gaps_on_stderr(
    app: Flask, cases: dict[str, Case]
) -> None:
    result = app.test_cli_runner().invoke(
        args=["reports", "national-return", "--quarter", "2026-27-Q2"]
    )
    assert result.exit_code == 0
    # the runner reads standard output as text, turning CSV's CRLF line ends into newlines
    assert result.stdout == EXPECTED_CSV.replace("\r\n", "\n")
    assert result.stderr.splitlines() == [
        "The return for 2026-27-Q2 is due on 30 October 2026, 30 days after the quarter ends.",
        "Cases received in 2026-27-Q2 that lack a field the return counts:",
        f"  {cases['in the queue'].reference}: no element recorded",
        "  and 1 restricted case(s), which the guardians named on them can complete.",
    ]


def test_the_command_says_when_a_quarter_had_no_cases(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["reports", "national-return", "--quarter", "2020-21-Q1"]
    )
    assert result.exit_code == 0
    assert result.stdout.startswith("measure,value")
    assert result.stderr.splitlines() == [
        "The return for 2020-21-Q1 is due on 30 July 2020, 30 days after the quarter ends.",
        "No cases were received in 2020-21-Q1.",
    ]


@pytest.mark.parametrize(
    ("days_after", "due_on", "words"),
    [
        (30, date(2026, 10, 30), "30 October 2026, 30 days"),
        (1, date(2026, 10, 1), "1 October 2026, 1 day"),
        (45, date(2026, 11, 14), "14 November 2026, 45 days"),
    ],
)
def test_the_return_is_due_the_set_number_of_days_after_the_quarter_ends(
    app: Flask, days_after: int, due_on: date, words: str
) -> None:
    with db.write_transaction() as session:
        get_settings(session).national_return_due_days = days_after
    timing = national_return_timing(db.session(), QUARTER, today=date(2026, 10, 5))
    assert timing.due_on == due_on
    assert timing.due == f"The return for 2026-27-Q2 is due on {words} after the quarter ends."
    assert (timing.quarter_over, timing.not_over) == (True, "")


@pytest.mark.parametrize(
    ("today", "over"),
    [(date(2026, 7, 1), False), (date(2026, 9, 30), False), (date(2026, 10, 1), True)],
)
def test_a_quarter_is_over_only_after_its_last_day(app: Flask, today: date, over: bool) -> None:
    timing = national_return_timing(db.session(), QUARTER, today=today)
    assert timing.quarter_over is over
    assert bool(timing.not_over) is not over


UNDER_WAY = financial_quarter(today_in_london())


def test_the_page_says_when_the_return_is_due(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    with db.write_transaction() as session:
        get_settings(session).national_return_due_days = 28
    sign_in(client, make_user(Role.GUARDIAN))
    html = client.get("/reports/national-return?quarter=2026-27-Q2").get_data(as_text=True)
    assert "The return for 2026-27-Q2 is due on 28 October 2026, 28 days after" in html
    assert "has not ended yet" not in html


def test_the_page_warns_that_a_quarter_under_way_is_not_over(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    sign_in(client, make_user(Role.LEAD_GUARDIAN))
    html = client.get(f"/reports/national-return?quarter={UNDER_WAY}").get_data(as_text=True)
    assert "This quarter has not ended yet" in html
    assert f"{UNDER_WAY} has not ended yet: it ends on {long_date(UNDER_WAY.last_day)}" in html
    due_on = long_date(UNDER_WAY.last_day + timedelta(days=30))
    assert f"The return for {UNDER_WAY} is due on {due_on}" in html


def test_the_command_warns_that_a_quarter_under_way_is_not_over(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["reports", "national-return", "--quarter", str(UNDER_WAY)]
    )
    assert result.exit_code == 0
    assert result.stdout.startswith("measure,value")
    assert result.stderr.splitlines()[:2] == [
        f"Warning: {UNDER_WAY} has not ended yet: it ends on {long_date(UNDER_WAY.last_day)}, "
        "so these figures will change. Send the return once the quarter is over.",
        f"The return for {UNDER_WAY} is due on "
        f"{long_date(UNDER_WAY.last_day + timedelta(days=30))}, 30 days after the quarter ends.",
    ]


@pytest.mark.parametrize(
    ("quarter", "message"),
    [
        ("2026-27-Q5", "A financial year has four quarters"),
        ("2026-28-Q1", "2026-28 is not a financial year"),
        ("abc", "Enter a quarter in the form 2026-27-Q2"),
        ("2099-00-Q1", "has not started yet"),
    ],
)
def test_the_command_refuses_a_bad_quarter(app: Flask, quarter: str, message: str) -> None:
    result = app.test_cli_runner().invoke(args=["reports", "national-return", "--quarter", quarter])
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
    assert result.stdout == ""
