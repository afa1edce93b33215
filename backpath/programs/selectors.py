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

``today_overview`` is the patient's side: what is due today (the exercises with done and left,
the graded-activity quota, and what the between-visits state says of the diary, the weekly
check and the questionnaires), this week's streak, and per exercise the answer to a painful
log (``offers_easier``): the easier version from the library, or skipping it today.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, Protocol

from django.db.models import F, Subquery, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from backpath.accounts.models import User
from backpath.care.access import episodes_for
from backpath.care.models import Episode, EpisodeStatus
from backpath.clinical.followup import Occasion
from backpath.clinical.language import Lang
from backpath.exercises.adherence_rules import DAILY, hurts, mean, skipped
from backpath.exercises.library import Exercise, library
from backpath.programs import services
from backpath.programs.catalogue import CatalogueExercise, find_many
from backpath.programs.models import ExerciseLog, Program, ProgramItem, Quota, QuotaLog

WEEK = 7

# A logged pain this high, or this much above the last pain logged for the exercise, is
# answered with the easier version and leave to skip it today (backpath defaults: engineering
# review, clinical panel pending). It never changes the program: the clinician sees the line
# on the adherence page and decides (KNGF 2021 C.2: exercise is built up time-contingently).
PAIN_OFFER = 6
PAIN_OFFER_RISE = 2
# From this pain on, the answer also points to the weekly safety check (new numbness,
# weakness, bladder or bowel trouble are its questions, not the exercise log's).
PAIN_SAFETY_CHECK = 8

# The exercise timer's pace where the dosage names none (backpath defaults): a counted
# repetition takes REP_SECONDS; a hold is followed by HOLD_REST_SECONDS; a set by
# SET_REST_SECONDS.
REP_SECONDS = 3
HOLD_REST_SECONDS = 5
SET_REST_SECONDS = 60


def offers_easier(pain: int | None, before: int | None) -> bool:
    """A logged ``pain`` of 6 or more, or 2 or more above the last pain logged before it for
    the same exercise (``before``), is answered with the easier version."""
    if pain is None:
        return False
    return pain >= PAIN_OFFER or (before is not None and pain - before >= PAIN_OFFER_RISE)


def easier_version(exercise: Exercise) -> Exercise | None:
    """The first exercise of the library's regression chain, if it has one."""
    for exercise_id in exercise.regressions:
        if (found := library().get(exercise_id)) is not None:
            return found
    return None


