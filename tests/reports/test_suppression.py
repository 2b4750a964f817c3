"""Small-number suppression: which counts are hidden, and that no small count can be worked out.

The reader below knows what is published and the public rules: a count shown is exact, zeros are
shown (except in a one-way table withheld whole, where every row is hidden), so a hidden count is
1 or more, and the counts of a line add up to its total. It tries every assignment of the hidden
counts that fits, and a small count is safe when it could take more than one value and could be
the threshold or more.
"""

import re
from collections.abc import Callable, Hashable, Mapping, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fts_app.reports.suppression import (
    Cell,
    CrossTable,
    SuppressionReason,
    suppress_count,
    suppress_table,
    suppress_two_way,
)

PRIMARY = SuppressionReason.PRIMARY
SECONDARY = SuppressionReason.SECONDARY
HIDDEN = "not shown"
#: how reports once marked small counts; a reader takes it at its word
FEWER_THAN = re.compile(r"fewer than (\d+)")
TOTAL = "Total"


def displays(cells: list[Cell]) -> dict[str, str]:
    return {cell.label: cell.display for cell in cells}


def grid(table: CrossTable) -> list[list[str]]:
    """Return the displays row by row, each row ending with its total, then the totals row."""
    body = [
        [*(table.cells[row][column].display for column in table.columns), total.display]
        for row, total in table.row_totals.items()
    ]
    totals = [cell.display for cell in table.column_totals.values()]
    return [*body, [*totals, table.grand_total.display]]


# The reader ------------------------------------------------------------------------------------


def possible_values(
    published: Mapping[Hashable, Cell],
    lines: Sequence[Sequence[Hashable]],
    threshold: int,
    least: Mapping[Hashable, int],
) -> dict[Hashable, set[int]]:
    """Try every assignment of the hidden counts that fits what is published; list what each took.

    A hidden count is searched from its least value up to its true count plus the threshold: if a
    small count could be the threshold or more, or could be another value, some assignment shows
    it while moving each count by less than the threshold (a cycle of changes through the lines),
    so the bound hides nothing from the search; it only keeps the search small.
    """
    known: dict[Hashable, int] = {}
    choices: dict[Hashable, range] = {}
    for key, cell in published.items():
        if cell.shown:
            known[key] = int(cell.display.replace(",", ""))
        elif match := FEWER_THAN.fullmatch(cell.display):
            choices[key] = range(1, int(match[1]))
        else:
            choices[key] = range(least[key], cell.count + threshold + 1)
    found: dict[Hashable, set[int]] = {key: set() for key in choices}

    def search(values: dict[Hashable, int]) -> None:
        settled = fill_in(values, lines, choices)
        if settled is None:
            return
        unknown = [key for key in choices if key not in settled]
        if not unknown:
            for key in choices:
                found[key].add(settled[key])
            return
        for value in choices[unknown[0]]:
            search({**settled, unknown[0]: value})

    search(known)
    return found


def fill_in(
    values: dict[Hashable, int],
    lines: Sequence[Sequence[Hashable]],
    choices: Mapping[Hashable, range],
) -> dict[Hashable, int] | None:
    """Fill in every count a line determines; None if some line cannot add up."""
    values = dict(values)
    progress = True
    while progress:
        progress = False
        for *parts, total in lines:
            missing = [key for key in (*parts, total) if key not in values]
            known_parts = sum(values[part] for part in parts if part in values)
            if (
                total in values
                and known_parts + sum(choices[part].start for part in missing) > values[total]
            ):
                return None
            if len(missing) != 1:
                if not missing and known_parts != values[total]:
                    return None
                continue
            (key,) = missing
            value = known_parts if key == total else values[total] - known_parts
            if value not in choices[key]:
                return None
            values[key] = value
            progress = True
    return values


def assert_no_small_count_can_be_worked_out(
    published: Mapping[Hashable, Cell],
    lines: Sequence[Sequence[Hashable]],
    threshold: int,
    least: Mapping[Hashable, int] | None = None,
) -> None:
    least = least or {}
    possible = possible_values(published, lines, threshold, {k: least.get(k, 1) for k in published})
    for key, cell in published.items():
        if cell.reason is not PRIMARY:
            continue
        values = possible[key]
        assert cell.count in values, f"the reader's rules rule out the truth for {cell.label}"
        assert len(values) > 1, f"{cell.label} can only be {values}"
        assert max(values) >= threshold, f"{cell.label} is provably below {threshold}: {values}"


