"""Every error is an RFC 9457 problem (application/problem+json), including django-ninja's
own parameter errors, a path that names no operation, a malformed id and a wrong method;
bad input is never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from backpath.api import routes_public
from tests.api.conftest import Keys, bearer
from tests.personas import World


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = dict(json.loads(response.content))
    assert body["type"] == "about:blank"
    assert body["status"] == status
    assert isinstance(body["title"], str)
    assert isinstance(body["detail"], str)
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/patients/not-a-uuid",
        "/api/v1/patients/00000000-0000-0000-0000-00000000000g",
        "/api/v1/episodes/123/plans",
        "/api/v1/episodes/%00",
        "/api/v1/patients/00000000-0000-0000-0000-000000000000",
        "/api/v1/episodes/00000000-0000-0000-0000-000000000000/sessions",
        "/api/v1/nothing-here",
        "/api/v1/patients/",
        "/api/v1/instruments/",
    ],
)
def test_a_malformed_or_unknown_id_or_path_is_a_404_problem(
    world: World, keys: Keys, api: Client, path: str
) -> None:
    assert problem(api.get(path, **bearer(keys.x)), 404)["title"] == "Not Found"


def test_a_wrong_method_is_a_405_problem_naming_the_allowed_ones(
    world: World, keys: Keys, api: Client
) -> None:
    response = api.delete("/api/v1/patients", **bearer(keys.x))
    assert problem(response, 405)["detail"].startswith("This path takes ")
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}
    assert problem(api.get("/api/v1/assess", **bearer(keys.x)), 405)


def test_ninjas_own_validation_errors_are_problems_with_the_fields(
    world: World, keys: Keys, api: Client
) -> None:
    body = problem(api.get("/api/v1/patients?limit=x&cursor=", **bearer(keys.x)), 422)
    assert body["title"] == "Unprocessable Entity"
    assert [error["field"] for error in body["errors"]] == ["limit"]
    assert body["detail"].startswith("limit: ")


def test_the_index_names_the_schema_and_the_docs(api: Client) -> None:
    assert json.loads(api.get("/api/v1/").content) == {
        "openapi": "/api/v1/openapi.json",
        "docs": "/api/v1/docs",
    }


def test_a_fault_of_ours_is_a_500_problem_without_the_traceback(
    world: World, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(routes_public, "red_flag_bank", broken)
    client = Client(raise_request_exception=False)
    body = problem(client.get("/api/v1/redflags"), 500)
    assert "secret internals" not in json.dumps(body)
    # The test client re-raises it by default, as Django's own error handling would let it.
    with pytest.raises(RuntimeError):
        Client().get("/api/v1/redflags")
