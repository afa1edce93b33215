"""The episodes behind one quality figure: those it counts among, marked whether the figure
counted them. Each shown patient's read is access-logged, like any read of patient data."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case, Q, QuerySet, Value, When
from django.http import QueryDict
from django.utils import timezone

from backpath.accounts.models import User
from backpath.auditlog.models import Action
from backpath.auditlog.services import record
from backpath.clinical.followup import OVERDUE_AFTER
from backpath.quality.figures import (
    AGAINST,
    EPISODE_MEASURES,
    OUTCOME_OCCASIONS,
    Scope,
    dropout_rows,
    occasion_measure,
    scoped,
)
from backpath.quality.measures import Section, measures
from backpath.quality.models import EpisodeFacts, OccasionFacts
from backpath.quality.report import counted_at

# A figure's episodes are listed up to this many (the most recent first): a page to act on,
# not an export.
LIMIT = 100


@dataclass(frozen=True, slots=True)
class Asked:
    measure: str
    occasion: str | None


def asked(query: QueryDict) -> Asked | None:
    """The figure asked for, or None when there is no such figure."""
    measure = measures().get(query.get("measure", ""))
    if measure is None:
        return None
    if measure.section is Section.OCCASIONS:
        occasion = query.get("occasion", "")
        if occasion not in OUTCOME_OCCASIONS or not counted_at(occasion, measure.id):
            return None
        return Asked(measure.id, occasion)
    return Asked(measure.id, None)


@dataclass(frozen=True, slots=True)
class Row:
    episode_id: uuid.UUID
    patient_id: uuid.UUID
    patient: str
    opened_on: date
    profile: str
    counted: bool


def _episode_rows(scope: Scope, measure: str, today: date) -> QuerySet[Any]:
    rows: QuerySet[Any] = scoped(EpisodeFacts, scope, scope.start).filter(scope.period())
    if measure == "dropout":
        annotated, dropped = dropout_rows(rows, today)
        return annotated.filter(seen=True).annotate(counted=_flag(dropped))
    part, whole = AGAINST if measure == "sessions_not_recommended" else EPISODE_MEASURES[measure]
    counted: QuerySet[Any] = rows.filter(whole).annotate(counted=_flag(part))
    return counted


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False))


def episodes(user: User, scope: Scope, asked: Asked) -> list[Row]:
    today = timezone.localdate()
    if asked.occasion is None:
        rows: QuerySet[Any] = _episode_rows(scope, asked.measure, today)
    else:
        part, whole = occasion_measure(asked.measure, today - OVERDUE_AFTER)
        rows = (
            scoped(OccasionFacts, scope, scope.start)
            .filter(scope.period(), occasion=asked.occasion)
            .filter(whole)
            .annotate(counted=_flag(part))
        )
    found = [
        Row(
            episode_id,
            patient_id,
            f"{first} {last}",
            opened_on,
            profile,
            counted,
        )
        for episode_id, patient_id, first, last, opened_on, profile, counted in rows.order_by(
            "-opened_on", "episode_id"
        ).values_list(
            "episode_id",
            "episode__patient_id",
            "episode__patient__first_name",
            "episode__patient__last_name",
            "opened_on",
            "profile",
            "counted",
        )[:LIMIT]
    ]
    for row in found:
        record(
            actor=user,
            action=Action.VIEW,
            patient_id=row.patient_id,
            object_type="episode",
            object_id=row.episode_id,
        )
    return found
