"""Between-visit rules at their boundaries: re-check, occasions, alerts (dates as arguments)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backpath.clinical.classification import Diagnosis
from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.followup import (
    ADHERENCE_MIN_DAYS,
    FOLLOWUP_INSTRUMENTS,
    OPENS_BEFORE,
    OVERDUE_AFTER,
    AlertKind,
    Occasion,
    add_months,
    adherence_alert,
    due_occasions,
    flare_alert,
    low_adherence,
    occasions,
    overdue_alert,
    progress_alert,
    recheck,
    recheck_due_on,
    recheck_flags,
    red_flag_alert,
    returned_alert,
    week_of,
)
from backpath.clinical.instruments import instrument
from backpath.clinical.language import Lang, Text
from backpath.clinical.pathway import Evaluation, Moment
from backpath.clinical.progress import change, progress_decision
from backpath.clinical.reasons import Reason
from backpath.clinical.redflags import Action
from backpath.clinical.scoring import score
from backpath.clinical.stratification import Profile

NONE = dict.fromkeys(recheck_flags(), False)


def test_the_recheck_asks_the_pathways_every_session_flags() -> None:
    assert recheck_flags() == ("CES-1", "CES-6", "CES-2", "CES-3", "CES-4", "NEU-1")


def test_a_recheck_with_no_yes_finds_nothing() -> None:
    result = recheck(NONE)
    assert result.urgency is Action.NONE
    assert red_flag_alert(result) is None


@pytest.mark.parametrize("flag", ["CES-1", "CES-2", "CES-3", "CES-4", "NEU-1"])
def test_any_yes_stops_care_and_alerts_the_clinician(flag: str) -> None:
    result = recheck(NONE | {flag: True})
    assert result.stops_care
    alert = red_flag_alert(result)
    assert alert is not None
    assert alert.kind is AlertKind.RED_FLAG
    assert flag in alert.reason.text(Lang.EN)
    assert alert.reason.source == "kngf2021-c5"


def test_a_recheck_derives_no_flags_from_who_the_patient_is() -> None:
    # At the intake a 70-year-old gets FRA-6 (age); a weekly check must not re-raise it.
    assert recheck(NONE).flag_ids == ()


def test_a_recheck_must_answer_every_question_and_only_those() -> None:
    with pytest.raises(ClinicalInputError, match="unanswered: NEU-1"):
        recheck({k: v for k, v in NONE.items() if k != "NEU-1"})
    with pytest.raises(ClinicalInputError, match="not re-check questions: MAL-1"):
        recheck(NONE | {"MAL-1": True})


def test_the_weekly_check_is_due_a_week_after_the_last_or_at_the_start() -> None:
    start = date(2026, 3, 2)
    assert recheck_due_on(None, start) == start
    assert recheck_due_on(date(2026, 3, 10), start) == date(2026, 3, 17)


def plan_evaluations(start: date, weeks: tuple[int, ...]) -> list[Evaluation]:
    """A plan's evaluations: the intake, the given weeks and the discharge."""

    def line(at: Moment, week: int | None, rule: str, decision: str) -> Evaluation:
        due = None if week is None else start + timedelta(weeks=week)
        instruments = ("nprs", "gpe") if at is Moment.DISCHARGE else ("nprs", "psk")
        return Evaluation(
            at, week, due, instruments, Reason(rule, "mds-lbp", Text(nl=decision, en=decision))
        )

    return [
        line(Moment.INTAKE, 0, "PW-EVAL-INTAKE", "Baseline"),
        *(line(Moment.EVALUATION, week, f"PW-EVAL-{week}", f"Week {week}") for week in weeks),
        line(Moment.DISCHARGE, None, "PW-EVAL-DISCHARGE", "Discharge"),
    ]


START = date(2026, 1, 5)


def test_an_open_episode_has_its_dated_evaluations_only() -> None:
    found = occasions(plan_evaluations(START, (6, 12)), None)
    assert [o.key for o in found] == ["week-6", "week-12"]
    assert found[0].due == START + timedelta(weeks=6)
    assert found[0].instruments == ("nprs", "psk")
    assert found[0].reason.rule == "PW-EVAL-6"