def check_one_way(
    rows: Mapping[str, int], total: int, threshold: int = 5, *, published_elsewhere: bool = False
) -> None:
    """Suppress a one-way table whose total is the sum of its rows, and read it back."""
    options = {"total_published_elsewhere": True} if published_elsewhere else {}
    table = suppress_table(rows, total, threshold, **options)
    assert table.total is not None
    published = {cell.label: cell for cell in table} | {TOTAL: table.total}
    # a table withheld whole may hide zeros: its total is published elsewhere and no row shows
    withheld = published_elsewhere and not any(cell.shown for cell in table)
    least = dict.fromkeys(rows, 0) if withheld else {}
    assert_no_small_count_can_be_worked_out(published, [[*rows, TOTAL]], threshold, least)


def check_two_way(matrix: Mapping[str, Mapping[str, int]], threshold: int) -> None:
    """Suppress a cross-tabulation whose totals are sums, and read it back."""
    table = suppress_two_way(matrix, threshold)
    rows, columns = [*table.rows, TOTAL], [*table.columns, TOTAL]
    published: dict[Hashable, Cell] = {
        (row, column): table.cells[row][column] for row in table.rows for column in table.columns
    }
    published |= {(row, TOTAL): table.row_totals[row] for row in table.rows}
    published |= {(TOTAL, column): table.column_totals[column] for column in table.columns}
    published[TOTAL, TOTAL] = table.grand_total
    lines = [[(row, column) for column in columns] for row in rows] + [
        [(row, column) for row in rows] for column in columns
    ]
    assert_no_small_count_can_be_worked_out(published, lines, threshold)


# Single counts and thresholds --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "threshold", "display", "reason"),
    [
        (0, 5, "0", None),
        (1, 5, HIDDEN, PRIMARY),
        (4, 5, HIDDEN, PRIMARY),
        (5, 5, "5", None),
        (1234, 5, "1,234", None),
        (2, 3, HIDDEN, PRIMARY),
        (3, 3, "3", None),
        (7, 8, HIDDEN, PRIMARY),
        (8, 8, "8", None),
    ],
)
def test_counts_below_the_threshold_are_suppressed(
    count: int, threshold: int, display: str, reason: SuppressionReason | None
) -> None:
    cell = suppress_count(count, threshold, label="Cases this quarter")

    assert cell == Cell("Cases this quarter", count, reason is None, display, None, reason)


def test_the_default_threshold_is_five() -> None:
    assert suppress_count(4).display == HIDDEN
    assert suppress_count(5).display == "5"


@pytest.mark.parametrize("threshold", [2, 9, 0, -5, 5.0, True, "5", None])
@pytest.mark.parametrize(
    "suppress",
    [
        lambda threshold: suppress_count(10, threshold),
        lambda threshold: suppress_table({"A": 10}, 10, threshold),
        lambda threshold: suppress_two_way({"A": {"B": 10}}, threshold),
    ],
    ids=["count", "table", "two-way"],
)
def test_thresholds_outside_three_to_eight_are_refused(
    suppress: Callable[[object], object], threshold: object
) -> None:
    with pytest.raises(ValueError, match="whole number from 3 to 8"):
        suppress(threshold)


# One-way tables --------------------------------------------------------------------------------


def test_a_table_without_small_counts_is_published_whole_with_percentages() -> None:
    table = suppress_table({"Open": 10, "Confidential": 5, "Anonymous": 0}, total=15)

    assert [(cell.display, cell.percent) for cell in table] == [
        ("10", pytest.approx(66.667, abs=1e-3)),
        ("5", pytest.approx(33.333, abs=1e-3)),
        ("0", 0.0),
    ]
    assert all(cell.shown and cell.reason is None for cell in table)
    assert table.total == Cell("Total", 15, True, "15", None, None)


@pytest.mark.parametrize(
    ("rows", "total", "expected"),
    [
        # A + B = 6, and "fewer than 5" beside "not shown" (5 or more) forced A = 1, B = 5
        ({"A": 1, "B": 5, "C": 10}, 16, [HIDDEN, HIDDEN, "10"]),
        # A + B = 2 forced both to be 1, so C is hidden too
        ({"A": 1, "B": 1, "C": 10, "D": 0}, 12, [HIDDEN, HIDDEN, HIDDEN, "0"]),
        # A + B = 8 forced both to be 4 while each read "fewer than 5"
        ({"A": 4, "B": 4, "C": 10}, 18, [HIDDEN, HIDDEN, "10"]),
    ],
    ids=["small-beside-secondary", "two-ones", "two-fours"],
)
def test_a_hidden_small_count_cannot_be_pinned_down_from_the_total(
    rows: dict[str, int], total: int, expected: list[str]
) -> None:
    table = suppress_table(rows, total)

    assert [cell.display for cell in table] == expected
    assert table.total.display == f"{total}"
    check_one_way(rows, total)


