"""The JSON shapes of the API's records. Add fields compatibly, never rename or remove one.

Patients' names and contact details appear only in :class:`PatientOut`; the other records
name the patient by id. A stored assessment result and plan are returned as they were shown
(the command line's JSON, in the language asked), through ``backpath.interchange``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from ninja import Field, Schema


class PatientOut(Schema):
    id: uuid.UUID
    first_name: str
    last_name: str
    date_of_birth: date
    sex: str | None = Field(description="female, male, other; null when not given")
    email: str | None
    phone: str | None
    gp_name: str | None
    gp_practice: str | None
    gp_phone: str | None
    gp_address: str | None
    referrer: str | None
    has_portal_account: bool = Field(description="the patient logs in to the portal")
    created_at: datetime
    updated_at: datetime = Field(description="when the details last changed (or were added)")


class PatientPage(Schema):
    items: list[PatientOut]
    next_cursor: str | None = Field(
        description="pass as ?cursor= for the next page; null on the last page"
    )


class EpisodeOut(Schema):
    id: uuid.UUID
    patient_id: uuid.UUID
    status: str = Field(description="intake, urgent, review, treatment or closed")
    urgency: str | None = Field(
        description="highest red-flag action so far: emergency, same_day, refer_gp, caution, "
        "none; null before the intake"
    )
    profile: str | None = Field(
        description="low, medium or high: the current plan's, else the latest assessment's"
    )
    opened_at: datetime
    urgent_seen_at: datetime | None
    closed_at: datetime | None
    discharge_reason: str | None


class EpisodeList(Schema):
    items: list[EpisodeOut]


class Rulesets(Schema):
    redflags: str
    pathway: str | None


class AssessmentOut(Schema):
    id: uuid.UUID
    episode_id: uuid.UUID
    kind: str = Field(description="intake or review")
    created_at: datetime
    urgency: str
    diagnosis: str
    profile: str | None
    risk: str | None
    rulesets: Rulesets
    backpath_version: str
    result: dict[str, Any] = Field(
        description="the assessment as shown, in the command line's `assess` JSON (with its "
        "reasons, each with rule, source and text), in the language asked"
    )


class AssessmentList(Schema):
    items: list[AssessmentOut]


class OmittedComponent(Schema):
    id: str
    reason: str


class PlanOut(Schema):
    id: uuid.UUID
    episode_id: uuid.UUID
    assessment_id: uuid.UUID
    number: int = Field(description="1 for the first plan; the highest number is current")
    profile: str
    max_sessions: int
    within_weeks: int
    starts_on: date
    created_at: datetime
    reason: str = Field(description="why this version changed the one before; '' for 1")
    note: str
    omitted: list[dict[str, Any]] = Field(description="components left out: [{id, reason}]")
    plan: dict[str, Any] = Field(
        description="the plan as shown, the `plan` of the command line's `assess` JSON"
    )


class PlanList(Schema):
    items: list[PlanOut]


class SessionOut(Schema):
    id: uuid.UUID
    episode_id: uuid.UUID
    number: int
    held_on: date
    pain_now: int | None = Field(description="0-10")
    interventions: list[str]
    subjective: str
    objective: str
    analysis: str
    plan: str
    warnings: list[str] = Field(description="not-recommended interventions warned about")
    deviation_reason: str
    over_budget_reason: str
    created_at: datetime


class SessionList(Schema):
    items: list[SessionOut]


class Index(Schema):
    openapi: str
    docs: str


# --- The command line's shapes (documentation; the bodies are the CLI's own bytes) ---------


class ScoreOut(Schema):
    """``backpath score ID FILE``'s JSON."""

    instrument: str
    version: str
    total: float | int | None
    subscales: dict[str, float | int | None]
    band: str | None
    answered: int
    missing: list[str]
    valid: bool
    interpretation: str


class AssessOut(Schema):
    """``backpath assess FILE``'s JSON; docs/api.md and the README describe each field."""

    backpath: str
    today: date
    red_flags: list[str]
    red_flag_findings: list[dict[str, Any]]
    urgency: str
    unscreened: list[str]
    advice: str
    clinician_advice: str
    classification: dict[str, Any]
    findings: dict[str, Any]
    scores: dict[str, ScoreOut]
    risk: str | None
    prognostic_factors: list[dict[str, Any]]
    profile_advice: str | None
    profile: str | None
    plan: dict[str, Any] | None
    reasons: list[dict[str, Any]]
    sources: dict[str, str]
    rulesets: dict[str, str | None]


class PatientIn(Schema):
    """A new patient of the caller's clinic; the same rules as the web form (16 or older,
    not born in the future, every text within its bound)."""

    first_name: str
    last_name: str
    date_of_birth: date
    sex: str | None = Field(None, description="female, male or other")
    email: str | None = None
    phone: str | None = None
    gp_name: str | None = None
    gp_practice: str | None = None
    gp_phone: str | None = None
    gp_address: str | None = None
    referrer: str | None = None


