"""The board report's published figures: counts and breakdowns, suppressed before they leave here.

A figure holds only what may be published: the words shown, and the number itself only where it
is shown. A hidden count never reaches a template, a CSV or a PDF.

How the suppression rule is applied (see suppression.py for the rule itself):
- A breakdown where each case falls in one category (worker group, route, directorate, answer)
  is one table whose total is the quarter's count, so secondary suppression protects it. That
  total is in the headline figures too, so it is never hidden in one place and shown in another.
- Elements: a case can have several, so the table's total is the number of cases, given to the
  suppression module as a published total rather than the sum of the rows.
- A count that is part of a published whole (anonymous cases, detriment, deadlines met) is the
  table {part, rest} with the whole as total: it shows only when the rest could be shown too,
  since the rest is the whole minus the part.
- Cross-tabulations and equality figures are shown only when no cell needs suppressing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from fts_app.cases.enums import ConfidentialityLevel, WorkerGroup
from fts_app.cases.models import Case
from fts_app.choices import Choice
from fts_app.quarters import Quarter
from fts_app.reports import queries
from fts_app.reports.charts import format_number
from fts_app.reports.suppression import Cell, suppress_count, suppress_table, suppress_two_way
from fts_app.speakup.enums import (
    AgeBand,
    Disability,
    Ethnicity,
    Religion,
    Sex,
    SexualOrientation,
)

NOT_RECORDED = "Not recorded"
NOT_ANSWERED = "Not answered"


@dataclass(frozen=True)
class Figure:
    """One published figure: the words shown, and the count only when it is shown."""

    label: str
    display: str
    value: int | None = None
    #: the share of the published total, such as "12.5%"; only beside a shown count
    percent: str | None = None

    @property
    def shown(self) -> bool:
        """Tell whether the count itself is published."""
        return self.value is not None


@dataclass(frozen=True)
class FigureTable:
    """A one-way breakdown: a row per category and, where published, the total."""

    title: str
    category: str
    rows: tuple[Figure, ...]
    total: Figure | None = None
    note: str = ""


@dataclass(frozen=True)
class FigureRow:
    """A labelled row of figures, such as one measure over three quarters."""

    label: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class PeriodTable:
    """Measures (rows) over quarters (columns)."""

    title: str
    periods: tuple[str, ...]
    rows: tuple[FigureRow, ...]
    note: str = ""


@dataclass(frozen=True)
class CrossTabulation:
    """A two-way table with its totals, or the sentence said instead."""

    title: str
    row_heading: str
    columns: tuple[str, ...] = ()
    rows: tuple[FigureRow, ...] = ()
    totals: FigureRow | None = None
    message: str = ""


@dataclass(frozen=True)
class EqualitySection:
    """Equality monitoring answers that survive suppression, and the questions withheld."""

    responses: Figure
    tables: tuple[FigureTable, ...]
    withheld: tuple[str, ...]


def published(cell: Cell) -> Figure:
    """Publish a suppressed cell: its words, and its count and percentage only if shown."""
    return Figure(
        label=cell.label,
        display=cell.display,
        value=cell.count if cell.shown else None,
        percent=None if cell.percent is None else f"{format_number(cell.percent)}%",
    )


def part_of_whole(part: int, whole: int, threshold: int) -> Figure:
    """Publish a count that is part of a published whole, hiding it if the rest is small."""
    cells = suppress_table(
        {"": part, "rest": whole - part}, whole, threshold, total_published_elsewhere=True
    )
    return published(cells[0])


def labelled_counts(counts: Mapping[str, int], choices: type[Choice]) -> dict[str, int]:
    """Key counts by label in the vocabulary's order, zeros included; unknown values last."""
    every = [*(member.value for member in choices), *counts]
    return {label: counts.get(value, 0) for value, label in present_in_order(every, choices)}


def named_directorates(counts: Mapping[str | None, int]) -> dict[str, int]:
    """Key directorate counts by name, alphabetically, with cases not recorded last."""
    named = {name: counts[name] for name in sorted(name for name in counts if name is not None)}
    return {**named, NOT_RECORDED: counts.get(None, 0)}


def breakdown(
    title: str,
    category: str,
    counts: Mapping[str, int],
    total: int,
    threshold: int,
    note: str = "",
) -> FigureTable:
    """Suppress a one-way breakdown and publish it with its total, which the headline shows too."""
    table = suppress_table(counts, total, threshold, total_published_elsewhere=True)
    assert table.total is not None
    return FigureTable(
        title=title,
        category=category,
        rows=tuple(published(cell) for cell in table),
        total=published(table.total),
        note=note,
    )


