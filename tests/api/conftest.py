from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from backpath.api.models import Scope
from backpath.api.services import create_key
from tests.personas import World, _fast_passwords, english, world

__all__ = ["_fast_passwords", "english", "world"]

READ = (Scope.PATIENTS_READ, Scope.EPISODES_READ)
WRITE = (Scope.PATIENTS_WRITE, Scope.EPISODES_WRITE)


@dataclass
class Keys:
    x: str  # clinic X, every read and write scope
    y: str  # clinic Y, every read scope
    x_patients_only: str  # clinic X, patients:read only
    x_score_only: str  # clinic X, score:write only


def bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def keys(world: World) -> Keys:
    def make(clinic: object, name: str, *scopes: Scope) -> str:
        return create_key(clinic=clinic, name=name, scopes=scopes).key  # type: ignore[arg-type]

    return Keys(
        x=make(world.clinic_x, "EHR sync", *READ, *WRITE),
        y=make(world.clinic_y, "Y sync", *READ),
        x_patients_only=make(world.clinic_x, "patients only", Scope.PATIENTS_READ),
        x_score_only=make(world.clinic_x, "scoring", Scope.SCORE_WRITE),
    )


@pytest.fixture
def api() -> Client:
    return Client()
