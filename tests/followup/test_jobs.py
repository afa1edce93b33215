"""The alert job at scale: queries per chunk, chunks, reruns, the same counts as the
adherence page, and the index the dashboard's alert list reads."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backpath.care.models import Episode, EpisodeStatus
from backpath.clinical.followup import ADHERENCE_WINDOW_DAYS, flare_alert
from backpath.exercises.library import Dosage
from backpath.followup.jobs import (
    _exercise_counts,
    alert_chunks,
    between_visits_of,
    chunked,
    refresh_alert_chunk,
    refresh_all_alerts,
)
from backpath.followup.models import Alert
from backpath.followup.selectors import between_visits
from backpath.followup.services import raise_alert, raise_alerts
from backpath.programs.models import ExerciseLog, Program, ProgramItem
from backpath.programs.selectors import adherence
from backpath.programs.services import ItemDraft, program_publish
from tests.followup.crowd import crowd
from tests.personas import World

# The episode ids; then per chunk (every chunk more adds its 10): the episodes, their plans,
# measurements, last checks, today's diary entries, programs, program items and exercise
# logs, the alerts' insert (skipping those raised before) and the read-back of which went in.
ALERT_RUN_QUERIES = 11


@pytest.mark.parametrize("patients", [3, 30])
def test_a_run_makes_the_same_queries_for_3_and_for_30_patients(
    world: World, patients: int
) -> None:
    crowd(world, patients, discharged=False)
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as captured:
        raised = refresh_all_alerts(today)
    # Each of the crowd: the week-3 questionnaire overdue, and low adherence.
    assert Counter(a.kind for a in raised) == {"low_adherence": patients, "overdue": patients}
    assert len(captured) == ALERT_RUN_QUERIES, "\n".join(
        query["sql"] for query in captured.captured_queries
    )
    # A rerun inserts nothing, fails nothing and reads the same.
    with CaptureQueriesContext(connection) as captured:
        assert refresh_all_alerts(today) == []
    assert len(captured) == ALERT_RUN_QUERIES
    assert Alert.objects.count() == 2 * patients


def test_it_reads_no_intake_or_assessment(world: World) -> None:
    crowd(world, 3, discharged=False)
    with CaptureQueriesContext(connection) as captured:
        refresh_all_alerts(timezone.localdate())
    read = " ".join(query["sql"] for query in captured.captured_queries)
    assert "care_intake" not in read
    assert "care_assessment" not in read


def test_a_chunk_smaller_than_the_run_still_reaches_every_episode_once(world: World) -> None:
    episodes = crowd(world, 7)  # 2 of them discharged: not in treatment
    chunks = alert_chunks(size=3)
    in_treatment = {e.pk for e in episodes if e.status == EpisodeStatus.TREATMENT} | {
        world.amy_episode.pk,
        world.yara_episode.pk,
    }
    assert [len(chunk) for chunk in chunks] == [3, 3, 1]
    assert {episode_id for chunk in chunks for episode_id in chunk} == in_treatment
    raised = refresh_all_alerts(timezone.localdate(), size=3)
    assert len({(a.episode_id, a.kind, a.key) for a in raised}) == len(raised) == 10
    assert refresh_all_alerts(timezone.localdate(), size=2) == []


def test_a_chunk_passes_over_an_episode_that_left_treatment_since(world: World) -> None:
    (episode,) = crowd(world, 1, discharged=False)
    chunk = [episode.pk]
    Episode.objects.filter(pk=episode.pk).update(
        status=EpisodeStatus.CLOSED, closed_at=timezone.now(), discharge_reason="goals_reached"
    )
    assert refresh_alert_chunk(chunk, timezone.localdate()) == []


def test_chunks_are_whole_and_in_order() -> None:
    assert chunked([1, 2, 3, 4, 5], 2) == [[1, 2], [3, 4], [5]]
    assert chunked([], 2) == []
    with pytest.raises(ValueError, match="at least one"):
        chunked([1], 0)


def test_the_chunk_reads_what_the_pages_read(world: World) -> None:
    """``between_visits_of`` gives each episode the state ``between_visits`` gives it."""
    episodes = crowd(world, 6)
    today = timezone.localdate()
    states = between_visits_of(episodes, today)
    for episode in episodes:
        one = between_visits(episode, today)
        many = states[episode.pk]
        assert [o.key for o in many.due] == [o.key for o in one.due]
        assert many.occasions == one.occasions
        assert many.plan == one.plan
        assert set(many.measured) == set(one.measured)
        assert many.last_check == one.last_check
        assert many.diary_today == one.diary_today
        assert (many.recheck_due, many.recheck_is_due) == (one.recheck_due, one.recheck_is_due)


def test_the_job_counts_exercises_as_the_adherence_page_does(world: World) -> None:
    """Program versions published on different days, near-daily and less frequent
    exercises, an exercise dropped and one added, logs done and skipped, on random days:
    the job's counts per episode equal the adherence page's over the same window."""
    rng = random.Random(16)
    today = timezone.localdate()
    episodes = crowd(world, 4, discharged=False)
    exercises = ["abdominal_bracing", "bird_dog", "band_row"]
    for n, episode in enumerate(episodes):
        program_publish(
            actor=world.claire,
            episode=episode,
            items=[
                ItemDraft(exercise, Dosage(sets=2, reps=8), rng.choice([1, 3, 5, 7]))
                for exercise in exercises[n % 2 : n % 2 + 2]
            ],
            quota=None,
            note="",
            reason="A second version.",
            submission=None,
        )
        first, second = Program.objects.filter(episode=episode).order_by("number")
        Program.objects.filter(pk=second.pk).update(
            published_at=timezone.now() - timedelta(days=rng.randrange(0, 12))
        )
        for item in ProgramItem.objects.filter(program__episode=episode):
            for day in rng.sample(range(ADHERENCE_WINDOW_DAYS + 3), 8):
                ExerciseLog.objects.get_or_create(
                    item=item,
                    day=today - timedelta(days=day),
                    defaults={"done": rng.random() < 0.7},
                )
        assert first.number == 1
    episodes.append(world.amy_episode)  # no program at all
    counts = _exercise_counts([e.pk for e in episodes], today, ADHERENCE_WINDOW_DAYS)
    for episode in episodes:
        page = adherence(episode, today, days=ADHERENCE_WINDOW_DAYS)
        expected = (
            sum(day.done for day in page.days),
            sum(day.due for day in page.days),
        )
        assert counts.get(episode.pk, (0, 0, 0))[:2] == expected


def test_unresolved_alerts_have_an_index_by_clinic_priority_and_age(world: World) -> None:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Alert._meta.db_table)
    index = found["open_alerts_by_rank"]
    assert index["index"]
    assert index["columns"] == ["clinic_id", "priority", "created_at"]


def test_an_alert_raised_before_is_skipped_not_failed(world: World) -> None:
    spec, key = flare_alert(7), str(uuid.uuid4())
    first = raise_alert(world.amy_episode, spec, key=key)
    assert first is not None
    assert first.kind == "flare"
    assert raise_alert(world.amy_episode, spec, key=key) is None
    both = raise_alerts([(world.amy_episode, spec, key), (world.yara_episode, spec, key)])
    assert both == [Alert.objects.get(episode=world.yara_episode, key=key)]
    assert raise_alerts([]) == []
