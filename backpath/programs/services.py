"""Writes for home exercise programs: publishing a version, and the patient's logs.

The choice of exercises comes from ``backpath.exercises.programs``; these functions check
a clinician's edits against the library and store them, each in one transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backpath.accounts.models import User
from backpath.care.audit import AuditAction, audit
from backpath.care.models import Episode
from backpath.care.submissions import once, record_for_submission
from backpath.clinical.errors import ClinicalInputError
from backpath.exercises.library import Dosage
from backpath.exercises.programs import GradedQuota
from backpath.programs.catalogue import find_many
from backpath.programs.clinic_exercises import hold
from backpath.programs.models import (
    ExerciseLog,
    Program,
    ProgramItem,
    Quota,
    QuotaEntry,
    QuotaLog,
)


@dataclass(frozen=True, slots=True)
class ItemDraft:
    exercise_id: str
    dosage: Dosage
    per_week: int


class ProgramRefused(Exception):
    def __init__(self, field: str | None, problem: str) -> None:
        super().__init__(problem)
        self.field = field
        self.problem = problem


def current_program(episode: Episode) -> Program | None:
    return episode.programs.order_by("-number").first()


def already_published(episode: Episode, raw_submission: str | None) -> Program | None:
    """The program a form with this submission id published before (the form sent again)."""
    try:
        submission = uuid.UUID(str(raw_submission))
    except ValueError:
        return None
    return record_for_submission(Program, submission, episode=episode)


def program_publish(
    *,
    actor: User,
    episode: Episode,
    items: list[ItemDraft],
    quota: GradedQuota | None,
    note: str,
    reason: str,
    submission: uuid.UUID | None,
) -> Program:
    """Publish a new version; the patient sees it at once. An empty program is refused.

    The episode row is locked while the next number is taken: two clinicians publishing at
    once make two versions in turn (the later one needs its reason). The same form sent twice
    at once publishes once: the second, behind the first one's lock, would be a version 2
    without a reason, and answers with the stored program instead.
    """

    def write() -> Program:
        if not items and quota is None:
            raise ProgramRefused(None, "empty")
        # The library's exercises and the clinic's own (``catalogue``): another clinic's
        # exercise is unknown here.
        known = find_many(episode.clinic_id, (item.exercise_id for item in items))
        unknown = [item.exercise_id for item in items if item.exercise_id not in known]
        if unknown:
            raise ProgramRefused(None, f"unknown exercise: {', '.join(unknown)}")
        with transaction.atomic(durable=True):
            locked = Episode.objects.select_for_update().get(pk=episode.pk)
            if gone := hold(episode.clinic_id, (item.exercise_id for item in items)):
                # Deleted since the check above (``clinic_exercises.exercise_archive``).
                raise ProgramRefused(None, f"unknown exercise: {', '.join(sorted(gone))}")
            previous = current_program(locked)
            number = previous.number + 1 if previous else 1
            if number > 1 and not reason.strip():
                raise ProgramRefused("reason", "reason")
            program = Program.objects.create(
                episode=locked,
                number=number,
                note=note,
                reason=reason.strip() if number > 1 else "",
                created_by=actor,
                submission=submission,
            )
            ProgramItem.objects.bulk_create(
                ProgramItem(
                    program=program,
                    position=position,
                    exercise_id=item.exercise_id,
                    sets=item.dosage.sets,
                    reps=item.dosage.reps,
                    hold_seconds=item.dosage.hold_seconds,
                    minutes=item.dosage.minutes,
                    per_week=item.per_week,
                )
                for position, item in enumerate(items, start=1)
            )
            if quota is not None:
                Quota.objects.create(
                    program=program,
                    activity=quota.activity,
                    unit=quota.unit,
                    baseline=quota.baseline,
                    start=quota.start,
                    increment=quota.increment,
                    goal=quota.goal,
                    starts_on=timezone.localdate(),
                )
            audit(actor, locked, AuditAction.PROGRAM_PUBLISH, program.id)
        return program

    return once(lambda: record_for_submission(Program, submission, episode=episode), write)


def graded(quota: Quota) -> GradedQuota:
    return GradedQuota(
        quota.activity, quota.unit, quota.baseline, quota.start, quota.increment, quota.goal
    )


def quota_week(quota: Quota, day: date) -> int:
    """The quota week ``day`` falls in (1-based; days before the start count as week 1)."""
    return max(1, (day - quota.starts_on).days // 7 + 1)


def week_start(quota: Quota, day: date) -> date:
    return quota.starts_on + timedelta(weeks=quota_week(quota, day) - 1)


def exercise_log(
    *,
    actor: User,
    episode: Episode,
    item: ProgramItem,
    day: date,
    done: bool,
    pain: int | None,
    difficulty: int | None,
    submission: uuid.UUID | None = None,
) -> ExerciseLog:
    """Record one exercise of ``episode``'s program for one day; the same day again corrects
    it. An entry already saved under its ``submission`` id (sent again by the phone) changes
    nothing. Audited like every write."""
    if day > timezone.localdate():
        raise ClinicalInputError("day", "cannot log a day in the future")

    def write() -> ExerciseLog:
        with transaction.atomic(durable=True):
            log, _created = ExerciseLog.objects.update_or_create(
                item=item,
                day=day,
                defaults={
                    "done": done,
                    "pain": pain,
                    "difficulty": difficulty,
                    "submission": submission,
                },
            )
            audit(actor, episode, AuditAction.EXERCISE_LOG, log.id)
        return log

    return once(lambda: record_for_submission(ExerciseLog, submission, item=item), write)


# The most of a graded activity one day can hold, per unit (backpath defaults): ten hours of
# walking, about 35 km in steps. More is a typing error, and it would make the week's
# quota look reached.
DAILY_MAX = {"minutes": 600, "steps": 50_000, "repetitions": 1_000}


def daily_max(unit: str | None) -> int:
    """The day's maximum for ``unit``; for an unknown unit the largest of them."""
    return DAILY_MAX.get(unit or "", max(DAILY_MAX.values()))


