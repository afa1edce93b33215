"""Home exercise programs: a suggested program from the care plan and the patient, and the
time-contingent quota of graded activity.

Sources: KNGF 2021 C.2 (tailor exercise to needs, preferences and possibilities; P1 self-
directed, P2/P3 supervised; functional training of limited activities; LRS with high
reactivity aims at pain reduction), KNGF 2021 C.3 (graded activity, exposure in vivo,
relaxation) and docs/clinical/reference.md §7.3 (graded activity: baseline, start below
baseline, a fixed increment regardless of pain, up to the goal). A suggestion is a starting
point: the clinician adds, removes, reorders and sets the dosage before publishing.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from math import ceil

from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.redflags import Condition, red_flag_bank
from backpath.clinical.stratification import Profile
from backpath.exercises.library import Category, Caution, Dosage, Equipment, Exercise


@dataclass(frozen=True, slots=True)
class Patient:
    """What the builder needs to know about the patient."""

    profile: Profile
    lrs: bool = False
    lrs_high_reactivity: bool = False
    fear_of_movement: bool = False
    level: int = 2  # 1-5, the clinician's judgement of what the patient can do now
    equipment: frozenset[Equipment] = frozenset({Equipment.MAT, Equipment.CHAIR, Equipment.WALL})
    osteoporosis: bool = False
    # The red flags that call for the osteoporosis caution (``osteoporosis_flags``), so the
    # reason for leaving an exercise out can name them.
    osteoporosis_because: tuple[str, ...] = ()
    balance_problems: bool = False


@dataclass(frozen=True, slots=True)
class Prescription:
    exercise_id: str
    dosage: Dosage
    per_week: int
    why: str  # the rule that chose it, for the clinician


# Which categories a program covers, in this order, per profile (KNGF 2021 C.2/C.3):
# everyone stays active (aerobic first); low risk keeps it short and self-directed; medium
# and high add functional training; high adds relaxation for the psychosocial factors.
SLOTS: Mapping[Profile, tuple[Category, ...]] = {
    Profile.LOW: (Category.AEROBIC, Category.MOBILITY, Category.STRENGTH),
    Profile.MEDIUM: (
        Category.AEROBIC,
        Category.MOBILITY,
        Category.MOTOR_CONTROL,
        Category.STRENGTH,
        Category.FUNCTIONAL,
    ),
    Profile.HIGH: (
        Category.AEROBIC,
        Category.FUNCTIONAL,
        Category.MOTOR_CONTROL,
        Category.STRENGTH,
        Category.MOBILITY,
        Category.RELAXATION,
    ),
}

# Sessions per week by category (docs/clinical/reference.md §7.4): aerobic most days, strength 2-3.
PER_WEEK: Mapping[Category, int] = {
    Category.AEROBIC: 5,
    Category.MOBILITY: 5,
    Category.STRETCHING: 3,
    Category.MOTOR_CONTROL: 3,
    Category.STRENGTH: 3,
    Category.FUNCTIONAL: 5,
    Category.RELAXATION: 5,
}


def osteoporosis_flags(red_flags: Collection[str]) -> tuple[str, ...]:
    """The red flags present, in bank order, after which loaded end-range spinal flexion is
    left out (``Caution.OSTEOPOROSIS``); empty when none are.

    Every finding of the fracture group counts: known osteoporosis (FRA-4), long-term
    corticosteroids (FRA-2, which thin the bone), the age and sex risk (FRA-6) and every sign
    of a suspected vertebral fracture (FRA-1 significant trauma, FRA-3 minor trauma over 50,
    FRA-5 contusion over the spine). Sources: Downie et al. BMJ 2013 and Verhagen et al.
    Eur Spine J 2016 (these are the red flags for vertebral fracture); NOGG 2022 and the Royal
    Osteoporosis Society "Strong, Steady and Straight" consensus 2019 (with osteoporosis or a
    vertebral fracture, avoid loaded and repeated end-range spinal flexion). Read from the
    bank's condition groups, so a new fracture flag counts without a change here.
    """
    present = set(red_flags)
    return tuple(
        flag.id
        for flag in red_flag_bank().flags
        if flag.id in present and flag.condition is Condition.FRACTURE
    )


def excluded_by(exercise: Exercise, patient: Patient) -> str | None:
    """Why this exercise does not suit this patient now, or None when it does.

    The reason is a code for the clinician; the osteoporosis one names the red flags behind
    it when there are any ("osteoporosis: FRA-1, FRA-2").
    """
    cautions = {note.when for note in exercise.cautions}
    if patient.profile not in exercise.profiles:
        return "profile"
    if patient.lrs_high_reactivity and Caution.LRS_HIGH_REACTIVITY in cautions:
        return "lrs_high_reactivity"
    if (patient.osteoporosis or patient.osteoporosis_because) and (
        Caution.OSTEOPOROSIS in cautions
    ):
        if patient.osteoporosis_because:
            return f"osteoporosis: {', '.join(patient.osteoporosis_because)}"
        return "osteoporosis"
    if patient.balance_problems and Caution.BALANCE in cautions:
        return "balance"
    if not set(exercise.equipment) <= patient.equipment:
        return "equipment"
    # Fear of movement: begin low in the exposure hierarchy (KNGF C.3), one level below.
    ceiling = max(1, patient.level - 1) if patient.fear_of_movement else patient.level
    if exercise.level > ceiling:
        return "level"
    return None


def exercises_for_activities(
    activities: Iterable[str], links: Iterable[tuple[str, tuple[str, ...]]]
) -> list[str]:
    """Functional exercises for the activities a patient named, in the order named.

    A link matches when one of its words is a whole word of the activity (case-insensitive),
    so "tillen van kratten" matches "tillen" and "bedrijf" does not match "bed".
    """
    found: list[str] = []
    links = list(links)
    for activity in activities:
        words = set(re.findall(r"\w+", activity.lower()))
        for exercise_id, keys in links:
            if exercise_id not in found and words & set(keys):
                found.append(exercise_id)
    return found


# At most this many exercises for the activities the patient named, on top of the slots.
MAX_ACTIVITY_EXERCISES = 2


def suggest_program(
    patient: Patient,
    exercises: Mapping[str, Exercise],
    activity_exercises: Sequence[str] = (),
) -> tuple[Prescription, ...]:
    """One exercise per slot of the profile, the hardest that suits the patient, then
    functional training for the activities the patient named (KNGF 2021 C.2).

    Ties go to the exercise with fewer cautions, then by id, so the result is stable.
    """
    suitable = [e for e in exercises.values() if excluded_by(e, patient) is None]
    chosen: list[Prescription] = []
    used: set[str] = set()
    named = [
        exercises[i]
        for i in activity_exercises
        if i in exercises and excluded_by(exercises[i], patient) is None
    ][:MAX_ACTIVITY_EXERCISES]
    for exercise in named:
        used.add(exercise.id)
        chosen.append(
            Prescription(
                exercise_id=exercise.id,
                dosage=exercise.dosage,
                per_week=PER_WEEK[exercise.category],
                why="PRG-PSK-ACTIVITY",
            )
        )
    for category in SLOTS[patient.profile]:
        if category is Category.FUNCTIONAL and named:
            continue  # the named activities already give functional training
        candidates = [e for e in suitable if e.category is category and e.id not in used]
        if not candidates:
            continue
        best = min(candidates, key=lambda e: (-e.level, len(e.cautions), e.id))
        used.add(best.id)
        chosen.append(
            Prescription(
                exercise_id=best.id,
                dosage=best.dosage,
                per_week=PER_WEEK[category],
                why=f"PRG-{patient.profile.value.upper()}-{category.value.upper()}",
            )
        )
    return tuple(chosen)


@dataclass(frozen=True, slots=True)
class GradedQuota:
    """A time-contingent weekly quota for one activity (docs/clinical/reference.md §7.3).

    ``baseline`` is the average measured over several days; the start is below it; each
    week adds the same ``increment``, whatever the pain, until ``goal``.
    """

    activity: str
    unit: str  # "minutes" or "steps" or "repetitions"
    baseline: int
    start: int
    increment: int
    goal: int

    def __post_init__(self) -> None:
        if not self.activity.strip():
            raise ClinicalInputError("activity", "name the activity")
        if self.baseline < 1:
            raise ClinicalInputError("baseline", "must be at least 1")
        if not 1 <= self.start < self.baseline:
            raise ClinicalInputError(
                "start", f"must be from 1 to below the baseline ({self.baseline})"
            )
        if self.increment < 1:
            raise ClinicalInputError("increment", "must be at least 1")
        if self.goal <= self.start:
            raise ClinicalInputError("goal", f"must be above the start ({self.start})")

    @classmethod
    def from_baseline(
        cls, activity: str, unit: str, baseline: int, goal: int, weeks: int
    ) -> GradedQuota:
        """Start at 80% of baseline and reach the goal in about ``weeks`` equal steps."""
        if weeks < 1:
            raise ClinicalInputError("weeks", "must be at least 1")
        start = max(1, min(baseline - 1, (baseline * 4) // 5))
        increment = max(1, ceil((goal - start) / weeks))
        return cls(activity, unit, baseline, start, increment, goal)

    def target(self, week: int) -> int:
        """The quota for week ``week`` (1-based): start, then one increment a week, capped."""
        if week < 1:
            raise ClinicalInputError("week", "weeks count from 1")
        return min(self.goal, self.start + (week - 1) * self.increment)

    @property
    def weeks_to_goal(self) -> int:
        return 1 + ceil((self.goal - self.start) / self.increment)


def filter_library(
    exercises: Mapping[str, Exercise],
    *,
    text: str = "",
    categories: Collection[Category] = (),
    max_level: int = 5,
    equipment: Collection[Equipment] | None = None,
    lang: str = "nl",
) -> list[Exercise]:
    """Search the library by name words, category, level and available equipment."""
    words = text.lower().split()
    found = []
    for exercise in exercises.values():
        name = (exercise.name.nl if lang == "nl" else exercise.name.en).lower()
        if words and not all(word in name or word in exercise.id for word in words):
            continue
        if categories and exercise.category not in categories:
            continue
        if exercise.level > max_level:
            continue
        if equipment is not None and not set(exercise.equipment) <= set(equipment):
            continue
        found.append(exercise)
    return sorted(found, key=lambda e: (list(Category).index(e.category), e.level, e.id))
