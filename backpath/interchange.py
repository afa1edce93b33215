"""The JSON shapes of backpath's public contract (the command line; later the HTTP API),
and the typed read-back of the records stored in those shapes.

Clinics and researchers script against these shapes: add fields compatibly, never rename or
remove one. The README documents every field.

The web app stores an assessment's result and a plan as ``{"nl": ..., "en": ...}`` copies
of these shapes, so what a clinician saw stays on record. Rules never read those copies by
key: ``assessment_from_record`` and ``plan_from_record`` turn them back into typed values,
``in_language`` hands one copy to a page, and ``revise_input`` changes a stored core input.
This module is the only place that knows the keys (a test enforces it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from backpath import __version__
from backpath.clinical.citations import citations
from backpath.clinical.classification import Diagnosis
from backpath.clinical.instruments import Instrument
from backpath.clinical.intake import Assessment, complete_screen
from backpath.clinical.language import Lang, Text
from backpath.clinical.pathway import CarePlan, Evaluation, Moment, Verdict
from backpath.clinical.reasons import Reason
from backpath.clinical.redflags import Action, RedFlagBank
from backpath.clinical.scoring import Score
from backpath.clinical.stratification import Profile

Json = dict[str, Any]


def score_json(score: Score, lang: Lang) -> Json:
    return {
        "instrument": score.instrument,
        "version": score.version,
        "total": score.total,
        "subscales": dict(score.subscales),
        "band": score.band,
        "answered": score.answered,
        "missing": list(score.missing),
        "valid": score.valid,
        "interpretation": score.interpretation(lang),
    }


def instrument_summary_json(definition: Instrument) -> Json:
    return {
        "id": definition.id,
        "abbreviation": definition.abbreviation,
        "name": definition.name.model_dump(),
        "version": definition.version,
        "items": len(definition.items),
        "wording_bundled": definition.licence.wording_bundled,
    }


def instrument_json(definition: Instrument) -> Json:
    data: Json = definition.model_dump(mode="json")
    data["definition_revision"] = data.pop("revision")
    return data


def red_flags_json(bank: RedFlagBank) -> list[Json]:
    return [
        {
            "id": flag.id,
            "condition": flag.condition.value,
            "strength": flag.strength.value,
            "action": flag.action.value,
            "asked_of": flag.asked_of.value,
            "also_conditions": [c.value for c in flag.also_conditions],
            "question": flag.question.model_dump(),
            "changed_question": None
            if flag.changed_question is None
            else flag.changed_question.model_dump(),
            "meaning": flag.meaning.model_dump(),
            "escalate": None
            if flag.escalate is None
            else {"with_any": list(flag.escalate.with_any), "action": flag.escalate.action.value},
            "source": flag.citation,
        }
        for flag in bank.flags
    ]


def reason_json(reason: Reason, lang: Lang) -> Json:
    return {"rule": reason.rule, "source": reason.source, "text": reason.text(lang)}


def plan_json(plan: CarePlan, lang: Lang) -> Json:
    every = plan.every_session
    return {
        "profile": plan.profile.value,
        "diagnosis": plan.diagnosis.value,
        "max_sessions": plan.max_sessions,
        "within_weeks": plan.within_weeks,
        "hold": None if plan.hold is None else reason_json(plan.hold, lang),
        "gp_answer": None if plan.gp_answer is None else reason_json(plan.gp_answer, lang),
        "components": [
            {
                "id": c.id,
                "strength": c.strength.value,
                "mode": c.mode.value if c.mode else None,
                **reason_json(c.reason, lang),
                "patient_text": c.patient(lang),
            }
            for c in plan.components
        ],
        "not_recommended": [
            {
                "id": n.id,
                "verdict": n.verdict.value,
                "reason": n.reason.text(lang),
                "rule": n.reason.rule,
                "source": n.reason.source,
            }
            for n in plan.not_recommended
        ],
        "evaluations": [
            {
                "at": e.at.value,
                "week": e.week,
                "due": e.due.isoformat() if e.due else None,
                "instruments": list(e.instruments),
                "decision": e.reason.text(lang),
                "rule": e.reason.rule,
                "source": e.reason.source,
            }
            for e in plan.evaluations
        ],
        "every_session": {
            "instruments": list(every.instruments),
            "red_flags": list(every.red_flags),
            "text": every.text(lang),
            "rule": every.rule,
            "source": every.citation,
        },
        "stop_criteria": [reason_json(r, lang) for r in plan.stop_criteria],
        "referral_criteria": [reason_json(r, lang) for r in plan.referral_criteria],
        "gp_reports": [reason_json(r, lang) for r in plan.gp_reports],
        "ruleset": plan.ruleset,
    }


def assessment_json(assessment: Assessment, lang: Lang) -> Json:
    triage = assessment.triage
    reasons = assessment.reasons
    return {
        "backpath": __version__,
        "today": assessment.intake.today.isoformat(),
        "red_flags": list(triage.flag_ids),
        "red_flag_findings": [
            {"id": f.flag.id, "condition": f.flag.condition.value, "action": f.action.value}
            for f in triage.findings
        ],
        "urgency": triage.urgency.value,
        "unscreened": list(triage.unscreened),
        "advice": triage.advice()(lang),
        "clinician_advice": triage.clinician_advice()(lang),
        "classification": {
            "category": assessment.classification.category.value,
            "diagnosis": assessment.classification.diagnosis.value,
            "lrs": assessment.classification.lrs.value,
            "duration": assessment.classification.duration,
            "weeks_since_onset": assessment.classification.weeks_since_onset,
        },
        "findings": assessment.intake.findings.model_dump(),
        "scores": {key: score_json(score, lang) for key, score in assessment.scores.items()},
        "risk": assessment.risk,
        "prognostic_factors": [
            {"id": f.id, "documented": f.documented, "source": f.source} for f in assessment.factors
        ],
        "profile_advice": assessment.advice.profile.value if assessment.advice else None,
        "profile": assessment.profile.value if assessment.profile else None,
        "plan": None if assessment.plan is None else plan_json(assessment.plan, lang),
        "reasons": [reason_json(r, lang) for r in reasons],
        "sources": {
            source: citations()[source].reference for source in sorted({r.source for r in reasons})
        },
        "rulesets": {
            "redflags": triage.ruleset,
            "pathway": assessment.plan.ruleset if assessment.plan else None,
        },
    }


# --- Read-back of stored records -----------------------------------------------------------


def in_language(stored: Mapping[str, Any], lang: Lang | str) -> Any:
    """One language's copy of a stored ``{"nl": ..., "en": ...}`` result or plan, to show."""
    return stored[Lang(lang).value]


