"""Erasure requests: the patient (or a clinician for them) asks, the clinic admin decides.

Each write runs in one transaction and goes into the access log, like the clinical record's
services: a request as a creation (``erasure.request``), a decision as a change
(``erasure.granted`` or ``erasure.refused``). A granted request is carried out in the same
transaction (``erasure.erase``), so a decision and its effect cannot part.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backpath.accounts.models import Role, User
from backpath.auditlog.models import Action
from backpath.auditlog.services import record
from backpath.care.models import Patient
from backpath.care.submissions import record_for_submission
from backpath.privacy import erasure
from backpath.privacy.models import Decision, ErasureRequest


class AlreadyPending(Exception):
    """The patient has a request waiting for a decision already."""


class AlreadyDecided(Exception):
    """Someone decided on the request in the meantime."""


def _log(actor: User, request: ErasureRequest, action: Action, detail: str) -> None:
    record(
        actor=actor,
        action=action,
        detail=detail,
        patient_id=request.patient_id,
        clinic_id=request.patient.clinic_id,
        object_type="erasure_request",
        object_id=request.id,
    )


def request_erasure(
    *, actor: User, patient: Patient, reason: str, submission: uuid.UUID | None
) -> ErasureRequest:
    """Record the request and tell the clinic's admins (after commit, without any name)."""
    if found := record_for_submission(ErasureRequest, submission, patient=patient):
        return found
    try:
        with transaction.atomic(durable=True):
            if ErasureRequest.objects.filter(patient=patient, decision=Decision.PENDING).exists():
                raise AlreadyPending
            request = ErasureRequest.objects.create(
                patient=patient, requested_by=actor, reason=reason, submission=submission
            )
            _log(actor, request, Action.CREATE, "erasure.request")
            clinic_id = patient.clinic_id
            transaction.on_commit(lambda: _tell_admins(clinic_id))
    except IntegrityError:
        # The same form twice at once, or a second request racing the first.
        if found := record_for_submission(ErasureRequest, submission, patient=patient):
            return found
        raise AlreadyPending from None
    return request


def _tell_admins(clinic_id: uuid.UUID) -> None:
    admins = User.objects.filter(
        clinic_id=clinic_id, role=Role.CLINIC_ADMIN, is_active=True
    ).exclude(email="")
    link = settings.SITE_URL.rstrip("/") + reverse("erasure_requests")
    messages = []
    for admin in admins:
        with translation.override(admin.language or settings.LANGUAGE_CODE):
            subject = _("backpath: a patient asks for their data to be erased")
            body = _(
                "A patient of your practice asks for their data to be erased. Decide within a "
                "month, and give the reason for your decision.\n\n"
                "Open the requests (you will be asked to log in):\n%(link)s\n"
            ) % {"link": link}
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [admin.email]))
    send_mass_mail(messages)


def decide(
    *, actor: User, request: ErasureRequest, decision: Decision, reason: str
) -> ErasureRequest:
    """Record the admin's decision; a granted request erases the patient's data at once."""
    if decision == Decision.PENDING:
        raise ValueError("a decision grants or refuses")
    with transaction.atomic(durable=True):
        request = (
            ErasureRequest.objects.select_for_update().select_related("patient").get(pk=request.pk)
        )
        if not request.is_pending:
            raise AlreadyDecided
        request.decision = decision
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.decision_reason = reason
        request.save(update_fields=["decision", "decided_by", "decided_at", "decision_reason"])
        _log(actor, request, Action.CHANGE, f"erasure.{decision}")
        if decision == Decision.GRANTED:
            erasure.erase(actor=actor, patient=request.patient)
            request.refresh_from_db()
    return request