def test_a_total_published_elsewhere_stays_and_the_table_is_withheld_whole_instead() -> None:
    # one element and cases without any: hiding the total here would not hide it from the
    # headline, so the zeros are hidden too and the 3 could be anything up to 7
    rows = {"Patient safety": 0, "Bullying or harassment": 3, "Other": 0}
    table = suppress_table(rows, 7, total_published_elsewhere=True)

    assert displays([*table, table.total]) == {
        "Patient safety": HIDDEN,
        "Bullying or harassment": HIDDEN,
        "Other": HIDDEN,
        "Total": "7",
    }
    assert [cell.reason for cell in table] == [SECONDARY, PRIMARY, SECONDARY]
    check_one_way(rows, 3, published_elsewhere=True)


def test_a_total_published_elsewhere_is_still_hidden_here_when_it_is_small() -> None:
    table = suppress_table({"A": 2, "B": 0}, 2, total_published_elsewhere=True)

    assert displays([*table, table.total]) == {"A": HIDDEN, "B": "0", "Total": HIDDEN}


def test_a_total_published_elsewhere_must_be_given() -> None:
    with pytest.raises(ValueError, match="published elsewhere in the report must be given"):
        suppress_table({"A": 2}, None, total_published_elsewhere=True)


def test_a_lone_small_count_takes_the_next_smallest_with_it() -> None:
    # with the total published, 24 - 12 - 9 - 0 would give the 3 away
    table = suppress_table(
        {"Patient safety": 12, "Worker safety": 3, "Bullying or harassment": 9, "Other": 0},
        total=24,
    )

    assert displays(table) == {
        "Patient safety": "12",
        "Worker safety": HIDDEN,
        "Bullying or harassment": HIDDEN,
        "Other": "0",
    }
    assert [cell.reason for cell in table] == [None, PRIMARY, SECONDARY, None]
    assert [cell.percent for cell in table] == [50.0, None, None, 0.0]
    assert table.total.display == "24"


def test_two_small_counts_that_add_up_to_enough_protect_each_other() -> None:
    # 3 + 4 = 7: either could be anything from 1 to 6
    table = suppress_table({"Phone": 3, "Email": 4, "In person": 20}, total=27)

    assert displays(table) == {"Phone": HIDDEN, "Email": HIDDEN, "In person": "20"}
    assert [cell.reason for cell in table] == [PRIMARY, PRIMARY, None]
    assert table.total.display == "27"


def test_zero_cells_stay_published_and_are_not_used_to_hide_a_small_count() -> None:
    table = suppress_table({"A": 3, "B": 0, "C": 6, "D": 0}, total=9)

    assert displays(table) == {"A": HIDDEN, "B": "0", "C": HIDDEN, "D": "0"}


def test_the_earliest_cell_is_hidden_when_two_are_equally_small() -> None:
    table = suppress_table({"A": 8, "B": 8, "C": 2}, total=18)

    assert displays(table) == {"A": HIDDEN, "B": "8", "C": HIDDEN}


@pytest.mark.parametrize(
    ("rows", "total"),
    [
        # nothing else can hide the 3
        ({"Bullying or harassment": 3, "Other": 0}, 9),
        # 2 + 3 = 5 would show both to be below 5
        ({"Met": 2, "Missed": 3}, 5),
    ],
)
def test_the_total_is_hidden_when_no_other_cell_can_protect_the_small_ones(
    rows: dict[str, int], total: int
) -> None:
    table = suppress_table(rows, total)

    assert table.total == Cell("Total", total, False, HIDDEN, None, SECONDARY)
    assert all(cell.percent is None for cell in table)


def test_a_small_total_is_suppressed_with_its_cells() -> None:
    table = suppress_table({"A": 2, "B": 1, "C": 0}, total=3)

    assert displays([*table, table.total]) == {"A": HIDDEN, "B": HIDDEN, "C": "0", "Total": HIDDEN}
    assert [cell.reason for cell in [*table, table.total]] == [PRIMARY, PRIMARY, None, PRIMARY]
    assert [cell.percent for cell in table] == [None, None, None]


def test_percentages_are_of_the_total_even_when_it_is_not_the_sum() -> None:
    # a case can have several elements: 20 cases between them have 12 + 11 = 23 elements
    table = suppress_table({"Patient safety": 12, "Bullying or harassment": 11}, total=20)

    assert [cell.percent for cell in table] == [60.0, 55.0]
    assert table.total.count == 20


