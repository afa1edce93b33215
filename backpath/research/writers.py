"""Writing the tables as they stream: CSV row by row, Parquet a row group at a time.

Between the two passes of the export (count, then suppress and write) the rows wait in a
``Spool`` on disk, one JSON line per chunk, in the export's private staging folder; it is
removed before the export is published.

Both formats hold the same values: an empty CSV cell is a Parquet null, booleans are
``true``/``false`` in CSV, several codes are one text joined by ";" in both.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from backpath.research.options import Format
from backpath.research.suppression import Cell
from backpath.research.tables import Kind, Table

Rows = list[list[Cell]]


class Spool:
    """Rows parked on disk between the passes, one chunk per line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = path.open("w", encoding="utf-8")

    def write(self, rows: Rows) -> None:
        if rows:
            self._file.write(json.dumps(rows, ensure_ascii=False, separators=(",", ":")) + "\n")

    def close(self) -> None:
        self._file.close()

    def read(self) -> Iterator[Rows]:
        with self.path.open(encoding="utf-8") as lines:
            for line in lines:
                rows: Rows = json.loads(line)
                yield rows


class TableWriter(Protocol):
    def write(self, rows: Rows) -> None: ...

    def close(self) -> None: ...


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class CsvWriter:
    """The csv module itself writes None as an empty cell and a number as ``str()`` does,
    so only the boolean columns' cells are converted: a Python call for every cell was most
    of the time spent writing."""

    def __init__(self, directory: Path, table: Table) -> None:
        self.path = directory / f"{table.name}.csv"
        self._file = self.path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._file, lineterminator="\n")
        self._csv.writerow(table.names)
        self._booleans = [at for at, c in enumerate(table.columns) if c.kind is Kind.BOOLEAN]

    def write(self, rows: Rows) -> None:
        if self._booleans:
            rows = [self._with_booleans(row) for row in rows]
        self._csv.writerows(rows)

    def _with_booleans(self, row: list[Cell]) -> list[Cell]:
        row = row.copy()  # the caller's row stays as it was
        for at in self._booleans:
            row[at] = _csv_cell(row[at])
        return row

    def close(self) -> None:
        self._file.close()


# A row group holds about this many cells. The writer keeps every row group's metadata until
# the file's footer is written, so one group per chunk would let memory grow with the
# episodes (~1.5 KB per column per group); groups this size keep both the metadata and the
# buffered rows (Arrow columns, ~16 MB) small, and suit readers better too.
ROW_GROUP_CELLS = 2_000_000


class ParquetWriter:
    """One Parquet file per table, written a row group at a time: chunks are turned into
    Arrow batches as they come and written as one group once they hold enough cells."""

    def __init__(self, directory: Path, table: Table) -> None:
        # Imported here: a CSV export does not load pyarrow.
        import pyarrow as pa
        import pyarrow.parquet as pq

        arrow_types = {
            Kind.TEXT: pa.string(),
            Kind.CODES: pa.string(),
            Kind.INTEGER: pa.int64(),
            Kind.NUMBER: pa.float64(),
            Kind.BOOLEAN: pa.bool_(),
        }
        self.path = directory / f"{table.name}.parquet"
        self._pa: Any = pa
        self._types = [arrow_types[column.kind] for column in table.columns]
        self._schema = pa.schema(
            [pa.field(c.name, t) for c, t in zip(table.columns, self._types, strict=True)]
        )
        self._writer: Any = pq.ParquetWriter(self.path, self._schema)
        self._group_rows = max(1, ROW_GROUP_CELLS // len(table.columns))
        self._batches: list[Any] = []
        self._buffered = 0

    def write(self, rows: Rows) -> None:
        if not rows:
            return
        columns = zip(*rows, strict=True)
        arrays = [
            self._pa.array(values, type=kind)
            for values, kind in zip(columns, self._types, strict=True)
        ]
        self._batches.append(self._pa.RecordBatch.from_arrays(arrays, schema=self._schema))
        self._buffered += len(rows)
        if self._buffered >= self._group_rows:
            self._flush()

    def _flush(self) -> None:
        if self._batches:
            group = self._pa.Table.from_batches(self._batches, schema=self._schema)
            self._writer.write_table(group, row_group_size=self._buffered)
            self._batches, self._buffered = [], 0

    def close(self) -> None:
        self._flush()
        self._writer.close()


def table_writer(format: Format, directory: Path, table: Table) -> TableWriter:
    if format is Format.PARQUET:
        return ParquetWriter(directory, table)
    return CsvWriter(directory, table)
