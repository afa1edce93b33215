"""Reminders at their boundaries: times, quiet hours, repeats, opt-out and history."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backpath.clinical.errors import ClinicalInputError
from backpath.reminders.timing import (
    Kind,
    OpenQuestionnaire,
    Outstanding,
    Preferences,
    Reminder,
    Window,
    due_reminders,
    in_quiet_hours,
    window,
)

AMS = ZoneInfo("Europe/Amsterdam")
DAY = date(2026, 11, 25)
EVERYTHING = Outstanding(
    exercises=True,
    diary=True,
    recheck=True,
    questionnaires=(OpenQuestionnaire("week-6", DAY),),
)


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=AMS)


def due(
    now: datetime,
    todo: Outstanding = EVERYTHING,
    prefs: Preferences | None = None,
    sent: set[tuple[Kind, str]] | None = None,
) -> list[tuple[Kind, str]]:
    found = due_reminders(now, prefs or Preferences(), todo, sent or set())
    return [(r.kind, r.key) for r in found]


def test_it_sends_exercises_from_the_preferred_time_and_not_a_minute_before() -> None:
    todo = Outstanding(exercises=True)
    assert due(at(8, 59), todo) == []
    assert due(at(9, 0), todo) == [(Kind.EXERCISES, "2026-11-25")]
    later = Preferences(exercise_time=time(17, 30))
    assert due(at(17, 29), todo, later) == []
    assert due(at(17, 30), todo, later) == [(Kind.EXERCISES, "2026-11-25")]


def test_it_sends_the_diary_in_the_evening() -> None:
    todo = Outstanding(diary=True)
    assert due(at(18, 59), todo) == []
    assert due(at(19, 0), todo) == [(Kind.DIARY, "2026-11-25")]
    assert due(at(21, 59), todo) == [(Kind.DIARY, "2026-11-25")]


def test_it_sends_nothing_that_is_not_outstanding() -> None:
    assert due(at(20), Outstanding()) == []


def test_it_repeats_the_next_day_while_nothing_is_logged() -> None:
    todo = Outstanding(exercises=True, recheck=True)
    first = due(at(10), todo)
    sent = set(first)
    assert due(at(12), todo, sent=sent) == []
    tomorrow = due(at(10, day=DAY + timedelta(days=1)), todo, sent=sent)
    assert tomorrow == [(Kind.EXERCISES, "2026-11-26"), (Kind.RECHECK, "2026-11-26")]


def test_it_reminds_the_recheck_every_morning_until_it_is_done() -> None:
    todo = Outstanding(recheck=True)
    assert due(at(9, 59), todo) == []
    for offset in range(3):
        day = DAY + timedelta(days=offset)
        assert due(at(10, day=day), todo) == [(Kind.RECHECK, day.isoformat())]
    assert due(at(10, day=DAY + timedelta(days=3)), Outstanding()) == []


@pytest.mark.parametrize(
    ("days_open", "expected"),
    [(0, True), (1, False), (2, True), (3, False), (4, True), (6, True), (7, False), (8, False)],
)
def test_it_reminds_a_questionnaire_every_second_day_at_most_four_times(
    days_open: int, expected: bool
) -> None:
    opened = DAY - timedelta(days=days_open)
    todo = Outstanding(questionnaires=(OpenQuestionnaire("week-6", opened),))
    found = due(at(10), todo)
    assert found == ([(Kind.QUESTIONNAIRE, "week-6:2026-11-25")] if expected else [])


def test_it_never_reminds_a_questionnaire_before_it_opens() -> None:
    todo = Outstanding(questionnaires=(OpenQuestionnaire("week-6", DAY + timedelta(days=2)),))
    assert due(at(10), todo) == []


def test_it_keeps_occasions_apart_in_the_key() -> None:
    todo = Outstanding(
        questionnaires=(OpenQuestionnaire("week-6", DAY), OpenQuestionnaire("discharge", DAY))
    )
    assert due(at(10), todo) == [
        (Kind.QUESTIONNAIRE, "week-6:2026-11-25"),
        (Kind.QUESTIONNAIRE, "discharge:2026-11-25"),
    ]


def test_it_sends_nothing_when_opted_out() -> None:
    assert due(at(20), prefs=Preferences(email=False)) == []


def test_it_leaves_out_a_kind_the_patient_switched_off() -> None:
    prefs = Preferences(kinds=frozenset({Kind.DIARY}))
    assert due(at(20), prefs=prefs) == [(Kind.DIARY, "2026-11-25")]


def test_it_holds_back_during_quiet_hours_and_sends_when_they_end() -> None:
    early = Preferences(exercise_time=time(6, 30))  # quiet 22:00-08:00
    todo = Outstanding(exercises=True)
    assert due(at(6, 30), todo, early) == []
    assert due(at(7, 59), todo, early) == []
    assert due(at(8, 0), todo, early) == [(Kind.EXERCISES, "2026-11-25")]


def test_it_drops_a_reminder_when_the_day_ends_in_quiet_hours() -> None:
    prefs = Preferences(quiet_start=time(18, 0), quiet_end=time(7, 0))
    todo = Outstanding(diary=True)
    assert due(at(19), todo, prefs) == []
    assert due(at(23, 59), todo, prefs) == []
    # Past midnight the diary reminder of the 25th is gone; the 26th waits for its evening.
    next_morning = at(7, day=DAY + timedelta(days=1))
    assert due(next_morning, todo, prefs) == []


def test_it_sends_nothing_at_quiet_start_and_again_at_quiet_end() -> None:
    todo = Outstanding(diary=True)
    assert due(at(21, 59), todo) == [(Kind.DIARY, "2026-11-25")]
    assert due(at(22, 0), todo) == []


@pytest.mark.parametrize(
    ("moment", "start", "end", "quiet"),
    [
        (time(23, 0), time(22, 0), time(8, 0), True),  # wraps midnight
        (time(0, 0), time(22, 0), time(8, 0), True),
        (time(7, 59), time(22, 0), time(8, 0), True),
        (time(8, 0), time(22, 0), time(8, 0), False),
        (time(21, 59), time(22, 0), time(8, 0), False),
        (time(12, 0), time(12, 0), time(14, 0), True),  # the same day
        (time(13, 59), time(12, 0), time(14, 0), True),
        (time(14, 0), time(12, 0), time(14, 0), False),
        (time(11, 59), time(12, 0), time(14, 0), False),
        (time(3, 0), time(8, 0), time(8, 0), False),  # equal: no quiet hours
    ],
)
def test_it_knows_quiet_hours_at_their_edges(
    moment: time, start: time, end: time, quiet: bool
) -> None:
    assert in_quiet_hours(moment, start, end) is quiet


def test_it_reads_the_wall_clock_of_the_moments_own_zone() -> None:
    # 08:30 UTC is 09:30 in Amsterdam in November: the caller passes the patient's zone.
    utc = datetime(2026, 11, 25, 8, 30, tzinfo=ZoneInfo("UTC"))
    assert due(utc, Outstanding(exercises=True)) == []
    assert due(utc.astimezone(AMS), Outstanding(exercises=True)) == [(Kind.EXERCISES, "2026-11-25")]


def test_it_refuses_a_moment_without_a_time_zone() -> None:
    with pytest.raises(ClinicalInputError, match="time zone"):
        due_reminders(datetime(2026, 11, 25, 9), Preferences(), EVERYTHING)


def test_it_names_the_rule_and_the_time_it_was_meant_for() -> None:
    (reminder,) = due_reminders(at(20), Preferences(), Outstanding(diary=True))
    assert reminder == Reminder(Kind.DIARY, "2026-11-25", time(19, 0), "REM-DIARY")


def test_the_day_s_first_run_looks_back_to_midnight() -> None:
    assert window(at(9), None) == Window(None, time(9, 0))
    yesterday = at(23, 45, day=DAY - timedelta(days=1))
    assert window(at(0, 0), yesterday) == Window(None, time(0, 0))


def test_a_run_looks_at_the_minutes_since_the_last_run_looked() -> None:
    last = at(9).replace(second=0, microsecond=300_000)
    now = at(9, 15).replace(second=2)
    assert window(now, last) == Window(time(9, 0), time(9, 15))
    assert window(now, last.astimezone(ZoneInfo("UTC"))) == Window(time(9, 0), time(9, 15))
    frame = window(now, last)
    assert [frame.holds(time(9, m)) for m in (0, 1, 15, 16)] == [False, True, True, False]


def test_a_run_at_the_last_run_s_minute_looks_at_nothing() -> None:
    frame = window(at(9).replace(second=40), at(9).replace(second=10))
    assert not any(frame.holds(time(h, m)) for h in range(24) for m in range(60))


def test_a_clock_set_back_looks_at_the_day_so_far() -> None:
    assert window(at(9), at(10)) == Window(None, time(9, 0))


def test_a_window_looks_at_a_patient_with_a_moment_in_it() -> None:
    quarter = Window(time(9, 15), time(9, 30))
    assert not quarter.looks_at(Preferences())  # 08:00, 09:00, 10:00, 19:00
    assert quarter.looks_at(Preferences(exercise_time=time(9, 30)))
    assert not quarter.looks_at(Preferences(exercise_time=time(9, 30), kinds=frozenset()))
    assert quarter.looks_at(Preferences(quiet_end=time(9, 20)))  # held back until then
    assert not quarter.looks_at(Preferences(email=False, exercise_time=time(9, 30)))
    morning = Window(time(9, 45), time(10, 0))
    assert morning.shared
    assert morning.looks_at(Preferences(kinds=frozenset()))


# Properties over any moment, preferences and facts.
times = st.times()
moments = st.builds(
    lambda day, clock: datetime.combine(day, clock, tzinfo=AMS),
    st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31)),
    times,
)
preferences = st.builds(
    Preferences,
    email=st.booleans(),
    kinds=st.frozensets(st.sampled_from(Kind)),
    exercise_time=times,
    quiet_start=times,
    quiet_end=times,
)
outstanding = st.builds(
    Outstanding,
    exercises=st.booleans(),
    diary=st.booleans(),
    recheck=st.booleans(),
    questionnaires=st.lists(
        st.builds(
            OpenQuestionnaire,
            occasion=st.sampled_from(["week-6", "week-12", "discharge", "followup-3m"]),
            opened=st.dates(min_value=date(2024, 12, 1), max_value=date(2031, 1, 31)),
        ),
        max_size=3,
        unique_by=lambda q: q.occasion,
    ).map(tuple),
)


@given(moments, preferences, outstanding)
def test_it_is_never_due_inside_quiet_hours(
    now: datetime, prefs: Preferences, todo: Outstanding
) -> None:
    if in_quiet_hours(now.time(), prefs.quiet_start, prefs.quiet_end):
        assert due_reminders(now, prefs, todo) == ()


@given(moments, preferences, outstanding)
def test_it_is_never_due_when_opted_out(
    now: datetime, prefs: Preferences, todo: Outstanding
) -> None:
    opted_out = Preferences(
        email=False,
        kinds=prefs.kinds,
        exercise_time=prefs.exercise_time,
        quiet_start=prefs.quiet_start,
        quiet_end=prefs.quiet_end,
    )
    assert due_reminders(now, opted_out, todo) == ()


@given(moments, preferences, outstanding)
def test_it_is_never_due_again_once_sent(
    now: datetime, prefs: Preferences, todo: Outstanding
) -> None:
    first = due_reminders(now, prefs, todo)
    sent = {(r.kind, r.key) for r in first}
    assert due_reminders(now, prefs, todo, sent) == ()
    assert all(r.kind in prefs.kinds for r in first)


# Reminder times come from a form, in whole minutes (``models._minute``); runs may fall on
# any second.
minutes = st.times().map(lambda t: t.replace(second=0, microsecond=0))
chosen_in_minutes = st.builds(
    Preferences,
    email=st.booleans(),
    kinds=st.frozensets(st.sampled_from(Kind)),
    exercise_time=minutes,
    quiet_start=minutes,
    quiet_end=minutes,
)
runs = st.lists(
    st.tuples(st.integers(0, 24 * 60 - 1), st.integers(0, 59)), min_size=1, max_size=30, unique=True
).map(sorted)


@given(chosen_in_minutes, outstanding, runs)
def test_runs_that_look_only_at_their_window_send_what_runs_looking_at_everyone_send(
    prefs: Preferences, todo: Outstanding, moments: list[tuple[int, int]]
) -> None:
    """REM-WINDOW loses nothing while the facts stay the same through the day: a patient is
    looked at by every run that could send them something."""
    everyone: set[tuple[Kind, str]] = set()
    windowed: set[tuple[Kind, str]] = set()
    last: datetime | None = None
    for minute, second in moments:
        now = datetime.combine(DAY, time(minute // 60, minute % 60, second), tzinfo=AMS)
        everyone |= {(r.kind, r.key) for r in due_reminders(now, prefs, todo, everyone)}
        if window(now, last).looks_at(prefs):
            windowed |= {(r.kind, r.key) for r in due_reminders(now, prefs, todo, windowed)}
        last = now
    assert windowed == everyone
