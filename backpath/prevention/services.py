"""Writes for the prevention checks: store one submission with the advice it gave."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.db import transaction

from backpath.accounts.models import User
from backpath.care.audit import AuditAction, audit
from backpath.care.models import Episode
from backpath.care.submissions import once, record_for_submission
from backpath.education.prevention import CheckKind, advise, validate
from backpath.prevention.models import PreventionCheck


def _resubmitted(
    episode: Episode, kind: CheckKind, submission: uuid.UUID | None
) -> PreventionCheck | None:
    found = record_for_submission(PreventionCheck, submission, episode=episode)
    if found is not None and found.kind != kind:
        raise SuspiciousOperation("a form's submission id was reused for another check")
    return found


def prevention_check_record(
    *,
    actor: User,
    episode: Episode,
    kind: CheckKind,
    answers: dict[str, Any],
    submission: uuid.UUID | None,
) -> PreventionCheck:
    """Validate, advise and store one check; a resubmitted form returns the first record.

    Raises ``ClinicalInputError`` (field, problem) for an answer the check does not allow.
    A double click that raced the first one gets the record the first one stored.
    """

    def write() -> PreventionCheck:
        valid = validate(kind, answers)
        advice = [item.rule for item in advise(kind, valid)]
        with transaction.atomic(durable=True):
            check = PreventionCheck.objects.create(
                episode=episode,
                kind=kind.value,
                answers=valid,
                advice=advice,
                submission=submission,
            )
            audit(actor, episode, AuditAction.PREVENTION_CHECK, check.id)
        return check

    return once(lambda: _resubmitted(episode, kind, submission), write)


def latest_checks(episode: Episode) -> dict[CheckKind, PreventionCheck]:
    """The most recent check of each kind done in this episode (one query per kind)."""
    latest = {
        kind: episode.prevention_checks.filter(kind=kind.value).order_by("-created_at").first()
        for kind in CheckKind
    }
    return {kind: check for kind, check in latest.items() if check is not None}
