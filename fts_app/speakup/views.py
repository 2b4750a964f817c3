"""The staff portal: speak up without an account, then follow up with a reference and code.

Nothing here reads the client's address or browser, and nothing a person types is put in a
URL or a log. Forms check their own CSRF token, so a failed check is shown at the form with
the person's answers kept, instead of on an error page that loses them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue

from fts_app.auth.access import public
from fts_app.cases.enums import SpeakUpAgain
from fts_app.extensions import csrf
from fts_app.speakup import enums
from fts_app.speakup.forms import (
    CheckInForm,
    ConcernForm,
    FollowUpSignInForm,
    PortalForm,
    ReplyForm,
    SignOutForm,
    SpeakUpAgainForm,
)
from fts_app.speakup.portal_sessions import (
    end_portal_session,
    new_portal_token,
    portal_session_ended,
)
from fts_app.speakup.services import (
    AccessCodeReplaced,
    CaseNotAvailable,
    PortalBusy,
    PortalPass,
    QuestionNotOpen,
    TooManyAttempts,
    WrongReferenceOrCode,
    acknowledge_working_days,
    active_directorates,
    add_reply,
    answer_check_in,
    answer_speak_up_again,
    open_follow_up,
    read_own_case,
    submit_concern,
)
from fts_app.timeutil import utcnow

bp = Blueprint("speakup", "fts_app.speakup")

CASE_KEY = "speakup_case_id"
CODE_KEY = "speakup_code_fingerprint"
CASE_UNTIL_KEY = "speakup_case_until"
#: a random token naming this portal session, so signing out can end it on the server too
SESSION_TOKEN_KEY = "speakup_session_token"  # noqa: S105 (a session key's name, not a secret)
SENT_FORMS_KEY = "speakup_sent_forms"
SIGNED_IN_FOR = timedelta(minutes=15)
#: how many sent forms to remember, to catch a refresh or a second press of the button
SENT_FORMS_REMEMBERED = 5
WRONG_REFERENCE_OR_CODE = (
    "The case reference or access code is not right. Check both and try again. "
    "If you have lost your code and gave your contact details, a guardian can give you a new one."
)
CASE_GONE = "This case can no longer be opened here."
CODE_REPLACED = (
    "Your case has closed on this device because its access code has changed. "
    "Enter your case reference and the new access code."
)
BUSY = (
    "The service is busy. Your reference and code have not been checked yet. "
    "Wait a few seconds, then try again."
)
SUBMISSIONS_BUSY = (
    "The service is receiving more concerns than usual just now. Everything you wrote is still "
    'here, below. Wait a few minutes, then press "Send your concern" again.'
)
BAD_REQUEST = 400
TOO_MANY_REQUESTS = 429


@bp.context_processor
def _portal_context() -> dict[str, Any]:
    return {
        "leave_url": current_app.config.get("SPEAKUP_LEAVE_URL", "/"),
    }


@bp.get("/speak-up")
@public
def start() -> ResponseReturnValue:
    """Explain what can be raised, the ways to raise it and what each level of privacy means."""
    return render_template(
        "speakup/start.html", acknowledge_working_days=acknowledge_working_days()
    )


@bp.route("/speak-up/new", methods=["GET", "POST"])
@public
@csrf.exempt
def new_concern() -> ResponseReturnValue:
    """Take a concern; on success show its reference and access code, once."""
    form = ConcernForm(directorates=active_directorates())
    if not form.is_submitted():
        return render_template("speakup/new.html", form=form)
    if form.form_id.data and form.form_id.data in session.get(SENT_FORMS_KEY, []):
        return render_template("speakup/already_sent.html")
    if not form.validate():
        return render_template("speakup/new.html", form=form), BAD_REQUEST
    try:
        receipt = submit_concern(form.to_concern(), form.equality_answers())
    except PortalBusy as refusal:
        # the form comes back as they filled it in; nothing they wrote is kept or logged
        page = render_template("speakup/new.html", form=form, busy=SUBMISSIONS_BUSY)
        return page, TOO_MANY_REQUESTS, {"Retry-After": _seconds_until(refusal.retry_at)}
    _remember_sent_form(form.form_id.data)
    # Shown in this response only: a redirect would need the code in a URL or a cookie.
    return render_template("speakup/sent.html", receipt=receipt)


def _remember_sent_form(form_id: str | None) -> None:
    if form_id:
        sent = [*session.get(SENT_FORMS_KEY, []), form_id]
        session[SENT_FORMS_KEY] = sent[-SENT_FORMS_REMEMBERED:]


@bp.route("/speak-up/follow-up", methods=["GET", "POST"])
@public
@csrf.exempt
def follow_up() -> ResponseReturnValue:
    """Show the person's own case, or ask for the reference and access code."""
    sign_in = FollowUpSignInForm()
    if not sign_in.is_submitted():
        portal_pass = _signed_in_pass()
        if portal_pass is None:
            return render_template("speakup/follow_up.html", form=sign_in)
        return _case_page(portal_pass)
    if not sign_in.validate():
        return render_template("speakup/follow_up.html", form=sign_in), BAD_REQUEST
    try:
        portal_pass = open_follow_up(sign_in.reference.data, sign_in.access_code.data)
    except TooManyAttempts as refusal:
        sign_in.access_code.errors.append(BUSY)
        page = render_template("speakup/follow_up.html", form=sign_in)
        return page, TOO_MANY_REQUESTS, {"Retry-After": _seconds_until(refusal.retry_at)}
    except WrongReferenceOrCode:
        sign_in.access_code.errors.append(WRONG_REFERENCE_OR_CODE)
        return render_template("speakup/follow_up.html", form=sign_in), BAD_REQUEST
    session[CASE_KEY] = portal_pass.case_id
    session[CODE_KEY] = portal_pass.code_fingerprint
    session[CASE_UNTIL_KEY] = (utcnow() + SIGNED_IN_FOR).timestamp()
    session[SESSION_TOKEN_KEY] = new_portal_token()
    if sign_in.pending_reply.data:
        add_reply(portal_pass, sign_in.pending_reply.data)
        flash("Your message has been sent to the guardian.", "success")
    return redirect(url_for(".follow_up"))


