"""Pages of the cases feature: parse and authorise, call one service, say what happened."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from fts_app import db, errors
from fts_app.admin.models import Directorate
from fts_app.auth.access import roles_required
from fts_app.auth.approvals import pending_approvals
from fts_app.auth.enums import Role
from fts_app.auth.notices import failed_sign_in_notices
from fts_app.auth.set_up import recent_caseworker_account_changes
from fts_app.cases import assignment, closure, intake, reading
from fts_app.cases.access import (
    CaseNotVisible,
    get_visible_case_or_404,
    is_in_queue,
    is_lead_guardian,
    is_unassigned,
)
from fts_app.cases.assignment import restricted_holdings
from fts_app.cases.dashboard import list_cases, summarise
from fts_app.cases.deadlines import (
    ClockState,
    bank_holidays_ran_out,
    case_clocks,
    warn_if_bank_holidays_ran_out,
)
from fts_app.cases.enums import CaseStatus, ConfidentialityLevel
from fts_app.cases.export import export_case
from fts_app.cases.forms import DashboardFiltersForm, ExportForm, NewCaseForm
from fts_app.cases.models import Case
from fts_app.cases.reading import Identity
from fts_app.cases.retention import (
    NoRetentionChangeWaiting,
    decide_retention_change,
    waiting_retention_change,
)
from fts_app.cases.steps import CASEWORKERS, find_step, offered_steps
from fts_app.cases.timeline import audit_history, case_guardians, directorate_name, timeline
from fts_app.cases.writes import CaseActionRefused
from fts_app.security import page_number
from fts_app.timeutil import today_in_london

bp = Blueprint("cases", "fts_app.cases")

# every page, the portal's too, compares a case's fields with these members, never with their
# stored strings
for _vocabulary in (CaseStatus, ClockState, ConfidentialityLevel):
    bp.add_app_template_global(_vocabulary, _vocabulary.__name__)


@bp.record_once
def warn_about_bank_holidays(state: BlueprintSetupState) -> None:
    """Warn at start-up if the bank holiday list cannot be read or no longer covers today."""
    warn_if_bank_holidays_ran_out(state.app)


@bp.errorhandler(CaseNotVisible)
def case_not_visible(_error: CaseNotVisible) -> ResponseReturnValue:
    """Answer as if the case did not exist, whatever the reason the user may not see it."""
    return errors.handle_http_error(NotFound())


@bp.get("/cases")
@roles_required(*CASEWORKERS)
def case_list() -> ResponseReturnValue:
    """List the cases the user may see, the queue included, filtered, sorted and in pages."""
    session = db.session()
    form = DashboardFiltersForm(request.args)
    form.set_directorates(_directorates(active_only=False))
    today = today_in_london()
    page = (
        list_cases(session, current_user, form.filters(), page=form.page_number(), today=today)
        if form.validate()
        else None
    )
    return render_template(
        "cases/list.html",
        form=form,
        page=page,
        summary=summarise(session, current_user, today),
        page_url=_list_page_url,
        bank_holidays_ran_out=(
            bank_holidays_ran_out(today) if is_lead_guardian(current_user) else None
        ),
        account_changes=recent_caseworker_account_changes(session),
        approvals_waiting=len(pending_approvals(session)) if is_lead_guardian(current_user) else 0,
        failed_sign_ins=(
            failed_sign_in_notices(session, current_user.id)
            if is_lead_guardian(current_user)
            else []
        ),
        restricted=restricted_holdings(session) if is_lead_guardian(current_user) else [],
        retention_change=(
            waiting_retention_change(session) if is_lead_guardian(current_user) else None
        ),
    )


def _list_page_url(number: int) -> str:
    return url_for(".case_list", **{**request.args.to_dict(), "page": number})


@bp.route("/cases/new", methods=["GET", "POST"])
@roles_required(*CASEWORKERS)
def new_case() -> ResponseReturnValue:
    """Log a concern that reached the user by any route."""
    form = NewCaseForm()
    form.set_directorates(_directorates(active_only=True))
    if form.validate_on_submit():
        logged = intake.log_concern(
            current_user, form.concern(), give_access_code=form.give_access_code.data
        )
        flash(f"Case {logged.reference} logged", "success")
        if logged.access_code:
            return _show_access_code(logged.reference, logged.access_code, new=True)
        return redirect(url_for(".case_page", reference=logged.reference))
    return render_template("cases/new.html", form=form)


def _directorates(*, active_only: bool) -> list[tuple[int, str]]:
    query = select(Directorate.id, Directorate.name).order_by(Directorate.name)
    if active_only:
        query = query.where(Directorate.is_active.is_(True))
    return [(row.id, row.name) for row in db.session().execute(query)]


@bp.get("/cases/<reference>")
@roles_required(*CASEWORKERS)
def case_page(reference: str) -> ResponseReturnValue:
    """Show a case: its details, clocks, people, timeline and what can be done next."""
    return _render_case(reading.view_case(reference, current_user))


@bp.post("/cases/<reference>/identity")
@roles_required(*CASEWORKERS)
def show_identity(reference: str) -> ResponseReturnValue:
    """Show who spoke up, for this view only; the reveal is audited."""
    try:
        identity = reading.reveal_identity(reference, current_user)
    except CaseActionRefused as refusal:
        return _refused(reference, refusal)
    return _render_case(get_visible_case_or_404(reference, current_user), identity)


def _render_case(case: Case, identity: Identity | None = None) -> str:
    session = db.session()
    return render_template(
        "cases/case.html",
        case=case,
        identity=identity,
        clocks=case_clocks(case, today_in_london()),
        directorate=directorate_name(session, case),
        guardians=case_guardians(session, case),
        entries=timeline(session, case),
        closure_blocker=closure.closure_blocker(session, case),
        access_code_blocker=intake.access_code_blocker(case, current_user),
        in_queue=is_in_queue(case),
        offered_steps=offered_steps(case, current_user),
        has_identity=bool(case.contact_name_ciphertext or case.contact_details_ciphertext),
    )


@bp.post("/cases/<reference>/take")
@roles_required(*CASEWORKERS)
def take(reference: str) -> ResponseReturnValue:
    """Take a case from the queue."""
    try:
        assignment.take_case(reference, current_user)
    except CaseActionRefused as refusal:
        return _refused(reference, refusal)
    flash("You are now the case's assigned guardian", "success")
    return redirect(url_for(".case_page", reference=reference))


@bp.post("/cases/<reference>/access-code")
@roles_required(*CASEWORKERS)
def new_access_code(reference: str) -> ResponseReturnValue:
    """Give the person a new access code for the portal, shown on this page only."""
    try:
        code = intake.give_access_code(reference, current_user)
    except CaseActionRefused as refusal:
        return _refused(reference, refusal)
    return _show_access_code(reference, code, new=False)


def _show_access_code(reference: str, code: str, *, new: bool) -> str:
    # shown once: only its slow hash is kept, so this page is the only place it appears
    return render_template("cases/access_code.html", reference=reference, code=code, new=new)


@bp.route("/cases/<reference>/export", methods=["GET", "POST"])
@roles_required(*CASEWORKERS)
def export(reference: str) -> ResponseReturnValue:
    """Export the case as a PDF, the person's identity left out unless asked for."""
    case = get_visible_case_or_404(reference, current_user)
    form = ExportForm()
    if form.validate_on_submit():
        pdf = export_case(
            reference, current_user, include_identity=form.identity.data == "included"
        )
        return Response(
            pdf,
            mimetype="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{case.reference}.pdf"'},
        )
    return render_template(
        "cases/entry.html",
        case=case,
        form=form,
        heading="Export this case as a PDF",
        button="Download the PDF",
        intro="For the record or a subject access request. The PDF holds the case's details, "
        "timeline and messages.",
    )


