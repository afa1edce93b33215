"""The reminder settings page, the calendar link and the feed it opens."""

from __future__ import annotations

import logging
from datetime import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from backpath.exercises.library import Dosage
from backpath.programs.services import ItemDraft, program_publish
from backpath.reminders.models import ReminderSettings
from tests.personas import World

VALID = {
    "email": "on",
    "exercises": "on",
    "diary": "on",
    "questionnaire": "on",
    "exercise_time": "18:30",
    "quiet_start": "21:00",
    "quiet_end": "07:30",
}


def new_link(client: Client) -> str:
    page = client.post(reverse("calendar_token_new"))
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    link: str = page.context["new_link"]
    assert link in page.content.decode()
    return link


def feed(link: str) -> Calendar:
    response = Client().get(link)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Cache-Control"] == "private, no-store"
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> list[dict[str, object]]:
    return [
        {
            "summary": str(e["summary"]),
            "start": e.decoded("dtstart"),
            "rrule": e.get("rrule"),
            "alarms": [str(a["description"]) for a in e.walk("VALARM")],
        }
        for e in calendar.walk("VEVENT")
    ]


def test_it_shows_the_defaults_and_saves_the_patients_choices(world: World) -> None:
    client = world.client_for(world.amy)
    page = client.get(reverse("reminder_settings"))
    assert page.status_code == 200
    assert page.context["form"]["exercise_time"].value() == time(9, 0)
    response = client.post(reverse("reminder_settings"), VALID)
    assert response.status_code == 302
    saved = ReminderSettings.objects.get(user=world.amy)
    assert (saved.email, saved.recheck, saved.sitting_breaks) == (True, False, False)
    assert (saved.exercise_time, saved.quiet_start, saved.quiet_end) == (
        time(18, 30),
        time(21, 0),
        time(7, 30),
    )
    opted_out = client.post(reverse("reminder_settings"), {**VALID, "email": ""})
    assert opted_out.status_code == 302
    assert ReminderSettings.objects.get(user=world.amy).email is False


@pytest.mark.parametrize("bad", ["25:00", "9 o'clock", ""])
def test_it_refuses_a_time_that_is_not_one_with_400(world: World, bad: str) -> None:
    client = world.client_for(world.amy)
    response = client.post(reverse("reminder_settings"), {**VALID, "quiet_start": bad})
    assert response.status_code == 400
    assert response.context["form"].errors["quiet_start"]
    assert "field--invalid" in response.content.decode()
    assert not ReminderSettings.objects.filter(user=world.amy).exists()


def test_the_feed_has_exercise_times_questionnaire_dates_and_no_health_detail(
    english: World,
) -> None:
    world = english
    program_publish(
        actor=world.claire,
        episode=world.amy_episode,
        items=[ItemDraft("abdominal_bracing", Dosage(hold_seconds=10, reps=8), 7)],
        quota=None,
        note="",
        reason="",
        submission=None,
    )
    client = world.client_for(world.amy)
    client.post(reverse("reminder_settings"), {**VALID, "sitting_breaks": "on"})
    found = events(feed(new_link(client)))
    exercises = [e for e in found if e["summary"] == "backpath: exercises"]
    assert len(exercises) == 1
    assert exercises[0]["start"].time() == time(18, 30)  # type: ignore[attr-defined]
    assert exercises[0]["rrule"]["FREQ"] == ["DAILY"]  # type: ignore[index]
    questionnaires = [e for e in found if e["summary"] == "backpath: questionnaire"]
    assert questionnaires
    assert all(not hasattr(e["start"], "hour") for e in questionnaires)  # all-day
    breaks = [e for e in found if e["summary"] == "Stand up and move for a minute"]
    assert sorted(e["start"].hour for e in breaks) == list(range(9, 18))  # type: ignore[attr-defined]
    for event in breaks:
        assert event["rrule"]["BYDAY"] == ["MO", "TU", "WE", "TH", "FR"]  # type: ignore[index]
        assert event["alarms"] == ["Stand up and move for a minute"]
    assert {e["summary"] for e in found} == {
        "backpath: exercises",
        "backpath: questionnaire",
        "Stand up and move for a minute",
    }


def test_the_feed_leaves_out_what_is_not_there(english: World) -> None:
    # No program yet, sitting breaks off: only the questionnaire dates.
    world = english
    found = events(feed(new_link(world.client_for(world.amy))))
    assert found
    assert {e["summary"] for e in found} == {"backpath: questionnaire"}


def test_a_new_link_stops_the_old_one_and_stopping_ends_both(world: World) -> None:
    client = world.client_for(world.amy)
    first = new_link(client)
    second = new_link(client)
    assert first != second
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200
    page = client.get(reverse("reminder_settings"))
    assert page.context["has_link"] is True
    assert second not in page.content.decode()  # shown once only
    stopped = client.post(reverse("calendar_token_new"), {"action": "stop"})
    assert stopped.status_code == 302
    assert Client().get(second).status_code == 404
    assert ReminderSettings.objects.get(user=world.amy).calendar_token_hash == ""


def test_it_stores_only_a_hash_of_the_link(world: World) -> None:
    link = new_link(world.client_for(world.amy))
    token = link.rsplit("/", 1)[1].removesuffix(".ics")
    stored = ReminderSettings.objects.get(user=world.amy).calendar_token_hash
    assert len(stored) == 64
    assert token not in stored


def test_a_wrong_link_is_not_found_and_not_logged(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "not-a-real-token-but-secret-looking-1234567890"
    with caplog.at_level(logging.DEBUG):
        response = Client().get(reverse("calendar_feed", kwargs={"token": secret}))
        posted = Client().post(reverse("calendar_feed", kwargs={"token": secret}))
    assert response.status_code == 404
    assert secret.encode() not in response.content
    assert posted.status_code == 405
    assert secret not in caplog.text


def test_the_feed_closes_when_the_patient_account_is_closed(world: World) -> None:
    link = new_link(world.client_for(world.amy))
    world.amy.is_active = False
    world.amy.save(update_fields=["is_active"])
    assert Client().get(link).status_code == 404


def test_the_feed_follows_the_exercise_time_of_the_first_program_day(world: World) -> None:
    program_publish(
        actor=world.claire,
        episode=world.amy_episode,
        items=[ItemDraft("abdominal_bracing", Dosage(hold_seconds=10, reps=8), 7)],
        quota=None,
        note="",
        reason="",
        submission=None,
    )
    found = events(feed(new_link(world.client_for(world.amy))))
    (exercises,) = [e for e in found if e["rrule"] is not None]
    start = exercises["start"]
    assert start.time() == time(9, 0)  # type: ignore[attr-defined]
    assert start.tzinfo is not None  # type: ignore[attr-defined]
    assert start.date() == timezone.localdate()  # type: ignore[attr-defined]
