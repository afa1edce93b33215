"""The data dictionary written beside the tables: ``dictionary.csv`` to read by program,
``dictionary.md`` to read. Both come from ``tables.py`` and list every column of every table,
nothing else; a column subject to small-cell suppression says so in both."""

from __future__ import annotations

import csv
from pathlib import Path

from backpath.research.suppression import SUPPRESSED
from backpath.research.tables import CODE_SEPARATOR, Column, Table

HEADER = ("table", "column", "type", "unit", "meaning", "allowed_values", "source", "suppressed")


def _allowed(column: Column, min_cell: int) -> str:
    if not column.suppressed:
        return column.allowed
    return f"{column.allowed}; or '{SUPPRESSED}' (a value in fewer than {min_cell} rows)"


def _line(table: Table, column: Column, min_cell: int) -> tuple[str, ...]:
    return (
        table.name,
        column.name,
        column.kind.value,
        column.unit,
        column.meaning,
        _allowed(column, min_cell),
        column.source,
        "yes" if column.suppressed else "no",
    )


def write_csv(directory: Path, tables: tuple[Table, ...], min_cell: int) -> Path:
    path = directory / "dictionary.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(
            _line(table, column, min_cell) for table in tables for column in table.columns
        )
    return path


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def write_markdown(directory: Path, tables: tuple[Table, ...], min_cell: int) -> Path:
    lines = [
        "# backpath research export: data dictionary",
        "",
        "- Pseudonyms (`episode`, `patient`, `clinic`) are keyed hashes under a key made for "
        "this export and never stored: they join the tables of this export and nothing else.",
        "- Dates are not exported: every day is a number of days since the episode's start "
        "(day 0 is the day it was opened).",
        "- No free text is exported: no names, contact details, notes, reasons or summaries.",
        "- An empty cell is a missing or not applicable value (a Parquet null).",
        f"- `codes` columns hold several codes, sorted, separated by `{CODE_SEPARATOR}`.",
        f"- Small cells: in a column marked *suppressed*, a value found in fewer than {min_cell} "
        f"rows is replaced by `{SUPPRESSED}` (in a `codes` column, each code on its own).",
    ]
    for table in tables:
        lines += [
            "",
            f"## {table.name}",
            "",
            f"One row per {table.meaning}.",
            "",
            "| column | type | unit | meaning | allowed values | source | suppressed |",
            "|---|---|---|---|---|---|---|",
        ]
        lines += [
            "| " + " | ".join(_cell(cell) for cell in _line(table, column, min_cell)[1:]) + " |"
            for column in table.columns
        ]
    path = directory / "dictionary.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
