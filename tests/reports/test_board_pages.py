"""The board report pages, downloads and release, through the web as each role sees them."""

import csv
import io
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from fts_app import db
from fts_app.audit.models import AuditEvent
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.cases.enums import ConfidentialityLevel, WorkerGroup
from fts_app.cases.models import Case
from fts_app.quarters import financial_quarter, latest_complete_quarter, recent_quarters
from fts_app.reports.pdf import build_board_pdf
from fts_app.reports.services import load_report, release_report
from fts_app.timeutil import today_in_london
from tests.conftest import sign_in, submit_form
from tests.reports.published import count_cells, is_small, pdf_strings

TODAY = today_in_london()
QUARTER = latest_complete_quarter(TODAY)
BOARD_URL = f"/reports/board?quarter={QUARTER}"


@pytest.fixture
def quarter_cases(app: Flask, make_case: Callable[..., Case]) -> list[Case]:
    """Six cases in the latest complete quarter: five confidential nurses, one anonymous."""
    return [
        make_case(
            received_on=QUARTER.first_day + timedelta(days=day),
            confidentiality=ConfidentialityLevel.ANONYMOUS
            if day == 5
            else ConfidentialityLevel.CONFIDENTIAL,
        )
        for day in range(6)
    ]


@pytest.fixture
def board_member(make_user: Callable[..., User]) -> User:
    return make_user(Role.BOARD)


@pytest.fixture
def lead(make_user: Callable[..., User]) -> User:
    return make_user(Role.LEAD_GUARDIAN)


def test_a_guardian_opens_the_draft_of_the_latest_complete_quarter(
    client: FlaskClient, quarter_cases: list[Case], make_user: Callable[..., User]
) -> None:
    sign_in(client, make_user(Role.GUARDIAN))
    page = client.get("/reports/board")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"report to the board: {QUARTER}" in html
    assert "Draft: not yet released by the lead guardian" in html
    # six cases this quarter, none before; the one anonymous case cannot be shown
    assert count_cells(html)[:6] == ["6", "0", "0", "not shown", "0", "0"]
    assert "Release the" not in html and "Write the themes" not in html
    for earlier in recent_quarters(TODAY, 8):
        assert (
            f'href="/reports/board?quarter={earlier}"' in html
            or f'<strong aria-current="page">{earlier}' in html
        )


def test_a_restricted_case_is_counted_but_never_named(
    client: FlaskClient,
    make_case: Callable[..., Case],
    quarter_cases: list[Case],
    board_member: User,
    lead: User,
) -> None:
    restricted = make_case(received_on=QUARTER.first_day, restricted=True)
    release_report(QUARTER, actor_id=lead.id, today=TODAY)
    sign_in(client, board_member)
    html = client.get(BOARD_URL).get_data(as_text=True)
    assert count_cells(html)[0] == "7"
    assert restricted.reference not in html
    assert quarter_cases[0].reference not in html


@pytest.mark.parametrize(
    "path",
    [
        "/reports/board",
        "/reports/board.csv",
        "/reports/board.pdf",
        "/reports/national-return",
        "/reports/national-return.csv",
    ],
)
@pytest.mark.parametrize(
    ("quarter", "message"),
    [
        ("2026-27-Q5", "A financial year has four quarters, Q1 to Q4."),
        ("2026-28-Q1", "2026-28 is not a financial year"),
        ("abc", "Enter a quarter in the form 2026-27-Q2"),
        (str(financial_quarter(TODAY).next()), "has not started yet"),
    ],
)
def test_a_bad_quarter_gets_a_clear_message(
    client: FlaskClient, make_user: Callable[..., User], path: str, quarter: str, message: str
) -> None:
    sign_in(client, make_user(Role.GUARDIAN))
    page = client.get(path, query_string={"quarter": quarter})
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "There is a problem with the quarter" in html
    assert message in html
    assert f"?quarter={QUARTER}" in html


