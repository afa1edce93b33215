"""Two identical submissions at the same moment store one record, and both get the page.

The rule: a race between two identical submissions returns the stored row, never a 500.
A form's one-time ``submission`` id is stored unique on the record; the request that loses
the race (its insert refused, or its write no longer allowed behind the winner's lock) answers
with the record the winner stored, and writes no access-log entry of its own.

On PostgreSQL the race is real: threads with their own connections post the same form at
once through the views. SQLite serialises writers, so there the race is played step by step:
the lookup before the write is made to miss once, as it does when the other request has not
committed yet, and the write then meets the stored row.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from backpath.accounts.models import User
from backpath.auditlog.models import AccessEntry
from backpath.care import services
from backpath.care.models import Assessment, Episode, Patient, PlanVersion, SessionNote
from backpath.care.session_checks import SessionDraft
from backpath.care.submissions import once, record_for_submission
from tests.care.form_data import plan_change, review_post, session_post
from tests.care.test_red_flag_safety import _held, gp_post
from tests.pages import url
from tests.personas import CLINICIAN_FLAGS, World, low_risk_answers, submit_intake

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a real race needs PostgreSQL's concurrent writers"
)

# Helpers shared with the other apps' race tests.


def at_once(clients: list[Client], path: str, data: dict[str, Any]) -> list[tuple[int, str]]:
    """Post ``data`` to ``path`` from every client at the same moment, one thread each (each
    thread has its own database connection); each answer's status and redirect target."""
    barrier = threading.Barrier(len(clients))
    answers: list[tuple[int, str]] = [(0, "")] * len(clients)

    def post(index: int, client: Client) -> None:
        try:
            barrier.wait(timeout=30)
            response = client.post(path, data)
            answers[index] = (response.status_code, response.get("Location", ""))
        finally:
            connections.close_all()  # this thread's connections only

    threads = [
        threading.Thread(target=post, args=(index, client)) for index, client in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return answers


def redirected(answers: list[tuple[int, str]]) -> str:
    """The one page every answer redirected to (all of them the same)."""
    assert {status for status, _to in answers} == {302}, answers
    targets = {to for _status, to in answers}
    assert len(targets) == 1, targets
    return targets.pop()


def logged_in(user: User, count: int) -> list[Client]:
    """``count`` browsers of ``user``; a failing request answers with its status, as a
    browser would see it, instead of raising in the thread."""
    clients = []
    for _index in range(count):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    return clients


@pytest.fixture
def late_lookup(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Make the lookup before a write miss once, as when the other submit is uncommitted.

    ``late_lookup("backpath.care.services")`` patches that module's ``record_for_submission``;
    every later lookup is the real one.
    """

    def patch(module: str) -> None:
        missed: list[bool] = []

        def lookup(*args: Any, **scope: Any) -> Any:
            if not missed:
                missed.append(True)
                return None
            return record_for_submission(*args, **scope)

        monkeypatch.setattr(f"{module}.record_for_submission", lookup)

    return patch


def audited(action: str) -> int:
    return AccessEntry.objects.filter(detail=action).count()


# The helper itself.


def test_once_returns_the_stored_record_without_writing() -> None:
    def write() -> str:
        raise AssertionError("not written twice")

    assert once(lambda: "stored", write) == "stored"


def test_once_answers_a_failed_write_with_what_the_other_submit_stored() -> None:
    looks = iter([None, "stored"])

    def write() -> str:
        raise ValueError("refused behind the other submit")

    assert once(lambda: next(looks), write) == "stored"


def test_once_raises_a_failure_when_nothing_was_stored() -> None:
    def write() -> str:
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        once(lambda: None, write)
    assert once(lambda: None, lambda: "written") == "written"


# Each service, the race played step by step.


def test_a_patient_added_twice_at_once_is_one_patient(
    world: World, late_lookup: Callable[[str], None]
) -> None:
    submission = uuid.uuid4()

    def add() -> Patient:
        return services.patient_create(
            actor=world.claire,
            submission=submission,
            first_name="Dana",
            last_name="Race",
            date_of_birth=date(1975, 1, 2),
        )

    first = add()
    late_lookup("backpath.care.services")
    assert add() == first
    assert Patient.objects.filter(last_name="Race").count() == 1
    assert audited("patient.create") == 4  # the personas' three and this one


def test_an_episode_opened_twice_at_once_is_one_episode(
    world: World, late_lookup: Callable[[str], None]
) -> None:
    submission = uuid.uuid4()

    def open_it() -> Episode:
        return services.episode_open(
            actor=world.claire,
            patient=world.ben_patient,
            extra_instruments=(),
            submission=submission,
        )

    first = open_it()
    late_lookup("backpath.care.services")
    assert open_it() == first
    assert Episode.objects.filter(patient=world.ben_patient).count() == 2  # the persona's too
    assert Episode.objects.filter(submission=submission).count() == 1


def test_a_review_sent_twice_at_once_is_one_assessment_and_one_plan(
    world: World, late_lookup: Callable[[str], None]
) -> None:
    episode = world.ben_episode
    submit_intake(world.claire, episode, low_risk_answers())
    submission = uuid.uuid4()

    def review() -> Assessment:
        return services.review_record(
            actor=world.claire,
            episode=episode,
            findings={},
            clinician_flags=dict.fromkeys(CLINICIAN_FLAGS, False),
            prognostic_factors=(),
            profile_override=None,
            submission=submission,
        )

    first = review()
    reviews = audited("assessment.review")
    late_lookup("backpath.care.services")
    assert review() == first
    assert episode.plans.count() == 1
    assert audited("assessment.review") == reviews


def adjust(world: World, submission: uuid.UUID, max_sessions: int = 5) -> PlanVersion:
    return services.plan_adjust(
        actor=world.claire,
        episode=world.amy_episode,
        max_sessions=max_sessions,
        omitted=(),
        note="",
        reason="Slow progress.",
        submission=submission,
    )


def test_a_plan_change_sent_twice_at_once_is_one_version(
    world: World, late_lookup: Callable[[str], None]
) -> None:
    submission = uuid.uuid4()
    first = adjust(world, submission)
    late_lookup("backpath.care.services")
    assert adjust(world, submission) == first
    assert [p.number for p in world.amy_episode.plans.order_by("number")] == [1, 2]
    assert audited("plan.adjust") == 1


def test_two_different_plan_changes_get_the_next_numbers(world: World) -> None:
    first = adjust(world, uuid.uuid4())
    second = adjust(world, uuid.uuid4(), max_sessions=6)
    assert (first.number, second.number) == (2, 3)


def test_a_gp_answer_sent_twice_at_once_releases_the_hold_once(
    world: World, late_lookup: Callable[[str], None]
) -> None:
    """Behind the first one's lock the hold is gone: the second answers with the version the
    first one stored, not with "the plan does not wait for a GP's answer"."""
    episode = _held(world)
    submission = uuid.uuid4()

    def answer() -> PlanVersion:
        return services.gp_answer_record(
            actor=world.claire,
            episode=episode,
            answered_on=date.today(),
            note="Physio may go on.",
            submission=submission,
        )

    first = answer()
    late_lookup("backpath.care.services")
    assert answer() == first
    assert [p.number for p in episode.plans.order_by("number")] == [1, 2]
    assert audited("plan.gp_answer") == 1
    with pytest.raises(services.NotOnHold):  # another answer, once released, is refused
        services.gp_answer_record(
            actor=world.claire,
            episode=episode,
            answered_on=date.today(),
            note="Again.",
            submission=uuid.uuid4(),
        )


def draft() -> SessionDraft:
    return SessionDraft(
        held_on=date.today(),
        subjective="Better.",
        objective="",
        analysis="",
        plan="",
        pain_now=3,
        interventions=("exercise_therapy",),
        deviation_reason="",
        over_budget_reason="",
    )


def test_a_session_note_saved_twice_at_once_is_one_note(
    world: World, late_lookup: Callable[[str], None]
) -> None:
    submission = uuid.uuid4()

    def save() -> SessionNote:
        return services.session_record(
            actor=world.claire, episode=world.amy_episode, draft=draft(), submission=submission
        )

    first = save()
    late_lookup("backpath.care.services")
    assert save() == first
    assert list(world.amy_episode.sessions.values_list("number", flat=True)) == [1]
    assert audited("session.record") == 1


def test_a_session_refused_behind_its_own_twin_answers_with_the_twin(
    world: World, late_lookup: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Behind the winner's lock the plan may no longer allow the note (its budget is used
    up by the very note); the loser answers with the stored note, not the refusal."""
    submission = uuid.uuid4()
    first = services.session_record(
        actor=world.claire, episode=world.amy_episode, draft=draft(), submission=submission
    )
    late_lookup("backpath.care.services")
    monkeypatch.setattr(
        "backpath.care.services.session_problems", lambda check, draft: [(None, "over budget")]
    )
    again = services.session_record(
        actor=world.claire, episode=world.amy_episode, draft=draft(), submission=submission
    )
    assert again == first
    with pytest.raises(services.SessionRefused):  # a note of its own is still refused
        services.session_record(
            actor=world.claire, episode=world.amy_episode, draft=draft(), submission=uuid.uuid4()
        )


# Real races on PostgreSQL: the same form posted by eight browsers at the same moment.

THREADS = 8


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_plan_change_posted_eight_times_at_once_adds_one_version(world: World) -> None:
    episode = world.amy_episode
    data = plan_change()
    answers = at_once(logged_in(world.claire, THREADS), url("plan_adjust", episode), data)
    assert all(status < 500 for status, _to in answers), answers
    assert redirected(answers) == url("plan_detail", episode)
    assert PlanVersion.objects.filter(episode=episode).count() == 2
    assert PlanVersion.objects.get(submission=data["submission"]).number == 2
    assert audited("plan.adjust") == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_different_plan_changes_at_once_each_get_the_next_number(world: World) -> None:
    episode = world.amy_episode
    barrier = threading.Barrier(THREADS)
    statuses: list[int] = []

    def post(client: Client) -> None:
        try:
            barrier.wait(timeout=30)
            statuses.append(client.post(url("plan_adjust", episode), plan_change()).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(c,)) for c in logged_in(world.claire, THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == [302] * THREADS
    numbers = PlanVersion.objects.filter(episode=episode).values_list("number", flat=True)
    assert sorted(numbers) == list(range(1, THREADS + 2))


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_review_posted_eight_times_at_once_is_one_assessment(world: World) -> None:
    episode = world.ben_episode
    submit_intake(world.claire, episode, low_risk_answers())
    data = review_post("low")
    answers = at_once(logged_in(world.claire, THREADS), url("review", episode), data)
    assert redirected(answers) == url("plan_detail", episode)
    assert Assessment.objects.filter(submission=data["submission"]).count() == 1
    assert episode.plans.count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_gp_answer_posted_eight_times_at_once_releases_the_hold_once(world: World) -> None:
    episode = _held(world)
    data = gp_post()
    answers = at_once(logged_in(world.claire, THREADS), url("gp_answer", episode), data)
    assert redirected(answers) == url("plan_detail", episode)  # "recorded", every time
    assert episode.plans.count() == 2
    assert PlanVersion.objects.get(submission=data["submission"]).number == 2


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_session_note_posted_eight_times_at_once_is_one_note(world: World) -> None:
    episode = world.amy_episode
    answers = at_once(logged_in(world.claire, THREADS), url("session_new", episode), session_post())
    assert redirected(answers) == url("episode_detail", episode)
    assert list(episode.sessions.values_list("number", flat=True)) == [1]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_patient_posted_eight_times_at_once_is_one_patient(world: World) -> None:
    data = {
        "submission": str(uuid.uuid4()),
        "first_name": "Dana",
        "last_name": "Race",
        "date_of_birth": "1975-01-02",
        "sex": "female",
    }
    answers = at_once(logged_in(world.claire, THREADS), reverse("patient_new"), data)
    patient = Patient.objects.get(last_name="Race")
    assert redirected(answers) == reverse("patient_detail", args=[patient.id])


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_episode_opened_eight_times_at_once_is_one_episode(world: World) -> None:
    data = {"submission": str(uuid.uuid4())}
    path = reverse("episode_open", args=[world.ben_patient.id])
    answers = at_once(logged_in(world.claire, THREADS), path, data)
    episode = Episode.objects.get(submission=data["submission"])
    assert redirected(answers) == reverse("episode_detail", args=[episode.id])


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_invitation_sent_eight_times_at_once_makes_one_account(world: World) -> None:
    patient = world.yara_patient
    path = reverse("patient_invite", args=[patient.id])
    answers = at_once(logged_in(world.yara, THREADS), path, {"email": "yves@patient.example"})
    assert redirected(answers) == reverse("patient_detail", args=[patient.id])
    account = User.objects.get(email="yves@patient.example")
    patient.refresh_from_db()
    assert patient.user == account
