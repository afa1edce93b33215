"""Home exercise programs over HTTP: the clinician builds and publishes, the patient logs."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.urls import reverse

from backpath.auditlog.models import AccessEntry, Action
from backpath.care import selectors
from backpath.care.models import Episode
from backpath.exercises.library import Category, Caution, library
from backpath.exercises.programs import excluded_by
from backpath.programs.models import ExerciseLog, Program, Quota
from backpath.programs.views import _builder_patient
from tests.personas import World, low_risk_answers, review, submit_intake


def edit_url(world: World) -> str:
    return reverse("program_edit", kwargs={"episode_id": world.amy_episode.id})


def row(index: int, exercise_id: str, **dosage: Any) -> dict[str, str]:
    values = {"per_week": "3", "ORDER": str(index + 1), **dosage}
    data = {f"form-{index}-exercise_id": exercise_id}
    data.update({f"form-{index}-{key}": str(value) for key, value in values.items()})
    return data


def publish(rows: list[dict[str, str]], **extra: str) -> dict[str, str]:
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": "0",
        "submission": str(uuid.uuid4()),
        "publish": "1",
    }
    for part in rows:
        data.update(part)
    data.update(extra)
    return data


def test_it_suggests_a_program_from_the_care_plan(world: World) -> None:
    page = world.client_for(world.claire).get(edit_url(world))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="form-TOTAL_FORMS"' in body
    # Amy is low risk; every suggested row is an exercise of the library.
    suggested = list(page.context["items"].initial)
    assert suggested
    assert all(item["exercise_id"] in library() for item in suggested)


def test_it_publishes_a_program_the_patient_sees_and_logs(world: World) -> None:
    claire = world.client_for(world.claire)
    response = claire.post(
        edit_url(world),
        publish(
            [row(0, "bridge", sets=2, reps=10)],
            note="Elke ochtend.",
            quota_activity="wandelen",
            quota_unit="minutes",
            quota_baseline="60",
            quota_goal="150",
            quota_weeks="6",
        ),
    )
    assert response.status_code == 302
    program = Program.objects.get(episode=world.amy_episode)
    assert program.number == 1
    assert [i.exercise_id for i in program.items.all()] == ["bridge"]
    quota = Quota.objects.get(program=program)
    assert (quota.start, quota.goal) == (48, 150)

    amy = world.client_for(world.amy)
    today = amy.get(reverse("today"))
    assert today.status_code == 200
    assert "Elke ochtend." in today.content.decode()
    item = program.items.get()
    logged = amy.post(reverse("log_exercise"), {"item": str(item.id), "done": "yes", "pain": "3"})
    assert logged.status_code == 302
    log = ExerciseLog.objects.get(item=item)
    assert (log.done, log.pain) == (True, 3)
    assert amy.post(reverse("log_quota"), {"amount": "20"}).status_code == 302
    assert quota.logs.get().amount == 20
    # Every write is in the access log: who logged what, for which patient.
    audited = AccessEntry.objects.filter(actor=world.amy, action=Action.CREATE).values_list(
        "detail", "object_id", "patient_id"
    )
    patient = program.episode.patient_id
    assert set(audited) == {
        ("exercise.log", str(log.id), patient),
        ("quota.log", str(program.id), patient),
    }


def test_it_refuses_an_empty_program_and_an_impossible_dosage(world: World) -> None:
    world.claire.language = "en"
    world.claire.save(update_fields=["language"])
    claire = world.client_for(world.claire)
    empty = claire.post(edit_url(world), publish([]))
    assert empty.status_code == 400
    assert "at least one exercise" in empty.content.decode()
    bad = claire.post(edit_url(world), publish([row(0, "bridge", sets=2)]))  # sets, no reps
    assert bad.status_code == 400
    assert not Program.objects.exists()


def test_it_asks_a_reason_for_a_new_version(world: World) -> None:
    claire = world.client_for(world.claire)
    assert (
        claire.post(edit_url(world), publish([row(0, "bridge", sets=2, reps=10)])).status_code
        == 302
    )
    again = claire.post(edit_url(world), publish([row(0, "bridge", sets=3, reps=10)]))
    assert again.status_code == 400
    assert Program.objects.count() == 1
    done = claire.post(
        edit_url(world), publish([row(0, "bridge", sets=3, reps=10)], reason="Goed gegaan.")
    )
    assert done.status_code == 302
    assert list(Program.objects.values_list("number", flat=True)) == [1, 2]


def test_it_adds_an_exercise_from_the_library_without_publishing(world: World) -> None:
    data = publish([])
    data.pop("publish")
    data["add"] = "bridge"
    page = world.client_for(world.claire).post(edit_url(world), data)
    assert page.status_code == 200
    assert page.context["items"].total_form_count() == 1
    assert not Program.objects.exists()


def test_it_refuses_a_log_for_another_patients_program(world: World) -> None:
    claire = world.client_for(world.claire)
    claire.post(edit_url(world), publish([row(0, "bridge", sets=2, reps=10)]))
    item = Program.objects.get().items.get()
    # Ben has no program; Amy's item is not his to log.
    response = world.client_for(world.ben).post(
        reverse("log_exercise"), {"item": str(item.id), "done": "yes"}
    )
    assert response.status_code in (302, 404)
    assert not ExerciseLog.objects.exists()


@pytest.mark.parametrize("pain", ["11", "-1", "x"])
def test_it_refuses_an_impossible_pain_score(world: World, pain: str) -> None:
    claire = world.client_for(world.claire)
    claire.post(edit_url(world), publish([row(0, "bridge", sets=2, reps=10)]))
    item = Program.objects.get().items.get()
    response = world.client_for(world.amy).post(
        reverse("log_exercise"), {"item": str(item.id), "done": "yes", "pain": pain}
    )
    assert response.status_code == 302
    assert not ExerciseLog.objects.exists()


def ben_with_flag(world: World, flag: str | None) -> Episode:
    """Ben through the intake and the review, answering yes to ``flag`` only."""
    episode = world.ben_episode
    yes: dict[str, bool | str] = {flag: True} if flag else {}
    submit_intake(world.claire, episode, low_risk_answers(), red_flags=yes)
    review(world.claire, episode)
    return episode


def without_plain_mobility(monkeypatch: pytest.MonkeyPatch) -> None:
    """A library whose only mobility exercises carry the osteoporosis caution, so the
    suggestion shows whether the caution applied."""
    kept = {
        key: e
        for key, e in library().items()
        if e.category is not Category.MOBILITY
        or Caution.OSTEOPOROSIS in {note.when for note in e.cautions}
    }
    monkeypatch.setattr("backpath.programs.views.library", lambda: kept)


@pytest.mark.parametrize("flag", ["FRA-2", "FRA-3", "FRA-4"])
def test_it_leaves_loaded_flexion_out_after_any_fracture_flag(
    world: World, monkeypatch: pytest.MonkeyPatch, flag: str
) -> None:
    # Long-term corticosteroids, a suspected fracture after minor trauma over 50, known
    # osteoporosis: each one, not only the age and sex risk (FRA-6), sets the caution.
    episode = ben_with_flag(world, flag)
    patient = _builder_patient(selectors.episode_record(episode))
    assert patient.osteoporosis_because == (flag,)
    assert excluded_by(library()["knees_to_chest"], patient) == f"osteoporosis: {flag}"
    without_plain_mobility(monkeypatch)
    url = reverse("program_edit", kwargs={"episode_id": episode.id})
    page = world.client_for(world.claire).get(url)
    assert page.status_code == 200
    suggested = {item["exercise_id"] for item in page.context["items"].initial}
    assert suggested
    assert not suggested & {"knees_to_chest", "seated_trunk_rotation"}


def test_it_keeps_the_flexion_exercises_without_a_fracture_flag(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    episode = ben_with_flag(world, None)
    assert _builder_patient(selectors.episode_record(episode)).osteoporosis_because == ()
    without_plain_mobility(monkeypatch)
    url = reverse("program_edit", kwargs={"episode_id": episode.id})
    page = world.client_for(world.claire).get(url)
    suggested = {item["exercise_id"] for item in page.context["items"].initial}
    assert suggested & {"knees_to_chest", "seated_trunk_rotation"}
