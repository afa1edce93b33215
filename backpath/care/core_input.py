"""From the stored record to the clinical core's input: which questionnaires an episode asks,
the patient's facts for triage, and the input document the core assesses.

The reverse direction (stored results back to the core's types) is ``backpath.interchange``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.utils import timezone

from backpath.care.models import Episode, Intake, Patient
from backpath.care.questionnaires import askable
from backpath.clinical.intake import complete_screen
from backpath.clinical.triage import PatientFacts

# The standard intake (KNGF 2021 A.2 and B.2); the clinician may switch on more.
STANDARD_INSTRUMENTS = ("startback", "nprs", "psk", "qbpds")
OPTIONAL_INSTRUMENTS = ("odi", "rmdq", "tsk11", "orebro_sf", "psfs")


def instruments_for(episode: Episode) -> tuple[str, ...]:
    """The questionnaires this episode's intake asks: those with wording the clinic can show."""
    return tuple(i for i in _chosen(episode) if askable(i))


def withheld_instruments(episode: Episode) -> tuple[str, ...]:
    """Chosen questionnaires left out because their licensed wording is not loaded."""
    return tuple(i for i in _chosen(episode) if not askable(i))


def _chosen(episode: Episode) -> tuple[str, ...]:
    return STANDARD_INSTRUMENTS + tuple(episode.extra_instruments)


def patient_facts(
    patient: Patient, stored: Mapping[str, Any], complaint: Mapping[str, Any]
) -> PatientFacts:
    return PatientFacts(
        age=patient.age_on(timezone.localdate()),
        female=patient.sex == "female",
        smoker=bool(stored.get("smoker")),
        cardiovascular_disease=bool(stored.get("cardiovascular_disease")),
        first_episode=bool(complaint.get("first_episode")),
    )


def core_input(
    episode: Episode,
    intake: Intake,
    today: date,
    *,
    findings: Mapping[str, Any] | None = None,
    clinician_flags: Mapping[str, bool | str] | None = None,
    prognostic_factors: Sequence[str] = (),
    profile_override: Mapping[str, str] | None = None,
    max_sessions: int | None = None,
) -> dict[str, Any]:
    """The core's input document (``backpath.clinical.intake.parse_intake``) for an episode:
    the intake as stored, with the review's findings, flags, factors and profile if given."""
    patient = episode.patient
    facts = intake.patient_facts
    document: dict[str, Any] = {
        "today": today.isoformat(),
        "patient": {
            "age": patient.age_on(today),
            "sex": patient.sex or None,
            "smoker": bool(facts.get("smoker")),
            "cardiovascular_disease": bool(facts.get("cardiovascular_disease")),
        },
        "complaint": dict(intake.complaint),
        "red_flags": complete_screen({**intake.red_flags, **(clinician_flags or {})}),
        "answers": dict(intake.answers),
        "prognostic_factors": list(prognostic_factors),
        "findings": dict(findings or {}),
    }
    if profile_override:
        document["profile_override"] = dict(profile_override)
    if max_sessions is not None:
        profile = (profile_override or {}).get("profile")
        if profile:
            document["session_budget"] = {profile: max_sessions}
    return document
