"""Small-number suppression, so that a board member cannot work out who spoke up.

The rules (domain.md "Small numbers"):

- Primary suppression: a count from 1 to threshold - 1 is not published; it reads "fewer than 5"
  (the wording follows the threshold). A zero is published: a true zero identifies nobody. The
  threshold is 5 unless the trust chooses another from 3 to 7. Totals are counts like any other.
- Secondary suppression: a reader who has a total and all but one of the counts under it can
  work the missing one out by subtraction. So every published total and the cells it totals form
  a line, the total being a cell of its own line, and no line may have exactly one suppressed
  cell. While one does, the smallest non-zero published cell in that line is suppressed as well
  (the earliest on a tie); when no other cell is left that is the total itself. A zero is taken
  only when nothing else is left. Such a cell reads "not shown" rather than "fewer than 5",
  because it may be large.
- Totals that are not sums: a case can have several elements, so the number of cases is not the
  sum of the element counts and a subtraction only gives a bound. These functions never derive a
  total the caller gives them from its parts, and apply the rule above to every published total
  all the same: that protects breakdowns where each case falls in exactly one category (worker
  group, directorate), and costs a little detail where it is stricter than it needs to be. A
  total that is published nowhere (total=None) lets nothing be worked out and needs no secondary
  suppression; pass the total whenever the report shows it, even in another section.
- Percentages are of the published total, and only for published cells: a percentage beside a
  suppressed cell, or of a suppressed total, would give the hidden number away.
- Cross-tabulations: each row with its row total, each column with its column total, the column
  totals with the grand total and the row totals with the grand total are the lines; suppression
  repeats until no line has exactly one suppressed cell. Their cells carry no percentage.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from fts_app.choices import Choice

MIN_THRESHOLD = 3
MAX_THRESHOLD = 8
DEFAULT_THRESHOLD = 5
TOTAL_LABEL = "Total"
#: how a secondarily suppressed cell reads: it may hold any number, so it cannot say "fewer than"
WITHHELD = "not shown"

Key = TypeVar("Key", bound=Hashable)
Line = Sequence[Key]


class SuppressionReason(Choice):
    """Why a count is not published."""

    PRIMARY = ("primary", "The count is too small to publish")
    SECONDARY = ("secondary", "Not shown so that a small count cannot be worked out from totals")


@dataclass(frozen=True)
class Cell:
    """One figure as a report may publish it."""

    label: str
    #: the true count, for checks and totals inside the product; never publish it unless shown
    count: int
    shown: bool
    display: str
    #: share of the published total, for shown cells only
    percent: float | None
    reason: SuppressionReason | None


class SuppressedTable(list[Cell]):
    """The cells of a one-way breakdown in the order given, and the total's cell if published."""

    def __init__(self, cells: Iterable[Cell], total: Cell | None) -> None:
        super().__init__(cells)
        self.total = total


