"""Erasure requests: asked by the patient or for them, decided by the clinic admin with a
reason, and carried out so that no personal data remain while the figures stay valid."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.core import mail
from django.db import models
from django.test import Client
from django.urls import reverse

from backpath.accounts.models import Invitation, User
from backpath.auditlog.models import AccessEntry, Action
from backpath.care.models import Assessment, Episode, Patient, PlanVersion, SessionNote
from backpath.clinical.intake import parse_intake
from backpath.followup.models import Alert, DiaryEntry, Measurement
from backpath.interchange import assessment_from_record, plan_from_record
from backpath.privacy.erasure import DELETED, ERASED, RULES, text_columns
from backpath.privacy.holdings import HOLDINGS
from backpath.privacy.models import Decision, ErasureRequest
from backpath.programs.models import ExerciseLog, Quota
from backpath.reminders.models import ReminderSent, ReminderSettings
from tests.pages import field_errors, html
from tests.personas import PASSWORD, World
from tests.privacy.helpers import BORN, EMAIL, FIRST, LAST, MARKER, fill_amy, text

NEEDLES = (FIRST, LAST, EMAIL, BORN.isoformat(), BORN.strftime("%d-%m-%Y"), MARKER, "Heliotroop")


def search(needles: tuple[str, ...]) -> set[tuple[str, str | None, Any, str]]:
    """Every (table, column, row, needle) where a char, text or JSON column of any table of
    the database holds one of ``needles`` (in any case)."""
    hits = set()
    for model in apps.get_models(include_auto_created=True):
        columns = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        if not columns:
            continue
        rows = model._base_manager.values_list("pk", *(field.attname for field in columns))
        for pk, *values in rows:
            for field, value in zip(columns, values, strict=True):
                if value is None:
                    continue
                found = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                for needle in needles:
                    if needle.lower() in found.lower():
                        hits.add((model._meta.db_table, field.column, pk, needle))
    return hits


def figures(patient: Patient) -> dict[str, Any]:
    """What the clinic's statistics read: scores, profiles, interventions, pain, dates."""
    episodes = Episode.objects.filter(patient=patient)
    return {
        "opened": list(episodes.values_list("opened_at", flat=True)),
        "assessments": list(
            Assessment.objects.filter(episode__patient=patient)
            .order_by("created_at")
            .values_list("kind", "urgency", "diagnosis", "profile", "risk", "created_at")
        ),
        "plans": list(
            PlanVersion.objects.filter(episode__patient=patient)
            .order_by("number")
            .values_list("number", "profile", "max_sessions", "starts_on")
        ),
        "sessions": list(
            SessionNote.objects.filter(episode__patient=patient).values_list(
                "held_on", "pain_now", "interventions", "warnings"
            )
        ),
        "answers": [e.intake.answers for e in episodes],
        "measurements": list(
            Measurement.objects.filter(episode__patient=patient).values_list(
                "occasion", "scores", "outcome"
            )
        ),
        "diary": list(
            DiaryEntry.objects.filter(episode__patient=patient).values_list("day", "pain", "stress")
        ),
        "logs": list(
            ExerciseLog.objects.filter(item__program__episode__patient=patient).values_list(
                "day", "done", "pain"
            )
        ),
        "quota": list(
            Quota.objects.filter(program__episode__patient=patient).values_list(
                "baseline", "goal", "unit"
            )
        ),
    }


def decide(world: World, request: ErasureRequest, **data: str) -> Any:
    return world.client_for(world.xavier).post(reverse("erasure_decide", args=[request.id]), data)


