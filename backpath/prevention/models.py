"""The patient's prevention self-checks: one row per submission, the latest of each kind shown."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backpath.care.models import Episode
from backpath.education.prevention import CheckKind


class PreventionCheck(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="prevention_checks")
    kind = models.CharField(max_length=20)  # a backpath.education.prevention.CheckKind value
    answers = models.JSONField()  # as validated: option values, numbers, None when skipped
    advice = models.JSONField(default=list)  # the rule ids that fired, in the file's order
    created_at = models.DateTimeField(default=timezone.now)
    submission = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("prevention check")
        verbose_name_plural = _("prevention checks")
        ordering = ("-created_at",)
        indexes = (models.Index(fields=("episode", "kind", "created_at")),)
        constraints = (
            models.CheckConstraint(
                condition=models.Q(kind__in=[kind.value for kind in CheckKind]),
                name="prevention_check_kind_known",
            ),
        )

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d} {self.episode}"
