"""Every error is an OperationOutcome with a 4xx that names the problem: an unknown type or
path, a format other than JSON, a wrong method, a search parameter this server does not
take; and a fault of ours is a 500 OperationOutcome without the traceback."""

from __future__ import annotations

import pytest
from django.test import Client

from backpath.fhir import views
from tests.fhir.conftest import Keys, bearer, outcome
from tests.personas import World

BASE = "/fhir/R4"


@pytest.mark.parametrize(
    "path",
    [
        "/Medication",
        "/Medication/123",
        "/Patient/not-a-uuid",
        "/Patient/00000000-0000-0000-0000-000000000000",
        "/Observation/00000000000000000000000000000000.nprs.total",
        "/Condition/00000000-0000-0000-0000-000000000000",
        "/CarePlan/nope",
        "/Questionnaire/orebro_sf",
        "/Questionnaire/unknown",
        "/CodeSystem/unknown",
        "/Practitioner/999999",
        "/nothing/here/at/all",
        "/",
    ],
)
def test_an_unknown_type_path_or_id_is_a_404_outcome(
    world: World, keys: Keys, fhir: Client, path: str
) -> None:
    assert outcome(fhir.get(BASE + path, **bearer(keys.x)), 404).issue[0].code in {
        "not-found",
        "not-supported",
    }


@pytest.mark.parametrize(
    ("headers", "query"),
    [
        ({"HTTP_ACCEPT": "application/fhir+xml"}, ""),
        ({"HTTP_ACCEPT": "text/html"}, ""),
        ({}, "?_format=xml"),
        ({}, "?_format=application/fhir+xml"),
    ],
)
def test_only_json_is_served(fhir: Client, headers: dict[str, str], query: str) -> None:
    assert outcome(fhir.get(f"{BASE}/metadata{query}", **headers), 406).issue[0].code == (
        "not-supported"
    )


@pytest.mark.parametrize(
    "accept", ["application/fhir+json", "application/json", "*/*", "text/html, */*;q=0.8"]
)
def test_json_under_any_of_its_names_is_served(fhir: Client, accept: str) -> None:
    assert fhir.get(f"{BASE}/metadata", HTTP_ACCEPT=accept).status_code == 200
    assert fhir.get(f"{BASE}/metadata?_format=json").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("delete", "/Patient", "GET"),
        ("put", "/Questionnaire/nprs", "GET"),
        ("post", "/Observation", "GET"),
        ("delete", "/QuestionnaireResponse", "GET, POST"),
        ("post", "/metadata", "GET"),
    ],
)
def test_a_wrong_method_is_a_405_naming_the_allowed_ones(
    world: World, keys: Keys, fhir: Client, method: str, path: str, allowed: str
) -> None:
    response = getattr(fhir, method)(BASE + path, **bearer(keys.x))
    outcome(response, 405)
    assert response["Allow"] == allowed


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("?name=Amy", "name"),
        ("?status:not=final", "status:not"),
        ("?_count=1000", "_count"),
        ("?_count=-1", "_count"),
        ("?_offset=x", "_offset"),
        ("?date=yesterday", "date"),
        ("?date=2026-13-01", "date"),
        ("?_lastUpdated=gt2026-02-30", "_lastUpdated"),
        ("?patient=Patient/123", "patient"),
        ("?patient=a&patient=b", "patient"),
        ("?_sort=date", "_sort"),
    ],
)
def test_a_search_parameter_not_taken_is_a_400_naming_it(
    world: World, keys: Keys, fhir: Client, query: str, named: str
) -> None:
    found = outcome(fhir.get(f"{BASE}/Observation{query}", **bearer(keys.x)), 400)
    assert found.issue[0].expression == [named]
    assert found.issue[0].code == "invalid"


def test_a_read_takes_no_search_parameters(world: World, keys: Keys, fhir: Client) -> None:
    path = f"{BASE}/Patient/{world.amy_patient.id}?status=active"
    assert outcome(fhir.get(path, **bearer(keys.x)), 400).issue[0].expression == ["status"]


def test_a_fault_of_ours_is_a_500_outcome_without_the_traceback(
    world: World, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views, "capability_statement", broken)
    client = Client(raise_request_exception=False)
    found = outcome(client.get(f"{BASE}/metadata"), 500)
    assert "secret internals" not in found.model_dump_json()
    assert found.issue[0].code == "exception"