def _seconds_until(moment: datetime) -> str:
    # rounded up, so a client that waits this long is never a moment too early
    return str(max(math.ceil((moment - utcnow()).total_seconds()), 1))


def _signed_in_pass() -> PortalPass | None:
    until = session.get(CASE_UNTIL_KEY)
    case_id, code_fingerprint = session.get(CASE_KEY), session.get(CODE_KEY)
    token = session.get(SESSION_TOKEN_KEY)
    if until is None or until <= utcnow().timestamp() or not (case_id and code_fingerprint):
        _forget_case()
        return None
    if not isinstance(token, str) or portal_session_ended(token):
        # signed out elsewhere with this very cookie: a copy of it opens nothing
        _forget_case()
        return None
    return PortalPass(case_id, code_fingerprint)


def _forget_case() -> None:
    for key in (CASE_KEY, CODE_KEY, CASE_UNTIL_KEY, SESSION_TOKEN_KEY):
        session.pop(key, None)


def _closed_here(problem: CaseNotAvailable) -> ResponseReturnValue:
    _forget_case()
    flash(CODE_REPLACED if isinstance(problem, AccessCodeReplaced) else CASE_GONE)
    return redirect(url_for(".follow_up"))


def _case_page(portal_pass: PortalPass, status: int = 200, **forms: Any) -> ResponseReturnValue:
    try:
        view = read_own_case(portal_pass)
    except CaseNotAvailable as problem:
        return _closed_here(problem)
    forms.setdefault("reply_form", ReplyForm(formdata=None))
    forms.setdefault("speak_up_again_form", SpeakUpAgainForm(formdata=None))
    forms.setdefault("check_in_form", CheckInForm(formdata=None))
    forms.setdefault("sign_out_form", SignOutForm(formdata=None))
    return render_template("speakup/case.html", case=view, **forms), status


def _expired_while_writing(message: str | None) -> ResponseReturnValue:
    # The 15 minutes ran out while they wrote: ask for the code again and keep the message.
    form = FollowUpSignInForm(formdata=None, pending_reply=message or None)
    return render_template("speakup/follow_up.html", form=form, expired=True)


@bp.post("/speak-up/follow-up/reply")
@public
@csrf.exempt
def reply() -> ResponseReturnValue:
    """Send the person's message to the guardian."""
    form = ReplyForm()
    portal_pass = _signed_in_pass()
    if portal_pass is None:
        # A post from another site comes without the session's token; keeping its text would
        # send someone else's words as the person's message once they enter their code.
        kept = form.body.data if form.csrf_token.validate(form) else None
        return _expired_while_writing(kept)
    if not form.validate():
        return _case_page(portal_pass, BAD_REQUEST, reply_form=form)
    try:
        add_reply(portal_pass, form.body.data)
    except CaseNotAvailable as problem:
        return _closed_here(problem)
    flash("Your message has been sent to the guardian.", "success")
    return redirect(url_for(".follow_up"))


@bp.post("/speak-up/follow-up/speak-up-again")
@public
@csrf.exempt
def speak_up_again() -> ResponseReturnValue:
    """Record the answer to "Given your experience, would you speak up again?"."""
    form = SpeakUpAgainForm()

    def record(portal_pass: PortalPass) -> None:
        answer = SpeakUpAgain(form.answer.data)
        answer_speak_up_again(portal_pass, answer, form.comment.data or None)

    return _answer_question(form, "speak_up_again_form", record, "Thank you for your answer.")


@bp.post("/speak-up/follow-up/check-in")
@public
@csrf.exempt
def check_in() -> ResponseReturnValue:
    """Record the answer to the check-in some months after closure."""
    form = CheckInForm()

    def record(portal_pass: PortalPass) -> None:
        answer = enums.DetrimentAnswer(form.answer.data)
        answer_check_in(portal_pass, answer, form.details.data or None)

    return _answer_question(form, "check_in_form", record, "Thank you for telling us.")


def _answer_question(
    form: PortalForm, form_name: str, record: Callable[[PortalPass], None], thanks: str
) -> ResponseReturnValue:
    """Record an answer to a question asked once, or show the case page with the form's errors."""
    portal_pass = _signed_in_pass()
    if portal_pass is None:
        return _expired_while_writing(None)
    if not form.validate():
        return _case_page(portal_pass, BAD_REQUEST, **{form_name: form})
    try:
        record(portal_pass)
    except CaseNotAvailable as problem:
        return _closed_here(problem)
    except QuestionNotOpen:
        flash("This question has already been answered.")
        return redirect(url_for(".follow_up"))
    flash(thanks, "success")
    return redirect(url_for(".follow_up"))


@bp.post("/speak-up/follow-up/sign-out")
@public
@csrf.exempt
def sign_out() -> ResponseReturnValue:
    """Close the person's case on this device, and on the server when the form's token is good.

    Leaving must always work, so a stale page still forgets the case in this browser; only a post
    carrying the page's form token ends the session on the server, so another site cannot make
    the portal write anything.
    """
    token = session.get(SESSION_TOKEN_KEY)
    if isinstance(token, str) and SignOutForm().validate():
        end_portal_session(token)
    _forget_case()
    flash("You have left your case. To see it again, enter your reference and access code.")
    return redirect(url_for(".follow_up"))
