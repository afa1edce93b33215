"""The scheduled check that raises time-based alerts, and the reads the scheduled jobs share.

A run takes the episodes in treatment a chunk of ``CHUNK`` ids at a time. A chunk is read in
a fixed number of queries whatever its size (the latest plans, measurements, re-checks,
today's diary entries, programs with their items, exercise logs; never the intake or
assessment JSON) and its alerts are written in one insert that skips those raised before
(``services.raise_alerts``). ``backpath raise_alerts`` runs the chunks one after the other;
in production ``tasks`` hands each chunk to a Celery worker. Safe to run again, or
twice at once: an alert is unique per episode, kind and key.

``between_visits_of`` is ``selectors.between_visits`` for a chunk; the reminder job reads
its chunks with it too.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import TypeVar

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from backpath.care.models import Episode, EpisodeStatus, PlanVersion
from backpath.clinical.followup import ADHERENCE_WINDOW_DAYS, occasions
from backpath.exercises.adherence_rules import DAILY
from backpath.followup.models import Alert, DiaryEntry, Measurement, RedFlagCheck
from backpath.followup.selectors import BetweenVisits, _asked
from backpath.followup.services import AlertFacts, refresh_alerts
from backpath.interchange import plan_from_record
from backpath.programs.models import ExerciseLog, Program, ProgramItem

# Episodes per chunk: a chunk is one Celery task of about a second, and its largest query
# (the ids in an IN list, the claims or alerts in one insert) stays far below the databases'
# limits on parameters.
CHUNK = 500

T = TypeVar("T")
V = TypeVar("V", PlanVersion, Program)


def chunked(ids: Sequence[T], size: int) -> list[list[T]]:
    if size < 1:
        raise ValueError("a chunk holds at least one episode")
    return [list(ids[start : start + size]) for start in range(0, len(ids), size)]


def latest(versions: QuerySet[V]) -> QuerySet[V]:
    """Of numbered versions (plans, programs), only each episode's highest."""
    later = versions.model._default_manager.filter(
        episode_id=OuterRef("episode_id"), number__gt=OuterRef("number")
    )
    return versions.exclude(Exists(later))


def between_visits_of(episodes: Iterable[Episode], today: date) -> dict[uuid.UUID, BetweenVisits]:
    """``selectors.between_visits`` of each episode, by episode id, in four queries.

    The episodes need only their id, status and closing moment loaded.
    """
    by_id = {episode.pk: episode for episode in episodes}
    ids = list(by_id)
    plans = {
        plan.episode_id: plan
        for plan in latest(PlanVersion.objects.filter(episode_id__in=ids))
        .only("id", "episode_id", "number", "starts_on", "plan")
        .order_by()
    }
    measured: dict[uuid.UUID, dict[str, Measurement]] = defaultdict(dict)
    for measurement in (
        Measurement.objects.filter(episode_id__in=ids)
        .only("id", "episode_id", "occasion")
        .order_by()
    ):
        measured[measurement.episode_id][measurement.occasion] = measurement
    later_check = RedFlagCheck.objects.filter(
        episode_id=OuterRef("episode_id"), created_at__gt=OuterRef("created_at")
    )
    last_check = {
        check.episode_id: check
        for check in RedFlagCheck.objects.filter(episode_id__in=ids)
        .exclude(Exists(later_check))
        .only("id", "episode_id", "created_at")
        .order_by()
    }
    diary = set(
        DiaryEntry.objects.filter(episode_id__in=ids, day=today)
        .values_list("episode_id", flat=True)
        .order_by()
    )
    states = {}
    for episode_id, episode in by_id.items():
        plan = plans.get(episode_id)
        discharged = timezone.localdate(episode.closed_at) if episode.closed_at else None
        found = (
            _asked(occasions(plan_from_record(plan.plan).evaluations, discharged)) if plan else []
        )
        states[episode_id] = BetweenVisits(
            episode=episode,
            plan=plan,
            today=today,
            occasions=found,
            measured=measured[episode_id],
            last_check=last_check.get(episode_id),
            diary_today=episode_id in diary,
        )
    return states