def test_discharge_adds_the_discharge_and_three_follow_ups_and_drops_later_evaluations() -> None:
    discharged = START + timedelta(weeks=8)
    found = occasions(plan_evaluations(START, (6, 12)), discharged)
    assert [o.key for o in found] == [
        "week-6",
        "discharge",
        "followup-3m",
        "followup-6m",
        "followup-12m",
    ]
    assert found[1].due == discharged
    assert found[2].due == date(2026, 6, 2)
    assert found[4].due == date(2027, 3, 2)
    assert found[2].instruments == FOLLOWUP_INSTRUMENTS
    assert "3" in found[2].reason.text(Lang.NL)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 15), 12, date(2027, 12, 15)),
    ],
)
def test_months_are_added_to_the_calendar(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def occasion(due: date) -> Occasion:
    return occasions(plan_evaluations(due - timedelta(weeks=6), (6,)), None)[0]


def test_a_questionnaire_opens_three_days_early_and_stays_until_done() -> None:
    due = date(2026, 5, 20)
    found = [occasion(due)]
    assert due_occasions(found, [], due - OPENS_BEFORE - timedelta(days=1)) == []
    assert due_occasions(found, [], due - OPENS_BEFORE) == found
    assert due_occasions(found, [], due + timedelta(days=60)) == found
    assert due_occasions(found, ["week-6"], due) == []


def test_overdue_a_week_after_the_due_date() -> None:
    due = date(2026, 5, 20)
    assert overdue_alert(occasion(due), due + OVERDUE_AFTER) is None
    alert = overdue_alert(occasion(due), due + OVERDUE_AFTER + timedelta(days=1))
    assert alert is not None
    assert alert.kind is AlertKind.OVERDUE
    assert "8 days overdue" in alert.reason.text(Lang.EN)


@pytest.mark.parametrize(
    ("start", "day", "week"),
    [
        (START, START, 0),
        (START, START + timedelta(days=6), 0),
        (START, START + timedelta(days=7), 1),
        (START, START - timedelta(days=3), 0),
    ],
)
def test_weeks_count_whole_weeks_from_the_plan_start(start: date, day: date, week: int) -> None:
    assert week_of(start, day) == week


def test_adherence_is_low_below_half_once_the_program_has_run_a_week() -> None:
    assert not low_adherence(done=4, planned=8, program_days=ADHERENCE_MIN_DAYS)
    assert low_adherence(done=3, planned=8, program_days=ADHERENCE_MIN_DAYS)
    assert not low_adherence(done=0, planned=8, program_days=ADHERENCE_MIN_DAYS - 1)
    assert not low_adherence(done=0, planned=0, program_days=30)
    alert = adherence_alert(done=3, planned=8, program_days=14)
    assert alert is not None
    assert alert.kind is AlertKind.LOW_ADHERENCE
    assert "3 of 8" in alert.reason.text(Lang.EN)
    assert adherence_alert(done=8, planned=8, program_days=14) is None
    with pytest.raises(ClinicalInputError):
        low_adherence(done=-1, planned=8, program_days=14)


def nprs(value: int) -> object:
    return score(instrument("nprs"), {"q1": value})


@pytest.mark.parametrize(
    ("profile", "week", "followup", "kind"),
    [
        (Profile.MEDIUM, 6, 8, AlertKind.WORSE),
        (Profile.MEDIUM, 6, 6, AlertKind.CONSULT_GP),
        (Profile.HIGH, 12, 6, AlertKind.STEP3_OR_GP),
        (Profile.LOW, 3, 6, AlertKind.RESTRATIFY),
        (Profile.MEDIUM, 6, 3, None),
    ],
)
def test_progress_decisions_become_alerts(
    profile: Profile, week: int, followup: int, kind: AlertKind | None
) -> None:
    decision = progress_decision(
        profile,
        Diagnosis.LBP,
        week,
        [change(nprs(6), nprs(followup))],  # type: ignore[arg-type]
    )
    alert = progress_alert(decision)
    assert (alert.kind if alert else None) is kind


def test_alert_kinds_are_ranked_red_flag_first() -> None:
    ranked = sorted(AlertKind, key=lambda kind: kind.priority)
    assert ranked[0] is AlertKind.RED_FLAG
    assert ranked[-1] is AlertKind.OVERDUE


@given(
    last=st.one_of(st.none(), st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1))),
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
)
def test_the_next_check_is_never_more_than_a_week_after_the_last(
    last: date | None, start: date
) -> None:
    due = recheck_due_on(last, start)
    assert due == (last + timedelta(days=7) if last else start)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 36))
def test_adding_months_lands_in_the_right_month_never_later(day: date, months: int) -> None:
    later = add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day <= day.day


def test_a_patient_coming_back_is_announced_with_the_time_since_discharge() -> None:
    alert = returned_alert(date(2026, 1, 1), date(2026, 3, 5))
    assert alert.kind is AlertKind.RETURNED
    assert "9 weeks ago" in alert.reason.text(Lang.EN)
    assert (
        returned_alert(date(2026, 1, 2), date(2026, 1, 1))
        .reason.text(Lang.EN)
        .startswith("Back after discharge (0 weeks")
    )


def test_a_flare_up_without_red_flags_tells_the_clinician_with_the_pain() -> None:
    alert = flare_alert(7)
    assert alert.kind is AlertKind.FLARE
    assert AlertKind.RED_FLAG.priority < alert.kind.priority < AlertKind.LOW_ADHERENCE.priority
    assert "pain 7/10" in alert.reason.text(Lang.EN)
    with pytest.raises(ClinicalInputError):
        flare_alert(11)
