"""The JSON shapes of backpath's public contract (the command line; later the HTTP API).

Clinics and researchers script against these shapes: add fields compatibly, never rename or
remove one. The README documents every field.
"""

from __future__ import annotations

from typing import Any

from backpath import __version__
from backpath.clinical.citations import citations
from backpath.clinical.instruments import Instrument
from backpath.clinical.intake import Assessment
from backpath.clinical.language import Lang
from backpath.clinical.pathway import CarePlan
from backpath.clinical.reasons import Reason
from backpath.clinical.redflags import RedFlagBank
from backpath.clinical.scoring import Score

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