def test_a_granted_request_leaves_no_personal_data_anywhere(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    filled = fill_amy(world)
    amy_client: Client = filled["client"]
    account_id = world.amy.pk
    before = search(NEEDLES)
    # The search sees the data where they are, in plain columns and in stored JSON alike.
    tables = {table for table, *_ in before}
    assert {
        "care_patient",
        "accounts_user",
        "care_intake",
        "care_assessment",
        "care_planversion",
        "care_sessionnote",
        "followup_redflagcheck",
        "django_admin_log",
        "axes_accessattempt",
        "auditlog_accessentry",
    } <= tables
    kept = figures(world.amy_patient)

    with django_capture_on_commit_callbacks(execute=True):
        asked = amy_client.post(
            reverse("my_erasure_request"),
            {"submission": "8b7b4c1e-2a1d-4f57-9a0e-3a52b1f1c001", "reason": text("request")},
        )
    assert asked.status_code == 302
    request = ErasureRequest.objects.get(patient=world.amy_patient)
    assert request.requested_by == world.amy
    (told,) = mail.outbox[-1:]
    assert told.to == ["xavier@x.example"]
    assert FIRST not in told.body
    assert LAST not in told.body
    listing = world.client_for(world.xavier).get(reverse("erasure_requests"))
    assert reverse("erasure_decide", args=[request.id]) in html(listing)

    answer = decide(
        world,
        request,
        decision="granted",
        reason=f"{FIRST} {LAST} asked in person; no exception of art. 7:455 lid 2 applies.",
        confirm="on",
    )

    assert answer.status_code == 302
    request.refresh_from_db()
    assert request.decision == Decision.GRANTED
    assert request.decided_by == world.xavier
    assert request.decision_reason.startswith(f"{ERASED} asked in person")
    assert request.reason == ERASED

    # The access log's entries of Amy's own use of the portal name her account by the email
    # address it had (``actor_label``, hash-chained and append-only, NEN 7513): they are the
    # one exception, kept until the log's retention job prunes them. Nothing else is left.
    own = set(AccessEntry.objects.filter(actor_id=account_id).values_list("id", flat=True)) | set(
        AccessEntry.objects.filter(action=Action.LOGIN_FAILED, actor_label=EMAIL).values_list(
            "id", flat=True
        )
    )
    after = search(NEEDLES)
    exception = {
        hit for hit in after if hit[:2] == ("auditlog_accessentry", "actor_label") and hit[2] in own
    }
    assert after - exception == set()
    # ... holding the address itself (which here, as often, carries her first name).
    labels = AccessEntry.objects.filter(id__in=[pk for _, _, pk, _ in exception])
    assert set(labels.values_list("actor_label", flat=True)) == {EMAIL}

    erased = AccessEntry.objects.get(detail="patient.erase")
    assert (erased.action, erased.actor_id, erased.patient_id) == (
        Action.CHANGE,
        world.xavier.pk,
        world.amy_patient.id,
    )
    assert (erased.object_type, erased.object_id) == ("patient", str(world.amy_patient.id))

    patient = Patient.objects.get(pk=world.amy_patient.pk)
    assert patient.date_of_birth == date(1979, 7, 1)
    assert patient.user is None
    assert figures(patient) == kept

    account = User.objects.get(pk=account_id)
    assert not account.is_active
    assert not account.has_usable_password()
    assert (account.first_name, account.last_name) == ("", "")
    assert not AccessAttempt.objects.exists()  # the failed-login counts by her address
    # Her session has ended, and the login is closed.
    assert amy_client.get(reverse("portal_home")).status_code == 302
    stranger = Client()
    stranger.post(reverse("login"), {"username": EMAIL, "password": PASSWORD})
    assert "_auth_user_id" not in stranger.session
    assert not ReminderSettings.objects.filter(user_id=account_id).exists()
    assert not ReminderSent.objects.filter(user_id=account_id).exists()
    assert not Invitation.objects.filter(user_id=account_id).exists()

    # Nothing waits for her: the episode is closed as stopped, the alert resolved.
    episode = Episode.objects.get(pk=world.amy_episode.pk)
    assert (episode.status, episode.discharge_reason) == ("closed", "stopped")
    assert not Alert.objects.filter(episode=episode, resolved_at__isnull=True).exists()

    # The stored record still reads back: the inputs parse, results and plans are typed.
    for assessment in Assessment.objects.filter(episode=episode):
        parse_intake(assessment.input)
    for plan in PlanVersion.objects.filter(episode=episode):
        assert plan_from_record(plan.plan).component_ids
        assert assessment_from_record(plan.assessment.result).diagnosis


def test_a_refused_request_keeps_everything(world: World) -> None:
    fill_amy(world)
    request = ErasureRequest.objects.create(
        patient=world.amy_patient, requested_by=world.amy, reason="Please erase."
    )
    before = search(NEEDLES)

    answer = decide(
        world,
        request,
        decision="refused",
        reason="Keeping it is of substantial importance to someone else (art. 7:455 lid 2 BW).",
    )

    assert answer.status_code == 302
    request.refresh_from_db()
    assert request.decision == Decision.REFUSED
    assert request.decided_at is not None
    assert search(NEEDLES) == before
    assert not AccessEntry.objects.filter(detail="patient.erase").exists()
    assert AccessEntry.objects.filter(detail="erasure.refused", patient_id=world.amy_patient.id)
    assert world.amy.__class__.objects.get(pk=world.amy.pk).is_active
    page = world.client_for(world.amy).get(reverse("my_data"))
    assert "substantial importance to someone else" in html(page)


def test_a_clinician_writes_a_request_down_for_the_patient(english: World) -> None:
    world = english
    client = world.client_for(world.claire)
    url = reverse("patient_erasure_request", args=[world.amy_patient.id])

    response = client.post(
        url, {"submission": "8b7b4c1e-2a1d-4f57-9a0e-3a52b1f1c002", "reason": "Asked by phone."}
    )

    assert response.status_code == 302
    request = ErasureRequest.objects.get()
    assert (request.requested_by, request.reason) == (world.claire, "Asked by phone.")
    assert AccessEntry.objects.filter(
        detail="erasure.request", actor_id=world.claire.pk, patient_id=world.amy_patient.id
    ).exists()
    # The same form twice (a double click) is one request.
    again = client.post(
        url, {"submission": "8b7b4c1e-2a1d-4f57-9a0e-3a52b1f1c002", "reason": "Asked by phone."}
    )
    assert again.status_code == 302
    assert ErasureRequest.objects.count() == 1
    # A second request while one waits is refused on the page, not stored.
    second = client.post(url, {"submission": "8b7b4c1e-2a1d-4f57-9a0e-3a52b1f1c003"})
    assert second.status_code == 400
    assert "already waiting" in html(second)
    assert ErasureRequest.objects.count() == 1


def test_a_decision_needs_a_reason_and_a_grant_its_confirmation(english: World) -> None:
    world = english
    request = ErasureRequest.objects.create(patient=world.amy_patient, requested_by=world.amy)

    no_reason = decide(world, request, decision="refused", reason="   ")
    unconfirmed = decide(world, request, decision="granted", reason="No exception applies.")
    too_long = decide(world, request, decision="refused", reason="x" * 1001)
    garbage = decide(world, request, decision="../../etc", reason="\x00")

    assert no_reason.status_code == 400
    assert "required" in field_errors(no_reason, "reason")
    assert unconfirmed.status_code == 400
    assert "cannot be undone" in field_errors(unconfirmed, "confirm")
    assert too_long.status_code == 400
    assert "at most 1000" in field_errors(too_long, "reason")
    assert garbage.status_code == 400
    assert field_errors(garbage, "decision")
    request.refresh_from_db()
    assert request.is_pending
    assert Patient.objects.get(pk=world.amy_patient.pk).first_name == "Amy"


def test_the_patients_request_form_shows_its_problems(english: World) -> None:
    world = english
    client = world.client_for(world.amy)
    url = reverse("my_erasure_request")

    too_long = client.post(
        url, {"submission": "8b7b4c1e-2a1d-4f57-9a0e-3a52b1f1c004", "reason": "x" * 1001}
    )
    for payload in ({}, {"submission": "not-a-uuid", "reason": "\x00" * 5}):
        assert client.post(url, payload).status_code == 400

    assert too_long.status_code == 400
    assert "at most 1000" in field_errors(too_long, "reason")
    assert not ErasureRequest.objects.exists()
    assert client.get(url).status_code == 405


def test_only_the_clinics_admin_decides(world: World) -> None:
    amys = ErasureRequest.objects.create(patient=world.amy_patient, requested_by=world.amy)
    yves = ErasureRequest.objects.create(patient=world.yara_patient, requested_by=world.yara)
    url = reverse("erasure_decide", args=[amys.id])

    assert world.client_for(world.claire).get(url).status_code == 404
    assert world.client_for(world.amy).get(url).status_code == 404
    assert world.client_for(world.xavier).get(url).status_code == 200
    # Another clinic's request does not exist for Xavier, and his try is logged as refused.
    other = reverse("erasure_decide", args=[yves.id])
    assert world.client_for(world.xavier).get(other).status_code == 404
    assert world.client_for(world.xavier).post(other, {"decision": "granted"}).status_code == 404
    missing = reverse("erasure_decide", args=["00000000-0000-0000-0000-000000000000"])
    assert world.client_for(world.xavier).get(missing).status_code == 404
    listing = world.client_for(world.xavier).get(reverse("erasure_requests"))
    assert str(amys.id) in html(listing)
    assert str(yves.id) not in html(listing)
    yves.refresh_from_db()
    assert yves.is_pending


def test_a_decided_request_is_not_decided_again(world: World) -> None:
    request = ErasureRequest.objects.create(patient=world.amy_patient, requested_by=world.amy)
    decide(world, request, decision="refused", reason="Required by law.")

    again = decide(world, request, decision="granted", reason="Changed my mind.", confirm="on")

    assert again.status_code == 302
    request.refresh_from_db()
    assert (request.decision, request.decision_reason) == (Decision.REFUSED, "Required by law.")
    assert Patient.objects.get(pk=world.amy_patient.pk).first_name == "Amy"


@pytest.mark.parametrize("holding", HOLDINGS, ids=[h.key for h in HOLDINGS])
def test_erasure_has_a_rule_for_every_text_column(holding: Any) -> None:
    """Fails when a model gets a text or JSON column and nobody decided what erasure does
    with it (``backpath.privacy.erasure.RULES``)."""
    if holding.model in DELETED:
        return
    assert set(text_columns(holding.model)) == set(RULES[holding.model])


LONG = "x" * 100_000
GARBAGE = {
    "submission": "not-a-uuid",
    "reason": LONG + "\x00",
    "decision": ["granted", "refused", "\x00"],
    "confirm": LONG,
}


@pytest.mark.parametrize("persona", ["amy", "claire", "xavier"])
def test_it_never_answers_500_to_garbage(english: World, persona: str) -> None:
    world = english
    request = ErasureRequest.objects.create(patient=world.amy_patient, requested_by=world.amy)
    url = {
        "amy": reverse("my_erasure_request"),
        "claire": reverse("patient_erasure_request", args=[world.amy_patient.id]),
        "xavier": reverse("erasure_decide", args=[request.id]),
    }[persona]
    client = world.client_for(getattr(world, persona))

    for payload in (GARBAGE, {}, {"submission": "8b7b4c1e-2a1d-4f57-9a0e-3a52b1f1c005"}):
        assert client.post(url, payload).status_code == 400, payload.keys()
    request.refresh_from_db()
    assert request.is_pending
    assert ErasureRequest.objects.count() == 1
