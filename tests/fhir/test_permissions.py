"""Every operation against every kind of caller: a key or clinician of the clinic reads; no
key is a 401; a patient's session and a key without the scope are a 403; another clinic's
key or clinician gets a 404 for a record and never sees one in a search. Every read of
patient data is in the access log, a refused one too."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from fhir.resources.R4B.bundle import Bundle

from backpath.auditlog.models import AccessEntry, Outcome
from backpath.clinical.language import Lang
from backpath.fhir.resources import EPISODE_TYPES
from backpath.fhir.sources import EpisodeRecords
from tests.fhir.conftest import Keys, bearer, outcome, parsed
from tests.fhir.test_read import ben_with_activities
from tests.personas import World, amy_alert

BASE = "/fhir/R4"
PATIENT, EPISODE, WRITE, CLINIC = "patients:read", "episodes:read", "score:write", "clinic"


@dataclass(frozen=True)
class Operation:
    name: str
    method: str
    path: str
    scope: str  # what the key needs; "clinic": any key or clinician of the clinic
    body: str = ""


def operations(world: World) -> list[Operation]:
    """Each operation on clinic X's records (Amy, Ben), with a record of each type."""
    amy_alert(world)  # a red flag: a Flag
    ben_with_activities(world)  # named activities: Goals
    found: list[Operation] = [
        Operation("read Patient", "GET", f"/Patient/{world.amy_patient.id}", PATIENT),
        Operation("search Patient", "GET", "/Patient", PATIENT),
        Operation("everything", "GET", f"/Patient/{world.amy_patient.id}/$everything", "both"),
        Operation("read Practitioner", "GET", f"/Practitioner/{world.claire.pk}", CLINIC),
        Operation("search Practitioner", "GET", "/Practitioner", CLINIC),
        Operation("read Organization", "GET", f"/Organization/{world.clinic_x.id}", CLINIC),
        Operation("search Organization", "GET", "/Organization", CLINIC),
    ]
    for name, kind in EPISODE_TYPES.items():
        episode = world.ben_episode if name == "Goal" else world.amy_episode
        built = kind.build(EpisodeRecords(episode), Lang.EN)
        assert built, name
        found.append(Operation(f"read {name}", "GET", f"/{name}/{built[0].id}", EPISODE))
        found.append(Operation(f"search {name}", "GET", f"/{name}", EPISODE))
    plan = world.amy_episode.plans.get()
    body = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "https://backpath.example/fhir/Questionnaire/nprs",
        "status": "completed",
        "basedOn": [{"reference": f"CarePlan/{plan.id}"}],
        "item": [{"linkId": "q1", "answer": [{"valueInteger": 3}]}],
    }
    found.append(
        Operation(
            "create QuestionnaireResponse",
            "POST",
            "/QuestionnaireResponse",
            WRITE,
            json.dumps(body),
        )
    )
    return found


def call(client: Client, operation: Operation, **headers: str) -> Any:
    if operation.method == "POST":
        return client.post(
            BASE + operation.path, operation.body, content_type="application/fhir+json", **headers
        )
    return client.get(BASE + operation.path, **headers)


def test_no_key_is_a_401_everywhere(world: World, fhir: Client) -> None:
    for operation in operations(world):
        found = outcome(call(fhir, operation), 401)
        assert found.issue[0].code == "login", operation.name


def test_a_bad_key_is_a_401_with_its_reason(world: World, keys: Keys, fhir: Client) -> None:
    response = fhir.get(f"{BASE}/Patient", **bearer("bp_00000000_nope"), HTTP_ACCEPT_LANGUAGE="en")
    assert outcome(response, 401).issue[0].diagnostics == "The API key is not valid."
    dutch = fhir.get(f"{BASE}/Patient", **bearer("bp_00000000_nope"), HTTP_ACCEPT_LANGUAGE="nl")
    assert outcome(dutch, 401).issue[0].diagnostics == "De API-sleutel is niet geldig."
    assert response["WWW-Authenticate"] == 'Bearer realm="backpath"'


def test_a_patients_session_is_a_403_everywhere(world: World) -> None:
    client = world.client_for(world.amy)
    for operation in operations(world):
        assert outcome(call(client, operation), 403).issue[0].code == "forbidden", operation.name


@pytest.mark.parametrize("caller", ["x", "claire"])
def test_the_clinic_reads_every_record(world: World, keys: Keys, caller: str) -> None:
    client = world.client_for(world.claire) if caller == "claire" else Client()
    headers = bearer(keys.x) if caller == "x" else {}
    for operation in operations(world):
        if operation.method == "GET":
            response = call(client, operation, **headers)
            assert response.status_code == 200, (operation.name, response.content)


def test_a_key_without_the_scope_is_a_403(world: World, keys: Keys, fhir: Client) -> None:
    for operation in operations(world):
        allowed = {
            keys.x_patients_only: operation.scope in (PATIENT, CLINIC),
            keys.x_episodes_only: operation.scope in (EPISODE, CLINIC),
            keys.x: operation.scope != WRITE,
        }
        for key, may in allowed.items():
            response = call(fhir, operation, **bearer(key))
            if may:
                assert response.status_code == 200, (operation.name, response.content)
            else:
                assert outcome(response, 403).issue[0].code == "forbidden", operation.name


def test_a_clinicians_session_may_not_write(world: World) -> None:
    (create,) = [o for o in operations(world) if o.method == "POST"]
    outcome(call(world.client_for(world.claire), create), 403)


@pytest.mark.parametrize("caller", ["y", "yara"])
def test_another_clinic_gets_a_404_and_finds_nothing(world: World, keys: Keys, caller: str) -> None:
    client = world.client_for(world.yara) if caller == "yara" else Client()
    headers = bearer(keys.y_writer) if caller == "y" else {}
    x_ids = {str(world.amy_patient.id), str(world.ben_patient.id), str(world.clinic_x.id)}
    for operation in operations(world):
        if caller == "yara" and operation.method == "POST":
            continue  # a session may not write at all (above)
        response = call(client, operation, **headers)
        if operation.name.startswith("search"):
            found = parsed(response, Bundle)
            assert not x_ids & set(
                found.model_dump_json().replace('"', " ").replace("/", " ").split()
            ), operation.name
        else:
            outcome(response, 404)


def test_reads_and_refusals_are_in_the_access_log(world: World, keys: Keys, fhir: Client) -> None:
    before = AccessEntry.objects.count()
    for operation in operations(world):
        if (
            operation.method == "GET"
            and operation.scope == EPISODE
            and operation.name.startswith("read")
        ):
            call(fhir, operation, **bearer(keys.x))
            entry = AccessEntry.objects.order_by("-id").first()
            assert entry is not None
            assert entry.object_type == f"fhir:{operation.name.removeprefix('read ')}"
            assert entry.actor_label.endswith("(EHR sync)")
            assert entry.patient_id in (world.amy_patient.id, world.ben_patient.id)
            # Another clinic's key: refused, and logged as refused, with no patient named.
            call(fhir, operation, **bearer(keys.y))
            refused = AccessEntry.objects.order_by("-id").first()
            assert refused is not None
            assert (refused.outcome, refused.patient_id) == (Outcome.DENIED, None)
    assert AccessEntry.objects.count() > before


def test_a_search_logs_each_patient_on_the_page(world: World, keys: Keys, fhir: Client) -> None:
    parsed(fhir.get(f"{BASE}/Observation", **bearer(keys.x)), Bundle)
    logged = AccessEntry.objects.filter(object_type="fhir:Observation")
    assert set(logged.values_list("patient_id", flat=True)) == {world.amy_patient.id}
