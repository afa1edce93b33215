"""A full record for Amy, with a name, address and free text that occur nowhere else, and
the erasure request the permission matrix needs (``amy_erasure_request``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backpath.accounts.services import invitation_send
from backpath.care import services as care_services
from backpath.care.models import Assessment, Patient, SessionNote
from backpath.clinical.followup import recheck_flags
from backpath.exercises.library import Dosage
from backpath.exercises.programs import GradedQuota
from backpath.followup import services as followup_services
from backpath.followup.models import CheckKind, DiaryEntry, Measurement
from backpath.learning.models import ModuleRead
from backpath.prevention.models import PreventionCheck
from backpath.privacy.models import ErasureRequest
from backpath.programs.models import ExerciseLog, Quota, QuotaLog
from backpath.programs.services import ItemDraft, program_publish
from backpath.reminders.models import ReminderSent
from backpath.reminders.services import calendar_token_new
from tests.personas import CLINICIAN_FLAGS, World

# Found nowhere in backpath or its test data: a hit can only be Amy's own data.
MARKER = "ZEBRA-7741"
FIRST, LAST = "Amaryllis", "Quaggenbosch"
EMAIL = "amaryllis.q@patient.example"
BORN = date(1979, 3, 14)


def amy_erasure_request(world: World) -> ErasureRequest:
    return ErasureRequest.objects.create(
        patient=world.amy_patient, requested_by=world.amy, reason="Please erase my data."
    )


def text(what: str) -> str:
    return f"{MARKER} {what} of {FIRST}"


def fill_amy(world: World) -> dict[str, Any]:
    """Amy's record in every table, through the services where they exist; returns what
    the tests compare before and after erasure."""
    amy, claire, episode = world.amy, world.claire, world.amy_episode
    patient = world.amy_patient
    amy.first_name, amy.last_name, amy.email = FIRST, LAST, EMAIL
    amy.save(update_fields=["first_name", "last_name", "email"])
    Patient.objects.filter(pk=patient.pk).update(
        first_name=FIRST,
        last_name=LAST,
        date_of_birth=BORN,
        email=EMAIL,
        gp_name="Dr. Heliotroop",
        gp_practice="Huisartsenpraktijk Heliotroop",
        referrer="Dr. Heliotroop",
    )
    patient.refresh_from_db()
    episode.intake.description = text("complaint")
    episode.intake.item_notes = {"psk": {"q1": text("activity")}}
    episode.intake.save(update_fields=["description", "item_notes"])

    # A second review with notes and a profile of the clinician's own, then a plan change.
    care_services.review_record(
        actor=claire,
        episode=episode,
        findings={"notes": text("examination")},
        clinician_flags=dict.fromkeys(CLINICIAN_FLAGS, False),
        prognostic_factors=(),
        profile_override={"profile": "medium", "reason": text("profile")},
        submission=None,
    )
    plan = care_services.plan_adjust(
        actor=claire,
        episode=episode,
        max_sessions=5,
        omitted=[{"id": "education", "reason": text("omission")}],
        note=text("plan note"),
        reason=text("plan change"),
        submission=None,
    )
    # The GP's answer as the core quotes it (a real one needs a plan on hold).
    latest = Assessment.objects.filter(episode=episode).order_by("-created_at").first()
    assert latest is not None
    gp_quote = f"The GP answered on 2025-01-02: {text('GP')}. The plan is released."
    Assessment.objects.create(
        episode=episode,
        kind="review",
        input={**latest.input, "gp_answer": {"answered_on": "2025-01-02", "note": text("GP")}},
        result={"en": {"reasons": [{"rule": "PW-GP-ANSWER", "text": gp_quote}]}, "nl": {}},
        urgency=latest.urgency,
        redflags_ruleset=latest.redflags_ruleset,
        backpath_version=latest.backpath_version,
    )
    SessionNote.objects.create(
        episode=episode,
        number=1,
        held_on=timezone.localdate(),
        clinician=claire,
        subjective=text("subjective"),
        objective=text("objective"),
        analysis=text("analysis"),
        plan=text("plan"),
        pain_now=4,
        interventions=["education", "exercise_therapy"],
        warnings=["massage"],
        deviation_reason=text("deviation"),
        over_budget_reason=text("budget"),
    )
    quota = GradedQuota.from_baseline(text("walk"), "minutes", 100, 200, 4)
    item = ItemDraft("abdominal_bracing", Dosage(hold_seconds=10, reps=8), 7)
    program_publish(
        actor=claire,
        episode=episode,
        items=[item],
        quota=quota,
        note=text("program note"),
        reason="",
        submission=None,
    )
    program = program_publish(
        actor=claire,
        episode=episode,
        items=[item],
        quota=quota,
        note=text("program note 2"),
        reason=text("program change"),
        submission=None,
    )
    today = timezone.localdate()
    ExerciseLog.objects.create(item=program.items.get(), day=today, done=True, pain=3)
    QuotaLog.objects.create(quota=Quota.objects.get(program=program), day=today, amount=30)
    DiaryEntry.objects.create(
        episode=episode,
        day=today - timedelta(days=1),
        pain=4,
        active_minutes=30,
        exercises="all",
        sitting_breaks=3,
        sleep="good",
        stress=2,
    )
    followup_services.recheck_record(
        actor=amy,
        episode=episode,
        kind=CheckKind.FLARE,
        answers=dict.fromkeys(recheck_flags(), False),
        submission=None,
        pain=7,
        note=text("flare-up"),
    )
    followup_services.long_standing_document(
        actor=claire,
        episode=episode,
        flag=followup_services.markable_flags()[0],
        reason=text("long-standing"),
        submission=None,
    )
    Measurement.objects.create(
        episode=episode,
        occasion="week-3",
        due_on=today,
        answers={"nprs": {"q1": 3}},
        scores={"nprs": 3},
        instrument_versions={"nprs": "r1"},
        outcome="improving",
        filled_by=amy,
    )
    ModuleRead.objects.create(episode=episode, module_id="when_to_see_a_doctor", correct=2, asked=2)
    PreventionCheck.objects.create(episode=episode, kind="lifestyle", answers={}, advice=[])
    calendar_token_new(user=amy)
    ReminderSent.objects.create(user=amy, kind="diary", key=today.isoformat(), day=today)
    invitation_send(actor=claire, user=amy, base_url="http://testserver/")
    LogEntry.objects.create(
        user=world.xavier,
        content_type=ContentType.objects.get_for_model(Patient),
        object_id=str(patient.pk),
        object_repr=str(patient),
        action_flag=CHANGE,
        change_message="[]",
    )
    # A mistyped password (django-axes counts it by the address typed), then a visit.
    Client().post(reverse("login"), {"username": EMAIL, "password": "wrong-password-123"})
    client = world.client_for(amy)
    client.get(reverse("portal_home"))
    return {"plan": plan, "client": client}
