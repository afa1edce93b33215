"""The patient's intake over HTTP: the safety step, then the questionnaires.

Each test walks the pages with Django's test client as a persona from ``tests/personas.py``;
the personas read the interface in English (``english`` fixture) so the assertions can name
the words on the page.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from backpath.care.models import Assessment, AssessmentKind, EpisodeStatus, IntakeStatus
from backpath.clinical.instruments import instrument
from tests.care.form_data import questionnaire_answers, questionnaire_post, safety_answers
from tests.pages import field_errors, html, refreshed, url
from tests.personas import World


def test_it_keeps_the_safety_step_until_every_question_is_answered(english: World) -> None:
    ben = english.client_for(english.ben)
    page = url("intake_safety", english.ben_episode)
    assert ben.get(page).status_code == 200

    answers = safety_answers()
    del answers["CES-2"]
    response = ben.post(page, answers)

    assert response.status_code == 400
    assert "required" in field_errors(response, "CES-2")
    assert field_errors(response, "CES-1") == ""
    intake = refreshed(english.ben_episode).intake
    assert intake.status == IntakeStatus.SAFETY
    assert intake.red_flags == {}


def test_it_takes_the_patient_through_the_intake_to_the_review(english: World) -> None:
    ben = english.client_for(english.ben)
    episode = english.ben_episode

    response = ben.post(url("intake_safety", episode), safety_answers())
    assert response.status_code == 302
    assert response["Location"] == url("intake_questionnaires", episode)
    assert ben.get(url("intake_questionnaires", episode)).status_code == 200

    answers = questionnaire_answers(episode)
    response = ben.post(url("intake_questionnaires", episode), questionnaire_post(episode))
    assert response.status_code == 302
    assert response["Location"] == url("intake_done", episode)
    assert ben.get(response["Location"]).status_code == 200

    stored = Assessment.objects.get(episode=episode)
    assert stored.kind == AssessmentKind.INTAKE
    assert stored.input["answers"] == answers
    assert stored.input["complaint"]["leg_pain"] == "none"
    assert stored.redflags_ruleset
    assert stored.pathway_ruleset
    assert stored.backpath_version
    assert set(stored.result) == {"nl", "en"}
    episode = refreshed(episode)
    assert episode.status == EpisodeStatus.REVIEW
    assert episode.intake.status == IntakeStatus.SUBMITTED
    assert episode.intake.answers == answers
    assert episode.intake.description == "Pain low in the back since lifting a box."

    # The double submit finds the intake submitted and writes nothing.
    again = ben.post(url("intake_questionnaires", episode), questionnaire_post(episode))
    assert again.status_code == 302
    assert again["Location"] == url("intake_done", episode)
    assert Assessment.objects.filter(episode=episode).count() == 1


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"onset": (timezone.localdate() + timedelta(days=3)).isoformat()}, "onset", "future"),
        ({"startback__q3": ""}, "startback__q3", "required"),
        ({"nprs__q1": "11"}, "nprs__q1", "valid choice"),
        ({"leg_pain": "sideways"}, "leg_pain", "valid choice"),
    ],
    ids=["future-onset", "missing-startback-item", "out-of-range", "unknown-choice"],
)
def test_it_refuses_an_invalid_questionnaire_and_stores_nothing(
    english: World, change: dict[str, str], field: str, words: str
) -> None:
    ben = english.client_for(english.ben)
    episode = english.ben_episode
    ben.post(url("intake_safety", episode), safety_answers())

    response = ben.post(
        url("intake_questionnaires", episode), questionnaire_post(episode, **change)
    )

    assert response.status_code == 400
    assert words in field_errors(response, field)
    assert not Assessment.objects.filter(episode=episode).exists()
    episode = refreshed(episode)
    assert episode.intake.status == IntakeStatus.QUESTIONNAIRES
    assert episode.intake.answers == {}
    assert episode.status == EpisodeStatus.INTAKE


def test_it_refuses_a_questionnaire_with_too_few_answers(english: World) -> None:
    ben = english.client_for(english.ben)
    episode = english.ben_episode
    ben.post(url("intake_safety", episode), safety_answers())
    empty_psk = {f"psk__{item.link_id}": "" for item in instrument("psk").items}

    response = ben.post(
        url("intake_questionnaires", episode), questionnaire_post(episode, **empty_psk)
    )

    assert response.status_code == 400
    assert "PSK: answer at least 1 question(s)." in html(response)
    assert not Assessment.objects.filter(episode=episode).exists()
