"""How well the home exercise program is kept: what the clinician's adherence page shows.

``adherence`` reads an episode's programs and logs in a fixed number of queries and returns
what the page shows:

* per day, exercises due against exercises done. An exercise prescribed 5 or more times a
  week (``DAILY``) is due every day its program version is in effect. An exercise prescribed
  less often has no fixed days, so it counts only on a day it was done (as due and done);
  the grey "missed" part of a day's bar is therefore the near-daily exercises not done.
* per exercise, the pain scores logged (0-10) over the period;
* per exercise, two signals over the last 7 days (today included), see ``hurts`` and
  ``skipped``;
* the graded-activity quota of the current program per week: target against done.

Exercises are matched by exercise id, not by program item, so a new program version does not
break an exercise's history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from backpath.care.models import Episode
from backpath.exercises.adherence_rules import DAILY, hurts, mean, skipped
from backpath.programs import services
from backpath.programs.models import ExerciseLog, Program, Quota, QuotaLog

WEEK = 7


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    due_daily: int  # near-daily exercises in the program in effect that day
    done_daily: int  # of those, done
    done_other: int  # other exercises done that day

    @property
    def done(self) -> int:
        return self.done_daily + self.done_other

    @property
    def due(self) -> int:
        return self.due_daily + self.done_other

    @property
    def missed(self) -> int:
        return self.due_daily - self.done_daily


@dataclass(frozen=True, slots=True)
class ExerciseRow:
    exercise_id: str
    per_week: int | None  # as the current program prescribes it; None once left out
    logged: int  # logs over the last 7 days
    done: int  # of those, done
    skipped_logs: int  # of those, skipped
    pain: float | None  # mean pain logged over the last 7 days
    pain_before: float | None  # mean pain logged over the 7 days before
    last_logged: date | None  # the last log in the period shown
    hurts: bool
    skipped: bool

    @property
    def in_program(self) -> bool:
        return self.per_week is not None


@dataclass(frozen=True, slots=True)
class QuotaWeek:
    week: int
    starts: date
    target: int
    done: int
    current: bool


@dataclass(frozen=True, slots=True)
class Adherence:
    program: Program | None  # the current (highest) version
    start: date  # the first day shown
    today: date
    days: list[DayCount]
    pain: dict[str, list[tuple[date, int]]]  # exercise id -> (day, pain), in date order
    exercises: list[ExerciseRow]
    quota: Quota | None
    quota_weeks: list[QuotaWeek]

    @property
    def has_signals(self) -> bool:
        return any(row.hurts or row.skipped for row in self.exercises)


def adherence(program_or_episode: Program | Episode, today: date, days: int = 28) -> Adherence:
    """Adherence over the ``days`` days up to and including ``today``.

    A program only names its episode here: every version of the episode counts, and the
    current one is the highest. Four queries at most: programs with their quota, their
    items, the logs, and the quota logs (only with a quota).
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    if isinstance(program_or_episode, Program):
        episode_id = program_or_episode.episode_id
    else:
        episode_id = program_or_episode.pk
    start = today - timedelta(days=days - 1)
    week = today - timedelta(days=WEEK - 1)  # the last 7 days: week .. today
    week_before = week - timedelta(days=WEEK)  # the 7 days before: week_before .. week - 1

    programs = list(
        Program.objects.filter(episode_id=episode_id)
        .select_related("quota")
        .prefetch_related("items")
        .order_by("number")
    )
    current = programs[-1] if programs else None
    exercise_of = {item.pk: item.exercise_id for p in programs for item in p.items.all()}
    logs = list(
        ExerciseLog.objects.filter(
            item__program__episode_id=episode_id,
            day__gte=min(start, week_before),
            day__lte=today,
        ).order_by("day", "logged_at")
    )

    # The version in effect on a day: the highest one published on or before it.
    published = [(timezone.localdate(p.published_at), p) for p in programs]

    def in_effect(day: date) -> Program | None:
        found = None
        for begins, program in published:
            if begins <= day:
                found = program
        return found

    exercises_in = {p.pk: {item.exercise_id for item in p.items.all()} for p in programs}
    daily_in = {
        p.pk: {item.exercise_id for item in p.items.all() if item.per_week >= DAILY}
        for p in programs
    }

    logs_of: dict[str, list[ExerciseLog]] = defaultdict(list)
    done_on: dict[date, set[str]] = defaultdict(set)
    pain_on: dict[str, dict[date, int]] = defaultdict(dict)
    for log in logs:
        exercise_id = exercise_of[log.item_id]
        logs_of[exercise_id].append(log)
        if log.done:
            done_on[log.day].add(exercise_id)
        if log.pain is not None and log.day >= start:
            pain_on[exercise_id][log.day] = log.pain

    counts = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        program = in_effect(day)
        daily = daily_in[program.pk] if program else set()
        done = done_on.get(day, set())
        counts.append(DayCount(day, len(daily), len(daily & done), len(done - daily)))

    # Rows: the current program's exercises in order, then any other exercise logged.
    order: list[str] = []
    per_week: dict[str, int] = {}
    for item in current.items.all() if current else ():
        if item.exercise_id not in per_week:
            order.append(item.exercise_id)
            per_week[item.exercise_id] = item.per_week
    order += [e for e in logs_of if e not in per_week and any(x.day >= start for x in logs_of[e])]

    last_week_days = [week + timedelta(days=n) for n in range(WEEK)]
    logged_last_week = {e for e, found in logs_of.items() if any(x.day >= week for x in found)}
    rows = []
    for exercise_id in order:
        found = logs_of.get(exercise_id, [])
        recent = [x for x in found if x.day >= week]
        earlier = [x for x in found if week_before <= x.day < week]
        now_pain = [x.pain for x in recent if x.pain is not None]
        before_pain = [x.pain for x in earlier if x.pain is not None]
        expected = all(
            (program := in_effect(day)) is not None and exercise_id in exercises_in[program.pk]
            for day in last_week_days
        )
        shown = [x.day for x in found if x.day >= start]
        now_mean, before_mean = mean(now_pain), mean(before_pain)
        rows.append(
            ExerciseRow(
                exercise_id=exercise_id,
                per_week=per_week.get(exercise_id),
                logged=len(recent),
                done=sum(1 for x in recent if x.done),
                skipped_logs=sum(1 for x in recent if not x.done),
                pain=float(now_mean) if now_mean is not None else None,
                pain_before=float(before_mean) if before_mean is not None else None,
                last_logged=max(shown) if shown else None,
                hurts=hurts(now_pain, before_pain),
                skipped=skipped(
                    [x.done for x in recent],
                    expected=expected,
                    others_logged=bool(logged_last_week - {exercise_id}),
                ),
            )
        )

    pain = {e: sorted(pain_on[e].items()) for e in order if pain_on.get(e)}
    quota: Quota | None = getattr(current, "quota", None) if current else None
    return Adherence(
        program=current,
        start=start,
        today=today,
        days=counts,
        pain=pain,
        exercises=rows,
        quota=quota,
        quota_weeks=_quota_weeks(quota, start, today) if quota else [],
    )


def _quota_weeks(quota: Quota, start: date, today: date) -> list[QuotaWeek]:
    """The quota weeks that overlap the period shown, oldest first."""
    if today < quota.starts_on:
        return []
    first = services.quota_week(quota, max(start, quota.starts_on))
    last = services.quota_week(quota, today)
    begins = quota.starts_on + timedelta(weeks=first - 1)
    amounts = list(
        QuotaLog.objects.filter(quota=quota, day__gte=begins, day__lte=today).values_list(
            "day", "amount"
        )
    )
    plan = services.graded(quota)
    weeks = []
    for number in range(first, last + 1):
        starts = quota.starts_on + timedelta(weeks=number - 1)
        ends = starts + timedelta(days=WEEK)
        done = sum(amount for day, amount in amounts if starts <= day < ends)
        weeks.append(QuotaWeek(number, starts, plan.target(number), done, number == last))
    return weeks
