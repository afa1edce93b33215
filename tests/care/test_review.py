"""The clinician's review over HTTP: the profile, the plan it makes, its versions.

Each test walks the pages with Django's test client as a persona from ``tests/personas.py``;
the personas read the interface in English (``english`` fixture) so the assertions can name
the words on the page.
"""

from __future__ import annotations

import pytest
from django.utils.html import escape

from backpath.care.models import Assessment, AssessmentKind, EpisodeStatus, PlanVersion
from backpath.clinical.stratification import PROFILE_LABELS, Profile
from backpath.web.citations import source_label
from tests.care.form_data import review_post
from tests.pages import en, field_errors, html, refreshed, url
from tests.personas import World, low_risk_answers, submit_intake


@pytest.fixture
def submitted(english: World) -> World:
    """Ben's intake is submitted (low risk) and waits for Claire's review."""
    submit_intake(english.ben, english.ben_episode, low_risk_answers())
    english.ben_episode = refreshed(english.ben_episode)
    return english


def test_it_asks_a_reason_for_a_profile_other_than_the_advice(submitted: World) -> None:
    claire = submitted.client_for(submitted.claire)
    episode = submitted.ben_episode
    assert claire.get(url("review", episode)).status_code == 200

    response = claire.post(url("review", episode), review_post("medium"))

    assert response.status_code == 400
    assert "give the reason" in field_errors(response, "profile_reason")
    assert not PlanVersion.objects.filter(episode=episode).exists()
    assert not Assessment.objects.filter(episode=episode, kind=AssessmentKind.REVIEW).exists()
    assert refreshed(episode).status == EpisodeStatus.REVIEW


def test_it_answers_400_to_an_invalid_review(submitted: World) -> None:
    claire = submitted.client_for(submitted.claire)

    response = claire.post(url("review", submitted.ben_episode), review_post("medium"))

    assert response.status_code == 400


def test_it_makes_the_plan_from_the_review_and_keeps_each_version(submitted: World) -> None:
    claire = submitted.client_for(submitted.claire)
    episode = submitted.ben_episode
    reason = "Fear of movement came up clearly in the interview."

    response = claire.post(url("review", episode), review_post("medium", profile_reason=reason))

    assert response.status_code == 302
    assert response["Location"] == url("plan_detail", episode)
    first = PlanVersion.objects.get(episode=episode)
    assert first.number == 1
    assert first.profile == "medium"
    assert first.assessment.kind == AssessmentKind.REVIEW
    assert first.assessment.input["profile_override"] == {"profile": "medium", "reason": reason}
    assert refreshed(episode).status == EpisodeStatus.TREATMENT

    page = claire.get(url("plan_detail", episode))
    assert page.status_code == 200
    lines = first.plan["en"]["components"] + first.plan["en"]["not_recommended"]
    assert lines
    for line in lines:
        assert line["rule"] in html(page), line["id"]
        assert escape(source_label(line["source"])) in html(page), line["id"]
    assert en(PROFILE_LABELS[Profile.MEDIUM]) in html(page)

    again = claire.post(url("review", episode), review_post("low"))
    assert again.status_code == 302
    versions = list(PlanVersion.objects.filter(episode=episode).order_by("number"))
    assert [(v.number, v.profile) for v in versions] == [(1, "medium"), (2, "low")]
    assert versions[0].id == first.id
    assert versions[0].max_sessions == first.max_sessions
    assert versions[0].plan == first.plan
    assert versions[1].reason


def test_it_records_one_review_for_a_double_submit(submitted: World) -> None:
    claire = submitted.client_for(submitted.claire)
    episode = submitted.ben_episode
    data = review_post("low")

    claire.post(url("review", episode), data)
    claire.post(url("review", episode), data)

    assert PlanVersion.objects.filter(episode=episode).count() == 1
    assert Assessment.objects.filter(episode=episode, kind=AssessmentKind.REVIEW).count() == 1
