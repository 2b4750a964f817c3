"""Forms of the cases feature: every message names the field and says how to put it right."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from wtforms import BooleanField, Field, Form, StringField
from wtforms.validators import ValidationError

from fts_app.cases.dashboard import CaseFilters, Scope, SortOrder, StatusFilter
from fts_app.cases.enums import (
    CheckInResult,
    ConfidentialityLevel,
    Element,
    EscalationTarget,
    FeedbackMethod,
    Route,
    WorkerGroup,
)
from fts_app.cases.intake import NewConcern
from fts_app.choices import Choice
from fts_app.forms import (
    LONG_TEXT,
    SHORT_TEXT,
    CheckboxesField,
    DayMonthYearField,
    PageForm,
    QueryForm,
    RadioChoiceField,
    SelectChoiceField,
    text_field,
    with_blank,
)
from fts_app.security import page_number
from fts_app.template_filters import long_date
from fts_app.timeutil import today_in_london

NARRATIVE_MAX = LONG_TEXT
ENTRY_MAX = 5_000
SHORT_MAX = SHORT_TEXT


def not_in_future(_form: Form, field: DayMonthYearField) -> None:
    """Refuse a date after today."""
    if field.data and field.data > today_in_london():
        raise ValidationError(f"{field.label.text} must be today or in the past")


def not_before_receipt(form: Form, field: DayMonthYearField) -> None:
    """Refuse a date before the concern reached the guardians."""
    received_on: date | None = getattr(form, "received_on_limit", None)
    if field.data and received_on and field.data < received_on:
        raise ValidationError(
            f"{field.label.text} must be on or after the day the concern was received, "
            f"{long_date(received_on)}"
        )


def past_date(label: str, required: str) -> DayMonthYearField:
    """Return a date field for something that already happened, today by default."""
    return DayMonthYearField(
        label,
        required=required,
        default=today_in_london,
        validators=[not_in_future, not_before_receipt],
        description="For example, 15 3 2026",
    )


def required_text(label: str, message: str, maximum: int = ENTRY_MAX, **kw: Any) -> Field:
    """Return a text box that must be filled in, within a length limit."""
    return text_field(label, maximum, message, area=True, **kw)


def optional_text(label: str, maximum: int = ENTRY_MAX, **kw: Any) -> Field:
    """Return a text box that may be left empty, within a length limit."""
    return text_field(label, maximum, area=True, **kw)


class NewCaseForm(PageForm):
    """Log a concern that reached a guardian by any route."""

    #: each field shows one message, and the summary lists just that one
    every_message_in_summary = False

    route = RadioChoiceField(
        "How did the concern reach you?",
        Route.choices(),
        message="Select how the concern reached you",
    )
    received_on = DayMonthYearField(
        "Date raised",
        required="Enter the date the concern was raised",
        default=today_in_london,
        validators=[not_in_future],
        description="For example, 15 3 2026",
    )
    confidentiality = RadioChoiceField(
        "How much of their identity did the person agree to share?",
        ConfidentialityLevel.choices(),
        message="Select how much of their identity the person agreed to share",
    )
    elements = CheckboxesField(
        "What is the concern about?",
        Element.choices(),
        message="Select what the concern is about",
        description="Select all that apply.",
    )
    worker_group = SelectChoiceField(
        "Worker group of the person who spoke up",
        WorkerGroup.choices(),
        message="Select a worker group, or 'Not known'",
        default=WorkerGroup.NOT_KNOWN.value,
    )
    directorate_id = SelectChoiceField(
        "Directorate or site", [], message="Select a directorate or site, or 'Not known'"
    )
    narrative = required_text(
        "What is the concern?",
        "Enter what the concern is",
        NARRATIVE_MAX,
        description="Write what the person told you, in their words where you can.",
    )
    contact_name = text_field("Name (optional)", SHORT_MAX, named="Name")
    contact_details = optional_text(
        "How to contact them (optional)",
        500,
        description="Phone, email or how they prefer to be reached. Kept encrypted.",
    )
    restricted = BooleanField(
        "Restrict this case to the guardians named on it",
        description="For a concern about a colleague: no one else, the lead guardian included, "
        "will see it in lists, searches or counts.",
    )
    give_access_code = BooleanField(
        "Give the person an access code for the online portal",
        description="They can then read your messages and reply online. "
        "The code is shown once, on the next page.",
    )

    def concern(self) -> NewConcern:
        """Return what was entered as a concern to open."""
        return NewConcern(
            route=Route(self.route.data),
            confidentiality=ConfidentialityLevel(self.confidentiality.data),
            received_on=self.received_on.data,
            narrative=self.narrative.data.strip(),
            elements=[Element(value) for value in self.elements.data],
            worker_group=WorkerGroup(self.worker_group.data),
            directorate_id=int(self.directorate_id.data) if self.directorate_id.data else None,
            contact_name=(self.contact_name.data or "").strip() or None,
            contact_details=(self.contact_details.data or "").strip() or None,
            restricted=self.restricted.data,
        )

    def set_directorates(self, directorates: Iterable[tuple[int, str]]) -> None:
        """Offer the active directorates, with 'Not known' first."""
        self.directorate_id.set_options(
            with_blank("Not known", ((str(key), name) for key, name in directorates))
        )

    def validate_contact_name(self, field: StringField) -> None:
        """An anonymous concern has no name or contact details."""
        anonymous = self.confidentiality.data == ConfidentialityLevel.ANONYMOUS.value
        if anonymous and ((field.data or "").strip() or (self.contact_details.data or "").strip()):
            raise ValidationError(
                "Leave the name and contact details empty for an anonymous concern"
            )


class CaseEntryForm(PageForm):
    """A form about one case; dates in it cannot fall before the concern was received."""

    #: each field shows one message, and the summary lists just that one
    every_message_in_summary = False

    received_on_limit: date | None = None

    def for_case(self, received_on: date) -> CaseEntryForm:
        """Check dates against the day this case was received."""
        self.received_on_limit = received_on
        return self


class AcknowledgeForm(CaseEntryForm):
    """Record that the person was thanked and told what happens next."""

    acknowledged_on = past_date("Date acknowledged", "Enter the date you acknowledged the concern")
    note = optional_text(
        "Note (optional)", description="For example, what you told them happens next."
    )


class NoteForm(CaseEntryForm):
    """Add a note."""

    body = required_text("Note", "Enter the note")


class ActionForm(CaseEntryForm):
    """Record something done about the concern."""

    body = required_text("What was done?", "Enter what was done")
    done_on = past_date("Date done", "Enter the date it was done")


class EscalationForm(CaseEntryForm):
    """Record an escalation or a referral: to whom and why."""

    target = RadioChoiceField(
        "Who was it passed to?", EscalationTarget.choices(), message="Select who it was passed to"
    )
    reason = required_text("Why?", "Enter why")
    happened_on = past_date("Date", "Enter the date")


class FeedbackForm(CaseEntryForm):
    """Record feedback given to the person."""

    given_on = past_date("Date feedback was given", "Enter the date feedback was given")
    method = RadioChoiceField(
        "How was feedback given?", FeedbackMethod.choices(), message="Select how feedback was given"
    )
    summary = required_text("Summary of the feedback", "Enter a summary of the feedback")


class FeedbackNotPossibleForm(CaseEntryForm):
    """Record why feedback could not be given."""

    reason = required_text(
        "Why could feedback not be given?",
        "Enter why feedback could not be given",
        description="For example, an anonymous letter with no way to reply.",
    )
    decided_on = past_date(
        "Date you found it could not be given", "Enter the date you found it could not be given"
    )


class DetrimentForm(CaseEntryForm):
    """Record detriment the person reported, and what was done."""

    what_reported = required_text("What did the person report?", "Enter what the person reported")
    action_taken = required_text("What was done about it?", "Enter what was done about it")
    reported_on = past_date("Date reported", "Enter the date it was reported")


class IdentityDisclosureForm(CaseEntryForm):
    """Record a disclosure of the person's identity, with its reason."""

    to_whom = text_field(
        "Who was their identity disclosed to?",
        SHORT_MAX,
        "Enter who their identity was disclosed to",
        named="This",
    )
    reason = required_text(
        "Why was it disclosed?",
        "Enter why their identity was disclosed",
        description="For example, consent given, or a risk of serious harm.",
    )
    disclosed_on = past_date("Date disclosed", "Enter the date it was disclosed")


