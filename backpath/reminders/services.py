"""Reminders: the scheduled job that mails them, the patient's choices and calendar link.

``send_reminders(now)`` is the one job. The management command runs it from cron in the
embedded default; in production the Celery task in ``tasks.py`` runs the same function.

**At most once.** Each reminder is claimed first: a ``ReminderSent`` row, unique per
patient, kind and key, committed in its own transaction before the mail leaves; the row is
marked sent afterwards. A run that stops halfway (a crash, a killed worker, a mail server
that refuses) leaves the claim without ``sent_at``, and no later run sends that key again.
We chose at most once over at least once: a missed reminder is followed by the next day's,
while a reminder twice, or every 15 minutes after a crash, teaches patients to ignore them.
Two runs at the same moment are safe for the same reason: only one can claim a key.

Do not call it inside a transaction: the claims must commit on their own.

The mail names no health detail (mail is not a safe channel for health data): it says that
something is waiting and links to the page, and to the settings page to stop the mails.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from backpath.accounts.models import Role, User
from backpath.care.access import latest_episode
from backpath.care.audit import AuditAction, audit
from backpath.care.models import Episode, EpisodeStatus
from backpath.clinical.followup import FOLLOWUP_MONTHS
from backpath.exercises.adherence_rules import DAILY
from backpath.followup.selectors import between_visits
from backpath.programs.models import ExerciseLog
from backpath.programs.services import current_program
from backpath.reminders.models import CHOICES, ReminderSent, ReminderSettings
from backpath.reminders.timing import (
    Kind,
    OpenQuestionnaire,
    Outstanding,
    Reminder,
    due_reminders,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

# What each reminder says and where it links. The diary, re-check and questionnaire pages
# are reached from the patient's home page.
_LINES: dict[Kind, tuple[StrOrPromise, str]] = {
    Kind.EXERCISES: (gettext_lazy("Your exercises for today are ready"), "today"),
    Kind.DIARY: (gettext_lazy("Your diary for today is waiting"), "diary"),
    Kind.RECHECK: (gettext_lazy("Your weekly check is due"), "recheck"),
    Kind.QUESTIONNAIRE: (gettext_lazy("A short questionnaire is waiting"), "questionnaires"),
}


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _site_url(name: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name)


# The patient's choices and calendar link.


def reminder_settings_for(user: User) -> ReminderSettings:
    """The user's settings, or the defaults (not saved) when they never changed them."""
    found = ReminderSettings.objects.filter(user=user).first()
    return found or ReminderSettings(user=user)


def reminder_settings_save(*, user: User, values: ReminderSettings) -> ReminderSettings:
    """Store the choices of the settings form (the calendar link is left alone)."""
    fields = CHOICES
    with transaction.atomic(durable=True):
        found, _created = ReminderSettings.objects.update_or_create(
            user=user,
            defaults={name: getattr(values, name) for name in fields}
            | {"updated_at": timezone.now()},
        )
        audit(user, None, AuditAction.REMINDERS_SETTINGS, None)
    return found


def calendar_token_new(*, user: User) -> str:
    """A fresh secret for the calendar link; the link made before stops working.

    The token is returned once, to show; only its hash is kept.
    """
    token = secrets.token_urlsafe(32)
    with transaction.atomic(durable=True):
        ReminderSettings.objects.update_or_create(
            user=user,
            defaults={"calendar_token_hash": _token_hash(token), "updated_at": timezone.now()},
        )
        audit(user, None, AuditAction.REMINDERS_CALENDAR_NEW, None)
    return token


def calendar_token_stop(*, user: User) -> None:
    """The calendar link stops working; no new one is made."""
    with transaction.atomic(durable=True):
        ReminderSettings.objects.filter(user=user).update(
            calendar_token_hash="", updated_at=timezone.now()
        )
        audit(user, None, AuditAction.REMINDERS_CALENDAR_STOP, None)


def settings_for_calendar_token(token: str) -> ReminderSettings | None:
    """Whose calendar a link opens: found by the hash, for an active patient only."""
    return (
        ReminderSettings.objects.filter(
            calendar_token_hash=_token_hash(token),
            user__is_active=True,
            user__role=Role.PATIENT,
        )
        .select_related("user")
        .first()
    )


# The facts the rules need.

# A closed episode keeps its questionnaire reminders through the last after-care follow-up.
_REMINDED_AFTER_CLOSE = timedelta(days=31 * max(FOLLOWUP_MONTHS) + 14)


def _exercises_outstanding(episode: Episode, today: date) -> bool:
    """Exercises are planned today and nothing is logged today.

    Planned today: a near-daily exercise (``DAILY`` or more a week), or one prescribed less
    often that has not been done as often as prescribed this week (Monday to today, as the
    patient's "Today" page counts).
    """
    program = current_program(episode)
    if program is None:
        return False
    items = list(program.items.all())
    monday = today - timedelta(days=today.weekday())
    logs = list(ExerciseLog.objects.filter(item__in=items, day__gte=monday, day__lte=today))
    if any(log.day == today for log in logs):
        return False
    done = {
        item.pk: sum(1 for log in logs if log.item_id == item.pk and log.done) for item in items
    }
    return any(item.per_week >= DAILY or done[item.pk] < item.per_week for item in items)


