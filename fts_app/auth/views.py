"""Sign-in pages: password, then a code from an authenticator app; sign-out; password change."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from flask import (
    Blueprint,
    Request,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from fts_app import db
from fts_app.auth import known_devices
from fts_app.auth.access import (
    STAFF_ROLES,
    View,
    home_path,
    local_path_or_none,
    public,
    roles_required,
)
from fts_app.auth.approvals import ApprovalGone, decide_approval, pending_approvals
from fts_app.auth.enums import Role, SignInStep
from fts_app.auth.forms import (
    ChangePasswordForm,
    CodeForm,
    FirstAdminForm,
    SetUpPasswordForm,
    SignInForm,
)
from fts_app.auth.models import User, UserSession
from fts_app.auth.services import (
    SESSION_ENDED,
    AccountError,
    LinkUnusable,
    PasswordChangeSlowed,
    SignInAbandoned,
    SignInRefused,
    SignInSlowed,
    SignInStarted,
    change_password,
    claim_first_admin_link,
    create_first_admin,
    first_admin_claim_usable,
    normalise_email,
    provisioning_uri,
    sign_in_with_code,
    sign_in_with_password,
    sign_out,
    totp_secret,
)
from fts_app.auth.sessions import (
    LiveSession,
    forget_cookie,
    keep_in_cookie,
    open_session,
    token_from_cookie,
    token_hash,
)
from fts_app.auth.set_up import choose_password, open_set_up_link
from fts_app.auth.two_factor import grouped_for_typing, qr_code_svg
from fts_app.cookies import in_portal_request
from fts_app.extensions import limiter, login_manager
from fts_app.forms import show_error

bp = Blueprint("auth", "fts_app.auth")

#: where, in the signed cookie, the page asked for before sign-in waits
AFTER_SIGN_IN = "after_sign_in"
#: where, in the signed cookie, an opened first-administrator link's claim waits
FIRST_ADMIN_CLAIM = "first_admin_claim"
SIGN_IN_SCOPE = "staff-sign-in"
DEFAULT_LIMIT_PER_ACCOUNT = "10 per 15 minutes"
DEFAULT_LIMIT_OVERALL = "300 per minute"
TOO_MANY_REQUESTS = 429

# The server-side row is what protects a session; Flask-Login's own check would only put a
# hash of the client's address into the cookie.
login_manager.session_protection = None
# templates compare an account's role with members, never with its stored string
bp.add_app_template_global(Role, "Role")


@bp.before_app_request
def _work_out_the_visitor_afresh() -> None:
    # `g` belongs to the application context, which can outlive one request (a test client
    # inside an open context): who is signed in, and the form token, belong to each request.
    g.pop("_login_user", None)
    g.pop("csrf_token", None)


@login_manager.request_loader
def load_user(_request: Request) -> User | None:
    """Return the account of a fully signed-in, open server-side session; else no one."""
    # a portal page never looks up, touches or ends a staff session (fts_app/cookies.py)
    if in_portal_request() or token_from_cookie() is None:
        return None
    live = open_session()
    if live is None:
        _end_in_browser()
        return None
    if not live.row.two_factor_passed:
        return None
    live.user.attach_session_token(live.token)
    return live.user


def _end_in_browser() -> None:
    """Forget an ended session's cookie and say why the person must sign in again."""
    forget_cookie()
    flash(SESSION_ENDED)


def _limit_per_account() -> str:
    return current_app.config.get("SIGN_IN_LIMIT_PER_ACCOUNT", DEFAULT_LIMIT_PER_ACCOUNT)


def _limit_overall() -> str:
    return current_app.config.get("SIGN_IN_LIMIT_OVERALL", DEFAULT_LIMIT_OVERALL)


