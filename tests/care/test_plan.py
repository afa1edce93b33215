"""Changing the care plan over HTTP: a new version with its reason, never an invalid one.

Each test walks the pages with Django's test client as a persona from ``tests/personas.py``;
the personas read the interface in English (``english`` fixture) so the assertions can name
the words on the page.
"""

from __future__ import annotations

from typing import Any

import pytest

from backpath.care.models import PlanVersion
from tests.care.form_data import plan_change
from tests.pages import field_errors, section_text, url
from tests.personas import World


def test_it_changes_the_plan_as_a_new_version_with_its_reason(english: World) -> None:
    claire = english.client_for(english.claire)
    episode = english.amy_episode
    assert claire.get(url("plan_adjust", episode)).status_code == 200

    refused = claire.post(url("plan_adjust", episode), plan_change(reason=""))
    assert "required" in field_errors(refused, "reason")
    assert PlanVersion.objects.filter(episode=episode).count() == 1

    data = plan_change()
    response = claire.post(url("plan_adjust", episode), data)
    assert response.status_code == 302
    assert response["Location"] == url("plan_detail", episode)
    latest = PlanVersion.objects.filter(episode=episode).order_by("-number").first()
    assert latest is not None
    assert latest.number == 2
    assert latest.max_sessions == 5
    assert [o["id"] for o in latest.omitted] == ["exercise_therapy"]
    assert latest.reason == "Slow progress at the first evaluation."
    assert PlanVersion.objects.get(episode=episode, number=1).max_sessions == 3

    history = section_text(claire.get(url("plan_detail", episode)), "History")
    assert "Version 1" in history
    assert "Version 2" in history
    assert "3 sessions" in history
    assert "5 sessions" in history
    assert "Slow progress at the first evaluation." in history

    again = claire.post(url("plan_adjust", episode), data)
    assert again.status_code == 302
    assert PlanVersion.objects.filter(episode=episode).count() == 2


BAD_PLAN_CHANGES = [
    {"reason": ""},
    {"reason": "   "},
    {"max_sessions": "0"},
    {"max_sessions": "101"},
    {"max_sessions": "abc"},
    {"max_sessions": ""},
    {"max_sessions": "-3"},
    {"max_sessions": "2.5"},
    {"omit": ["graded_activity"]},
]


@pytest.mark.parametrize("change", BAD_PLAN_CHANGES, ids=lambda c: repr(c)[:30])
def test_it_refuses_an_invalid_plan_change(english: World, change: dict[str, Any]) -> None:
    claire = english.client_for(english.claire)
    episode = english.amy_episode
    field = next(iter(change))

    response = claire.post(url("plan_adjust", episode), plan_change(**change))

    assert response.status_code == 400
    assert field_errors(response, field)
    assert PlanVersion.objects.filter(episode=episode).count() == 1


def test_it_answers_400_to_an_invalid_plan_change(english: World) -> None:
    claire = english.client_for(english.claire)

    statuses = {
        repr(change): claire.post(
            url("plan_adjust", english.amy_episode), plan_change(**change)
        ).status_code
        for change in BAD_PLAN_CHANGES
    }

    assert set(statuses.values()) == {400}, statuses
