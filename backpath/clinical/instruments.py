"""Instrument definitions: questionnaires as reviewed data, read and checked once.

Each file in ``data/instruments/`` describes one validated instrument: its items in the
published numbering (``q1``..``qN``), Dutch and English wording with a validation mark per
language, answer options with their published item scores, the scoring rule, bands, MCID,
LOINC codes and the licence that decides whether its wording may be bundled.  The one
scoring engine (``backpath.clinical.scoring``) reads these definitions; no instrument has
scoring code of its own except where its publication defines a rule that is not a sum
(STarT Back's risk groups, the Oswestry percentage).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from functools import cache, cached_property
from typing import Any

from pydantic import Field, ValidationError, model_validator

from backpath.clinical.citations import citations
from backpath.clinical.datafiles import DataFileError, data_names, load_yaml, parse
from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.language import Lang, Text
from backpath.clinical.models import FrozenModel


class Direction(StrEnum):
    HIGHER_IS_WORSE = "higher_is_worse"
    HIGHER_IS_BETTER = "higher_is_better"


class Method(StrEnum):
    """Scoring rules; each is implemented once in ``scoring.py`` and cites its publication."""

    SUM = "sum"  # total = sum of item scores after reversal
    PERCENT_OF_ANSWERED = "percent_of_answered"  # Oswestry: sum / (max x answered) x 100
    MEAN = "mean"  # PSK / PSFS: mean of the rated activities
    STARTBACK = "startback"  # sum + psychosocial subscale + Keele risk groups


class Option(FrozenModel):
    """An answer option: ``value`` is what is recorded, ``score`` what counts (default: value)."""

    value: int
    label: Text
    score: int | None = None


class Item(FrozenModel):
    link_id: str
    text: Text
    options: tuple[Option, ...] = Field(min_length=2)

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(option.value for option in self.options)

    @property
    def lowest(self) -> int:
        return min(self.values)

    @property
    def highest(self) -> int:
        return max(self.values)


@dataclass(frozen=True, slots=True)
class ScoringTable:
    """What the scoring engine needs per item, derived once from the definition.

    A plain slotted dataclass: the engine reads it for every answer, and attribute access on
    pydantic models is several times slower.
    """

    link_ids: tuple[str, ...]
    scores: tuple[dict[int, int], ...]  # per item: answer value -> item score
    highest_score: int
    band_limits: tuple[tuple[str, Fraction], ...]  # band id and exact upper bound, in order


class Band(FrozenModel):
    """One interpretation band; ``upper`` is inclusive and a fraction above it is the next band."""

    id: str
    upper: float | None = None
    label: Text
    interpretation: Text


class Sdc(FrozenModel):
    """Smallest detectable change: the change in points beyond measurement error."""

    points: float = Field(gt=0)
    citation: str


class Mcid(FrozenModel):
    """Minimal clinically important change, in points and optionally as a fraction of baseline.

    ``fraction`` counts for improvement only (Ostelo et al. 2008 define the minimal important
    change for improvement).  ``sdc`` is the instrument's published smallest detectable change,
    given only where a value can be cited; a deterioration must reach it when it is larger
    than ``points`` (``progress.change``).
    """

    points: float = Field(gt=0)
    fraction: float | None = Field(default=None, gt=0, lt=1)
    citation: str
    sdc: Sdc | None = None

    @property
    def worse_points(self) -> float:
        """The deterioration in points that counts as worse: the MIC, or a larger SDC."""
        return max(self.points, self.sdc.points) if self.sdc else self.points


class Wording(FrozenModel):
    """Whether a language's wording is the validated published version (or a faithful draft)."""

    validated: bool
    source: str


class Licence(FrozenModel):
    wording_bundled: bool
    copyright: str
    terms: Text


class Scoring(FrozenModel):
    method: Method
    reverse: tuple[str, ...] = ()
    subscales: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    min_answered: int = Field(ge=1)
    decimals: int = Field(default=0, ge=0, le=2)
    citation: str


class Range(FrozenModel):
    min: float
    max: float


