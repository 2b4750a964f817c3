"""Administrators' pages: accounts, settings, directorates, sign-in record; never case content."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from fts_app import db
from fts_app.admin.forms import DirectorateForm, NewAccountForm, SettingsForm
from fts_app.admin.services import (
    SET_UP_LINK_COMMAND,
    SETTING_FIELDS,
    AdminError,
    NotFound,
    add_directorate,
    cases_a_purge_would_destroy,
    create_account,
    get_account,
    get_directorate,
    get_settings,
    list_accounts,
    list_directorates,
    rename_directorate,
    reset_account_sign_in,
    set_account_active,
    set_directorate_active,
    sign_in_events,
    update_settings,
)
from fts_app.auth.access import roles_required
from fts_app.auth.approvals import awaiting_approval
from fts_app.auth.enums import Role
from fts_app.auth.services import AccountError
from fts_app.forms import show_error
from fts_app.security import page_number

bp = Blueprint("admin", "fts_app.admin")

administrators_only = roles_required(Role.ADMIN)


@bp.get("/admin/")
@administrators_only
def index() -> ResponseReturnValue:
    """Show what administrators can manage."""
    return render_template("admin/index.html")


@bp.get("/admin/accounts")
@administrators_only
def accounts() -> ResponseReturnValue:
    """List every staff account."""
    return render_template("admin/accounts.html", accounts=list_accounts(db.session()))


@bp.route("/admin/accounts/new", methods=["GET", "POST"])
@administrators_only
def new_account() -> ResponseReturnValue:
    """Create a staff account that the person sets up through a link only they receive."""
    form = NewAccountForm()
    if form.validate_on_submit():
        try:
            created = create_account(
                current_user.id,
                role=Role(form.role.data),
                email=form.email.data or "",
                display_name=form.display_name.data or "",
            )
        except AccountError as error:
            show_error(form, str(error), error.field)
        else:
            return render_template("admin/account_created.html", created=created)
    return render_template("admin/new_account.html", form=form)


@bp.get("/admin/accounts/<int:user_id>")
@administrators_only
def account(user_id: int) -> ResponseReturnValue:
    """Show one account and what can be done to it."""
    session = db.session()
    try:
        user = get_account(session, user_id)
    except NotFound:
        abort(404)
    return render_template(
        "admin/account.html",
        account=user,
        awaiting_approval=awaiting_approval(session, user.id),
        set_up_link_command=SET_UP_LINK_COMMAND.format(email=user.email),
    )


@bp.post("/admin/accounts/<int:user_id>/deactivate")
@administrators_only
def deactivate_account(user_id: int) -> ResponseReturnValue:
    """Stop an account signing in and end its sessions."""
    return _change_account(
        user_id,
        lambda: set_account_active(current_user.id, user_id, active=False),
        "Account deactivated. Anyone signed in with it has been signed out.",
    )


@bp.post("/admin/accounts/<int:user_id>/reactivate")
@administrators_only
def reactivate_account(user_id: int) -> ResponseReturnValue:
    """Let a deactivated account sign in again."""
    return _change_account(
        user_id,
        lambda: set_account_active(current_user.id, user_id, active=True),
        "Account reactivated.",
    )


@bp.post("/admin/accounts/<int:user_id>/reset-sign-in")
@administrators_only
def reset_sign_in(user_id: int) -> ResponseReturnValue:
    """Replace the person's password and authenticator with a set-up link for them alone."""
    return _change_account(
        user_id,
        lambda: reset_account_sign_in(current_user.id, user_id),
        "Sign-in reset. The person has been signed out and needs a new set-up link: ask the "
        "operator to make one on the server.",
    )


def _change_account(user_id: int, change: Callable[[], None], done: str) -> ResponseReturnValue:
    try:
        change()
    except NotFound:
        abort(404)
    except AdminError as error:
        flash(str(error))
    else:
        flash(done, "success")
    return redirect(url_for("admin.account", user_id=user_id))


@bp.route("/admin/settings", methods=["GET", "POST"])
@administrators_only
def settings() -> ResponseReturnValue:
    """Change the organisation's name, deadlines, retention and suppression threshold."""
    form = SettingsForm(obj=get_settings(db.session()) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            changed = update_settings(
                current_user.id, {name: form[name].data for name in SETTING_FIELDS}
            )
        except AdminError as error:
            show_error(form, str(error), error.field)
        else:
            flash("Settings saved." if changed else "No settings were changed.", "success")
            waiting = get_settings(db.session()).pending_retention_years
            if waiting is not None:
                flash(
                    f"Keeping closed cases for {waiting} years destroys them sooner, so it "
                    "takes effect only once the lead guardian confirms it.",
                    "notice",
                )
            return redirect(url_for("admin.settings"))
    stored = get_settings(db.session())
    return render_template(
        "admin/settings.html",
        form=form,
        purged_now=cases_a_purge_would_destroy(db.session(), stored.retention_years),
        retention_years=stored.retention_years,
        pending_retention_years=stored.pending_retention_years,
    )


@bp.route("/admin/directorates", methods=["GET", "POST"])
@administrators_only
def directorates() -> ResponseReturnValue:
    """List directorates and add a new one."""
    form = DirectorateForm()
    if form.validate_on_submit():
        try:
            add_directorate(current_user.id, form.name.data or "")
        except AdminError as error:
            show_error(form, str(error), error.field)
        else:
            flash("Directorate added.", "success")
            return redirect(url_for("admin.directorates"))
    return render_template(
        "admin/directorates.html", form=form, directorates=list_directorates(db.session())
    )


@bp.route("/admin/directorates/<int:directorate_id>/rename", methods=["GET", "POST"])
@administrators_only
def rename_directorate_form(directorate_id: int) -> ResponseReturnValue:
    """Rename a directorate."""
    try:
        directorate = get_directorate(db.session(), directorate_id)
    except NotFound:
        abort(404)
    form = DirectorateForm(obj=directorate if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            rename_directorate(current_user.id, directorate_id, form.name.data or "")
        except AdminError as error:
            show_error(form, str(error), error.field)
        else:
            flash("Directorate renamed.", "success")
            return redirect(url_for("admin.directorates"))
    return render_template("admin/rename_directorate.html", form=form, directorate=directorate)


@bp.post("/admin/directorates/<int:directorate_id>/deactivate")
@administrators_only
def deactivate_directorate(directorate_id: int) -> ResponseReturnValue:
    """Stop offering a directorate for new cases."""
    return _change_directorate(directorate_id, active=False)


@bp.post("/admin/directorates/<int:directorate_id>/reactivate")
@administrators_only
def reactivate_directorate(directorate_id: int) -> ResponseReturnValue:
    """Offer a directorate for new cases again."""
    return _change_directorate(directorate_id, active=True)


def _change_directorate(directorate_id: int, *, active: bool) -> ResponseReturnValue:
    try:
        set_directorate_active(current_user.id, directorate_id, active=active)
    except NotFound:
        abort(404)
    flash("Directorate reactivated." if active else "Directorate deactivated.", "success")
    return redirect(url_for("admin.directorates"))


@bp.get("/admin/sign-in-events")
@administrators_only
def sign_in_record() -> ResponseReturnValue:
    """List sign-in events, newest first: when, which account, what happened."""
    page = page_number(request.args.get("page"))
    return render_template("admin/sign_in_events.html", events=sign_in_events(db.session(), page))
