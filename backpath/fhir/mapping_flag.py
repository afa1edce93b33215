"""The red flags found in an episode as FHIR Flags: one per flag, from the first time it was
found (an assessment, at the intake or the review, or a re-check between visits) on.

A flag stays active while the episode is open: a red flag once found is not undone by a
later "no"; the clinician's answer to it is in the care plan (the hold, the GP's answer).
"""

from __future__ import annotations

from datetime import datetime

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.period import Period

from backpath.clinical.language import Lang
from backpath.clinical.redflags import red_flag_bank
from backpath.fhir.codes import RED_FLAG, hl7
from backpath.fhir.references import meta, patient
from backpath.fhir.sources import EpisodeRecords
from backpath.interchange import assessment_from_record


def _found(records: EpisodeRecords) -> dict[str, list[datetime]]:
    """Each flag found, with every time it was found, in order."""
    found: dict[str, list[datetime]] = {}
    for assessment in records.assessments:
        for flag in assessment_from_record(assessment.result).red_flags:
            found.setdefault(flag, []).append(assessment.created_at)
    for check in records.rechecks:
        for flag, yes in check.answers.items():
            if yes is True:
                found.setdefault(flag, []).append(check.created_at)
    return {flag: sorted(times) for flag, times in found.items()}


def flags(records: EpisodeRecords, lang: Lang) -> list[Flag]:
    episode = records.episode
    bank = red_flag_bank().by_id
    resources = []
    for flag_id, times in sorted(_found(records).items()):
        meaning = bank[flag_id].meaning(lang) if flag_id in bank else flag_id
        closed = episode.closed_at
        resources.append(
            Flag(
                id=f"{episode.id.hex}.{flag_id}",
                meta=meta(max(filter(None, (times[-1], closed)))),
                status="active" if closed is None else "inactive",
                category=[hl7("flag-category", "clinical")],
                code=CodeableConcept(
                    coding=[Coding(system=RED_FLAG, code=flag_id, display=meaning)], text=meaning
                ),
                subject=patient(episode.patient_id),
                period=Period(start=times[0], end=closed),
            )
        )
    return resources
