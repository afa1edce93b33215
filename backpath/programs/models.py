"""Home exercise programs as the clinic prescribes them and the patient logs them.

A program is versioned like a care plan: publishing a change adds a version, and the patient
always sees the highest published one. Logs point at the program item they were made for, so
adherence stays readable across versions.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backpath.care.models import Episode
from backpath.exercises.library import Category

# The bounds of the program's free text (the builder's form uses the same names): the note
# is printed on the booklet's cover.
NOTE_MAX = 2000
REASON_MAX = 2000


class Program(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="programs")
    number = models.PositiveIntegerField()
    note = models.TextField(_("note for the patient"), blank=True, max_length=NOTE_MAX)
    # Why this version differs from the one before.
    reason = models.TextField(blank=True, max_length=REASON_MAX)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)
    submission = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("home exercise program")
        verbose_name_plural = _("home exercise programs")
        ordering = ("episode_id", "number")
        constraints = (
            models.UniqueConstraint(fields=("episode", "number"), name="one_program_per_number"),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(reason=""), name="program_change_has_reason"
            ),
        )

    def __str__(self) -> str:
        return f"program v{self.number} {self.episode}"


class ProgramItem(models.Model):
    """One exercise in a program with its dosage: sets x reps, hold x reps, or minutes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    exercise_id = models.CharField(max_length=40)
    sets = models.PositiveSmallIntegerField(null=True, blank=True)
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    per_week = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("program_id", "position")
        constraints = (
            models.UniqueConstraint(fields=("program", "position"), name="one_item_per_position"),
            models.CheckConstraint(
                condition=Q(per_week__gte=1) & Q(per_week__lte=14), name="per_week_1_to_14"
            ),
        )

    def __str__(self) -> str:
        return f"{self.exercise_id} ({self.program})"


class Quota(models.Model):
    """The graded-activity quota of a program (backpath.exercises.programs.GradedQuota)."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="quota")
    activity = models.CharField(_("activity"), max_length=100)
    unit = models.CharField(_("unit"), max_length=20)
    baseline = models.PositiveIntegerField(_("baseline per week"))
    start = models.PositiveIntegerField(_("start per week"))
    increment = models.PositiveIntegerField(_("increase per week"))
    goal = models.PositiveIntegerField(_("goal per week"))
    starts_on = models.DateField(_("first week starts on"))

    class Meta:
        constraints = (
            models.CheckConstraint(
                condition=Q(start__lt=models.F("baseline")) & Q(goal__gt=models.F("start")),
                name="quota_starts_below_baseline_and_rises",
            ),
        )

    def __str__(self) -> str:
        return f"{self.activity} {self.program}"


class ExerciseLog(models.Model):
    """The patient did (or skipped) one exercise on one day, with pain and difficulty."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(ProgramItem, on_delete=models.PROTECT, related_name="logs")
    day = models.DateField()
    done = models.BooleanField()
    pain = models.PositiveSmallIntegerField(null=True, blank=True)  # NPRS 0-10 during/after
    difficulty = models.PositiveSmallIntegerField(null=True, blank=True)  # 1 easy .. 5 too hard
    logged_at = models.DateTimeField(default=timezone.now)
    # The submission id of the entry that last set this day (made when the patient saved it,
    # kept with it when the phone sends it late): that entry sent again changes nothing. The
    # phone sends what it kept in order, so an older entry never arrives after a newer one.
    submission = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        ordering = ("day",)
        constraints = (
            models.UniqueConstraint(fields=("item", "day"), name="one_log_per_item_per_day"),
            models.CheckConstraint(
                condition=Q(pain__isnull=True) | Q(pain__lte=10), name="log_pain_0_to_10"
            ),
            models.CheckConstraint(
                condition=Q(difficulty__isnull=True)
                | (Q(difficulty__gte=1) & Q(difficulty__lte=5)),
                name="log_difficulty_1_to_5",
            ),
        )

    def __str__(self) -> str:
        return f"{self.item} {self.day}"


