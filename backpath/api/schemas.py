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
