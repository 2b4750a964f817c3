"""The quarterly national data collection: whole numbers, unsuppressed, and a check for gaps.

The return goes to NHS England in aggregate, so it carries the true counts. The check names the
cases of the quarter that lack a field the return counts, so a guardian can complete them first;
it names only the cases the viewer may open, and counts the others.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from fts_app.cases.access import Viewer
from fts_app.cases.enums import Element, SpeakUpAgain, WorkerGroup
from fts_app.cases.models import Case
from fts_app.quarters import Quarter
from fts_app.reports import queries
from fts_app.reports.csv_export import csv_text

HEADER = ("measure", "value")


@dataclass(frozen=True)
class Measure:
    """One figure of the return."""

    name: str
    value: int


@dataclass(frozen=True)
class NationalReturn:
    """A quarter's return and the cases that lack something it needs."""

    quarter: Quarter
    measures: tuple[Measure, ...]
    incomplete: tuple[queries.IncompleteCase, ...]

    @property
    def has_cases(self) -> bool:
        """Tell whether any case was received in the quarter."""
        return self.measures[0].value > 0


def build_national_return(
    session: Session, quarter: Quarter, *, viewer: Viewer | None = None
) -> NationalReturn:
    """Count the quarter's cases as the national data collection asks."""
    totals = queries.case_totals(session, quarter)
    elements = queries.element_counts(session, quarter)
    groups = queries.counts_by(session, Case.worker_group, quarter)
    answers = queries.speak_up_again_counts(session, quarter)
    measures = [
        Measure("Cases received", totals.received),
        Measure("Cases raised anonymously", totals.anonymous),
        *(Measure(f"Cases with element: {e.label}", elements.get(e.value, 0)) for e in Element),
        Measure("Cases indicating detriment", totals.detriment),
        *(
            Measure(f"Cases from worker group: {g.label}", groups.get(g.value, 0))
            for g in WorkerGroup
        ),
        Measure("Feedback responses", sum(answers.values())),
        Measure("Feedback responses: would speak up again", answers.get(SpeakUpAgain.YES.value, 0)),
    ]
    return NationalReturn(
        quarter=quarter,
        measures=tuple(measures),
        incomplete=tuple(queries.incomplete_cases(session, quarter, viewer)),
    )


def national_return_csv(national_return: NationalReturn) -> str:
    """Write the return as CSV: a header row, then one row per measure."""
    return csv_text(HEADER, [(m.name, str(m.value)) for m in national_return.measures])


def what_is_missing(case: queries.IncompleteCase) -> str:
    """Say which of the return's fields a case lacks."""
    gaps = [
        gap
        for gap, missing in (
            ("no worker group recorded", case.worker_group_missing),
            ("no element recorded", case.elements_missing),
        )
        if missing
    ]
    return "; ".join(gaps)


@dataclass(frozen=True)
class GapCheck:
    """The result of the check for one viewer: the cases they may see named, and the rest."""

    named: tuple[tuple[str, str], ...]
    #: cases lacking a field that the viewer may not see, counted but never named
    unnamed: int

    @property
    def passed(self) -> bool:
        """Tell whether every case has what the return needs."""
        return not self.named and not self.unnamed


def check_for_gaps(national_return: NationalReturn) -> GapCheck:
    """Name the incomplete cases the viewer may open, with what each lacks; count the others."""
    named = [
        (case.reference, what_is_missing(case))
        for case in national_return.incomplete
        if case.visible
    ]
    return GapCheck(tuple(named), len(national_return.incomplete) - len(named))
