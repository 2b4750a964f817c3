"""Directorates: added, renamed, deactivated and reactivated, each change audited."""

from __future__ import annotations

import html

from flask.testing import FlaskClient
from sqlalchemy import select

from fts_app import db
from fts_app.admin.models import Directorate
from tests.auth.support import audit_entries, follow
from tests.conftest import csrf_token_from, submit_form


def add(client: FlaskClient, name: str) -> str:
    """Add a directorate through the page; return the page shown after."""
    response = submit_form(client, "/admin/directorates", {"name": name})
    page = (
        follow(client, response) if response.status_code == 302 else response.get_data(as_text=True)
    )
    return html.unescape(page)


def directorates() -> list[tuple[str, bool]]:
    """Return (name, active) of every directorate, by name."""
    rows = db.session().scalars(
        select(Directorate).order_by(Directorate.name).execution_options(populate_existing=True)
    )
    return [(row.name, row.is_active) for row in rows]


def only_directorate() -> Directorate:
    """Return the one directorate the test made."""
    return db.session().scalars(select(Directorate)).one()


def test_directorate_is_added_with_its_name_tidied(admin_client: FlaskClient) -> None:
    page = add(admin_client, "  Emergency   medicine ")

    assert "Directorate added" in page
    assert "Emergency medicine" in page
    assert directorates() == [("Emergency medicine", True)]
    assert [action for action, _ in audit_entries("admin.")] == ["admin.directorate_added"]


def test_same_name_in_any_case_is_refused(admin_client: FlaskClient) -> None:
    add(admin_client, "Surgery")

    page = add(admin_client, "SURGERY")

    assert "There is already a directorate called SURGERY" in page
    assert 'href="#name"' in page
    assert directorates() == [("Surgery", True)]


def test_directorate_is_renamed(admin_client: FlaskClient) -> None:
    add(admin_client, "Medicin")
    directorate = only_directorate()
    path = f"/admin/directorates/{directorate.id}/rename"
    assert 'value="Medicin"' in admin_client.get(path).get_data(as_text=True)

    response = submit_form(admin_client, path, {"name": "Medicine"})

    assert "Directorate renamed" in follow(admin_client, response)
    assert directorates() == [("Medicine", True)]
    assert ("admin.directorate_renamed", {"directorate_id": directorate.id}) in audit_entries()


def test_directorate_is_deactivated_and_reactivated(admin_client: FlaskClient) -> None:
    add(admin_client, "Maternity")
    directorate_id = only_directorate().id
    for action, active in [("deactivate", False), ("reactivate", True)]:
        token = csrf_token_from(admin_client.get("/admin/directorates").get_data(as_text=True))
        response = admin_client.post(
            f"/admin/directorates/{directorate_id}/{action}", data={"csrf_token": token}
        )
        follow(admin_client, response)
        assert directorates() == [("Maternity", active)]
    actions = [action for action, _ in audit_entries("admin.")]
    assert actions[-2:] == ["admin.directorate_deactivated", "admin.directorate_reactivated"]


def test_unknown_directorate_is_not_found(admin_client: FlaskClient) -> None:
    assert admin_client.get("/admin/directorates/999999/rename").status_code == 404