class EpisodeIn(Schema):
    """A new episode of care: the intake asks STarT Back, NPRS, PSK and QBPDS, plus these."""

    extra_instruments: list[str] = Field(
        default_factory=list, description="any of odi, rmdq, tsk11, orebro_sf, psfs"
    )


# --- Between visits: home exercise programs, the patient's logs and diary, measurements,
# alerts -------------------------------------------------------------------------------------


class ProgramItemOut(Schema):
    id: uuid.UUID = Field(description="what an exercise log names as its item_id")
    position: int = Field(description="1 for the first exercise of the version")
    exercise_id: str = Field(
        description="the exercise library's id, or clinic-... for one of the clinic's own"
    )
    name: str | None = Field(
        description="the exercise's name in the language asked (a clinic's own exercise "
        "written in one language only: in that one); null when the exercise is not known"
    )
    sets: int | None
    reps: int | None
    hold_seconds: int | None
    minutes: int | None
    per_week: int = Field(description="times a week, 1-14")


class QuotaOut(Schema):
    """A graded-activity quota: from ``start`` a week, ``increment`` more each week (whatever
    the pain) until ``goal``."""

    activity: str
    unit: str = Field(description="minutes, steps or repetitions")
    baseline: int = Field(description="a week, as measured before the start")
    start: int = Field(description="the first week's target, below the baseline")
    increment: int = Field(description="added to the target each week")
    goal: int = Field(description="the weekly target it rises to")
    starts_on: date = Field(description="the first day of week 1")


class ProgramOut(Schema):
    id: uuid.UUID
    episode_id: uuid.UUID
    number: int = Field(description="1 for the first version; the highest is the patient's")
    published_at: datetime
    note: str = Field(description="the note for the patient; '' for none")
    reason: str = Field(description="why this version changed the one before; '' for 1")
    items: list[ProgramItemOut] = Field(description="the exercises, in the program's order")
    quota: QuotaOut | None = Field(description="the graded-activity quota; null without one")


class ProgramList(Schema):
    items: list[ProgramOut]


class ExerciseLogOut(Schema):
    id: uuid.UUID
    item_id: uuid.UUID = Field(description="the program item (a program's items[].id)")
    exercise_id: str
    day: date
    done: bool = Field(description="true: done; false: skipped")
    pain: int | None = Field(description="0-10, during or after; null when not given")
    difficulty: int | None = Field(description="1 (easy) to 5 (too hard); null when not given")
    logged_at: datetime


class ActivityLogOut(Schema):
    program_number: int = Field(description="the program version whose quota it counts for")
    day: date
    amount: int = Field(description="the day's total, in the quota's unit")


class ExerciseLogs(Schema):
    since: date = Field(description="the first day of the window")
    until: date = Field(description="the last day of the window")
    exercises: list[ExerciseLogOut] = Field(description="by day, then the program's order")
    activity: list[ActivityLogOut] = Field(description="the graded activity, by day")


class DiaryEntryOut(Schema):
    day: date
    pain: int = Field(description="0-10")
    active_minutes: int = Field(description="minutes active or walking")
    exercises: str = Field(description="exercises done: all, some or none")
    sitting_breaks: int
    sleep: str = Field(description="last night: good, fair or poor")
    stress: int = Field(description="0-10")
    updated_at: datetime = Field(description="the last save: the day's entry may be corrected")


class Diary(Schema):
    since: date = Field(description="the first day of the window")
    until: date = Field(description="the last day of the window")
    items: list[DiaryEntryOut] = Field(description="one entry a day at most, by day")


class DecisionOut(Schema):
    rule: str
    source: str
    text: str = Field(description="the decision and its reason, in the language asked")
    changes: dict[str, str] = Field(
        description="instrument id -> improved, no_change or worse: the changes decided on"
    )


class MeasurementOut(Schema):
    """The questionnaires of one occasion, scored. The answers themselves are FHIR
    QuestionnaireResponses; no questionnaire's wording is in either."""

    id: uuid.UUID
    episode_id: uuid.UUID
    occasion: str = Field(description="week-3, week-6, ..., discharge, followup-3m, ...")
    due_on: date
    created_at: datetime = Field(description="when the questionnaires were filled in")
    scores: dict[str, float | int | None] = Field(
        description="instrument id -> total; null when not scorable"
    )
    instrument_versions: dict[str, str]
    outcome: str | None = Field(
        description="the guideline's decision: continue, review_worse, restratify, "
        "consult_gp or step3_or_gp; null when no change could be classified"
    )
    decision: DecisionOut | None


class MeasurementList(Schema):
    items: list[MeasurementOut]


class AlertOut(Schema):
    id: uuid.UUID
    episode_id: uuid.UUID
    kind: str = Field(
        description="red_flag, worse, step3_or_gp, consult_gp, restratify, returned, flare, "
        "low_adherence or overdue"
    )
    priority: int = Field(description="0 is the most urgent (red_flag)")
    rule: str
    source: str
    text: str = Field(description="what needs the clinician and why, in the language asked")
    created_at: datetime
    resolved_at: datetime | None = Field(description="null while open")


class AlertList(Schema):
    items: list[AlertOut]
