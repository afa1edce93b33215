"""Session notes over HTTP: the guideline checks, the session budget, double submits.

Each test walks the pages with Django's test client as a persona from ``tests/personas.py``;
the personas read the interface in English (``english`` fixture) so the assertions can name
the words on the page.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from backpath.care import services
from backpath.care.models import SessionNote
from backpath.care.session_checks import SessionDraft
from backpath.care.submissions import session_already_saved
from tests.care.form_data import session_post
from tests.pages import field_errors, html, section_text, url
from tests.personas import World


def test_it_records_sessions_with_the_guideline_checks(english: World) -> None:
    claire = english.client_for(english.claire)
    episode = english.amy_episode
    new = url("session_new", episode)
    assert claire.get(new).status_code == 200

    first = claire.post(new, session_post())
    assert first.status_code == 302
    note = SessionNote.objects.get(episode=episode)
    assert (note.number, note.interventions, note.warnings) == (1, ["exercise_therapy"], [])
    assert note.clinician == english.claire

    refused = claire.post(new, session_post(interventions=["tens"]))
    assert refused.status_code == 400
    assert "advises against" in field_errors(refused, "deviation_reason")
    assert "TENS" in html(refused)
    assert SessionNote.objects.filter(episode=episode).count() == 1

    reason = "Patient insisted after a good experience elsewhere."
    saved = claire.post(new, session_post(interventions=["tens"], deviation_reason=reason))
    assert saved.status_code == 302
    second = SessionNote.objects.get(episode=episode, number=2)
    assert second.warnings == ["tens"]
    assert second.deviation_reason == reason

    assert claire.post(new, session_post()).status_code == 302  # session 3: the budget

    over = claire.post(new, session_post())
    assert over.status_code == 400
    assert "session budget" in field_errors(over, "over_budget_reason")
    assert SessionNote.objects.filter(episode=episode).count() == 3

    fourth = claire.post(new, session_post(over_budget_reason="Flare-up after a fall."))
    assert fourth.status_code == 302
    assert SessionNote.objects.get(episode=episode, number=4).over_budget_reason

    detail = claire.get(url("episode_detail", episode))
    assert "4 of 3 sessions used" in section_text(detail, "Sessions and evaluation")
    assert "budget--over" in html(detail)


def test_it_warns_about_advised_against_care_while_ticking(english: World) -> None:
    claire = english.client_for(english.claire)
    episode = english.amy_episode
    check = url("session_check", episode)

    warned = claire.post(check, {"interventions": ["tens"]}, HTTP_HX_REQUEST="true")
    quiet = claire.post(check, {"interventions": ["exercise_therapy"]}, HTTP_HX_REQUEST="true")

    assert warned.status_code == 200
    assert "<html" not in html(warned)
    assert "TENS: Do not offer." in html(warned)
    assert "Do not apply TENS in low back pain or LRS" in html(warned)
    assert 'name="deviation_reason"' in html(warned)
    assert quiet.status_code == 200
    assert "TENS" not in html(quiet)
    assert 'name="deviation_reason"' not in html(quiet)
    assert not SessionNote.objects.filter(episode=episode).exists()


def test_it_saves_one_note_for_a_double_submit(english: World) -> None:
    claire = english.client_for(english.claire)
    data = session_post()

    assert claire.post(url("session_new", english.amy_episode), data).status_code == 302
    assert claire.post(url("session_new", english.amy_episode), data).status_code == 302

    assert SessionNote.objects.filter(episode=english.amy_episode).count() == 1


def test_it_answers_a_double_submit_of_the_last_budgeted_session_like_the_first(
    english: World,
) -> None:
    claire = english.client_for(english.claire)
    new = url("session_new", english.amy_episode)
    claire.post(new, session_post())
    claire.post(new, session_post())
    third = session_post()

    first = claire.post(new, third)
    again = claire.post(new, third)

    assert first.status_code == 302
    assert SessionNote.objects.filter(episode=english.amy_episode).count() == 3
    assert again.status_code == 302
    assert again["Location"] == first["Location"]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (
            {"held_on": (timezone.localdate() + timedelta(days=1)).isoformat()},
            "held_on",
            "future",
        ),
        ({"interventions": ["cupping"]}, "interventions", "valid choice"),
        ({"interventions": []}, "interventions", "required"),
        ({"pain_now": "11"}, "pain_now", "less than or equal to 10"),
    ],
    ids=["future-date", "unknown-intervention", "no-intervention", "pain-over-10"],
)
def test_it_refuses_an_invalid_session_note(
    english: World, change: dict[str, Any], field: str, words: str
) -> None:
    claire = english.client_for(english.claire)

    response = claire.post(url("session_new", english.amy_episode), session_post(**change))

    assert response.status_code == 400
    assert words in field_errors(response, field)
    assert not SessionNote.objects.filter(episode=english.amy_episode).exists()


def test_it_refuses_a_form_id_reused_in_another_episode(english: World) -> None:
    """A submission id belongs to one form on one record; reuse elsewhere is tampering."""
    claire = english.client_for(english.claire)
    form_id = str(uuid.uuid4())
    first = claire.post(
        url("session_new", english.amy_episode),
        {
            "submission": form_id,
            "held_on": timezone.localdate().isoformat(),
            "interventions": ["education"],
        },
    )
    assert first.status_code == 302
    other = services.episode_open(
        actor=english.claire, patient=english.ben_patient, extra_instruments=(), submission=None
    )
    with pytest.raises(SuspiciousOperation):
        session_already_saved(other, uuid.UUID(form_id))


def test_it_refuses_a_session_the_plan_no_longer_allows(english: World) -> None:
    """The view checked the plan; the service checks it again inside its transaction."""
    draft = SessionDraft(
        held_on=timezone.localdate(),
        subjective="",
        objective="",
        analysis="",
        plan="",
        pain_now=None,
        interventions=("tens",),
        deviation_reason="",
        over_budget_reason="",
    )
    with pytest.raises(services.SessionRefused) as refused:
        services.session_record(
            actor=english.claire, episode=english.amy_episode, draft=draft, submission=None
        )
    assert [field for field, _problem in refused.value.problems] == ["deviation_reason"]
    assert not english.amy_episode.sessions.exists()
