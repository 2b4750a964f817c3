"""Pages of the reports feature: the board report, its downloads and the national return."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from fts_app import db
from fts_app.auth.access import roles_required
from fts_app.auth.enums import Role
from fts_app.quarters import (
    Quarter,
    QuarterError,
    check_started,
    latest_complete_quarter,
    parse_quarter,
    recent_quarters,
)
from fts_app.reports.csv_export import board_csv
from fts_app.reports.forms import NarrativeForm, ReleaseForm
from fts_app.reports.narrative import (
    NOT_WRITTEN,
    Narrative,
    release_status,
    suppression_note,
    timeliness_note,
)
from fts_app.reports.national_return import (
    build_national_return,
    check_for_gaps,
    national_return_csv,
)
from fts_app.reports.pdf import render_board_pdf
from fts_app.reports.services import (
    LoadedReport,
    ReportError,
    ReportNotReleased,
    is_released,
    latest_released_quarter,
    load_released_report,
    load_report,
    narrative_for,
    national_return_timing,
    release_report,
    released_quarters,
    save_narrative,
)
from fts_app.reports.trends import SPC_NOTE
from fts_app.timeutil import today_in_london

bp = Blueprint("reports", "fts_app.reports")

BOARD_READERS = (Role.BOARD, Role.GUARDIAN, Role.LEAD_GUARDIAN)
GUARDIANS = (Role.GUARDIAN, Role.LEAD_GUARDIAN)
QUARTERS_TO_PICK_FROM = 8
#: where the quarter picker on a page leads; the board report unless named here
PICKER_PAGES = {
    "reports.national_return_page": "reports.national_return_page",
    "reports.national_return_download": "reports.national_return_page",
}


@bp.errorhandler(QuarterError)
def quarter_problem(error: QuarterError) -> ResponseReturnValue:
    """Say what is wrong with the quarter asked for, and offer the recent ones."""
    page = render_template(
        "reports/quarter_problem.html",
        message=str(error),
        typed_quarter=request.args.get("quarter", ""),
        **_picker(),
    )
    return page, 400


@bp.errorhandler(ReportNotReleased)
def not_released(error: ReportNotReleased) -> ResponseReturnValue:
    """Tell a board member the quarter's report is not released yet, and offer those that are."""
    page = render_template("reports/not_released.html", quarter=error.quarter, **_picker())
    # a quarter asked for by name has no report to show; the reports' front page still exists
    return page, 404 if error.quarter else 200


@bp.get("/reports/board")
@roles_required(*BOARD_READERS)
def board_report() -> ResponseReturnValue:
    """Show a quarter's board report: released as frozen, otherwise (guardians only) as a draft."""
    quarter, loaded = _requested_report()
    if loaded is None:
        return _no_cases(quarter)
    lead = current_user.role == Role.LEAD_GUARDIAN
    return render_template(
        "reports/board.html",
        loaded=loaded,
        report=loaded.report,
        guardian=_sees_drafts(),
        status=release_status(loaded.released_on, complete=loaded.report.complete),
        suppression=suppression_note(loaded.report.threshold),
        spc_note=SPC_NOTE,
        timeliness_note=timeliness_note(loaded.report.threshold),
        not_written=NOT_WRITTEN,
        may_write=lead and not loaded.released,
        may_release=lead and not loaded.released and loaded.report.complete,
        release_form=ReleaseForm(quarter=quarter.label),
        **_picker(),
    )


@bp.get("/reports/board.csv")
@roles_required(*BOARD_READERS)
def board_report_csv() -> ResponseReturnValue:
    """Download the board report as CSV, one figure a row."""
    quarter, loaded = _requested_report()
    if loaded is None:
        return _no_cases(quarter), 404
    return _download(board_csv(loaded.report), "text/csv", f"board-report-{quarter}.csv")


@bp.get("/reports/board.pdf")
@roles_required(*BOARD_READERS)
def board_report_pdf() -> ResponseReturnValue:
    """Download the board report as an A4 PDF."""
    quarter, loaded = _requested_report()
    if loaded is None:
        return _no_cases(quarter), 404
    document = render_board_pdf(loaded.report, released_on=loaded.released_on)
    return _download(document, "application/pdf", f"board-report-{quarter}.pdf")


