"""Closing an episode over HTTP, and the letters to the GP at the start and the end.

Each test walks the pages with Django's test client as a persona from ``tests/personas.py``;
the personas read the interface in English (``english`` fixture) so the assertions can name
the words on the page.
"""

from __future__ import annotations

from django.utils.html import escape

from backpath.care.models import EpisodeStatus, PlanVersion, SessionNote
from backpath.clinical.stratification import PROFILE_LABELS, Profile
from tests.care.form_data import plan_change, session_post
from tests.pages import en, field_errors, html, refreshed, url
from tests.personas import World


def test_it_closes_the_episode_and_writes_the_letters(english: World) -> None:
    claire = english.client_for(english.claire)
    episode = english.amy_episode
    patient = english.amy_patient
    patient.gp_name = "Dr. M. Visser"
    patient.gp_practice = "Huisartsenpraktijk Centrum"
    patient.save(update_fields=["gp_name", "gp_practice"])

    start = claire.get(url("letter", episode, kind="start"))
    assert start.status_code == 200
    assert "Dr. M. Visser" in html(start)
    assert "Huisartsenpraktijk Centrum" in html(start)
    assert en(PROFILE_LABELS[Profile.LOW]) in html(start)
    assert claire.get(url("letter", episode, kind="end")).status_code == 404

    refused = claire.post(url("episode_close", episode), {"reason": "goals_reached"})
    assert refused.status_code == 400
    assert "required" in field_errors(refused, "summary")
    assert refreshed(episode).is_open

    summary = "Pain 1/10, back at work full time."
    closed = claire.post(
        url("episode_close", episode), {"reason": "goals_reached", "summary": summary}
    )
    assert closed.status_code == 302
    stored = refreshed(episode)
    assert stored.status == EpisodeStatus.CLOSED
    assert stored.closed_at is not None
    assert stored.discharge_reason == "goals_reached"
    assert stored.discharge_summary == summary

    end = claire.get(url("letter", episode, kind="end"))
    assert end.status_code == 200
    assert summary in html(end)
    assert "Goals reached" in html(end)
    pdf = claire.get(url("letter_pdf", episode, kind="end"))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "Amy" not in pdf["Content-Disposition"]

    # A closed episode takes no more notes or plan changes.
    assert claire.post(url("session_new", episode), session_post()).status_code == 302
    assert not SessionNote.objects.filter(episode=episode).exists()
    assert claire.post(url("plan_adjust", episode), plan_change()).status_code == 404


def test_it_refuses_an_unknown_discharge_reason(english: World) -> None:
    claire = english.client_for(english.claire)

    response = claire.post(
        url("episode_close", english.amy_episode), {"reason": "bored", "summary": "Done."}
    )

    assert response.status_code == 400
    assert "valid choice" in field_errors(response, "reason")
    assert refreshed(english.amy_episode).is_open


def test_it_leaves_omitted_care_out_of_the_start_letter(english: World) -> None:
    claire = english.client_for(english.claire)
    episode = english.amy_episode
    plan = PlanVersion.objects.get(episode=episode)
    left_out = next(c for c in plan.plan["en"]["components"] if c["id"] == "exercise_therapy")
    assert escape(left_out["text"]) in html(claire.get(url("letter", episode, kind="start")))

    claire.post(url("plan_adjust", episode), plan_change(omit=["exercise_therapy"]))

    letter = claire.get(url("letter", episode, kind="start"))
    assert escape(left_out["text"]) not in html(letter)
