"""The exercise library: one reviewed data file per exercise (KNGF 2021 C.2; clinical
reference §7, docs/clinical/reference.md).

Each file in ``data/exercises/`` holds one exercise: names and step-by-step instructions in
Dutch and English, what to feel and common mistakes, category, starting position, equipment,
level 1-5, a default dosage, links to easier and harder exercises, cautions, the profiles it
suits, a citation, its reviewer and review date, and the pose the illustration is drawn
from. The library is validated as a whole when it loads: a broken link, a missing
translation or an impossible dosage names the file and the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import Field, StringConstraints, model_validator

from backpath.clinical.citations import citations
from backpath.clinical.datafiles import DataFileError, parse
from backpath.clinical.language import Text
from backpath.clinical.models import FrozenModel
from backpath.clinical.stratification import Profile
from backpath.exercises.pose import Pose

DATA = Path(__file__).parent / "data" / "exercises"

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]


class Category(StrEnum):
    AEROBIC = "aerobic"
    MOBILITY = "mobility"
    STRETCHING = "stretching"
    MOTOR_CONTROL = "motor_control"
    STRENGTH = "strength"
    FUNCTIONAL = "functional"
    RELAXATION = "relaxation"


class Position(StrEnum):
    STANDING = "standing"
    SITTING = "sitting"
    SUPINE = "supine"  # on the back
    PRONE = "prone"  # on the stomach
    SIDE_LYING = "side_lying"
    QUADRUPED = "quadruped"  # on hands and knees
    KNEELING = "kneeling"


class Equipment(StrEnum):
    MAT = "mat"
    CHAIR = "chair"
    WALL = "wall"
    STEP = "step"
    BAND = "band"  # elastic resistance band
    BOX = "box"  # something to lift: a box or a shopping bag
    BED = "bed"
    BIKE = "bike"  # a bicycle or an exercise bike
    POOL = "pool"  # a swimming pool


class Caution(StrEnum):
    """When an exercise needs care; the program builder reads these."""

    LRS_HIGH_REACTIVITY = "lrs_high_reactivity"  # KNGF C.2: aim at pain reduction
    FEAR_OF_MOVEMENT = "fear_of_movement"  # start low in a graded exposure hierarchy
    OSTEOPOROSIS = "osteoporosis"  # avoid loaded end-range flexion
    PREGNANCY = "pregnancy"
    BALANCE = "balance"  # needs support nearby


class Dosage(FrozenModel):
    """Exactly one of: sets x reps, hold seconds x reps, or minutes (clinical reference §7.4,
    docs/clinical/reference.md)."""

    sets: int | None = Field(default=None, ge=1, le=6)
    reps: int | None = Field(default=None, ge=1, le=30)
    hold_seconds: int | None = Field(default=None, ge=3, le=120)
    minutes: int | None = Field(default=None, ge=1, le=60)

    @model_validator(mode="after")
    def _one_kind(self) -> Dosage:
        timed = self.minutes is not None
        held = self.hold_seconds is not None
        counted = self.sets is not None
        if timed and (held or counted or self.reps is not None):
            raise ValueError("minutes stand alone: no sets, reps or hold")
        if held and (counted or self.reps is None):
            raise ValueError("a hold needs reps (hold_seconds x reps) and no sets")
        if counted and (held or self.reps is None):
            raise ValueError("sets need reps (sets x reps)")
        if not (timed or held or counted):
            raise ValueError("give sets x reps, hold_seconds x reps, or minutes")
        return self


class CautionNote(FrozenModel):
    when: Caution
    text: Text


class TextList(FrozenModel):
    """Ordered lines (steps, mistakes) in both languages, the same number in each."""

    nl: tuple[str, ...] = Field(min_length=1)
    en: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _paired(self) -> TextList:
        if len(self.nl) != len(self.en):
            raise ValueError(f"nl has {len(self.nl)} lines, en has {len(self.en)}")
        if any(not line.strip() for line in (*self.nl, *self.en)):
            raise ValueError("lines must not be empty")
        return self


class Exercise(FrozenModel):
    id: Id
    name: Text
    category: Category
    position: Position
    equipment: tuple[Equipment, ...] = ()
    level: int = Field(ge=1, le=5)
    dosage: Dosage
    instructions: TextList
    feel: Text
    mistakes: TextList
    progressions: tuple[Id, ...] = ()
    regressions: tuple[Id, ...] = ()
    cautions: tuple[CautionNote, ...] = ()
    profiles: tuple[Profile, ...] = Field(min_length=1)
    citation: str
    reviewer: str = Field(min_length=2)
    reviewed_on: date
    pose: Pose


class Library(FrozenModel):
    exercises: dict[str, Exercise]


def _check_links(exercises: Mapping[str, Exercise]) -> None:
    """Links and citations span files; an error still names the file and the field."""
    for exercise in exercises.values():
        source = f"exercises/{exercise.id}.yaml"
        for field in ("progressions", "regressions"):
            for target in getattr(exercise, field):
                if target not in exercises:
                    raise DataFileError(f"{source}: {field}: no exercise {target!r}")
                if target == exercise.id:
                    raise DataFileError(f"{source}: {field}: links to itself")
        if exercise.citation not in citations():
            raise DataFileError(f"{source}: citation: unknown id {exercise.citation!r}")


class ActivityLink(FrozenModel):
    exercise: Id
    words: tuple[str, ...] = Field(min_length=1)


class ActivityLinks(FrozenModel):
    """Words for the activities patients name on the PSK, and the exercise that trains them."""

    citation: str
    links: tuple[ActivityLink, ...]


def load_exercise(path: Path) -> Exercise:
    source = f"exercises/{path.name}"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    exercise = parse(Exercise, raw, source)
    if f"{exercise.id}.yaml" != path.name:
        raise DataFileError(f"{source}: id {exercise.id!r} must match the file name")
    return exercise


def load_library(folder: Path = DATA) -> Library:
    """Every exercise in ``folder``, validated one by one and then as a linked whole."""
    exercises = {e.id: e for e in (load_exercise(p) for p in sorted(folder.glob("*.yaml")))}
    _check_links(exercises)
    return Library(exercises=exercises)


@cache
def library() -> Mapping[str, Exercise]:
    """The packaged library by id, loaded once."""
    return load_library().exercises


@cache
def activity_links() -> ActivityLinks:
    source = "activities.yaml"
    raw = yaml.safe_load((DATA.parent / source).read_text(encoding="utf-8"))
    links = parse(ActivityLinks, raw, source)
    for position, link in enumerate(links.links):
        if link.exercise not in library():
            raise DataFileError(
                f"{source}: links.{position}.exercise: no exercise {link.exercise!r}"
            )
    if links.citation not in citations():
        raise DataFileError(f"{source}: citation: unknown id {links.citation!r}")
    return links