@bp.post("/reports/board/release")
@roles_required(Role.LEAD_GUARDIAN)
def release() -> ResponseReturnValue:
    """Freeze a quarter's report and release it to the board."""
    form = ReleaseForm()
    if not form.validate_on_submit():
        abort(400)
    today = today_in_london()
    quarter = check_started(parse_quarter(form.quarter.data), today)
    try:
        release_report(quarter, actor_id=current_user.id, today=today)
    except ReportError as error:
        flash(str(error))
    else:
        flash(f"The report for {quarter} has been released to the board.", "success")
    return redirect(url_for("reports.board_report", quarter=quarter.label))


@bp.route("/reports/board/narrative", methods=["GET", "POST"])
@roles_required(Role.LEAD_GUARDIAN)
def edit_narrative() -> ResponseReturnValue:
    """Write the themes, barriers, learning and actions for a quarter's report."""
    quarter = _requested_quarter()
    report_page = url_for("reports.board_report", quarter=quarter.label)
    if is_released(db.session(), quarter):
        flash(f"The report for {quarter} has been released, so it cannot be changed.")
        return redirect(report_page)
    form = NarrativeForm()
    if form.validate_on_submit():
        narrative = Narrative(
            (form.themes_and_barriers.data or "").strip(),
            (form.learning_and_actions.data or "").strip(),
        )
        try:
            save_narrative(quarter, narrative, actor_id=current_user.id)
        except ReportError as error:
            flash(str(error))
            return redirect(report_page)
        flash(f"Your words for the {quarter} report have been saved.", "success")
        return redirect(f"{report_page}#narrative")
    if request.method == "GET":
        saved = narrative_for(db.session(), quarter)
        form.themes_and_barriers.data = saved.themes_and_barriers
        form.learning_and_actions.data = saved.learning_and_actions
    return render_template("reports/narrative.html", form=form, quarter=quarter)


@bp.get("/reports/national-return")
@roles_required(*GUARDIANS)
def national_return_page() -> ResponseReturnValue:
    """Show the quarter's national return, when it is due, and the cases lacking a field."""
    quarter = _requested_quarter()
    national_return = build_national_return(db.session(), quarter, viewer=current_user)
    gaps = check_for_gaps(national_return)
    return render_template(
        "reports/national_return.html",
        quarter=quarter,
        national_return=national_return,
        gaps=gaps,
        timing=national_return_timing(db.session(), quarter, today=today_in_london()),
        **_picker(),
    )


@bp.get("/reports/national-return.csv")
@roles_required(*GUARDIANS)
def national_return_download() -> ResponseReturnValue:
    """Download the quarter's national return as CSV, unsuppressed."""
    quarter = _requested_quarter()
    national_return = build_national_return(db.session(), quarter)
    return _download(
        national_return_csv(national_return), "text/csv", f"national-return-{quarter}.csv"
    )


def _requested_quarter() -> Quarter:
    """Return the quarter in the query string, or the latest complete one if none is given."""
    today = today_in_london()
    if "quarter" not in request.args:
        return latest_complete_quarter(today)
    return check_started(parse_quarter(request.args["quarter"]), today)


def _requested_report() -> tuple[Quarter, LoadedReport | None]:
    """Return the quarter asked for and its board report, or None if it had no cases.

    Guardians see drafts; a board member sees only what the lead guardian has released, and
    without a quarter named, the latest of it.
    """
    session = db.session()
    if _sees_drafts():
        quarter = _requested_quarter()
        loaded = load_report(session, quarter, today=today_in_london())
        return quarter, loaded if loaded.report.has_cases else None
    quarter = (
        _requested_quarter() if "quarter" in request.args else latest_released_quarter(session)
    )
    return quarter, load_released_report(session, quarter)


def _sees_drafts() -> bool:
    """Tell whether the signed-in person may see reports the board has not been given."""
    return current_user.role in {role.value for role in GUARDIANS}


def _no_cases(quarter: Quarter) -> str:
    # the page says so; a download link answers 404 with it, as there is no file to give
    return render_template("reports/no_cases.html", quarter=quarter, **_picker())


def _picker() -> dict[str, object]:
    """Return what the quarter picker needs: the quarters to offer and the page they lead to.

    Guardians are offered the recent quarters; board members the quarters released to them.
    """
    if _sees_drafts():
        offered = recent_quarters(today_in_london(), QUARTERS_TO_PICK_FROM)
    else:
        offered = released_quarters(db.session())[:QUARTERS_TO_PICK_FROM]
    return {
        "recent_quarters": offered,
        "picker_endpoint": PICKER_PAGES.get(request.endpoint or "", "reports.board_report"),
    }


def _download(content: str | bytes, mimetype: str, filename: str) -> Response:
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