@bp.get("/cases/<reference>/audit-history")
@roles_required(*CASEWORKERS)
def audit_history_page(reference: str) -> ResponseReturnValue:
    """List who did what to the case, and when."""
    case = reading.view_audit_history(reference, current_user)
    page = audit_history(db.session(), case, page_number(request.args.get("page")))
    return render_template("cases/audit.html", case=case, audit=page)


@bp.route("/cases/<reference>/<entry_name>", methods=["GET", "POST"])
@roles_required(*CASEWORKERS)
def record_entry(reference: str, entry_name: str) -> ResponseReturnValue:
    """Ask for one thing to record on a case, then record it: the steps are in `CASE_STEPS`."""
    step = find_step(entry_name, current_user)
    if step is None:
        abort(404)
    case = get_visible_case_or_404(reference, current_user)
    form = step.form().for_case(case.received_on)
    if step.prepare is not None:
        step.prepare(case, form)
    if form.validate_on_submit():
        try:
            step.record(case.reference, current_user, form)
        except CaseActionRefused as refusal:
            return _refused(case.reference, refusal)
        flash(step.done, "success")
        return redirect(url_for(".case_page", reference=case.reference))
    return render_template(
        step.template,
        case=case,
        form=form,
        heading=step.title,
        button=step.button,
        intro=step.intro,
        closure_blocker=(
            closure.closure_blocker(db.session(), case) if step.shows_closure_blocker else None
        ),
        takes_case=step.takes_unassigned_case and is_unassigned(case),
    )


def _refused(reference: str, refusal: CaseActionRefused) -> ResponseReturnValue:
    flash(str(refusal), "notice")
    return redirect(url_for(".case_page", reference=reference))


@bp.get("/retention-change")
@roles_required(Role.LEAD_GUARDIAN)
def retention_change() -> ResponseReturnValue:
    """Show the shorter retention an administrator asked for, and what it would destroy."""
    return render_template(
        "cases/retention_change.html", change=waiting_retention_change(db.session())
    )


@bp.post("/retention-change/confirm")
@roles_required(Role.LEAD_GUARDIAN)
def confirm_retention_change() -> ResponseReturnValue:
    """Apply the shorter retention: the next purge destroys cases under it."""
    return _decide_retention(confirm=True)


@bp.post("/retention-change/refuse")
@roles_required(Role.LEAD_GUARDIAN)
def refuse_retention_change() -> ResponseReturnValue:
    """Keep the current retention."""
    return _decide_retention(confirm=False)


def _decide_retention(*, confirm: bool) -> ResponseReturnValue:
    asked = request.form.get("asked_years", "")
    try:
        if not asked.isascii() or not asked.isdigit() or len(asked) > 3:
            raise NoRetentionChangeWaiting()
        decide_retention_change(current_user.id, confirm=confirm, asked_years=int(asked))
    except NoRetentionChangeWaiting:
        flash("This change was decided already or has changed since. Check it again.", "notice")
        return redirect(url_for(".retention_change"))
    if confirm:
        flash(f"Closed cases are now kept for {asked} years.", "success")
    else:
        flash("The retention period was left as it was.", "success")
    return redirect(url_for(".retention_change"))