class QuotaLog(models.Model):
    """How much of the activity the patient did on a day (minutes, steps ...): the sum of the
    day's entries (``QuotaEntry``)."""

    quota = models.ForeignKey(Quota, on_delete=models.PROTECT, related_name="logs")
    day = models.DateField()
    amount = models.PositiveIntegerField()

    class Meta:
        ordering = ("day",)
        constraints = (
            models.UniqueConstraint(fields=("quota", "day"), name="one_quota_log_per_day"),
        )

    def __str__(self) -> str:
        return f"{self.quota} {self.day}: {self.amount}"


class QuotaEntry(models.Model):
    """One entry added to a day's activity (a walk in the morning, one in the evening).

    Entries add up, so sending one twice would count it twice: its ``submission`` id, made
    when the patient saved it, lets the same entry sent again (a retry, the phone sending
    what it kept offline) count once.
    """

    log = models.ForeignKey(QuotaLog, on_delete=models.CASCADE, related_name="entries")
    amount = models.PositiveIntegerField()
    submission = models.UUIDField(unique=True, null=True, editable=False)
    logged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("logged_at",)

    def __str__(self) -> str:
        return f"{self.log}: +{self.amount}"


# --- the clinic's own exercises -------------------------------------------------------------

# An own exercise's id in a program item: the prefix and its key in hex (39 characters, within
# ProgramItem.exercise_id). The hyphen keeps it apart from every library id ([a-z0-9_]).
CLINIC_EXERCISE_PREFIX = "clinic-"
# The bounds of an own exercise's texts (its form uses the same names).
EXERCISE_NAME_MAX = 120
EXERCISE_STEPS_MAX = 3000
EXERCISE_FEEL_MAX = 500
EXERCISE_CAUTIONS_MAX = 1000


class MediaKind(models.TextChoices):
    PHOTO = "photo", _("photo")
    VIDEO = "video", _("video")


class ClinicExercise(models.Model):
    """An exercise a clinic wrote itself, prescribed beside the packaged library.

    Its texts are in Dutch, English or both; a language left empty shows the other one. The
    optional photo or video lives in the data directory under a name backpath chose
    (``media.py``); the row keeps that name, its kind and its content type. An exercise a
    program uses is archived rather than deleted, so the program keeps showing it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(
        "accounts.Clinic", on_delete=models.PROTECT, related_name="own_exercises"
    )
    exercise_id = models.CharField(max_length=40, unique=True, editable=False)
    name_nl = models.CharField(_("name (Dutch)"), max_length=EXERCISE_NAME_MAX, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=EXERCISE_NAME_MAX, blank=True)
    # One step a line.
    steps_nl = models.TextField(blank=True, max_length=EXERCISE_STEPS_MAX)
    steps_en = models.TextField(blank=True, max_length=EXERCISE_STEPS_MAX)
    feel_nl = models.TextField(blank=True, max_length=EXERCISE_FEEL_MAX)
    feel_en = models.TextField(blank=True, max_length=EXERCISE_FEEL_MAX)
    cautions = models.TextField(blank=True, max_length=EXERCISE_CAUTIONS_MAX)
    category = models.CharField(max_length=20, choices=[(c.value, c.value) for c in Category])
    level = models.PositiveSmallIntegerField()
    sets = models.PositiveSmallIntegerField(null=True, blank=True)
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    media_name = models.CharField(max_length=64, blank=True)
    media_kind = models.CharField(max_length=5, choices=MediaKind.choices, blank=True)
    media_type = models.CharField(max_length=20, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Any change: a printed booklet that shows the exercise is printed anew.
    updated_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)
    submission = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("clinic exercise")
        verbose_name_plural = _("clinic exercises")
        ordering = ("clinic_id", "name_nl", "name_en")
        constraints = (
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=5), name="clinic_exercise_level_1_to_5"
            ),
            models.CheckConstraint(
                condition=~Q(name_nl="") | ~Q(name_en=""), name="clinic_exercise_has_a_name"
            ),
        )

    def __str__(self) -> str:
        return self.name_nl or self.name_en

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.exercise_id:
            self.exercise_id = CLINIC_EXERCISE_PREFIX + self.id.hex
        super().save(*args, **kwargs)
