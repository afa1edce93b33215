"""The episode's working diagnosis as a FHIR Condition: one per episode, its id the episode's.

The code is the latest assessment's diagnosis (low back pain or the lumbosacral radicular
syndrome): backpath's diagnosis system, with SNOMED CT where a code was checked. The
diagnosis is provisional after the intake and confirmed once a clinician has reviewed it;
it is active while the episode is open and resolved at discharge.
"""

from __future__ import annotations

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.condition import Condition

from backpath.care.models import AssessmentKind
from backpath.clinical.classification import Diagnosis
from backpath.clinical.intake import Complaint
from backpath.fhir.codes import (
    DIAGNOSIS,
    DIAGNOSIS_LABELS,
    SNOMED,
    SNOMED_DIAGNOSIS,
    hl7,
    in_english,
)
from backpath.fhir.references import meta, patient
from backpath.fhir.sources import EpisodeRecords


def diagnosis_code(diagnosis: Diagnosis) -> CodeableConcept:
    label = DIAGNOSIS_LABELS[diagnosis]
    codings = [Coding(system=DIAGNOSIS, code=diagnosis.value, display=in_english(label))]
    if diagnosis in SNOMED_DIAGNOSIS:
        code, display = SNOMED_DIAGNOSIS[diagnosis]
        codings.insert(0, Coding(system=SNOMED, code=code, display=display))
    return CodeableConcept(coding=codings, text=str(label))


def conditions(records: EpisodeRecords) -> list[Condition]:
    if not records.assessments:
        return []
    episode = records.episode
    first, latest = records.assessments[0], records.assessments[-1]
    reviewed = any(a.kind == AssessmentKind.REVIEW for a in records.assessments)
    intake = records.intake
    onset = Complaint.model_validate(intake.complaint).onset if intake else None
    changed = max(filter(None, (latest.created_at, episode.closed_at)))
    return [
        Condition(
            id=str(episode.id),
            meta=meta(changed),
            clinicalStatus=hl7(
                "condition-clinical", "active" if episode.closed_at is None else "resolved"
            ),
            verificationStatus=hl7(
                "condition-ver-status", "confirmed" if reviewed else "provisional"
            ),
            category=[hl7("condition-category", "encounter-diagnosis")],
            code=diagnosis_code(Diagnosis(latest.diagnosis)),
            subject=patient(episode.patient_id),
            onsetDateTime=onset,
            abatementDateTime=episode.closed_at,
            recordedDate=first.created_at,
        )
    ]
