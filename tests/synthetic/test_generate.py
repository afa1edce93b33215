"""``backpath generate``: realistic synthetic clinics through the real models, refused beside
real patients, the same data for the same seed, one access-log entry for the run."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from typing import Any

import pytest
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backpath.accounts.models import Clinic, User
from backpath.auditlog.models import AccessEntry
from backpath.care.models import (
    Assessment,
    Episode,
    Intake,
    Patient,
    PlanVersion,
    SessionNote,
)
from backpath.cli import BAD_INPUT, main
from backpath.clinical.intake import assess, parse_intake
from backpath.clinical.language import Lang
from backpath.followup.models import Alert, DiaryEntry, Measurement
from backpath.interchange import assessment_json, plan_json
from backpath.programs.models import ExerciseLog, Program, ProgramItem
from backpath.synthetic.archetypes import archetypes, synthetic_data
from backpath.synthetic.generate import GenerateRefused, generate
from tests.personas import World

TODAY = date(2026, 12, 1)
pytestmark = pytest.mark.django_db


def test_it_makes_marked_clinics_with_clinicians_and_patients() -> None:
    done = generate(clinics=3, patients=400, seed=5, today=TODAY, batch=150)
    clinics = Clinic.objects.all()
    assert done.clinics == 3
    assert done.patients == Patient.objects.count() == 400
    assert all(c.synthetic and c.name.startswith("Synthetic ") for c in clinics)
    assert User.objects.filter(clinic__in=clinics).count() == done.clinicians >= 9
    assert not any(u.has_usable_password() for u in User.objects.all())
    assert Episode.objects.count() == 400
    assert done.rows["sessions"] == SessionNote.objects.count() > 400


def test_profiles_come_in_the_data_files_proportions() -> None:
    generate(clinics=2, patients=2000, seed=11, today=TODAY)
    found = Counter(PlanVersion.objects.values_list("profile", flat=True))
    assert abs(found["low"] / 2000 - 0.40) < 0.04
    assert abs(found["medium"] / 2000 - 0.35) < 0.04
    assert abs(found["high"] / 2000 - 0.25) < 0.04
    lrs = Assessment.objects.filter(kind="review", diagnosis="lrs").count()
    assert 0 < lrs / 2000 < 0.08


def test_the_records_are_consistent_with_the_profile_and_the_plan() -> None:
    generate(clinics=2, patients=600, seed=3, today=TODAY)
    for episode in Episode.objects.all():
        if episode.status == "closed":
            assert episode.discharge_reason
            assert episode.closed_at
        review = episode.assessments.get(kind="review")
        assert review.result["en"]["profile"] == review.profile  # the core's own JSON
    passive = {"massage", "tens", "spinal_manipulation", "taping", "dry_needling"}
    notes = list(SessionNote.objects.all())
    warned = [n for n in notes if n.warnings]
    assert 0 < len(warned) < len(notes) * 0.15  # mostly active care
    for note in warned:
        assert set(note.warnings) <= passive
        assert note.deviation_reason.startswith("[")
    assert all(set(n.interventions) - passive for n in notes)  # passive care only beside active
    assert Measurement.objects.filter(occasion="discharge").exists()
    assert Alert.objects.exists()
    assert ExerciseLog.objects.exists()
    assert DiaryEntry.objects.exists()
    assert ProgramItem.objects.filter(program__episode__status="closed").exists()


def test_improvement_follows_the_profile() -> None:
    generate(clinics=1, patients=1500, seed=8, today=TODAY)
    improved: dict[str, list[bool]] = {"low": [], "high": []}
    for m in Measurement.objects.filter(occasion="discharge").select_related("episode"):
        profile = m.episode.plans.get().profile
        if profile in improved:
            improved[profile].append(m.outcome == "continue")
    low, high = (sum(v) / len(v) for v in improved.values())
    assert low > high + 0.1


def as_stored(value: object) -> Any:
    """A value as a JSON column gives it back (tuples become lists)."""
    return json.loads(json.dumps(value))


def test_each_patient_has_the_cores_assessment_for_their_age_and_sex() -> None:
    """The core's triage weighs age and sex (an older woman's episode is 'caution'); the
    stored result and plan are the core's own for the stored input, in both languages."""
    generate(clinics=1, patients=150, seed=2, today=TODAY)
    seen = set()
    reviews = Assessment.objects.filter(kind="review").select_related("episode__patient")
    for review in reviews.prefetch_related("plans"):
        patient = review.episode.patient
        age = patient.age_on(review.episode.opened_at.date())
        assert review.input["patient"]["age"] == age
        assert review.input["patient"]["sex"] == (patient.sex or None)
        core = assess(parse_intake(review.input))
        assert (core.triage.urgency.value, review.urgency) == (
            review.urgency,
            review.episode.urgency,
        )
        assert core.plan is not None
        assert review.result == as_stored(
            {lang.value: assessment_json(core, lang) for lang in Lang}
        )
        (plan,) = review.plans.all()
        assert plan.plan == as_stored({lang.value: plan_json(core.plan, lang) for lang in Lang})
        seen.add(review.urgency)
    assert seen == {"none", "caution"}


