"""Small-number suppression, so that a board member cannot work out who spoke up.

What the reader is told (suppression_note in narrative.py says the same in plain words):

- A count from 1 to threshold - 1 is never published. The threshold is 5 unless the trust chooses
  another from 3 to 8, so at most the counts 1 to 7 are hidden (docs/domain.md, "small numbers").
- Some larger counts are hidden as well (secondary suppression), so that a small count cannot be
  worked out from a total. Every hidden count reads the same, "not shown", whatever its size, so a
  reader cannot tell a small count from a large one hidden to protect it. Separate wordings leak:
  with {1, 5, 10} and a total of 16 shown as "fewer than 5", "not shown", 10, the reader knows the
  first is 1 to 4 and the second 5 or more, and 16 - 10 = 6 leaves only 1 and 5.
- Zeros are published (a true zero identifies nobody), so a hidden count is 1 or more; the one
  exception is a table withheld whole, below.
- Percentages are of the published total, and only beside published counts.

The rule. A line is a total and the counts under it, the total being a count of its own line. A
reader who knows the published counts and the rules above can list every value each hidden count
could take. We hide counts until every small count could be the threshold or more, so that none is
pinned to one value and none can be shown to be small:

- One line with its total published, k hidden counts adding up to H: each hidden count is at least
  1, so one of them is at most H - (k - 1). The line is safe when k >= 2 and H - (k - 1) >= the
  threshold. {4, 4, 10} of 18 is safe as it is (8 - 1 = 7); {1, 1, 10, 0} of 12 is not (2 - 1 = 1),
  so the 10 is hidden too (12 - 2 = 10). While a line falls short, the smallest non-zero published
  count in it is hidden (the earliest on a tie); one more always suffices, since it is at least
  the threshold. When only zeros are left, the total is hidden instead.
- A total that the report publishes elsewhere (the headline's cases received is the total of every
  breakdown of the quarter's cases) is passed with total_published_elsewhere=True: hiding it here
  would protect nothing, so it stays. If hiding every non-zero count still falls short ({2, 3} of
  5 cases), the table is withheld whole: every count in it is hidden, zeros too, and a reader can
  no longer take any of them to be 1 or more, so each could be anything up to the total.
- Cross-tabulations: each count lies in a row and a column, and the lines constrain each other, so
  checking each line alone is not enough (a cell whose row and column each hide two counts can
  still be pinned by the lines around them). Two rules are applied in turn until neither hides
  anything more: no line has exactly one hidden count (its total would give it away); and each
  small count could be the threshold or more while every row and column still adds up and no
  hidden count goes below 1. The second is checked exactly, as a flow: raising one hidden count
  must be balanced around a cycle of hidden counts through the rows and columns, and the cycle
  can carry only as much as the counts it lowers have above 1. The count hidden next is the
  smallest non-zero published one that makes the small count safe, looking in its own row and
  column first, or failing that the smallest there. A table hiding every non-zero count is always
  safe (each small count can rise with its row total, column total and grand total), so this ends.
- Totals that are not sums: a case can have several elements (or none yet), so the number of cases
  is not the sum of the element counts, and a subtraction only gives a bound. The rule treats
  every total as the sum of its line all the same. For a true sum that is the protection above;
  where the parts overlap it costs some detail, and it protects anyway, since each part is at most
  the published total, which is the threshold or more; so where such a table has nothing left to
  hide, a small count is left as it is. A total that is published nowhere (total=None) lets
  nothing be worked out and needs no secondary suppression.
- A single count published on its own (suppress_count) is hidden only when small: nothing else
  can give it away, and "not shown" there says only that it is 1 to threshold - 1.

What this cannot do: when a total is itself small, every count under it is small too, which the
hidden total already says. And a reader who reruns the choice of cells in their head can sometimes
narrow a range further: an anonymous count hidden out of 5 cases is 1 to 4, since 0 or 5 would
have been shown. A reader who only adds and subtracts what is published pins nothing down.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from fts_app.admin.models import DEFAULT_SUPPRESSION_THRESHOLD
from fts_app.choices import Choice

MIN_THRESHOLD = 3
MAX_THRESHOLD = 8
DEFAULT_THRESHOLD = DEFAULT_SUPPRESSION_THRESHOLD
TOTAL_LABEL = "Total"
#: how every hidden count reads, small or not: a reader must not be able to tell which is which
WITHHELD = "not shown"

Key = TypeVar("Key", bound=Hashable)
#: the counts of a line, its total last
Line = Sequence[Key]
#: a line of the table, by its position; OUTSIDE is the far end of a count in only one line
Node = int
OUTSIDE: Node = -1


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
    """Return the threshold if it is a whole number from 3 to 8, else raise ValueError."""
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


def suppress_count(n: int, threshold: int = DEFAULT_THRESHOLD, *, label: str = "") -> Cell:
    """Suppress a single headline figure if it is small."""
    validate_threshold(threshold)
    _check_counts({label: n}, {label: label})
    return _cell(label, n, _primary_reason(n, threshold), base=None)


def suppress_table(
    rows: Mapping[str, int],
    total: int | None,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    total_published_elsewhere: bool = False,
) -> SuppressedTable:
    """Suppress a one-way breakdown; give the total whenever the report publishes it."""
    validate_threshold(threshold)
    if total is None and total_published_elsewhere:
        raise ValueError("A total published elsewhere in the report must be given.")
    counts: dict[str | None, int] = dict(rows)
    labels: dict[str | None, str] = {label: label for label in rows}
    lines: list[Line[str | None]] = []
    if total is not None:
        counts[None], labels[None] = total, TOTAL_LABEL
        lines.append([*rows, None])
    fixed = {None} if total_published_elsewhere else set()
    reasons = _suppress(counts, labels, lines, threshold, fixed)
    base = total if total is not None and reasons[None] is None else None
    return SuppressedTable(
        (_cell(label, count, reasons[label], base) for label, count in rows.items()),
        None if total is None else _cell(TOTAL_LABEL, total, reasons[None], None),
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
    reasons = _suppress(counts, labels, lines, threshold, set())
    cells = {key: _cell(labels[key], count, reasons[key], None) for key, count in counts.items()}
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
    fixed: set[Key],
) -> dict[Key, SuppressionReason | None]:
    """Return why each count is suppressed, or None where it can be published."""
    _check_counts(counts, labels)
    _check_parts_within_totals(counts, labels, lines)
    # a total with no cells under it gives nothing away
    guarded = [line for line in lines if len(line) > 1]
    return _Suppression(counts, guarded, threshold, fixed).run()


class _Suppression(Generic[Key]):
    """One table being suppressed: what is hidden so far, and what a reader can still rule out."""

    def __init__(
        self, counts: Mapping[Key, int], lines: Sequence[Line[Key]], threshold: int, fixed: set[Key]
    ) -> None:
        self.counts = counts
        self.lines = lines
        self.threshold = threshold
        #: published elsewhere in the report, so hiding them here would protect nothing
        self.fixed = fixed
        self.reasons = {key: _primary_reason(count, threshold) for key, count in counts.items()}
        #: the least a reader may take each hidden count to be: zeros are shown, so 1, or 0 in a
        #: line withheld whole
        self.least = dict.fromkeys(counts, 1)
        self.withheld: set[Node] = set()
        #: small counts left as they are because nothing more can be hidden; only where a total
        #: is not the sum of its parts, when each part is at most the total anyway
        self.settled: set[Key] = set()
        self.edges = _edges(counts, lines)
        self.position = {key: position for position, key in enumerate(counts)}

    def run(self) -> dict[Key, SuppressionReason | None]:
        """Hide counts until no line gives one away and every small count could be large."""
        while True:
            if (line := self._line_with_one_hidden()) is not None:
                self._protect_line(line)
            elif (small := self._exposed_small_count()) is not None:
                self._protect_count(small)
            else:
                return self.reasons

    def _hidden(self, key: Key) -> bool:
        return self.reasons[key] is not None

    def _line_with_one_hidden(self) -> Node | None:
        """Return a line whose one hidden count its other counts would give away."""
        return next(
            (
                node
                for node, line in enumerate(self.lines)
                if node not in self.withheld and sum(map(self._hidden, line)) == 1
            ),
            None,
        )

    def _exposed_small_count(self) -> Key | None:
        """Return a small count that a reader could show to be below the threshold."""
        return next(
            (
                key
                for key, reason in self.reasons.items()
                if reason is SuppressionReason.PRIMARY
                and key not in self.settled
                and not self._could_reach_threshold(key)
            ),
            None,
        )

    def _protect_line(self, node: Node) -> None:
        """Hide the line's smallest non-zero published count, or withhold the line if none."""
        candidates = self._candidates(self.lines[node])
        if candidates:
            self.reasons[candidates[0]] = SuppressionReason.SECONDARY
        else:
            self._withhold(node)

    def _protect_count(self, small: Key) -> None:
        """Hide the smallest count that makes the small one safe, nearest first."""
        near = {key for line in self.lines if small in line for key in line}
        candidates = sorted(self._candidates(self.counts), key=lambda key: key not in near)
        if candidates:
            safe = (key for key in candidates if self._could_reach_threshold(small, also=(key,)))
            self.reasons[next(safe, candidates[0])] = SuppressionReason.SECONDARY
            return
        open_lines = [
            node
            for node, line in enumerate(self.lines)
            if small in line and node not in self.withheld
        ]
        for node in open_lines:
            self._withhold(node)
        if not open_lines:
            self.settled.add(small)

    def _candidates(self, keys: Iterable[Key]) -> list[Key]:
        """Return the non-zero published counts that may be hidden, smallest and earliest first."""
        return sorted(
            (
                key
                for key in keys
                if not self._hidden(key) and self.counts[key] > 0 and key not in self.fixed
            ),
            key=lambda key: (self.counts[key], self.position[key]),
        )

    def _withhold(self, node: Node) -> None:
        """Hide every count under the line's total, zeros too, so none can be taken to be 1+."""
        *parts, _total = self.lines[node]
        for part in parts:
            if not self._hidden(part) and part not in self.fixed:
                self.reasons[part] = SuppressionReason.SECONDARY
            self.least[part] = 0
        self.withheld.add(node)

    def _could_reach_threshold(self, key: Key, also: tuple[Key, ...] = ()) -> bool:
        """Tell whether a hidden count could be the threshold or more, every line still adding up.

        `also` holds published counts to treat as hidden, to see whether hiding them would help.
        """
        edge = self.edges[key]
        if edge is None:
            return True
        need = self.threshold - self.counts[key]
        network: defaultdict[Node, defaultdict[Node, int]] = defaultdict(lambda: defaultdict(int))
        for other, other_edge in self.edges.items():
            if other == key or other_edge is None or not (self._hidden(other) or other in also):
                continue
            # capacities above `need` make no difference, so `need` stands for "no limit"
            room_below = min(self.counts[other] - self.least[other], need)
            forward, backward = (need, room_below) if other_edge.rising > 0 else (room_below, need)
            network[other_edge.tail][other_edge.head] += forward
            network[other_edge.head][other_edge.tail] += backward
        source, sink = (edge.head, edge.tail) if edge.rising > 0 else (edge.tail, edge.head)
        return _max_flow(network, source, sink, need) >= need


