"""The stored records of one episode that the resources are built from, each loaded once.

Questionnaire answers come from two places: the intake (``care.Intake``, every instrument it
asked) and the measurements between visits (``followup.Measurement``, one per occasion). Both
become :class:`Answered`, one per instrument: a QuestionnaireResponse and its Observations.
Scores are computed by the clinical core from the stored answers (``clinical.scoring``), the
same function that scored them when they were stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from backpath.care.models import Assessment, Episode, Intake, PlanVersion
from backpath.clinical.instruments import Instrument, instrument, instruments
from backpath.clinical.scoring import Score, score
from backpath.followup.models import Measurement, RedFlagCheck

INTAKE = "intake"


def fhir_instrument(instrument_id: str) -> str:
    """An instrument id as a FHIR id (which has no underscore): ``orebro_sf`` -> ``orebro-sf``."""
    return instrument_id.replace("_", "-")


def instrument_of(fhir_id: str) -> Instrument | None:
    """The bundled instrument a FHIR id names, or None."""
    return instruments().get(fhir_id.replace("-", "_"))


@dataclass(frozen=True, slots=True)
class Answered:
    """One instrument answered on one occasion: at the intake or at a measurement."""

    record_id: uuid.UUID  # the Intake's or Measurement's id
    episode: Episode
    occasion: str  # "intake", "week-6", "discharge", "followup-3m"
    definition: Instrument
    version: str  # as recorded ("ODI 2.1a r1"); the definition's when none was recorded
    answers: Mapping[str, int | None]
    notes: Mapping[str, str]  # what the patient named beside items (PSK, PSFS activities)
    authored: datetime
    filled_by_id: int | None

    @property
    def fhir_id(self) -> str:
        return f"{self.record_id.hex}.{fhir_instrument(self.definition.id)}"

    @property
    def score(self) -> Score:
        return score(self.definition, self.answers)


def _version(definition: Instrument, recorded: Mapping[str, str]) -> str:
    return recorded.get(definition.id) or f"{definition.version} r{definition.revision}"


def _answered(
    *,
    record_id: uuid.UUID,
    episode: Episode,
    occasion: str,
    answers: Mapping[str, Mapping[str, int | None]],
    versions: Mapping[str, str],
    notes: Mapping[str, Mapping[str, str]],
    authored: datetime,
    filled_by_id: int | None,
) -> list[Answered]:
    found = []
    for instrument_id, values in answers.items():
        definition = instrument(instrument_id)
        found.append(
            Answered(
                record_id=record_id,
                episode=episode,
                occasion=occasion,
                definition=definition,
                version=_version(definition, versions),
                answers=dict(values),
                notes=dict(notes.get(instrument_id, {})),
                authored=authored,
                filled_by_id=filled_by_id,
            )
        )
    return found


def intake_answered(episode: Episode, intake: Intake) -> list[Answered]:
    if intake.finished_at is None:
        return []
    return _answered(
        record_id=intake.id,
        episode=episode,
        occasion=INTAKE,
        answers=intake.answers,
        versions=intake.instrument_versions,
        notes=intake.item_notes,
        authored=intake.finished_at,
        filled_by_id=intake.filled_by_id,
    )


def measurement_answered(episode: Episode, measurement: Measurement) -> list[Answered]:
    return _answered(
        record_id=measurement.id,
        episode=episode,
        occasion=measurement.occasion,
        answers=measurement.answers,
        versions=measurement.instrument_versions,
        notes={},
        authored=measurement.created_at,
        filled_by_id=measurement.filled_by_id,
    )


class EpisodeRecords:
    """One episode's records, each kind loaded on first use."""

    def __init__(self, episode: Episode) -> None:
        self.episode = episode

    @property
    def patient_id(self) -> uuid.UUID:
        return self.episode.patient_id

    @cached_property
    def intake(self) -> Intake | None:
        return Intake.objects.filter(episode=self.episode).first()

    @cached_property
    def measurements(self) -> list[Measurement]:
        return list(self.episode.measurements.order_by("created_at", "id"))

    @cached_property
    def answered(self) -> list[Answered]:
        found = intake_answered(self.episode, self.intake) if self.intake else []
        for measurement in self.measurements:
            found.extend(measurement_answered(self.episode, measurement))
        return found

    @cached_property
    def assessments(self) -> list[Assessment]:
        return list(self.episode.assessments.order_by("created_at", "id"))

    @cached_property
    def plans(self) -> list[PlanVersion]:
        return list(self.episode.plans.order_by("number"))

    @cached_property
    def rechecks(self) -> list[RedFlagCheck]:
        return list(self.episode.rechecks.order_by("created_at", "id"))
