"""The quality figures laid out for a page, a CSV or a PDF: each figure with its measure, its
previous period, its target (the guideline's, or else the clinic's own) and whether it is
shown at all (outcome figures counting too few episodes are suppressed)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from backpath.quality.casemix import Adjusted
from backpath.quality.figures import (
    MIC_OCCASIONS,
    OUTCOME_MEASURES,
    OUTCOME_OCCASIONS,
    RELAPSE_OCCASIONS,
    Figures,
    Scope,
    Share,
)
from backpath.quality.measures import Measure, Section, measures
from backpath.quality.models import QualitySettings
from backpath.web.i18n import text

# Sections whose figures are outcomes, and so suppressed under the smallest count.
SUPPRESSED_SECTIONS = frozenset({Section.OUTCOMES, Section.OCCASIONS})


@dataclass(frozen=True, slots=True)
class Line:
    measure: Measure
    now: Share
    before: Share
    target: int | None  # percent
    target_is_own: bool  # the clinic's own target, not the guideline's
    smallest: int | None = None  # the suppression threshold, for outcome figures
    adjusted: Adjusted | None = None

    @property
    def title(self) -> str:
        return text(self.measure.title)

    @property
    def counts(self) -> str:
        return text(self.measure.counts)

    @property
    def suppressed(self) -> bool:
        """Too few counted to mean anything: the count is shown, not the percentage."""
        return self.smallest is not None and 0 < self.now.whole < self.smallest

    @property
    def percent(self) -> int | None:
        return None if self.suppressed else self.now.percent

    @property
    def adjusted_percent(self) -> int | None:
        return None if self.suppressed or self.adjusted is None else self.adjusted.percent

    @property
    def on_target(self) -> bool | None:
        """Whether the period's figure meets the target (None: no target or nothing counted)."""
        if self.target is None or self.percent is None:
            return None
        higher = self.measure.better == "higher"
        return self.percent >= self.target if higher else self.percent <= self.target


@dataclass(frozen=True, slots=True)
class Column:
    measure: Measure

    @property
    def title(self) -> str:
        return text(self.measure.title)

    @property
    def counts(self) -> str:
        return text(self.measure.counts)


@dataclass(frozen=True, slots=True)
class OccasionRow:
    occasion: str
    cells: Sequence[Line | None]  # one per OUTCOME_MEASURES column, None: not counted there


@dataclass(frozen=True, slots=True)
class Report:
    scope: Scope
    figures: Figures
    sections: Mapping[Section, Sequence[Line]]
    occasions: Sequence[OccasionRow]
    columns: Sequence[Column]  # the occasion table's columns
    smallest: int

    @property
    def process(self) -> Sequence[Line]:
        return self.sections[Section.PROCESS]

    @property
    def passive(self) -> Sequence[Line]:
        return self.sections[Section.PASSIVE]

    @property
    def outcomes(self) -> Sequence[Line]:
        return self.sections[Section.OUTCOMES]


def counted_at(occasion: str, measure: str) -> bool:
    if measure.startswith("mic_"):
        return occasion in MIC_OCCASIONS
    if measure == "relapse":
        return occasion in RELAPSE_OCCASIONS
    return True


def settings_of(clinic_id: uuid.UUID) -> QualitySettings:
    found = QualitySettings.objects.filter(clinic_id=clinic_id).first()
    return found or QualitySettings(clinic_id=clinic_id)


def build(scope: Scope, figures: Figures, own: QualitySettings) -> Report:
    def line(measure: Measure, now: Share, before: Share, adjusted: Adjusted | None = None) -> Line:
        own_target = own.targets.get(measure.id) if measure.target is None else None
        return Line(
            measure,
            now,
            before,
            measure.target if measure.target is not None else own_target,
            own_target is not None,
            own.smallest_count if measure.section in SUPPRESSED_SECTIONS else None,
            adjusted,
        )

    sections: dict[Section, list[Line]] = {section: [] for section in Section}
    for key, measure in measures().items():
        if measure.section is not Section.OCCASIONS:
            sections[measure.section].append(
                line(measure, figures.counts[key], figures.before[key])
            )
    columns = [Column(measures()[key]) for key in OUTCOME_MEASURES]
    rows = []
    for occasion in OUTCOME_OCCASIONS:
        cells: list[Line | None] = []
        for column in columns:
            if not counted_at(occasion, column.measure.id):
                cells.append(None)
                continue
            found = figures.outcomes[(occasion, column.measure.id)]
            cells.append(line(column.measure, found.now, found.before, adjusted=found.adjusted))
        rows.append(OccasionRow(occasion, cells))
    return Report(scope, figures, sections, rows, columns, own.smallest_count)
