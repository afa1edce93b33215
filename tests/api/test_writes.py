"""The API's writes: add a patient, open an episode; the scopes that open them; the same
write sent again with its Idempotency-Key makes one record; bad input is a 422 naming the
field and makes nothing."""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from backpath.api.models import IdempotentRequest, Scope
from backpath.api.services import create_key
from backpath.auditlog.models import AccessEntry
from backpath.care.models import Episode, Patient
from tests.api.conftest import Keys, bearer
from tests.personas import World

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a real race needs PostgreSQL's concurrent writers"
)
DANA = {"first_name": "Dana", "last_name": "Api", "date_of_birth": "1970-05-04"}


def post(key: str, path: str, body: Any, idempotency: str | None = None, **extra: Any) -> Any:
    headers = bearer(key)
    if idempotency is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = idempotency
    data = body if isinstance(body, str) else json.dumps(body)
    return Client().post(path, data, content_type="application/json", **headers, **extra)


def patients_path() -> str:
    return reverse("api-v1:patient_create")


def episodes_path(patient: Patient) -> str:
    return reverse("api-v1:episode_create", kwargs={"patient_id": patient.id})


def test_a_key_adds_a_patient_and_the_access_log_names_the_key(world: World, keys: Keys) -> None:
    answer = post(keys.x, patients_path(), {**DANA, "phone": "06 1111 2222"})

    assert answer.status_code == 201
    body = answer.json()
    dana = Patient.objects.get(pk=body["id"])
    assert (dana.clinic_id, dana.phone, dana.created_by) == (
        world.clinic_x.id,
        "06 1111 2222",
        None,
    )
    assert answer["Location"] == reverse("api-v1:patient", kwargs={"patient_id": dana.id})
    assert body["date_of_birth"] == "1970-05-04"
    entry = AccessEntry.objects.get(detail="patient.create", patient_id=dana.id)
    assert entry.actor_id is None
    assert entry.actor_label.startswith("api key ")
    assert "EHR sync" in entry.actor_label


def test_the_same_write_sent_again_with_its_key_makes_one_patient(keys: Keys) -> None:
    first = post(keys.x, patients_path(), DANA, idempotency="retry-1")
    # The same JSON written differently is the same request.
    spaced = json.dumps(dict(reversed(list(DANA.items()))), indent=2)
    again = post(keys.x, patients_path(), spaced, idempotency="retry-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Patient.objects.filter(last_name="Api").count() == 1
    # Without a key, a second write is a second patient (as a second form would be).
    post(keys.x, patients_path(), DANA)
    assert Patient.objects.filter(last_name="Api").count() == 2


def test_a_key_reused_for_another_write_is_refused(keys: Keys) -> None:
    post(keys.x, patients_path(), DANA, idempotency="once")

    answer = post(keys.x, patients_path(), {**DANA, "first_name": "Other"}, idempotency="once")

    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["errors"][0]["field"] == "Idempotency-Key"
    assert not Patient.objects.filter(first_name="Other").exists()


def test_the_same_key_in_another_clinic_is_another_write(world: World, keys: Keys) -> None:
    post(keys.x, patients_path(), DANA, idempotency="shared")
    y = create_key(clinic=world.clinic_y, name="Y writer", scopes=[Scope.PATIENTS_WRITE]).key

    answer = post(y, patients_path(), DANA, idempotency="shared")

    assert answer.status_code == 201
    assert Patient.objects.get(pk=answer.json()["id"]).clinic_id == world.clinic_y.id


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date_of_birth": (date.today() + timedelta(days=2)).isoformat()}, "date_of_birth"),
        ({"date_of_birth": "2020-01-01"}, "date_of_birth"),
        ({"first_name": "x" * 1_000_000}, "first_name"),
        ({"last_name": "nul\x00byte"}, "last_name"),
        ({"email": "not an address"}, "email"),
        ({"sex": "unknown"}, "sex"),
        ({"first_name": ""}, "first_name"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_frees_the_key(
    keys: Keys, change: dict[str, str], field: str
) -> None:
    answer = post(keys.x, patients_path(), {**DANA, **change}, idempotency="fix-me")

    assert answer.status_code in (413, 422)
    if answer.status_code == 422:
        assert field in {error["field"] for error in answer.json()["errors"]}
    assert not Patient.objects.filter(first_name="Dana").exists()
    assert not IdempotentRequest.objects.exists()
    assert post(keys.x, patients_path(), DANA, idempotency="fix-me").status_code == 201


def test_a_malformed_idempotency_key_is_named(keys: Keys) -> None:
    answer = post(keys.x, patients_path(), DANA, idempotency="x" * 256)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "Idempotency-Key"


def test_writes_need_their_scope_and_a_session_only_reads(world: World, keys: Keys) -> None:
    assert post(keys.x_patients_only, patients_path(), DANA).status_code == 403
    clinician = Client(enforce_csrf_checks=False)
    clinician.force_login(world.claire)
    answer = clinician.post(patients_path(), json.dumps(DANA), content_type="application/json")
    assert answer.status_code == 403
    assert post("bp_00000000_nope", patients_path(), DANA).status_code == 401
    assert not Patient.objects.filter(last_name="Api").exists()


def test_a_key_opens_an_episode_once_and_never_for_another_clinics_patient(
    world: World, keys: Keys
) -> None:
    path = episodes_path(world.amy_patient)
    first = post(keys.x, path, {"extra_instruments": ["odi"]}, idempotency="ep-1")
    again = post(keys.x, path, {"extra_instruments": ["odi"]}, idempotency="ep-1")

    assert (first.status_code, again.status_code) == (201, 201)
    episode = Episode.objects.get(pk=first.json()["id"])
    assert (episode.extra_instruments, episode.status) == (["odi"], "intake")
    assert again.json()["id"] == first.json()["id"]
    assert Episode.objects.filter(patient=world.amy_patient).count() == 2  # the persona's too

    yours = episodes_path(world.yara_episode.patient)
    assert post(keys.x, yours, {}).status_code == 404
    unknown = post(keys.x, path, {"extra_instruments": ["odi", "sf36"]})
    assert unknown.status_code == 422
    assert "sf36" in unknown.json()["detail"]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_same_write_eight_times_at_once_makes_one_patient(world: World, keys: Keys) -> None:
    barrier = threading.Barrier(8)
    statuses: list[int] = []

    def send() -> None:
        try:
            barrier.wait(timeout=30)
            statuses.append(post(keys.x, patients_path(), DANA, idempotency="race").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert statuses == [201] * 8
    assert Patient.objects.filter(last_name="Api").count() == 1
