"""The field kit: what each kind of question accepts, what it says, and what the summary lists."""

from __future__ import annotations

from datetime import date

from werkzeug.datastructures import MultiDict
from wtforms import StringField

from fts_app.forms import (
    CheckboxesField,
    DayMonthYearField,
    QueryForm,
    RadioChoiceField,
    SelectChoiceField,
    text_field,
    with_blank,
)

COLOURS = [("red", "Red"), ("blue", "Blue")]


class Survey(QueryForm):
    colour = RadioChoiceField("Colour", COLOURS, message="Choose a colour")
    shade = RadioChoiceField(
        "Shade", COLOURS, message="Choose a listed shade", required="Say which shade"
    )
    extra = SelectChoiceField(
        "Extra", with_blank("Not answered", COLOURS), message="Choose an extra", optional=True
    )
    ticked = CheckboxesField("Ticked", COLOURS, message="Tick a colour")
    maybe_ticked = CheckboxesField("Maybe", COLOURS, message="Tick listed ones", optional=True)
    note = text_field("Note", 5)
    name = text_field("Your name (optional)", 3, named="Name")
    must = text_field("Must", 10, "Enter something")
    on = DayMonthYearField("Date done", required="Enter the date")
    when = DayMonthYearField(
        "When",
        required=None,
        separator="_",
        day_optional=True,
        incomplete="Give the month and year",
        impossible="Enter a real date",
    )


def errors_of(**answers: str | list[str]) -> dict[str, list[str]]:
    form = Survey(MultiDict(answers))
    form.validate()
    return {name: field.errors for name, field in form._fields.items() if field.errors}


def test_nothing_chosen_says_the_required_message_and_an_unknown_choice_the_other() -> None:
    blank = errors_of()
    assert blank["colour"] == ["Choose a colour"]
    assert blank["shade"] == ["Say which shade"]
    unknown = errors_of(colour="green", shade="green")
    assert unknown["colour"] == ["Choose a colour"]
    assert unknown["shade"] == ["Choose a listed shade"]


def test_an_optional_choice_may_be_left_blank_but_not_answered_off_the_list() -> None:
    assert "extra" not in errors_of()
    assert "extra" not in errors_of(extra="")
    assert errors_of(extra="green")["extra"] == ["Choose an extra"]
    assert "maybe_ticked" not in errors_of()
    assert errors_of(maybe_ticked=["red", "green"])["maybe_ticked"] == ["Tick listed ones"]


def test_checkboxes_need_one_tick_each_from_the_list() -> None:
    assert errors_of()["ticked"] == ["Tick a colour"]
    assert errors_of(ticked=["red", "purple"])["ticked"] == ["Tick a colour"]
    assert "ticked" not in errors_of(ticked=["red", "blue"])


def test_text_has_a_length_limit_named_in_the_message_and_may_be_required() -> None:
    problems = errors_of(note="123456", name="abcd")
    assert problems["note"] == ["Note must be 5 characters or fewer"]
    assert problems["name"] == ["Name must be 3 characters or fewer"]
    assert errors_of()["must"] == ["Enter something"]
    assert errors_of(must="   ")["must"] == ["Enter something"]


def test_a_date_names_its_missing_part_or_says_it_is_not_real() -> None:
    assert errors_of()["on"] == ["Enter the date"]
    assert errors_of(**{"on-day": "3", "on-year": "2026"})["on"] == [
        "Date done must include a month"
    ]
    assert errors_of(**{"on-day": "30", "on-month": "2", "on-year": "2026"})["on"] == [
        "Date done must be a real date"
    ]
    assert errors_of(**{"on-day": "3", "on-month": "3", "on-year": "26"})["on"] == [
        "Date done must be a real date"
    ]


def test_a_date_may_be_optional_with_its_day_left_out_and_its_own_messages() -> None:
    form = Survey(MultiDict({"when_month": "3", "when_year": "2026"}))
    form.validate()
    assert form.when.errors == [] and form.when.data == date(2026, 3, 1)
    assert "when" not in errors_of()
    assert errors_of(when_day="4")["when"] == ["Give the month and year"]
    assert errors_of(when_month="13", when_year="2026")["when"] == ["Enter a real date"]


def test_the_summary_links_each_problem_to_its_question_a_date_to_its_day_box() -> None:
    form = Survey(MultiDict({"when_day": "4", "colour": "green"}))
    form.validate()
    hrefs = [entry["href"] for entry in form.error_list()]
    assert hrefs[:2] == ["#colour", "#shade"]
    assert "#on-day" in hrefs and "#when_day" in hrefs
    assert all(entry["text"] for entry in form.error_list())


class TwoProblems(QueryForm):
    code = StringField("Code")

    def validate_code(self, field: StringField) -> None:
        field.errors.append("First problem")
        field.errors.append("Second problem")


class FirstProblemOnly(TwoProblems):
    every_message_in_summary = False


def test_a_form_lists_every_message_of_a_field_or_only_the_one_the_field_shows() -> None:
    every, first = TwoProblems(), FirstProblemOnly()
    for form in (every, first):
        form.validate()
    assert [entry["text"] for entry in every.error_list()] == ["First problem", "Second problem"]
    assert [entry["text"] for entry in first.error_list()] == ["First problem"]