@dataclass(frozen=True)
class _Edge:
    """A count as a link between its two lines (or its line and OUTSIDE) in a flow network."""

    tail: Node
    head: Node
    #: 1 if raising the count carries flow from tail to head, -1 if from head to tail
    rising: int


def _edges(counts: Iterable[Key], lines: Sequence[Line[Key]]) -> dict[Key, _Edge | None]:
    """Place each count between the lines it lies in, so that every line's sum is a flow balance.

    Raising a hidden count by d changes the sum of each of its lines; the change must be undone
    by other hidden counts of those lines, and so on around a cycle. Signing the lines so that
    each count enters one of its lines and leaves the other turns that into a circulation.
    """
    places: dict[Key, list[tuple[Node, int]]] = {key: [] for key in counts}
    for node, (*parts, total) in enumerate(lines):
        for part in parts:
            places[part].append((node, 1))
        places[total].append((node, -1))
    signs = _line_signs(places.values(), len(lines))
    edges: dict[Key, _Edge | None] = {}
    for key, place in places.items():
        if not place:
            edges[key] = None
        elif len(place) == 1:
            ((node, role),) = place
            edges[key] = _Edge(node, OUTSIDE, -signs[node] * role)
        else:
            (tail, _), (head, role) = place
            edges[key] = _Edge(tail, head, signs[head] * role)
    return edges


