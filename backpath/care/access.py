"""The one door to patient data.

Every view that touches a patient or an episode goes through these functions. A record the
user may not see answers 404, never 403, so another clinic's records stay invisible.

Every opening is written to the access log (NEN 7513): who, which patient, which record, on
which page (``backpath.auditlog``), and a refused one with its outcome. A new view that goes
through the door cannot forget to log; lists log themselves with ``log_list``.
"""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from backpath.accounts.models import User
from backpath.auditlog.models import Action, Outcome
from backpath.auditlog.services import record
from backpath.care.models import Episode, Patient


def patients_for(user: User) -> QuerySet[Patient]:
    """The patients this user may see: the clinic's for clinicians, their own for a patient."""
    clinic_id = user.clinic_id
    if clinic_id is None:
        return Patient.objects.none()
    if user.is_clinician:
        return Patient.objects.filter(clinic_id=clinic_id)
    if user.is_patient:
        return Patient.objects.filter(user=user, clinic_id=clinic_id)
    return Patient.objects.none()


def episodes_for(user: User) -> QuerySet[Episode]:
    clinic_id = user.clinic_id
    if clinic_id is None:
        return Episode.objects.none()
    if user.is_clinician:
        return Episode.objects.filter(clinic_id=clinic_id)
    if user.is_patient:
        return Episode.objects.filter(patient__user=user, clinic_id=clinic_id)
    return Episode.objects.none()


def latest_episode(user: User, *, with_intake: bool = False) -> Episode | None:
    """A patient's own latest episode, unlogged: for jobs that show it to no one (reminders).
    The episode's own row, and its intake where the page uses it (``with_intake``): the
    portal's pages show neither the patient's details nor the intake, except the progress
    chart (the intake's scores are its first point); the few that touch one otherwise (an
    urgent intake's advice, the booklet's name) read it when they do."""
    latest = episodes_for(user).order_by("-opened_at")
    return (latest.select_related("intake") if with_intake else latest).first()


def episode_to_write(user: User) -> Episode | None:
    """A patient's own latest episode, for a write that shows no record: only the ids the
    write and its access-log entry need, and unlogged here (the write logs itself)."""
    latest = episodes_for(user).order_by("-opened_at")
    return latest.only("id", "patient_id", "clinic_id").first()


def current_episode(
    user: User, *, action: Action = Action.VIEW, with_intake: bool = False
) -> Episode | None:
    """A patient's own latest episode: what their portal pages show (no id in the URL)."""
    episode = latest_episode(user, with_intake=with_intake)
    if episode is not None:
        _log(user, episode.patient_id, "episode", episode.id, action)
    return episode


def _log(
    user: User,
    patient_id: uuid.UUID | None,
    object_type: str,
    object_id: object,
    action: Action,
    outcome: Outcome = Outcome.OK,
    detail: str = "",
) -> None:
    record(
        actor=user,
        action=action,
        detail=detail,
        patient_id=patient_id,
        object_type=object_type,
        object_id=object_id,
        outcome=outcome,
    )


def log_list(user: User, what: str) -> None:
    """A page listing the clinic's patients (names, no record): one entry per showing."""
    record(actor=user, action=Action.VIEW, object_type=what)


def _uuid(raw: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        raise Http404 from None


def access_patient(user: User, patient_id: object, *, action: Action = Action.VIEW) -> Patient:
    try:
        patient = patients_for(user).get(pk=_uuid(patient_id))
    except (Patient.DoesNotExist, Http404):
        _log(user, None, "patient", str(patient_id)[:64], action, Outcome.DENIED)
        raise Http404 from None
    _log(user, patient.id, "patient", patient.id, action)
    return patient


def access_episode(
    user: User,
    episode_id: object,
    *,
    need_clinician: bool = False,
    action: Action = Action.VIEW,
    detail: str = "",
) -> Episode:
    """The episode if the user may see it; ``need_clinician`` closes it to patients.
    ``action`` says what the page does with it (view, print, export); ``detail`` what of it,
    where the page's name does not say (default: the page's name)."""
    try:
        if need_clinician and not user.is_clinician:
            raise Http404
        episode = (
            episodes_for(user)
            .select_related("patient", "clinic", "intake")
            .get(pk=_uuid(episode_id))
        )
    except (Episode.DoesNotExist, Http404):
        _log(user, None, "episode", str(episode_id)[:64], action, Outcome.DENIED)
        raise Http404 from None
    _log(user, episode.patient_id, "episode", episode.id, action, detail=detail)
    return episode
