"""Pages of the cases feature: parse and authorise, call one service, say what happened."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

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
from fts_app.cases import services
from fts_app.cases.access import (
    CaseNotVisible,
    get_visible_case_or_404,
    is_in_queue,
    is_lead_guardian,
    is_unassigned,
)
from fts_app.cases.dashboard import list_cases, summarise
from fts_app.cases.deadlines import (
    ClockState,
    bank_holidays_ran_out,
    case_clocks,
    warn_if_bank_holidays_ran_out,
)
from fts_app.cases.enums import (
    AccessKind,
    CaseStatus,
    CheckInResult,
    ConfidentialityLevel,
    EscalationTarget,
    FeedbackMethod,
)
from fts_app.cases.export import export_case
from fts_app.cases.forms import (
    AcknowledgeForm,
    ActionForm,
    CaseEntryForm,
    CheckInForm,
    CloseForm,
    DashboardFiltersForm,
    DetrimentForm,
    EscalationForm,
    ExportForm,
    FeedbackForm,
    FeedbackNotPossibleForm,
    GuardianChoiceForm,
    IdentityDisclosureForm,
    MessageForm,
    NewCaseForm,
    NoteForm,
    ReopenForm,
    RestrictionForm,
)
from fts_app.cases.models import Case
from fts_app.cases.services import CaseActionRefused, Identity
from fts_app.cases.timeline import (
    audit_history,
    case_guardians,
    directorate_name,
    guardians_to_offer,
    timeline,
)
from fts_app.timeutil import as_london, today_in_london

bp = Blueprint("cases", "fts_app.cases")

CASEWORKERS = (Role.GUARDIAN, Role.LEAD_GUARDIAN)
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


@bp.app_template_filter("case_date")
def case_date(day: date | None) -> str:
    """Write a date the NHS way: 14 September 2026."""
    return f"{day.day} {day:%B %Y}" if day else ""


@bp.app_template_filter("case_time")
def case_time(moment: datetime | None) -> str:
    """Write a stored time in London time: 14 September 2026 at 3:05pm."""
    if moment is None:
        return ""
    local = as_london(moment)
    hour = local.hour % 12 or 12
    return f"{case_date(local.date())} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


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
        logged = services.log_concern(
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
    return _render_case(services.view_case(reference, current_user))


@bp.post("/cases/<reference>/identity")
@roles_required(*CASEWORKERS)
def show_identity(reference: str) -> ResponseReturnValue:
    """Show who spoke up, for this view only; the reveal is audited."""
    try:
        identity = services.reveal_identity(reference, current_user)
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
        closure_blocker=services.closure_blocker(session, case),
        access_code_blocker=services.access_code_blocker(case, current_user),
        in_queue=is_in_queue(case),
        is_lead=is_lead_guardian(current_user),
        has_identity=bool(case.contact_name_ciphertext or case.contact_details_ciphertext),
    )


@bp.post("/cases/<reference>/take")
@roles_required(*CASEWORKERS)
def take(reference: str) -> ResponseReturnValue:
    """Take a case from the queue."""
    try:
        services.take_case(reference, current_user)
    except CaseActionRefused as refusal:
        return _refused(reference, refusal)
    flash("You are now the case's assigned guardian", "success")
    return redirect(url_for(".case_page", reference=reference))


@bp.post("/cases/<reference>/access-code")
@roles_required(*CASEWORKERS)
def new_access_code(reference: str) -> ResponseReturnValue:
    """Give the person a new access code for the portal, shown on this page only."""
    try:
        code = services.give_access_code(reference, current_user)
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
    case = services.view_audit_history(reference, current_user)
    page = audit_history(db.session(), case, request.args.get("page", 1, type=int))
    return render_template("cases/audit.html", case=case, audit=page)


@dataclass(frozen=True)
class Entry:
    """A page that records one thing on a case: its form, words, and the service it calls."""

    form: type[CaseEntryForm]
    heading: str
    button: str
    done: str
    save: Callable[[str, Any, Any], None]
    #: fills choices or defaults that depend on the case
    prepare: Callable[[Case, Any], None] | None = None
    lead_only: bool = False
    intro: str | None = None


def _offer_assignable(case: Case, form: GuardianChoiceForm) -> None:
    assigned = {row.user_id for row in case.access_rows if row.kind == AccessKind.ASSIGNED}
    form.offer(guardians_to_offer(db.session(), excluding=assigned))


def _offer_shareable(case: Case, form: GuardianChoiceForm) -> None:
    form.offer(
        guardians_to_offer(db.session(), excluding={row.user_id for row in case.access_rows})
    )


def _limit_to_after_closure(case: Case, form: CheckInForm) -> None:
    form.closed_on_limit = case.closed_on


def _show_current_restriction(case: Case, form: RestrictionForm) -> None:
    if not form.is_submitted():
        form.restricted.data = "yes" if case.restricted else "no"


ENTRIES: dict[str, Entry] = {
    "acknowledge": Entry(
        AcknowledgeForm,
        "Acknowledge the concern",
        "Record acknowledgement",
        "Acknowledgement recorded",
        lambda ref, user, form: services.acknowledge_case(
            ref, user, form.acknowledged_on.data, (form.note.data or "").strip()
        ),
    ),
    "note": Entry(
        NoteForm,
        "Add a note",
        "Add note",
        "Note added",
        lambda ref, user, form: services.add_note(ref, user, form.body.data),
    ),
    "action": Entry(
        ActionForm,
        "Record an action",
        "Record action",
        "Action recorded",
        lambda ref, user, form: services.record_action(
            ref, user, form.body.data, form.done_on.data
        ),
    ),
    "escalation": Entry(
        EscalationForm,
        "Record an escalation",
        "Record escalation",
        "Escalation recorded",
        lambda ref, user, form: services.record_escalation(
            ref,
            user,
            EscalationTarget(form.target.data),
            form.reason.data,
            form.happened_on.data,
        ),
    ),
    "referral": Entry(
        EscalationForm,
        "Record a referral",
        "Record referral",
        "Referral recorded",
        lambda ref, user, form: services.record_referral(
            ref,
            user,
            EscalationTarget(form.target.data),
            form.reason.data,
            form.happened_on.data,
        ),
    ),
    "feedback": Entry(
        FeedbackForm,
        "Record feedback given",
        "Record feedback",
        "Feedback recorded",
        lambda ref, user, form: services.record_feedback(
            ref, user, form.given_on.data, FeedbackMethod(form.method.data), form.summary.data
        ),
    ),
    "feedback-not-possible": Entry(
        FeedbackNotPossibleForm,
        "Record that feedback could not be given",
        "Record reason",
        "Reason recorded",
        lambda ref, user, form: services.record_feedback_not_possible(
            ref, user, form.reason.data, form.decided_on.data
        ),
    ),
    "detriment": Entry(
        DetrimentForm,
        "Record detriment reported",
        "Record detriment",
        "Detriment recorded",
        lambda ref, user, form: services.record_detriment(
            ref, user, form.what_reported.data, form.action_taken.data, form.reported_on.data
        ),
        intro="Record any disadvantageous or demeaning treatment the person says they suffered "
        "as a result of speaking up.",
    ),
    "identity-disclosure": Entry(
        IdentityDisclosureForm,
        "Record an identity disclosure",
        "Record disclosure",
        "Disclosure recorded",
        lambda ref, user, form: services.record_identity_disclosure(
            ref, user, form.to_whom.data, form.reason.data, form.disclosed_on.data
        ),
        intro="Record each time the person's identity was shared with someone else, and why.",
    ),
    "detriment-check-in": Entry(
        CheckInForm,
        "Record the detriment check-in",
        "Record check-in",
        "Check-in recorded",
        lambda ref, user, form: services.record_detriment_check_in(
            ref,
            user,
            form.checked_on.data,
            CheckInResult(form.result.data),
            form.summary.data or "",
        ),
        prepare=_limit_to_after_closure,
        intro="After closure, ask the person whether they have suffered any detriment "
        "for speaking up.",
    ),
    "message": Entry(
        MessageForm,
        "Send a message to the person",
        "Send message",
        "Message sent",
        lambda ref, user, form: services.send_message_to_person(ref, user, form.body.data),
    ),
    "close": Entry(
        CloseForm,
        "Close the case",
        "Close case",
        "Case closed",
        lambda ref, user, form: services.close_case(
            ref, user, form.outcome.data, form.learning.data, form.open_actions.data or ""
        ),
        intro="People who follow up online will be asked whether they would speak up again. "
        "A detriment check-in will be due after closure.",
    ),
    "reopen": Entry(
        ReopenForm,
        "Reopen the case",
        "Reopen case",
        "Case reopened",
        lambda ref, user, form: services.reopen_case(ref, user, form.reason.data),
    ),
    "assign": Entry(
        GuardianChoiceForm,
        "Assign the case",
        "Assign",
        "Case assigned",
        lambda ref, user, form: services.assign_case(ref, user, int(form.guardian_id.data)),
        prepare=_offer_assignable,
        lead_only=True,
        intro="The guardian you choose becomes the case's assigned guardian, "
        "in place of any other.",
    ),
    "share": Entry(
        GuardianChoiceForm,
        "Share the case",
        "Share",
        "Case shared",
        lambda ref, user, form: services.share_case(ref, user, int(form.guardian_id.data)),
        prepare=_offer_shareable,
        intro="The guardian you choose can open and work on this case.",
    ),
    "restriction": Entry(
        RestrictionForm,
        "Restrict the case",
        "Save",
        "Who can open the case was updated",
        lambda ref, user, form: services.set_restricted(ref, user, form.restricted.data == "yes"),
        prepare=_show_current_restriction,
        intro="Restrict a case about a colleague: only the guardians named on it will see it, "
        "in lists, searches and counts too. The lead guardian will not see it unless it is "
        "shared with them.",
    ),
}


#: steps that make the guardian taking them the case's assigned guardian if it has none
ENTRIES_THAT_TAKE_THE_CASE = ("acknowledge", "close")


@bp.route("/cases/<reference>/<entry_name>", methods=["GET", "POST"])
@roles_required(*CASEWORKERS)
def record_entry(reference: str, entry_name: str) -> ResponseReturnValue:
    """Ask for one thing to record on a case, then record it."""
    entry = ENTRIES.get(entry_name)
    if entry is None or (entry.lead_only and not is_lead_guardian(current_user)):
        abort(404)
    case = get_visible_case_or_404(reference, current_user)
    form = entry.form().for_case(case.received_on)
    if entry.prepare is not None:
        entry.prepare(case, form)
    if form.validate_on_submit():
        try:
            entry.save(case.reference, current_user, form)
        except CaseActionRefused as refusal:
            return _refused(case.reference, refusal)
        flash(entry.done, "success")
        return redirect(url_for(".case_page", reference=case.reference))
    return render_template(
        "cases/entry.html",
        case=case,
        form=form,
        heading=entry.heading,
        button=entry.button,
        intro=entry.intro,
        closure_blocker=(
            services.closure_blocker(db.session(), case) if entry_name == "close" else None
        ),
        takes_case=entry_name in ENTRIES_THAT_TAKE_THE_CASE and is_unassigned(case),
    )


def _refused(reference: str, refusal: CaseActionRefused) -> ResponseReturnValue:
    flash(str(refusal), "notice")
    return redirect(url_for(".case_page", reference=reference))
