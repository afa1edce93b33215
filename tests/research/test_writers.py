"""The writers: CSV cells, Parquet row groups, and the spool between the passes."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from backpath.research import writers
from backpath.research.suppression import Cell
from backpath.research.tables import Column, Kind, Table
from backpath.research.writers import CsvWriter, ParquetWriter, Spool

TABLE = Table(
    "t",
    "test row",
    (
        Column("code", Kind.TEXT, "", ""),
        Column("count", Kind.INTEGER, "", ""),
        Column("score", Kind.NUMBER, "", ""),
        Column("flag", Kind.BOOLEAN, "", ""),
    ),
)
ROWS: list[list[Cell]] = [
    ["a", 1, 4, True],
    ["b;c", None, 4.5, False],
    [None, 3, None, None],
    ["d", 0, 0.25, True],
    ["e", 5, 10, False],
]


def test_csv_cells_are_empty_for_none_and_true_false_for_booleans(tmp_path: Path) -> None:
    writer = CsvWriter(tmp_path, TABLE)
    writer.write(ROWS[:3])
    writer.close()
    assert (tmp_path / "t.csv").read_text() == (
        "code,count,score,flag\na,1,4,true\nb;c,,4.5,false\n,3,,\n"
    )


def test_parquet_is_written_in_row_groups_of_about_a_fixed_number_of_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writers, "ROW_GROUP_CELLS", 8)  # 4 columns: groups of 2 rows
    writer = ParquetWriter(tmp_path, TABLE)
    for row in ROWS:  # chunks of one row
        writer.write([row])
    writer.write([])
    writer.close()
    stored = pq.ParquetFile(tmp_path / "t.parquet")
    sizes = [stored.metadata.row_group(n).num_rows for n in range(stored.num_row_groups)]
    assert sizes == [2, 2, 1]
    assert stored.read().to_pylist() == [
        {"code": "a", "count": 1, "score": 4.0, "flag": True},
        {"code": "b;c", "count": None, "score": 4.5, "flag": False},
        {"code": None, "count": 3, "score": None, "flag": None},
        {"code": "d", "count": 0, "score": 0.25, "flag": True},
        {"code": "e", "count": 5, "score": 10.0, "flag": False},
    ]


def test_the_spool_gives_back_each_chunk_as_written(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    spool.write(ROWS[:2])
    spool.write([])
    spool.write(ROWS[2:])
    spool.close()
    assert list(spool.read()) == [ROWS[:2], ROWS[2:]]
