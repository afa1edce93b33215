"""Searching: by patient, date, last change and status, a page at a time with next links
that walk every match once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from backpath.care.models import Intake
from tests.fhir.conftest import Keys, bearer, parsed
from tests.personas import World

BASE = "/fhir/R4"


def ids(bundle: Bundle) -> list[str]:
    return [entry.resource.id for entry in bundle.entry or []]


def search(fhir: Client, key: str, query: str) -> Bundle:
    return parsed(fhir.get(f"{BASE}/{query}", **bearer(key)), Bundle)


def test_pages_walk_every_match_once(world: World, keys: Keys, fhir: Client) -> None:
    everything = search(fhir, keys.x, "Observation?_count=100")
    seen: list[str] = []
    url: Any = f"{BASE}/Observation?_count=2"
    while url:
        page = parsed(fhir.get(url, **bearer(keys.x)), Bundle)
        assert page.total == everything.total
        assert len(page.entry or []) <= 2
        seen.extend(ids(page))
        links = {link.relation: link.url for link in page.link}
        assert links["self"].endswith(url.removeprefix("http://testserver"))
        url = links.get("next")
    assert seen == ids(everything)
    assert len(seen) == everything.total > 2


def test_count_zero_gives_the_total_only(world: World, keys: Keys, fhir: Client) -> None:
    found = search(fhir, keys.x, "Observation?_count=0")
    assert found.entry is None
    assert (found.total or 0) > 0


def test_by_patient(world: World, keys: Keys, fhir: Client) -> None:
    amy = search(fhir, keys.x, f"QuestionnaireResponse?patient=Patient/{world.amy_patient.id}")
    ben = search(fhir, keys.x, f"QuestionnaireResponse?patient={world.ben_patient.id}")
    assert amy.total == 4  # the four intake questionnaires
    assert ben.total == 0  # Ben's intake is not filled in


def test_by_date_with_prefixes(world: World, keys: Keys, fhir: Client) -> None:
    finished = Intake.objects.get(episode=world.amy_episode).finished_at
    assert finished is not None
    day = timezone.localdate(finished)
    before, after = day - timedelta(days=1), day + timedelta(days=1)
    patient = f"patient={world.amy_patient.id}"

    def total(query: str) -> int:
        return search(fhir, keys.x, f"QuestionnaireResponse?{patient}&{query}").total or 0

    assert total(f"date={day.isoformat()}") == 4
    assert total(f"date={day:%Y-%m}") == 4
    assert total(f"date=ge{before}&date=le{after}") == 4
    assert total(f"date=lt{day}") == 0
    assert total(f"date=gt{day}") == 0
    assert total(f"_lastUpdated=gt{before}") == 4
    assert total(f"date={finished.isoformat().replace('+00:00', 'Z')}") == 4


def test_by_status(world: World, keys: Keys, fhir: Client) -> None:
    # Clinic X: Amy's episode has a diagnosis (active); Ben's has no assessment yet.
    assert search(fhir, keys.x, "Condition?status=active").total == 1
    assert search(fhir, keys.x, "Condition?status=resolved").total == 0
    every = search(fhir, keys.x, "Observation").total
    assert search(fhir, keys.x, "Observation?status=final,amended").total == every
    assert search(fhir, keys.x, "Observation?status=amended").total == 0
