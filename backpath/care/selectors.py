"""Reads for the clinical pages, each preloading what its page shows (a fixed query count)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from backpath.accounts.models import User
from backpath.care.access import episodes_for, patients_for
from backpath.care.models import (
    Assessment,
    Episode,
    EpisodeStatus,
    Patient,
    PlanVersion,
    SessionNote,
)
from backpath.clinical.pathway import Evaluation, Moment
from backpath.clinical.redflags import AskedOf, red_flag_bank
from backpath.interchange import plan_from_record


def patient_list(user: User, search: str = "") -> QuerySet[Patient]:
    """The clinic's patients with their episode counts; one query."""
    patients = patients_for(user).annotate(
        open_episodes=Count("episodes", filter=~Q(episodes__status=EpisodeStatus.CLOSED)),
        last_opened=Max("episodes__opened_at"),
    )
    for word in search.split()[:4]:
        patients = patients.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return patients.order_by("last_name", "first_name")


def attention_list(user: User) -> QuerySet[Episode]:
    """Open episodes that need the clinician: urgent and not yet seen, or ready for review."""
    return (
        episodes_for(user)
        .filter(
            Q(status=EpisodeStatus.URGENT, urgent_seen_at__isnull=True)
            | Q(status=EpisodeStatus.REVIEW)
        )
        .select_related("patient")
        .order_by("-status", "opened_at")  # "urgent" sorts before "review"
    )


def episode_list(user: User) -> QuerySet[Episode]:
    return (
        episodes_for(user)
        .exclude(status=EpisodeStatus.CLOSED)
        .select_related("patient")
        .annotate(session_count=Count("sessions"))
        .order_by("-opened_at")
    )


@dataclass(frozen=True, slots=True)
class EpisodeRecord:
    episode: Episode
    assessments: list[Assessment]
    plans: list[PlanVersion]
    sessions: list[SessionNote]

    @property
    def intake_assessment(self) -> Assessment | None:
        return next((a for a in self.assessments if a.kind == "intake"), None)

    @property
    def latest(self) -> Assessment | None:
        return self.assessments[-1] if self.assessments else None

    @property
    def plan(self) -> PlanVersion | None:
        return self.plans[-1] if self.plans else None

    @property
    def sessions_used(self) -> int:
        return len(self.sessions)

    @property
    def over_budget(self) -> bool:
        return self.plan is not None and self.sessions_used > self.plan.max_sessions

    def next_evaluation(self, today: date | None = None) -> Evaluation | None:
        """The first dated evaluation after the intake that is not yet past, else the last."""
        if self.plan is None:
            return None
        today = today or timezone.localdate()
        dated = [
            e
            for e in plan_from_record(self.plan.plan).evaluations
            if e.due is not None and e.at is not Moment.INTAKE
        ]
        for evaluation in dated:
            if evaluation.due is not None and evaluation.due >= today:
                return evaluation
        return dated[-1] if dated else None


def episode_record(episode: Episode) -> EpisodeRecord:
    return EpisodeRecord(
        episode=episode,
        assessments=list(episode.assessments.select_related("created_by").order_by("created_at")),
        plans=list(episode.plans.select_related("created_by").order_by("number")),
        sessions=list(episode.sessions.select_related("clinician").order_by("number")),
    )


def current_plan(episode: Episode) -> PlanVersion | None:
    return episode.plans.order_by("-number").first()


def plan_on_hold(plan: PlanVersion | None) -> bool:
    """The plan waits for the GP's answer to a red flag (PW-HOLD-GP)."""
    return plan is not None and plan_from_record(plan.plan).on_hold


def unanswered_by_patient(episode: Episode) -> list[str]:
    """The patient's red-flag questions without a yes or no: "I don't know", or never asked."""
    answers = episode.intake.red_flags
    return [
        flag.id
        for flag in red_flag_bank().flags
        if flag.asked_of is AskedOf.PATIENT and not isinstance(answers.get(flag.id), bool)
    ]