@dataclass(frozen=True)
class CrossTable:
    """A suppressed cross-tabulation: cells[row][column] and the totals' cells."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: Mapping[str, Mapping[str, Cell]]
    row_totals: Mapping[str, Cell]
    column_totals: Mapping[str, Cell]
    grand_total: Cell


def validate_threshold(threshold: int) -> int:
    """Return the threshold if it is a whole number from 3 to 7, else raise ValueError."""
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, int)
        or not MIN_THRESHOLD <= threshold <= MAX_THRESHOLD
    ):
        raise ValueError(
            f"The small-number threshold must be a whole number from {MIN_THRESHOLD} "
            f"to {MAX_THRESHOLD}; got {threshold!r}."
        )
    return threshold


def small_count_wording(threshold: int) -> str:
    """Return how a count too small to publish reads, such as "fewer than 5"."""
    return f"fewer than {validate_threshold(threshold)}"


def suppress_count(n: int, threshold: int = DEFAULT_THRESHOLD, *, label: str = "") -> Cell:
    """Suppress a single headline figure if it is small."""
    validate_threshold(threshold)
    _check_counts({label: n}, {label: label})
    return _cell(label, n, _primary_reason(n, threshold), threshold, base=None)


def suppress_table(
    rows: Mapping[str, int], total: int | None, threshold: int = DEFAULT_THRESHOLD
) -> SuppressedTable:
    """Suppress a one-way breakdown; give the total whenever the report publishes it."""
    validate_threshold(threshold)
    counts: dict[str | None, int] = dict(rows)
    labels: dict[str | None, str] = {label: label for label in rows}
    lines: list[Line[str | None]] = []
    if total is not None:
        counts[None], labels[None] = total, TOTAL_LABEL
        lines.append([*rows, None])
    reasons = _suppress(counts, labels, lines, threshold)
    base = total if total is not None and reasons[None] is None else None
    return SuppressedTable(
        (_cell(label, count, reasons[label], threshold, base) for label, count in rows.items()),
        None if total is None else _cell(TOTAL_LABEL, total, reasons[None], threshold, None),
    )


def suppress_two_way(
    matrix: Mapping[str, Mapping[str, int]],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    row_totals: Mapping[str, int] | None = None,
    column_totals: Mapping[str, int] | None = None,
    grand_total: int | None = None,
) -> CrossTable:
    """Suppress a cross-tabulation; totals default to sums, so pass them when they are not."""
    validate_threshold(threshold)
    rows = tuple(matrix)
    columns = tuple(dict.fromkeys(column for cells in matrix.values() for column in cells))
    if not rows or not columns:
        raise ValueError("A cross-tabulation needs at least one row and one column.")
    counts: dict[tuple[str | None, str | None], int] = {
        (row, column): matrix[row].get(column, 0) for row in rows for column in columns
    }
    row_sums = {row: sum(counts[row, column] for column in columns) for row in rows}
    column_sums = {column: sum(counts[row, column] for row in rows) for column in columns}
    for row, count in _given_or_summed(row_totals, row_sums).items():
        counts[row, None] = count
    for column, count in _given_or_summed(column_totals, column_sums).items():
        counts[None, column] = count
    counts[None, None] = sum(row_sums.values()) if grand_total is None else grand_total
    labels = {key: _cross_label(*key) for key in counts}
    row_keys, column_keys = [*rows, None], [*columns, None]
    lines = [[(row, column) for column in column_keys] for row in row_keys] + [
        [(row, column) for row in row_keys] for column in column_keys
    ]
    reasons = _suppress(counts, labels, lines, threshold)
    cells = {
        key: _cell(labels[key], count, reasons[key], threshold, None)
        for key, count in counts.items()
    }
    return CrossTable(
        rows=rows,
        columns=columns,
        cells={row: {column: cells[row, column] for column in columns} for row in rows},
        row_totals={row: cells[row, None] for row in rows},
        column_totals={column: cells[None, column] for column in columns},
        grand_total=cells[None, None],
    )


def _suppress(
    counts: Mapping[Key, int],
    labels: Mapping[Key, str],
    lines: Sequence[Line[Key]],
    threshold: int,
) -> dict[Key, SuppressionReason | None]:
    """Return why each count is suppressed, or None where it can be published."""
    _check_counts(counts, labels)
    _check_parts_within_totals(counts, labels, lines)
    reasons = {key: _primary_reason(count, threshold) for key, count in counts.items()}
    # a total with no cells under it gives nothing away
    guarded = [line for line in lines if len(line) > 1]
    while exposed := next((line for line in guarded if _suppressed_in(line, reasons) == 1), None):
        reasons[_next_to_withhold(exposed, counts, reasons)] = SuppressionReason.SECONDARY
    return reasons


def _suppressed_in(line: Line[Key], reasons: Mapping[Key, SuppressionReason | None]) -> int:
    """Return how many cells of the line are suppressed."""
    return sum(reasons[key] is not None for key in line)


def _next_to_withhold(
    line: Line[Key], counts: Mapping[Key, int], reasons: Mapping[Key, SuppressionReason | None]
) -> Key:
    """Return the line's smallest non-zero published cell, or a zero if nothing else is left."""
    published = [key for key in line if reasons[key] is None]
    return min(published, key=lambda key: (counts[key] == 0, counts[key]))


def _primary_reason(count: int, threshold: int) -> SuppressionReason | None:
    """Return PRIMARY for a count from 1 to threshold - 1, else None."""
    return SuppressionReason.PRIMARY if 0 < count < threshold else None


def _cell(
    label: str, count: int, reason: SuppressionReason | None, threshold: int, base: int | None
) -> Cell:
    """Build the published form of a count; base is the published total for percentages."""
    return Cell(
        label=label,
        count=count,
        shown=reason is None,
        display=_display(count, reason, threshold),
        percent=None if reason is not None or not base else 100 * count / base,
        reason=reason,
    )


def _display(count: int, reason: SuppressionReason | None, threshold: int) -> str:
    """Return what a reader sees in place of the count."""
    if reason is SuppressionReason.PRIMARY:
        return small_count_wording(threshold)
    if reason is SuppressionReason.SECONDARY:
        return WITHHELD
    return f"{count:,}"


def _given_or_summed(given: Mapping[str, int] | None, sums: dict[str, int]) -> dict[str, int]:
    """Return the totals the caller gave, checking they cover every label, or else the sums."""
    if given is None:
        return sums
    if set(given) != set(sums):
        raise ValueError(f"Totals must be given for exactly {sorted(sums)}; got {sorted(given)}.")
    return {label: given[label] for label in sums}


def _cross_label(row: str | None, column: str | None) -> str:
    """Label a cell of a cross-tabulation; None stands for a total."""
    return ", ".join(name for name in (row, column) if name is not None) or TOTAL_LABEL


def _check_counts(counts: Mapping[Key, int], labels: Mapping[Key, str]) -> None:
    """Raise ValueError unless every count is a whole number of zero or more."""
    for key, count in counts.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(
                f"A count must be a whole number of zero or more; {labels[key]!r} is {count!r}."
            )


def _check_parts_within_totals(
    counts: Mapping[Key, int], labels: Mapping[Key, str], lines: Sequence[Line[Key]]
) -> None:
    """Raise ValueError if a cell is larger than the total at the end of its line."""
    for *parts, total in lines:
        for part in parts:
            if counts[part] > counts[total]:
                raise ValueError(
                    f"{labels[part]!r} ({counts[part]}) is more than its total "
                    f"{labels[total]!r} ({counts[total]})."
                )
