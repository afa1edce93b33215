"""The reminder settings page (the patient's side of the walk-through): a reminder time in
the quiet hours is warned about, not refused; the calendar link can be copied and
subscribed to. (Kept beside the clinician screens' tests of the same issue.)"""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from backpath.reminders.forms import ReminderSettingsForm
from backpath.reminders.models import ReminderSettings
from tests.pages import html, parse
from tests.personas import World

SETTINGS = {
    "email": "on",
    "exercises": "on",
    "diary": "on",
    "recheck": "on",
    "questionnaire": "on",
    "exercise_time": "09:00",
    "quiet_start": "22:00",
    "quiet_end": "08:00",
}


def warning(response: Any) -> str:
    box = parse(response).find(".//div[@id='quiet-hours-warning']")
    return "" if box is None else " ".join("".join(box.itertext()).split())


def settings_page(world: World, **choices: str) -> tuple[Client, Any]:
    client = world.client_for(world.amy)
    saved = client.post(reverse("reminder_settings"), SETTINGS | choices)
    assert saved.status_code == 302  # never refused: a warning, not an error
    return client, client.get(reverse("reminder_settings"))


def test_an_exercise_time_in_the_morning_quiet_hours_is_warned_about(english: World) -> None:
    _client, page = settings_page(english, exercise_time="07:00")

    stored = ReminderSettings.objects.get(user=english.amy)
    assert stored.exercise_time == time(7, 0)
    assert "The exercise reminder at 07:00 falls in your quiet hours (22:00 to 08:00)" in warning(
        page
    )
    assert "it comes at 08:00 instead" in warning(page)


def test_an_exercise_time_before_midnight_in_wrapping_quiet_hours_is_never_sent(
    english: World,
) -> None:
    _client, page = settings_page(english, exercise_time="23:15")

    assert "The exercise reminder at 23:15" in warning(page)
    assert "it is never sent" in warning(page)


def test_quiet_hours_over_the_fixed_reminder_times_are_warned_about(english: World) -> None:
    _client, page = settings_page(english, quiet_start="18:00", quiet_end="11:00")

    text = warning(page)
    assert "The diary reminder at 19:00" in text
    assert "The weekly check and questionnaire reminder at 10:00" in text
    assert "The exercise reminder at 09:00" in text


@pytest.mark.parametrize(
    "choices",
    [
        {},  # 09:00, quiet 22:00 to 08:00: outside
        {"exercise_time": "08:00"},  # the quiet hours end at 08:00: outside
        {"quiet_start": "12:00", "quiet_end": "12:00"},  # the same time twice: none
        {"exercise_time": "07:00", "email": ""},  # no emails at all
    ],
    ids=["outside", "at-the-end", "no-quiet-hours", "no-email"],
)
def test_no_warning_when_every_reminder_comes_on_time(
    english: World, choices: dict[str, str]
) -> None:
    data = {key: value for key, value in (SETTINGS | choices).items() if value}
    client = english.client_for(english.amy)
    assert client.post(reverse("reminder_settings"), data).status_code == 302

    assert warning(client.get(reverse("reminder_settings"))) == ""


def test_the_warning_is_the_forms_own_rule() -> None:
    form = ReminderSettingsForm(
        SETTINGS | {"exercise_time": "13:30", "quiet_start": "12:00", "quiet_end": "14:00"}
    )

    assert form.is_valid()
    [message] = form.quiet_hours_warnings()
    assert "13:30" in message
    assert "14:00" in message


def test_the_new_calendar_link_has_a_copy_button_and_a_subscribe_link(english: World) -> None:
    client = english.client_for(english.amy)

    page = client.post(reverse("calendar_token_new"))

    link: str = page.context["new_link"]
    scheme, rest = link.split("://", 1)
    assert scheme in ("http", "https")
    tree = parse(page)
    subscribe = [a for a in tree.iter("a") if (a.get("href") or "").startswith("webcal://")]
    assert [a.get("href") for a in subscribe] == [f"webcal://{rest}"]
    button = tree.find(".//button[@data-copy='calendar-link']")
    assert button is not None
    assert button.get("type") == "button"
    assert 'src="/static/backpath/copy.js"' in html(page)
    assert "<script>" not in html(page)  # no inline script: the CSP allows none