@dataclass(frozen=True, slots=True)
class PainEvent:
    """A log that was answered with the easier version (or with skipping it that day)."""

    day: date
    pain: int
    easier_id: str | None  # the easier version offered; None: only skipping was offered


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
    pain_offer: PainEvent | None = None  # the last painful log answered in the period shown

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

    @property
    def pain_offers(self) -> list[ExerciseRow]:
        """The exercises whose pain was answered with the easier version in the period."""
        return [row for row in self.exercises if row.pain_offer is not None]


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
    logs = (
        list(
            ExerciseLog.objects.filter(
                item__program__episode_id=episode_id,
                day__gte=min(start, week_before),
                day__lte=today,
            ).order_by("day", "logged_at")
        )
        if programs
        else []  # nothing to log against before the first program
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
        exercise = library().get(exercise_id)
        easier = easier_version(exercise) if exercise is not None else None
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
                pain_offer=_last_pain_offer(found, start, easier.id if easier else None),
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


def _last_pain_offer(
    logs: Sequence[ExerciseLog], start: date, easier_id: str | None
) -> PainEvent | None:
    """The last log on or after ``start`` that the patient's page answered with the easier
    version: the same rule as the page (``offers_easier``), against the pain logged before."""
    found = None
    before: int | None = None
    for log in logs:  # in date order
        if log.pain is None:
            continue
        if log.day >= start and offers_easier(log.pain, before):
            found = PainEvent(log.day, log.pain, easier_id)
        before = log.pain
    return found


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


# --- the patient's day ----------------------------------------------------------------------


class BetweenVisitsState(Protocol):
    """What the between-visits state (``backpath.followup.selectors.between_visits``, an app
    above this one) tells the overview: the page that combines both passes it in."""

    @property
    def diary_today(self) -> bool: ...

    @property
    def recheck_is_due(self) -> bool: ...

    @property
    def due(self) -> Sequence[Occasion]: ...


@dataclass(frozen=True, slots=True)
class TimerPlan:
    """The exercise timer's steps: ``sets`` x ``reps`` of ``hold`` seconds each, with
    ``rest_reps`` seconds between repetitions and ``rest_sets`` between sets."""

    sets: int
    reps: int
    hold: int
    rest_reps: int
    rest_sets: int


def timer_plan(item: ProgramItem) -> TimerPlan:
    """Minutes are one stretch of time; a hold x reps is timed hold by hold with a short rest;
    sets x reps at a steady pace with a rest between the sets."""
    if item.minutes:
        return TimerPlan(1, 1, item.minutes * 60, 0, 0)
    if item.hold_seconds:
        return TimerPlan(1, item.reps or 1, item.hold_seconds, HOLD_REST_SECONDS, 0)
    return TimerPlan(item.sets or 1, item.reps or 1, REP_SECONDS, 0, SET_REST_SECONDS)


@dataclass(frozen=True, slots=True)
class PainOffer:
    """The answer to a painful log: the easier version, or skipping it today."""

    pain: int
    before: int | None  # the last pain logged for the exercise before today
    easier: Exercise | None
    easier_name: str
    easier_steps: tuple[str, ...]

    @property
    def safety_check(self) -> bool:
        return self.pain >= PAIN_SAFETY_CHECK


@dataclass(frozen=True, slots=True)
class ExerciseToday:
    number: int  # the card's place on the page, from 1
    item: ProgramItem
    name: str
    steps: tuple[str, ...]
    feel: str
    done_this_week: int  # days this week it was done, today included
    due: bool  # near-daily, or not yet done as often as prescribed this week
    log: ExerciseLog | None  # today's
    offer: PainOffer | None
    open: bool  # the card shown open: the first one due and not yet logged today
    timer: TimerPlan
    # The exercise itself (the library's or the clinic's own: its photo or video), and the
    # language its texts are in when not the patient's ("nl", "en"; see CatalogueExercise).
    exercise: CatalogueExercise | None = None
    only_in: str = ""


@dataclass(frozen=True, slots=True)
class QuotaToday:
    quota: Quota
    week: int
    target: int
    done: int  # this quota week so far

    @property
    def left(self) -> int:
        return max(0, self.target - self.done)


StreakState = Literal["done", "missed", "open", "later", "none"]


@dataclass(frozen=True, slots=True)
class StreakDay:
    day: date
    # done: every near-daily exercise done; missed: not; open: today, not yet; later: still
    # to come; none: no near-daily exercise in the program that day
    state: StreakState


@dataclass(frozen=True, slots=True)
class TodayOverview:
    day: date
    program: Program | None
    exercises: tuple[ExerciseToday, ...]
    quota: QuotaToday | None
    week: tuple[StreakDay, ...]  # Monday to Sunday; empty without near-daily exercises
    visits: BetweenVisitsState | None
    diary_applies: bool  # the diary is kept while in care (not during the intake)

    @property
    def due(self) -> int:
        return sum(1 for row in self.exercises if row.due)

    @property
    def done(self) -> int:
        return sum(1 for row in self.exercises if row.due and row.log and row.log.done)

    @property
    def skipped(self) -> int:
        return sum(1 for row in self.exercises if row.due and row.log and not row.log.done)

    @property
    def left(self) -> int:
        return sum(1 for row in self.exercises if row.due and row.log is None)

    @property
    def first_open(self) -> ExerciseToday | None:
        return next((row for row in self.exercises if row.open), None)

    @property
    def streak(self) -> int:
        """Days this week with every near-daily exercise done."""
        return sum(1 for day in self.week if day.state == "done")

    @property
    def diary_due(self) -> bool:
        return self.diary_applies and self.visits is not None and not self.visits.diary_today

    @property
    def diary_done(self) -> bool:
        return self.diary_applies and self.visits is not None and self.visits.diary_today

    @property
    def recheck_due(self) -> bool:
        return self.visits is not None and self.visits.recheck_is_due

    @property
    def questionnaires(self) -> Sequence[Occasion]:
        return self.visits.due if self.visits is not None else ()

    @property
    def shows_anything(self) -> bool:
        return bool(
            self.exercises
            or self.quota
            or self.diary_due
            or self.diary_done
            or self.recheck_due
            or self.questionnaires
        )

    def row_for(self, item_id: object) -> ExerciseToday | None:
        return next((row for row in self.exercises if row.item.pk == item_id), None)

    def next_after(self, row: ExerciseToday) -> ExerciseToday | None:
        """The card to open after ``row`` is logged: the next one due and not logged, after
        it and then from the top."""
        waiting = [r for r in self.exercises if r.due and r.log is None and r is not row]
        later = [r for r in waiting if r.number > row.number]
        return next(iter(later or waiting), None)


def today_overview(
    episode: Episode,
    day: date,
    language: Lang,
    visits: BetweenVisitsState | None = None,
) -> TodayOverview:
    """The patient's day in a fixed number of queries, however many exercises and logs:
    the programs with their quota, their items, the logs, the quota's logs (only with a
    quota) and the clinic's own exercises (only with one in the program). ``visits`` is the
    between-visits state when the page has it (diary, weekly check, questionnaires); it is
    read, not queried here.
    """
    monday = day - timedelta(days=day.weekday())
    programs = list(
        Program.objects.filter(episode_id=episode.pk)
        .select_related("quota")
        .prefetch_related("items")
        .order_by("number")
    )
    current = programs[-1] if programs else None
    diary_applies = episode.is_open and episode.status != EpisodeStatus.INTAKE
    if current is None:
        return TodayOverview(day, None, (), None, (), visits, diary_applies)
    exercise_of = {item.pk: item.exercise_id for p in programs for item in p.items.all()}
    # This week's logs: what is done, and today's.
    done_days: dict[str, set[date]] = defaultdict(set)
    today_log: dict[object, ExerciseLog] = {}
    week = ExerciseLog.objects.filter(
        item__program__episode_id=episode.pk, day__gte=monday, day__lte=day
    )
    for log in week.order_by("day", "logged_at"):
        if log.done:
            done_days[exercise_of[log.item_id]].add(log.day)
        if log.day == day:
            today_log[log.item_id] = log
    # A pain score logged today is measured against the exercise's last score before it:
    # read only then, and only that one per exercise (the rows stay a handful, however long
    # the episode runs).
    scored_today = {exercise_of[log.item_id] for log in today_log.values() if log.pain is not None}
    pain_before = _pain_before(episode, day, scored_today) if scored_today else {}

    rows: list[ExerciseToday] = []
    opened = False
    items = list(current.items.all())
    # The clinic's own exercises among them: one more query, only when there are any.
    known = find_many(episode.clinic_id, (item.exercise_id for item in items))
    for item in items:
        exercise = known.get(item.exercise_id)
        if exercise is None:
            continue
        done = done_days.get(item.exercise_id, set())
        logged = today_log.get(item.pk)
        due = item.per_week >= DAILY or len(done - {day}) < item.per_week
        is_open = not opened and due and logged is None
        opened = opened or is_open
        offer = None
        if logged is not None and offers_easier(logged.pain, pain_before.get(item.exercise_id)):
            assert logged.pain is not None
            # An exercise the library's regression chains do not know has no easier version.
            easier = easier_version(exercise.packaged) if exercise.packaged else None
            offer = PainOffer(
                pain=logged.pain,
                before=pain_before.get(item.exercise_id),
                easier=easier,
                easier_name=easier.name(language) if easier else "",
                easier_steps=getattr(easier.instructions, language.value) if easier else (),
            )
        rows.append(
            ExerciseToday(
                number=len(rows) + 1,
                item=item,
                name=exercise.name(language),
                steps=exercise.steps(language),
                feel=exercise.feel(language),
                done_this_week=len(done),
                due=due,
                log=logged,
                offer=offer,
                open=is_open,
                timer=timer_plan(item),
                exercise=exercise,
                only_in=exercise.only_in(language),
            )
        )
    return TodayOverview(
        day=day,
        program=current,
        exercises=tuple(rows),
        quota=_quota_today(getattr(current, "quota", None), day),
        week=_week(programs, done_days, monday, day),
        visits=visits,
        diary_applies=diary_applies,
    )


def _pain_before(episode: Episode, day: date, exercise_ids: set[str]) -> dict[str, int]:
    """Per exercise of ``exercise_ids``, the pain of its last scored log before ``day`` in the
    episode (in any program version): the newest scored log of each, by a window over them."""
    newest_first = Window(
        RowNumber(),
        partition_by=F("item__exercise_id"),
        order_by=(F("day").desc(), F("logged_at").desc()),
    )
    last = (
        ExerciseLog.objects.filter(
            item__program__episode_id=episode.pk,
            item__exercise_id__in=exercise_ids,
            day__lt=day,
            pain__isnull=False,
        )
        .annotate(newest=newest_first)
        .filter(newest=1)
        .values_list("item__exercise_id", "pain")
    )
    return {exercise_id: pain for exercise_id, pain in last if pain is not None}


def _quota_today(quota: Quota | None, day: date) -> QuotaToday | None:
    if quota is None:
        return None
    start = services.week_start(quota, day)
    done = quota.logs.filter(day__gte=start, day__lte=day).aggregate(total=Sum("amount"))
    week = services.quota_week(quota, day)
    return QuotaToday(quota, week, services.graded(quota).target(week), done["total"] or 0)


def _week(
    programs: list[Program], done_days: dict[str, set[date]], monday: date, today: date
) -> tuple[StreakDay, ...]:
    """Monday to Sunday: was every near-daily exercise of the version in effect done?"""
    daily = {
        p.pk: {item.exercise_id for item in p.items.all() if item.per_week >= DAILY}
        for p in programs
    }
    if not daily[programs[-1].pk]:
        return ()
    published = [(timezone.localdate(p.published_at), p) for p in programs]
    days = []
    for offset in range(WEEK):
        day = monday + timedelta(days=offset)
        in_effect = [p for begins, p in published if begins <= day]
        due = daily[in_effect[-1].pk] if in_effect else set()
        state: StreakState
        if day > today:
            state = "later"
        elif not due:
            state = "none"
        elif all(day in done_days.get(exercise_id, ()) for exercise_id in due):
            state = "done"
        else:
            state = "open" if day == today else "missed"
        days.append(StreakDay(day, state))
    return tuple(days)


def patient_has_program(user: User) -> bool:
    """Whether the patient's latest episode (the one their pages show) has a home program:
    one query, and no access-log entry (it reads no record, only that one exists). For the
    navigation's "Today" link."""
    latest = episodes_for(user).order_by("-opened_at").values("pk")[:1]
    return Program.objects.filter(episode_id=Subquery(latest)).exists()
