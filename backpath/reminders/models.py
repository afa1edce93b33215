"""A patient's reminder choices, and the record of every reminder claimed for sending.

A patient without a ``ReminderSettings`` row has the defaults (email on, every kind on,
sitting breaks off, exercises at 09:00, quiet from 22:00 to 08:00). The calendar link is a
secret in the URL, so only a SHA-256 of it is stored, as for invitations: a database copy
cannot be used to read anyone's calendar.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backpath.reminders.timing import (
    DEFAULT_EXERCISE_AT,
    DEFAULT_QUIET_END,
    DEFAULT_QUIET_START,
    Kind,
    Preferences,
)


class ReminderKind(models.TextChoices):
    EXERCISES = Kind.EXERCISES.value, _("Exercises")
    DIARY = Kind.DIARY.value, _("Diary")
    RECHECK = Kind.RECHECK.value, _("Weekly check")
    QUESTIONNAIRE = Kind.QUESTIONNAIRE.value, _("Questionnaires")


# What the patient chooses on the settings page (the calendar link is made separately).
CHOICES = (
    "email",
    "exercises",
    "diary",
    "recheck",
    "questionnaire",
    "sitting_breaks",
    "exercise_time",
    "quiet_start",
    "quiet_end",
)


class ReminderSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    email = models.BooleanField(_("send me reminders by email"), default=True)
    exercises = models.BooleanField(_("my exercises for the day"), default=True)
    diary = models.BooleanField(_("my diary in the evening"), default=True)
    recheck = models.BooleanField(_("the weekly check"), default=True)
    questionnaire = models.BooleanField(_("questionnaires"), default=True)
    sitting_breaks = models.BooleanField(
        _("sitting breaks in my calendar (weekdays, every hour from 9 to 5)"), default=False
    )
    exercise_time = models.TimeField(_("time for my exercises"), default=DEFAULT_EXERCISE_AT)
    quiet_start = models.TimeField(_("quiet from"), default=DEFAULT_QUIET_START)
    quiet_end = models.TimeField(_("quiet until"), default=DEFAULT_QUIET_END)
    calendar_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")
        constraints = (
            models.UniqueConstraint(
                fields=("calendar_token_hash",),
                condition=~Q(calendar_token_hash=""),
                name="one_user_per_calendar_token",
            ),
        )

    def __str__(self) -> str:
        return f"reminders {self.user}"

    def preferences(self) -> Preferences:
        kinds = frozenset(kind for kind in Kind if getattr(self, kind.value))
        return Preferences(
            email=self.email,
            kinds=kinds,
            exercise_time=_minute(self.exercise_time),
            quiet_start=_minute(self.quiet_start),
            quiet_end=_minute(self.quiet_end),
        )


def _minute(value: time) -> time:
    return value.replace(second=0, microsecond=0)


class ReminderSent(models.Model):
    """One reminder, claimed before it is sent (see ``services.send_reminders``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders_sent"
    )
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    key = models.CharField(max_length=60)  # the date, or an occasion and a date
    # The date the key ends with: a run looks up the day's reminders by it (indexed).
    day = models.DateField()
    claimed_at = models.DateTimeField(default=timezone.now)
    # Empty when the sending failed, or the job stopped before it marked its chunk's mails
    # sent: never sent again either way.
    sent_at = models.DateTimeField(null=True, blank=True)
    # The run that claimed it: a run inserts its claims, ignoring the keys claimed already,
    # and reads back which rows carry its own id.
    run = models.UUIDField(null=True, editable=False)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ("-claimed_at",)
        constraints = (
            models.UniqueConstraint(fields=("user", "kind", "key"), name="one_reminder_per_key"),
        )
        indexes = (models.Index(fields=("user", "day"), name="reminders_sent_per_day"),)

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class ReminderRun(models.Model):
    """Up to which moment the reminder job has looked (one row): the next run looks at the
    reminder moments after it (``timing.window``)."""

    looked_until = models.DateTimeField()

    class Meta:
        verbose_name = _("reminder run")
        verbose_name_plural = _("reminder runs")

    def __str__(self) -> str:
        return f"reminders looked until {self.looked_until:%Y-%m-%d %H:%M}"
