"""Many rows at once for the list tests (issue #16): patients, open episodes, session notes and
alerts written with ``bulk_create``, as a clinic of some size would hold them. The services
would take seconds per hundred; these lists read rows, they do not need them made by the app.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from backpath.accounts.models import Clinic, User
from backpath.care.models import Episode, EpisodeStatus, Patient, SessionNote
from backpath.clinical.followup import AlertKind
from backpath.followup.models import Alert


def patients(clinic: Clinic, actor: User | None, names: list[tuple[str, str]]) -> list[Patient]:
    """Patients named (first, last), in that order."""
    return Patient.objects.bulk_create(
        Patient(
            clinic=clinic,
            created_by=actor,
            first_name=first,
            last_name=last,
            date_of_birth=date(1970, 1, 1) + timedelta(days=n),
        )
        for n, (first, last) in enumerate(names)
    )


def numbered(clinic: Clinic, actor: User | None, n: int, last: str = "Bulk") -> list[Patient]:
    return patients(clinic, actor, [(f"P{i:03}", last) for i in range(n)])


def episodes(
    owner: User, of: list[Patient], status: str = EpisodeStatus.TREATMENT, sessions: int = 0
) -> list[Episode]:
    """One open episode per patient, opened by ``owner`` a minute apart, with ``sessions``
    session notes each."""
    start = timezone.now() - timedelta(days=1)
    made = Episode.objects.bulk_create(
        Episode(
            clinic_id=patient.clinic_id,
            patient=patient,
            status=status,
            urgency="same_day" if status == EpisodeStatus.URGENT else "",
            opened_by=owner,
            opened_at=start + timedelta(minutes=n),
        )
        for n, patient in enumerate(of)
    )
    SessionNote.objects.bulk_create(
        SessionNote(
            episode=episode,
            number=number,
            held_on=timezone.localdate(),
            clinician=owner,
            interventions=["education"],
        )
        for episode in made
        for number in range(1, sessions + 1)
    )
    return made


def alerts(of: list[Episode], kind: AlertKind = AlertKind.FLARE) -> list[Alert]:
    return Alert.objects.bulk_create(
        Alert(
            clinic_id=episode.clinic_id,
            episode=episode,
            kind=kind.value,
            key=f"bulk-{n}",
            priority=kind.priority,
            rule="FU-FLARE",
            source="backpath",
            text={"nl": "Opvlamming", "en": "Flare-up"},
        )
        for n, episode in enumerate(of)
    )
