"""Reminders: the scheduled job that mails them, the patient's choices and calendar link.

**The run.** Every quarter of an hour a run looks at the patients with a reminder moment
since the last run looked (``timing.window``, REM-WINDOW), found in one query, and hands
their latest episodes on in chunks of ``CHUNK`` ids (``dispatch_reminders``). A chunk is
read and claimed in a fixed number of queries, whatever its size (``send_reminder_chunk``).
``send_reminders(now)`` runs the chunks one after the other in this process: the management
command, from cron, in the embedded default. In production the Celery tasks in ``tasks.py``
send each chunk to a worker, as many workers as there are.

**At most once.** Each reminder is claimed first: a ``ReminderSent`` row, unique per
patient, kind and key, committed in its own transaction before the mail leaves; the row is
marked sent afterwards. A run that stops halfway (a crash, a killed worker, a mail server
that refuses) leaves the claim without ``sent_at``, and no later run sends that key again.
We chose at most once over at least once: a missed reminder is followed by the next day's,
while a reminder twice, or every 15 minutes after a crash, teaches patients to ignore them.
Two runs at the same moment, or two workers on overlapping chunks, are safe for the same
reason: only one can claim a key.

Do not call it inside a transaction: the claims must commit on their own.

The mail names no health detail (mail is not a safe channel for health data): it says that
something is waiting and links to the page, and to the settings page to stop the mails.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from backpath.accounts.models import Role, User
from backpath.care.audit import AuditAction, audit
from backpath.care.models import Episode, EpisodeStatus
from backpath.clinical.followup import FOLLOWUP_MONTHS
from backpath.exercises.adherence_rules import DAILY
from backpath.followup.jobs import CHUNK, between_visits_of, chunked, latest
from backpath.followup.selectors import BetweenVisits
from backpath.programs.models import ExerciseLog, Program, ProgramItem
from backpath.reminders.models import CHOICES, ReminderRun, ReminderSent, ReminderSettings
from backpath.reminders.timing import (
    Kind,
    OpenQuestionnaire,
    Outstanding,
    Preferences,
    Reminder,
    Window,
    due_reminders,
    window,
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


# The run: which patients to look at, in chunks.

# A closed episode keeps its questionnaire reminders through the last after-care follow-up.
_REMINDED_AFTER_CLOSE = timedelta(days=31 * max(FOLLOWUP_MONTHS) + 14)


def _remindable(now: datetime) -> QuerySet[Episode]:
    """Each patient's latest episode (as ``care.access.latest_episode`` finds it) while it is
    in treatment or closed recently, of an active patient account with an email address that
    did not opt out of reminders."""
    later = Episode.objects.filter(
        Q(opened_at__gt=OuterRef("opened_at"))
        | Q(opened_at=OuterRef("opened_at"), pk__gt=OuterRef("pk")),
        patient_id=OuterRef("patient_id"),
        clinic_id=OuterRef("clinic_id"),
    )
    return (
        Episode.objects.filter(
            Q(status=EpisodeStatus.TREATMENT)
            | Q(status=EpisodeStatus.CLOSED, closed_at__gte=now - _REMINDED_AFTER_CLOSE),
            patient__user__is_active=True,
            patient__user__role=Role.PATIENT,
            clinic_id=F("patient__user__clinic_id"),
        )
        .exclude(patient__user__email="")
        .exclude(patient__user__reminder_settings__email=False)
        .exclude(Exists(later))
    )


def _last_instant(minute: time) -> time:
    return minute.replace(second=59, microsecond=999999)


def _with_a_moment_in(episodes: QuerySet[Episode], frame: Window) -> QuerySet[Episode]:
    """The episodes whose patient the window looks at (``Window.looks_at``, REM-WINDOW): all
    of them when a moment everyone shares falls in it, else those whose own exercise time or
    end of the quiet hours does (the defaults for a patient who never changed them)."""
    if frame.shared:
        return episodes
    own = "patient__user__reminder_settings"

    def falls_in(name: str) -> Q:
        # A stored time may carry seconds; the rules read its whole minute, and so does this:
        # the minute is after ``after`` and not after ``until`` (both whole minutes).
        found = Q(**{f"{own}__{name}__lte": _last_instant(frame.until)})
        if frame.after is None:
            return found
        return found & Q(**{f"{own}__{name}__gt": _last_instant(frame.after)})

    chosen = (Q(**{f"{own}__exercises": True}) & falls_in("exercise_time")) | falls_in("quiet_end")
    if frame.looks_at(Preferences()):
        chosen |= Q(**{f"{own}__isnull": True})
    return episodes.filter(chosen)


def dispatch_reminders(
    now: datetime, send: Callable[[list[uuid.UUID]], object], *, size: int = CHUNK
) -> int:
    """Hand the episodes the run at ``now`` looks at to ``send``, a chunk of ids at a time,
    then note that the run looked up to ``now``; the number of episodes.

    The window is the minutes since the last run looked (``timing.window``). Noting the
    moment after the chunks are handed on means a run that stopped halfway is looked at
    again by the next one: the claims keep anything from going out twice.
    """
    mark = ReminderRun.objects.filter(pk=_THE_RUN).first()
    frame = window(timezone.localtime(now), mark.looked_until if mark else None)
    ids = list(
        _with_a_moment_in(_remindable(now), frame).order_by("pk").values_list("pk", flat=True)
    )
    for chunk in chunked(ids, size):
        send(chunk)
    ReminderRun.objects.update_or_create(pk=_THE_RUN, defaults={"looked_until": now})
    return len(ids)


_THE_RUN = 1  # the one row of ReminderRun


# The facts the rules need, for a chunk of episodes at once.


def _exercises_outstanding(episodes: Sequence[Episode], today: date) -> set[uuid.UUID]:
    """The episodes whose exercises are planned today and nothing is logged today, in three
    queries (the current programs, their items, this week's logs).

    Planned today: a near-daily exercise (``DAILY`` or more a week), or one prescribed less
    often that has not been done as often as prescribed this week (Monday to today, as the
    patient's "Today" page counts).
    """
    programs = list(
        latest(Program.objects.filter(episode_id__in=[episode.pk for episode in episodes]))
        .only("id", "episode_id")
        .order_by()
        .prefetch_related(
            Prefetch(
                "items",
                queryset=ProgramItem.objects.only("id", "program_id", "per_week").order_by(),
            )
        )
    )
    monday = today - timedelta(days=today.weekday())
    logs = (
        ExerciseLog.objects.filter(item__program__in=programs, day__gte=monday, day__lte=today)
        .values_list("item_id", "day", "done")
        .order_by()
    )
    logged_today: set[uuid.UUID] = set()
    done: Counter[uuid.UUID] = Counter()
    for item_id, day, was_done in logs:
        if day == today:
            logged_today.add(item_id)
        done[item_id] += was_done
    found = set()
    for program in programs:
        items = program.items.all()
        if any(item.pk in logged_today for item in items):
            continue
        if any(item.per_week >= DAILY or done[item.pk] < item.per_week for item in items):
            found.add(program.episode_id)
    return found


def outstanding(state: BetweenVisits, *, exercises: bool) -> Outstanding:
    """What the patient still has to do today, from the between-visits state and whether
    exercises are outstanding (``_exercises_outstanding``)."""
    questionnaires = tuple(OpenQuestionnaire(o.key, o.opens()) for o in state.due)
    if state.episode.status != EpisodeStatus.TREATMENT:
        # After discharge only the after-care questionnaires are asked.
        return Outstanding(questionnaires=questionnaires)
    return Outstanding(
        exercises=exercises,
        diary=state.plan is not None and not state.diary_today,
        recheck=state.recheck_is_due,
        questionnaires=questionnaires,
    )


def _preferences(user: User) -> Preferences:
    """The patient's choices; ``Preferences()`` are the settings' defaults (a test checks)."""
    try:
        return user.reminder_settings.preferences()
    except ReminderSettings.DoesNotExist:
        return Preferences()


def _claim(
    wanted: dict[User, tuple[Reminder, ...]], today: date, run: uuid.UUID
) -> dict[User, list[Reminder]]:
    """Claim the reminders, committed on their own before any mail leaves; those this run won.

    One insert that skips the keys claimed already (by an earlier run, or by a worker on an
    overlapping chunk at this moment: the database's constraint decides), then one read of
    the rows that carry this run's id.
    """
    # In one order for every worker, so that two inserts waiting on each other's keys
    # cannot deadlock.
    rows = sorted(
        (
            ReminderSent(user=user, kind=reminder.kind.value, key=reminder.key, day=today, run=run)
            for user, reminders in wanted.items()
            for reminder in reminders
        ),
        key=lambda row: (row.user_id, row.kind, row.key),
    )
    with transaction.atomic(durable=True):
        ReminderSent.objects.bulk_create(rows, ignore_conflicts=True)
    won = set(
        ReminderSent.objects.filter(user_id__in=[user.pk for user in wanted], day=today, run=run)
        .values_list("user_id", "kind", "key")
        .order_by()
    )
    claimed = {
        user: [r for r in reminders if (user.pk, r.kind.value, r.key) in won]
        for user, reminders in wanted.items()
    }
    return {user: reminders for user, reminders in claimed.items() if reminders}


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
    """What one run or chunk did: counts only, so it can be logged and returned by a task."""

    patients: int = 0  # patients looked at: a reminder moment of theirs fell in the window
    reminders: int = 0  # reminders sent
    mails: int = 0  # mails sent (one per patient per run)
    already_claimed: int = 0  # due, but claimed by an earlier or concurrent run
    failed: int = 0  # mails the mail server refused; their reminders are not sent again
    counts: dict[str, int] = field(default_factory=dict)  # reminders sent per kind

    def add(self, other: RunResult) -> None:
        self.patients += other.patients
        self.reminders += other.reminders
        self.mails += other.mails
        self.already_claimed += other.already_claimed
        self.failed += other.failed
        for kind, count in other.counts.items():
            self.counts[kind] = self.counts.get(kind, 0) + count


def _log(what: str, result: RunResult) -> None:
    logger.info(
        "%s: %s patients, %s reminders in %s mails, %s already claimed, %s failed",
        what,
        result.patients,
        result.reminders,
        result.mails,
        result.already_claimed,
        result.failed,
    )


def send_reminder_chunk(now: datetime, episode_ids: Sequence[uuid.UUID]) -> RunResult:
    """Send the reminders due at ``now`` to the patients of these episodes (one chunk, as
    ``dispatch_reminders`` hands them out) in a fixed number of queries: the episodes with
    their patients' accounts and choices, the between-visits facts, the exercises, the day's
    claims, the claiming and marking as sent. Any worker may run any chunk at any time, also
    one that overlaps another's: a reminder goes to the worker that claims it.
    """
    local = timezone.localtime(now)
    today = local.date()
    own = "patient__user__reminder_settings__"
    episodes = list(
        _remindable(now)
        .filter(pk__in=episode_ids)
        .select_related("patient__user__reminder_settings")
        .only(
            "id",
            "status",
            "closed_at",
            "patient__id",
            "patient__user__id",
            "patient__user__email",
            "patient__user__language",
            *(own + name for name in ("id", "user_id", *CHOICES)),
        )
        .order_by()
    )
    result = RunResult(patients=len(episodes))
    states = between_visits_of(episodes, today)
    exercises = _exercises_outstanding(
        [e for e in episodes if e.status == EpisodeStatus.TREATMENT], today
    )
    users = [episode.patient.user for episode in episodes if episode.patient.user]
    sent: dict[int, set[tuple[Kind, str]]] = defaultdict(set)
    for user_id, kind, key in (
        ReminderSent.objects.filter(user_id__in=[user.pk for user in users], day=today)
        .values_list("user_id", "kind", "key")
        .order_by()
    ):
        sent[user_id].add((Kind(kind), key))
    wanted: dict[User, tuple[Reminder, ...]] = {}
    for episode in episodes:
        user = episode.patient.user
        assert user is not None  # _remindable: the patient has an account
        todo = outstanding(states[episode.pk], exercises=episode.pk in exercises)
        if due := due_reminders(local, _preferences(user), todo, sent[user.pk]):
            wanted[user] = due
    if not wanted:
        return result
    run = uuid.uuid4()
    claimed = _claim(wanted, today, run)
    result.already_claimed = sum(map(len, wanted.values())) - sum(map(len, claimed.values()))
    connection = mail.get_connection()
    with suppress(Exception):  # a refusal here is met again, and counted, at each mail below
        connection.open()  # one connection for the chunk's mails
    mailed = []
    try:
        for user, reminders in claimed.items():
            try:
                connection.send_messages([reminder_mail(user, reminders)])
            except Exception:  # the mail server refused: the claims stay, nothing is sent twice
                logger.exception("reminder mail failed for user %s", user.pk)
                result.failed += 1
                continue
            mailed.append(user.pk)
            result.mails += 1
            result.reminders += len(reminders)
            for reminder in reminders:
                result.counts[reminder.kind.value] = result.counts.get(reminder.kind.value, 0) + 1
    finally:
        connection.close()
    if mailed:
        ReminderSent.objects.filter(user_id__in=mailed, day=today, run=run).update(
            sent_at=timezone.now()
        )
    _log("reminder chunk", result)
    return result


def send_reminders(now: datetime, *, size: int = CHUNK) -> RunResult:
    """Send the reminders due at ``now``, a chunk after another in this process (cron's
    ``backpath send_reminders``; in production the Celery tasks hand the chunks to workers).

    The clinician alerts are a job of their own (``followup.jobs``).
    """
    result = RunResult()
    dispatch_reminders(now, lambda chunk: result.add(send_reminder_chunk(now, chunk)), size=size)
    _log("reminders", result)
    return result
