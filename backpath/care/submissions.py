"""Double submits: a form carries a ``submission`` id, stored unique on the record it creates,
so a repeated submit (a double click, the Back button, a retry) returns the first record.

Also when the two arrive at the same moment: both look, neither finds a record, both write.
One wins; the other fails (the unique ``submission`` refuses its insert, or, waiting behind
the winner's lock, it finds the record no longer allows its write) and then answers with the
record the winner stored. ``once`` is that rule, for every service that takes a submission.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import SuspiciousOperation
from django.db.models import Model

from backpath.care.models import Episode, SessionNote

RecordT = TypeVar("RecordT", bound=Model)
StoredT = TypeVar("StoredT")


def once(stored: Callable[[], StoredT | None], write: Callable[[], StoredT]) -> StoredT:
    """The record a submit stored (``stored()``), or else the one ``write()`` stores now.

    ``write`` runs the whole write in its own transaction (``atomic(durable=True)`` when it
    is the outermost one). When it fails and ``stored()`` now finds the record, an identical
    submit won the race and that record is the answer: the failed write is rolled back, its
    access-log entry and any email waiting for the commit with it. A failure with nothing
    stored (a refusal of its own, a different form taking the same place) is raised as it was.
    """
    if (found := stored()) is not None:
        return found
    try:
        return write()
    except Exception:
        # Whatever refused the write: the unique submission id, or the state the other
        # submit left behind its lock (the next number now needs a reason, the hold is gone).
        if (found := stored()) is not None:
            return found
        raise


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
