"""The portal's forms: what each question accepts and what it says when an answer is wrong.

Answers are kept exactly as written. The one thing refused is a NUL character, which the
database cannot hold, so it is turned back with a message rather than quietly dropped.
"""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from wtforms import Field, HiddenField, StringField
from wtforms.validators import ValidationError

from fts_app.cases.access_codes import is_access_code
from fts_app.cases.enums import ConfidentialityLevel, Element, Route, SpeakUpAgain, WorkerGroup
from fts_app.cases.intake import NewConcern
from fts_app.choices import Choice
from fts_app.forms import (
    LONG_TEXT,
    SHORT_TEXT,
    CheckboxesField,
    DayMonthYearField,
    PageForm,
    RadioChoiceField,
    SelectChoiceField,
    refuse_nul,
    text_field,
    with_blank,
)
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
from fts_app.template_filters import long_date, month_year
from fts_app.timeutil import today_in_london

CSRF_MESSAGE = (
    "Your answers could not be sent safely, because the page was open for a long time or the "
    "browser blocked a cookie. Check your answers and send them again."
)
NOT_ANSWERED = "Not answered"


def text_answer(label: str, max_length: int, required: str | None = None) -> StringField:
    """Return a text question: optional unless `required` gives the message for a blank one."""
    return text_field(label, max_length, required, checks=[refuse_nul])


def choice_answer(
    kind: type[RadioChoiceField | SelectChoiceField],
    label: str,
    options: list[tuple[str, str]],
    required: str | None = None,
) -> RadioChoiceField | SelectChoiceField:
    """Return a one-answer question over these options; blank allowed unless `required`."""
    return kind(
        label,
        options,
        message=f"Choose one of the answers listed for: {label}",
        required=required,
        optional=required is None,
    )


def choices_answer(label: str, choice: type[Choice]) -> CheckboxesField:
    """Return an optional question where any number of an enumeration's answers may be ticked."""
    return CheckboxesField(
        label,
        choice.choices(),
        message=f"Choose only from the answers listed for: {label}",
        optional=True,
    )


def equality_question(label: str, choice: type[Choice]) -> SelectChoiceField:
    """Return an equality question: a drop-down that starts on "Not answered"."""
    return choice_answer(SelectChoiceField, label, with_blank(NOT_ANSWERED, choice.choices()))


def _not_in_future(_form: PageForm, field: DayMonthYearField) -> None:
    if field.data and field.data > today_in_london():
        raise ValidationError("The date it happened must be today or in the past")


class PortalForm(PageForm):
    """A portal form, which checks its own token and says so in the error summary if it fails."""

    csrf_message = CSRF_MESSAGE
    #: put before each field's name and id (with a dash), so forms sharing a page share no ids
    field_prefix: ClassVar[str] = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix=self.field_prefix, **kwargs)


class ConcernForm(PortalForm):
    """Raise a concern: /speak-up/new."""

    narrative = text_answer("What happened", LONG_TEXT, "Tell us what happened")
    directorate = SelectChoiceField(
        "Directorate or site",
        [],
        message="Choose a directorate or site from the list, or leave it blank",
        optional=True,
    )
    location = text_answer("Where it happened", SHORT_TEXT)
    when = DayMonthYearField(
        "When it happened",
        required=None,
        separator="_",
        day_optional=True,
        incomplete="Enter the month and year it happened, with the day if you know it, "
        "or leave the date blank",
        impossible="Enter a real date, for example 14 9 2026",
        validators=[_not_in_future],
    )
    when_description = text_answer("When it happened", SHORT_TEXT)
    harm = choice_answer(RadioChoiceField, "Was anyone harmed, or could they be?", Harm.choices())
    harm_details = text_answer("About the harm", LONG_TEXT)
    raised_before = choice_answer(
        RadioChoiceField, "Have you raised this before?", RaisedBefore.choices()
    )
    raised_with = choices_answer("Who you raised it with", RaisedWith)
    raised_before_details = text_answer("What happened when you raised it", LONG_TEXT)
    outcome_hoped = text_answer("What you would like to happen", LONG_TEXT)
    elements = choices_answer("What your concern is about", Element)
    worker_group = choice_answer(
        SelectChoiceField,
        "Your staff group",
        with_blank("Prefer not to say", WorkerGroup.choices()),
    )
    confidentiality = choice_answer(
        RadioChoiceField,
        "How you want to raise your concern",
        ConfidentialityLevel.choices(),
        "Choose how you want to raise your concern: openly, confidentially or anonymously",
    )
    contact_name = text_answer("Your name", SHORT_TEXT)
    contact_details = text_answer("How to contact you", SHORT_TEXT)
    ethnicity = equality_question("Ethnic group", Ethnicity)
    disability = equality_question("Disability", Disability)
    sex = equality_question("Sex", Sex)
    sexual_orientation = equality_question("Sexual orientation", SexualOrientation)
    religion = equality_question("Religion or belief", Religion)
    age_band = equality_question("Age", AgeBand)
    #: one-off id of this copy of the form, so sending it twice does not open two cases
    form_id = HiddenField(default=lambda: secrets.token_urlsafe(16))

    def __init__(self, *args: Any, directorates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: the active directorates as (id, name), offered in the directorate question
        self.directorates = directorates
        self.directorate.set_options(with_blank("Not sure, or prefer not to say", directorates))

    def validate(self, extra_validators: Any = None) -> bool:
        """Check each answer, then the questions that depend on each other."""
        valid = super().validate(extra_validators)
        problem = self._contact_problem()
        if problem:
            self.contact_name.errors.append(problem)
            valid = False
        return valid

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
        day = self.when.data
        shown = None
        if day is not None:
            has_day = bool(self.when.typed["day"])
            shown = long_date(day) if has_day else month_year(day)
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


class SignOutForm(PortalForm):
    """Sign out of the case: only the form's token, so no other site can end a session."""

    field_prefix = "sign-out"


class ReplyForm(PortalForm):
    """Write to the guardian."""

    body = text_answer("Your message", LONG_TEXT, "Write your message")


class SpeakUpAgainForm(PortalForm):
    """The national feedback question, asked once the case is closed."""

    field_prefix = "speak-up-again"
    answer = choice_answer(
        RadioChoiceField,
        "Given your experience, would you speak up again?",
        SpeakUpAgain.choices(),
        "Choose an answer to: would you speak up again?",
    )
    comment = text_answer("Anything you would like to add", LONG_TEXT)


class CheckInForm(PortalForm):
    """The check-in some months after closure."""

    field_prefix = "check-in"
    answer = choice_answer(
        RadioChoiceField,
        "Have you been treated badly because you spoke up?",
        DetrimentAnswer.choices(),
        "Choose an answer to: have you been treated badly because you spoke up?",
    )
    details = text_answer("What happened", LONG_TEXT)
