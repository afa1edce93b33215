"""Small-cell suppression: a categorical value found in fewer than ``min_cell`` rows of its
column is replaced by a marker, so a rare combination cannot single out a patient.

Only the columns the dictionary marks as suppressed take part (codes and categories; not
numbers, pseudonyms or the measurement's instrument and occasion). In a column of several
codes each code counts on its own: a rare intervention is hidden, the common ones beside it
stay. An empty cell is no category and is never counted or replaced.

The counts need every row, so the export counts on a first pass (``ValueCounts``) and
replaces on the second (``Suppressor``); only the counts are held, one per distinct value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from backpath.research.tables import CODE_SEPARATOR, Kind, Table

SUPPRESSED = "suppressed"

Cell = str | int | float | bool | None


def _codes(cell: str) -> list[str]:
    return cell.split(CODE_SEPARATOR)


class ValueCounts:
    """How many rows hold each value, per suppressed column of one table."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self._columns = [
            (at, column.kind is Kind.CODES)
            for at, column in enumerate(table.columns)
            if column.suppressed
        ]
        self._counts: dict[int, Counter[str]] = {at: Counter() for at, _codes in self._columns}

    def add(self, rows: Iterable[Sequence[Cell]]) -> None:
        for row in rows:
            for at, several in self._columns:
                cell = row[at]
                if not isinstance(cell, str) or not cell:
                    continue
                if several:
                    self._counts[at].update(_codes(cell))
                else:
                    self._counts[at][cell] += 1

    def suppressor(self, min_cell: int) -> Suppressor:
        rare = {
            at: frozenset(value for value, count in counts.items() if count < min_cell)
            for at, counts in self._counts.items()
        }
        return Suppressor(self.table, {at: values for at, values in rare.items() if values})


class Suppressor:
    """Replaces the rare values of one table's rows, and counts the cells it changed."""

    def __init__(self, table: Table, rare: Mapping[int, frozenset[str]]) -> None:
        self._rare = rare
        self._several = {at for at in rare if table.columns[at].kind is Kind.CODES}
        self._names = {at: table.columns[at].name for at in rare}
        self.replaced: Counter[str] = Counter()

    def apply(self, rows: Iterable[list[Cell]]) -> Iterable[list[Cell]]:
        for row in rows:
            for at, rare in self._rare.items():
                cell = row[at]
                if not isinstance(cell, str) or not cell:
                    continue
                if at in self._several:
                    codes = _codes(cell)
                    kept = [code for code in codes if code not in rare]
                    if len(kept) < len(codes):
                        row[at] = CODE_SEPARATOR.join([*kept, SUPPRESSED])
                        self.replaced[self._names[at]] += 1
                elif cell in rare:
                    row[at] = SUPPRESSED
                    self.replaced[self._names[at]] += 1
            yield row