def outstanding(episode: Episode, today: date) -> Outstanding:
    """What the patient still has to do today, from the between-visits selectors."""
    state = between_visits(episode, today)
    questionnaires = tuple(OpenQuestionnaire(o.key, o.opens()) for o in state.due)
    if episode.status != EpisodeStatus.TREATMENT:
        # After discharge only the after-care questionnaires are asked.
        return Outstanding(questionnaires=questionnaires)
    return Outstanding(
        exercises=_exercises_outstanding(episode, today),
        diary=state.plan is not None and state.diary_today is None,
        recheck=state.recheck_is_due,
        questionnaires=questionnaires,
    )


def _remindable(episode: Episode | None, now: datetime) -> bool:
    if episode is None:
        return False
    if episode.status == EpisodeStatus.TREATMENT:
        return True
    return (
        episode.status == EpisodeStatus.CLOSED
        and episode.closed_at is not None
        and episode.closed_at >= now - _REMINDED_AFTER_CLOSE
    )


def _claim(user: User, reminder: Reminder) -> bool:
    """Claim one reminder in its own transaction; False when a run before us claimed it."""
    try:
        with transaction.atomic(durable=True):
            ReminderSent.objects.create(user=user, kind=reminder.kind.value, key=reminder.key)
    except IntegrityError:
        return False
    return True


def reminder_mail(user: User, reminders: list[Reminder]) -> mail.EmailMessage:
    """One mail for the reminders of one run, in the user's language, naming no health detail."""
    with translation.override(user.language):
        lines: list[tuple[str, str]] = []
        for reminder in reminders:
            text, url_name = _LINES[reminder.kind]
            line = (str(text), _site_url(url_name))
            if line not in lines:
                lines.append(line)
        subject = (
            lines[0][0]
            if len(lines) == 1
            else ngettext(
                "You have %(count)d reminder from backpath",
                "You have %(count)d reminders from backpath",
                len(lines),
            )
            % {"count": len(lines)}
        )
        body = "\n\n".join(f"{text}:\n{url}" for text, url in lines)
        body += "\n\n" + _(
            "You receive this email because reminders are on in backpath. To change the times "
            "or to stop these emails: %(link)s"
        ) % {"link": _site_url("reminder_settings")}
    return mail.EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


@dataclass(slots=True)
class RunResult:
    """What one run did: counts only, so it can be logged and returned by the task."""

    patients: int = 0  # patients with an episode in treatment or recently closed
    reminders: int = 0  # reminders sent
    mails: int = 0  # mails sent (one per patient per run)
    already_claimed: int = 0  # due, but claimed by an earlier or concurrent run
    failed: int = 0  # mails the mail server refused; their reminders are not sent again
    counts: dict[str, int] = field(default_factory=dict)  # reminders sent per kind


def send_reminders(now: datetime) -> RunResult:
    """Send the reminders due at ``now`` and raise the time-based clinician alerts.

    About six queries per patient (episode, settings, plan, program, logs, history).
    """
    local = timezone.localtime(now)
    today = local.date()
    result = RunResult()
    recent = now - _REMINDED_AFTER_CLOSE
    patients = (
        User.objects.filter(role=Role.PATIENT, is_active=True)
        .exclude(email="")
        .filter(
            Q(patient__episodes__status=EpisodeStatus.TREATMENT)
            | Q(
                patient__episodes__status=EpisodeStatus.CLOSED,
                patient__episodes__closed_at__gte=recent,
            )
        )
        .distinct()
        .order_by("pk")
    )
    connection = mail.get_connection()
    for user in patients.iterator():
        episode = latest_episode(user)
        if not _remindable(episode, now):
            continue
        assert episode is not None
        result.patients += 1
        prefs = reminder_settings_for(user).preferences()
        if not prefs.email:
            continue  # opted out: not even the facts are read
        sent = {
            (Kind(kind), key)
            for kind, key in ReminderSent.objects.filter(
                user=user, key__endswith=today.isoformat()
            ).values_list("kind", "key")
        }
        due = due_reminders(local, prefs, outstanding(episode, today), sent)
        claimed = [reminder for reminder in due if _claim(user, reminder)]
        result.already_claimed += len(due) - len(claimed)
        if not claimed:
            continue
        try:
            connection.send_messages([reminder_mail(user, claimed)])
        except Exception:  # the mail server refused: the claims stay, nothing is sent twice
            logger.exception("reminder mail failed for user %s", user.pk)
            result.failed += 1
            continue
        claims = Q()
        for reminder in claimed:
            claims |= Q(kind=reminder.kind.value, key=reminder.key)
        ReminderSent.objects.filter(claims, user=user).update(sent_at=timezone.now())
        result.mails += 1
        result.reminders += len(claimed)
        for reminder in claimed:
            result.counts[reminder.kind.value] = result.counts.get(reminder.kind.value, 0) + 1
    logger.info(
        "reminders: %s patients, %s reminders in %s mails, %s already claimed, %s failed",
        result.patients,
        result.reminders,
        result.mails,
        result.already_claimed,
        result.failed,
    )
    return result
