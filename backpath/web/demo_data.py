"""Demo data: one clinic with an admin, two clinicians and patients at different stages.

Built through the same services the pages use, so the demo shows real records. Loading twice
changes nothing. Every demo account shares one password, printed by ``backpath demo``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from backpath.accounts.models import Clinic, Role, User
from backpath.care import services
from backpath.care.models import Episode, Patient
from backpath.care.session_checks import SessionDraft
from backpath.clinical.instruments import instrument
from backpath.clinical.redflags import AskedOf, red_flag_bank
from backpath.followup.services import diary_save

DEMO_PASSWORD = "backpath-demo-2026"
CLINIC_NAME = "Fysiotherapie De Linde"


@dataclass(frozen=True, slots=True)
class Login:
    email: str
    role: str
    what: str


LOGINS = (
    Login("admin@delinde.example", "clinic admin", "team, admin, all patients"),
    Login(
        "sanne@delinde.example",
        "clinician",
        "dashboard: a review, an urgent intake, a plan waiting for the GP's answer",
    ),
    Login("joost@delinde.example", "clinician", "second clinician"),
    Login("anna@patient.example", "patient", "intake still to fill in"),
    Login("carla@patient.example", "patient", "in treatment: her plan"),
)


def _no_flags() -> dict[str, bool | str]:
    return {f.id: False for f in red_flag_bank().flags if f.asked_of is AskedOf.PATIENT}


def _answers(**per_instrument: dict[str, int]) -> dict[str, dict[str, int]]:
    return dict(per_instrument)


def _qbpds(level: int) -> dict[str, int]:
    return {item.link_id: level for item in instrument("qbpds").items}


LOW = _answers(
    startback={f"q{i}": 0 for i in range(1, 9)} | {"q9": 1},
    nprs={"q1": 4},
    psk={"q1": 5, "q2": 4},
    qbpds=_qbpds(1),
)
MEDIUM = _answers(
    startback={"q1": 1, "q2": 1, "q3": 1, "q4": 0, "q5": 0, "q6": 1, "q7": 0, "q8": 0, "q9": 2},
    nprs={"q1": 6},
    psk={"q1": 7, "q2": 6, "q3": 5},
    qbpds=_qbpds(2),
)


def _user(email: str, first: str, last: str, clinic: Clinic, role: Role) -> User:
    user = User.objects.create_user(
        email, DEMO_PASSWORD, first_name=first, last_name=last, clinic=clinic, role=role
    )
    if role is Role.CLINIC_ADMIN:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


def _patient(clinician: User, first: str, last: str, born: date, sex: str, **extra: Any) -> Patient:
    return services.patient_create(
        actor=clinician,
        submission=None,
        first_name=first,
        last_name=last,
        date_of_birth=born,
        sex=sex,
        gp_name="Dr. M. Visser",
        gp_practice="Huisartsenpraktijk Centrum",
        **extra,
    )


def _clinician_checked() -> dict[str, bool | str]:
    """The clinician's red-flag checklist, examined and found clear."""
    return {f.id: False for f in red_flag_bank().flags if f.asked_of is AskedOf.CLINICIAN}


def _submitted(
    actor: User,
    patient: Patient,
    answers: dict[str, dict[str, int]],
    weeks: int,
    leg_pain: str = "none",
    course: str = "improving",
    red_flags: dict[str, bool | str] | None = None,
) -> Episode:
    episode = services.episode_open(
        actor=actor, patient=patient, extra_instruments=(), submission=None
    )
    services.intake_save_safety(
        actor=actor,
        episode=episode,
        red_flags=red_flags or _no_flags(),
        facts={"smoker": False, "cardiovascular_disease": False},
    )
    services.intake_submit(
        actor=actor,
        episode=episode,
        description="Pijn onder in de rug sinds het tillen van een doos.",
        complaint={
            "onset": (timezone.localdate() - timedelta(weeks=weeks)).isoformat(),
            "leg_pain": leg_pain,
            "leg_pain_dominant": False,
            "first_episode": False,
            "course": course,
            "heavy_physical_work": False,
        },
        answers=answers,
        item_notes={"psk": {"q1": "Zitten op het werk", "q2": "Fietsen"}},
        instrument_versions={},
    )
    return episode


