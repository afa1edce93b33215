"""The reviewed data file, checked, and the archetypes: one intake per profile, assessed once
per age and sex.

The clinical core runs here once per archetype, age and sex (its triage weighs age and sex:
a woman over 50, anyone under 20), a few hundred times at most, never per patient: its
stored JSON is serialized here, once, and that text is shared by every patient of that
archetype, age and sex, so 100,000 patients take minutes, not hours. The follow-up
measurements do not depend on age and sex: they are made once per archetype and plan.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any, TypeAlias

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from backpath.clinical.classification import Diagnosis
from backpath.clinical.followup import AlertSpec, occasions, progress_alert
from backpath.clinical.instruments import instrument
from backpath.clinical.intake import assess, complete_screen, parse_intake
from backpath.clinical.language import Lang
from backpath.clinical.pathway import Verdict
from backpath.clinical.progress import change, progress_decision
from backpath.clinical.redflags import AskedOf, red_flag_bank
from backpath.clinical.scoring import Score, score
from backpath.clinical.stratification import Profile
from backpath.exercises.library import library
from backpath.interchange import assessment_json, plan_json

# The day the archetypes are assessed on; a patient's records carry their own dates.
ASSESSED_ON = date(2026, 1, 5)
COURSES = ("improving", "unchanged", "worse")

# A JSON column's value as it is sent to the database: serialized once, written for many
# patients. ``json.dumps`` with its defaults, as Django serializes a JSONField for SQLite.
JsonText: TypeAlias = str


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Answers(_Data):
    startback: dict[str, int]
    nprs: dict[str, int]
    psk: dict[str, int]
    qbpds_level: int = Field(ge=0, le=5)


class ArchetypeData(_Data):
    weight: float = Field(gt=0)
    complaint: dict[str, Any]
    answers: Answers
    findings: dict[str, bool] = {}
    care_days: tuple[int, int]
    sessions: tuple[int, int]
    course: dict[str, float]

    @model_validator(mode="after")
    def _courses(self) -> ArchetypeData:
        if set(self.course) != set(COURSES):
            raise ValueError(f"course: give a share for each of {', '.join(COURSES)}")
        return self


class CourseData(_Data):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    early: tuple[int, int]
    week_12: tuple[int, int] = Field(alias="week-12")
    discharge: tuple[int, int]
    gpe: int = Field(ge=1, le=7)

    def drop(self, occasion: str) -> tuple[int, int]:
        """Points off the pain and off each PSK/QBPDS answer at this occasion."""
        if occasion == "discharge":
            return self.discharge
        return self.week_12 if occasion == "week-12" else self.early


class SyntheticData(_Data):
    clinic_prefix: str = Field(min_length=1)
    clinic_cities: list[str] = Field(min_length=1)
    clinicians_per_clinic: tuple[int, int]
    email_domain: str
    first_names: dict[str, list[str]]
    last_names: list[str] = Field(min_length=1)
    sexes: dict[str, float]
    age: tuple[int, int]
    days: int = Field(ge=1)
    archetypes: dict[str, ArchetypeData]
    courses: dict[str, CourseData]
    discharge_reasons: dict[str, dict[str, float]]
    discharge_summary: str
    active_per_session: tuple[int, int]
    passive_share: float = Field(ge=0, le=1)
    passive: dict[str, float]
    deviation_reasons: list[str] = Field(min_length=1)
    exercises: dict[str, list[str]]
    exercises_per_program: int = Field(ge=1)
    log_every_days: int = Field(ge=1)
    log_weeks: int = Field(ge=1)
    diary_every_days: int = Field(ge=1)
    adherent_share: float = Field(ge=0, le=1)
    done_when_adherent: float = Field(ge=0, le=1)
    done_otherwise: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _consistent(self) -> SyntheticData:
        if set(self.courses) != set(COURSES) or set(self.discharge_reasons) != set(COURSES):
            raise ValueError(f"courses and discharge_reasons: one for each of {COURSES}")
        known = library()
        for profile, ids in self.exercises.items():
            if unknown := [i for i in ids if i not in known]:
                raise ValueError(f"exercises.{profile}: not in the library: {unknown}")
            if len(ids) < self.exercises_per_program:
                raise ValueError(f"exercises.{profile}: fewer than exercises_per_program")
        return self


@cache
def synthetic_data() -> SyntheticData:
    text = (resources.files("backpath.synthetic") / "data.yaml").read_text(encoding="utf-8")
    return SyntheticData.model_validate(yaml.safe_load(text))


@dataclass(frozen=True, slots=True)
class AlertText:
    """An alert as ``followup.services`` stores it."""

    kind: str
    priority: int
    rule: str
    source: str
    text: JsonText

    @classmethod
    def of(cls, spec: AlertSpec) -> AlertText:
        return cls(
            kind=spec.kind.value,
            priority=spec.kind.priority,
            rule=spec.reason.rule,
            source=spec.reason.source,
            text=json.dumps({lang.value: spec.reason.text(lang) for lang in Lang}),
        )


@dataclass(frozen=True, slots=True)
class Measured:
    """One occasion of one course, as ``followup.services.measurement_record`` stores it."""

    answers: JsonText
    scores: JsonText
    instrument_versions: JsonText
    outcome: str
    decision: JsonText
    alert: AlertText | None


@dataclass(frozen=True, slots=True)
class Archetype:
    key: str
    profile: str
    diagnosis: str
    urgency: str
    risk: str
    redflags_ruleset: str
    pathway_ruleset: str
    complaint: JsonText
    red_flags: JsonText
    answers: JsonText
    instrument_versions: JsonText
    intake_input: JsonText
    intake_result: JsonText
    review_input: JsonText
    review_result: JsonText
    plan: JsonText
    max_sessions: int
    within_weeks: int
    components: tuple[str, ...]  # the plan's active care, offered in session notes
    avoid: dict[str, Verdict]  # the plan's not-recommended interventions
    occasion_days: dict[str, int]  # the plan's dated evaluations, days after the start
    measured: Mapping[tuple[str, str], Measured]  # (course, occasion) -> the stored record
    data: ArchetypeData


def _versions(ids: Mapping[str, object]) -> dict[str, str]:
    return {i: f"{instrument(i).version} r{instrument(i).revision}" for i in ids}


def _scores(answers: Mapping[str, Mapping[str, int]]) -> dict[str, Score]:
    return {i: score(instrument(i), values) for i, values in answers.items()}


def _later_answers(
    data: ArchetypeData, drop: tuple[int, int], gpe: int, occasion: str
) -> dict[str, dict[str, int]]:
    pain_drop, item_drop = drop
    answers = data.answers

    def moved(value: int, top: int) -> int:
        return min(top, max(0, value - item_drop))

    later = {
        "nprs": {"q1": min(10, max(0, answers.nprs["q1"] - pain_drop))},
        "psk": {key: moved(value, 10) for key, value in answers.psk.items()},
        "qbpds": {
            item.link_id: moved(answers.qbpds_level, 5) for item in instrument("qbpds").items
        },
        "gpe": {"q1": gpe},
    }
    if occasion == "week-12":  # the plan asks STarT Back again at week 12
        later["startback"] = dict(answers.startback)
    return later


def _measured(
    data: ArchetypeData, course: CourseData, occasion: str, week: int, profile: str, diagnosis: str
) -> Measured:
    answers = _later_answers(data, course.drop(occasion), course.gpe, occasion)
    baseline = _scores(_intake_answers(data))
    later = _scores(answers)
    changes = [
        change(baseline[i], s)
        for i, s in later.items()
        if i in baseline and s.valid and baseline[i].valid and s.definition.mcid is not None
    ]
    decision = progress_decision(Profile(profile), Diagnosis(diagnosis), week, changes)
    spec = progress_alert(decision)
    return Measured(
        answers=json.dumps(answers),
        scores=json.dumps({i: s.total for i, s in later.items()}),
        instrument_versions=json.dumps(_versions(answers)),
        outcome=decision.outcome.value,
        decision=json.dumps(
            {
                "rule": decision.reason.rule,
                "source": decision.reason.source,
                **{lang.value: decision.reason.text(lang) for lang in Lang},
                "changes": {c.instrument: c.classification.value for c in changes},
            }
        ),
        alert=AlertText.of(spec) if spec else None,
    )


@cache
def _measurements(
    key: str, occasion_days: tuple[tuple[str, int], ...], profile: str, diagnosis: str
) -> Mapping[tuple[str, str], Measured]:
    """Every (course, occasion) of an archetype whose plan has these dated occasions."""
    data = synthetic_data().archetypes[key]
    dated = dict(occasion_days)
    measured: dict[tuple[str, str], Measured] = {}
    for course_key, course in synthetic_data().courses.items():
        for occasion in [*dated, "discharge"]:
            # Discharge is judged as at the end of the care; the dated ones at their week.
            week = dated[occasion] // 7 if occasion in dated else 12
            measured[course_key, occasion] = _measured(
                data, course, occasion, week, profile, diagnosis
            )
    return measured


def _intake_answers(data: ArchetypeData) -> dict[str, dict[str, int]]:
    answers = data.answers
    return {
        "startback": dict(answers.startback),
        "nprs": dict(answers.nprs),
        "psk": dict(answers.psk),
        "qbpds": {item.link_id: answers.qbpds_level for item in instrument("qbpds").items},
    }


def _patient_flags() -> dict[str, bool | str]:
    """The intake's red-flag questions, all answered no."""
    return {f.id: False for f in red_flag_bank().flags if f.asked_of is AskedOf.PATIENT}