@dataclass(frozen=True, slots=True)
class AssessmentRecord:
    """What rules read back from a stored assessment result."""

    urgency: Action
    red_flags: tuple[str, ...]  # present: answered yes or derived
    diagnosis: Diagnosis
    profile_advice: Profile | None
    factors: frozenset[str]  # prognostic factor ids, documented or read from answers


def assessment_from_record(stored: Mapping[str, Any]) -> AssessmentRecord:
    """The typed facts of a stored ``{"nl": assessment_json, "en": ...}`` result."""
    result = stored[Lang.EN.value]  # the facts are the same in both copies
    advice = result["profile_advice"]
    return AssessmentRecord(
        urgency=Action(result["urgency"]),
        red_flags=tuple(result["red_flags"]),
        diagnosis=Diagnosis(result["classification"]["diagnosis"]),
        profile_advice=Profile(advice) if advice else None,
        factors=frozenset(factor["id"] for factor in result["prognostic_factors"]),
    )


@dataclass(frozen=True, slots=True)
class PlanRecord:
    """What rules read back from a stored care plan."""

    profile: Profile
    diagnosis: Diagnosis
    max_sessions: int
    on_hold: bool  # waits for the GP's answer to a red flag (PW-HOLD-GP)
    component_ids: tuple[str, ...]
    avoid: Mapping[str, Verdict]  # not-recommended intervention -> the plan's verdict
    evaluations: tuple[Evaluation, ...]  # decisions in both languages


# Where a stored plan keeps its evaluations in each language: a job that needs only them reads
# these keys in the database (``values("plan__nl__evaluations", ...)``), not the whole plan.
PLAN_EVALUATIONS = {lang: f"{lang.value}__evaluations" for lang in Lang}


def evaluations_from_record(
    nl_lines: Sequence[Mapping[str, Any]], en_lines: Sequence[Mapping[str, Any]]
) -> tuple[Evaluation, ...]:
    """A stored plan's evaluations, from its lines in both languages."""
    return tuple(
        Evaluation(
            at=Moment(line["at"]),
            week=line["week"],
            due=date.fromisoformat(line["due"]) if line["due"] else None,
            instruments=tuple(line["instruments"]),
            reason=Reason(
                line["rule"], line["source"], Text(nl=dutch["decision"], en=line["decision"])
            ),
        )
        for dutch, line in zip(nl_lines, en_lines, strict=True)
    )


def plan_from_record(stored: Mapping[str, Any]) -> PlanRecord:
    """The typed plan of a stored ``{"nl": plan_json, "en": plan_json}``."""
    nl, en = stored[Lang.NL.value], stored[Lang.EN.value]
    evaluations = evaluations_from_record(nl["evaluations"], en["evaluations"])
    return PlanRecord(
        profile=Profile(en["profile"]),
        diagnosis=Diagnosis(en["diagnosis"]),
        max_sessions=en["max_sessions"],
        on_hold=en.get("hold") is not None,
        component_ids=tuple(line["id"] for line in en["components"]),
        avoid={line["id"]: Verdict(line["verdict"]) for line in en["not_recommended"]},
        evaluations=evaluations,
    )


def not_recommended_lines(stored: Mapping[str, Any], lang: Lang | str) -> dict[str, Json]:
    """A stored plan's not-recommended lines in one language, by intervention id (to show)."""
    return {line["id"]: line for line in in_language(stored, lang)["not_recommended"]}


def revise_input(stored: Mapping[str, Any], **changes: Any) -> Json:
    """A copy of a stored core intake (``clinical.intake.Intake`` as JSON) with top-level
    fields replaced, to assess again (a new budget, the GP's answer, a new date).

    A record stored before a red-flag question joined the bank never had it asked: the copy
    says so (``not_asked``), so today's rules take it as unscreened, never as "no".
    """
    revised = {**stored, **changes}
    revised["red_flags"] = complete_screen(revised.get("red_flags", {}))
    return revised