class CheckInForm(CaseEntryForm):
    """Record the detriment check-in after closure."""

    closed_on_limit: date | None = None
    checked_on = past_date("Date of the check-in", "Enter the date of the check-in")
    result = RadioChoiceField(
        "What did the person say?", CheckInResult.choices(), message="Select what the person said"
    )
    summary = optional_text("Notes (optional)")

    def validate_checked_on(self, field: DayMonthYearField) -> None:
        """Refuse a check-in before the case closed."""
        closed_on = self.closed_on_limit
        if field.data and closed_on and field.data < closed_on:
            raise ValidationError(
                f"{field.label.text} must be on or after the day the case was closed, "
                f"{long_date(closed_on)}"
            )


class MessageForm(CaseEntryForm):
    """Write to the person who spoke up."""

    body = required_text(
        "Message",
        "Enter the message",
        description="The person reads this on their follow-up page with their access code.",
    )


class CloseForm(CaseEntryForm):
    """Close the case with its outcome and learning."""

    outcome = required_text("Outcome", "Enter the outcome")
    learning = required_text("Learning", "Enter the learning")
    open_actions = optional_text(
        "Actions still open (optional)", description="Who is doing what, and by when."
    )


class ReopenForm(CaseEntryForm):
    """Reopen a closed case."""

    reason = required_text("Why are you reopening the case?", "Enter why you are reopening it")


