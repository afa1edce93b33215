"""Reminders between visits: which are due for one patient at one moment.

Why remind at all: adherence to home exercise is the weak link of active care, and a
programme with reminders was followed better than the same exercises on paper (Lambert et
al., J Physiother 2017;63:161-7; KNGF 2021 C.2 asks the physiotherapist to support
adherence and self-management). The weekly red-flag re-check and the dated questionnaires
(``clinical.followup``, FU-RECHECK and FU-EVAL) only work when they are done, so they are
reminded until they are. Breaking up long sitting with a minute of movement each hour is
the guideline's advice to stay active made concrete (KNGF 2021 C.1; backpath default, to be
reviewed); it reaches the patient as calendar alarms, not as mail.

Pure rules with the moment as an argument (a timezone-aware datetime; its own wall clock
is the patient's), so every boundary is testable:

- REM-EXERCISES: daily at the preferred exercise time while exercises are planned today and
  nothing is logged today (key: the date).
- REM-DIARY: daily at 19:00 while today's diary is not filled in (key: the date).
- REM-RECHECK: from the day the weekly check is due, every day until it is done (key: the
  date).
- REM-QUESTIONNAIRE: on the day a questionnaire opens and every second day after, at most
  four times, while it is not filled in (key: occasion and date).
- REM-QUIET: nothing goes out in quiet hours. A reminder whose time falls in them waits for
  the first run after they end on the same day; when the day ends first it is dropped, never
  sent at night. Quiet hours may wrap midnight (22:00-08:00); equal start and end mean none.
- REM-OPT-OUT: no mail at all when the patient opted out; a kind switched off is never due.
- REM-WINDOW: a run looks only at the patients with a reminder moment since the last run
  looked (``Window``): the exercise time, the morning and the evening times, and the end of
  the quiet hours (when a reminder held back in them goes out). A run on time looks at one
  quarter-hour; the day's first run, or the run after a stopped one, looks back to midnight.
  A reminder is sent at its moment or not that day: something that becomes due after its
  moment (a program published at 14:00 for a 09:00 exercise time) is reminded the next day.

"Repeat when nothing is logged" falls out of the keys: tomorrow's key is new, so the
reminder fires again while the thing is still outstanding. A key already sent is never due
again, which is what lets the job run every few minutes.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from backpath.clinical.errors import ClinicalInputError

DIARY_AT = time(19, 0)
# The re-check and questionnaire reminders go out in the morning (backpath default).
MORNING_AT = time(10, 0)
QUESTIONNAIRE_EVERY = timedelta(days=2)
QUESTIONNAIRE_TIMES = 4
DEFAULT_EXERCISE_AT = time(9, 0)
DEFAULT_QUIET_START = time(22, 0)
DEFAULT_QUIET_END = time(8, 0)
# Sitting breaks: a minute of movement on the hour, weekdays 09:00 to 17:00.
SITTING_BREAK_HOURS = tuple(range(9, 18))


class Kind(StrEnum):
    EXERCISES = "exercises"
    DIARY = "diary"
    RECHECK = "recheck"
    QUESTIONNAIRE = "questionnaire"


RULES = {
    Kind.EXERCISES: "REM-EXERCISES",
    Kind.DIARY: "REM-DIARY",
    Kind.RECHECK: "REM-RECHECK",
    Kind.QUESTIONNAIRE: "REM-QUESTIONNAIRE",
}


@dataclass(frozen=True, slots=True)
class Preferences:
    """What the patient chose. ``email`` off is the opt-out from every reminder."""

    email: bool = True
    kinds: frozenset[Kind] = field(default_factory=lambda: frozenset(Kind))
    exercise_time: time = DEFAULT_EXERCISE_AT
    quiet_start: time = DEFAULT_QUIET_START
    quiet_end: time = DEFAULT_QUIET_END


@dataclass(frozen=True, slots=True)
class OpenQuestionnaire:
    """A questionnaire open and not yet filled in; ``opened`` is the day it opened."""

    occasion: str
    opened: date


@dataclass(frozen=True, slots=True)
class Outstanding:
    """What is still to do today, as the caller found it."""

    exercises: bool = False  # exercises planned today and nothing logged today
    diary: bool = False  # today's diary not filled in
    recheck: bool = False  # the weekly check is due (or overdue) and not done
    questionnaires: tuple[OpenQuestionnaire, ...] = ()


@dataclass(frozen=True, slots=True)
class Reminder:
    kind: Kind
    key: str
    at: time  # when it was meant to go out today
    rule: str


# The moments that are the same for every patient; the exercise time and the end of the quiet
# hours are the patient's own.
SHARED_MOMENTS = (MORNING_AT, DIARY_AT)


@dataclass(frozen=True, slots=True)
class Window:
    """The wall-clock minutes of one day that a run looks at: after ``after`` (from midnight
    when None) up to and including ``until``. Reminder times are whole minutes."""

    after: time | None
    until: time

    def holds(self, moment: time) -> bool:
        return (self.after is None or moment > self.after) and moment <= self.until

    @property
    def shared(self) -> bool:
        """Whether a moment every patient shares falls in it: then everyone is looked at."""
        return any(self.holds(moment) for moment in SHARED_MOMENTS)

    def looks_at(self, prefs: Preferences) -> bool:
        """Whether a run with this window looks at a patient with these choices: one of their
        moments falls in it (the job asks the database the same question)."""
        return prefs.email and (
            self.shared
            or (Kind.EXERCISES in prefs.kinds and self.holds(prefs.exercise_time))
            or self.holds(prefs.quiet_end)
        )


def _whole_minute(moment: time) -> time:
    return moment.replace(second=0, microsecond=0, tzinfo=None)


def window(now: datetime, looked_until: datetime | None) -> Window:
    """What the run at ``now`` looks at: the minutes after the last run's, when that run was
    the same day and not later; else the day so far (the day's first run, or a clock set
    back). A run at the last run's minute looks at nothing."""
    _aware(now)
    until = _whole_minute(now.time())
    if looked_until is not None:
        last = looked_until.astimezone(now.tzinfo)
        if last.date() == now.date() and last <= now:
            return Window(_whole_minute(last.time()), until)
    return Window(None, until)


