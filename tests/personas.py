"""Personas for the tests of the Django apps (after Healthchecks' Alice/Bob/Charlie).

Clinic X ("De Linde"): Xavier the clinic admin, Claire the clinician, patients Amy (A) and
Ben (B). Clinic Y: Yara the clinician. Each episode below is built through the services, so
the tests see the same records the pages create.

The fixtures here are registered by the ``conftest.py`` of each folder that uses them
(``tests/care``, ``tests/web``, ...): ``_fast_passwords`` (autouse there), ``world``,
``english`` and ``licensed_qbpds``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client
from django.utils import timezone

from backpath.accounts.models import Clinic, Role, User
from backpath.care import services
from backpath.care.models import Episode, Patient
from backpath.care.questionnaires import questionnaire
from backpath.clinical.followup import recheck_flags
from backpath.clinical.instruments import instrument
from backpath.clinical.redflags import AskedOf, red_flag_bank
from backpath.followup import services as followup_services
from backpath.followup.models import Alert, CheckKind, RedFlagCheck

PASSWORD = "a-long-test-password-1"


def no_flags() -> dict[str, bool | str]:
    return {f.id: False for f in red_flag_bank().flags if f.asked_of is AskedOf.PATIENT}


CLINICIAN_FLAGS = tuple(f.id for f in red_flag_bank().flags if f.asked_of is AskedOf.CLINICIAN)


def low_risk_answers() -> dict[str, dict[str, int]]:
    return {
        "startback": {f"q{i}": 0 for i in range(1, 9)} | {"q9": 1},
        "nprs": {"q1": 4},
        "psk": {"q1": 5},
        "qbpds": {item.link_id: 1 for item in instrument("qbpds").items},
    }


def submit_intake(
    actor: User,
    episode: Episode,
    answers: dict[str, dict[str, int]],
    red_flags: dict[str, bool | str] | None = None,
) -> None:
    """The whole intake: every red-flag question answered (no, unless ``red_flags`` says)."""
    services.intake_save_safety(
        actor=actor,
        episode=episode,
        red_flags=no_flags() | (red_flags or {}),
        facts={"smoker": False, "cardiovascular_disease": False},
    )
    services.intake_submit(
        actor=actor,
        episode=episode,
        description="Low back pain after lifting.",
        complaint={
            "onset": (timezone.localdate() - timedelta(weeks=2)).isoformat(),
            "leg_pain": "none",
            "leg_pain_dominant": False,
            "first_episode": False,
            "course": "improving",
            "heavy_physical_work": False,
        },
        answers=answers,
        item_notes={},
        instrument_versions={},
    )


def review(actor: User, episode: Episode) -> None:
    services.review_record(
        actor=actor,
        episode=episode,
        findings={},
        clinician_flags=dict.fromkeys(CLINICIAN_FLAGS, False),
        prognostic_factors=(),
        profile_override=None,
        submission=None,
    )


@dataclass
class World:
    clinic_x: Clinic
    clinic_y: Clinic
    xavier: User  # clinic admin, clinic X
    claire: User  # clinician, clinic X
    yara: User  # clinician, clinic Y
    amy: User  # patient A, clinic X
    ben: User  # patient B, clinic X
    amy_patient: Patient
    ben_patient: Patient
    yara_patient: Patient
    amy_episode: Episode  # in treatment, with a plan
    ben_episode: Episode  # intake not yet filled in
    yara_episode: Episode  # clinic Y, in treatment

    def client_for(self, user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


def _user(email: str, clinic: Clinic, role: Role, **extra: object) -> User:
    return User.objects.create_user(
        email, PASSWORD, clinic=clinic, role=role, first_name=email.split("@")[0].title(), **extra
    )


def _patient(actor: User, first: str, user: User | None) -> Patient:
    return services.patient_create(
        actor=actor,
        submission=None,
        first_name=first,
        last_name="Test",
        date_of_birth=date(1980, 5, 17),
        sex="female",
        user=user,
    )


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """Hashing a password properly takes ~0.3 s by design; tests need no such protection."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db: None) -> World:
    # Two-step login off: the page tests log in with force_login; tests/accounts/
    # test_two_factor.py turns it on.
    clinic_x = Clinic.objects.create(name="De Linde", require_staff_2fa=False)
    clinic_y = Clinic.objects.create(name="Other Clinic", require_staff_2fa=False)
    xavier = _user("xavier@x.example", clinic_x, Role.CLINIC_ADMIN, is_staff=True)
    claire = _user("claire@x.example", clinic_x, Role.CLINICIAN)
    yara = _user("yara@y.example", clinic_y, Role.CLINICIAN)
    amy = _user("amy@patient.example", clinic_x, Role.PATIENT)
    ben = _user("ben@patient.example", clinic_x, Role.PATIENT)
    amy_patient = _patient(claire, "Amy", amy)
    ben_patient = _patient(claire, "Ben", ben)
    yara_patient = _patient(yara, "Yves", None)
    amy_episode = services.episode_open(
        actor=claire, patient=amy_patient, extra_instruments=(), submission=None
    )
    submit_intake(claire, amy_episode, low_risk_answers())
    review(claire, amy_episode)
    ben_episode = services.episode_open(
        actor=claire, patient=ben_patient, extra_instruments=(), submission=None
    )
    yara_episode = services.episode_open(
        actor=yara, patient=yara_patient, extra_instruments=(), submission=None
    )
    submit_intake(yara, yara_episode, low_risk_answers())
    review(yara, yara_episode)
    for episode in (amy_episode, ben_episode, yara_episode):
        episode.refresh_from_db()
    return World(
        clinic_x,
        clinic_y,
        xavier,
        claire,
        yara,
        amy,
        ben,
        amy_patient,
        ben_patient,
        yara_patient,
        amy_episode,
        ben_episode,
        yara_episode,
    )


