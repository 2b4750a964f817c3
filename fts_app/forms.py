"""The field kit every form is built from, drawn by the macros of `templates/_forms.html`.

A form says what each question accepts and what it says when an answer is wrong; its errors feed
the NHS error summary, each linking to the question it is about. The kit sits in the bottom layer
(README "Layers"), so it knows nothing of any feature's enumerations: choices come in as
(value, label) pairs, such as `Choice.choices()` gives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, ClassVar

from flask_wtf import FlaskForm
from wtforms import (
    Field,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms import Form as QueryStringForm
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

#: the longest answer a long text question takes, such as a concern or a message
LONG_TEXT = 10_000
#: the longest answer a short text question takes, such as a name or a place
SHORT_TEXT = 200
DATE_PARTS = ("day", "month", "year")


class SummarisedErrors:
    """What the error summary lists: each problem, linking to the question it is about."""

    #: said in the summary when the form's own token check fails; None where the app-wide
    #: check (`fts_app/errors.py`) refuses the request before the form sees it
    csrf_message: ClassVar[str | None] = None
    #: list each of a field's messages, or only the first, which the field itself shows
    every_message_in_summary: ClassVar[bool] = True

    def error_list(self) -> list[dict[str, str]]:
        """Return the summary's entries in page order, each linking to its question."""
        entries = []
        for field in self:  # type: ignore[attr-defined]  # the WTForms form mixed in
            messages = field.errors if self.every_message_in_summary else field.errors[:1]
            for message in messages:
                if field.type != "CSRFTokenField":
                    entries.append({"text": message, "href": f"#{self.anchor_of(field)}"})
                elif self.csrf_message:
                    entries.append({"text": self.csrf_message, "href": f"#{self.first_field_id}"})
        return entries

    @property
    def first_field_id(self) -> str:
        """Return the id of the first question, where a form-wide error points."""
        fields = iter(self)  # type: ignore[call-overload]
        return next(field.id for field in fields if field.type != "CSRFTokenField")

    def anchor_of(self, field: Field) -> str:
        """Return the id the summary links to for a field (the first box of a date)."""
        return field.summary_anchor if isinstance(field, DayMonthYearField) else field.id


class PageForm(SummarisedErrors, FlaskForm):
    """A form posted from a page, carrying its CSRF token."""


class QueryForm(SummarisedErrors, QueryStringForm):
    """A form read from the address, such as a list's filters: nothing is changed, so no token."""


def show_error(form: QueryStringForm, message: str, field_name: str | None) -> None:
    """Put a service's message on the field it is about, or else on the form's first field."""
    visible = [field for field in form if field.type not in {"CSRFTokenField", "HiddenField"}]
    field = form[field_name] if field_name and field_name in form else visible[0]
    field.errors = [*field.errors, message]


# Text


def too_long(name: str, maximum: int) -> Length:
    """Refuse more than `maximum` characters, saying so with the question's name."""
    return Length(max=maximum, message=f"{name} must be {maximum:,} characters or fewer")


def refuse_nul(_form: QueryStringForm, field: Field) -> None:
    """Refuse a NUL character, which the database cannot hold, rather than drop it quietly."""
    if "\x00" in (field.data or ""):
        raise ValidationError(
            f"{field.label.text} contains a hidden character (NUL) that cannot be saved. "
            "Type that part again instead of pasting it."
        )


def text_field(
    label: str,
    maximum: int,
    required: str | None = None,
    *,
    area: bool = False,
    named: str | None = None,
    checks: Iterable[Callable[..., None]] = (),
    **kw: Any,
) -> StringField:
    """Return a text question: optional unless `required` gives the message for a blank one.

    `area` makes it a text box of several lines; `named` is what its length message calls it
    when the label would read badly there; `checks` run after the length limit.
    """
    presence = DataRequired(required) if required else Optional()
    kind = TextAreaField if area else StringField
    return kind(label, [presence, too_long(named or label, maximum), *checks], **kw)


# Choices