def _submitted_account_key() -> str:
    """Key the limit on the address typed, under a keyed hash: the limiter's store reveals none.

    A plain hash of an address is reversed by hashing a list of likely addresses. A browser the
    account has signed in with has a budget of its own (auth.known_devices), which attempts
    from anywhere else cannot use up.
    """
    email = normalise_email(request.form.get("email", ""))
    secret = current_app.config["SECRET_KEY"].encode()
    device = _known_device_cookie()
    if device is not None:
        user = db.session().scalar(select(User).where(User.email == email))
        if user is not None and known_devices.is_known(user, device):
            return "known-device|" + hmac.new(secret, device.encode(), hashlib.sha256).hexdigest()
    return "sign-in|" + hmac.new(secret, email.encode(), hashlib.sha256).hexdigest()


def _known_device_cookie() -> str | None:
    return request.cookies.get(known_devices.cookie_name())


def _pending_account_key() -> str:
    """Key the limit on the account whose password was accepted in this browser."""
    token = token_from_cookie()
    row = db.session().get(UserSession, token_hash(token)) if token else None
    return f"two-factor|{row.user_id if row is not None else 'none'}"


def _signed_in_account_key() -> str:
    """Key the limit on the signed-in account, as a password change is made signed in."""
    account = current_user.id if current_user.is_authenticated else "none"
    return f"password-change|{account}"


def _limited(key_func: Callable[[], str]) -> Callable[[View], View]:
    """Apply the per-account limit (keyed by `key_func`) and the cap shared by all sign-ins."""

    def decorate(view: View) -> View:
        per_account = limiter.limit(_limit_per_account, key_func=key_func, methods=["POST"])
        overall = limiter.shared_limit(_limit_overall, scope=SIGN_IN_SCOPE, methods=["POST"])
        # Flask-Limiter hands the view back as Callable[..., Any], dropping its type
        return overall(per_account(view))  # type: ignore[return-value]

    return decorate


@bp.route("/login", methods=["GET", "POST"])
@_limited(_submitted_account_key)
@public
def login() -> ResponseReturnValue:
    """Ask for the email address and password."""
    form = SignInForm()
    if request.method == "GET":
        form.next.data = local_path_or_none(request.args.get("next")) or ""
    status = 200
    if form.validate_on_submit():
        try:
            started = sign_in_with_password(
                form.email.data or "",
                form.password.data or "",
                replacing=token_from_cookie(),
                known_device=_known_device_cookie(),
            )
        except SignInRefused as refusal:
            form.email.errors = [str(refusal)]
            if isinstance(refusal, SignInSlowed):
                status = TOO_MANY_REQUESTS
        else:
            return _continue_sign_in(started, after=local_path_or_none(form.next.data))
    return render_template("auth/login.html", form=form), status


def _continue_sign_in(started: SignInStarted, after: str | None) -> ResponseReturnValue:
    keep_in_cookie(started.token)
    if after:
        session[AFTER_SIGN_IN] = after
    if started.next_step is SignInStep.DONE:
        _tell_of_failures(started.failures)
    return _to_step(started.next_step)


def _tell_of_failures(failures: int) -> None:
    """Tell the owner, once signed in, of the failed attempts on their account since last time."""
    if failures:
        attempts = "attempt" if failures == 1 else "attempts"
        flash(
            f"{failures} failed sign-in {attempts} on your account since you last signed in. "
            "If that was not you, tell the lead guardian."
        )


def _to_step(step: SignInStep) -> ResponseReturnValue:
    if step is SignInStep.SET_PASSWORD:
        return redirect(url_for("auth.set_up_account"))
    if step is SignInStep.TWO_FACTOR:
        return redirect(url_for("auth.two_factor"))
    if step is SignInStep.SET_UP_TWO_FACTOR:
        return redirect(url_for("auth.set_up_two_factor"))
    return _to_destination()


def _to_destination() -> ResponseReturnValue:
    live = open_session()
    if live is None:
        return redirect(url_for("auth.login"))
    response = redirect(session.pop(AFTER_SIGN_IN, None) or home_path(live.user.role))
    if live.row.two_factor_passed:
        known_devices.remember(response, live.user)
    return response


