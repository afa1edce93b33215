"""A cohort for the research export, built through the services on top of the personas.

Clinic X: Amy's first episode has it all (sessions, one advised against and one over the
budget, a plan change, a home program with a log, re-checks with alerts, measurements at
week 3, discharge and 3 months after, a discharge summary), her second is the return after
discharge; Ben's intake is not filled in; Max, Mo and Milo (male) are in treatment with one
session each, Milo with a profile the clinician chose over the advice. Clinic Y: Yves.

Every person carries a name, address and phone number, and every record free text, that
must never reach an export file: ``Cohort.never`` lists them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from backpath.accounts.models import User
from backpath.care import services
from backpath.care.models import Episode, Patient
from backpath.care.session_checks import SessionDraft
from backpath.clinical.followup import recheck_flags
from backpath.clinical.instruments import instrument
from backpath.exercises.library import Dosage
from backpath.followup import services as followup_services
from backpath.followup.models import CheckKind
from backpath.followup.selectors import between_visits
from backpath.programs import services as program_services
from tests.personas import CLINICIAN_FLAGS, World, amy_alert, amy_due, low_risk_answers, no_flags

_PERSONAL = {
    "amy_patient": ("Amaryllis", "Quixfeather", "+31 6 1111 2222", "amaryllis@home.example"),
    "ben_patient": ("Benedikt", "Zwanenburg", "020 333 44 55", "benedikt@home.example"),
    "yara_patient": ("Yvesander", "Oosterbroek", "(010) 777 8888", "yvesander@home.example"),
}
MALE = (
    ("Maximilian", "Vredenburgh", "+31 20 999 0001"),
    ("Mortimer", "Kapteijnsz", "+31 20 999 0002"),
    ("Milovan", "Duifhuizen", "+31 20 999 0003"),
)
GP = {
    "gp_name": "Dr. Hieronymus Bleekveld",
    "gp_practice": "Praktijk Kromme Zandweg",
    "gp_phone": "+31 30 555 6666",
    "gp_address": "Kromme Zandweg 77, 3512 XY Utrecht",
    "referrer": "Fysio Referrer Wolkenkrabber",
}
BORN = date(1980, 5, 17)


@dataclass(frozen=True)
class Cohort:
    world: World
    amy_first: Episode
    amy_return: Episode
    male: tuple[Episode, ...]
    never: tuple[str, ...]  # texts that no export file may hold
    budget: int  # Amy's session budget before the plan change


def _secret(name: str) -> str:
    return f"SECRET-{name}-TEXT"


def _note(number: int, interventions: tuple[str, ...], **reasons: str) -> SessionDraft:
    return SessionDraft(
        held_on=timezone.localdate(),
        subjective=_secret(f"SUBJECTIVE{number}"),
        objective=_secret(f"OBJECTIVE{number}"),
        analysis=_secret(f"ANALYSIS{number}"),
        plan=_secret(f"PLAN{number}"),
        pain_now=3,
        interventions=interventions,
        deviation_reason=reasons.get("deviation", ""),
        over_budget_reason=reasons.get("over_budget", ""),
    )


def _intake(actor: User, episode: Episode) -> None:
    services.intake_save_safety(
        actor=actor,
        episode=episode,
        red_flags=no_flags(),
        facts={"smoker": False, "cardiovascular_disease": False},
    )
    services.intake_submit(
        actor=actor,
        episode=episode,
        description=_secret("DESCRIPTION"),
        complaint={
            "onset": (timezone.localdate() - timedelta(weeks=3)).isoformat(),
            "leg_pain": "none",
            "leg_pain_dominant": False,
            "first_episode": True,
            "course": "unchanged",
            "heavy_physical_work": False,
        },
        answers=low_risk_answers(),
        item_notes={"psk": {"q1": _secret("ACTIVITY")}},
        instrument_versions={},
    )


def _review(actor: User, episode: Episode, override: str | None = None) -> None:
    services.review_record(
        actor=actor,
        episode=episode,
        findings={"notes": _secret("FINDINGS")},
        clinician_flags=dict.fromkeys(CLINICIAN_FLAGS, False),
        prognostic_factors=(),
        profile_override={"profile": override, "reason": _secret("OVERRIDE")} if override else None,
        submission=None,
    )


def _measure(world: World, episode: Episode, key: str, answers: dict[str, dict[str, int]]) -> None:
    state = between_visits(episode, timezone.localdate())
    occasion = next(o for o in state.occasions if o.key == key)
    assert state.plan is not None
    followup_services.measurement_record(
        actor=world.amy,
        episode=episode,
        plan=state.plan,
        occasion=occasion,
        answers=answers,
        instrument_versions={},
        today=timezone.localdate(),
    )


def _amy(world: World) -> tuple[Episode, int]:
    """Amy's first episode, from sessions to the follow-up after discharge."""
    episode, claire = world.amy_episode, world.claire
    budget = episode.plans.get().max_sessions
    sessions = [
        _note(1, ("education", "exercise_therapy")),
        _note(2, ("exercise_therapy", "massage"), deviation=_secret("DEVIATION")),
        *(_note(n, ("exercise_therapy",)) for n in range(3, budget + 1)),
        _note(budget + 1, ("exercise_therapy",), over_budget=_secret("OVERBUDGET")),
    ]
    for draft in sessions:
        services.session_record(actor=claire, episode=episode, draft=draft, submission=None)
    services.plan_adjust(
        actor=claire,
        episode=episode,
        max_sessions=budget + 3,
        omitted=[{"id": "education", "reason": _secret("OMITTED")}],
        note=_secret("PLANNOTE"),
        reason=_secret("PLANREASON"),
        submission=None,
    )
    program = program_services.program_publish(
        actor=claire,
        episode=episode,
        items=[program_services.ItemDraft("bridge", Dosage(sets=2, reps=10), 7)],
        quota=None,
        note=_secret("PROGRAMNOTE"),
        reason="",
        submission=None,
    )
    program_services.exercise_log(
        actor=world.amy,
        episode=episode,
        item=program.items.get(),
        day=timezone.localdate(),
        done=True,
        pain=2,
        difficulty=2,
    )
    amy_alert(world)  # a red flag at the weekly re-check
    followup_services.recheck_record(
        actor=world.amy,
        episode=episode,
        kind=CheckKind.FLARE,
        answers=dict.fromkeys(recheck_flags(), False),
        submission=None,
        pain=7,
        note=_secret("FLARENOTE"),
    )
    followup_services.long_standing_document(
        actor=claire,
        episode=episode,
        flag=followup_services.markable_flags()[0],
        reason=_secret("LONGSTANDING"),
        submission=None,
    )
    amy_due(world)
    _measure(world, episode, "week-3", {"nprs": {"q1": 1}, "psk": {"q1": 2}, "gpe": {"q1": 2}})
    services.episode_close(
        actor=claire, episode=episode, reason="goals_reached", summary=_secret("SUMMARY")
    )
    episode.refresh_from_db()
    qbpds = {item.link_id: 0 for item in instrument("qbpds").items}
    _measure(world, episode, "discharge", {"nprs": {"q1": 1}, "qbpds": qbpds, "gpe": {"q1": 1}})
    _measure(world, episode, "followup-3m", {"nprs": {"q1": 5}, "psk": {"q1": 6}, "gpe": {"q1": 5}})
    return episode, budget


