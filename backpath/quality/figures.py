"""Counting the quality figures of a clinic, or of one clinician, over a period.

The episodes are those opened in the period (``Scope``). Two queries whatever the number of
episodes: one row per episode with what the process figures need (annotated in the
database: the intake's state, the advised and the planned profile, the budget, the session
count, the second session's day, the first program's publication), and the sessions' coded
interventions and warnings (JSON lists, counted here). Figures are whole counts with their
denominator; a percentage is shown only when the denominator is not zero.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from backpath.care.models import Assessment, Episode, IntakeStatus, PlanVersion, SessionNote
from backpath.clinical.stratification import Profile
from backpath.programs.models import Program

# Interventions the guideline advises against whatever the profile (KNGF 2021 C.4.3), and
# those it advises against at low risk (C.4.1, C.4.2).
ELECTROTHERAPY = frozenset({"tens", "interferential"})
PASSIVE_AT_LOW_RISK = frozenset({"massage", "spinal_manipulation"})
# A session during a plan's hold carries "hold" among its warnings: not an intervention.
NOT_AN_INTERVENTION = frozenset({"hold"})


@dataclass(frozen=True, slots=True)
class Scope:
    clinic_id: uuid.UUID
    start: date
    end: date  # inclusive
    profile: Profile | None = None  # the care plan's profile
    clinician_id: int | None = None  # only episodes this clinician opened or treated

    def previous(self) -> Scope:
        """The period of the same length just before, for the comparison."""
        days = (self.end - self.start).days + 1
        return Scope(
            self.clinic_id,
            self.start - timedelta(days=days),
            self.start - timedelta(days=1),
            self.profile,
            self.clinician_id,
        )


@dataclass(frozen=True, slots=True)
class Share:
    """``part`` of ``whole``; no percentage without a whole."""

    part: int
    whole: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.part / self.whole) if self.whole else None


@dataclass(frozen=True, slots=True)
class Figures:
    episodes: int
    counts: Mapping[str, Share]  # measure id -> count
    given_against_plan: Sequence[tuple[str, int]]  # intervention -> sessions, most first


def _aware(day: date, end: bool = False) -> datetime:
    moment = datetime.combine(day + timedelta(days=1) if end else day, time.min)
    return timezone.make_aware(moment)


def episodes_in(scope: Scope) -> QuerySet[Episode]:
    found = Episode.objects.filter(
        clinic_id=scope.clinic_id,
        opened_at__gte=_aware(scope.start),
        opened_at__lt=_aware(scope.end, end=True),
    )
    if scope.clinician_id is not None:
        mine = SessionNote.objects.filter(clinician_id=scope.clinician_id).values("episode_id")
        found = found.filter(Q(opened_by_id=scope.clinician_id) | Q(pk__in=mine))
    latest_plan = PlanVersion.objects.filter(episode=OuterRef("pk")).order_by("-number")
    found = found.annotate(plan_profile=Subquery(latest_plan.values("profile")[:1]))
    if scope.profile is not None:
        found = found.filter(plan_profile=scope.profile.value)
    return found


@dataclass(frozen=True, slots=True)
class EpisodeRow:
    """What the process figures read of one episode."""

    pk: uuid.UUID
    intake_status: str | None
    advised: str | None  # the profile backpath advised at the intake
    plan_profile: str | None  # the current care plan's
    budget: int | None  # the current care plan's maximum of sessions
    session_count: int
    second_day: date | None
    program_at: datetime | None  # the first home program's publication


def _rows(episodes: QuerySet[Episode]) -> list[EpisodeRow]:
    latest_plan = PlanVersion.objects.filter(episode=OuterRef("pk")).order_by("-number")
    intake_advice = Assessment.objects.filter(episode=OuterRef("pk"), kind="intake").order_by(
        "created_at"
    )
    sessions = (
        SessionNote.objects.filter(episode=OuterRef("pk"))
        .order_by()
        .values("episode")
        .annotate(n=Count("pk"))
        .values("n")
    )
    second = SessionNote.objects.filter(episode=OuterRef("pk"), number=2)
    first_program = Program.objects.filter(episode=OuterRef("pk")).order_by("number")
    found = episodes.annotate(
        advised=Subquery(intake_advice.values("profile")[:1]),
        budget=Subquery(latest_plan.values("max_sessions")[:1]),
        session_count=Coalesce(Subquery(sessions, output_field=IntegerField()), Value(0)),
        second_day=Subquery(second.values("held_on")[:1]),
        program_at=Subquery(first_program.values("published_at")[:1]),
    ).values(
        "pk",
        "intake__status",
        "advised",
        "plan_profile",
        "budget",
        "session_count",
        "second_day",
        "program_at",
    )
    return [
        EpisodeRow(
            pk=row["pk"],
            intake_status=row["intake__status"],
            advised=row["advised"],
            plan_profile=row["plan_profile"],
            budget=row["budget"],
            session_count=row["session_count"],
            second_day=row["second_day"],
            program_at=row["program_at"],
        )
        for row in found
    ]


def _given(codes: Iterable[str]) -> set[str]:
    return {code for code in codes if code not in NOT_AN_INTERVENTION}


def figures(scope: Scope) -> Figures:
    episodes = episodes_in(scope)
    rows = _rows(episodes)
    # An episode counts once the patient was seen: an intake still being filled in is not
    # yet a missed screening; one treated without it is.
    seen = [
        r
        for r in rows
        if r.session_count > 0 or r.intake_status in (IntakeStatus.SUBMITTED, IntakeStatus.STOPPED)
    ]
    screened = sum(1 for r in seen if r.intake_status not in (None, IntakeStatus.SAFETY))
    # Stopped for a doctor at the red flags: the questionnaires were rightly not asked.
    to_score = [r for r in seen if r.intake_status != IntakeStatus.STOPPED]
    submitted = sum(1 for r in to_score if r.intake_status == IntakeStatus.SUBMITTED)
    planned = [r for r in rows if r.plan_profile]
    followed = sum(1 for r in planned if r.advised == r.plan_profile)
    over = sum(1 for r in planned if r.session_count > (r.budget or 0))
    two_sessions = [r for r in rows if r.second_day is not None]
    early = sum(
        1
        for r in two_sessions
        if r.program_at is not None
        and r.second_day is not None
        and timezone.localdate(r.program_at) <= r.second_day
    )

    low_risk = {r.pk for r in rows if r.plan_profile == Profile.LOW.value}
    sessions = SessionNote.objects.filter(episode__in=episodes.values("pk")).values_list(
        "episode_id", "interventions", "warnings"
    )
    session_total = against = 0
    treated: set[uuid.UUID] = set()
    electro: set[uuid.UUID] = set()
    passive_low: set[uuid.UUID] = set()
    per_intervention: dict[str, int] = {}
    for episode_id, interventions, warnings in sessions.iterator(chunk_size=2000):
        session_total += 1
        treated.add(episode_id)
        given = set(interventions or ())
        warned = _given(warnings or ())
        if warned:
            against += 1
            for code in warned:
                per_intervention[code] = per_intervention.get(code, 0) + 1
        if given & ELECTROTHERAPY:
            electro.add(episode_id)
        if episode_id in low_risk and given & PASSIVE_AT_LOW_RISK:
            passive_low.add(episode_id)

    counts = {
        "redflags_screened": Share(screened, len(seen)),
        "startback_completed": Share(submitted, len(to_score)),
        "advice_followed": Share(followed, len(planned)),
        "program_early": Share(early, len(two_sessions)),
        "over_budget": Share(over, len(planned)),
        "sessions_not_recommended": Share(against, session_total),
        "tens_given": Share(len(electro), len(treated)),
        "low_risk_passive": Share(len(passive_low), len(low_risk & treated)),
    }
    ranked = sorted(per_intervention.items(), key=lambda item: (-item[1], item[0]))
    return Figures(episodes=len(rows), counts=counts, given_against_plan=ranked)
