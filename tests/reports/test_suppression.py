from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fts_app.reports.suppression import (
    Cell,
    CrossTable,
    SuppressionReason,
    small_count_wording,
    suppress_count,
    suppress_table,
    suppress_two_way,
)

PRIMARY = SuppressionReason.PRIMARY
SECONDARY = SuppressionReason.SECONDARY
UNDER_5 = "fewer than 5"
HIDDEN = "not shown"


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


@pytest.mark.parametrize(
    ("count", "threshold", "display", "reason"),
    [
        (0, 5, "0", None),
        (1, 5, UNDER_5, PRIMARY),
        (4, 5, UNDER_5, PRIMARY),
        (5, 5, "5", None),
        (1234, 5, "1,234", None),
        (2, 3, "fewer than 3", PRIMARY),
        (3, 3, "3", None),
        (6, 7, "fewer than 7", PRIMARY),
        (7, 7, "7", None),
    ],
)
def test_counts_below_the_threshold_are_suppressed(
    count: int, threshold: int, display: str, reason: SuppressionReason | None
) -> None:
    cell = suppress_count(count, threshold, label="Cases this quarter")

    assert cell == Cell("Cases this quarter", count, reason is None, display, None, reason)


def test_the_default_threshold_is_five() -> None:
    assert suppress_count(4).display == UNDER_5
    assert suppress_count(5).display == "5"
    assert small_count_wording(6) == "fewer than 6"


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


def test_a_table_without_small_counts_is_published_whole_with_percentages() -> None:
    table = suppress_table({"Open": 10, "Confidential": 5, "Anonymous": 0}, total=15)

    assert [(cell.display, cell.percent) for cell in table] == [
        ("10", pytest.approx(66.667, abs=1e-3)),
        ("5", pytest.approx(33.333, abs=1e-3)),
        ("0", 0.0),
    ]
    assert all(cell.shown and cell.reason is None for cell in table)
    assert table.total == Cell("Total", 15, True, "15", None, None)


def test_two_small_counts_protect_each_other() -> None:
    table = suppress_table({"Phone": 3, "Email": 4, "In person": 20}, total=27)

    assert displays(table) == {"Phone": UNDER_5, "Email": UNDER_5, "In person": "20"}
    assert [cell.reason for cell in table] == [PRIMARY, PRIMARY, None]
    assert table.total.display == "27"


def test_a_lone_small_count_takes_the_next_smallest_with_it() -> None:
    # with the total published, 24 - 12 - 9 - 0 would give the 3 away
    table = suppress_table(
        {"Patient safety": 12, "Worker safety": 3, "Bullying or harassment": 9, "Other": 0},
        total=24,
    )

    assert displays(table) == {
        "Patient safety": "12",
        "Worker safety": UNDER_5,
        "Bullying or harassment": HIDDEN,
        "Other": "0",
    }
    assert [cell.reason for cell in table] == [None, PRIMARY, SECONDARY, None]
    assert [cell.percent for cell in table] == [50.0, None, None, 0.0]
    assert table.total.display == "24"


def test_zero_cells_stay_published_and_are_not_used_to_hide_a_small_count() -> None:
    table = suppress_table({"A": 3, "B": 0, "C": 6, "D": 0}, total=9)

    assert displays(table) == {"A": UNDER_5, "B": "0", "C": HIDDEN, "D": "0"}


def test_the_earliest_cell_is_hidden_when_two_are_equally_small() -> None:
    table = suppress_table({"A": 8, "B": 8, "C": 2}, total=18)

    assert displays(table) == {"A": HIDDEN, "B": "8", "C": UNDER_5}


def test_the_total_is_hidden_when_no_other_cell_can_hide_the_small_one() -> None:
    table = suppress_table({"Bullying or harassment": 3, "Other": 0}, total=9)

    assert displays(table) == {"Bullying or harassment": UNDER_5, "Other": "0"}
    assert table.total == Cell("Total", 9, False, HIDDEN, None, SECONDARY)
    assert table[1].percent is None


def test_a_small_total_is_suppressed_with_its_cells() -> None:
    table = suppress_table({"A": 2, "B": 1, "C": 0}, total=3)

    assert displays([*table, table.total]) == {
        "A": UNDER_5,
        "B": UNDER_5,
        "C": "0",
        "Total": UNDER_5,
    }
    assert [cell.percent for cell in table] == [None, None, None]


def test_percentages_are_of_the_total_even_when_it_is_not_the_sum() -> None:
    # a case can have several elements: 20 cases between them have 12 + 11 = 23 elements
    table = suppress_table({"Patient safety": 12, "Bullying or harassment": 11}, total=20)

    assert [cell.percent for cell in table] == [60.0, 55.0]
    assert table.total.count == 20


def test_an_unpublished_total_needs_no_secondary_suppression_and_gives_no_percentages() -> None:
    table = suppress_table({"A": 3, "B": 20}, total=None)

    assert displays(table) == {"A": UNDER_5, "B": "20"}
    assert table[1].percent is None
    assert table.total is None


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [
        (3, {"A": "fewer than 3", "B": HIDDEN, "C": "6", "D": "7"}),
        (5, {"A": UNDER_5, "B": UNDER_5, "C": "6", "D": "7"}),
        (7, {"A": "fewer than 7", "B": "fewer than 7", "C": "fewer than 7", "D": "7"}),
    ],
)
def test_the_threshold_sets_what_counts_as_small(threshold: int, expected: dict[str, str]) -> None:
    assert displays(suppress_table({"A": 2, "B": 3, "C": 6, "D": 7}, 18, threshold)) == expected


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
        [UNDER_5, HIDDEN, "12", "25"],
        [HIDDEN, HIDDEN, "20", "37"],
        ["15", "11", "0", "26"],
        ["26", "30", "32", "88"],
    ]


def test_small_totals_are_suppressed_and_protected_in_a_cross_tabulation() -> None:
    table = suppress_two_way(
        {"Students": {"Open": 1, "Anonymous": 2}, "Nurses": {"Open": 10, "Anonymous": 12}}
    )

    assert grid(table) == [
        [UNDER_5, UNDER_5, UNDER_5],
        [HIDDEN, HIDDEN, HIDDEN],
        ["11", "14", "25"],
    ]
    assert table.row_totals["Students"].reason is PRIMARY
    assert table.row_totals["Nurses"].reason is SECONDARY


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


def hidden_in(cells: list[Cell]) -> int:
    return sum(not cell.shown for cell in cells)


counts = st.integers(min_value=0, max_value=15)
thresholds = st.integers(min_value=3, max_value=7)


@given(
    rows=st.lists(counts, min_size=1, max_size=6),
    extra=st.integers(min_value=0, max_value=10),
    threshold=thresholds,
)
def test_no_published_total_leaves_a_lone_hidden_cell(
    rows: list[int], extra: int, threshold: int
) -> None:
    table = suppress_table(
        {f"Row {number}": count for number, count in enumerate(rows)}, sum(rows) + extra, threshold
    )

    assert all(cell.count == 0 or cell.count >= threshold for cell in table if cell.shown)
    assert hidden_in([*table, table.total]) != 1


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
