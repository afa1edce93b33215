"""The exercises a clinic prescribes: the packaged library first, then the clinic's own.

A program item names its exercise by id; ``find`` and ``find_many`` answer "the exercise
with this id for this clinic" as a :class:`CatalogueExercise`, the one shape the pages, the
Today overview and the booklet read, wherever the exercise comes from. A clinic's own
exercise is looked up within that clinic only; an archived one is still found, so the
programs that use it keep showing it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from django.urls import reverse
from django.utils.html import format_html

from backpath.accounts.models import User
from backpath.care.access import latest_episode
from backpath.clinical.language import Lang
from backpath.exercises.library import Category, Dosage, Exercise, library
from backpath.programs.models import (
    CLINIC_EXERCISE_PREFIX,
    ClinicExercise,
    Program,
    ProgramItem,
)


@dataclass(frozen=True, slots=True)
class CatalogueExercise:
    """An exercise as the pages show it: ``packaged`` from the library, or ``own`` of the
    clinic (its texts in the language asked, or else in the one it is written in)."""

    id: str
    category: Category
    level: int
    dosage: Dosage
    packaged: Exercise | None = None
    own: ClinicExercise | None = None

    @property
    def is_own(self) -> bool:
        return self.own is not None

    @property
    def archived(self) -> bool:
        return self.own is not None and self.own.archived_at is not None

    def name(self, lang: Lang) -> str:
        if self.packaged is not None:
            return self.packaged.name(lang)
        assert self.own is not None
        return _either(self.own.name_nl, self.own.name_en, lang)

    def steps(self, lang: Lang) -> tuple[str, ...]:
        if self.packaged is not None:
            steps: tuple[str, ...] = getattr(self.packaged.instructions, lang.value)
            return steps
        assert self.own is not None
        return lines(_either(self.own.steps_nl, self.own.steps_en, lang))

    def feel(self, lang: Lang) -> str:
        if self.packaged is not None:
            return self.packaged.feel(lang)
        assert self.own is not None
        return _either(self.own.feel_nl, self.own.feel_en, lang)

    def mistakes(self, lang: Lang) -> tuple[str, ...]:
        if self.packaged is not None:
            mistakes: tuple[str, ...] = getattr(self.packaged.mistakes, lang.value)
            return mistakes
        return ()

    def cautions(self, lang: Lang) -> tuple[str, ...]:
        if self.packaged is not None:
            return tuple(note.text(lang) for note in self.packaged.cautions)
        assert self.own is not None
        return (self.own.cautions,) if self.own.cautions else ()

    def only_in(self, lang: Lang) -> str:
        """The language the texts are shown in when it is not ``lang`` ("nl" or "en"), else
        "": a clinic's exercise may be written in one language only."""
        if self.own is None:
            return ""
        written = self.own.name_nl if lang is Lang.NL else self.own.name_en
        if written:
            return ""
        return Lang.EN.value if lang is Lang.NL else Lang.NL.value

    @property
    def media_kind(self) -> str:
        return self.own.media_kind if self.own is not None else ""

    @property
    def media_url(self) -> str:
        """Where the photo or video is served (``exercise_media``), or "" without one."""
        if self.own is None or not self.own.media_name:
            return ""
        return reverse(
            "exercise_media", kwargs={"exercise_pk": self.own.pk, "name": self.own.media_name}
        )


def _either(nl: str, en: str, lang: Lang) -> str:
    """The text in ``lang``, or else in the other language."""
    first, other = (nl, en) if lang is Lang.NL else (en, nl)
    return first or other


