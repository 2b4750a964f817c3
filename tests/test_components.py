"""Remembered design-system components: pages look the same, and nothing a person typed is kept."""

from __future__ import annotations

import re
from collections.abc import Callable

import jinja2
import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import Markup

from fts_app import create_app
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.cases.models import Case
from fts_app.components import ComponentMemory, options_key
from tests.conftest import sign_in
from tests.speakup.portal import answers, send_concern

#: what differs between two renders of one page whatever the memory does
PER_REQUEST_VALUES = re.compile(
    r'(nonce="|name="csrf_token"[^>]*value="|id="csrf_token"[^>]*value="|name="form_id" value=")'
    r'[^"]*'
)


def memory_of(app: Flask) -> ComponentMemory:
    return app.extensions["fts_component_memory"]


def counting_macro() -> tuple[jinja2.runtime.Macro, list[str]]:
    """A real Jinja macro that notes each time it actually renders."""
    calls: list[str] = []
    environment = jinja2.Environment(autoescape=True)
    environment.globals["note"] = calls.append
    template = environment.from_string(
        "{% macro shout(params) %}"
        "{{ note(params.text) or '' }}<b>{{ params.text }}</b>"
        "{% endmacro %}"
    )
    return template.module.shout, calls


def without_per_request_values(html: str) -> str:
    return PER_REQUEST_VALUES.sub(r"\1", html)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("<b>", Markup("<b>")),
        (True, 1),
        (None, jinja2.ChainableUndefined()),
        ("", None),
        (["a", "b"], ["b", "a"]),
        ({"text": "a"}, {"html": "a"}),
    ],
)
def test_options_that_render_differently_have_different_keys(one: object, other: object) -> None:
    assert options_key(one) != options_key(other)


def test_options_with_the_same_content_share_a_key() -> None:
    first = {"items": [{"value": "a", "checked": True}], "hint": None}
    second = {"hint": None, "items": [{"checked": True, "value": "a"}]}
    assert options_key(first) == options_key(second)


def test_a_component_renders_once_for_the_same_options() -> None:
    shout, calls = counting_macro()
    memory = ComponentMemory(enabled=True)
    first = memory.render(shout, {"text": "Send"})
    second = memory.render(shout, {"text": "Send"})
    assert first == second == Markup("<b>Send</b>")
    assert calls == ["Send"]


def test_text_is_escaped_and_markup_is_not_even_when_remembered() -> None:
    shout, _ = counting_macro()
    memory = ComponentMemory(enabled=True)
    assert memory.render(shout, {"text": "<i>"}) == Markup("<b>&lt;i&gt;</b>")
    assert memory.render(shout, {"text": Markup("<i>")}) == Markup("<b><i></b>")


def test_the_least_recently_used_component_is_forgotten_first() -> None:
    shout, calls = counting_macro()
    memory = ComponentMemory(enabled=True, capacity=2)
    for text in ("a", "b", "a", "c", "a", "b"):
        memory.render(shout, {"text": text})
    assert calls == ["a", "b", "c", "b"]
    assert len(memory) == 2


def test_options_with_no_stable_key_are_rendered_every_time() -> None:
    shout, calls = counting_macro()
    memory = ComponentMemory(enabled=True)
    memory.render(shout, {"text": "a", "when": object()})
    memory.render(shout, {"text": "a", "when": object()})
    assert calls == ["a", "a"]
    assert len(memory) == 0


def test_memory_is_off_while_templates_reload_from_disk(tmp_path, master_key: str) -> None:  # type: ignore[no-untyped-def]
    app = create_app(
        {
            "TESTING": True,
            "TEMPLATES_AUTO_RELOAD": True,
            "INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'fts.sqlite3'}",
            "MASTER_KEYS": master_key,
        }
    )
    assert not memory_of(app).enabled


def page_twice_with_memory_and_once_without(
    app: Flask, client: FlaskClient, path: str
) -> tuple[str, str, str]:
    memory = memory_of(app)
    memory.enabled = True
    filling = client.get(path).get_data(as_text=True)
    remembered = client.get(path).get_data(as_text=True)
    memory.enabled = False
    drawn = client.get(path).get_data(as_text=True)
    memory.enabled = True
    return tuple(without_per_request_values(html) for html in (filling, remembered, drawn))  # type: ignore[return-value]


def test_the_portal_form_is_the_same_from_memory(app: Flask, client: FlaskClient) -> None:
    filling, remembered, drawn = page_twice_with_memory_and_once_without(
        app, client, "/speak-up/new"
    )
    assert filling == remembered == drawn
    assert len(memory_of(app)) > 20