GENERATED: tuple[type[models.Model], ...] = (
    Patient,
    Episode,
    Intake,
    Assessment,
    PlanVersion,
    SessionNote,
    Program,
    ProgramItem,
    ExerciseLog,
    DiaryEntry,
    Measurement,
    Alert,
)


def test_the_rows_read_back_as_records_the_models_accept() -> None:
    """The rows are written as plain values, past the model instances: they must read back
    as valid records, with the columns the generator leaves alone at their defaults."""
    generate(clinics=1, patients=40, seed=6, today=TODAY)
    for model in GENERATED:
        # A nullable column left empty is the database's business, not a form's.
        nullable = [f.name for f in model._meta.fields if f.null]
        records = list(model._default_manager.all()[:30])
        assert records, model
        for found in records:
            found.full_clean(exclude=nullable)
    assert all(e.extra_instruments == [] for e in Episode.objects.all())
    assert all(i.item_notes == {} for i in Intake.objects.all())
    assert all(p.omitted == [] and p.note == "" for p in PlanVersion.objects.all())
    assert all(p.updated_at and p.email == "" and p.user_id is None for p in Patient.objects.all())


def test_the_times_are_the_local_hours_they_stand_for() -> None:
    """Stored in UTC, read back in the clinic's time zone: summer and winter alike."""
    generate(clinics=1, patients=60, seed=4, today=TODAY)
    local = timezone.get_current_timezone()
    offsets = set()
    for episode in Episode.objects.select_related("intake"):
        opened = episode.opened_at.astimezone(local)
        offsets.add(opened.utcoffset())
        assert opened.hour == 9
        assert episode.intake.started_at == episode.opened_at
        assert episode.intake.finished_at.astimezone(local).hour == 10
    assert len(offsets) == 2  # the episodes open over a year
    assert {log.logged_at.astimezone(local).hour for log in ExerciseLog.objects.all()} == {19}
    assert {d.updated_at.astimezone(local).hour for d in DiaryEntry.objects.all()} == {21}
    for log in ExerciseLog.objects.all():
        assert log.logged_at.astimezone(local).date() == log.day


