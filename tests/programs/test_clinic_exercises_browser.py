"""A clinic's own exercise in Debian's chromium: the patient's Today shows its photo (loaded,
not a broken image, under the page's Content-Security-Policy), an exercise without one the
neutral figure; the clinician adds one with a photo through the form."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from backpath.accounts.models import User
from backpath.programs.models import ClinicExercise, MediaKind
from tests.browser import BROWSER, CHROMIUM, LAUNCH_ARGS
from tests.personas import World
from tests.programs.clinic_exercise_helpers import own_exercise, photo, photo_bytes, publish

pytestmark = BROWSER

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path / "exercises"


def _page(browser: Any, live_server: Any, user: User) -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    return page


def test_today_shows_the_photo_and_the_neutral_figure(
    world: World, live_server: Any, browser: Any
) -> None:
    world.amy.language = "en"
    world.amy.save(update_fields=["language"])
    with_photo = own_exercise(world, name_en="Own bridge", name_nl="", media=photo())
    without = own_exercise(world, name_en="Own stretch", name_nl="")
    publish(world, with_photo.exercise_id, without.exercise_id)
    page = _page(browser, live_server, world.amy)
    page.goto(reverse("today"))
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    image = page.locator("img.exercise-photo")
    image.wait_for()
    # Loaded (not a broken image): polled through the protocol, as the page's CSP refuses
    # the string evaluation wait_for_function would use.
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") == 80
    assert image.get_attribute("alt") == "Own bridge"
    figure = page.locator("svg.exercise-placeholder")
    assert figure.is_visible()
    assert figure.locator("title").text_content() == "Own stretch"
    assert page.errors == []


def test_a_clinician_adds_an_exercise_with_a_photo(
    world: World, live_server: Any, browser: Any, tmp_path: Path
) -> None:
    world.claire.language = "en"
    world.claire.save(update_fields=["language"])
    upload = tmp_path / "bridge.png"
    upload.write_bytes(photo_bytes("PNG"))
    page = _page(browser, live_server, world.claire)
    page.goto(reverse("exercise_list"))
    page.get_by_role("link", name="Add an exercise").click()
    page.get_by_label("Name in English").fill("Own bridge")
    page.get_by_label("Steps in English").fill("Lie on your back.\nLift your pelvis.")
    page.get_by_label("Sets").fill("2")
    page.get_by_label("Repetitions").fill("8")
    page.locator("input[name=photo]").set_input_files(str(upload))
    page.get_by_role("button", name="Add the exercise").click()
    page.wait_for_url("**" + reverse("exercise_list"))
    exercise = ClinicExercise.objects.get()
    assert (exercise.name_en, exercise.media_kind) == ("Own bridge", MediaKind.PHOTO)
    assert page.locator("td", has_text="Own bridge").is_visible()
    expect(page.locator("img.exercise-photo")).to_have_js_property("complete", True)
    assert page.locator("img.exercise-photo").evaluate("img => img.naturalWidth") == 80
    assert page.errors == []
