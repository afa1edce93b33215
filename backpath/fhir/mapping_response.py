"""Stored answers as a FHIR QuestionnaireResponse: one per instrument per occasion.

Each item's answer is the coding of the answer option (the recorded value as the code), as
the Questionnaire lists it; an item left unanswered has no answer. The item texts are the
bundled ones (licensed wording withheld, as in the Questionnaire). An activity the patient
named beside an item (PSK, PSFS) is in the item's text after the question.
"""

from __future__ import annotations

from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItem,
    QuestionnaireResponseItemAnswer,
)
from fhir.resources.R4B.reference import Reference

from backpath.clinical.instruments import Item
from backpath.clinical.language import Lang
from backpath.fhir.mapping_questionnaire import canonical
from backpath.fhir.references import meta, patient, ref
from backpath.fhir.sources import Answered


def _author(answered: Answered) -> Reference | None:
    """Who filled it in: the patient (their own portal), else the clinician who did."""
    if answered.filled_by_id is None:
        return None
    if answered.filled_by_id == answered.episode.patient.user_id:
        return patient(answered.episode.patient_id)
    return ref("Practitioner", answered.filled_by_id)


def _item(answered: Answered, item: Item, lang: Lang) -> QuestionnaireResponseItem:
    value = answered.answers.get(item.link_id)
    text = item.text(lang)
    if named := answered.notes.get(item.link_id):
        text = f"{text} {named}"
    label = {option.value: option.label(lang) for option in item.options}
    answer = (
        None
        if value is None
        else [
            QuestionnaireResponseItemAnswer(
                valueCoding=Coding(code=str(value), display=label.get(value, str(value)))
            )
        ]
    )
    return QuestionnaireResponseItem(linkId=item.link_id, text=text, answer=answer)


def questionnaire_response(answered: Answered, lang: Lang) -> QuestionnaireResponse:
    definition = answered.definition
    return QuestionnaireResponse(
        id=answered.fhir_id,
        meta=meta(answered.authored),
        questionnaire=f"{canonical(definition)}|{answered.version}",
        status="completed",
        subject=patient(answered.episode.patient_id),
        authored=answered.authored,
        author=_author(answered),
        item=[_item(answered, item, lang) for item in definition.items],
    )
