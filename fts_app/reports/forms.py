"""Forms of the reports feature."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

NARRATIVE_LIMIT = 10_000


class NarrativeForm(FlaskForm):
    """The lead guardian's words for the board: themes and barriers, learning and actions."""

    themes_and_barriers = TextAreaField(
        "Themes and barriers",
        validators=[
            Length(
                max=NARRATIVE_LIMIT,
                message="Themes and barriers must be 10,000 characters or fewer",
            )
        ],
    )
    learning_and_actions = TextAreaField(
        "Learning and actions",
        validators=[
            Length(
                max=NARRATIVE_LIMIT,
                message="Learning and actions must be 10,000 characters or fewer",
            )
        ],
    )


class ReleaseForm(FlaskForm):
    """Release a quarter's report to the board."""

    quarter = HiddenField(validators=[DataRequired()])