def test_an_unpublished_total_needs_no_secondary_suppression_and_gives_no_percentages() -> None:
    table = suppress_table({"A": 3, "B": 20}, total=None)

    assert displays(table) == {"A": HIDDEN, "B": "20"}
    assert table[1].percent is None
    assert table.total is None


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [
        (3, {"A": HIDDEN, "B": HIDDEN, "C": "6", "D": "7"}),
        # 2 + 3 = 5 would show both to be below 5, so the 6 goes too
        (5, {"A": HIDDEN, "B": HIDDEN, "C": HIDDEN, "D": "7"}),
        (7, {"A": HIDDEN, "B": HIDDEN, "C": HIDDEN, "D": "7"}),
        (8, {"A": HIDDEN, "B": HIDDEN, "C": HIDDEN, "D": HIDDEN}),
    ],
)
def test_the_threshold_sets_what_counts_as_small(threshold: int, expected: dict[str, str]) -> None:
    table = suppress_table({"A": 2, "B": 3, "C": 6, "D": 7}, 18, threshold)

    assert displays(table) == expected
    assert {cell.label for cell in table if cell.reason is PRIMARY} == {
        label for label, count in {"A": 2, "B": 3, "C": 6, "D": 7}.items() if count < threshold
    }


@pytest.mark.parametrize(
    ("rows", "total", "message"),
    [
        ({"A": -1}, 5, "'A' is -1"),
        ({"A": 2.5}, 5, "'A' is 2.5"),
        ({"A": 2}, -1, "'Total' is -1"),
        ({"A": 6}, 5, "'A' \\(6\\) is more than its total 'Total' \\(5\\)"),
    ],
)
def test_impossible_counts_are_refused(rows: dict[str, int], total: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        suppress_table(rows, total)


# Cross-tabulations -----------------------------------------------------------------------------


def test_a_cross_tabulation_hides_enough_cells_in_every_row_and_column() -> None:
    table = suppress_two_way(
        {
            "Surgery": {"Phone": 3, "Email": 10, "In person": 12},
            "Medicine": {"Phone": 8, "Email": 9, "In person": 20},
            "Estates": {"Phone": 15, "Email": 11, "In person": 0},
        }
    )

    # Surgery/Phone is small; Surgery/Email goes with it in its row, Medicine/Phone in its
    # column, then Medicine/Email for the Email column
    assert grid(table) == [
        [HIDDEN, HIDDEN, "12", "25"],
        [HIDDEN, HIDDEN, "20", "37"],
        ["15", "11", "0", "26"],
        ["26", "30", "32", "88"],
    ]


def test_small_totals_are_suppressed_and_protected_in_a_cross_tabulation() -> None:
    table = suppress_two_way(
        {"Students": {"Open": 1, "Anonymous": 2}, "Nurses": {"Open": 10, "Anonymous": 12}}
    )

    assert grid(table) == [
        [HIDDEN, HIDDEN, HIDDEN],
        [HIDDEN, HIDDEN, HIDDEN],
        ["11", "14", "25"],
    ]
    assert table.row_totals["Students"].reason is PRIMARY
    assert table.row_totals["Nurses"].reason is SECONDARY


def test_a_small_count_bounded_through_the_lines_around_it_is_protected() -> None:
    # Line by line, publishing the grand total of 4 looks safe. But Surgery/Email is Surgery's
    # total (Phone is 0), so it is 4 less Medicine/Phone and Medicine/Email, each 1 or more:
    # at most 2, below the threshold of 3. Looking at every line at once hides the 4 too.
    matrix = {"Surgery": {"Phone": 0, "Email": 1}, "Medicine": {"Phone": 1, "Email": 2}}
    table = suppress_two_way(matrix, 3)

    assert grid(table) == [
        ["0", HIDDEN, HIDDEN],
        [HIDDEN, HIDDEN, HIDDEN],
        [HIDDEN, HIDDEN, HIDDEN],
    ]
    check_two_way(matrix, 3)


def test_cross_tabulation_totals_given_by_the_caller_are_used_as_they_are() -> None:
    # two cases in Surgery each have two elements: the column total is 14, not 16
    table = suppress_two_way(
        {
            "Patient safety": {"Surgery": 9, "Medicine": 7},
            "Bullying": {"Surgery": 7, "Medicine": 6},
        },
        column_totals={"Surgery": 14, "Medicine": 13},
        grand_total=27,
    )

    assert grid(table) == [["9", "7", "16"], ["7", "6", "13"], ["14", "13", "27"]]


def test_missing_combinations_in_a_cross_tabulation_are_zeros() -> None:
    table = suppress_two_way({"Surgery": {"Phone": 5}, "Medicine": {"Email": 6}})

    assert table.columns == ("Phone", "Email")
    assert grid(table) == [["5", "0", "5"], ["0", "6", "6"], ["5", "6", "11"]]


def test_cross_tabulation_cells_are_labelled_by_row_and_column() -> None:
    table = suppress_two_way({"Surgery": {"Phone": 5}})

    assert table.cells["Surgery"]["Phone"].label == "Surgery, Phone"
    assert table.row_totals["Surgery"].label == "Surgery"
    assert table.column_totals["Phone"].label == "Phone"
    assert table.grand_total.label == "Total"


@pytest.mark.parametrize(
    ("matrix", "options", "message"),
    [
        ({}, {}, "at least one row and one column"),
        ({"Surgery": {}}, {}, "at least one row and one column"),
        ({"Surgery": {"Phone": 5}}, {"row_totals": {"Medicine": 5}}, "exactly \\['Surgery'\\]"),
        ({"Surgery": {"Phone": 5}}, {"grand_total": 4}, "more than its total"),
    ],
)
def test_impossible_cross_tabulations_are_refused(
    matrix: dict[str, dict[str, int]], options: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        suppress_two_way(matrix, **options)


# Properties ------------------------------------------------------------------------------------


def hidden_in(cells: list[Cell]) -> int:
    return sum(not cell.shown for cell in cells)


counts = st.integers(min_value=0, max_value=15)
thresholds = st.integers(min_value=3, max_value=8)


@settings(deadline=None)
@given(
    rows=st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=4),
    threshold=thresholds,
    published_elsewhere=st.booleans(),
)
def test_no_small_count_in_a_one_way_table_can_be_worked_out(
    rows: list[int], threshold: int, published_elsewhere: bool
) -> None:
    table = {f"Row {number}": count for number, count in enumerate(rows)}

    check_one_way(table, sum(rows), threshold, published_elsewhere=published_elsewhere)


@settings(deadline=None, max_examples=60)
@given(
    matrix=st.lists(
        st.lists(st.integers(min_value=0, max_value=6), min_size=2, max_size=3),
        min_size=2,
        max_size=2,
    ).filter(lambda rows: len({len(row) for row in rows}) == 1),
    threshold=thresholds,
)
def test_no_small_count_in_a_cross_tabulation_can_be_worked_out(
    matrix: list[list[int]], threshold: int
) -> None:
    check_two_way(
        {
            f"Row {row}": {f"Column {column}": count for column, count in enumerate(cells)}
            for row, cells in enumerate(matrix)
        },
        threshold,
    )


@given(
    rows=st.lists(counts, min_size=1, max_size=6),
    extra=st.integers(min_value=0, max_value=10),
    threshold=thresholds,
    published_elsewhere=st.booleans(),
)
def test_no_published_total_leaves_a_lone_hidden_cell(
    rows: list[int], extra: int, threshold: int, published_elsewhere: bool
) -> None:
    # a total above the sum stands for one whose parts overlap or miss some cases
    table = suppress_table(
        {f"Row {number}": count for number, count in enumerate(rows)},
        sum(rows) + extra,
        threshold,
        total_published_elsewhere=published_elsewhere,
    )

    assert table.total is not None
    assert all(cell.count == 0 or cell.count >= threshold for cell in table if cell.shown)
    # a lone row withheld with a total published elsewhere is at most that total, which is large
    withheld = published_elsewhere and not any(cell.shown for cell in table)
    assert hidden_in([*table, table.total]) != 1 or withheld
    assert all(cell.display == HIDDEN for cell in [*table, table.total] if not cell.shown)
    if published_elsewhere and table.total.count >= threshold:
        assert table.total.shown


@given(
    matrix=st.lists(st.lists(counts, min_size=3, max_size=3), min_size=1, max_size=4),
    threshold=thresholds,
)
def test_no_row_or_column_of_a_cross_tabulation_leaves_a_lone_hidden_cell(
    matrix: list[list[int]], threshold: int
) -> None:
    table = suppress_two_way(
        {
            f"Row {row}": {f"Column {column}": count for column, count in enumerate(cells)}
            for row, cells in enumerate(matrix)
        },
        threshold,
    )

    rows = [[*table.cells[row].values(), table.row_totals[row]] for row in table.rows] + [
        [*table.column_totals.values(), table.grand_total]
    ]
    columns = [
        [*(table.cells[row][column] for row in table.rows), table.column_totals[column]]
        for column in table.columns
    ] + [[*table.row_totals.values(), table.grand_total]]
    assert all(hidden_in(line) != 1 for line in rows + columns)
    every_cell = [cell for line in rows for cell in line]
    assert all(cell.count == 0 or cell.count >= threshold for cell in every_cell if cell.shown)
