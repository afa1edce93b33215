"""Small-cell suppression at its boundary: a value in exactly ``min_cell`` rows stays."""

from __future__ import annotations

import pytest

from backpath.research.suppression import SUPPRESSED, Cell, ValueCounts
from backpath.research.tables import Column, Kind, Table

TABLE = Table(
    "t",
    "test row",
    (
        Column("sex", Kind.TEXT, "", "", suppressed=True),
        Column("codes", Kind.CODES, "", "", suppressed=True),
        Column("instrument", Kind.TEXT, "", ""),  # not suppressed
        Column("total", Kind.NUMBER, "", ""),
    ),
)


def suppress(rows: list[list[Cell]], min_cell: int) -> list[list[Cell]]:
    counts = ValueCounts(TABLE)
    counts.add(rows)
    return list(counts.suppressor(min_cell).apply([list(row) for row in rows]))


@pytest.mark.parametrize(("min_cell", "kept"), [(2, True), (3, False)])
def test_a_value_in_min_cell_rows_stays_and_in_fewer_goes(min_cell: int, kept: bool) -> None:
    rows: list[list[Cell]] = [["male", None, "x", 1], ["male", None, "x", 2]]
    rows += [["female", None, "x", 3]] * 3
    sexes = [row[0] for row in suppress(rows, min_cell)]
    assert sexes == ["male" if kept else SUPPRESSED] * 2 + ["female"] * 3


def test_each_code_of_a_cell_counts_on_its_own() -> None:
    rows: list[list[Cell]] = [
        [None, "education;massage", "x", 1],
        [None, "education", "x", 1],
        [None, "education;tens", "x", 1],
        [None, "massage", "x", 1],
    ]
    assert [row[1] for row in suppress(rows, 2)] == [
        "education;massage",
        "education",
        f"education;{SUPPRESSED}",
        "massage",
    ]
    assert [row[1] for row in suppress(rows, 3)] == [
        f"education;{SUPPRESSED}",
        "education",
        f"education;{SUPPRESSED}",
        SUPPRESSED,
    ]


def test_empty_cells_numbers_and_unsuppressed_columns_are_left_alone() -> None:
    rows: list[list[Cell]] = [[None, "", "rare", 7], ["", None, "x", 7.5]]
    assert suppress(rows, 10) == rows


def test_it_counts_the_cells_it_replaced_per_column() -> None:
    counts = ValueCounts(TABLE)
    rows: list[list[Cell]] = [["male", "tens", "x", 1], ["other", "education", "x", 1]]
    counts.add(rows)
    suppressor = counts.suppressor(2)
    list(suppressor.apply(rows))
    assert suppressor.replaced == {"sex": 2, "codes": 2}
