"""The reminder job at scale: queries per chunk, chunks, the window a run looks at, and
workers on overlapping chunks at the same moment (on PostgreSQL)."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backpath.care.models import Episode, EpisodeStatus
from backpath.reminders import services
from backpath.reminders.models import ReminderRun, ReminderSent, ReminderSettings
from backpath.reminders.services import (
    RunResult,
    dispatch_reminders,
    send_reminder_chunk,
    send_reminders,
)
from backpath.reminders.timing import Preferences, window
from tests.care.test_races import on_postgresql
from tests.followup.crowd import crowd
from tests.personas import World
from tests.reminders.test_sending import choose, publish

AMS = ZoneInfo("Europe/Amsterdam")

# A run that looks at everyone: the mark of the last run read, the episode ids; then per
# chunk: the episodes with their patients' accounts and choices, the plans, measurements,
# last checks and today's diary entries, the current programs, their items, this week's
# exercise logs, the day's claims, the claiming insert (in a savepoint here: the test runs in
# a transaction), the read-back of our claims, marking them sent; then the mark written
# (a read and an insert, in savepoints). Every chunk more adds its 14.
REMINDER_RUN_QUERIES = 22


def at(hour: int, minute: int = 0, days: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=AMS)


def looked_at(now: datetime) -> list[uuid.UUID]:
    """The episodes the run at ``now`` would hand out (the run is noted, as a real one)."""
    found: list[uuid.UUID] = []
    dispatch_reminders(now, found.extend)
    return found


@pytest.mark.parametrize("patients", [3, 30])
def test_a_run_makes_the_same_queries_for_3_and_for_30_patients(
    world: World, patients: int
) -> None:
    crowd(world, patients)
    with CaptureQueriesContext(connection) as captured:
        result = send_reminders(at(10))
    assert result.patients == patients + 1  # and Amy
    assert result.mails == patients + 1
    assert len(captured) == REMINDER_RUN_QUERIES, "\n".join(
        query["sql"] for query in captured.captured_queries
    )


def test_it_reads_no_intake_or_assessment(world: World) -> None:
    crowd(world, 3)
    with CaptureQueriesContext(connection) as captured:
        send_reminders(at(10))
    read = " ".join(query["sql"] for query in captured.captured_queries)
    assert "care_intake" not in read
    assert "care_assessment" not in read


def test_a_chunk_smaller_than_the_run_still_reaches_everyone_once(world: World) -> None:
    crowd(world, 7)
    chunks: list[list[uuid.UUID]] = []
    result = RunResult()

    def send(chunk: list[uuid.UUID]) -> None:
        chunks.append(chunk)
        result.add(send_reminder_chunk(at(10), chunk))

    dispatch_reminders(at(10), send, size=3)
    assert [len(chunk) for chunk in chunks] == [3, 3, 2]
    assert len({episode_id for chunk in chunks for episode_id in chunk}) == 8
    assert (result.patients, result.mails) == (8, 8)
    assert sorted(Counter(message.to[0] for message in mail.outbox).values()) == [1] * 8
    assert send_reminders(at(10, 15), size=3).mails == 0


def test_the_command_path_takes_the_chunks_one_after_another(world: World) -> None:
    crowd(world, 5)
    result = send_reminders(at(10), size=2)
    assert (result.patients, result.mails, result.already_claimed) == (6, 6, 0)
    assert ReminderSent.objects.filter(sent_at__isnull=True).count() == 0


def test_a_run_on_time_looks_only_at_the_patients_with_a_moment_in_its_quarter_hour(
    world: World,
) -> None:
    episodes = crowd(world, 6, discharged=False)
    own = {e.pk for n, e in enumerate(episodes) if n % 3 == 0}  # exercises at 09:30
    everyone = {e.pk for e in episodes} | {world.amy_episode.pk}
    assert set(looked_at(at(9))) == everyone  # the day's first run looks back to midnight
    assert looked_at(at(9, 15)) == []
    assert set(looked_at(at(9, 30))) == own
    assert looked_at(at(9, 45)) == []
    assert set(looked_at(at(10))) == everyone  # the morning reminders: everyone's moment
    assert looked_at(at(10, 15)) == []
    assert set(looked_at(at(19))) == everyone  # the diary: everyone's moment


def test_a_run_after_runs_that_did_not_happen_catches_up(world: World) -> None:
    crowd(world, 3, discharged=False)
    ReminderRun.objects.create(looked_until=at(9))
    # The runs of 09:15 and 09:30 did not happen: the 09:45 run looks at their moments too.
    result = send_reminders(at(9, 45))
    assert (result.patients, result.mails) == (1, 1)
    (message,) = mail.outbox
    assert message.to == ["crowd0@patient.example"]  # exercises at 09:30
    assert "/me/today/" in message.body


def test_the_end_of_the_quiet_hours_is_a_moment_of_its_own(world: World) -> None:
    """Exercises at 11:55, quiet from 12:00 to 14:00: the 12:00 run is quiet and the runs
    until 13:45 have none of her moments, the 14:00 run (the quiet hours' end) sends it."""
    ReminderSettings.objects.create(
        user=world.amy,
        exercise_time=time(11, 55),
        quiet_start=time(12, 0),
        quiet_end=time(14, 0),
        recheck=False,
        diary=False,
    )
    publish(world)
    looked = {}
    for quarter in range(11 * 4 + 3, 14 * 4 + 1):  # 11:45 to 14:00
        moment = at(quarter // 4, 15 * (quarter % 4))
        result = send_reminders(moment)
        looked[moment.time()] = (result.patients, result.mails)
    assert looked[time(11, 45)] == (1, 0)  # the day's first run: looks, nothing due yet
    assert looked[time(12, 0)] == (1, 0)  # 11:55 is in its window, but 12:00 is quiet
    assert all(looked[time(h, m)] == (0, 0) for h, m in [(12, 15), (13, 0), (13, 45)])
    assert looked[time(14, 0)] == (1, 1)
    assert len(mail.outbox) == 1


def test_what_becomes_due_after_its_moment_waits_for_the_next_day(world: World) -> None:
    """REM-WINDOW: a program published at 09:05 for a 09:00 exercise time is reminded the
    next morning, not at 09:15 (the runs look only at the moments in their quarter-hour)."""
    choose(world, recheck=False, diary=False)
    assert send_reminders(at(9)).mails == 0
    publish(world)
    assert send_reminders(at(9, 15)).patients == 0
    assert send_reminders(at(9, days=1)).mails == 1


def test_a_patient_who_never_chose_has_the_settings_defaults() -> None:
    """The job takes ``Preferences()`` for a patient without a settings row."""
    assert ReminderSettings().preferences() == Preferences()


def test_an_opted_out_patient_is_not_even_looked_at(world: World) -> None:
    ReminderSettings.objects.create(user=world.amy, email=False)
    assert looked_at(at(10)) == []


def test_the_database_looks_at_whom_the_rule_looks_at(world: World) -> None:
    """The run's query (``_with_a_moment_in``) against ``Window.looks_at`` for patients with
    their own times and quiet hours, for every quarter-hour window of a day."""
    choices: list[dict[str, Any]] = [
        {"exercise_time": time(6, 30)},  # in the quiet hours: goes out at 08:00
        {"exercise_time": time(12, 5), "quiet_start": time(12, 0), "quiet_end": time(13, 0)},
        {"exercise_time": time(21, 0), "exercises": False},
        {"exercise_time": time(23, 30), "quiet_start": time(23, 0), "quiet_end": time(6, 15)},
        {"exercise_time": time(9, 0, 30)},  # seconds, as an import might store them
    ]
    episodes = crowd(world, len(choices), discharged=False)
    prefs: dict[uuid.UUID, Preferences] = {world.amy_episode.pk: Preferences()}
    for episode, chosen in zip(episodes, choices, strict=True):
        assert episode.patient.user is not None
        ReminderSettings.objects.update_or_create(user=episode.patient.user, defaults=chosen)
        prefs[episode.pk] = ReminderSettings.objects.get(user=episode.patient.user).preferences()
    ReminderRun.objects.all().delete()
    before: datetime | None = None
    for quarter in range(1, 24 * 4):
        now = at(quarter // 4, 15 * (quarter % 4))
        frame = window(now, before)
        expected = {pk for pk, chosen in prefs.items() if frame.looks_at(chosen)}
        assert set(looked_at(now)) == expected, frame
        before = now


def test_it_looks_at_a_patient_s_latest_episode_only(world: World) -> None:
    closed = timezone.now() - timedelta(days=30)
    Episode.objects.filter(pk=world.amy_episode.pk).update(
        status=EpisodeStatus.CLOSED, closed_at=closed, discharge_reason="goals_reached"
    )
    assert looked_at(at(10)) == [world.amy_episode.pk]
    again = Episode.objects.create(clinic=world.clinic_x, patient=world.amy_patient)
    assert again.status == EpisodeStatus.INTAKE
    assert looked_at(at(10, days=1)) == []  # the new episode is in intake: no reminders
    Episode.objects.filter(pk=again.pk).update(opened_at=world.amy_episode.opened_at)
    ReminderRun.objects.all().delete()
    # Opened at the same moment: one of the two is the latest, never both.
    assert len(looked_at(at(10, days=1))) <= 1


def test_a_claim_read_back_belongs_to_the_run_that_made_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two runs claim at once: the insert skips the keys the other claimed, and each run
    reads back only the rows it made, so each reminder is sent by one of them."""
    publish(world)
    real_claim = services._claim
    other = uuid.uuid4()

    def with_another_run(wanted: Any, today: date, run: uuid.UUID) -> Any:
        (user, reminders), *_ = wanted.items()
        ReminderSent.objects.create(
            user=user, kind=reminders[0].kind.value, key=reminders[0].key, day=today, run=other
        )
        return real_claim(wanted, today, run)

    monkeypatch.setattr(services, "_claim", with_another_run)
    result = send_reminders(at(10))
    assert (result.reminders, result.already_claimed) == (1, 1)
    assert ReminderSent.objects.filter(run=other).count() == 1


# Workers on overlapping chunks at the same moment: only PostgreSQL has concurrent writers.


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_workers_on_overlapping_chunks_send_every_reminder_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    episodes = crowd(world, 12, discharged=False)
    ids = [*sorted(e.pk for e in episodes), world.amy_episode.pk]
    chunks = [ids, ids, ids[:8], ids[4:]]  # every episode in two to four chunks
    # Every worker has read the day's claims (none yet) before any claims: they all try to
    # claim the same reminders at once, and the database decides.
    ready = threading.Barrier(len(chunks))
    real_claim = services._claim

    def claim_together(wanted: Any, today: date, run: uuid.UUID) -> Any:
        ready.wait(timeout=60)
        return real_claim(wanted, today, run)

    monkeypatch.setattr(services, "_claim", claim_together)
    results: list[RunResult | BaseException] = [RunResult()] * len(chunks)

    def work(index: int, chunk: list[uuid.UUID]) -> None:
        try:
            results[index] = send_reminder_chunk(at(10), chunk)
        except BaseException as error:  # shown by the assertion below
            results[index] = error
            ready.abort()
        finally:
            connections.close_all()  # this thread's connections only

    threads = [threading.Thread(target=work, args=pair) for pair in enumerate(chunks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    done = [result for result in results if isinstance(result, RunResult)]
    assert len(done) == len(chunks), results
    # None twice: one mail per patient, each claim made once and sent.
    mails = Counter(message.to[0] for message in mail.outbox)
    assert sorted(mails.values()) == [1] * len(ids)
    claims = ReminderSent.objects.all()
    assert len({(c.user_id, c.kind, c.key) for c in claims}) == len(claims)
    assert all(claim.sent_at is not None for claim in claims)
    assert sum(result.reminders for result in done) == len(claims)
    # None lost: every patient was mailed, and every worker either sent or found claimed
    # each reminder due for the patients of its chunk.
    patients = {e.patient.user.email for e in episodes if e.patient.user} | {world.amy.email}
    assert set(mails) == patients
    in_chunks = Counter(episode_id for chunk in chunks for episode_id in chunk)
    user_of = {e.patient.user_id: e.pk for e in [*episodes, world.amy_episode]}
    expected = sum(in_chunks[user_of[claim.user_id]] for claim in claims)
    assert sum(result.reminders + result.already_claimed for result in done) == expected
