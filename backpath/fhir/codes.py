"""The code systems the resources use: LOINC and SNOMED CT where a code was checked, and
backpath's own code systems, served at ``/fhir/R4/CodeSystem/{id}``, for everything else.

An external code is used only when it is listed here with where it was checked: a code in an
instrument's data file that is not listed here is left out, never sent unchecked. backpath's
systems have stable canonical URLs under :data:`CANONICAL` (the same in every installation,
so two clinics' data compare); the server that holds them is any backpath.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.codesystem import (
    CodeSystem,
    CodeSystemConcept,
    CodeSystemConceptDesignation,
)
from fhir.resources.R4B.coding import Coding

from backpath import __version__
from backpath.care.vocabulary import INTERVENTION_LABELS
from backpath.clinical.classification import Diagnosis
from backpath.clinical.instruments import Instrument, instruments
from backpath.clinical.language import Lang, Text
from backpath.clinical.pathway import pathway_rules
from backpath.clinical.redflags import red_flag_bank

CANONICAL = "https://backpath.example/fhir"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
HL7 = "http://terminology.hl7.org/CodeSystem"


def system(name: str) -> str:
    """The canonical URL of one of backpath's code systems."""
    return f"{CANONICAL}/CodeSystem/{name}"


SCORE = system("score")  # an instrument's total ("odi") or subscale ("startback.psychosocial")
BAND = system("score-band")  # a total's interpretation band ("nprs.moderate")
DIAGNOSIS = system("diagnosis")  # the working diagnosis (lbp, lrs)
RED_FLAG = system("red-flag")  # a red-flag question of the bank ("CES-1")
INTERVENTION = system("intervention")  # a care-plan line or a not-recommended intervention

# LOINC codes in the instrument files, each checked against a published FHIR source:
# 72514-3 "Pain severity - 0-10 verbal numeric rating [Score] - Reported": HL7 Belgium patient
# monitoring IG, ValueSet pain-scale (links loinc.org/72514-3).
# 97908-8 "Oswestry Disability Index" (panel) and 97909-6 "Oswestry disability index score
# ODI": PACIO sample data IG, Questionnaire OswestryDisabilityIndexQuestionnaire.
# 91351-7 "Total score [STarT Back]": CQF cds4cpm IG (AHRQ CDS Connect pain management CQL).
VERIFIED_LOINC = {
    "72514-3": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
    "97908-8": "Oswestry Disability Index",
    "97909-6": "Oswestry disability index score ODI",
    "91351-7": "Total score [STarT Back]",
}

# SNOMED CT 279039007 "Low back pain (finding)": checked in several published concept lookups.
# No code for the lumbosacral radicular syndrome was found consistently (one candidate is named
# cervical radiculopathy in one source and lumbar in another): LRS is coded in backpath's own
# system only.
SNOMED_DIAGNOSIS = {Diagnosis.LBP: ("279039007", "Low back pain (finding)")}

DIAGNOSIS_LABELS: dict[Diagnosis, Promise] = {
    Diagnosis.LBP: _("Non-specific low back pain"),
    Diagnosis.LRS: _("Lumbosacral radicular syndrome (LRS)"),
}


def loinc(instrument: Instrument, part: str) -> list[Coding]:
    """The instrument's LOINC code for ``part`` (``panel`` or ``total``), when checked."""
    code = instrument.loinc.get(part)
    if code is None or code not in VERIFIED_LOINC:
        return []
    return [Coding(system=LOINC, code=code, display=VERIFIED_LOINC[code])]


def hl7(name: str, code: str) -> CodeableConcept:
    """A code of one of HL7's own terminology code systems (``observation-category``...)."""
    return CodeableConcept(coding=[Coding(system=f"{HL7}/{name}", code=code)])


def in_english(label: Promise) -> str:
    with translation.override(Lang.EN.value):
        return str(label)


def in_dutch(label: Promise) -> str:
    with translation.override(Lang.NL.value):
        return str(label)


# --- backpath's code systems ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Concept:
    code: str
    display: Text


def score_code(instrument: Instrument, subscale: str | None = None) -> str:
    return instrument.id if subscale is None else f"{instrument.id}.{subscale}"


def score_display(instrument: Instrument, subscale: str | None = None) -> Text:
    if subscale is None:
        return Text.compose(
            nl=f"{instrument.abbreviation} totaalscore", en=f"{instrument.abbreviation} total score"
        )
    return Text.compose(
        nl=f"{instrument.abbreviation} subschaal {subscale}",
        en=f"{instrument.abbreviation} {subscale} subscale",
    )


def _scores() -> Iterator[Concept]:
    for instrument in instruments().values():
        yield Concept(score_code(instrument), score_display(instrument))
        for subscale in instrument.scoring.subscales:
            yield Concept(score_code(instrument, subscale), score_display(instrument, subscale))


def _bands() -> Iterator[Concept]:
    for instrument in instruments().values():
        for band in instrument.bands:
            yield Concept(f"{instrument.id}.{band.id}", band.label)


def _labelled(labels: dict[str, Promise] | dict[Diagnosis, Promise]) -> Iterator[Concept]:
    for code, label in labels.items():
        yield Concept(str(code), Text.compose(nl=in_dutch(label), en=in_english(label)))


def _red_flags() -> Iterator[Concept]:
    for flag in red_flag_bank().flags:
        yield Concept(flag.id, flag.meaning)


def _interventions() -> Iterator[Concept]:
    rules = pathway_rules()
    known = [
        *(line.id for line in rules.components),
        *(line.id for line in rules.not_recommended),
        *(line.id for line in rules.hold.never),
    ]
    labelled = {code: INTERVENTION_LABELS[code] for code in dict.fromkeys(known)}
    yield from _labelled(labelled)


@dataclass(frozen=True, slots=True)
class Served:
    id: str
    title: str
    description: str
    concepts: Callable[[], Iterator[Concept]]

    @property
    def url(self) -> str:
        return system(self.id)


SERVED = {
    served.id: served
    for served in (
        Served(
            "score",
            "backpath instrument scores",
            "An instrument's total (the instrument id) or subscale (instrument.subscale).",
            _scores,
        ),
        Served(
            "score-band",
            "backpath score bands",
            "The interpretation band of an instrument's total (instrument.band).",
            _bands,
        ),
        Served(
            "diagnosis",
            "backpath working diagnoses",
            "The working diagnosis the care pathway follows (KNGF 2021).",
            lambda: _labelled(DIAGNOSIS_LABELS),
        ),
        Served(
            "red-flag",
            "backpath red flags",
            "The red-flag questions of backpath's bank, by id; the display is what a yes means.",
            _red_flags,
        ),
        Served(
            "intervention",
            "backpath interventions",
            "The care-plan lines and the interventions the guideline does not recommend.",
            _interventions,
        ),
    )
}


@cache
def code_system(system_id: str) -> CodeSystem:
    """One of backpath's code systems as a resource (English display, Dutch designation)."""
    served = SERVED[system_id]
    concepts = [
        CodeSystemConcept(
            code=concept.code,
            display=concept.display.en,
            designation=[CodeSystemConceptDesignation(language="nl", value=concept.display.nl)],
        )
        for concept in served.concepts()
    ]
    return CodeSystem(
        id=served.id,
        url=served.url,
        version=__version__,
        name="Backpath" + "".join(part.title() for part in served.id.split("-")),
        title=served.title,
        status="active",
        publisher="backpath",
        description=served.description,
        caseSensitive=True,
        content="complete",
        count=len(concepts),
        concept=concepts,
    )