def _pending_sign_in() -> LiveSession | None:
    """Return this browser's session if its password was accepted and a code is still due."""
    live = open_session()
    if live is None or live.row.two_factor_passed:
        return None
    return live


def _back_to_the_start() -> ResponseReturnValue:
    """Send someone with no sign-in under way to the password page (or, if done, onwards)."""
    live = open_session()
    if live is not None and live.row.two_factor_passed:
        return _to_destination()
    if token_from_cookie() is not None:
        _end_in_browser()
    return redirect(url_for("auth.login"))


@bp.route("/login/two-factor", methods=["GET", "POST"])
@_limited(_pending_account_key)
@public
def two_factor() -> ResponseReturnValue:
    """Ask for the code the authenticator app shows now."""
    pending = _pending_sign_in()
    if pending is None:
        return _back_to_the_start()
    if pending.user.must_set_password:
        return redirect(url_for("auth.set_up_account"))
    if pending.user.totp_confirmed_at is None:
        return redirect(url_for("auth.set_up_two_factor"))
    form = CodeForm()
    if form.validate_on_submit():
        done = _accept_code(pending, form)
        if done is not None:
            return done
    return render_template("auth/two_factor.html", form=form)


@bp.route("/login/set-up-two-factor", methods=["GET", "POST"])
@_limited(_pending_account_key)
@public
def set_up_two_factor() -> ResponseReturnValue:
    """Show the QR code and secret for a new authenticator app, then check its first code."""
    pending = _pending_sign_in()
    if pending is None:
        return _back_to_the_start()
    if pending.user.must_set_password:
        return redirect(url_for("auth.set_up_account"))
    if pending.user.totp_confirmed_at is not None:
        return redirect(url_for("auth.two_factor"))
    form = CodeForm()
    if form.validate_on_submit():
        done = _accept_code(pending, form)
        if done is not None:
            return done
    secret = totp_secret(pending.user) or ""
    return render_template(
        "auth/set_up_two_factor.html",
        form=form,
        qr_code=qr_code_svg(provisioning_uri(pending.user)),
        secret=grouped_for_typing(secret),
    )


def _accept_code(pending: LiveSession, form: CodeForm) -> ResponseReturnValue | None:
    """Check the code; return where to go next, or None to show the form with its error."""
    try:
        failures = sign_in_with_code(pending.token, form.code.data or "")
    except SignInAbandoned as ended:
        forget_cookie()
        flash(str(ended))
        return redirect(url_for("auth.login"))
    except SignInRefused as refusal:
        form.code.errors = [str(refusal)]
        return None
    _tell_of_failures(failures)
    return _to_destination()


@bp.get("/logout")
@public
def confirm_logout() -> ResponseReturnValue:
    """Offer a button to sign out: signing out changes state, so it is only ever a POST."""
    return render_template("auth/sign_out.html")