@pytest.mark.parametrize(
    "path",
    [
        "/cases",
        "/cases?status=in-progress&element=bullying&overdue=y&sort=oldest",
        "/cases/new",
        "/cases/{reference}",
    ],
)
def test_casework_pages_are_the_same_from_memory(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    make_case: Callable[..., Case],
    path: str,
) -> None:
    case = make_case()
    sign_in(client, make_user(Role.LEAD_GUARDIAN))
    filling, remembered, drawn = page_twice_with_memory_and_once_without(
        app, client, path.format(reference=case.reference)
    )
    assert filling == remembered == drawn
    assert len(memory_of(app)) > 0


def test_a_sent_back_portal_form_keeps_no_typed_text_in_memory(
    app: Flask, client: FlaskClient
) -> None:
    typed = "Marker-8841 on the stroke unit"
    response = send_concern(
        client,
        answers(
            confidentiality="",
            narrative=typed,
            location=typed,
            harm_details=typed,
            harm="no",
        ),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in html
    assert html.count(typed) >= 3
    assert len(memory_of(app)) > 0
    assert not memory_of(app).holds_text("Marker-8841")


def test_a_case_page_keeps_no_case_text_in_memory(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    make_case: Callable[..., Case],
) -> None:
    case = make_case(narrative="Marker-5512: medicines left unlocked on ward 3.")
    sign_in(client, make_user(Role.LEAD_GUARDIAN))
    assert "Marker-5512" in client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert len(memory_of(app)) > 0
    assert not memory_of(app).holds_text("Marker-5512")


def test_a_component_the_template_did_not_import_is_an_error_not_an_empty_space() -> None:
    memory = ComponentMemory(enabled=True)
    with pytest.raises(TypeError, match="needs a macro"):
        memory.render(jinja2.ChainableUndefined(name="button"), {"text": "Sign out"})  # type: ignore[arg-type]


def app_template(app: Flask, source: str) -> jinja2.Template:
    """Compile `source` in the app's own template environment, with a counting component."""
    shout, calls = counting_macro()
    template = app.jinja_env.from_string(source)
    template.globals["shout"] = shout
    template.globals["calls"] = calls
    return template


def test_a_call_with_options_written_in_the_template_is_remembered(app: Flask) -> None:
    memory = memory_of(app)
    memory.enabled = True
    template = app_template(app, '{{ remembered(shout, {"text": "Add"}) }}')
    assert template.render() == template.render() == "<b>Add</b>"
    assert template.globals["calls"] == ["Add"]
    assert memory.holds_text("Add")


def test_a_call_with_options_from_a_variable_is_never_remembered(app: Flask) -> None:
    memory = memory_of(app)
    memory.enabled = True
    template = app_template(app, '{{ remembered(shout, {"text": typed}) }}')
    assert template.render(typed="Marker-3307") == "<b>Marker-3307</b>"
    assert template.render(typed="Marker-3307") == "<b>Marker-3307</b>"
    assert template.globals["calls"] == ["Marker-3307", "Marker-3307"]
    assert not memory.holds_text("Marker-3307")


def test_a_variable_call_still_refuses_a_component_the_template_did_not_import(app: Flask) -> None:
    template = app.jinja_env.from_string("{{ remembered(not_imported, {'text': typed}) }}")
    with pytest.raises(TypeError, match="needs a macro"):
        template.render(typed="x")


class FieldLike:
    """The parts of a WTForms field that decide whether its component may be remembered."""

    def __init__(self, data: object, errors: list[str], choices: list[tuple[str, str]]) -> None:
        self.data, self.errors, self.choices = data, errors, choices


@pytest.mark.parametrize(
    ("data", "errors", "kept"),
    [
        (None, [], True),
        ("", [], True),
        ("yes", [], True),
        (["yes", "no"], [], True),
        ("Marker-1290", [], False),
        (None, ["Select an answer"], False),
    ],
)
def test_a_field_is_remembered_only_while_it_holds_nothing_typed(
    data: object, errors: list[str], kept: bool
) -> None:
    shout, calls = counting_macro()
    memory = ComponentMemory(enabled=True)
    field = FieldLike(data, errors, [("yes", "Yes"), ("no", "No")])
    memory.render_field(shout, {"text": "Answer"}, field)
    memory.render_field(shout, {"text": "Answer"}, field)
    assert len(calls) == (1 if kept else 2)


def test_a_free_text_field_with_text_is_never_remembered() -> None:
    shout, _ = counting_macro()
    memory = ComponentMemory(enabled=True)
    field = FieldLike("Marker-7781", [], [])
    memory.render_field(shout, {"text": "Marker-7781"}, field)
    assert not memory.holds_text("Marker-7781") and len(memory) == 0
