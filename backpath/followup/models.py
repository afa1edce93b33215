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
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
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
        ordering = ("episode_id", "day")
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


FLARE_NOTE_MAX = 1000  # what happened, in the patient's words, with a flare-up report


class RedFlagCheck(models.Model):
    """The short red-flag re-check (the pathway's every-session flags), weekly or with a
    flare-up report."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="rechecks")
    kind = models.CharField(max_length=10, choices=CheckKind.choices)
    answers = models.JSONField()  # flag id -> answered yes
    # The flags asked as "has it changed since last time?" (documented as long-standing when
    # the patient answered); every other flag was asked with its own question.
    changed = models.JSONField(default=list, blank=True)
    urgency = models.CharField(max_length=20)  # a backpath.clinical.redflags.Action value
    ruleset = models.CharField(max_length=40)
    # A flare-up report also says how bad the pain is and what happened.
    pain = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=FLARE_NOTE_MAX)
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


REASON_MAX = 2000


class LongStandingSymptom(models.Model):
    """A re-check symptom the clinician documented as long-standing for this episode.

    While documented, the patient's re-check asks the flag's ``changed_question`` ("has it
    changed since last time?") instead of its question; a "yes" still counts as the flag.
    Removing it sets ``removed_at``: the history is kept, nothing is deleted.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="long_standing")
    flag = models.CharField(max_length=10)  # a re-check flag with a changed_question
    reason = models.TextField(max_length=REASON_MAX)
    documented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    documented_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submission = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("long-standing symptom")
        verbose_name_plural = _("long-standing symptoms")
        ordering = ("documented_at",)
        constraints = (
            models.UniqueConstraint(
                fields=("episode", "flag"),
                condition=Q(removed_at__isnull=True),
                name="one_active_long_standing_symptom",
            ),
            models.CheckConstraint(
                condition=~Q(reason="") & Q(LessThanOrEqual(Length("reason"), REASON_MAX)),
                name="long_standing_reason_given",
            ),
        )

    def __str__(self) -> str:
        return f"{self.flag} {self.episode}"


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
        indexes = (
            models.Index(fields=("clinic", "resolved_at")),
            # The dashboard's list: a clinic's unresolved alerts, most urgent and oldest first.
            models.Index(
                fields=("clinic", "priority", "created_at"),
                condition=Q(resolved_at__isnull=True),
                name="open_alerts_by_rank",
            ),
        )
        constraints = (
            models.UniqueConstraint(fields=("episode", "kind", "key"), name="one_alert_per_key"),
        )

    def __str__(self) -> str:
        return f"{self.kind} {self.episode}"