def _exercise_counts(
    ids: Sequence[uuid.UUID], today: date, days: int
) -> dict[uuid.UUID, tuple[int, int, int]]:
    """Per episode with a program: exercise sessions done and planned over the ``days`` days
    up to today, and the days since its first program; in three queries.

    The same count as the adherence page's (``programs.selectors.adherence``, its ``days``):
    a near-daily exercise (``DAILY`` or more a week) is planned every day its program version
    is in effect, one prescribed less often counts on a day it was done, as planned and done.
    """
    programs = (
        Program.objects.filter(episode_id__in=ids)
        .only("id", "episode_id", "number", "published_at")
        .order_by("episode_id", "number")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=ProgramItem.objects.only(
                    "id", "program_id", "exercise_id", "per_week"
                ).order_by(),
            )
        )
    )
    start = today - timedelta(days=days - 1)
    versions: dict[uuid.UUID, list[tuple[date, set[str]]]] = defaultdict(list)
    exercise_of: dict[uuid.UUID, str] = {}
    for program in programs:
        items = program.items.all()
        daily = {item.exercise_id for item in items if item.per_week >= DAILY}
        versions[program.episode_id].append((timezone.localdate(program.published_at), daily))
        exercise_of |= {item.pk: item.exercise_id for item in items}
    done_on: dict[uuid.UUID, dict[date, set[str]]] = defaultdict(lambda: defaultdict(set))
    for episode_id, item_id, day in (
        ExerciseLog.objects.filter(
            item__program__episode_id__in=ids, day__gte=start, day__lte=today, done=True
        )
        .values_list("item__program__episode_id", "item_id", "day")
        .order_by()
    ):
        done_on[episode_id][day].add(exercise_of[item_id])
    counts = {}
    for episode_id, published in versions.items():
        done = planned = 0
        for offset in range(days):
            day = start + timedelta(days=offset)
            # The version in effect: the last one (by number) published on or before the day.
            daily = next((d for begins, d in reversed(published) if begins <= day), set())
            done_today = done_on[episode_id].get(day, set())
            others = len(done_today - daily)
            done += len(daily & done_today) + others
            planned += len(daily) + others
        counts[episode_id] = (done, planned, (today - published[0][0]).days + 1)
    return counts


def alert_chunks(size: int = CHUNK) -> list[list[uuid.UUID]]:
    """The ids of the episodes in treatment, in chunks of ``size``."""
    ids = Episode.objects.filter(status=EpisodeStatus.TREATMENT).order_by("pk")
    return chunked(list(ids.values_list("pk", flat=True)), size)


def refresh_alert_chunk(episode_ids: Sequence[uuid.UUID], today: date) -> list[Alert]:
    """Low adherence and overdue questionnaires for the episodes of one chunk still in
    treatment, in a fixed number of queries; the alerts raised now."""
    episodes = list(
        Episode.objects.filter(pk__in=episode_ids, status=EpisodeStatus.TREATMENT)
        .only("id", "clinic_id", "status", "closed_at")
        .order_by()
    )
    states = between_visits_of(episodes, today)
    counts = _exercise_counts([e.pk for e in episodes], today, ADHERENCE_WINDOW_DAYS)
    facts = []
    for episode in episodes:
        done, planned, program_days = counts.get(episode.pk, (0, 0, 0))
        facts.append(AlertFacts(episode, done, planned, program_days, states[episode.pk].due))
    return refresh_alerts(facts, today)


def refresh_all_alerts(today: date, *, size: int = CHUNK) -> list[Alert]:
    """Low adherence and overdue questionnaires for every episode in treatment, a chunk at a
    time in this process (cron's ``backpath raise_alerts``); the alerts raised now."""
    raised: list[Alert] = []
    for chunk in alert_chunks(size):
        raised += refresh_alert_chunk(chunk, today)
    return raised
