"""An instrument as a FHIR Questionnaire: one per instrument version, with its items and
answer options, from the bundled definition (``clinical.instruments``).

The bundled definition only: where the wording is licensed (ODI, QBPDS), the items carry the
bundled structure's neutral texts and the licence in ``copyright``, never a clinic's
licensed wording (``care.questionnaires``), since the Questionnaire is public. Each answer
option is a coding whose code is the recorded value and whose ``ordinalValue`` is the
score it counts for.
"""

from __future__ import annotations

from decimal import Decimal

from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.questionnaire import (
    Questionnaire,
    QuestionnaireItem,
    QuestionnaireItemAnswerOption,
)

from backpath.clinical.instruments import Instrument, Item
from backpath.clinical.language import Lang
from backpath.fhir.codes import CANONICAL, loinc
from backpath.fhir.sources import fhir_instrument

ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"


def canonical(definition: Instrument) -> str:
    return f"{CANONICAL}/Questionnaire/{fhir_instrument(definition.id)}"


def version(definition: Instrument) -> str:
    """The version as the records store it: the instrument's version and revision."""
    return f"{definition.version} r{definition.revision}"


def _options(
    definition: Instrument, position: int, item: Item, lang: Lang
) -> list[QuestionnaireItemAnswerOption]:
    scores = definition.item_scores[position]
    return [
        QuestionnaireItemAnswerOption(
            valueCoding=Coding(
                code=str(option.value),
                display=option.label(lang),
                extension=[
                    Extension(url=ORDINAL_VALUE, valueDecimal=Decimal(scores[option.value]))
                ],
            )
        )
        for option in item.options
    ]


def questionnaire(definition: Instrument, lang: Lang) -> Questionnaire:
    licence = definition.licence
    return Questionnaire(
        id=fhir_instrument(definition.id),
        url=canonical(definition),
        version=version(definition),
        # A computer-friendly name (FHIR: a letter, then letters, digits and "_").
        name="".join(part.title() for part in definition.id.split("_")),
        title=definition.name(lang),
        status="active",
        subjectType=["Patient"],
        publisher="backpath",
        description=definition.instructions(lang),
        copyright=f"{licence.copyright} {licence.terms(lang)}",
        code=loinc(definition, "panel") or None,
        item=[
            QuestionnaireItem(
                linkId=item.link_id,
                text=item.text(lang),
                type="choice",
                answerOption=_options(definition, position, item, lang),
            )
            for position, item in enumerate(definition.items)
        ],
    )
