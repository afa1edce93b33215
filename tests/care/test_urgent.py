"""The red-flag stop over HTTP: the urgent advice, the clinician's contact, the referral.

Each test walks the pages with Django's test client as a persona from ``tests/personas.py``;
the personas read the interface in English (``english`` fixture) so the assertions can name
the words on the page.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from backpath.care import services
from backpath.care.models import Assessment, EpisodeStatus, IntakeStatus
from backpath.clinical.redflags import Action, AskedOf, Condition, red_flag_bank
from tests.care.form_data import questionnaire_post, safety_answers
from tests.pages import en, html, refreshed, section_text, url
from tests.personas import World


def emergency_flag() -> str:
    return next(
        f.id
        for f in red_flag_bank().flags
        if f.action is Action.EMERGENCY and f.asked_of is AskedOf.PATIENT
    )


def test_it_stops_the_intake_at_a_same_day_red_flag(english: World) -> None:
    ben = english.client_for(english.ben)
    claire = english.client_for(english.claire)
    episode = english.ben_episode

    response = ben.post(url("intake_safety", episode), safety_answers(**{"CES-1": "yes"}))
    assert response.status_code == 302
    assert response["Location"] == url("intake_urgent", episode)

    urgent = ben.get(url("intake_urgent", episode))
    assert urgent.status_code == 200
    # A cauda equina sign: "call your GP now" (NHG-LRS 2015), not the general "today".
    cauda_equina = red_flag_bank().conditions[Condition.CAUDA_EQUINA].advice[Action.SAME_DAY]
    assert en(cauda_equina.patient) in html(urgent)
    assert 'href="tel:112"' not in html(urgent)

    stored = refreshed(episode)
    assert stored.status == EpisodeStatus.URGENT
    assert stored.urgency == Action.SAME_DAY
    assert stored.intake.status == IntakeStatus.STOPPED
    assert stored.intake.red_flags["CES-1"] is True

    # The rest of the intake waits: the questionnaires send the patient back to the advice.
    moved = ben.get(url("intake_questionnaires", episode))
    assert moved.status_code == 302
    assert moved["Location"] == url("intake_urgent", episode)
    moved = ben.post(url("intake_questionnaires", episode), questionnaire_post(episode))
    assert moved["Location"] == url("intake_urgent", episode)
    assert not Assessment.objects.filter(episode=episode).exists()

    dashboard = claire.get(reverse("dashboard"))
    assert "Ben Test" in section_text(dashboard, "Needs your attention")

    seen = claire.post(url("urgent_seen", episode))
    assert seen.status_code == 302
    stored = refreshed(episode)
    assert stored.urgent_seen_by == english.claire
    assert stored.urgent_seen_at is not None
    assert timezone.now() - stored.urgent_seen_at < timedelta(minutes=1)

    dashboard = claire.get(reverse("dashboard"))
    assert "Ben Test" not in section_text(dashboard, "Needs your attention")
    detail = claire.get(url("episode_detail", episode))
    assert en(cauda_equina.clinician) in html(detail)
    assert "I have contacted the patient" not in html(detail)
    assert "Seen by Claire" in html(detail)


def test_it_lets_the_clinician_close_an_urgent_episode_as_referred(english: World) -> None:
    ben = english.client_for(english.ben)
    claire = english.client_for(english.claire)
    episode = english.ben_episode
    ben.post(url("intake_safety", episode), safety_answers(**{"CES-1": "yes"}))
    claire.post(url("urgent_seen", episode))

    detail = claire.get(url("episode_detail", episode))

    assert f'action="{url("episode_close", episode)}"' in html(detail)


def test_it_shows_the_emergency_number_for_an_emergency_flag(english: World) -> None:
    ben = english.client_for(english.ben)
    episode = english.ben_episode

    response = ben.post(url("intake_safety", episode), safety_answers(**{emergency_flag(): "yes"}))

    assert response["Location"] == url("intake_urgent", episode)
    urgent = ben.get(url("intake_urgent", episode))
    assert 'href="tel:112"' in html(urgent)
    assert en(red_flag_bank().actions[Action.EMERGENCY].patient) in html(urgent)
    assert refreshed(episode).urgency == Action.EMERGENCY
    home = ben.get(reverse("portal_home"))
    assert 'href="tel:112"' in html(home)


def test_it_records_contact_about_an_urgent_episode_only_once(english: World) -> None:
    episode = english.amy_episode  # in treatment, not urgent
    services.urgent_acknowledge(actor=english.claire, episode=episode)
    episode.refresh_from_db()
    assert episode.urgent_seen_at is None
