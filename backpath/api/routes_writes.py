"""Writes: add a patient, open an episode. Each is the web app's own service, run as the
caller (a clinician, or the key as a ``SystemActor`` the access log names), with an optional
``Idempotency-Key`` (``idempotency.py``). The answer is 201 with the record and its
``Location``; a replayed request answers the same with ``Idempotent-Replayed: true``."""

from __future__ import annotations

import uuid
from typing import Any

from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from backpath.api import records
from backpath.api.auth import Principal, require
from backpath.api.conditional import render
from backpath.api.idempotency import HEADER, idempotent
from backpath.api.models import Scope
from backpath.api.problems import Problem, problem
from backpath.api.routes_records import episode_out, patient_out
from backpath.api.routes_records import router as records_router
from backpath.api.schemas import EpisodeIn, EpisodeOut, PatientIn, PatientOut
from backpath.care import services
from backpath.care.audit import Actor, SystemActor
from backpath.care.core_input import OPTIONAL_INSTRUMENTS
from backpath.care.forms import PatientDetailsForm

# The writes share the reads' router: django-ninja joins the methods of one path only within
# a router (POST /patients beside GET /patients); api.py adds that one router.
router = records_router

WRITE_PROBLEMS: dict[int, Any] = {401: Problem, 403: Problem, 413: Problem, 422: Problem}
IDEMPOTENCY = {
    "parameters": [
        {
            "in": "header",
            "name": HEADER,
            "required": False,
            "schema": {"type": "string", "minLength": 1, "maxLength": 255},
            "description": "any unique string per intended write (a UUID): the same write "
            "sent again makes its record once",
        }
    ]
}


def _actor(caller: Principal) -> Actor:
    return caller.user or SystemActor(clinic_id=caller.clinic_id, label=caller.label)


def _created(payload: Any, location: str, replayed: bool) -> HttpResponse:
    response = HttpResponse(render(payload), status=201, content_type="application/json")
    response["Location"] = location
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _form_problem(form: BaseForm) -> HttpResponse:
    """The web form's refusals as a 422, each field named as in the body."""
    errors = [
        {"field": field if field != "__all__" else "body", "problem": str(message)}
        for field, messages in form.errors.items()
        for message in messages
    ]
    first = errors[0]
    return problem(422, f"{first['field']}: {first['problem']}", errors=errors)


@router.post(
    "/patients",
    response={201: PatientOut, **WRITE_PROBLEMS},
    url_name="patient_create",
    summary="Add a patient to the clinic (scope patients:write)",
    openapi_extra=IDEMPOTENCY,
)
def patient_create(request: HttpRequest, body: PatientIn) -> HttpResponse:
    caller = require(request, Scope.PATIENTS_WRITE)
    data = {name: "" if value is None else value for name, value in body.model_dump().items()}
    form = PatientDetailsForm(data)
    if not form.is_valid():
        return _form_problem(form)
    with idempotent(request, caller) as claim:
        patient = services.patient_create(
            actor=_actor(caller), submission=claim.submission, **form.cleaned_data
        )
    location = reverse("api-v1:patient", kwargs={"patient_id": patient.id})
    return _created(patient_out(patient), location, claim.replayed)


@router.post(
    "/patients/{uuid:patient_id}/episodes",
    response={201: EpisodeOut, 404: Problem, **WRITE_PROBLEMS},
    url_name="episode_create",
    summary="Open an episode of care for a patient (scope episodes:write)",
    openapi_extra=IDEMPOTENCY,
)
def episode_create(request: HttpRequest, patient_id: uuid.UUID, body: EpisodeIn) -> HttpResponse:
    caller = require(request, Scope.EPISODES_WRITE)
    unknown = [name for name in body.extra_instruments if name not in OPTIONAL_INSTRUMENTS]
    if unknown:
        return problem(
            422,
            f"extra_instruments: unknown {unknown[0]!r}",
            errors=[
                {
                    "field": "extra_instruments",
                    "problem": f"unknown {name!r}; known: {', '.join(OPTIONAL_INSTRUMENTS)}",
                }
                for name in unknown
            ],
        )
    patient = records.patient(caller, patient_id)
    with idempotent(request, caller) as claim:
        episode = services.episode_open(
            actor=_actor(caller),
            patient=patient,
            extra_instruments=body.extra_instruments,
            submission=claim.submission,
        )
    location = reverse("api-v1:episode", kwargs={"episode_id": episode.id})
    return _created(episode_out(episode), location, claim.replayed)