def test_the_statements_per_chunk_do_not_grow_with_its_patients() -> None:
    """A chunk is written in a fixed number of statements, not one per row or per batch of
    rows: 20 patients and 400 take as many."""

    def statements(patients: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            generate(clinics=1, patients=patients, seed=9, today=TODAY, batch=patients)
        return len(captured)

    assert statements(20) == statements(400)


def test_a_long_run_says_how_far_it_is(capsys: pytest.CaptureFixture[str]) -> None:
    told: list[int] = []
    generate(clinics=1, patients=250, seed=1, today=TODAY, batch=100, progress=told.append)
    assert told == [100, 200, 250]
    assert capsys.readouterr().err == ""
    generate(clinics=1, patients=250, seed=1, today=TODAY, batch=100)
    said = capsys.readouterr().err.splitlines()
    assert said[-1].startswith("backpath generate: 250 of 250 patients (")
    assert said[-1].endswith(" a second)")


def test_the_same_seed_gives_the_same_data() -> None:
    def run() -> list[tuple[object, ...]]:
        with transaction.atomic():
            generate(clinics=2, patients=50, seed=42, today=TODAY, batch=20)
            found: list[tuple[object, ...]] = [
                *Patient.objects.order_by("id").values_list("id", "first_name", "date_of_birth"),
                *ExerciseLog.objects.order_by("id").values_list("id", "pain", "logged_at"),
            ]
            transaction.set_rollback(True)
        return found

    first = run()
    assert first == run()
    with transaction.atomic():
        generate(clinics=2, patients=50, seed=43, today=TODAY)
        assert list(Patient.objects.order_by("id").values_list("id")) != [f[:1] for f in first[:50]]
        transaction.set_rollback(True)


def test_a_second_run_adds_clinics() -> None:
    generate(clinics=1, patients=10, seed=1, today=TODAY)
    generate(clinics=1, patients=10, seed=1, today=TODAY)
    assert Clinic.objects.filter(synthetic=True).count() == 2
    assert Patient.objects.count() == 20


def test_one_access_log_entry_for_the_whole_run() -> None:
    generate(clinics=2, patients=120, seed=1, today=TODAY)
    entry = AccessEntry.objects.get()
    assert (entry.action, entry.object_type) == ("create", "synthetic_data")
    assert entry.detail == "synthetic data: 2 clinics, 120 patients, seed 1"


def test_it_is_refused_beside_real_patients(world: World) -> None:
    with pytest.raises(GenerateRefused, match="holds real patients"):
        generate(clinics=1, patients=10, seed=1)
    assert not Clinic.objects.filter(synthetic=True).exists()


def test_the_demo_database_may_have_synthetic_clinics_too(world: World, settings: Any) -> None:
    settings.BACKPATH_DEMO = True
    assert generate(clinics=1, patients=5, seed=1).patients == 5


def test_the_data_file_names_only_library_exercises_and_known_passive_care() -> None:
    data = synthetic_data()
    assert set(data.archetypes) == {"low", "medium", "high", "lrs"}
    assert abs(sum(a.weight for a in data.archetypes.values()) - 1) < 1e-9
    for archetype in archetypes().values():
        assert set(data.passive) <= set(archetype.avoid)


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(["generate", *args])
    except SystemExit as exited:  # the argument parser's refusals
        code = int(str(exited.code))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_command_says_what_it_made(capsys: pytest.CaptureFixture[str]) -> None:
    code, said, err = cli(capsys, "--clinics", "2", "--patients", "30", "--seed", "4")
    assert (code, err) == (0, "")
    assert said.startswith("backpath generate: 2 synthetic clinics, ")
    assert ", 30 patients (" in said


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--clinics", "0", "--patients", "5"], "--clinics: must be 1 to 1000, not 0"),
        (["--clinics", "1", "--patients", "-3"], "--patients: must be 1 to 10000000, not -3"),
        (["--clinics", "1", "--patients", "many"], "argument --patients: invalid int value"),
        (["--clinics", "1"], "the following arguments are required: --patients"),
    ],
)
def test_bad_input_is_a_message_and_exit_code_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, said, err = cli(capsys, *args)
    assert code == BAD_INPUT
    assert said == ""
    assert message in err
    assert "Traceback" not in err


def test_the_command_refuses_a_database_with_real_patients(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _said, err = cli(capsys, "--clinics", "1", "--patients", "5")
    assert code == BAD_INPUT
    assert err.startswith("backpath: error: this database holds real patients")