@bp.post("/logout")
@public
def logout() -> ResponseReturnValue:
    """End the session on the server and in the browser."""
    token = token_from_cookie()
    if token is not None:
        sign_out(token)
    forget_cookie()
    flash("You have signed out", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@_limited(_signed_in_account_key)
@roles_required(*STAFF_ROLES)
def password() -> ResponseReturnValue:
    """Change one's own password; every other session of the account ends.

    The current password is limited like a sign-in's (security review, finding 5).
    """
    form = ChangePasswordForm()
    token = token_from_cookie()
    status = 200
    if form.validate_on_submit() and token is not None:
        try:
            change_password(
                current_user.id, token, form.current_password.data or "", form.password.data or ""
            )
        except AccountError as error:
            show_error(form, str(error), error.field)
            if isinstance(error, PasswordChangeSlowed):
                status = TOO_MANY_REQUESTS
        else:
            flash(
                "Your password has been changed. Anyone signed in as you elsewhere has been "
                "signed out.",
                "success",
            )
            return redirect(home_path(current_user.role))
    return render_template("auth/change_password.html", form=form), status


def _link_unusable(kind: str) -> ResponseReturnValue:
    return render_template("auth/link_unusable.html", kind=kind), 404


@bp.get("/setup/first-admin/<token>")
@public
def first_admin_link(token: str) -> ResponseReturnValue:
    """Use up the operator's link at its first opening, then go on at a path without it."""
    try:
        claim = claim_first_admin_link(token)
    except LinkUnusable:
        return _link_unusable("first-admin")
    session[FIRST_ADMIN_CLAIM] = claim
    return redirect(url_for("auth.first_admin"))


@bp.route("/setup/first-admin", methods=["GET", "POST"])
@public
def first_admin() -> ResponseReturnValue:
    """Create the first administrator under the claim of the link opened in this browser."""
    claim = session.get(FIRST_ADMIN_CLAIM)
    if not isinstance(claim, str) or not first_admin_claim_usable(claim):
        return _link_unusable("first-admin")
    form = FirstAdminForm()
    if form.validate_on_submit():
        try:
            started = create_first_admin(
                claim,
                email=form.email.data or "",
                display_name=form.display_name.data or "",
                password=form.password.data or "",
            )
        except LinkUnusable:
            return _link_unusable("first-admin")
        except AccountError as error:
            show_error(form, str(error), error.field)
        else:
            return _continue_sign_in(started, after=None)
    return render_template("auth/first_admin.html", form=form)


@bp.get("/account/set-up/<token>")
@public
def set_up_link(token: str) -> ResponseReturnValue:
    """Use up a set-up link at its first opening and go on at a path without it."""
    try:
        started = open_set_up_link(token, replacing=token_from_cookie())
    except LinkUnusable:
        return _link_unusable("set-up")
    return _continue_sign_in(started, after=None)


@bp.route("/account/set-up", methods=["GET", "POST"])
@public
def set_up_account() -> ResponseReturnValue:
    """Let the person choose their own password before their sign-in goes on."""
    pending = _pending_sign_in()
    if pending is None or not pending.user.must_set_password:
        return _back_to_the_start()
    form = SetUpPasswordForm()
    if form.validate_on_submit():
        try:
            step = choose_password(pending.token, form.password.data or "")
        except SignInAbandoned as ended:
            forget_cookie()
            flash(str(ended))
            return redirect(url_for("auth.login"))
        except AccountError as error:
            show_error(form, str(error), error.field)
        else:
            return _to_step(step)
    return render_template("auth/set_up_account.html", form=form, email=pending.user.email)


@bp.get("/account-approvals")
@roles_required(Role.LEAD_GUARDIAN)
def approvals() -> ResponseReturnValue:
    """List caseworker accounts made in the web admin that wait for the lead's decision."""
    return render_template("auth/approvals.html", approvals=pending_approvals(db.session()))


@bp.post("/account-approvals/<int:approval_id>/approve")
@roles_required(Role.LEAD_GUARDIAN)
def approve(approval_id: int) -> ResponseReturnValue:
    """Let the account sign in with the role it was given."""
    return _decide(approval_id, approve=True)


@bp.post("/account-approvals/<int:approval_id>/refuse")
@roles_required(Role.LEAD_GUARDIAN)
def refuse(approval_id: int) -> ResponseReturnValue:
    """Refuse the role: the account is deactivated."""
    return _decide(approval_id, approve=False)


def _decide(approval_id: int, *, approve: bool) -> ResponseReturnValue:
    try:
        email = decide_approval(current_user.id, approval_id, approve=approve)
    except ApprovalGone:
        abort(404)
    done = "approved: they can now sign in" if approve else "refused: the account is deactivated"
    flash(f"The account {email} was {done}.", "success")
    return redirect(url_for("auth.approvals"))
