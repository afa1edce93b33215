"""What happens between visits, read as a clinician of the caller's clinic reads it: an
episode's home exercise program versions, the patient's exercise and activity logs and diary,
the measurements and the alerts they raised.

Each read opens the episode through ``records.episode``: another clinic's episode is a 404,
and the read is in the access log with the patient and the operation's URL name, like the
episode's other reads. Each answer carries an ETag, so a system that polls gets a 304 while
nothing changed.

The logs and the diary come in windows of days (``since`` to ``until``, at most ``MAX_DAYS``)
rather than cursor pages: a day is what they are kept by, and one window serves the exercise
and the activity logs alike. A year of daily logs of a few exercises is thousands of rows;
a window keeps an answer to some hundreds.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja.params.functions import Query

from backpath.api import records
from backpath.api.auth import require
from backpath.api.conditional import etagged
from backpath.api.models import Scope
from backpath.api.problems import Invalid
from backpath.api.responses import documented
from backpath.api.routes_records import router as records_router
from backpath.api.schemas import (
    ActivityLogOut,
    AlertList,
    AlertOut,
    DecisionOut,
    Diary,
    DiaryEntryOut,
    ExerciseLogOut,
    ExerciseLogs,
    MeasurementList,
    MeasurementOut,
    ProgramItemOut,
    ProgramList,
    ProgramOut,
    QuotaOut,
)
from backpath.clinical.language import Lang
from backpath.followup.models import Alert, Measurement
from backpath.interchange import in_language
from backpath.programs.catalogue import CatalogueExercise, find_many
from backpath.programs.models import ExerciseLog, Program, ProgramItem, Quota, QuotaLog

# The episode's other reads are on this router, and django-ninja joins the methods of one
# path only within a router. api.py imports this module so these operations are added.
router = records_router

# A quarter of a year: any calendar quarter fits in one window.
MAX_DAYS = 92
SPAN = timedelta(days=MAX_DAYS - 1)  # from the first day of a window to its last

LANG = Query(Lang.EN, description="language of the names and texts: en or nl")
SINCE = Query(
    None,
    description=f"the window's first day (YYYY-MM-DD); without it, {MAX_DAYS} days up to until",
)
UNTIL = Query(
    None,
    description=f"the window's last day (YYYY-MM-DD), at most {MAX_DAYS - 1} days after "
    f"since; without it, {MAX_DAYS} days from since, or with neither the {MAX_DAYS} days "
    "up to today",
)


def _shift(day: date, by: timedelta) -> date:
    """``day`` moved by ``by``, held at the calendar's first or last day."""
    try:
        return day + by
    except OverflowError:
        return date.max if by > timedelta(0) else date.min


def window(since: date | None, until: date | None) -> tuple[date, date]:
    """The days asked for: both ends as given, one end and ``MAX_DAYS`` from it, or the
    ``MAX_DAYS`` up to today. A window the wrong way round or longer is a 422 on ``until``."""
    if since is None:
        last = until or timezone.localdate()
        return _shift(last, -SPAN), last
    if until is None:
        return since, _shift(since, SPAN)
    if until < since:
        raise Invalid("until", "must not be before since")
    if until - since > SPAN:
        days = (until - since).days + 1
        raise Invalid("until", f"a window holds at most {MAX_DAYS} days (got {days})")
    return since, until


def _item_out(item: ProgramItem, exercise: CatalogueExercise | None, lang: Lang) -> ProgramItemOut:
    return ProgramItemOut(
        id=item.id,
        position=item.position,
        exercise_id=item.exercise_id,
        name=exercise.name(lang) if exercise is not None else None,
        sets=item.sets,
        reps=item.reps,
        hold_seconds=item.hold_seconds,
        minutes=item.minutes,
        per_week=item.per_week,
    )


def _quota_out(program: Program) -> QuotaOut | None:
    try:
        quota = program.quota
    except Quota.DoesNotExist:
        return None
    return QuotaOut(
        activity=quota.activity,
        unit=quota.unit,
        baseline=quota.baseline,
        start=quota.start,
        increment=quota.increment,
        goal=quota.goal,
        starts_on=quota.starts_on,
    )


def program_out(
    program: Program, exercises: dict[str, CatalogueExercise], lang: Lang
) -> ProgramOut:
    return ProgramOut(
        id=program.id,
        episode_id=program.episode_id,
        number=program.number,
        published_at=program.published_at,
        note=program.note,
        reason=program.reason,
        items=[
            _item_out(item, exercises.get(item.exercise_id), lang) for item in program.items.all()
        ],
        quota=_quota_out(program),
    )


def measurement_out(measurement: Measurement, lang: Lang) -> MeasurementOut:
    stored = measurement.decision
    return MeasurementOut(
        id=measurement.id,
        episode_id=measurement.episode_id,
        occasion=measurement.occasion,
        due_on=measurement.due_on,
        created_at=measurement.created_at,
        scores=measurement.scores,
        instrument_versions=measurement.instrument_versions,
        outcome=measurement.outcome or None,
        decision=(
            DecisionOut(
                rule=stored["rule"],
                source=stored["source"],
                text=in_language(stored, lang),
                changes=stored["changes"],
            )
            if stored
            else None
        ),
    )