def in_quiet_hours(moment: time, start: time, end: time) -> bool:
    """Whether a wall-clock time falls in the quiet hours [start, end), which may wrap."""
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def _aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ClinicalInputError("now", "must carry its time zone")


def _candidates(today: date, prefs: Preferences, todo: Outstanding) -> Iterator[Reminder]:
    """Every reminder today's facts call for, before preferences, quiet hours and history."""
    day = today.isoformat()
    if todo.exercises:
        yield Reminder(Kind.EXERCISES, day, prefs.exercise_time, RULES[Kind.EXERCISES])
    if todo.diary:
        yield Reminder(Kind.DIARY, day, DIARY_AT, RULES[Kind.DIARY])
    if todo.recheck:
        yield Reminder(Kind.RECHECK, day, MORNING_AT, RULES[Kind.RECHECK])
    for questionnaire in todo.questionnaires:
        days_open = (today - questionnaire.opened).days
        every = QUESTIONNAIRE_EVERY.days
        if 0 <= days_open < every * QUESTIONNAIRE_TIMES and days_open % every == 0:
            key = f"{questionnaire.occasion}:{day}"
            yield Reminder(Kind.QUESTIONNAIRE, key, MORNING_AT, RULES[Kind.QUESTIONNAIRE])


def due_reminders(
    now: datetime,
    prefs: Preferences,
    todo: Outstanding,
    sent: Collection[tuple[Kind, str]] = (),
) -> tuple[Reminder, ...]:
    """The reminders to send at ``now``: due today, past their time, outside quiet hours,
    wanted, and not sent before (``sent`` holds (kind, key) pairs already claimed)."""
    _aware(now)
    if not prefs.email:
        return ()
    clock = now.time()  # the wall clock of now's own zone, without it
    if in_quiet_hours(clock, prefs.quiet_start, prefs.quiet_end):
        return ()
    return tuple(
        reminder
        for reminder in _candidates(now.date(), prefs, todo)
        if reminder.kind in prefs.kinds
        and clock >= reminder.at
        and (reminder.kind, reminder.key) not in sent
    )
