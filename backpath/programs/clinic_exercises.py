"""Writes for the clinic's own exercises: add, change, archive. Each is audited.

A photo or video is written to the data directory before the row that names it is saved,
and removed again when the save fails; a file the row no longer names (replaced, removed,
or the exercise deleted) is removed only after the change is committed, so a rolled-back
change never points at a deleted file.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.db import transaction
from django.utils import timezone

from backpath.accounts.models import Clinic, User
from backpath.care.audit import AuditAction, audit
from backpath.care.submissions import once, record_for_submission
from backpath.exercises.library import Category, Dosage
from backpath.programs import media
from backpath.programs.catalogue import is_own_id
from backpath.programs.models import ClinicExercise, ProgramItem

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ExerciseDraft:
    """An own exercise as its form cleaned it: texts stripped, steps one a line."""

    name_nl: str
    name_en: str
    steps_nl: str
    steps_en: str
    feel_nl: str
    feel_en: str
    cautions: str
    category: Category
    level: int
    dosage: Dosage


def _apply(exercise: ClinicExercise, draft: ExerciseDraft) -> None:
    exercise.name_nl = draft.name_nl
    exercise.name_en = draft.name_en
    exercise.steps_nl = draft.steps_nl
    exercise.steps_en = draft.steps_en
    exercise.feel_nl = draft.feel_nl
    exercise.feel_en = draft.feel_en
    exercise.cautions = draft.cautions
    exercise.category = draft.category.value
    exercise.level = draft.level
    exercise.sets = draft.dosage.sets
    exercise.reps = draft.dosage.reps
    exercise.hold_seconds = draft.dosage.hold_seconds
    exercise.minutes = draft.dosage.minutes


def _set_media(exercise: ClinicExercise, upload: media.CheckedMedia | None, name: str) -> None:
    exercise.media_name = name
    exercise.media_kind = upload.kind.value if upload else ""
    exercise.media_type = upload.content_type if upload else ""


def _with_file(upload: media.CheckedMedia | None, write: Callable[[str], T]) -> T:
    """Store ``upload`` (if any) and run ``write`` with its name; a failed write removes it."""
    name = media.store(upload) if upload is not None else ""
    try:
        return write(name)
    except BaseException:
        media.delete(name)
        raise


def exercise_create(
    *,
    actor: User,
    clinic: Clinic,
    draft: ExerciseDraft,
    upload: media.CheckedMedia | None,
    submission: uuid.UUID | None,
) -> ClinicExercise:
    """Add an exercise to the clinic's own. The same form sent twice adds it once."""

    def save(name: str) -> ClinicExercise:
        with transaction.atomic(durable=True):
            exercise = ClinicExercise(clinic=clinic, created_by=actor, submission=submission)
            _apply(exercise, draft)
            _set_media(exercise, upload, name)
            exercise.save()
            audit(actor, None, AuditAction.CLINIC_EXERCISE_CREATE, exercise.id)
        return exercise

    return once(
        lambda: record_for_submission(ClinicExercise, submission, clinic=clinic),
        lambda: _with_file(upload, save),
    )


def exercise_update(
    *,
    actor: User,
    exercise: ClinicExercise,
    draft: ExerciseDraft,
    upload: media.CheckedMedia | None,
    remove_media: bool,
) -> ClinicExercise:
    """Change an exercise; a new upload replaces its photo or video, ``remove_media`` drops
    it. The programs that use it show the change at once."""

    def save(name: str) -> ClinicExercise:
        with transaction.atomic(durable=True):
            locked = ClinicExercise.objects.select_for_update().get(pk=exercise.pk)
            old = locked.media_name
            _apply(locked, draft)
            if upload is not None or remove_media:
                _set_media(locked, upload, name)
            locked.updated_at = timezone.now()
            locked.save()
            audit(actor, None, AuditAction.CLINIC_EXERCISE_CHANGE, locked.id)
            if old and old != locked.media_name:
                transaction.on_commit(lambda: media.delete(old))
        return locked

    return _with_file(upload, save)


def in_use(exercise: ClinicExercise) -> bool:
    """Whether any program of the clinic, of any version, has the exercise."""
    return ProgramItem.objects.filter(
        exercise_id=exercise.exercise_id, program__episode__clinic_id=exercise.clinic_id
    ).exists()


def exercise_archive(*, actor: User, exercise: ClinicExercise) -> bool:
    """Take an exercise out of use: archived when a program has it (that program keeps
    showing it, photo or video included), deleted with its file when none does. True when
    archived, False when deleted.

    The exercise's row is locked while it is decided, and publishing a program locks the
    rows of the own exercises it names (``hold``): a program published at the same moment
    either counts as a use here, or finds the exercise gone and is refused."""
    with transaction.atomic(durable=True):
        locked = ClinicExercise.objects.select_for_update().get(pk=exercise.pk)
        if in_use(locked):
            locked.archived_at = timezone.now()
            locked.updated_at = locked.archived_at
            locked.save(update_fields=["archived_at", "updated_at"])
            audit(actor, None, AuditAction.CLINIC_EXERCISE_ARCHIVE, locked.id)
            return True
        name = locked.media_name
        locked.delete()
        audit(actor, None, AuditAction.CLINIC_EXERCISE_DELETE, exercise.id)
        transaction.on_commit(lambda: media.delete(name))
    return False


def hold(clinic_id: uuid.UUID, exercise_ids: Iterable[str]) -> set[str]:
    """Lock the rows of the clinic's own exercises among ``exercise_ids`` until the
    transaction ends (see ``exercise_archive``); the own ids not found are returned."""
    wanted = {i for i in exercise_ids if is_own_id(i)}
    if not wanted:
        return set()
    found = ClinicExercise.objects.select_for_update().filter(
        clinic_id=clinic_id, exercise_id__in=wanted
    )
    return wanted - set(found.values_list("exercise_id", flat=True))