class Instrument(FrozenModel):
    id: str
    abbreviation: str
    name: Text
    version: str
    revision: int = Field(ge=1)
    citation: str
    loinc: dict[str, str] = Field(default_factory=dict)
    licence: Licence
    wording: dict[Lang, Wording]
    instructions: Text
    direction: Direction
    range: Range
    items: tuple[Item, ...] = Field(min_length=1)
    scoring: Scoring
    bands: tuple[Band, ...] = ()
    interpretation: Text
    mcid: Mcid | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Instrument:
        link_ids = [item.link_id for item in self.items]
        expected = [f"q{n}" for n in range(1, len(self.items) + 1)]
        if link_ids != expected:
            raise ValueError(f"items must be numbered q1..q{len(self.items)} in order")
        known = set(link_ids)
        referenced = set(self.scoring.reverse).union(*self.scoring.subscales.values())
        if unknown := sorted(referenced - known):
            raise ValueError(f"scoring names unknown items {unknown}")
        if self.scoring.min_answered > len(self.items):
            raise ValueError("scoring.min_answered exceeds the number of items")
        if set(self.wording) != set(Lang):
            raise ValueError("wording must state validation for both nl and en")
        for citation_id in (self.citation, self.scoring.citation, *self._mcid_citation()):
            if citation_id not in citations():
                raise ValueError(f"citation {citation_id!r} is not in the citation registry")
        self._check_bands()
        return self

    def _scores_of(self, item: Item) -> dict[int, int]:
        """What each answer counts for; reversed items count ``lowest + highest - answer``."""
        if item.link_id in self.scoring.reverse:
            return {value: item.lowest + item.highest - value for value in item.values}
        return {
            option.value: option.value if option.score is None else option.score
            for option in item.options
        }

    @cached_property
    def table(self) -> ScoringTable:
        """Derived on first use and kept in the instance (pydantic leaves it out of dumps)."""
        scores = tuple(self._scores_of(item) for item in self.items)
        highest = max(max(table.values()) for table in scores)
        limits = tuple(
            (band.id, Fraction(band.upper)) for band in self.bands if band.upper is not None
        )
        return ScoringTable(tuple(item.link_id for item in self.items), scores, highest, limits)

    @property
    def item_scores(self) -> tuple[dict[int, int], ...]:
        """Per item, in item order, the score each allowed answer counts for."""
        return self.table.scores

    def _mcid_citation(self) -> tuple[str, ...]:
        if self.mcid is None:
            return ()
        sdc = self.mcid.sdc
        return (self.mcid.citation, *((sdc.citation,) if sdc else ()))

    def _check_bands(self) -> None:
        if self.scoring.method is Method.STARTBACK:
            if [band.id for band in self.bands] != ["low", "medium", "high"]:
                raise ValueError("STarT Back bands must be low, medium, high")
            return
        uppers = [band.upper for band in self.bands if band.upper is not None]
        if len(uppers) != len(self.bands):
            raise ValueError("every band needs an upper bound")
        if uppers != sorted(uppers) or (uppers and uppers[-1] != self.range.max):
            raise ValueError("band upper bounds must rise and end at the range maximum")

    @property
    def link_ids(self) -> tuple[str, ...]:
        return self.table.link_ids

    def band(self, band_id: str | None) -> Band | None:
        return next((band for band in self.bands if band.id == band_id), None)

    def with_wording(self, overlay: Mapping[str, Any]) -> Instrument:
        """This instrument with a clinic's licensed wording laid over the bundled structure.

        The overlay has the same shape as the data file but only wording: ``name``,
        ``instructions``, ``wording`` and per item ``text`` and option ``label``s.  Scores,
        item numbering and option values cannot be changed this way, so a licensed text can
        never alter how the instrument is scored.
        """
        data = self.model_dump(mode="json")
        allowed = {"id", "name", "instructions", "wording", "items"}
        if extra := sorted(set(overlay) - allowed):
            raise ClinicalInputError(extra[0], f"a wording file may only set {sorted(allowed)}")
        if overlay.get("id", self.id) != self.id:
            raise ClinicalInputError(
                "id", f"wording file is for {overlay['id']!r}, not {self.id!r}"
            )
        for key in ("name", "instructions", "wording"):
            if key in overlay:
                data[key] = overlay[key]
        for position, item_overlay in enumerate(overlay.get("items", [])):
            _overlay_item(data["items"], item_overlay, f"items.{position}")
        data["licence"]["wording_bundled"] = True
        try:
            return Instrument.model_validate(data)
        except ValidationError as error:
            first = error.errors(include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"]) or "wording"
            raise ClinicalInputError(where, first["msg"]) from None


def _overlay_item(items: list[dict[str, Any]], overlay: Any, where: str) -> None:
    if not isinstance(overlay, Mapping) or "link_id" not in overlay:
        raise ClinicalInputError(where, "each item needs a link_id")
    target = next((item for item in items if item["link_id"] == overlay["link_id"]), None)
    if target is None:
        raise ClinicalInputError(f"{where}.link_id", f"unknown item {overlay['link_id']!r}")
    if "text" in overlay:
        target["text"] = overlay["text"]
    labels = overlay.get("options", [])
    by_value = {option["value"]: option for option in target["options"]}
    for option in labels:
        if not isinstance(option, Mapping) or option.get("value") not in by_value:
            raise ClinicalInputError(f"{where}.options", f"values must be among {sorted(by_value)}")
        by_value[option["value"]]["label"] = option["label"]


def _expand_options(raw: dict[str, Any], source: str) -> dict[str, Any]:
    """Replace option-set names by their options; a ``scale`` set becomes one option per value."""
    sets: dict[str, Any] = raw.pop("option_sets", {})
    expanded: dict[str, list[dict[str, Any]]] = {}
    for name, spec in sets.items():
        if isinstance(spec, Mapping) and "scale" in spec:
            low, high = spec["scale"]["min"], spec["scale"]["max"]
            anchors = spec.get("anchors", {})
            expanded[name] = [
                {"value": v, "label": anchors.get(v, {"nl": str(v), "en": str(v)})}
                for v in range(low, high + 1)
            ]
        else:
            expanded[name] = spec
    for item in raw.get("items", []):
        ref = item.get("options")
        if isinstance(ref, str):
            if ref not in expanded:
                raise DataFileError(f"{source}: item {item.get('link_id')}: no option set {ref!r}")
            item["options"] = expanded[ref]
    return raw


@cache
def _load(name: str) -> Instrument:
    instrument = parse(Instrument, _expand_options(load_yaml(name), name), name)
    if f"instruments/{instrument.id}.yaml" != name:
        raise DataFileError(f"{name}: id {instrument.id!r} must match the file name")
    return instrument


@cache
def instruments() -> Mapping[str, Instrument]:
    """All bundled instruments by id, validated once."""
    loaded = (_load(name) for name in data_names("instruments"))
    return {definition.id: definition for definition in loaded}


def instrument(instrument_id: str) -> Instrument:
    """One bundled instrument; loads only its own file (the batch command starts faster)."""
    name = f"instruments/{instrument_id}.yaml"
    if name in data_names("instruments"):
        return _load(name)
    allowed = ", ".join(sorted(instruments()))
    raise ClinicalInputError(
        "instrument", f"unknown instrument {instrument_id!r}; known: {allowed}"
    )
