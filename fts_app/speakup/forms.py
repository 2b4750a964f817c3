"""The portal's forms: what each question accepts and what it says when an answer is wrong.

Answers are kept exactly as written. The one thing refused is a NUL character, which the
database cannot hold, so it is turned back with a message rather than quietly dropped.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any, ClassVar

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from fts_app.cases.access_codes import is_access_code
from fts_app.cases.enums import ConfidentialityLevel, Element, Route, SpeakUpAgain, WorkerGroup
from fts_app.cases.services import NewConcern
from fts_app.choices import Choice
from fts_app.speakup.enums import (
    AgeBand,
    DetrimentAnswer,
    Disability,
    Ethnicity,
    Harm,
    RaisedBefore,
    RaisedWith,
    Religion,
    Sex,
    SexualOrientation,
)
from fts_app.speakup.equality import EqualityAnswers
from fts_app.speakup.services import is_reference
from fts_app.timeutil import today_in_london

LONG_TEXT = 10_000
SHORT_TEXT = 200
CSRF_MESSAGE = (
    "Your answers could not be sent safely, because the page was open for a long time or the "
    "browser blocked a cookie. Check your answers and send them again."
)


def _refuse_nul(_form: FlaskForm, field: Field) -> None:
    if "\x00" in (field.data or ""):
        raise ValidationError(
            f"{field.label.text} contains a hidden character (NUL) that cannot be saved. "
            "Type that part again instead of pasting it."
        )


def text_answer(label: str, max_length: int, required: str | None = None) -> StringField:
    """Return a text question: optional unless `required` gives the message for a blank one."""
    presence = DataRequired(required) if required else Optional()
    too_long = f"{label} must be {max_length:,} characters or fewer"
    return StringField(label, [presence, Length(max=max_length, message=too_long), _refuse_nul])


class KnownChoices:
    """Accept only values of one enumeration (one value, or a list of them)."""

    def __init__(self, choice: type[Choice], message: str) -> None:
        self.allowed = {member.value for member in choice}
        self.message = message

    def __call__(self, _form: FlaskForm, field: Field) -> None:
        values = field.data if isinstance(field.data, list) else [field.data]
        if any(value not in self.allowed for value in values if value):
            raise ValidationError(self.message)


def choice_answer(label: str, choice: type[Choice], required: str | None = None) -> StringField:
    """Return a one-answer question over an enumeration; blank allowed unless `required`."""
    presence = DataRequired(required) if required else Optional()
    unknown = KnownChoices(choice, f"Choose one of the answers listed for: {label}")
    return StringField(label, [presence, unknown])


def choices_answer(label: str, choice: type[Choice]) -> SelectMultipleField:
    """Return an optional question where any number of an enumeration's answers may be ticked."""
    unknown = KnownChoices(choice, f"Choose only from the answers listed for: {label}")
    return SelectMultipleField(label, validate_choice=False, validators=[unknown])


class PortalForm(FlaskForm):
    """A portal form whose errors feed the NHS error summary, the form token's included."""

    #: put before each field's name and id (with a dash), so forms sharing a page share no ids
    field_prefix: ClassVar[str] = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix=self.field_prefix, **kwargs)

    def error_list(self) -> list[dict[str, str]]:
        """Return the summary's entries in page order, each linking to its question."""
        entries = []
        for field in self:
            for message in field.errors:
                if field.short_name == "csrf_token":
                    entries.append({"text": CSRF_MESSAGE, "href": f"#{self.first_field_id}"})
                else:
                    entries.append({"text": message, "href": f"#{self.anchor_of(field)}"})
        return entries

    @property
    def first_field_id(self) -> str:
        """Return the id of the first question, where a form-wide error points."""
        return next(field.id for field in self if field.short_name != "csrf_token")

    def anchor_of(self, field: Field) -> str:
        """Return the id the summary links to for a field (the first input of a group)."""
        return field.id


