"""Organisation settings: saved when valid, refused at the field when not, and audited."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from fts_app import db
from fts_app.admin.services import AdminError, get_settings, update_settings
from fts_app.auth.models import User
from tests.auth.support import audit_entries
from tests.conftest import submit_form

VALID = {
    "organisation_name": "Northshire Hospitals NHS Foundation Trust",
    "acknowledge_working_days": "3",
    "first_feedback_days": "10",
    "substantive_feedback_months": "2",
    "detriment_check_in_months": "6",
    "retention_years": "8",
    "suppression_threshold": "6",
    "national_return_due_days": "28",
}


def save(client: FlaskClient, **changes: str) -> Any:
    """Submit the settings form with valid values but for `changes`."""
    return submit_form(client, "/admin/settings", {**VALID, **changes})


def stored() -> dict[str, Any]:
    """Return the settings as the database holds them now."""
    settings = get_settings(db.session())
    db.session().refresh(settings)
    return {name: getattr(settings, name) for name in VALID}


def test_valid_settings_are_saved_and_audited(admin_client: FlaskClient, admin: User) -> None:
    response = save(admin_client)

    assert response.headers["Location"] == "/admin/settings"
    assert stored() == {
        name: value if name == "organisation_name" else int(value) for name, value in VALID.items()
    }
    (entry,) = audit_entries("admin.settings_changed")
    assert set(entry[1]["fields"]) == set(VALID)


def test_form_shows_the_current_settings(admin_client: FlaskClient) -> None:
    save(admin_client)

    page = admin_client.get("/admin/settings").get_data(as_text=True)

    assert 'value="Northshire Hospitals NHS Foundation Trust"' in page
    assert checked_threshold(page) == "6"


def checked_threshold(page: str) -> str | None:
    """Return the value of the suppression threshold's checked radio, if one is checked."""
    for radio in re.findall(r"<input[^>]*>", page):
        if 'name="suppression_threshold"' in radio and "checked" in radio:
            match = re.search(r'value="(\d+)"', radio)
            return match.group(1) if match else None
    return None


def test_each_threshold_is_offered_as_the_counts_it_hides(admin_client: FlaskClient) -> None:
    page = admin_client.get("/admin/settings").get_data(as_text=True)

    offered = re.findall(
        r'name="suppression_threshold" type="radio" value="(\d)"[^>]*>\s*'
        r"<label[^>]*>\s*([^<]+?)\s*</label>",
        page,
    )
    assert offered == [
        ("3", "Hide counts from 1 to 2"),
        ("4", "Hide counts from 1 to 3"),
        ("5", "Hide counts from 1 to 4 (the default)"),
        ("6", "Hide counts from 1 to 5"),
        ("7", "Hide counts from 1 to 6"),
        ("8", "Hide counts from 1 to 7"),
    ]
    assert checked_threshold(page) == "5"


def test_counts_up_to_7_can_be_hidden_as_nhs_digital_does(
    admin_client: FlaskClient, admin: User
) -> None:
    response = save(admin_client, suppression_threshold="8")

    assert response.status_code == 302
    assert stored()["suppression_threshold"] == 8
    page = admin_client.get("/admin/settings").get_data(as_text=True)
    assert checked_threshold(page) == "8"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("suppression_threshold", "9", "Choose which small counts to hide in board reports"),
        ("suppression_threshold", "2", "Choose which small counts to hide in board reports"),
        ("suppression_threshold", "five", "Choose which small counts to hide in board reports"),
        ("suppression_threshold", "", "Choose which small counts to hide in board reports"),
        ("retention_years", "0", "Years to keep closed cases must be between 1 and 30"),
        ("retention_years", "31", "Years to keep closed cases must be between 1 and 30"),
        ("first_feedback_days", "seven", "Days to first feedback must be a whole number"),
        ("acknowledge_working_days", "", "Enter working days to acknowledge a concern"),
        ("organisation_name", "", "Enter the organisation's name"),
    ],
)
def test_invalid_setting_is_refused_at_its_field_and_nothing_changes(
    admin_client: FlaskClient, field: str, value: str, message: str
) -> None:
    before = stored()

    response = save(admin_client, **{field: value})

    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert message in page
    assert f'href="#{field}"' in page
    assert f'id="{field}-error"' in page
    assert stored() == before
    assert audit_entries("admin.") == []


def test_saving_unchanged_settings_writes_no_audit_entry(admin_client: FlaskClient) -> None:
    save(admin_client)

    save(admin_client)

    assert len(audit_entries("admin.settings_changed")) == 1


def test_service_refuses_an_out_of_range_threshold_too(admin: User) -> None:
    values = {name: int(value) if value.isdigit() else value for name, value in VALID.items()}

    with pytest.raises(AdminError, match="from 3 to 8"):
        update_settings(admin.id, {**values, "suppression_threshold": 9})

    assert stored()["suppression_threshold"] == 5


def test_settings_without_a_csrf_token_are_refused_and_nothing_changes(
    admin_client: FlaskClient,
) -> None:
    before = stored()

    response = admin_client.post("/admin/settings", data={**VALID, "suppression_threshold": "3"})

    assert response.status_code == 400
    assert stored() == before
    assert audit_entries("admin.") == []
