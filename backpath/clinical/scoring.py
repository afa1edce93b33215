"""The scoring engine: one function that scores any instrument from its definition.

Rules, each from the instrument's publication (the definition's ``scoring.citation``):
- reversed items score ``lowest + highest - answer`` (TSK-17 items 4, 8, 12, 16: Miller,
  Kori & Todd 1991; ÖMPSQ-SF items 3, 4, 8: Linton et al. 2011);
- ``sum`` needs ``min_answered`` items (all, unless the publication allows fewer);
- ``percent_of_answered`` is the Oswestry rule, sum / (5 x answered sections) x 100, scored
  when at least 8 of 10 sections are answered (Fairbank & Pynsent 2000; backpath default);
- ``mean`` averages the activities a patient rated (PSK: Beurskens 1996; PSFS: Stratford 1995);
- ``startback``: total <= 3 low; otherwise psychosocial subscale <= 3 medium, else high
  (Hill et al. 2008; Keele scoring guide).
Bands are chosen on the exact value: a fraction above a band's upper bound is the next band.
Totals with decimals (PSK and PSFS means, the Oswestry percentage) are rounded half up, as
clinicians round by hand (2.25 -> 2.3, not Python's round-half-to-even 2.2): decimal
ROUND_HALF_UP, computed from the exact fraction in whole numbers (``round_half_up``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import assert_never

from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import Instrument, Item, Method, ScoringTable
from backpath.clinical.language import Lang, Text

Number = int | float

_NOT_SCORABLE = Text(
    nl="Niet te scoren: {answered} van {items} vragen beantwoord; {name} vraagt er minstens "
    "{needed}. Vul de ontbrekende vragen aan ({missing}).",
    en="Not scorable: {answered} of {items} items answered; {name} needs at least {needed}. "
    "Complete the missing items ({missing}).",
)


@dataclass(frozen=True, slots=True)
class Score:
    """A scored response; the definition travels along so the result explains itself."""

    definition: Instrument = field(repr=False, compare=False)
    total: Number | None
    subscales: Mapping[str, Number | None]
    band: str | None
    answered: int
    missing: tuple[str, ...]

    @property
    def instrument(self) -> str:
        return self.definition.id

    @property
    def version(self) -> str:
        return self.definition.version

    @property
    def valid(self) -> bool:
        return self.total is not None

    def interpretation(self, lang: Lang) -> str:
        definition = self.definition
        if self.total is None:
            return _NOT_SCORABLE(lang).format(
                answered=self.answered,
                items=len(definition.items),
                name=definition.abbreviation,
                needed=definition.scoring.min_answered,
                missing=", ".join(self.missing),
            )
        band = definition.band(self.band)
        template = band.interpretation if band else definition.interpretation
        return template(lang).format(
            total=self.total, max=_plain(definition.range.max), **self.subscales
        )


def _plain(value: float) -> Number:
    return int(value) if float(value).is_integer() else value


def allowed_values(item: Item) -> str:
    values = item.values
    if values == tuple(range(values[0], values[-1] + 1)) and len(values) > 5:
        return f"a whole number from {values[0]} to {values[-1]}"
    return "one of " + ", ".join(str(value) for value in values)


def validate_answers(
    definition: Instrument, answers: Mapping[str, object], field_prefix: str = "answers"
) -> tuple[int | None, ...]:
    """The answers as item values in item order (None = missing), or a named error."""
    table = definition.table
    for link_id in answers:
        if link_id not in table.link_ids:
            raise ClinicalInputError(
                f"{field_prefix}.{link_id}",
                f"unknown item; {definition.id} has items q1..q{len(table.link_ids)}",
            )
    values: list[int | None] = []
    for link_id, scores in zip(table.link_ids, table.scores, strict=True):
        value = answers.get(link_id)
        # bool is an int in Python; a questionnaire answer of `true` is a type error.
        if value is not None and (type(value) is not int or value not in scores):
            item = definition.items[len(values)]
            raise ClinicalInputError(
                f"{field_prefix}.{link_id}",
                f"must be {allowed_values(item)} or null (got {value!r})",
            )
        values.append(value)
    return tuple(values)


def score(definition: Instrument, answers: Mapping[str, object]) -> Score:
    """Score a response given as ``{linkId: value or None}``; absent items are missing."""
    return score_values(definition, validate_answers(definition, answers))


def score_values(definition: Instrument, values: Sequence[int | None]) -> Score:
    """Score already-validated item values in item order (None = missing)."""
    table = definition.table
    scoring = definition.scoring
    scored: dict[str, int] = {}
    missing: list[str] = []
    for link_id, scores, value in zip(table.link_ids, table.scores, values, strict=True):
        if value is None:
            missing.append(link_id)
        else:
            scored[link_id] = scores[value]
    answered = len(scored)
    if answered < scoring.min_answered:
        empty = dict.fromkeys(scoring.subscales)
        return Score(definition, None, empty, None, answered, tuple(missing))

    subscales: dict[str, Number | None] = {
        name: sum(scored[link_id] for link_id in link_ids)
        if all(link_id in scored for link_id in link_ids)
        else None
        for name, link_ids in scoring.subscales.items()
    }
    # The exact value as numerator / denominator in whole numbers, so that a band boundary is
    # never blurred by floating-point rounding (ODI 20.0 is minimal, 20.2 is moderate).
    total_sum = sum(scored.values())
    method = scoring.method
    match method:
        case Method.SUM | Method.STARTBACK:
            numerator, denominator = total_sum, 1
        case Method.PERCENT_OF_ANSWERED:
            numerator, denominator = total_sum * 100, table.highest_score * answered
        case Method.MEAN:
            numerator, denominator = total_sum, answered
        case _:  # pragma: no cover - exhaustiveness guard for mypy
            assert_never(method)

    band: str | None
    if method is Method.STARTBACK:
        band = _startback_group(total_sum, subscales["psychosocial"])
    else:
        band = _band(table, numerator, denominator)
    total = round_half_up(numerator, denominator, scoring.decimals)
    return Score(definition, total, subscales, band, answered, tuple(missing))


def round_half_up(numerator: int, denominator: int, decimals: int) -> Number:
    """``numerator / denominator`` to ``decimals`` places, a tie rounded away from zero.

    The rule of ``decimal.ROUND_HALF_UP`` (9 / 4 = 2.25 -> 2.3, 47 / 20 = 2.35 -> 2.4),
    worked out in whole numbers: the exact value is never a binary float, so a tie is always
    seen as one.  With 0 decimals the result is an int, otherwise the float nearest to the
    rounded decimal (what ``float("2.3")`` gives).
    """
    if denominator <= 0:
        raise ValueError(f"denominator must be positive (got {denominator})")
    scale: int = 10**decimals
    # floor(|n| / d x scale + 1/2) in whole numbers
    magnitude = (2 * abs(numerator) * scale + denominator) // (2 * denominator)
    rounded = -magnitude if numerator < 0 else magnitude
    return rounded if decimals == 0 else rounded / scale


def _startback_group(total: int, psychosocial: Number | None) -> str:
    """Keele STarT Back risk groups (Hill et al., Arthritis Rheum 2008;59:632-41)."""
    if total <= 3:
        return "low"
    assert psychosocial is not None  # STarT Back requires all items, subscale included
    return "medium" if psychosocial <= 3 else "high"


def _band(table: ScoringTable, numerator: int, denominator: int) -> str | None:
    for band_id, upper in table.band_limits:
        # numerator / denominator <= upper, in whole numbers
        if numerator * upper.denominator <= upper.numerator * denominator:
            return band_id
    return None