def alert_out(alert: Alert, lang: Lang) -> AlertOut:
    return AlertOut(
        id=alert.id,
        episode_id=alert.episode_id,
        kind=alert.kind,
        priority=alert.priority,
        rule=alert.rule,
        source=alert.source,
        text=in_language(alert.text, lang),
        created_at=alert.created_at,
        resolved_at=alert.resolved_at,
    )


@router.get(
    "/episodes/{uuid:episode_id}/programs",
    response=documented(ProgramList, found=True, query=True, etag=True),
    url_name="episode_programs",
    summary="An episode's home exercise program versions, first to current (scope episodes:read)",
)
def episode_programs(
    request: HttpRequest, episode_id: uuid.UUID, lang: Lang = LANG
) -> HttpResponse:
    caller = require(request, Scope.EPISODES_READ)
    episode = records.episode(caller, episode_id)
    programs = list(
        Program.objects.filter(episode=episode)
        .select_related("quota")
        .prefetch_related(Prefetch("items", queryset=ProgramItem.objects.order_by("position")))
        .order_by("number")
    )
    exercises = find_many(
        episode.clinic_id, (item.exercise_id for p in programs for item in p.items.all())
    )
    return etagged(request, ProgramList(items=[program_out(p, exercises, lang) for p in programs]))


@router.get(
    "/episodes/{uuid:episode_id}/exercise-logs",
    response=documented(ExerciseLogs, found=True, query=True, etag=True),
    url_name="episode_exercise_logs",
    summary="The patient's exercise and activity logs, a window of days at a time "
    "(scope episodes:read)",
)
def episode_exercise_logs(
    request: HttpRequest,
    episode_id: uuid.UUID,
    since: date | None = SINCE,
    until: date | None = UNTIL,
) -> HttpResponse:
    caller = require(request, Scope.EPISODES_READ)
    first, last = window(since, until)
    episode = records.episode(caller, episode_id)
    logs = (
        ExerciseLog.objects.filter(item__program__episode=episode, day__range=(first, last))
        .select_related("item")
        .order_by("day", "item__program__number", "item__position")
    )
    activity = (
        QuotaLog.objects.filter(quota__program__episode=episode, day__range=(first, last))
        .order_by("day", "quota__program__number")
        .values_list("quota__program__number", "day", "amount")
    )
    return etagged(
        request,
        ExerciseLogs(
            since=first,
            until=last,
            exercises=[
                ExerciseLogOut(
                    id=log.id,
                    item_id=log.item_id,
                    exercise_id=log.item.exercise_id,
                    day=log.day,
                    done=log.done,
                    pain=log.pain,
                    difficulty=log.difficulty,
                    logged_at=log.logged_at,
                )
                for log in logs
            ],
            activity=[
                ActivityLogOut(program_number=number, day=day, amount=amount)
                for number, day, amount in activity
            ],
        ),
    )


@router.get(
    "/episodes/{uuid:episode_id}/diary",
    response=documented(Diary, found=True, query=True, etag=True),
    url_name="episode_diary",
    summary="The patient's diary, a window of days at a time (scope episodes:read)",
)
def episode_diary(
    request: HttpRequest,
    episode_id: uuid.UUID,
    since: date | None = SINCE,
    until: date | None = UNTIL,
) -> HttpResponse:
    caller = require(request, Scope.EPISODES_READ)
    first, last = window(since, until)
    episode = records.episode(caller, episode_id)
    entries = episode.diary.filter(day__range=(first, last)).order_by("day")
    return etagged(
        request,
        Diary(
            since=first,
            until=last,
            items=[
                DiaryEntryOut(
                    day=entry.day,
                    pain=entry.pain,
                    active_minutes=entry.active_minutes,
                    exercises=entry.exercises,
                    sitting_breaks=entry.sitting_breaks,
                    sleep=entry.sleep,
                    stress=entry.stress,
                    updated_at=entry.updated_at,
                )
                for entry in entries
            ],
        ),
    )


@router.get(
    "/episodes/{uuid:episode_id}/measurements",
    response=documented(MeasurementList, found=True, query=True, etag=True),
    url_name="episode_measurements",
    summary="An episode's follow-up measurements: scores and the guideline's decision "
    "(scope episodes:read)",
)
def episode_measurements(
    request: HttpRequest, episode_id: uuid.UUID, lang: Lang = LANG
) -> HttpResponse:
    caller = require(request, Scope.EPISODES_READ)
    episode = records.episode(caller, episode_id)
    found = episode.measurements.order_by("due_on", "created_at", "id")
    return etagged(request, MeasurementList(items=[measurement_out(m, lang) for m in found]))


@router.get(
    "/episodes/{uuid:episode_id}/alerts",
    response=documented(AlertList, found=True, query=True, etag=True),
    url_name="episode_alerts",
    summary="An episode's alerts for the clinician, open and resolved, oldest first "
    "(scope episodes:read)",
)
def episode_alerts(request: HttpRequest, episode_id: uuid.UUID, lang: Lang = LANG) -> HttpResponse:
    caller = require(request, Scope.EPISODES_READ)
    episode = records.episode(caller, episode_id)
    found = episode.alerts.order_by("created_at", "id")
    return etagged(request, AlertList(items=[alert_out(alert, lang) for alert in found]))