class GuardianChoiceForm(CaseEntryForm):
    """Choose a guardian to assign or share the case with."""

    guardian_id = SelectChoiceField("Guardian", [], message="Select a guardian")

    def offer(self, guardians: Iterable[tuple[int, str]]) -> GuardianChoiceForm:
        """Offer these guardians."""
        self.guardian_id.set_options((str(user_id), name) for user_id, name in guardians)
        return self


RESTRICTION_CHOICES = [
    ("yes", "Only the guardians named on this case"),
    ("no", "Its guardians and the lead guardian, as usual"),
]


class RestrictionForm(CaseEntryForm):
    """Restrict the case to its named guardians, or lift that."""

    restricted = RadioChoiceField(
        "Who should be able to open this case?",
        RESTRICTION_CHOICES,
        message="Select who should be able to open this case",
    )


EXPORT_IDENTITY_CHOICES = [
    ("redacted", "Leave out the person's identity"),
    ("included", "Include the person's identity"),
]


class ExportForm(CaseEntryForm):
    """Export the case as a PDF."""

    identity = RadioChoiceField(
        "Identity",
        EXPORT_IDENTITY_CHOICES,
        message="Select whether to include the person's identity",
        default="redacted",
        description="Including it is recorded in the audit trail.",
    )


def any_or(choices: type[Choice]) -> list[tuple[str, str]]:
    """Return a filter's options: 'Any' first, then each choice."""
    return with_blank("Any", choices.choices())


class DashboardFiltersForm(QueryForm):
    """The case list's filters, read from the address so a filtered list can be bookmarked."""

    #: each field shows one message, and the summary lists just that one
    every_message_in_summary = False

    status = SelectChoiceField(
        "Status",
        StatusFilter.choices(),
        message="Select a status from the list",
        default=StatusFilter.ALL.value,
    )
    scope = SelectChoiceField(
        "Cases", Scope.choices(), message="Select which cases to show", default=Scope.ALL.value
    )
    element = SelectChoiceField(
        "Element",
        any_or(Element),
        message="Select an element from the list",
        default="",
    )
    route = SelectChoiceField(
        "Route", any_or(Route), message="Select a route from the list", default=""
    )
    worker_group = SelectChoiceField(
        "Worker group",
        any_or(WorkerGroup),
        message="Select a worker group from the list",
        default="",
    )
    directorate = SelectChoiceField(
        "Directorate or site", [], message="Select a directorate or site from the list", default=""
    )
    confidentiality = SelectChoiceField(
        "Confidentiality",
        any_or(ConfidentialityLevel),
        message="Select a confidentiality level from the list",
        default="",
    )
    received_from = StringField("Received from")
    received_to = StringField("Received to")
    reference = text_field(
        "Reference", 20, description="All or part of it, for example FTSU-2026-0042 or 0042"
    )
    overdue = BooleanField("Only overdue cases")
    unread = BooleanField("Only cases with unread messages")
    sort = SelectChoiceField(
        "Sort by",
        SortOrder.choices(),
        message="Select an order from the list",
        default=SortOrder.NEWEST.value,
    )
    page = StringField("Page")

    def filters(self) -> CaseFilters:
        """Return the chosen filters; call once the form has validated."""
        return CaseFilters(
            status=StatusFilter(self.status.data),
            scope=Scope(self.scope.data),
            element=Element.parse(self.element.data),
            route=Route.parse(self.route.data),
            worker_group=WorkerGroup.parse(self.worker_group.data),
            directorate_id=int(self.directorate.data) if self.directorate.data else None,
            confidentiality=ConfidentialityLevel.parse(self.confidentiality.data),
            received_from=_iso_date(self.received_from.data),
            received_to=_iso_date(self.received_to.data),
            reference=(self.reference.data or "").strip(),
            overdue_only=bool(self.overdue.data),
            unread_only=bool(self.unread.data),
            sort=SortOrder(self.sort.data),
        )

    def page_number(self) -> int:
        """Return the page asked for, or the first page for anything that is not a number."""
        return page_number(self.page.data)

    def set_directorates(self, directorates: Iterable[tuple[int, str]]) -> None:
        """Offer every directorate, active or not, since old cases keep theirs."""
        self.directorate.set_options(
            with_blank("Any", ((str(key), name) for key, name in directorates))
        )

    def validate_received_from(self, field: StringField) -> None:
        """A start date must be a real date written as the browser's date box writes it."""
        _check_iso_date(field)

    def validate_received_to(self, field: StringField) -> None:
        """An end date must be a real date, on or after the start date."""
        _check_iso_date(field)
        start, end = _iso_date(self.received_from.data), _iso_date(field.data)
        if start and end and end < start:
            raise ValidationError("Received to must be the same as or after received from")


def _iso_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _check_iso_date(field: StringField) -> None:
    if field.data and _iso_date(field.data) is None:
        raise ValidationError(f"{field.label.text} must be a real date, like 2026-03-15")