def across(label: str, figures: Iterable[Figure | Cell]) -> FigureRow:
    """Publish one measure over several quarters, without labels or percentages."""
    return FigureRow(label, tuple(plain(figure) for figure in figures))


def plain(figure: Figure | Cell) -> Figure:
    """Drop a figure's label and percentage, for a grid that labels its rows and columns."""
    shown = published(figure) if isinstance(figure, Cell) else figure
    return Figure(label="", display=shown.display, value=shown.value)


def share_table(
    label: str, periods: Sequence[Quarter], figures: Sequence[Figure], note: str
) -> PeriodTable:
    """Publish a part of each quarter's cases with its share."""
    return PeriodTable(
        title=label,
        periods=tuple(period.label for period in periods),
        rows=(FigureRow(label, tuple(figures)),),
        note=note,
    )


def barriers(session: Session, quarter: Quarter, threshold: int) -> CrossTabulation:
    """Cross worker group with confidentiality, if every cell of it survives suppression."""
    title, row_heading = "Confidentiality chosen by each worker group", "Worker group"
    counts = queries.cross_counts(session, Case.worker_group, Case.confidentiality, quarter)
    matrix = {
        group: {level.label: counts[value].get(level.value, 0) for level in ConfidentialityLevel}
        for value, group in present_in_order(counts, WorkerGroup)
    }
    if not matrix:
        return CrossTabulation(title, row_heading, message="There were no cases this quarter.")
    table = suppress_two_way(matrix, threshold)
    grid = {row: [*table.cells[row].values(), table.row_totals[row]] for row in table.rows} | {
        "Total": [*table.column_totals.values(), table.grand_total]
    }
    if not all(cell.shown for cells in grid.values() for cell in cells):
        return CrossTabulation(
            title,
            row_heading,
            message="Some of these figures are too small to publish, so the table is not shown.",
        )
    rows = [FigureRow(label, tuple(plain(c) for c in cells)) for label, cells in grid.items()]
    return CrossTabulation(
        title=title,
        row_heading=row_heading,
        columns=(*table.columns, "Total"),
        rows=tuple(rows[:-1]),
        totals=rows[-1],
    )


def present_in_order(values: Iterable[str], choices: type[Choice]) -> list[tuple[str, str]]:
    """Return (value, label) for the values present, in the vocabulary's order, unknown last."""
    present = set(values)
    known = [(member.value, member.label) for member in choices if member.value in present]
    unknown = sorted(present - {member.value for member in choices})
    return known + [(value, value) for value in unknown]


#: (heading, the question's name in fts_app/speakup/equality.py, its vocabulary)
EQUALITY_QUESTIONS: tuple[tuple[str, str, type[Choice]], ...] = (
    ("Age band", "age_band", AgeBand),
    ("Disability", "disability", Disability),
    ("Ethnic group", "ethnicity", Ethnicity),
    ("Religion or belief", "religion", Religion),
    ("Sex", "sex", Sex),
    ("Sexual orientation", "sexual_orientation", SexualOrientation),
)


def equality(session: Session, quarter: Quarter, threshold: int) -> EqualitySection:
    """Publish each equality question's answers only if no cell needs suppressing."""
    tally = queries.equality_tally(session, quarter)
    responses = tally.responses
    tables, withheld = [], []
    for question, name, answers in EQUALITY_QUESTIONS:
        counts = tally.answers[name]
        table = breakdown(question, "Answer", _answers(counts, answers), responses, threshold)
        if not responses:
            continue
        if all(figure.shown for figure in [*table.rows, *([table.total] if table.total else [])]):
            tables.append(table)
        else:
            withheld.append(question)
    return EqualitySection(
        responses=published(suppress_count(responses, threshold, label="Responses")),
        tables=tuple(tables),
        withheld=tuple(withheld),
    )


def _answers(counts: Mapping[str | None, int], answers: type[Choice]) -> dict[str, int]:
    """Label the answers given, in the question's order, with questions left blank last."""
    given = {value: count for value, count in counts.items() if value is not None}
    labelled = {label: given[value] for value, label in present_in_order(given, answers)}
    return labelled | ({NOT_ANSWERED: counts[None]} if counts.get(None) else {})
