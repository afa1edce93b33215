"""API keys: one clinic's door to the API, with the scopes it opens.

Only the SHA-256 of a key is stored; the key itself is shown once, when it is made
(``services.create_key``). A key is ``bp_<prefix>_<secret>``: the prefix names it in lists,
in the access log and to ``backpath apikey revoke``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from django.conf import settings
from django.db import models
from django.utils import timezone

from backpath.accounts.models import Clinic

PREFIX_LENGTH = 8
NAME_MAX = 100


class Scope(StrEnum):
    """What a key may do. Add scopes, never rename one: keys in use carry them."""

    PATIENTS_READ = "patients:read"  # the clinic's patients: names, birth date, contact, GP
    EPISODES_READ = "episodes:read"  # episodes and their assessments, plan versions, sessions
    SCORE_WRITE = "score:write"  # storing questionnaire responses on an episode (FHIR)
    PATIENTS_WRITE = "patients:write"  # add a patient to the clinic
    EPISODES_WRITE = "episodes:write"  # open an episode of care for a patient


class ApiKey(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="api_keys")
    name = models.CharField(max_length=NAME_MAX)
    scopes = models.JSONField(default=list)  # Scope values
    prefix = models.CharField(max_length=PREFIX_LENGTH, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)  # sha256 hex of the whole key
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # The clinic admin's form that made it (a resubmitted page finds the key, not a second).
    submission = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = "API key"
        verbose_name_plural = "API keys"
        ordering = ("clinic_id", "created_at")

    def __str__(self) -> str:
        return f"{self.prefix} ({self.name})"

    @property
    def label(self) -> str:
        """How the access log names the key (it has no account)."""
        return f"api key {self.prefix} ({self.name})"

    def scope_set(self) -> frozenset[Scope]:
        known = {scope.value for scope in Scope}
        return frozenset(Scope(value) for value in self.scopes if value in known)

    def expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())


IDEMPOTENCY_KEY_MAX = 255


class IdempotentRequest(models.Model):
    """A write sent with an ``Idempotency-Key`` header: the key and a fingerprint of the
    request it first came with. The same key again with the same request answers with the
    record the first one made (its submission id is derived from the key); with a different
    request it is refused (422). No patient data here: the record answers from its table.
    Kept ``api.idempotency.KEPT`` (a day), then a new request may use the key again."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=IDEMPOTENCY_KEY_MAX)
    fingerprint = models.CharField(max_length=64)  # sha256 hex of method, path and body
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("clinic", "key"), name="one_request_per_key"),
        )

    def __str__(self) -> str:
        return f"{self.key} ({self.clinic_id})"