def build_cohort(world: World) -> Cohort:
    for attribute, (first, last, phone, email) in _PERSONAL.items():
        patient: Patient = getattr(world, attribute)
        Patient.objects.filter(pk=patient.pk).update(
            first_name=first, last_name=last, phone=phone, email=email, **GP
        )
    amy_first, budget = _amy(world)
    amy_return = followup_services.come_back(
        actor=world.amy, closed=amy_first, today=timezone.localdate()
    )
    male = []
    for number, (first, last, phone) in enumerate(MALE):
        patient = services.patient_create(
            actor=world.claire,
            submission=None,
            first_name=first,
            last_name=last,
            date_of_birth=BORN,
            sex="male",
            phone=phone,
            **GP,
        )
        episode = services.episode_open(
            actor=world.claire, patient=patient, extra_instruments=(), submission=None
        )
        _intake(world.claire, episode)
        _review(world.claire, episode, override="medium" if number == 2 else None)
        codes = ("education", "self_management") if number == 0 else ("education",)
        draft = _note(10 + number, codes)
        services.session_record(actor=world.claire, episode=episode, draft=draft, submission=None)
        male.append(episode)
    services.session_record(
        actor=world.yara,
        episode=world.yara_episode,
        draft=_note(20, ("education",)),
        submission=None,
    )
    people = [*_PERSONAL.values(), *((*m, "") for m in MALE)]
    never = (
        *(text for person in people for text in person if text),
        *GP.values(),
        *(user.email for user in (world.xavier, world.claire, world.yara, world.amy, world.ben)),
        "patient.example",
        world.clinic_x.name,
        world.clinic_y.name,
        "Low back pain after lifting.",  # the personas' intake description
        "SECRET-",
    )
    return Cohort(world, amy_first, amy_return, tuple(male), never, budget)