def lines(text: str) -> tuple[str, ...]:
    """The steps of a text with one step a line, empty lines left out."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def is_own_id(exercise_id: str) -> bool:
    return exercise_id.startswith(CLINIC_EXERCISE_PREFIX)


def _packaged(exercise: Exercise) -> CatalogueExercise:
    return CatalogueExercise(
        exercise.id, exercise.category, exercise.level, exercise.dosage, packaged=exercise
    )


def from_own(own: ClinicExercise) -> CatalogueExercise:
    return CatalogueExercise(
        own.exercise_id,
        Category(own.category),
        own.level,
        Dosage(sets=own.sets, reps=own.reps, hold_seconds=own.hold_seconds, minutes=own.minutes),
        own=own,
    )


@cache
def packaged() -> Mapping[str, CatalogueExercise]:
    """The whole packaged library, by id."""
    return {exercise_id: _packaged(e) for exercise_id, e in library().items()}


def find(clinic_id: uuid.UUID | None, exercise_id: str) -> CatalogueExercise | None:
    """The exercise ``exercise_id`` for the clinic: the library's, else the clinic's own
    (archived too). One query at most, none for a library exercise."""
    if (found := packaged().get(exercise_id)) is not None:
        return found
    if clinic_id is None or not is_own_id(exercise_id):
        return None
    own = ClinicExercise.objects.filter(clinic_id=clinic_id, exercise_id=exercise_id).first()
    return from_own(own) if own is not None else None


def find_many(
    clinic_id: uuid.UUID | None, exercise_ids: Iterable[str]
) -> dict[str, CatalogueExercise]:
    """``find`` for many ids in one query at most (none when all are the library's); an
    unknown id is left out."""
    wanted = set(exercise_ids)
    found = {i: e for i in wanted if (e := packaged().get(i)) is not None}
    own_ids = {i for i in wanted if is_own_id(i)}
    if own_ids and clinic_id is not None:
        for own in ClinicExercise.objects.filter(clinic_id=clinic_id, exercise_id__in=own_ids):
            found[own.exercise_id] = from_own(own)
    return found


def own_exercises(clinic_id: uuid.UUID, *, archived: bool = False) -> list[CatalogueExercise]:
    """The clinic's own exercises in name order: those in use for new programs, or with
    ``archived`` the archived ones."""
    return [
        from_own(own)
        for own in ClinicExercise.objects.filter(
            clinic_id=clinic_id, archived_at__isnull=not archived
        ).order_by("name_nl", "name_en", "created_at")
    ]


def for_clinic(clinic_id: uuid.UUID) -> dict[str, CatalogueExercise]:
    """Everything the clinic's program builder knows: the library and the clinic's own,
    archived ones too (a program that has one keeps it when changed). One query."""
    own = ClinicExercise.objects.filter(clinic_id=clinic_id)
    return {**packaged(), **{e.exercise_id: from_own(e) for e in own}}


def servable(user: User, exercise_pk: uuid.UUID) -> ClinicExercise | None:
    """The clinic exercise whose photo or video ``user`` may see: the clinic's staff see
    their clinic's; a patient of the clinic only one their current program uses (the
    highest version of their latest episode's program). None for anyone else.

    Not access-logged: the file is the clinic's content, not the patient's record, and the
    page that shows it logged its own opening of the record."""
    if user.clinic_id is None:
        return None
    own = (
        ClinicExercise.objects.filter(pk=exercise_pk, clinic_id=user.clinic_id)
        .exclude(media_name="")
        .first()
    )
    if own is None or user.is_clinician:
        return own
    if not user.is_patient:
        return None
    episode = latest_episode(user)
    current = (
        Program.objects.filter(episode=episode).order_by("-number").first() if episode else None
    )
    if current is None:
        return None
    uses = ProgramItem.objects.filter(program=current, exercise_id=own.exercise_id).exists()
    return own if uses else None


# A neutral figure for an exercise without a photo or video (a head, a body, arms and legs):
# no broken image, and its title says which exercise it stands for.
PLACEHOLDER = (
    '<svg xmlns="http://www.w3.org/2000/svg" class="exercise-placeholder" viewBox="0 0 120 90"'
    ' width="{}" height="{}" role="img"><title>{}</title>'
    '<rect width="120" height="90" rx="8" fill="#eef2f3"/>'
    '<g fill="none" stroke="#8a9ba0" stroke-width="4" stroke-linecap="round">'
    '<circle cx="60" cy="22" r="8"/><path d="M60 31v26M60 38l-16 10M60 38l16 10'
    'M60 57l-12 20M60 57l12 20"/></g></svg>'
)


def placeholder_svg(title: str, width: int) -> str:
    """The neutral figure ``width`` pixels wide (4:3), with ``title`` escaped."""
    return str(format_html(PLACEHOLDER, width, width * 3 // 4, title))


def matching_own(
    exercises: Iterable[CatalogueExercise], text: str, categories: Iterable[Category]
) -> list[CatalogueExercise]:
    """The clinic's own exercises in use among ``exercises`` whose name holds ``text`` in
    either language, in ``categories`` (any when none), in name order."""
    words = text.casefold().split()
    allowed = set(categories)
    found = [
        e
        for e in exercises
        if e.own is not None
        and not e.archived
        and (not allowed or e.category in allowed)
        and all(w in f"{e.own.name_nl} {e.own.name_en}".casefold() for w in words)
    ]
    return sorted(found, key=lambda e: (e.own.name_nl or e.own.name_en).casefold() if e.own else "")


def editable(clinic_id: uuid.UUID | None, exercise_pk: object) -> ClinicExercise | None:
    """The clinic's own exercise to change or archive: not another clinic's, not archived."""
    try:
        pk = uuid.UUID(str(exercise_pk))
    except ValueError:
        return None
    if clinic_id is None:
        return None
    return ClinicExercise.objects.filter(
        pk=pk, clinic_id=clinic_id, archived_at__isnull=True
    ).first()
