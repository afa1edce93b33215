"""The program builder and graded-activity quotas (KNGF 2021 C.2/C.3; clinical reference
§7.3, docs/clinical/reference.md)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.stratification import Profile
from backpath.exercises.library import Category, Caution, Equipment, Exercise
from backpath.exercises.programs import (
    SLOTS,
    GradedQuota,
    Patient,
    excluded_by,
    exercises_for_activities,
    filter_library,
    osteoporosis_flags,
    suggest_program,
)

POSE = {
    "start": {
        "trunk": 0,
        "head": 0,
        "thigh": 180,
        "shin": 180,
        "foot": 90,
        "upper_arm": 180,
        "forearm": 180,
    }
}


def exercise(id: str, category: Category, level: int = 1, **extra: Any) -> Exercise:
    data: dict[str, Any] = {
        "id": id,
        "name": {"nl": id.replace("_", " "), "en": id.replace("_", " ")},
        "category": category.value,
        "position": "standing",
        "level": level,
        "dosage": {"minutes": 10} if category is Category.AEROBIC else {"sets": 2, "reps": 10},
        "instructions": {"nl": ["Doe het."], "en": ["Do it."]},
        "feel": {"nl": "Prima.", "en": "Fine."},
        "mistakes": {"nl": ["Te snel."], "en": ["Too fast."]},
        "profiles": ["low", "medium", "high"],
        "citation": "kngf2021-c2",
        "reviewer": "test",
        "reviewed_on": "2026-11-25",
        "pose": POSE,
    }
    data.update(extra)
    return Exercise.model_validate(data)


def caution(when: Caution) -> dict[str, Any]:
    return {"when": when.value, "text": {"nl": "Let op.", "en": "Take care."}}


LIBRARY = {
    e.id: e
    for e in (
        exercise("walking", Category.AEROBIC, 1),
        exercise("cycling", Category.AEROBIC, 2, equipment=["step"]),
        exercise("pelvic_tilt", Category.MOBILITY, 1),
        exercise(
            "knees_to_chest", Category.MOBILITY, 2, cautions=[caution(Caution.LRS_HIGH_REACTIVITY)]
        ),
        exercise("dead_bug", Category.MOTOR_CONTROL, 2),
        exercise("bird_dog", Category.MOTOR_CONTROL, 3),
        exercise("bridge", Category.STRENGTH, 2),
        exercise("single_leg_bridge", Category.STRENGTH, 4, cautions=[caution(Caution.BALANCE)]),
        exercise("sit_to_stand", Category.FUNCTIONAL, 1),
        exercise(
            "lift_box",
            Category.FUNCTIONAL,
            3,
            equipment=["box"],
            cautions=[caution(Caution.FEAR_OF_MOVEMENT)],
        ),
        exercise("breathing", Category.RELAXATION, 1),
        exercise("low_only", Category.STRENGTH, 5, profiles=["low"]),
    )
}


def ids(program: tuple[Any, ...]) -> list[str]:
    return [p.exercise_id for p in program]


def test_it_keeps_a_low_risk_program_short_and_starts_with_staying_active() -> None:
    program = suggest_program(Patient(Profile.LOW, level=2), LIBRARY)
    assert ids(program) == ["walking", "knees_to_chest", "bridge"]
    assert program[0].per_week == 5
    assert program[0].why == "PRG-LOW-AEROBIC"


def test_it_adds_functional_training_and_relaxation_for_high_risk() -> None:
    program = suggest_program(Patient(Profile.HIGH, level=3), LIBRARY)
    assert ids(program)[:2] == ["walking", "sit_to_stand"]  # no box at home
    assert "breathing" in ids(program)
    assert len(program) == len(SLOTS[Profile.HIGH])


def test_it_leaves_out_what_lrs_with_high_reactivity_should_not_load() -> None:
    patient = Patient(Profile.MEDIUM, lrs=True, lrs_high_reactivity=True, level=3)
    assert excluded_by(LIBRARY["knees_to_chest"], patient) == "lrs_high_reactivity"
    assert "knees_to_chest" not in ids(suggest_program(patient, LIBRARY))


def test_it_starts_lower_for_fear_of_movement() -> None:
    afraid = Patient(Profile.HIGH, fear_of_movement=True, level=3, equipment=frozenset(Equipment))
    assert excluded_by(LIBRARY["lift_box"], afraid) == "level"
    assert excluded_by(LIBRARY["dead_bug"], afraid) is None


def test_it_respects_equipment_balance_osteoporosis_and_profile() -> None:
    assert excluded_by(LIBRARY["lift_box"], Patient(Profile.HIGH, level=5)) == "equipment"
    unsteady = Patient(Profile.MEDIUM, level=5, balance_problems=True)
    assert excluded_by(LIBRARY["single_leg_bridge"], unsteady) == "balance"
    assert excluded_by(LIBRARY["low_only"], Patient(Profile.HIGH, level=5)) == "profile"
    spine = exercise("roll_up", Category.MOBILITY, 1, cautions=[caution(Caution.OSTEOPOROSIS)])
    assert excluded_by(spine, Patient(Profile.LOW, osteoporosis=True)) == "osteoporosis"


@pytest.mark.parametrize(
    "flag",
    [
        "FRA-1",  # pain after a bad fall or accident: suspected fracture
        "FRA-2",  # long-term corticosteroids
        "FRA-3",  # over 50, pain after a minor fall, lifting or bending: suspected fracture
        "FRA-4",  # known osteoporosis
        "FRA-5",  # contusion over the spine: suspected fracture
        "FRA-6",  # age and sex
    ],
)
def test_it_sets_the_osteoporosis_caution_for_every_fracture_flag(flag: str) -> None:
    assert osteoporosis_flags({flag, "CES-1", "MAL-3"}) == (flag,)
    spine = exercise("roll_up", Category.MOBILITY, 1, cautions=[caution(Caution.OSTEOPOROSIS)])
    patient = Patient(Profile.LOW, osteoporosis_because=osteoporosis_flags([flag]))
    assert excluded_by(spine, patient) == f"osteoporosis: {flag}"
    assert "roll_up" not in ids(suggest_program(patient, {**LIBRARY, "roll_up": spine}))


def test_it_names_every_fracture_flag_in_bank_order() -> None:
    assert osteoporosis_flags(["FRA-6", "FRA-2", "FRA-1"]) == ("FRA-1", "FRA-2", "FRA-6")
    spine = exercise("roll_up", Category.MOBILITY, 1, cautions=[caution(Caution.OSTEOPOROSIS)])
    patient = Patient(Profile.LOW, osteoporosis_because=("FRA-2", "FRA-6"))
    assert excluded_by(spine, patient) == "osteoporosis: FRA-2, FRA-6"


def test_it_leaves_the_caution_off_without_a_fracture_flag() -> None:
    # Thoracic pain (MAL-8) also counts towards fracture in the two-weak-signs rule, but is
    # no finding of the fracture group itself; unknown ids are ignored.
    assert osteoporosis_flags([]) == ()
    assert osteoporosis_flags(["CES-1", "MAL-8", "NEU-4", "NO-SUCH-1"]) == ()
    spine = exercise("roll_up", Category.MOBILITY, 1, cautions=[caution(Caution.OSTEOPOROSIS)])
    assert excluded_by(spine, Patient(Profile.LOW)) is None


def test_it_skips_a_slot_nothing_fills() -> None:
    only_walking = {"walking": LIBRARY["walking"]}
    assert ids(suggest_program(Patient(Profile.HIGH), only_walking)) == ["walking"]


def test_it_filters_the_library_by_words_category_level_and_equipment() -> None:
    found = filter_library(LIBRARY, text="bridge", lang="en")
    assert [e.id for e in found] == ["bridge", "single_leg_bridge"]
    assert [e.id for e in filter_library(LIBRARY, categories=[Category.AEROBIC], max_level=1)] == [
        "walking"
    ]
    no_kit = filter_library(LIBRARY, equipment=[], categories=[Category.FUNCTIONAL])
    assert [e.id for e in no_kit] == ["sit_to_stand"]
    assert filter_library(LIBRARY, text="fietsen", lang="nl") == []


def test_it_builds_a_quota_from_a_baseline() -> None:
    quota = GradedQuota.from_baseline("walking", "minutes", baseline=20, goal=40, weeks=6)
    assert quota.start == 16  # 80% of the baseline
    assert quota.increment == 4
    assert [quota.target(w) for w in (1, 2, 6, 7, 20)] == [16, 20, 36, 40, 40]
    assert quota.weeks_to_goal == 7


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"activity": " "}, "activity"),
        ({"baseline": 0}, "baseline"),
        ({"start": 20}, "start"),  # not below the baseline
        ({"start": 0}, "start"),
        ({"increment": 0}, "increment"),
        ({"goal": 10}, "goal"),
    ],
)
def test_it_refuses_an_impossible_quota(kwargs: dict[str, Any], field: str) -> None:
    values = {
        "activity": "walking",
        "unit": "minutes",
        "baseline": 20,
        "start": 15,
        "increment": 3,
        "goal": 40,
    } | kwargs
    with pytest.raises(ClinicalInputError) as refused:
        GradedQuota(**values)
    assert refused.value.field == field


def test_it_refuses_a_week_before_the_first_and_a_plan_of_no_weeks() -> None:
    quota = GradedQuota("walking", "minutes", 20, 15, 3, 40)
    with pytest.raises(ClinicalInputError):
        quota.target(0)
    with pytest.raises(ClinicalInputError):
        GradedQuota.from_baseline("walking", "minutes", 20, 40, weeks=0)


@given(
    baseline=st.integers(2, 300),
    extra=st.integers(1, 300),
    weeks=st.integers(1, 26),
)
def test_a_quota_never_drops_and_reaches_its_goal(baseline: int, extra: int, weeks: int) -> None:
    quota = GradedQuota.from_baseline("walking", "minutes", baseline, baseline + extra, weeks)
    targets = [quota.target(w) for w in range(1, quota.weeks_to_goal + 2)]
    assert quota.start < baseline
    assert targets == sorted(targets)
    assert targets[-1] == quota.goal
    assert quota.target(quota.weeks_to_goal) == quota.goal
    assert quota.weeks_to_goal <= weeks + 1


LINKS = [
    ("sit_to_stand", ("zitten", "sitting", "chair")),
    ("lift_box", ("tillen", "lift")),
    ("walking", ("lopen", "walk")),
]


def test_it_finds_functional_training_for_the_activities_a_patient_named() -> None:
    named = exercises_for_activities(["Tillen van kratten", "Lang zitten op het werk"], LINKS)
    assert named == ["lift_box", "sit_to_stand"]
    assert exercises_for_activities(["Bedrijfsbezoek"], [("log_roll", ("bed",))]) == []
    assert exercises_for_activities(["Walk the DOG"], LINKS) == ["walking"]


def test_it_puts_the_named_activities_first_and_skips_what_does_not_suit() -> None:
    patient = Patient(Profile.MEDIUM, level=3, equipment=frozenset(Equipment))
    program = suggest_program(patient, LIBRARY, ["lift_box", "sit_to_stand", "walking"])
    assert ids(program)[:2] == ["lift_box", "sit_to_stand"]  # at most two, in order named
    assert program[0].why == "PRG-PSK-ACTIVITY"
    assert len([p for p in program if p.why == "PRG-PSK-ACTIVITY"]) == 2
    # No second functional exercise from the slot: the named activities already train that.
    assert not any(p.why.endswith("FUNCTIONAL") for p in program)
    afraid = Patient(Profile.MEDIUM, level=3, fear_of_movement=True, equipment=frozenset(Equipment))
    assert "lift_box" not in ids(suggest_program(afraid, LIBRARY, ["lift_box"]))
