"""Publishing a program twice at the same moment publishes one version; the patient's logs
of one day stay one row, and an entry sent again (the same submission id) counts once.
See ``tests/care/test_races.py`` for how the races are played."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from backpath.exercises.library import library
from backpath.exercises.programs import GradedQuota
from backpath.programs import services
from backpath.programs.models import ExerciseLog, Program, Quota, QuotaEntry, QuotaLog
from tests.care.test_races import (
    THREADS,
    at_once,
    audited,
    late_lookup,
    logged_in,
    on_postgresql,
)
from tests.personas import World

__all__ = ["late_lookup"]  # the fixture, shared with the care tests


def edit_url(world: World) -> str:
    return reverse("program_edit", kwargs={"episode_id": world.amy_episode.id})


def bridge() -> list[services.ItemDraft]:
    return [services.ItemDraft("bridge", library()["bridge"].dosage, 3)]


def publish(world: World, submission: uuid.UUID, reason: str = "") -> Program:
    return services.program_publish(
        actor=world.claire,
        episode=world.amy_episode,
        items=bridge(),
        quota=None,
        note="Every morning.",
        reason=reason,
        submission=submission,
    )


def test_a_program_published_twice_at_once_is_one_version(
    world: World, late_lookup: Callable[[str], None]
) -> None:
    """Behind the first one's lock the second would be version 2 without a reason; it
    answers with the stored version 1 instead of refusing."""
    submission = uuid.uuid4()
    first = publish(world, submission)
    late_lookup("backpath.programs.services")
    assert publish(world, submission) == first
    assert list(Program.objects.values_list("number", flat=True)) == [1]
    assert audited("program.publish") == 1


def test_two_different_programs_at_once_are_two_versions_or_a_refusal(world: World) -> None:
    first = publish(world, uuid.uuid4())
    with pytest.raises(services.ProgramRefused):  # the later one came without a reason
        publish(world, uuid.uuid4())
    second = publish(world, uuid.uuid4(), reason="Harder now.")
    assert (first.number, second.number) == (1, 2)


def form(submission: str) -> dict[str, str]:
    return {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-exercise_id": "bridge",
        "form-0-sets": "2",
        "form-0-reps": "10",
        "form-0-per_week": "3",
        "form-0-ORDER": "1",
        "submission": submission,
        "publish": "1",
    }


def test_the_first_programs_form_sent_again_answers_with_the_program(world: World) -> None:
    claire = world.client_for(world.claire)
    data = form(str(uuid.uuid4()))
    assert claire.post(edit_url(world), data).status_code == 302
    assert claire.post(edit_url(world), data).status_code == 302
    assert Program.objects.count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_program_posted_eight_times_at_once_is_published_once(world: World) -> None:
    data = form(str(uuid.uuid4()))
    answers = at_once(logged_in(world.claire, THREADS), edit_url(world), data)
    program = Program.objects.get()
    # Never a 500. A tap the view sees after the first one committed is answered with the
    # stored program (services.already_published); one that reaches the service meanwhile
    # gets it from once(); a tap between the two may still be refused by the form for want
    # of a reason (400).
    assert {status for status, _to in answers} <= {302, 400}, answers
    assert (302, reverse("program_detail", args=[world.amy_episode.id])) in answers
    assert (program.number, str(program.submission)) == (1, data["submission"])
    assert [i.exercise_id for i in program.items.all()] == ["bridge"]
    assert audited("program.publish") == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_exercise_logged_eight_times_at_once_is_one_log(world: World) -> None:
    program = publish(world, uuid.uuid4())
    item = program.items.get()
    data = {"item": str(item.id), "done": "yes", "pain": "3"}
    answers = at_once(logged_in(world.amy, THREADS), reverse("log_exercise"), data)
    assert {status for status, _to in answers} == {302}
    assert ExerciseLog.objects.get(item=item).pain == 3


# An entry the phone sends again (its answer was lost, or it waited offline) carries the
# submission id it was saved under: it counts once. Two entries are two ids.


def quota_of(world: World) -> Quota:
    program = services.program_publish(
        actor=world.claire,
        episode=world.amy_episode,
        items=bridge(),
        quota=GradedQuota.from_baseline("walking", "minutes", 60, 150, 6),
        note="",
        reason="",
        submission=uuid.uuid4(),
    )
    return Quota.objects.get(program=program)


def test_an_activity_entry_sent_again_counts_once(world: World) -> None:
    quota_of(world)
    amy = world.client_for(world.amy)
    entry = {"amount": "30", "submission": str(uuid.uuid4())}
    second = {"amount": "30", "submission": str(uuid.uuid4())}

    for data in (entry, entry, second, entry):
        assert amy.post(reverse("log_quota"), data).status_code == 302

    log = QuotaLog.objects.get()
    assert log.amount == 60
    assert sorted(e.amount for e in log.entries.all()) == [30, 30]
    assert audited("quota.log") == 2


def test_an_activity_entry_sent_twice_at_once_counts_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    quota = quota_of(world)
    submission = uuid.uuid4()
    today = timezone.localdate()

    def add() -> QuotaLog:
        return services.quota_log(
            actor=world.amy,
            episode=world.amy_episode,
            quota=quota,
            day=today,
            amount=20,
            submission=submission,
        )

    first = add()
    # The other request's entry is not committed yet when this one looks: its insert meets
    # the unique id, and it answers with the day the first one stored.
    real = services.quota_entry_stored
    missed: list[bool] = []

    def late(*args: Any) -> QuotaLog | None:
        if not missed:
            missed.append(True)
            return None
        return real(*args)

    monkeypatch.setattr(services, "quota_entry_stored", late)
    assert add() == first
    assert QuotaLog.objects.get().amount == 20
    assert QuotaEntry.objects.count() == 1


def test_a_submission_id_of_another_patients_activity_is_refused(world: World) -> None:
    quota_of(world)
    submission = uuid.uuid4()
    world.client_for(world.amy).post(
        reverse("log_quota"), {"amount": "30", "submission": str(submission)}
    )
    other = services.program_publish(
        actor=world.claire,
        episode=world.ben_episode,
        items=bridge(),
        quota=GradedQuota.from_baseline("walking", "minutes", 60, 150, 6),
        note="",
        reason="",
        submission=uuid.uuid4(),
    )

    answer = world.client_for(world.ben).post(
        reverse("log_quota"), {"amount": "30", "submission": str(submission)}
    )

    assert answer.status_code == 400
    assert not QuotaLog.objects.filter(quota__program=other).exists()


def test_an_exercise_entry_sent_again_after_a_newer_one_changes_nothing(world: World) -> None:
    program = publish(world, uuid.uuid4())
    item = program.items.get()
    amy = world.client_for(world.amy)
    done = {"item": str(item.id), "done": "yes", "pain": "3", "submission": str(uuid.uuid4())}
    skipped = {"item": str(item.id), "done": "no", "pain": "", "submission": str(uuid.uuid4())}

    for data in (done, skipped, skipped):
        assert amy.post(reverse("log_exercise"), data).status_code == 302

    log = ExerciseLog.objects.get(item=item)
    assert (log.done, log.pain) == (False, None)
    assert audited("exercise.log") == 2


def test_an_exercise_entry_sent_twice_at_once_is_one_log(
    world: World, late_lookup: Callable[[str], None]
) -> None:
    item = publish(world, uuid.uuid4()).items.get()
    submission = uuid.uuid4()

    def log() -> ExerciseLog:
        return services.exercise_log(
            actor=world.amy,
            episode=world.amy_episode,
            item=item,
            day=timezone.localdate(),
            done=True,
            pain=2,
            difficulty=None,
            submission=submission,
        )

    first = log()
    late_lookup("backpath.programs.services")
    assert log() == first
    assert ExerciseLog.objects.get().submission == submission


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_activity_entry_posted_eight_times_at_once_counts_once(world: World) -> None:
    quota_of(world)
    data = {"amount": "25", "submission": str(uuid.uuid4())}
    answers = at_once(logged_in(world.amy, THREADS), reverse("log_quota"), data)
    assert {status for status, _to in answers} == {302}
    assert QuotaLog.objects.get().amount == 25
    assert QuotaEntry.objects.count() == 1