class ConcernForm(PortalForm):
    """Raise a concern: /speak-up/new."""

    narrative = text_answer("What happened", LONG_TEXT, "Tell us what happened")
    directorate = StringField("Directorate or site")
    location = text_answer("Where it happened", SHORT_TEXT)
    when_day = StringField("Day")
    when_month = StringField("Month")
    when_year = StringField("Year")
    when_description = text_answer("When it happened", SHORT_TEXT)
    harm = choice_answer("Was anyone harmed, or could they be?", Harm)
    harm_details = text_answer("About the harm", LONG_TEXT)
    raised_before = choice_answer("Have you raised this before?", RaisedBefore)
    raised_with = choices_answer("Who you raised it with", RaisedWith)
    raised_before_details = text_answer("What happened when you raised it", LONG_TEXT)
    outcome_hoped = text_answer("What you would like to happen", LONG_TEXT)
    elements = choices_answer("What your concern is about", Element)
    worker_group = choice_answer("Your staff group", WorkerGroup)
    confidentiality = choice_answer(
        "How you want to raise your concern",
        ConfidentialityLevel,
        "Choose how you want to raise your concern: openly, confidentially or anonymously",
    )
    contact_name = text_answer("Your name", SHORT_TEXT)
    contact_details = text_answer("How to contact you", SHORT_TEXT)
    ethnicity = choice_answer("Ethnic group", Ethnicity)
    disability = choice_answer("Disability", Disability)
    sex = choice_answer("Sex", Sex)
    sexual_orientation = choice_answer("Sexual orientation", SexualOrientation)
    religion = choice_answer("Religion or belief", Religion)
    age_band = choice_answer("Age", AgeBand)
    #: one-off id of this copy of the form, so sending it twice does not open two cases
    form_id = HiddenField(default=lambda: secrets.token_urlsafe(16))

    def __init__(self, *args: Any, directorates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: the active directorates as (id, name), offered in the directorate question
        self.directorates = directorates
        self.when_happened_on: date | None = None

    def anchor_of(self, field: Field) -> str:
        """Point date errors at the day box, where the date question starts."""
        return self.when_day.id if field in (self.when_month, self.when_year) else field.id

    def validate_directorate(self, field: Field) -> None:
        """Accept only a directorate from the list, or none."""
        if field.data and field.data not in {value for value, _ in self.directorates}:
            raise ValidationError("Choose a directorate or site from the list, or leave it blank")

    def validate(self, extra_validators: Any = None) -> bool:
        """Check each answer, then the questions that depend on each other."""
        valid = super().validate(extra_validators)
        for field, problem in (
            (self.when_year, self._date_problem()),
            (self.contact_name, self._contact_problem()),
        ):
            if problem:
                field.errors.append(problem)
                valid = False
        return valid

    def _date_problem(self) -> str | None:
        day, month, year = (
            (part.data or "").strip() for part in (self.when_day, self.when_month, self.when_year)
        )
        if not (day or month or year):
            return None
        if not (month and year):
            return (
                "Enter the month and year it happened, with the day if you know it, "
                "or leave the date blank"
            )
        try:
            self.when_happened_on = date(int(year), int(month), int(day) if day else 1)
        except (ValueError, OverflowError):  # a 400-digit month overflows
            return "Enter a real date, for example 14 9 2026"
        if self.when_happened_on > today_in_london():
            return "The date it happened must be today or in the past"
        return None

    def _contact_problem(self) -> str | None:
        chosen = self.confidentiality.data
        given = bool(self.contact_name.data or self.contact_details.data)
        if chosen == ConfidentialityLevel.ANONYMOUS.value and given:
            return (
                "You chose to stay anonymous, so leave your name and contact details empty, "
                "or choose to raise your concern confidentially"
            )
        named = bool((self.contact_name.data or "").strip())
        if chosen and chosen != ConfidentialityLevel.ANONYMOUS.value and not named:
            return (
                "Enter your name, so the guardian knows who you are. "
                "If you do not want to give it, choose to raise your concern anonymously"
            )
        return None

    def to_concern(self) -> NewConcern:
        """Return the answers as a new concern from the portal."""
        return NewConcern(
            route=Route.ONLINE_PORTAL,
            confidentiality=ConfidentialityLevel(self.confidentiality.data),
            received_on=today_in_london(),
            narrative=self.narrative.data,
            elements=[Element(value) for value in self.elements.data or []],
            worker_group=WorkerGroup.parse(self.worker_group.data) or WorkerGroup.NOT_KNOWN,
            directorate_id=int(self.directorate.data) if self.directorate.data else None,
            location=self.location.data or None,
            when_happened=self._when_happened(),
            harm=_with_details(Harm.parse(self.harm.data), self.harm_details.data),
            raised_before=self._raised_before(),
            outcome_hoped=self.outcome_hoped.data or None,
            contact_name=self.contact_name.data or None,
            contact_details=self.contact_details.data or None,
        )

    def equality_answers(self) -> EqualityAnswers:
        """Return the equality answers, which are stored apart from the concern."""
        return EqualityAnswers(
            ethnicity=Ethnicity.parse(self.ethnicity.data),
            disability=Disability.parse(self.disability.data),
            sex=Sex.parse(self.sex.data),
            sexual_orientation=SexualOrientation.parse(self.sexual_orientation.data),
            religion=Religion.parse(self.religion.data),
            age_band=AgeBand.parse(self.age_band.data),
        )

    def _when_happened(self) -> str | None:
        day = self.when_happened_on
        shown = None
        if day is not None:
            has_day = bool((self.when_day.data or "").strip())
            shown = f"{day.day} {day:%B %Y}" if has_day else f"{day:%B %Y}"
        return _joined(shown, self.when_description.data)

    def _raised_before(self) -> str | None:
        who = [RaisedWith(value).label for value in self.raised_with.data or []]
        answer = RaisedBefore.parse(self.raised_before.data)
        summary = answer.label if answer else None
        if who:
            summary = _joined(summary, "With: " + "; ".join(who))
        return _joined(summary, self.raised_before_details.data)


def _joined(*parts: str | None) -> str | None:
    kept = [part for part in parts if part]
    return "\n\n".join(kept) or None


def _with_details(answer: Choice | None, details: str | None) -> str | None:
    return _joined(answer.label if answer else None, details)


class FollowUpSignInForm(PortalForm):
    """Open one's own case with its reference and access code."""

    reference = text_answer("Case reference", SHORT_TEXT, "Enter your case reference")
    access_code = text_answer("Access code", SHORT_TEXT, "Enter your access code")
    #: a reply written before the 15 minutes ran out, sent once the code is entered again
    pending_reply = text_answer("Your message (not sent yet)", LONG_TEXT)

    def validate_reference(self, field: Field) -> None:
        """Check the shape only; whether it exists is never told apart from a wrong code."""
        if not is_reference(field.data):
            raise ValidationError("Enter your case reference as it was shown, like FTSU-2026-0042")

    def validate_access_code(self, field: Field) -> None:
        """Check the shape only: 20 digits, with or without spaces."""
        if not is_access_code(field.data):
            raise ValidationError("Enter all 20 digits of your access code")


class ReplyForm(PortalForm):
    """Write to the guardian."""

    body = text_answer("Your message", LONG_TEXT, "Write your message")


class SpeakUpAgainForm(PortalForm):
    """The national feedback question, asked once the case is closed."""

    field_prefix = "speak-up-again"
    answer = choice_answer(
        "Given your experience, would you speak up again?",
        SpeakUpAgain,
        "Choose an answer to: would you speak up again?",
    )
    comment = text_answer("Anything you would like to add", LONG_TEXT)


class CheckInForm(PortalForm):
    """The check-in some months after closure."""

    field_prefix = "check-in"
    answer = choice_answer(
        "Have you been treated badly because you spoke up?",
        DetrimentAnswer,
        "Choose an answer to: have you been treated badly because you spoke up?",
    )
    details = text_answer("What happened", LONG_TEXT)
