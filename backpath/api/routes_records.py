"""Patients and episodes, read as a clinician of the caller's clinic reads them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse
from ninja import Router
from ninja.params.functions import Query
from pydantic import AwareDatetime

from backpath.api import records
from backpath.api.auth import require
from backpath.api.conditional import etagged
from backpath.api.models import Scope
from backpath.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, page
from backpath.api.problems import Invalid
from backpath.api.responses import documented
from backpath.api.schemas import (
    AssessmentList,
    AssessmentOut,
    EpisodeList,
    EpisodeOut,
    PatientOut,
    PatientPage,
    PlanList,
    PlanOut,
    Rulesets,
    SessionList,
    SessionOut,
)
from backpath.care.models import Assessment, Episode, Patient, PlanVersion, SessionNote
from backpath.clinical.language import Lang
from backpath.interchange import in_language

router = Router(tags=["records"])

LANG = Query(Lang.EN, description="language of the stored result or plan: en or nl")
LIMIT = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="patients per page (1-100)")
CURSOR = Query(None, description="the next_cursor of the page before")
CREATED_SINCE = Query(
    None, description="only patients created at or after this time (with a time zone)"
)
UPDATED_SINCE = Query(
    None,
    description="only patients added or changed at or after this time (with a time zone): "
    "a system that syncs sends the time of its last sync",
)


def _or_none(value: str) -> str | None:
    return value or None


def patient_out(patient: Patient) -> PatientOut:
    return PatientOut(
        id=patient.id,
        first_name=patient.first_name,
        last_name=patient.last_name,
        date_of_birth=patient.date_of_birth,
        sex=_or_none(patient.sex),
        email=_or_none(patient.email),
        phone=_or_none(patient.phone),
        gp_name=_or_none(patient.gp_name),
        gp_practice=_or_none(patient.gp_practice),
        gp_phone=_or_none(patient.gp_phone),
        gp_address=_or_none(patient.gp_address),
        referrer=_or_none(patient.referrer),
        has_portal_account=patient.user_id is not None,
        created_at=patient.created_at,
        updated_at=patient.updated_at,
    )


def episode_out(episode: Episode) -> EpisodeOut:
    return EpisodeOut(
        id=episode.id,
        patient_id=episode.patient_id,
        status=episode.status,
        urgency=_or_none(episode.urgency),
        profile=records.episode_profile(episode),
        opened_at=episode.opened_at,
        urgent_seen_at=episode.urgent_seen_at,
        closed_at=episode.closed_at,
        discharge_reason=_or_none(episode.discharge_reason),
    )


def assessment_out(assessment: Assessment, lang: Lang) -> AssessmentOut:
    return AssessmentOut(
        id=assessment.id,
        episode_id=assessment.episode_id,
        kind=assessment.kind,
        created_at=assessment.created_at,
        urgency=assessment.urgency,
        diagnosis=assessment.diagnosis,
        profile=_or_none(assessment.profile),
        risk=_or_none(assessment.risk),
        rulesets=Rulesets(
            redflags=assessment.redflags_ruleset, pathway=_or_none(assessment.pathway_ruleset)
        ),
        backpath_version=assessment.backpath_version,
        result=in_language(assessment.result, lang),
    )


def plan_out(version: PlanVersion, lang: Lang) -> PlanOut:
    return PlanOut(
        id=version.id,
        episode_id=version.episode_id,
        assessment_id=version.assessment_id,
        number=version.number,
        profile=version.profile,
        max_sessions=version.max_sessions,
        within_weeks=version.within_weeks,
        starts_on=version.starts_on,
        created_at=version.created_at,
        reason=version.reason,
        note=version.note,
        omitted=list(version.omitted),
        plan=in_language(version.plan, lang),
    )


def session_out(note: SessionNote) -> SessionOut:
    return SessionOut(
        id=note.id,
        episode_id=note.episode_id,
        number=note.number,
        held_on=note.held_on,
        pain_now=note.pain_now,
        interventions=list(note.interventions),
        subjective=note.subjective,
        objective=note.objective,
        analysis=note.analysis,
        plan=note.plan,
        warnings=list(note.warnings),
        deviation_reason=note.deviation_reason,
        over_budget_reason=note.over_budget_reason,
        created_at=note.created_at,
    )


def _utc(value: datetime, field: str) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise Invalid(field, "out of range") from None


@router.get(
    "/patients",
    response=documented(PatientPage, query=True),
    url_name="patients",
    summary="The clinic's patients, a page at a time (scope patients:read)",
)
def patient_list(
    request: HttpRequest,
    limit: int = LIMIT,
    cursor: str | None = CURSOR,
    created_since: AwareDatetime | None = CREATED_SINCE,
    updated_since: AwareDatetime | None = UPDATED_SINCE,
) -> PatientPage:
    caller = require(request, Scope.PATIENTS_READ)
    queryset = records.patients(caller)
    if created_since is not None:
        queryset = queryset.filter(created_at__gte=_utc(created_since, "created_since"))
    if updated_since is not None:
        queryset = queryset.filter(updated_at__gte=_utc(updated_since, "updated_since"))
    rows, next_cursor = page(queryset, limit=limit, cursor=cursor)
    records.log_listed(caller, rows)
    return PatientPage(items=[patient_out(row) for row in rows], next_cursor=next_cursor)


@router.get(
    "/patients/{uuid:patient_id}",
    response=documented(PatientOut, found=True, etag=True),
    url_name="patient",
    summary="One patient (scope patients:read)",
)
def patient_detail(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    caller = require(request, Scope.PATIENTS_READ)
    patient = records.patient(caller, patient_id)
    return etagged(request, patient_out(patient))


@router.get(
    "/patients/{uuid:patient_id}/episodes",
    response=documented(EpisodeList, found=True),
    url_name="patient_episodes",
    summary="A patient's episodes of care, newest first (scope episodes:read)",
)
def patient_episodes(request: HttpRequest, patient_id: uuid.UUID) -> EpisodeList:
    caller = require(request, Scope.EPISODES_READ)
    patient = records.patient(caller, patient_id)
    found = records.episodes(caller).filter(patient=patient).order_by("-opened_at", "id")
    return EpisodeList(items=[episode_out(episode) for episode in found])


@router.get(
    "/episodes/{uuid:episode_id}",
    response=documented(EpisodeOut, found=True, etag=True),
    url_name="episode",
    summary="One episode: status, urgency, profile, dates (scope episodes:read)",
)
def episode_detail(request: HttpRequest, episode_id: uuid.UUID) -> HttpResponse:
    caller = require(request, Scope.EPISODES_READ)
    episode = records.episode(caller, episode_id)
    return etagged(request, episode_out(episode))


@router.get(
    "/episodes/{uuid:episode_id}/assessments",
    response=documented(AssessmentList, found=True, query=True),
    url_name="episode_assessments",
    summary="An episode's assessments with their results as shown (scope episodes:read)",
)
def episode_assessments(
    request: HttpRequest, episode_id: uuid.UUID, lang: Lang = LANG
) -> AssessmentList:
    caller = require(request, Scope.EPISODES_READ)
    episode = records.episode(caller, episode_id)
    found = episode.assessments.order_by("created_at", "id")
    return AssessmentList(items=[assessment_out(assessment, lang) for assessment in found])


@router.get(
    "/episodes/{uuid:episode_id}/plans",
    response=documented(PlanList, found=True, query=True),
    url_name="episode_plans",
    summary="An episode's care plan versions, first to current (scope episodes:read)",
)
def episode_plans(request: HttpRequest, episode_id: uuid.UUID, lang: Lang = LANG) -> PlanList:
    caller = require(request, Scope.EPISODES_READ)
    episode = records.episode(caller, episode_id)
    return PlanList(items=[plan_out(version, lang) for version in episode.plans.order_by("number")])


@router.get(
    "/episodes/{uuid:episode_id}/sessions",
    response=documented(SessionList, found=True),
    url_name="episode_sessions",
    summary="An episode's treatment sessions (SOAP notes), in order (scope episodes:read)",
)
def episode_sessions(request: HttpRequest, episode_id: uuid.UUID) -> SessionList:
    caller = require(request, Scope.EPISODES_READ)
    episode = records.episode(caller, episode_id)
    return SessionList(items=[session_out(note) for note in episode.sessions.order_by("number")])
