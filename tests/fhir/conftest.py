from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from django.test import Client
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.resource import Resource

from backpath.accounts.models import Clinic
from backpath.api.models import Scope
from backpath.api.services import create_key
from tests.personas import World, _fast_passwords, english, licensed_qbpds, world

__all__ = ["_fast_passwords", "english", "licensed_qbpds", "world"]

READ = (Scope.PATIENTS_READ, Scope.EPISODES_READ)
FHIR_JSON = "application/fhir+json; charset=utf-8"
R = TypeVar("R", bound=Resource)


@dataclass
class Keys:
    x: str  # clinic X, every read scope
    y: str  # clinic Y, every read scope
    x_writer: str  # clinic X, every read scope and score:write
    y_writer: str  # clinic Y, score:write and the reads
    x_patients_only: str  # clinic X, patients:read only
    x_episodes_only: str  # clinic X, episodes:read only


def bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def keys(world: World) -> Keys:
    def make(clinic: Clinic, name: str, *scopes: Scope) -> str:
        return create_key(clinic=clinic, name=name, scopes=scopes).key

    return Keys(
        x=make(world.clinic_x, "EHR sync", *READ),
        y=make(world.clinic_y, "Y sync", *READ),
        x_writer=make(world.clinic_x, "PROM app", *READ, Scope.SCORE_WRITE),
        y_writer=make(world.clinic_y, "Y PROM app", *READ, Scope.SCORE_WRITE),
        x_patients_only=make(world.clinic_x, "patients only", Scope.PATIENTS_READ),
        x_episodes_only=make(world.clinic_x, "episodes only", Scope.EPISODES_READ),
    )


@pytest.fixture
def fhir() -> Client:
    return Client()


def parsed(response: Any, model: type[R], status: int = 200) -> R:
    """The body as the R4B model, after checking the status and the media type."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == FHIR_JSON
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["resourceType"] == model.get_resource_type()
    return model.model_validate(data)


def outcome(response: Any, status: int) -> OperationOutcome:
    """An OperationOutcome with one issue that says what went wrong."""
    found = parsed(response, OperationOutcome, status)
    assert found.issue
    assert found.issue[0].diagnostics
    return found
