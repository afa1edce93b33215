"""The activities a patient named on the PSK or PSFS as FHIR Goals: doing them with less
difficulty (PSK) or better ability (PSFS) is what the patient works towards.

One Goal per named activity, from the intake; its achievement compares the latest rating
of the same item at a measurement with the intake's rating, in the instrument's direction.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.goal import Goal

from backpath.clinical.instruments import Direction
from backpath.fhir.codes import hl7
from backpath.fhir.references import meta, patient, ref
from backpath.fhir.sources import INTAKE, Answered, EpisodeRecords

# The instruments whose items are activities the patient names.
ACTIVITY_INSTRUMENTS = ("psk", "psfs")


def _achievement(baseline: int, latest: int | None, direction: Direction) -> str:
    if latest is None:
        return "in-progress"
    better = latest < baseline if direction is Direction.HIGHER_IS_WORSE else latest > baseline
    if latest == baseline:
        return "no-change"
    return "improving" if better else "worsening"


def _latest(records: EpisodeRecords, instrument_id: str, link_id: str) -> Answered | None:
    later = [
        a
        for a in records.answered
        if a.occasion != INTAKE
        and a.definition.id == instrument_id
        and a.answers.get(link_id) is not None
    ]
    return later[-1] if later else None


def goals(records: EpisodeRecords) -> list[Goal]:
    found = []
    episode = records.episode
    for answered in records.answered:
        if answered.occasion != INTAKE or answered.definition.id not in ACTIVITY_INSTRUMENTS:
            continue
        for link_id, activity in answered.notes.items():
            baseline = answered.answers.get(link_id)
            if not activity or baseline is None:
                continue
            latest = _latest(records, answered.definition.id, link_id)
            rating = latest.answers.get(link_id) if latest else None
            found.append(
                Goal(
                    id=f"{answered.fhir_id}.{link_id}",
                    meta=meta(latest.authored if latest else answered.authored),
                    lifecycleStatus="active" if episode.closed_at is None else "completed",
                    achievementStatus=hl7(
                        "goal-achievement",
                        _achievement(baseline, rating, answered.definition.direction),
                    ),
                    description=CodeableConcept(text=activity),
                    subject=patient(episode.patient_id),
                    startDate=timezone.localdate(answered.authored),
                    addresses=[ref("Condition", episode.id)],
                    note=[
                        Annotation(
                            text=_("%(instrument)s %(item)s at the intake: %(rating)s")
                            % {
                                "instrument": answered.definition.abbreviation,
                                "item": link_id,
                                "rating": baseline,
                            }
                        )
                    ],
                    outcomeReference=[ref("QuestionnaireResponse", latest.fhir_id)]
                    if latest
                    else None,
                )
            )
    return found