@pytest.fixture
def english(world: World) -> World:
    """Every persona reads the interface in English."""
    for user in (world.xavier, world.claire, world.yara, world.amy, world.ben):
        user.language = "en"
        user.save(update_fields=["language"])
    return world


@pytest.fixture
def licensed_qbpds(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """A clinic that has loaded (made-up) licensed QBPDS wording, so the intake asks it."""
    items = [
        {
            "link_id": item.link_id,
            "text": {"nl": f"Testactiviteit {n}", "en": f"Test activity {n}"},
        }
        for n, item in enumerate(instrument("qbpds").items, start=1)
    ]
    settings.WORDING_DIR = tmp_path
    (tmp_path / "qbpds.yaml").write_text(yaml.safe_dump({"id": "qbpds", "items": items}))
    questionnaire.cache_clear()
    yield tmp_path
    questionnaire.cache_clear()


def make_due(episode: Episode, key: str, due: date) -> None:
    """Date one of the plan's evaluations (``week-3``) to ``due``, as if weeks had passed."""
    plan = episode.plans.order_by("-number").first()
    assert plan is not None
    week = int(key.removeprefix("week-"))
    for copy in plan.plan.values():
        for line in copy["evaluations"]:
            if line["at"] == "evaluation" and line["week"] == week:
                line["due"] = due.isoformat()
    plan.save(update_fields=["plan"])


def amy_due(world: World) -> str:
    """Amy's week-3 questionnaire (low risk), made due today."""
    make_due(world.amy_episode, "week-3", timezone.localdate())
    return "week-3"


def amy_check(world: World) -> RedFlagCheck:
    return followup_services.recheck_record(
        actor=world.amy,
        episode=world.amy_episode,
        kind=CheckKind.WEEKLY,
        answers=dict.fromkeys(recheck_flags(), False),
        submission=None,
    )


def amy_alert(world: World) -> Alert:
    check = followup_services.recheck_record(
        actor=world.amy,
        episode=world.amy_episode,
        kind=CheckKind.WEEKLY,
        answers=dict.fromkeys(recheck_flags(), False) | {"CES-2": True},
        submission=None,
    )
    return Alert.objects.get(key=str(check.id))
