"""Double submits: a form carries a ``submission`` id, stored unique on the record it creates,
so a repeated submit (a double click, the Back button, a retry) returns the first record."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from django.core.exceptions import SuspiciousOperation
from django.db.models import Model

from backpath.care.models import Episode, SessionNote

RecordT = TypeVar("RecordT", bound=Model)


def record_for_submission(
    model: type[RecordT], submission: uuid.UUID | None, **scope: Any
) -> RecordT | None:
    """The record an earlier submit of the same form created, if any.

    The id must have been used in the same place (clinic or episode): a form id reused
    elsewhere is a tampered form and is refused, never answered with another record.
    """
    if submission is None:
        return None
    found = model._default_manager.filter(submission=submission).first()
    if found is None:
        return None
    if any(getattr(found, f"{key}_id") != value.pk for key, value in scope.items()):
        raise SuspiciousOperation("a form's submission id was reused elsewhere")
    return found


def session_already_saved(episode: Episode, submission: uuid.UUID | None) -> SessionNote | None:
    return record_for_submission(SessionNote, submission, episode=episode)