def test_a_bad_quarter_follows_the_error_pattern_and_keeps_what_was_typed(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    sign_in(client, make_user(Role.GUARDIAN))
    html = client.get("/reports/board", query_string={"quarter": "2026-27-Q5"}).get_data(
        as_text=True
    )
    assert "<title>Error: There is a problem with the quarter" in html
    assert 'href="#quarter"' in html
    assert 'id="quarter-error"' in html
    assert 'value="2026-27-Q5"' in html


@pytest.mark.parametrize(
    ("path", "status"),
    [("/reports/board", 200), ("/reports/board.csv", 404), ("/reports/board.pdf", 404)],
)
def test_a_quarter_with_no_cases_says_so_and_offers_no_file(
    client: FlaskClient, make_user: Callable[..., User], path: str, status: int
) -> None:
    sign_in(client, make_user(Role.GUARDIAN))
    page = client.get(path, query_string={"quarter": "2019-20-Q1"})
    assert page.status_code == status
    assert page.mimetype == "text/html"
    assert "No cases were received in this quarter" in page.get_data(as_text=True)


def test_the_lead_guardians_draft_has_no_repeated_ids(
    client: FlaskClient, quarter_cases: list[Case], lead: User
) -> None:
    sign_in(client, lead)
    html = client.get(BOARD_URL).get_data(as_text=True)
    assert "Release the" in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_downloads_are_a_csv_and_an_a4_pdf(
    client: FlaskClient, quarter_cases: list[Case], board_member: User, lead: User
) -> None:
    release_report(QUARTER, actor_id=lead.id, today=TODAY)
    sign_in(client, board_member)
    spreadsheet = client.get(f"/reports/board.csv?quarter={QUARTER}")
    assert spreadsheet.mimetype == "text/csv"
    assert (
        spreadsheet.headers["Content-Disposition"]
        == f'attachment; filename="board-report-{QUARTER}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(spreadsheet.get_data(as_text=True))))
    assert rows[0] == {
        "section": "Headline figures",
        "measure": "Cases received",
        "period": str(QUARTER),
        "value": "6",
        "percent": "",
        "unit": "cases",
    }
    document = client.get(f"/reports/board.pdf?quarter={QUARTER}")
    assert document.mimetype == "application/pdf"
    body = document.get_data()
    assert body.startswith(b"%PDF")
    assert b"/MediaBox [0 0 595.28 841.89]" in body
    strings = pdf_strings(body)
    assert "Report to the board" in strings
    assert "Page 1 of " in strings


@pytest.mark.parametrize(
    "path",
    [
        "/reports/national-return",
        "/reports/national-return.csv",
        "/reports/board/narrative",
    ],
)
def test_a_board_member_gets_404_beyond_the_board_report(
    client: FlaskClient, board_member: User, path: str
) -> None:
    sign_in(client, board_member)
    assert client.get(path, query_string={"quarter": str(QUARTER)}).status_code == 404


def test_a_board_member_gets_404_on_a_case(
    client: FlaskClient, quarter_cases: list[Case], board_member: User
) -> None:
    sign_in(client, board_member)
    assert client.get(f"/cases/{quarter_cases[0].reference}").status_code == 404


@pytest.mark.parametrize("role", [Role.BOARD, Role.GUARDIAN])
def test_only_the_lead_guardian_may_release(
    client: FlaskClient, quarter_cases: list[Case], make_user: Callable[..., User], role: Role
) -> None:
    sign_in(client, make_user(role))
    response = submit_form(
        client, BOARD_URL, {"quarter": str(QUARTER)}, post_url="/reports/board/release"
    )
    assert response.status_code == 404
    assert "Released on" not in client.get(BOARD_URL).get_data(as_text=True)


def test_staff_who_are_not_signed_in_are_sent_to_sign_in(client: FlaskClient) -> None:
    response = client.get(BOARD_URL)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_guardian_sees_the_national_return_and_its_check(
    client: FlaskClient, make_case: Callable[..., Case], make_user: Callable[..., User]
) -> None:
    # "Not known" is a worker group the return counts; a case with no element is a gap
    gap = make_case(received_on=QUARTER.first_day, worker_group=WorkerGroup.NOT_KNOWN, elements=[])
    make_case(
        received_on=QUARTER.first_day,
        worker_group=WorkerGroup.NOT_KNOWN,
        elements=[],
        restricted=True,
    )
    sign_in(client, make_user(Role.GUARDIAN))
    html = client.get(f"/reports/national-return?quarter={QUARTER}").get_data(as_text=True)
    assert gap.reference in html
    assert "1 case that you cannot open" in html
    assert f'href="/reports/national-return.csv?quarter={QUARTER}"' in html
    download = client.get(f"/reports/national-return.csv?quarter={QUARTER}")
    assert download.mimetype == "text/csv"
    lines = download.get_data(as_text=True).splitlines()
    assert lines[:3] == ["measure,value", "Cases received,2", "Cases raised anonymously,0"]
    assert "Cases from worker group: Not known,2" in lines


def test_the_lead_guardian_writes_the_narrative_for_the_board(
    client: FlaskClient, quarter_cases: list[Case], lead: User
) -> None:
    sign_in(client, lead)
    narrative_url = f"/reports/board/narrative?quarter={QUARTER}"
    response = submit_form(
        client,
        narrative_url,
        {
            "themes_and_barriers": "Staffing <b>pressures</b> at night.",
            "learning_and_actions": "Rota review.",
        },
    )
    assert response.status_code == 302
    html = client.get(BOARD_URL).get_data(as_text=True)
    assert "Staffing &lt;b&gt;pressures&lt;/b&gt; at night." in html
    assert "Rota review." in html
    entry = (
        db.session()
        .scalars(select(AuditEvent).where(AuditEvent.action == "report.narrative_saved"))
        .one()
    )
    assert entry.actor_id == lead.id
    assert entry.detail == f'{{"quarter": "{QUARTER}"}}'


def test_a_too_long_narrative_is_refused_with_an_error(
    client: FlaskClient, quarter_cases: list[Case], lead: User
) -> None:
    sign_in(client, lead)
    response = submit_form(
        client, f"/reports/board/narrative?quarter={QUARTER}", {"themes_and_barriers": "x" * 10_001}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'href="#themes_and_barriers"' in html


def test_releasing_freezes_the_report(
    client: FlaskClient, make_case: Callable[..., Case], quarter_cases: list[Case], lead: User
) -> None:
    sign_in(client, lead)
    before = client.get(BOARD_URL).get_data(as_text=True)
    released = submit_form(
        client, BOARD_URL, {"quarter": str(QUARTER)}, post_url="/reports/board/release"
    )
    assert released.status_code == 302
    frozen_csv = client.get(f"/reports/board.csv?quarter={QUARTER}").get_data(as_text=True)

    # later edits: a new case in the quarter, and a case's worker group and confidentiality
    make_case(received_on=QUARTER.first_day)
    with db.write_transaction() as session:
        case = session.get(Case, quarter_cases[0].id)
        assert case is not None
        case.worker_group = WorkerGroup.STUDENTS.value
        case.confidentiality = ConfidentialityLevel.ANONYMOUS.value

    after = client.get(BOARD_URL).get_data(as_text=True)
    released_on = load_report(db.session(), QUARTER, today=TODAY).released_on
    assert f"Released on {released_on} by the lead guardian" in after
    assert count_cells(after) == count_cells(before)
    assert client.get(f"/reports/board.csv?quarter={QUARTER}").get_data(as_text=True) == frozen_csv
    assert "Release the" not in after and "Write the themes" not in after
    # the narrative is frozen with the figures
    refused = client.get(f"/reports/board/narrative?quarter={QUARTER}", follow_redirects=True)
    assert "has been released, so it cannot be changed" in refused.get_data(as_text=True)
    again = submit_form(
        client, BOARD_URL, {"quarter": str(QUARTER)}, post_url="/reports/board/release"
    )
    message = client.get(again.headers["Location"]).get_data(as_text=True)
    assert f"The report for {QUARTER} has been released, so it cannot be changed." in message
    entries = (
        db.session()
        .scalars(select(AuditEvent.action).where(AuditEvent.action == "report.released"))
        .all()
    )
    assert entries == ["report.released"]


def test_a_quarter_still_under_way_cannot_be_released(
    client: FlaskClient, make_case: Callable[..., Case], lead: User
) -> None:
    current = financial_quarter(TODAY)
    make_case(received_on=current.first_day)
    sign_in(client, lead)
    url = f"/reports/board?quarter={current}"
    assert "Release the" not in client.get(url).get_data(as_text=True)
    response = submit_form(
        client, url, {"quarter": str(current)}, post_url="/reports/board/release"
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "release its report after that" in page
    assert "Released on" not in page


def test_no_count_from_1_to_4_reaches_a_board_member_for_demo_data(
    app: Flask, client: FlaskClient, board_member: User, lead: User
) -> None:
    # seeding lets its rows go, so the accounts are read again afterwards
    lead_id, board_member_id = lead.id, board_member.id
    seeded = app.test_cli_runner().invoke(args=["demo", "seed", "--cases", "300"])
    assert seeded.exit_code == 0
    # the board sees released reports only, and each is compared with the ones released before
    for quarter in sorted(recent_quarters(TODAY, 8)):
        release_report(quarter, actor_id=lead_id, today=TODAY)
    reader = db.session().get(User, board_member_id)
    assert reader is not None
    sign_in(client, reader)
    checked = 0
    for quarter in recent_quarters(TODAY, 8):
        html = client.get(f"/reports/board?quarter={quarter}").get_data(as_text=True)
        cells = count_cells(html)
        assert cells, f"no count cells for {quarter}"
        assert [cell for cell in cells if is_small(cell)] == []

        rows = csv.DictReader(
            io.StringIO(client.get(f"/reports/board.csv?quarter={quarter}").get_data(as_text=True))
        )
        counts = [row["value"] for row in rows if row["unit"] == "cases"]
        assert [value for value in counts if is_small(value)] == []

        loaded = load_report(db.session(), quarter, today=TODAY)
        document = build_board_pdf(loaded.report, released_on=loaded.released_on)
        assert [text for text in document.count_texts if is_small(text)] == []
        printed = pdf_strings(client.get(f"/reports/board.pdf?quarter={quarter}").get_data())
        # a count may be printed with its share after it, as in "30 (76.9%)"
        assert set(document.count_texts) <= {text.split(" (")[0] for text in printed}
        checked += len(cells) + len(counts) + len(document.count_texts)
    # the demo data has small cells, so the check above had something to catch
    assert checked > 1000
