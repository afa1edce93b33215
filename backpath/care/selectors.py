"""Reads for the clinical pages, each preloading what its page shows (a fixed query count)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from backpath.accounts.models import User
from backpath.care.access import episodes_for, patients_for
from backpath.care.core_input import core_input
from backpath.care.models import (
    Assessment,
    Episode,
    EpisodeStatus,
    Patient,
    PlanVersion,
    SessionNote,
)
from backpath.care.questionnaires import questionnaire
from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import Item
from backpath.clinical.intake import UNKNOWN, assess, parse_intake
from backpath.clinical.language import Lang
from backpath.clinical.pathway import Evaluation, Moment
from backpath.clinical.redflags import AskedOf, red_flag_bank
from backpath.clinical.stratification import prognostic_factors as prognostic_factor_list
from backpath.interchange import in_language, plan_from_record
from backpath.web.i18n import text


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


# --- The intake's answers, as the clinician reads them at the review -----------------------

# Instruments where the patient names each item (an activity) beside its score.
NAMED_ITEMS = ("psk", "psfs")


@dataclass(frozen=True, slots=True)
class FlagAnswer:
    id: str
    question: str


@dataclass(frozen=True, slots=True)
class ItemAnswer:
    link_id: str
    text: str
    value: int | None  # None: not answered
    label: str  # the answer option's words ("Agree", "3 = ..."), empty when not answered
    note: str  # the activity the patient named (PSK, PSFS), else empty


@dataclass(frozen=True, slots=True)
class InstrumentAnswers:
    id: str
    abbreviation: str
    name: str
    named: bool  # items are activities the patient named: only the named ones are shown
    items: tuple[ItemAnswer, ...]

    @property
    def answered(self) -> int:
        return sum(1 for item in self.items if item.value is not None)


@dataclass(frozen=True, slots=True)
class IntakeAnswers:
    """What the patient answered, item by item, in the interface language."""

    flags_yes: tuple[FlagAnswer, ...]
    flags_unknown: tuple[FlagAnswer, ...]  # "I don't know" (or never asked): not a no
    instruments: tuple[InstrumentAnswers, ...]


def _item_answer(item: Item, value: object, note: str) -> ItemAnswer:
    chosen = value if isinstance(value, int) and not isinstance(value, bool) else None
    option = next((o for o in item.options if o.value == chosen), None)
    return ItemAnswer(
        link_id=item.link_id,
        text=text(item.text),
        value=chosen,
        label=text(option.label) if option is not None else "",
        note=note,
    )


def intake_answers(episode: Episode) -> IntakeAnswers:
    """The intake's red-flag answers and every questionnaire item with the patient's answer.

    Red flags: the questions answered yes, and those without a yes or no. Questionnaires in
    the order they were asked; for PSK and PSFS only the activities the patient named or
    rated. No query beyond the intake the episode carries.
    """
    intake = episode.intake
    bank = red_flag_bank()
    flags_yes: list[FlagAnswer] = []
    flags_unknown: list[FlagAnswer] = []
    for flag in bank.flags:
        if flag.asked_of is not AskedOf.PATIENT or flag.id not in intake.red_flags:
            continue
        answer = intake.red_flags[flag.id]
        if answer is True:
            flags_yes.append(FlagAnswer(flag.id, text(flag.question)))
        elif answer == UNKNOWN:
            flags_unknown.append(FlagAnswer(flag.id, text(flag.question)))
    instruments: list[InstrumentAnswers] = []
    notes_by_instrument: Mapping[str, Mapping[str, str]] = intake.item_notes or {}
    for instrument_id, answers in (intake.answers or {}).items():
        try:
            definition = questionnaire(instrument_id)
        except ClinicalInputError:  # an instrument no longer bundled: its scores still show
            continue
        notes = notes_by_instrument.get(instrument_id, {})
        named = instrument_id in NAMED_ITEMS
        items = tuple(
            _item_answer(item, answers.get(item.link_id), notes.get(item.link_id, ""))
            for item in definition.items
            if not named or item.link_id in answers or item.link_id in notes
        )
        instruments.append(
            InstrumentAnswers(
                id=instrument_id,
                abbreviation=definition.abbreviation,
                name=text(definition.name),
                named=named,
                items=items,
            )
        )
    return IntakeAnswers(tuple(flags_yes), tuple(flags_unknown), tuple(instruments))


def review_factors(assessment: Assessment | None) -> list[str]:
    """The prognostic factors the review form offers pre-ticked: those the assessment read
    from the intake's answers (complaint and questionnaires), and those a clinician documented
    at an earlier review. The clinician unticks what the interview does not confirm."""
    if assessment is None:
        return []
    # The facts are the same in both languages' copies.
    result: Mapping[str, Any] = in_language(assessment.result, Lang.EN)
    known = prognostic_factor_list().factors
    return [factor["id"] for factor in result["prognostic_factors"] if factor["id"] in known]


def review_advice(episode: Episode, documented: Sequence[str]) -> str | None:
    """The profile the review will advise with ``documented`` as the clinician's factors.

    A ticked factor counts as documented, and documented psychosocial factors can raise a
    low STarT Back result (STRAT-PF-UP): the form compares the chosen profile with this
    advice, so keeping the advised profile never gives a plan of another profile unasked.
    """
    known = prognostic_factor_list().factors
    document = core_input(
        episode,
        episode.intake,
        timezone.localdate(),
        prognostic_factors=[factor for factor in documented if factor in known],
    )
    advice = assess(parse_intake(document)).advice
    return advice.profile.value if advice is not None else None
