"""A session note against the plan in effect: what the guideline advises against, the session
budget and a plan on hold, and the reasons the note must then give (KNGF 2021)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from backpath.care.models import Episode, PlanVersion, SessionNote
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
    # The clinician saw that a note with the same content was saved today and saves anyway.
    save_anyway: bool = False

    def same_content(self, note: SessionNote) -> bool:
        """The same SOAP texts (spacing at the ends aside) and the same interventions."""
        texts = (self.subjective, self.objective, self.analysis, self.plan)
        stored = (note.subjective, note.objective, note.analysis, note.plan)
        return [t.strip() for t in texts] == [t.strip() for t in stored] and sorted(
            self.interventions
        ) == sorted(note.interventions)


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


def same_note_today(episode: Episode, draft: SessionDraft, today: date) -> SessionNote | None:
    """A note of ``episode`` saved today for the draft's date with the draft's content.

    Save, Back, Save sends the form again with a fresh submission id (the page was loaded
    anew), so the double-submit guard does not see it: this is the second line, asked of the
    clinician rather than refused, as two identical sessions on one day can be real.
    """
    saved_today = episode.sessions.filter(held_on=draft.held_on, created_at__date=today)
    return next((note for note in saved_today.order_by("number") if draft.same_content(note)), None)


DUPLICATE_NOTE = "save_anyway"  # the form field that confirms a note with the same content


def duplicate_problem(note: SessionNote) -> tuple[str, str]:
    return (
        DUPLICATE_NOTE,
        _("A note with the same content was saved today (session %(number)s).")
        % {"number": note.number},
    )
