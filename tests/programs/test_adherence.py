"""The clinician's adherence page: per-day completion, pain per exercise and the signals."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backpath.care.models import Episode
from backpath.exercises.adherence_rules import hurts, skipped
from backpath.programs.models import ExerciseLog, Program, ProgramItem, Quota, QuotaLog
from backpath.programs.selectors import ExerciseRow, adherence
from tests.personas import World

TODAY = date(2025, 11, 25)


def make_program(
    episode: Episode,
    items: dict[str, int],
    *,
    number: int = 1,
    published: date = TODAY - timedelta(days=40),
) -> Program:
    """A program version published on ``published``, straight through the models."""
    program = Program.objects.create(
        episode=episode,
        number=number,
        reason="" if number == 1 else "Changed.",
        published_at=timezone.make_aware(datetime.combine(published, datetime.min.time())),
    )
    for position, (exercise_id, per_week) in enumerate(items.items(), start=1):
        ProgramItem.objects.create(
            program=program,
            position=position,
            exercise_id=exercise_id,
            sets=2,
            reps=10,
            per_week=per_week,
        )
    return program


def log(
    program: Program, exercise_id: str, days_ago: int, *, done: bool = True, pain: int | None = 2
) -> ExerciseLog:
    return ExerciseLog.objects.create(
        item=program.items.get(exercise_id=exercise_id),
        day=TODAY - timedelta(days=days_ago),
        done=done,
        pain=pain,
    )


def row(program: Program, exercise_id: str, today: date = TODAY) -> ExerciseRow:
    result = adherence(program, today)
    return next(r for r in result.exercises if r.exercise_id == exercise_id)


# ---- The rules on their own ----


def test_it_counts_a_mean_pain_of_exactly_5_as_hurting_and_4_9_not() -> None:
    assert hurts([5, 5, 5], [])
    assert hurts([4, 6], [])
    assert not hurts([5] * 9 + [4], [])  # 4.9
    assert not hurts([], [0])


def test_it_counts_a_rise_of_exactly_2_as_hurting() -> None:
    assert hurts([3, 3], [1, 1])  # 3 vs 1
    assert hurts([4, 3], [1, 2])  # 3.5 vs 1.5
    assert not hurts([3, 3], [2, 1])  # 3 vs 1.5: a rise of 1.5
    assert not hurts([4], [])  # no week before to compare with


def test_it_counts_half_skipped_as_skipped() -> None:
    assert skipped([True, False], expected=True, others_logged=True)
    assert not skipped([True, True, False], expected=True, others_logged=True)
    assert skipped([], expected=True, others_logged=True)
    assert not skipped([], expected=False, others_logged=True)
    assert not skipped([], expected=True, others_logged=False)


# ---- The selector, with logs written through the models ----


def test_it_flags_a_mean_pain_of_exactly_5_over_the_last_week(world: World) -> None:
    program = make_program(world.amy_episode, {"bridge": 7, "cat_cow": 7})
    for days_ago, pain in enumerate([4, 6, 5, 5]):
        log(program, "bridge", days_ago, pain=pain)
    for days_ago, pain in enumerate([5, 5, 5, 5, 5, 5, 4]):  # 34 / 7 = 4.86
        log(program, "cat_cow", days_ago, pain=pain)
    bridge, cat_cow = row(program, "bridge"), row(program, "cat_cow")
    assert (bridge.pain, bridge.hurts) == (5.0, True)
    assert cat_cow.pain == pytest.approx(4.857, abs=0.001)
    assert not cat_cow.hurts


def test_it_flags_a_rise_of_exactly_2_against_the_week_before(world: World) -> None:
    program = make_program(world.amy_episode, {"bridge": 7, "cat_cow": 7})
    for days_ago in range(7):
        log(program, "bridge", days_ago, pain=3)  # this week 3
        log(program, "bridge", days_ago + 7, pain=1)  # the week before 1
        log(program, "cat_cow", days_ago, pain=3)
        log(program, "cat_cow", days_ago + 7, pain=2 if days_ago % 2 else 1)  # 1.43: +1.57
    bridge, cat_cow = row(program, "bridge"), row(program, "cat_cow")
    assert (bridge.pain, bridge.pain_before, bridge.hurts) == (3.0, 1.0, True)
    assert not cat_cow.hurts


def test_it_flags_an_exercise_skipped_on_half_the_logs(world: World) -> None:
    program = make_program(world.amy_episode, {"bridge": 7, "cat_cow": 7})
    for days_ago, done in enumerate([True, False, True, False]):
        log(program, "bridge", days_ago, done=done)
    for days_ago, done in enumerate([True, False, True]):
        log(program, "cat_cow", days_ago, done=done)
    log(program, "cat_cow", 7, done=False)  # the week before: not counted
    assert row(program, "bridge").skipped
    assert not row(program, "cat_cow").skipped


def test_it_flags_an_exercise_not_logged_for_a_week_while_others_are(world: World) -> None:
    program = make_program(world.amy_episode, {"bridge": 7, "cat_cow": 3})
    log(program, "bridge", 0)
    log(program, "cat_cow", 7)  # its last log was 7 days ago: outside the last 7 days
    # Walk was added 3 days ago: it has not been in the program for a week yet.
    newer = make_program(
        world.amy_episode,
        {"bridge": 7, "cat_cow": 3, "walk": 2},
        number=2,
        published=TODAY - timedelta(days=3),
    )
    result = {r.exercise_id: r for r in adherence(newer, TODAY).exercises}
    assert result["cat_cow"].skipped
    assert not result["walk"].skipped
    assert not result["bridge"].skipped
    # Nobody logged anything: nothing stands out as skipped.
    ExerciseLog.objects.all().delete()
    assert not any(r.skipped for r in adherence(newer, TODAY).exercises)


def test_it_counts_due_and_done_per_day(world: World) -> None:
    program = make_program(world.amy_episode, {"bridge": 7, "cat_cow": 5, "walk": 3})
    log(program, "bridge", 0)
    log(program, "walk", 0)
    log(program, "cat_cow", 1, done=False)
    result = adherence(world.amy_episode, TODAY, days=28)
    assert len(result.days) == 28
    assert result.days[0].day == TODAY - timedelta(days=27)
    today, yesterday = result.days[-1], result.days[-2]
    # Two near-daily exercises are due; walk (3x a week) counts only on the day it is done.
    assert (today.due, today.done, today.missed) == (3, 2, 1)
    assert (yesterday.due, yesterday.done, yesterday.missed) == (2, 0, 2)
    assert result.pain == {
        "bridge": [(TODAY, 2)],
        "cat_cow": [(TODAY - timedelta(days=1), 2)],
        "walk": [(TODAY, 2)],
    }


def test_it_counts_nothing_due_before_the_first_program(world: World) -> None:
    make_program(world.amy_episode, {"bridge": 7}, published=TODAY - timedelta(days=5))
    result = adherence(world.amy_episode, TODAY)
    assert [d.due for d in result.days[:-6]] == [0] * 22
    assert [d.due for d in result.days[-6:]] == [1] * 6


def test_it_keeps_an_exercise_left_out_of_the_new_version(world: World) -> None:
    first = make_program(world.amy_episode, {"bridge": 7, "cat_cow": 7})
    log(first, "cat_cow", 10, pain=7)
    log(first, "bridge", 10, pain=1)
    second = make_program(
        world.amy_episode, {"bridge": 7}, number=2, published=TODAY - timedelta(days=8)
    )
    log(second, "bridge", 0, pain=2)
    result = adherence(second, TODAY)
    assert [r.exercise_id for r in result.exercises] == ["bridge", "cat_cow"]
    assert [r.in_program for r in result.exercises] == [True, False]
    assert result.pain["bridge"] == [(TODAY - timedelta(days=10), 1), (TODAY, 2)]
    assert not result.exercises[1].skipped


def test_it_sums_the_graded_quota_per_week(world: World) -> None:
    program = make_program(world.amy_episode, {"bridge": 7})
    quota = Quota.objects.create(
        program=program,
        activity="walking",
        unit="minutes",
        baseline=60,
        start=48,
        increment=20,
        goal=150,
        starts_on=TODAY - timedelta(days=15),
    )
    QuotaLog.objects.create(quota=quota, day=TODAY - timedelta(days=15), amount=10)
    QuotaLog.objects.create(quota=quota, day=TODAY - timedelta(days=9), amount=15)
    QuotaLog.objects.create(quota=quota, day=TODAY - timedelta(days=8), amount=20)
    QuotaLog.objects.create(quota=quota, day=TODAY, amount=30)
    weeks = adherence(program, TODAY).quota_weeks
    assert [(w.week, w.target, w.done, w.current) for w in weeks] == [
        (1, 48, 25, False),
        (2, 68, 20, False),
        (3, 88, 30, True),
    ]
    assert weeks[0].starts == TODAY - timedelta(days=15)


# ---- The page ----


def adherence_url(world: World, which: str = "amy_episode") -> str:
    return reverse("program_adherence", kwargs={"episode_id": getattr(world, which).id})


def test_it_shows_both_charts_and_the_signals_to_the_clinician(world: World) -> None:
    world.claire.language = "en"
    world.claire.save(update_fields=["language"])
    today = timezone.localdate()
    program = make_program(world.amy_episode, {"bridge": 7, "cat_cow": 7})
    for days_ago in range(4):
        ExerciseLog.objects.create(
            item=program.items.get(exercise_id="bridge"),
            day=today - timedelta(days=days_ago),
            done=days_ago % 2 == 0,
            pain=6,
        )
    page = world.client_for(world.claire).get(adherence_url(world))
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count("<svg") == 2
    assert body.count('role="img"') == 2
    assert "<polyline" in body
    assert 'class="badge badge--high"' in body
    assert 'class="badge badge--medium"' in body  # cat_cow: not logged while bridge was
    assert "Some exercises hurt or are skipped" in body
    # Each inline chart parses on its own.
    for chunk in body.split("<svg")[1:]:
        ET.fromstring("<svg" + chunk.split("</svg>")[0] + "</svg>")


def test_it_shows_an_empty_page_before_any_program(world: World) -> None:
    world.claire.language = "en"
    world.claire.save(update_fields=["language"])
    page = world.client_for(world.claire).get(adherence_url(world))
    assert page.status_code == 200
    body = page.content.decode()
    assert "No exercises due or done yet." in body
    assert "No pain scores logged yet." in body


@pytest.mark.parametrize(("persona", "status"), [("yara", 404), ("amy", 404), ("xavier", 200)])
def test_it_hides_the_page_from_other_clinics_and_patients(
    world: World, persona: str, status: int
) -> None:
    make_program(world.amy_episode, {"bridge": 7})
    response = world.client_for(getattr(world, persona)).get(adherence_url(world))
    assert response.status_code == status


def test_it_sends_anonymous_users_to_the_login_page(world: World) -> None:
    response = Client().get(adherence_url(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_answers_404_for_another_clinics_episode(world: World) -> None:
    response = world.client_for(world.claire).get(adherence_url(world, "yara_episode"))
    assert response.status_code == 404


def _queries(client: Client, path: str) -> int:
    assert client.get(path).status_code == 200  # warm-up
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_it_answers_in_the_same_number_of_queries_for_5_or_50_logs(world: World) -> None:
    today = timezone.localdate()
    exercises = {f"exercise_{n}": 7 for n in range(5)}
    first = make_program(world.amy_episode, exercises, published=today - timedelta(days=40))
    second = make_program(world.amy_episode, exercises, number=2, published=today)
    Quota.objects.create(
        program=second,
        activity="walking",
        unit="minutes",
        baseline=60,
        start=48,
        increment=20,
        goal=150,
        starts_on=today - timedelta(days=14),
    )
    items = list(first.items.all())

    def add_logs(days: range) -> None:
        ExerciseLog.objects.bulk_create(
            ExerciseLog(
                item=item, day=today - timedelta(days=d), done=d % 3 != 0, pain=(d * 7) % 11
            )
            for d in days
            for item in items
        )

    client = world.client_for(world.claire)
    path = adherence_url(world)
    add_logs(range(1))  # 5 logs
    few = _queries(client, path)
    add_logs(range(1, 10))  # 50 logs
    assert ExerciseLog.objects.count() == 50
    assert _queries(client, path) == few


def test_it_reads_the_selector_in_four_queries(
    world: World, django_assert_num_queries: object
) -> None:
    program = make_program(world.amy_episode, {"bridge": 7, "cat_cow": 3})
    Quota.objects.create(
        program=program,
        activity="walking",
        unit="minutes",
        baseline=60,
        start=48,
        increment=20,
        goal=150,
        starts_on=TODAY - timedelta(days=14),
    )
    for days_ago in range(20):
        log(program, "bridge", days_ago)
        log(program, "cat_cow", days_ago)
    with django_assert_num_queries(4):  # type: ignore[operator]
        adherence(world.amy_episode, TODAY)
