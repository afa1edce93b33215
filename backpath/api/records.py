"""The API's door to patient data: scoped as a clinician of the caller's clinic, every read
written to the access log.

A session goes through ``backpath.care.access`` (which scopes and logs by itself); a key gets
the same reach here, the clinic's patients and episodes, and the log names the key
(``api key <prefix> (<name>)``) where it would name an account. A record outside the reach
answers 404, and the refused look-up is logged too, as the web app logs it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from backpath.api.auth import Principal
from backpath.auditlog.models import Action, Outcome
from backpath.auditlog.services import record
from backpath.care.access import access_episode, access_patient, episodes_for, patients_for
from backpath.care.models import Assessment, Episode, Patient, PlanVersion


def patients(caller: Principal) -> QuerySet[Patient]:
    if caller.user is not None:
        return patients_for(caller.user)
    return Patient.objects.filter(clinic_id=caller.clinic_id)


def episodes(caller: Principal) -> QuerySet[Episode]:
    if caller.user is not None:
        return episodes_for(caller.user)
    return Episode.objects.filter(clinic_id=caller.clinic_id)


def log_read(
    caller: Principal,
    *,
    patient_id: uuid.UUID | None,
    object_type: str,
    object_id: object,
    outcome: Outcome = Outcome.OK,
) -> None:
    record(
        actor=caller.user,
        actor_label="" if caller.user is not None else caller.label,
        clinic_id=caller.clinic_id,
        action=Action.VIEW,
        patient_id=patient_id,
        object_type=object_type,
        object_id=object_id,
        outcome=outcome,
    )


def log_listed(caller: Principal, listed: Iterable[Patient]) -> None:
    """A page of patient records: one entry per patient, so each patient's own view of the
    log ("who opened my record") shows the read."""
    with transaction.atomic():
        for patient in listed:
            log_read(caller, patient_id=patient.id, object_type="patient", object_id=patient.id)


def patient(caller: Principal, patient_id: uuid.UUID) -> Patient:
    if caller.user is not None:
        return access_patient(caller.user, patient_id)
    found = patients(caller).filter(pk=patient_id).first()
    if found is None:
        log_read(
            caller,
            patient_id=None,
            object_type="patient",
            object_id=patient_id,
            outcome=Outcome.DENIED,
        )
        raise Http404
    log_read(caller, patient_id=found.id, object_type="patient", object_id=found.id)
    return found


def episode(caller: Principal, episode_id: uuid.UUID) -> Episode:
    if caller.user is not None:
        return access_episode(caller.user, episode_id, need_clinician=True)
    found = episodes(caller).select_related("patient").filter(pk=episode_id).first()
    if found is None:
        log_read(
            caller,
            patient_id=None,
            object_type="episode",
            object_id=episode_id,
            outcome=Outcome.DENIED,
        )
        raise Http404
    log_read(caller, patient_id=found.patient_id, object_type="episode", object_id=found.id)
    return found


def episode_profile(episode: Episode) -> str | None:
    """The profile treated: the current plan's, else the latest assessment's, else none."""
    planned = (
        PlanVersion.objects.filter(episode=episode)
        .order_by("-number")
        .values_list("profile", flat=True)
        .first()
    )
    if planned:
        return planned
    assessed = (
        Assessment.objects.filter(episode=episode)
        .exclude(profile="")
        .order_by("-created_at")
        .values_list("profile", flat=True)
        .first()
    )
    return assessed or None
