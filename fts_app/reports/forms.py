"""Forms of the reports feature."""

from __future__ import annotations

from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired

from fts_app.forms import LONG_TEXT, PageForm, too_long

NARRATIVE_LIMIT = LONG_TEXT


class NarrativeForm(PageForm):
    """The lead guardian's words for the board: themes and barriers, learning and actions."""

    #: each field shows one message, and the summary lists just that one
    every_message_in_summary = False

    themes_and_barriers = TextAreaField(
        "Themes and barriers", [too_long("Themes and barriers", NARRATIVE_LIMIT)]
    )
    learning_and_actions = TextAreaField(
        "Learning and actions", [too_long("Learning and actions", NARRATIVE_LIMIT)]
    )


class ReleaseForm(PageForm):
    """Release a quarter's report to the board."""

    quarter = HiddenField(validators=[DataRequired()])
