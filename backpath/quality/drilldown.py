"""The episodes behind one quality figure: those it counts among, marked whether the figure
counted them. Each shown patient's read is access-logged, like any read of patient data."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.db.models import Case, Q, QuerySet, Value, When
from django.http import QueryDict
from django.utils import timezone

from backpath.accounts.models import User
from backpath.auditlog.models import Action
from backpath.auditlog.services import record
from backpath.care.models import PlanVersion, SessionNote
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
    reasons: tuple[str, ...] = ()  # why the plan left the advice, or care was given against it


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
    found = _with_reasons(found, asked.measure)
    for row in found:
        record(
            actor=user,
            action=Action.VIEW,
            patient_id=row.patient_id,
            object_type="episode",
            object_id=row.episode_id,
        )
    return found


# The figures whose episodes carry the clinician's own reason: the profile chosen against
# backpath's advice (the plan's reason), and care given against the plan (the session's).
OVERRIDE = "advice_followed"
AGAINST_THE_PLAN = frozenset({"sessions_not_recommended", "tens_given", "low_risk_passive"})


def _with_reasons(rows: list[Row], measure: str) -> list[Row]:
    ids = [row.episode_id for row in rows]
    reasons: dict[uuid.UUID, list[str]] = {}
    if measure == OVERRIDE:
        # The reason of the plan version now in force (the newest).
        for episode_id, reason in (
            PlanVersion.objects.filter(episode_id__in=ids)
            .exclude(reason="")
            .order_by("episode_id", "-number")
            .values_list("episode_id", "reason")
        ):
            reasons.setdefault(episode_id, [reason])
    elif measure in AGAINST_THE_PLAN:
        for episode_id, reason in (
            SessionNote.objects.filter(episode_id__in=ids)
            .exclude(deviation_reason="")
            .order_by("episode_id", "number")
            .values_list("episode_id", "deviation_reason")
        ):
            reasons.setdefault(episode_id, []).append(reason)
    else:
        return rows
    return [replace(row, reasons=tuple(reasons.get(row.episode_id, ()))) for row in rows]
