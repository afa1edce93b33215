"""A session note against the plan in effect: what the guideline advises against, the session
budget and a plan on hold, and the reasons the note must then give (KNGF 2021)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from backpath.care.models import Episode, PlanVersion
from backpath.care.selectors import plan_on_hold
from backpath.clinical.sessions import SessionCheck, check_session
from backpath.interchange import plan_from_record


@dataclass(frozen=True, slots=True)
class SessionDraft:
    held_on: date
    subjective: str
    objective: str
    analysis: str
    plan: str
    pain_now: int | None
    interventions: tuple[str, ...]
    deviation_reason: str
    over_budget_reason: str


def session_check(
    episode: Episode, plan: PlanVersion, interventions: Sequence[str]
) -> SessionCheck:
    avoid = plan_from_record(plan.plan).avoid
    number = episode.sessions.count() + 1
    return check_session(
        interventions, avoid, number, plan.max_sessions, on_hold=plan_on_hold(plan)
    )


def session_problems(check: SessionCheck, draft: SessionDraft) -> list[tuple[str, str]]:
    """The reasons a session note still lacks for its plan, as (field, message) pairs."""
    problems: list[tuple[str, str]] = []
    if check.needs_reason and not draft.deviation_reason.strip():
        problems.append(
            (
                "deviation_reason",
                _("You chose care the guideline advises against: give the reason.")
                if check.not_recommended
                else _(
                    "The plan waits for the GP's answer to a red flag: "
                    "give the reason to treat now."
                ),
            )
        )
    if check.over_budget and not draft.over_budget_reason.strip():
        problems.append(
            (
                "over_budget_reason",
                _("This session goes over the profile's session budget: give the reason."),
            )
        )
    return problems
