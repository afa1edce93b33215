"""A patient's request to erase their data, and the clinic admin's decision on it.

A Dutch medical record is kept for 20 years (WGBO art. 7:454 lid 3 BW). The patient may ask
for it to be destroyed (art. 7:455 BW, GDPR art. 17); the practice grants that unless
keeping it is of substantial importance to someone other than the patient, or a law
requires it (art. 7:455 lid 2). So every request gets a decision with its reason, and a
granted one is carried out at once (``backpath.privacy.erasure``). The request itself stays:
it is the record that the patient asked and what the practice decided.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backpath.care.models import Patient

TEXT_MAX = 1000


class Decision(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    GRANTED = "granted", _("Granted: personal data erased")
    REFUSED = "refused", _("Refused")


class ErasureRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="erasure_requests")
    requested_at = models.DateTimeField(_("requested on"), default=timezone.now)
    # The patient, or the clinician who wrote the request down for them.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("the patient's words"), max_length=TEXT_MAX, blank=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    decision_reason = models.TextField(
        _("reason for the decision"), max_length=TEXT_MAX, blank=True
    )
    submission = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ("requested_at",)
        constraints = (
            # One open request per patient at a time: a second is a double submit.
            models.UniqueConstraint(
                fields=("patient",),
                condition=Q(decision="pending"),
                name="one_pending_erasure_request",
            ),
            # A decision has its moment and its reason; a pending request has neither.
            models.CheckConstraint(
                condition=(Q(decision="pending") & Q(decided_at__isnull=True))
                | (
                    Q(decision__in=("granted", "refused"))
                    & Q(decided_at__isnull=False)
                    & ~Q(decision_reason="")
                ),
                name="erasure_decision_has_date_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(LessThanOrEqual(Length("reason"), TEXT_MAX))
                & Q(LessThanOrEqual(Length("decision_reason"), TEXT_MAX)),
                name="erasure_texts_bounded",
            ),
        )

    def __str__(self) -> str:
        return f"erasure request {self.requested_at:%Y-%m-%d} ({self.decision})"

    @property
    def is_pending(self) -> bool:
        return self.decision == Decision.PENDING
