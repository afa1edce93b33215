"""What the patient records between visits, and the alerts it raises for the clinician.

A diary entry is one per day and may be corrected the same day; a re-check and a
measurement are written once. An alert is unique per episode, kind and key, so the job that
raises time-based alerts can run again (or twice at once) without raising one twice.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backpath.accounts.models import Clinic
from backpath.care.models import Episode


class ExercisesDone(models.TextChoices):
    ALL = "all", _("All")
    SOME = "some", _("Some")
    NONE = "none", _("None")


class Sleep(models.TextChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("So-so")
    POOR = "poor", _("Poor")


class DiaryEntry(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="diary")
    day = models.DateField(_("day"))
    pain = models.PositiveSmallIntegerField(_("pain (0-10)"))
    active_minutes = models.PositiveSmallIntegerField(_("minutes active or walking"))
    exercises = models.CharField(_("exercises done"), max_length=10, choices=ExercisesDone.choices)
    sitting_breaks = models.PositiveSmallIntegerField(_("sitting breaks"))
    sleep = models.CharField(_("sleep last night"), max_length=10, choices=Sleep.choices)
    stress = models.PositiveSmallIntegerField(_("stress (0-10)"))
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("diary entry")
        verbose_name_plural = _("diary entries")
        ordering = ("episode", "day")
        constraints = (
            models.UniqueConstraint(fields=("episode", "day"), name="one_diary_entry_per_day"),
            models.CheckConstraint(condition=Q(pain__lte=10), name="diary_pain_0_to_10"),
            models.CheckConstraint(condition=Q(stress__lte=10), name="diary_stress_0_to_10"),
            models.CheckConstraint(
                condition=Q(active_minutes__lte=1440), name="diary_minutes_within_a_day"
            ),
            models.CheckConstraint(
                condition=Q(sitting_breaks__lte=100), name="diary_breaks_plausible"
            ),
        )

    def __str__(self) -> str:
        return f"diary {self.day} {self.episode}"


class CheckKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly check")
    FLARE = "flare", _("Flare-up report")


class RedFlagCheck(models.Model):
    """The short red-flag re-check (CES-1..4, NEU-1), weekly or with a flare-up report."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="rechecks")
    kind = models.CharField(max_length=10, choices=CheckKind.choices)
    answers = models.JSONField()  # flag id -> answered yes
    urgency = models.CharField(max_length=20)  # a backpath.clinical.redflags.Action value
    ruleset = models.CharField(max_length=40)
    # A flare-up report also says how bad the pain is and what happened.
    pain = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    submission = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("red-flag re-check")
        verbose_name_plural = _("red-flag re-checks")
        ordering = ("created_at",)
        constraints = (
            models.CheckConstraint(
                condition=Q(pain__isnull=True) | Q(pain__lte=10), name="recheck_pain_0_to_10"
            ),
        )

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d}"


class Measurement(models.Model):
    """The questionnaires of one occasion (``week-6``, ``discharge``, ``followup-3m``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="measurements")
    occasion = models.CharField(max_length=20)
    due_on = models.DateField()
    answers = models.JSONField()  # instrument id -> {link id: value}
    scores = models.JSONField()  # instrument id -> total (None when not scorable)
    instrument_versions = models.JSONField()
    # The guideline's decision at this measurement (a progress.Outcome value) and its reason.
    outcome = models.CharField(max_length=20, blank=True)
    decision = models.JSONField(default=dict, blank=True)  # {"rule", "source", "nl", "en"}
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ("due_on",)
        constraints = (
            models.UniqueConstraint(fields=("episode", "occasion"), name="one_measurement_each"),
        )

    def __str__(self) -> str:
        return f"{self.occasion} {self.episode}"


class Alert(models.Model):
    """Something the clinician should act on, raised by a rule in ``clinical.followup``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="alerts")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(max_length=20)  # a clinical.followup.AlertKind value
    # What the alert is about, so a rerun finds it: a re-check id, an occasion, a week.
    key = models.CharField(max_length=60)
    priority = models.PositiveSmallIntegerField()
    rule = models.CharField(max_length=40)
    source = models.CharField(max_length=40)
    text = models.JSONField()  # {"nl": ..., "en": ...}
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ("priority", "created_at")
        indexes = (models.Index(fields=("clinic", "resolved_at")),)
        constraints = (
            models.UniqueConstraint(fields=("episode", "kind", "key"), name="one_alert_per_key"),
        )

    def __str__(self) -> str:
        return f"{self.kind} {self.episode}"