def unit_words(unit: str) -> str:
    return str(
        {"minutes": _("minutes"), "steps": _("steps"), "repetitions": _("repetitions")}.get(
            unit, unit
        )
    )


class QuotaRefused(Exception):
    """The day's total would pass the day's maximum; ``problem`` says so to the patient."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def quota_entry_stored(quota: Quota, submission: uuid.UUID | None) -> QuotaLog | None:
    """The day an entry with this submission id was added to, if it was (it counts once).

    The id must belong to this quota: an id of another patient's entry is a tampered form."""
    if submission is None:
        return None
    entry = QuotaEntry.objects.select_related("log").filter(submission=submission).first()
    if entry is None:
        return None
    if entry.log.quota_id != quota.pk:
        raise SuspiciousOperation("a form's submission id was reused elsewhere")
    return entry.log


def quota_log(
    *,
    actor: User,
    episode: Episode,
    quota: Quota,
    day: date,
    amount: int,
    submission: uuid.UUID | None = None,
) -> QuotaLog:
    """Add ``amount`` of the graded activity to the day: a second entry the same day adds to
    the first (a walk in the morning and one in the evening), one row per day with an entry
    (``QuotaEntry``) for each addition.

    The day's total is bounded by ``daily_max`` of the quota's unit (``QuotaRefused``). The
    day's row is locked while it is added to, so two entries at once both count; the same
    entry twice (its ``submission`` id, a retry or the phone sending what it kept) counts once.
    """
    if day > timezone.localdate():
        raise ClinicalInputError("day", "cannot log a day in the future")
    if amount < 0:
        raise ClinicalInputError("amount", "cannot be negative")
    limit = daily_max(quota.unit)

    def write() -> QuotaLog:
        with transaction.atomic(durable=True):
            row, _created = QuotaLog.objects.get_or_create(
                quota=quota, day=day, defaults={"amount": 0}
            )
            log = QuotaLog.objects.select_for_update().get(pk=row.pk)
            total = log.amount + amount
            if total > limit:
                raise QuotaRefused(
                    _("That makes %(total)s %(unit)s today; at most %(limit)s a day can be logged.")
                    % {"total": total, "unit": unit_words(quota.unit), "limit": limit}
                )
            log.amount = total
            log.save(update_fields=["amount"])
            QuotaEntry.objects.create(log=log, amount=amount, submission=submission)
            # A quota log has a numeric id; the audit names the program it belongs to.
            audit(actor, episode, AuditAction.QUOTA_LOG, quota.program_id)
        return log

    return once(lambda: quota_entry_stored(quota, submission), write)
