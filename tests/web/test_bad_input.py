"""Bad input never answers 500: garbage posted to every form, searches and links, over HTTP.

Each test walks the pages with Django's test client as a persona from ``tests/personas.py``;
the personas read the interface in English (``english`` fixture) so the assertions can name
the words on the page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.care.form_data import safety_answers
from tests.pages import url
from tests.personas import World, low_risk_answers, submit_intake

LONG = "x" * 100_000
GARBAGE: dict[str, Any] = {
    "submission": "not-a-uuid",
    "interventions": ["../../etc", "<script>", "\x00"],
    "extra_instruments": ["../../etc/passwd"],
    "omit": ["../../etc"],
    "prognostic_factors": ["\x00", LONG],
    "profile": "../../etc",
    "profile_reason": LONG,
    "max_sessions": "1e309",
    "held_on": "2024-13-45",
    "onset": "99999-99-99",
    "date_of_birth": "0000-00-00",
    "pain_now": "9" * 40,
    "description": LONG + "\x00",
    "summary": LONG,
    "reason": "../../etc",
    "email": "x" * 500 + "@example.com",
    "first_name": LONG,
    "last_name": "\x00",
    "sex": "\x00",
    "leg_pain": "../../etc",
    "first_episode": LONG,
    "course": LONG,
    "heavy_physical_work": "\x00",
    "CES-1": "maybe",
    "startback__q1": "-1",
    "psk__q1__note": LONG,
    "role": "superuser",
    "language": LONG,
    "next": "\x00" + LONG,
    "flag_NEU-2": "\x00",
    "neurological_deficit": LONG,
}

Target = Callable[[World], tuple[Client, str]]


def as_claire(name: str, which: str = "amy_episode") -> Target:
    def target(w: World) -> tuple[Client, str]:
        return w.client_for(w.claire), url(name, getattr(w, which))

    return target


def for_patient(name: str) -> Target:
    return lambda w: (
        w.client_for(w.claire),
        reverse(name, kwargs={"patient_id": w.amy_patient.id}),
    )


def as_ben(name: str) -> Target:
    return lambda w: (w.client_for(w.ben), url(name, w.ben_episode))


TARGETS: dict[str, Target] = {
    "patient_new": lambda w: (w.client_for(w.claire), reverse("patient_new")),
    "patient_invite": for_patient("patient_invite"),
    "episode_open": for_patient("episode_open"),
    "review": as_claire("review", "yara_episode"),
    "plan_adjust": as_claire("plan_adjust"),
    "session_new": as_claire("session_new"),
    "session_check": as_claire("session_check"),
    "episode_close": as_claire("episode_close"),
    "urgent_seen": as_claire("urgent_seen"),
    "intake_safety": as_ben("intake_safety"),
    "intake_questionnaires": as_ben("intake_questionnaires"),
    "team": lambda w: (w.client_for(w.xavier), reverse("team")),
    "set_language": lambda w: (w.client_for(w.claire), reverse("set_language")),
    "login": lambda w: (Client(), reverse("login")),
    "password_reset": lambda w: (Client(), reverse("password_reset")),
}


@pytest.mark.parametrize("name", list(TARGETS))
def test_it_never_answers_500_to_garbage(english: World, name: str) -> None:
    if name == "review":
        # Review needs an intake of Claire's own clinic that is ready for it.
        submit_intake(english.ben, english.ben_episode, low_risk_answers())
        client, target = english.client_for(english.claire), url("review", english.ben_episode)
    else:
        client, target = TARGETS[name](english)
    if name == "intake_questionnaires":
        client.post(url("intake_safety", english.ben_episode), safety_answers())

    for payload in (GARBAGE, {}, {"submission": str(uuid.uuid4()), "interventions": LONG}):
        response = client.post(target, payload)
        assert response.status_code < 500, (name, payload.keys())
    assert client.get(target + "?q=" + "%00" * 50 + "x" * 5000).status_code < 500


def test_it_never_answers_500_to_a_garbage_search_or_link(english: World) -> None:
    claire = english.client_for(english.claire)
    for search in (LONG, "% _ ' \" \\ ; --", "Amy " * 50):
        assert claire.get(reverse("patient_list"), {"q": search}).status_code == 200
    assert claire.get("/invite/../../etc/").status_code < 500
    assert Client().get(reverse("invitation_accept", args=["x" * 5000])).status_code == 404
    assert Client().post(reverse("invitation_accept", args=["\x00"]), GARBAGE).status_code == 404


def test_it_never_answers_500_to_a_nul_in_the_patient_search(english: World) -> None:
    claire = english.client_for(english.claire)

    response = claire.get(reverse("patient_list"), {"q": "Amy\x00"})

    assert response.status_code in (200, 400)
