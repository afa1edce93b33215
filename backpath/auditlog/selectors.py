"""Reading the access log back: a clinic's entries by patient, user and period, and the
entries a patient may see about their own record."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from backpath.auditlog.models import AccessEntry, Action, Actor


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def clinic_entries(
    clinic_id: uuid.UUID,
    *,
    start: date,
    end: date,
    patient_id: uuid.UUID | None = None,
    actor_id: int | None = None,
) -> QuerySet[AccessEntry]:
    """The clinic's entries from ``start`` to ``end`` (both days included), newest first."""
    entries = AccessEntry.objects.filter(
        clinic_id=clinic_id, at__gte=_moment(start), at__lt=_moment(end + timedelta(days=1))
    )
    if patient_id is not None:
        entries = entries.filter(patient_id=patient_id)
    if actor_id is not None:
        entries = entries.filter(actor_id=actor_id)
    return entries.order_by("-id")


# What a patient is shown: the people who opened or changed their record, not the log's
# own bookkeeping (logins, prunes) and not their own use of the portal.
_SHOWN_TO_PATIENT = (Action.VIEW, Action.PRINT, Action.EXPORT, Action.CREATE, Action.CHANGE)


def opened_by_others(
    user: Actor, clinic_id: uuid.UUID, patient_ids: Iterable[uuid.UUID]
) -> QuerySet[AccessEntry]:
    return (
        AccessEntry.objects.filter(
            patient_id__in=list(patient_ids),
            clinic_id=clinic_id,
            action__in=_SHOWN_TO_PATIENT,
        )
        .exclude(actor_id=user.pk)
        .select_related("actor")
        .order_by("-id")
    )
