"""A care plan version as a FHIR CarePlan: one per version, the newer ``replaces`` the older.

Activities, in the plan's order:
- each plan line (component): what to do, with its reason, rule and source; a line the
  clinician left out is ``cancelled`` with the clinician's reason;
- each intervention the guideline does not recommend: ``doNotPerform`` (prohibited), with
  its reason, except one allowed only as an add-on to active care, which is described so;
- each evaluation: the questionnaires due (``instantiatesCanonical``) and the decision rule.
The texts are the plan as it was shown, in the language asked (``interchange.in_language``).
The rule id and the source travel as extensions; a source with a web page is also the
activity's ``instantiatesUri``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _
from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.careplan import CarePlan, CarePlanActivity, CarePlanActivityDetail
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.period import Period

from backpath.care.models import PlanVersion
from backpath.care.vocabulary import INTERVENTION_LABELS, VERDICT_LABELS
from backpath.clinical.citations import citations
from backpath.clinical.instruments import instrument
from backpath.clinical.language import Lang
from backpath.clinical.pathway import Evaluation, Moment, Verdict
from backpath.fhir.codes import CANONICAL, INTERVENTION, in_english
from backpath.fhir.mapping_questionnaire import canonical
from backpath.fhir.references import meta, patient, ref
from backpath.fhir.sources import EpisodeRecords
from backpath.interchange import in_language, plan_from_record

RULE = f"{CANONICAL}/StructureDefinition/rule"
SOURCE = f"{CANONICAL}/StructureDefinition/source"

# The plan's status -> its activities' status.
ACTIVITY_STATUS = {
    "active": "in-progress",
    "on-hold": "on-hold",
    "completed": "completed",
    "revoked": "cancelled",
}


def _provenance(rule: str, source: str) -> tuple[list[Extension], list[str] | None]:
    cited = citations().citations.get(source)
    extensions = [
        Extension(url=RULE, valueString=rule),
        Extension(url=SOURCE, valueString=cited.reference if cited else source),
    ]
    return extensions, [cited.url] if cited and cited.url else None


def _intervention(code: str) -> CodeableConcept:
    label = INTERVENTION_LABELS.get(code)
    display = in_english(label) if label is not None else code
    return CodeableConcept(
        coding=[Coding(system=INTERVENTION, code=code, display=display)],
        text=str(label) if label is not None else code,
    )


def _component(
    line: Mapping[str, Any], status: str, omitted: Mapping[str, str]
) -> CarePlanActivity:
    extensions, uri = _provenance(line["rule"], line["source"])
    left_out = line["id"] in omitted
    return CarePlanActivity(
        extension=extensions,
        detail=CarePlanActivityDetail(
            code=_intervention(line["id"]),
            status="cancelled" if left_out else status,
            statusReason=CodeableConcept(text=omitted[line["id"]]) if left_out else None,
            description=line["patient_text"],
            reasonCode=[CodeableConcept(text=line["text"])],
            instantiatesUri=uri,
            doNotPerform=False,
        ),
    )


def _not_recommended(line: Mapping[str, Any], status: str) -> CarePlanActivity:
    extensions, uri = _provenance(line["rule"], line["source"])
    verdict = Verdict(line["verdict"])
    return CarePlanActivity(
        extension=extensions,
        detail=CarePlanActivityDetail(
            code=_intervention(line["id"]),
            status=status,
            description=str(VERDICT_LABELS[verdict.value]),
            reasonCode=[CodeableConcept(text=line["reason"])],
            instantiatesUri=uri,
            # An add-on is allowed beside active care, never alone: not a prohibition.
            doNotPerform=verdict is not Verdict.ADD_ON_ONLY,
        ),
    )


def _occasion(evaluation: Evaluation) -> str:
    """The occasion key the measurement of this evaluation is stored under."""
    if evaluation.at is Moment.EVALUATION:
        return f"week-{evaluation.week}"
    return evaluation.at.value  # "intake", "discharge"


def _evaluation(
    evaluation: Evaluation, status: str, measured: frozenset[str], lang: Lang
) -> CarePlanActivity:
    extensions, uri = _provenance(evaluation.reason.rule, evaluation.reason.source)
    done = _occasion(evaluation) in measured
    return CarePlanActivity(
        extension=extensions,
        detail=CarePlanActivityDetail(
            kind="Task",
            status="completed" if done else status,
            description=evaluation.reason.text(lang),
            instantiatesCanonical=[canonical(instrument(i)) for i in evaluation.instruments]
            or None,
            instantiatesUri=uri,
            scheduledString=evaluation.due.isoformat() if evaluation.due else None,
            doNotPerform=False,
        ),
    )


def _status(version: PlanVersion, later: PlanVersion | None, records: EpisodeRecords) -> str:
    if later is not None:
        return "revoked"
    if records.episode.closed_at is not None:
        return "completed"
    return "on-hold" if plan_from_record(version.plan).on_hold else "active"


def _notes(version: PlanVersion) -> list[Annotation]:
    notes = []
    if version.reason:
        notes.append(
            Annotation(text=_("Why this version: %(reason)s") % {"reason": version.reason})
        )
    if version.note:
        notes.append(Annotation(text=version.note))
    return notes


def careplan(
    version: PlanVersion,
    earlier: PlanVersion | None,
    later: PlanVersion | None,
    records: EpisodeRecords,
    lang: Lang,
) -> CarePlan:
    status = _status(version, later, records)
    activity_status = ACTIVITY_STATUS[status]
    shown: Mapping[str, Any] = in_language(version.plan, lang)
    omitted = {line["id"]: line["reason"] for line in version.omitted}
    measured = frozenset(a.occasion for a in records.answered)
    activities: list[CarePlanActivity] = [
        *(_component(line, activity_status, omitted) for line in shown["components"]),
        *(_not_recommended(line, activity_status) for line in shown["not_recommended"]),
        *(
            _evaluation(e, activity_status, measured, lang)
            for e in plan_from_record(version.plan).evaluations
        ),
    ]
    closed = records.episode.closed_at
    changed = later.created_at if later is not None else (closed or version.created_at)
    return CarePlan(
        id=str(version.id),
        meta=meta(changed),
        status=status,
        intent="plan",
        title=_("Care plan, version %(number)s") % {"number": version.number},
        description=_(
            "Treatment profile %(profile)s: at most %(sessions)s sessions within %(weeks)s weeks."
        )
        % {
            "profile": version.profile,
            "sessions": version.max_sessions,
            "weeks": version.within_weeks,
        },
        subject=patient(records.patient_id),
        period=Period(start=version.starts_on),
        created=version.created_at,
        replaces=[ref("CarePlan", earlier.id)] if earlier is not None else None,
        addresses=[ref("Condition", records.episode.id)],
        note=_notes(version) or None,
        activity=activities,
    )


def careplans(records: EpisodeRecords, lang: Lang) -> list[CarePlan]:
    versions: Sequence[PlanVersion] = records.plans
    return [
        careplan(
            version,
            versions[n - 1] if n > 0 else None,
            versions[n + 1] if n + 1 < len(versions) else None,
            records,
            lang,
        )
        for n, version in enumerate(versions)
    ]
