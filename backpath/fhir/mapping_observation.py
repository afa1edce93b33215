"""A scored questionnaire as FHIR Observations: the total and each subscale, each with the
response it was derived from.

The total carries its band as ``interpretation`` (backpath's score-band system) and the
instrument's interpretation text as a note; a total the core could not score (too few items
answered) has no value but a ``dataAbsentReason`` and the note saying what is missing. Codes:
backpath's score system always, LOINC beside it where the code was checked (``codes``).
"""

from __future__ import annotations

from decimal import Decimal

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.quantity import Quantity

from backpath.clinical.language import Lang
from backpath.clinical.scoring import Number
from backpath.fhir.codes import (
    BAND,
    SCORE,
    UCUM,
    hl7,
    loinc,
    score_code,
    score_display,
)
from backpath.fhir.references import meta, patient, ref
from backpath.fhir.sources import Answered

TOTAL = "total"


def _observation(
    answered: Answered,
    part: str,
    subscale: str | None,
    value: Number | None,
    lang: Lang,
) -> Observation:
    definition = answered.definition
    display = score_display(definition, subscale)(lang)
    codings = [Coding(system=SCORE, code=score_code(definition, subscale), display=display)]
    if subscale is None:
        codings = [*loinc(definition, "total"), *codings]
    return Observation(
        id=f"{answered.fhir_id}.{part}",
        meta=meta(answered.authored),
        status="final",
        category=[hl7("observation-category", "survey")],
        code=CodeableConcept(coding=codings, text=display),
        subject=patient(answered.episode.patient_id),
        effectiveDateTime=answered.authored,
        issued=answered.authored,
        valueQuantity=None
        if value is None
        else Quantity(value=Decimal(str(value)), unit="score", system=UCUM, code="{score}"),
        dataAbsentReason=hl7("data-absent-reason", "unknown") if value is None else None,
        derivedFrom=[ref("QuestionnaireResponse", answered.fhir_id)],
    )


def observations(answered: Answered, lang: Lang) -> list[Observation]:
    scored = answered.score
    definition = answered.definition
    total = _observation(answered, TOTAL, None, scored.total, lang)
    band = definition.band(scored.band)
    if band is not None:
        total.interpretation = [
            CodeableConcept(
                coding=[
                    Coding(system=BAND, code=f"{definition.id}.{band.id}", display=band.label(lang))
                ],
                text=band.label(lang),
            )
        ]
    total.note = [Annotation(text=scored.interpretation(lang))]
    return [
        total,
        *(
            _observation(answered, name, name, value, lang)
            for name, value in scored.subscales.items()
        ),
    ]
