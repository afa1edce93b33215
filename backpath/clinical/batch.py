"""Scoring many responses given as text cells (one row per response), for research batches.

The row scorer turns the text of each item cell into an answer, scores it with the same
engine as a single response (``scoring.score_values``) and returns the output cells.  It
remembers the output for answer patterns it has seen: scoring is a pure function of the
answers, and real batches repeat patterns (STarT Back has only 1,280 possible), so a
million-row file costs little more than reading and writing it.
"""

from __future__ import annotations

from collections.abc import Sequence

from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import Instrument
from backpath.clinical.scoring import Number, Score, allowed_values, score_values

MISSING = ""
_CACHE_LIMIT = 200_000


def _cell(value: Number | None) -> str:
    return "" if value is None else str(value)


def output_columns(definition: Instrument) -> list[str]:
    return ["total", *definition.scoring.subscales, "band", "answered", "missing", "valid"]


def output_cells(score: Score) -> tuple[str, ...]:
    return (
        _cell(score.total),
        *(_cell(value) for value in score.subscales.values()),
        score.band or "",
        str(score.answered),
        " ".join(score.missing),
        "true" if score.valid else "false",
    )


class RowScorer:
    """Scores rows whose cells hold the answers to ``columns`` (a subset of the linkIds)."""

    def __init__(self, definition: Instrument, columns: Sequence[str]) -> None:
        known = definition.link_ids
        for column in columns:
            if column not in known:
                raise ClinicalInputError(
                    column, f"unknown item column; {definition.id} has q1..q{len(known)}"
                )
        if len(set(columns)) != len(columns):
            raise ClinicalInputError("header", "a column appears twice")
        self.definition = definition
        self.columns = tuple(columns)
        self._positions = tuple(
            columns.index(link_id) if link_id in columns else None for link_id in known
        )
        by_id = {item.link_id: item for item in definition.items}
        # Text of every allowed answer, so "1", " 1" and "1.0" are judged exactly once.
        self._parsers = tuple(
            {str(value): value for value in by_id[column].values} | {MISSING: None}
            for column in self.columns
        )
        self._cache: dict[tuple[str, ...], tuple[str, ...]] = {}

    def score(self, cells: Sequence[str]) -> tuple[str, ...]:
        key = tuple(cells)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        if len(key) != len(self.columns):
            raise ClinicalInputError(
                "row", f"has {len(key)} answer cells, the header names {len(self.columns)}"
            )
        answers: list[int | None] = []
        for column, parser, cell in zip(self.columns, self._parsers, key, strict=True):
            text = cell if cell in parser else cell.strip()
            if text not in parser:
                item = self.definition.items[self.definition.link_ids.index(column)]
                raise ClinicalInputError(
                    column, f"must be {allowed_values(item)} or empty (got {cell!r})"
                )
            answers.append(parser[text])
        values = [None if p is None else answers[p] for p in self._positions]
        result = output_cells(score_values(self.definition, values))
        if len(self._cache) < _CACHE_LIMIT:
            self._cache[key] = result
        return result