def _clinician_flags() -> dict[str, bool | str]:
    """The review's checklist, examined and found clear."""
    return {f.id: False for f in red_flag_bank().flags if f.asked_of is AskedOf.CLINICIAN}


@cache
def archetype(key: str, age: int, sex: str) -> Archetype:
    """The archetype ``key`` assessed for a patient of this age and sex ("" unknown)."""
    data = synthetic_data().archetypes[key]
    complaint = {k: v for k, v in data.complaint.items() if k != "onset_days"}
    complaint["onset"] = (ASSESSED_ON - timedelta(days=data.complaint["onset_days"])).isoformat()
    answers = _intake_answers(data)
    flags = _patient_flags()
    intake_input: dict[str, Any] = {
        "today": ASSESSED_ON.isoformat(),
        "patient": {
            "age": age,
            "sex": sex or None,
            "smoker": False,
            "cardiovascular_disease": False,
        },
        "complaint": complaint,
        "red_flags": complete_screen(flags),
        "answers": answers,
        "prognostic_factors": [],
        "findings": {},
    }
    review_input = {
        **intake_input,
        "red_flags": complete_screen({**flags, **_clinician_flags()}),
        "findings": dict(data.findings),
    }
    first = assess(parse_intake(intake_input))
    review = assess(parse_intake(review_input))
    plan = review.plan
    if plan is None or review.profile is None:
        raise ValueError(f"archetypes.{key}: the clinical core made no care plan")
    profile, diagnosis = review.profile.value, review.classification.diagnosis.value
    occasion_days: dict[str, int] = {}
    for dated in occasions(plan.evaluations, None):
        occasion_days[dated.key] = (dated.due - ASSESSED_ON).days
    return Archetype(
        key=key,
        profile=profile,
        diagnosis=diagnosis,
        urgency=review.triage.urgency.value,
        risk=review.risk or "",
        redflags_ruleset=review.triage.ruleset,
        pathway_ruleset=plan.ruleset,
        complaint=json.dumps(complaint),
        red_flags=json.dumps(flags),
        answers=json.dumps(answers),
        instrument_versions=json.dumps(_versions(answers)),
        intake_input=json.dumps(intake_input),
        intake_result=json.dumps({lang.value: assessment_json(first, lang) for lang in Lang}),
        review_input=json.dumps(review_input),
        review_result=json.dumps({lang.value: assessment_json(review, lang) for lang in Lang}),
        plan=json.dumps({lang.value: plan_json(plan, lang) for lang in Lang}),
        max_sessions=plan.max_sessions,
        within_weeks=plan.within_weeks,
        components=tuple(c.id for c in plan.components),
        avoid={n.id: n.verdict for n in plan.not_recommended},
        occasion_days=occasion_days,
        measured=_measurements(key, tuple(occasion_days.items()), profile, diagnosis),
        data=data,
    )


def archetypes() -> dict[str, Archetype]:
    """Every archetype of the data file, for a typical patient (a 45-year-old woman)."""
    return {key: archetype(key, 45, "female") for key in synthetic_data().archetypes}
