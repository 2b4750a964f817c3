"""The words of the board report: the lead guardian's narrative and the notes around the figures."""

from __future__ import annotations

from dataclasses import dataclass

from fts_app.reports.deadlines import fewest_for_percentiles

NOT_WRITTEN = "The lead guardian has not written this section yet."


@dataclass(frozen=True)
class Narrative:
    """What the lead guardian writes for the board; never drawn from case narratives."""

    themes_and_barriers: str = ""
    learning_and_actions: str = ""


def release_status(released_on: str | None, *, complete: bool) -> str:
    """Say whether the report is released, a draft, or for a quarter not yet `complete`."""
    if released_on:
        return (
            f"Released on {released_on} by the lead guardian. These figures are frozen: "
            "later changes to cases do not alter them."
        )
    if not complete:
        return "Draft: the quarter is not over yet, so these figures will change."
    return "Draft: not yet released by the lead guardian; figures may change."


def suppression_note(threshold: int) -> str:
    """Explain how small numbers are hidden, below the report's suppression threshold."""
    return (
        f"To protect the people who spoke up, counts from 1 to {threshold - 1} are not "
        "published, nor are some larger counts that would let a small one be worked out from a "
        'total. Every hidden count reads "not shown", whatever its size. Zeros are shown, except '
        'in a table where every count is "not shown". No percentage is given for a hidden count.'
    )


def timeliness_note(threshold: int) -> str:
    """Explain the timeliness figures and when percentiles are withheld."""
    return (
        "Days from receipt, over the cases that reached each step this quarter. A median or "
        f"90th percentile is not given for fewer than {fewest_for_percentiles(threshold)} "
        "cases."
    )