def with_blank(text: str, options: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Return the options with a blank answer first, such as "Any" or "Prefer not to say"."""
    return [("", text), *options]


class ChoiceOptions:
    """Choices kept as (value, label) pairs, in order; WTForms is given them as a dict.

    One message covers both nothing chosen and a value not on the list, unless `required`
    gives another for nothing chosen; an `optional` question may be left blank.
    """

    options: list[tuple[str, str]]
    choices: Any
    data: Any

    def __init__(
        self,
        label: str,
        options: Iterable[tuple[str, str]],
        *,
        message: str,
        required: str | None = None,
        optional: bool = False,
        **kw: Any,
    ):
        # a mixin: super() is the WTForms field it is mixed into, which mypy cannot know
        super().__init__(label, **kw)  # type: ignore[call-arg]
        self.set_options(options)
        self.message = message
        self.required_message = required or message
        self.optional = optional

    def set_options(self, options: Iterable[tuple[str, str]]) -> None:
        """Offer these options, in this order."""
        self.options = list(options)
        self.choices = dict(self.options)

    def known(self) -> set[str]:
        """Return the values on offer."""
        return {value for value, _label in self.options}

    def pre_validate(self, form: QueryStringForm) -> None:
        """Refuse an unknown choice, and an empty one unless the question is optional."""
        if self.data in self.known():
            return
        if self.data in (None, ""):
            if not self.optional:
                raise StopValidation(self.required_message)
            return
        raise StopValidation(self.message)


class RadioChoiceField(ChoiceOptions, RadioField):
    """Radios offering one choice from a list."""


class SelectChoiceField(ChoiceOptions, SelectField):
    """A drop-down offering one choice from a list."""


class CheckboxesField(ChoiceOptions, SelectMultipleField):
    """Checkboxes, each from the list; at least one ticked unless the question is optional."""

    def pre_validate(self, form: QueryStringForm) -> None:
        """Refuse nothing ticked (unless optional) or a value not on the list."""
        ticked = {value for value in self.data or [] if value}
        if not ticked:
            if not self.optional:
                raise StopValidation(self.required_message)
            return
        if not ticked <= self.known():
            raise StopValidation(self.message)


# Dates


class DayMonthYearField(Field):
    """A date typed into the NHS date input's three boxes: name-day, name-month, name-year.

    `required` is said when all three are blank (None lets them be); `separator` joins the
    field's name to each box's; with `day_optional` a month and year alone mean the month's
    first day. `incomplete` and `impossible` replace the messages naming the missing part and
    the date that does not exist.
    """

    def __init__(
        self,
        label: str,
        *,
        required: str | None,
        separator: str = "-",
        day_optional: bool = False,
        incomplete: str | None = None,
        impossible: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, **kwargs)
        self.required_message = required
        self.separator = separator
        self.day_optional = day_optional
        self.incomplete_message = incomplete
        self.impossible_message = impossible
        self.typed = dict.fromkeys(DATE_PARTS, "")

    def part_name(self, part: str) -> str:
        """Return the name and id of one of the three boxes."""
        return f"{self.name}{self.separator}{part}"

    @property
    def summary_anchor(self) -> str:
        """Return the id of the day box, where the date question starts."""
        return self.part_name("day")

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        """Read the three boxes; the date is None until they make a real one."""
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = data
        self.data = data
        if isinstance(data, date):
            self.typed = {"day": str(data.day), "month": str(data.month), "year": str(data.year)}
        if formdata is None:
            return
        self.typed = {part: formdata.get(self.part_name(part), "").strip() for part in DATE_PARTS}
        self.raw_data = list(self.typed.values())
        typed = self.typed
        if self.day_optional and not typed["day"]:
            typed = {**typed, "day": "1"}
        self.data = _real_date(typed)

    def pre_validate(self, form: QueryStringForm) -> None:
        """Say what is missing or impossible about the typed date."""
        if not any(self.typed.values()):
            if self.required_message is None:
                raise StopValidation()
            raise StopValidation(self.required_message)
        needed = DATE_PARTS[1:] if self.day_optional else DATE_PARTS
        missing = [part for part in needed if not self.typed[part]]
        if missing:
            raise StopValidation(
                self.incomplete_message or f"{self.label.text} must include a {missing[0]}"
            )
        if self.data is None:
            raise StopValidation(
                self.impossible_message or f"{self.label.text} must be a real date"
            )


def _real_date(typed: dict[str, str]) -> date | None:
    if not all(typed[part].isdigit() for part in DATE_PARTS) or len(typed["year"]) != 4:
        return None
    try:
        return date(int(typed["year"]), int(typed["month"]), int(typed["day"]))
    except (ValueError, OverflowError):  # a 400-digit month overflows
        return None
