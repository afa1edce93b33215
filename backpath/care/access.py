"""The one door to patient data.

Every view that touches a patient or an episode goes through these functions. A record the
user may not see answers 404, never 403, so another clinic's records stay invisible.
"""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from backpath.accounts.models import User
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


def current_episode(user: User) -> Episode | None:
    """A patient's own latest episode: what their portal pages show (no id in the URL)."""
    return episodes_for(user).select_related("patient", "intake").order_by("-opened_at").first()


def _uuid(raw: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        raise Http404 from None


def access_patient(user: User, patient_id: object) -> Patient:
    try:
        return patients_for(user).get(pk=_uuid(patient_id))
    except Patient.DoesNotExist:
        raise Http404 from None


def access_episode(user: User, episode_id: object, *, need_clinician: bool = False) -> Episode:
    """The episode if the user may see it; ``need_clinician`` closes it to patients."""
    if need_clinician and not user.is_clinician:
        raise Http404
    try:
        return (
            episodes_for(user)
            .select_related("patient", "clinic", "intake")
            .get(pk=_uuid(episode_id))
        )
    except Episode.DoesNotExist:
        raise Http404 from None
