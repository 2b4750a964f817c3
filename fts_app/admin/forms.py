"""Forms of the admin pages."""

from __future__ import annotations

from typing import Any

from wtforms import IntegerField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from fts_app.admin.models import DEFAULT_SUPPRESSION_THRESHOLD
from fts_app.admin.services import SETTING_RANGES
from fts_app.auth.enums import Role
from fts_app.forms import PageForm

CHOOSE_HIDDEN_COUNTS = "Choose which small counts to hide in board reports"
#: no setting comes near this; larger typed numbers are refused before any range check
LARGEST_TYPED_NUMBER = 10**6


class WholeNumberField(IntegerField):
    """A whole number whose parse error names the field in plain English."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Read the number, or explain that it must be a whole number."""
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(f"{self.label.text} must be a whole number, like 5") from error
        if self.data is not None and abs(self.data) > LARGEST_TYPED_NUMBER:
            # The range check compares as floats, which a number this long would overflow.
            self.data = None
            raise ValueError(f"{self.label.text} is far too large")


def _setting(name: str, label: str, hint: str) -> WholeNumberField:
    lowest, highest = SETTING_RANGES[name]
    return WholeNumberField(
        label,
        description=hint,
        validators=[
            InputRequired(f"Enter {label[0].lower()}{label[1:]}"),
            NumberRange(
                min=lowest,
                max=highest,
                message=f"{label} must be between {lowest} and {highest}",
            ),
        ],
    )


def _threshold_choices() -> list[SelectChoice]:
    """Offer each threshold as the counts it hides, such as "Hide counts from 1 to 4"."""
    lowest, highest = SETTING_RANGES["suppression_threshold"]
    return [
        SelectChoice(
            threshold,  # an int: the field coerces to int, as the column holds it
            f"Hide counts from 1 to {threshold - 1}"
            + (" (the default)" if threshold == DEFAULT_SUPPRESSION_THRESHOLD else ""),
        )
        for threshold in range(lowest, highest + 1)
    ]


class SettingsForm(PageForm):
    """Organisation-wide settings."""

    organisation_name = StringField(
        "Organisation name",
        validators=[DataRequired("Enter the organisation's name"), Length(max=200)],
    )
    acknowledge_working_days = _setting(
        "acknowledge_working_days",
        "Working days to acknowledge a concern",
        "Weekends and bank holidays in England and Wales are not counted.",
    )
    first_feedback_days = _setting(
        "first_feedback_days",
        "Days to first feedback",
        "Counted from the day the concern was received.",
    )
    substantive_feedback_months = _setting(
        "substantive_feedback_months",
        "Months to substantive feedback",
        "Counted from acknowledgement.",
    )
    detriment_check_in_months = _setting(
        "detriment_check_in_months",
        "Months after closure for the detriment check-in",
        "When to ask whether the person has suffered detriment for speaking up.",
    )
    retention_years = _setting(
        "retention_years",
        "Years to keep closed cases",
        "Cases are destroyed this many years after they close, unless on legal hold.",
    )
    suppression_threshold = RadioField(
        "Small numbers in board reports",
        description="Board members never see a count this small, so no one can work out who "
        "spoke up. NHS Digital hides counts from 1 to 7 in figures below national level.",
        choices=_threshold_choices(),
        coerce=int,
        validators=[InputRequired(CHOOSE_HIDDEN_COUNTS)],
        invalid_value_message=CHOOSE_HIDDEN_COUNTS,
        invalid_choice_message=CHOOSE_HIDDEN_COUNTS,
    )
    national_return_due_days = _setting(
        "national_return_due_days",
        "Days after the quarter ends that the national return is due",
        "When the quarterly data return to NHS England is due.",
    )


class NewAccountForm(PageForm):
    """A new staff account."""

    role = RadioField(
        "Role", choices=dict(Role.choices()), validators=[InputRequired("Choose the person's role")]
    )
    email = StringField(
        "Email address",
        validators=[DataRequired("Enter the person's email address"), Length(max=254)],
    )
    display_name = StringField(
        "Full name", validators=[DataRequired("Enter the person's full name"), Length(max=120)]
    )


class DirectorateForm(PageForm):
    """A directorate's name."""

    name = StringField(
        "Directorate or site name",
        validators=[DataRequired("Enter the directorate's name"), Length(max=120)],
    )