def load_demo() -> bool:
    """Create the demo clinic; returns False when it is already there."""
    if Clinic.objects.filter(name=CLINIC_NAME).exists():
        return False
    # Through the app's own services, each its own transaction as when a clinic works.
    # Two-step login off, so the printed logins work without an authenticator app (the README
    # says how to turn it on: the clinic's setting in the admin).
    clinic = Clinic.objects.create(
        name=CLINIC_NAME, city="Utrecht", phone="030 123 45 67", require_staff_2fa=False
    )
    _user("admin@delinde.example", "Eva", "de Linde", clinic, Role.CLINIC_ADMIN)
    sanne = _user("sanne@delinde.example", "Sanne", "Bakker", clinic, Role.CLINICIAN)
    _user("joost@delinde.example", "Joost", "Mulder", clinic, Role.CLINICIAN)
    today = timezone.localdate()

    # Anna: invited, intake still to fill in on her phone.
    anna = _patient(sanne, "Anna", "de Vries", date(1988, 3, 14), "female")
    anna.user = _user("anna@patient.example", "Anna", "de Vries", clinic, Role.PATIENT)
    anna.email = anna.user.email
    anna.save(update_fields=["user", "email"])
    services.episode_open(actor=sanne, patient=anna, extra_instruments=(), submission=None)

    # Bram: intake submitted, waiting for the clinician's review.
    bram = _patient(sanne, "Bram", "Jansen", date(1975, 9, 2), "male")
    _submitted(sanne, bram, LOW, weeks=2)

    # Henk: had cancer; his plan waits for the GP's answer (no manipulation or massage).
    henk = _patient(sanne, "Henk", "Visser", date(1961, 1, 8), "male")
    held = _submitted(sanne, henk, LOW, weeks=1, red_flags=_no_flags() | {"MAL-1": True})
    services.review_record(
        actor=sanne,
        episode=held,
        findings={"neurological_deficit": False, "slr_positive": False, "notes": ""},
        clinician_flags=_clinician_checked(),
        prognostic_factors=(),
        profile_override=None,
        submission=None,
    )

    # Carla: medium risk, in treatment with two sessions; she has a portal account.
    carla = _patient(sanne, "Carla", "Smit", date(1969, 6, 21), "female")
    carla.user = _user("carla@patient.example", "Carla", "Smit", clinic, Role.PATIENT)
    carla.email = carla.user.email
    carla.save(update_fields=["user", "email"])
    # Her STarT Back says the pain spread down her leg; the complaint says the same.
    episode = _submitted(sanne, carla, MEDIUM, weeks=5, leg_pain="above_knee", course="unchanged")
    services.review_record(
        actor=sanne,
        episode=episode,
        findings={"neurological_deficit": False, "slr_positive": False, "notes": ""},
        clinician_flags=_clinician_checked(),
        prognostic_factors=("fear_of_movement",),
        profile_override=None,
        submission=None,
    )
    for number, (days_ago, given) in enumerate(
        ((7, ("education", "exercise_therapy")), (3, ("exercise_therapy", "graded_activity"))),
        start=1,
    ):
        services.session_record(
            actor=sanne,
            episode=episode,
            draft=SessionDraft(
                held_on=today - timedelta(days=days_ago),
                subjective="Pijn wisselend, fietst weer korte stukjes."
                if number == 2
                else "Bang om te bukken.",
                objective="Flexie beperkt door spierspanning.",
                analysis="Past bij aspecifieke lage rugpijn, gemiddeld risico.",
                plan="Oefenschema thuis, wandelen opbouwen.",
                pain_now=6 - number,
                interventions=given,
                deviation_reason="",
                over_budget_reason="",
            ),
            submission=None,
        )

    # Her diary of the last twelve days: pain easing, walking building up.
    for days_ago in range(12, 0, -1):
        diary_save(
            actor=carla.user,
            episode=episode,
            day=today - timedelta(days=days_ago),
            values={
                "pain": 3 + days_ago // 4,
                "active_minutes": 50 - 2 * days_ago,
                "exercises": "some" if days_ago % 3 == 0 else "all",
                "sitting_breaks": 4 + (12 - days_ago) // 3,
                "sleep": "fair" if days_ago > 6 else "good",
                "stress": 2 + days_ago // 5,
            },
        )

    # Dirk: his intake stopped at a cauda equina answer.
    dirk = _patient(sanne, "Dirk", "Meijer", date(1961, 1, 30), "male")
    urgent = services.episode_open(actor=sanne, patient=dirk, extra_instruments=(), submission=None)
    services.intake_save_safety(
        actor=sanne,
        episode=urgent,
        red_flags=_no_flags() | {"CES-1": True},
        facts={"smoker": True, "cardiovascular_disease": False},
    )
    return True


# A year of past patients for the demo clinic (``backpath generate``'s generator), so that the
# quality page has figures to show; generated up to six weeks ago, so the scripted patients
# above stay the newest on the dashboard.
HISTORY_PATIENTS = 40
HISTORY_SEED = 2026
HISTORY_ENDS_WEEKS_AGO = 6


def load_history() -> int:
    """The demo clinic's past patients; the number generated."""
    from backpath.followup.models import Alert
    from backpath.synthetic.generate import generate

    clinic = Clinic.objects.get(name=CLINIC_NAME)
    scripted = list(Patient.objects.filter(clinic=clinic).values_list("pk", flat=True))
    done = generate(
        clinics=0,
        patients=HISTORY_PATIENTS,
        seed=HISTORY_SEED,
        today=timezone.localdate() - timedelta(weeks=HISTORY_ENDS_WEEKS_AGO),
        into=clinic,
    )
    # Their alerts were handled long ago: the dashboard shows the scripted patients' work.
    Alert.objects.filter(clinic=clinic, resolved_at__isnull=True).exclude(
        episode__patient_id__in=scripted
    ).update(resolved_at=timezone.now())
    return done.patients