def _line_signs(places: Iterable[list[tuple[Node, int]]], line_count: int) -> list[int]:
    """Sign each line +1 or -1 so that a count in two lines counts +1 in one and -1 in the other."""
    links: defaultdict[Node, list[tuple[Node, int]]] = defaultdict(list)
    for place in places:
        if len(place) == 2:
            (first, first_role), (second, second_role) = place
            links[first].append((second, -first_role * second_role))
            links[second].append((first, -first_role * second_role))
    signs = [0] * line_count
    for start in range(line_count):
        if signs[start]:
            continue
        signs[start], stack = 1, [start]
        while stack:
            node = stack.pop()
            for other, relation in links[node]:
                if not signs[other]:
                    signs[other] = signs[node] * relation
                    stack.append(other)
                # rows against columns always balance; any other shape of table is unsupported
                assert signs[other] == signs[node] * relation
    return signs


def _max_flow(
    network: defaultdict[Node, defaultdict[Node, int]], source: Node, sink: Node, enough: int
) -> int:
    """Push flow from source to sink along shortest paths until `enough` has gone or none can."""
    flow = 0
    while flow < enough and (path := _shortest_path(network, source, sink)):
        pushed = min(enough - flow, *(network[before][after] for before, after in path))
        for before, after in path:
            network[before][after] -= pushed
            network[after][before] += pushed
        flow += pushed
    return flow


def _shortest_path(
    network: defaultdict[Node, defaultdict[Node, int]], source: Node, sink: Node
) -> list[tuple[Node, Node]]:
    """Return the links of a shortest path with room left from source to sink, or [] if none."""
    came_from = {source: source}
    queue = deque([source])
    while queue and sink not in came_from:
        node = queue.popleft()
        for after, room in network[node].items():
            if room > 0 and after not in came_from:
                came_from[after] = node
                queue.append(after)
    if sink not in came_from:
        return []
    path = []
    node = sink
    while node != source:
        path.append((came_from[node], node))
        node = came_from[node]
    return path


def _primary_reason(count: int, threshold: int) -> SuppressionReason | None:
    """Return PRIMARY for a count from 1 to threshold - 1, else None."""
    return SuppressionReason.PRIMARY if 0 < count < threshold else None


def _cell(label: str, count: int, reason: SuppressionReason | None, base: int | None) -> Cell:
    """Build the published form of a count; base is the published total for percentages."""
    return Cell(
        label=label,
        count=count,
        shown=reason is None,
        display=WITHHELD if reason is not None else f"{count:,}",
        percent=None if reason is not None or not base else 100 * count / base,
        reason=reason,
    )


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
