"""The clinician's pages on a 1366 px laptop screen, in Debian's chromium: nothing scrolls
sideways, tables fit their cards, and a table that would still scroll can be reached with
the keyboard (axe's "scrollable-region-focusable": a focusable, named region).

Walks the pages of ``tests/personas.py``'s clinic in Dutch (the clinic's language and the
longer one), with long names and long free text where a page shows them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backpath.accounts.models import User
from backpath.care import services as care_services
from backpath.care.models import Episode
from backpath.care.session_checks import SessionDraft
from backpath.exercises.library import Dosage
from backpath.programs import services as program_services
from backpath.programs.models import ExerciseLog
from tests.browser import BROWSER, CHROMIUM, LAUNCH_ARGS
from tests.personas import World, low_risk_answers, submit_intake

pytestmark = BROWSER
LAPTOP = {"width": 1366, "height": 768}

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

MEASURE = """() => ({
  page: document.documentElement.scrollWidth - window.innerWidth,
  tables: [...document.querySelectorAll('.table-wrap')].map(w => ({
    label: w.getAttribute('aria-label'),
    tabindex: w.getAttribute('tabindex'),
    role: w.getAttribute('role'),
    over: w.scrollWidth - w.clientWidth,
  })),
})"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def _crowded(world: World) -> Episode:
    """Long names, a session note, a program with logs and a quota, an intake to review."""
    claire = world.claire
    world.amy_patient.last_name = "van der Zandvoort-Oosterhuis"
    world.amy_patient.first_name = "Maximiliana"
    world.amy_patient.save(update_fields=["first_name", "last_name"])
    world.claire.last_name = "Verhoeven-Brouwer"
    world.claire.save(update_fields=["last_name"])
    care_services.session_record(
        actor=claire,
        episode=world.amy_episode,
        draft=SessionDraft(
            held_on=timezone.localdate(),
            subjective="Beter in de ochtend.",
            objective="",
            analysis="",
            plan="",
            pain_now=4,
            interventions=("exercise_therapy",),
            deviation_reason="",
            over_budget_reason="",
        ),
        submission=None,
    )
    program = program_services.program_publish(
        actor=claire,
        episode=world.amy_episode,
        items=[
            program_services.ItemDraft("bridge", Dosage(sets=2, reps=10), 7),
            program_services.ItemDraft("cat_camel", Dosage(sets=2, reps=10), 7),
        ],
        quota=None,
        note="",
        reason="",
        submission=None,
    )
    for days_ago in range(6):
        for item in program.items.all():
            ExerciseLog.objects.create(
                item=item,
                day=timezone.localdate() - timedelta(days=days_ago),
                done=days_ago % 3 != 0,
                pain=6,
            )
    submit_intake(world.ben, world.ben_episode, low_risk_answers())
    urgent_patient = care_services.patient_create(
        actor=claire,
        submission=None,
        first_name="Wilhelmina",
        last_name="Oosterhout-van Leeuwenstein",
        date_of_birth=world.amy_patient.date_of_birth,
        sex="female",
        phone="+31 (0)6 1234 5678",
        gp_name="Dr. M. Visser-de Groot",
        gp_practice="Huisartsenpraktijk Centrum Oost",
        gp_phone="020-123 45 67",
        gp_address="Dorpsstraat 123\n1234 AB Amsterdam",
    )
    urgent = care_services.episode_open(
        actor=claire, patient=urgent_patient, extra_instruments=(), submission=None
    )
    care_services.intake_save_safety(
        actor=claire,
        episode=urgent,
        red_flags={"CES-1": True},
        facts={"smoker": False, "cardiovascular_disease": False},
    )
    return urgent


def _page(browser: Any, live_server: Any, user: User) -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, viewport=LAPTOP, locale="nl-NL")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context.new_page()


def test_the_clinician_pages_fit_a_laptop_screen(
    world: World, live_server: Any, browser: Any
) -> None:
    urgent = _crowded(world)
    amy, ben = world.amy_episode, world.ben_episode
    pages = {
        world.claire: [
            reverse("dashboard"),
            reverse("patient_list"),
            reverse("episode_detail", args=[amy.id]),
            reverse("plan_detail", args=[amy.id]),
            reverse("program_detail", args=[amy.id]),
            reverse("program_adherence", args=[amy.id]),
            reverse("review", args=[ben.id]),
            reverse("session_new", args=[amy.id]),
            reverse("episode_detail", args=[urgent.id]),
        ],
        world.xavier: [reverse("team"), reverse("access_log") + "?actor=" + str(world.claire.pk)],
    }
    problems = []
    for user, paths in pages.items():
        page = _page(browser, live_server, user)
        for path in paths:
            page.goto(path)
            assert page.locator("h1").first.is_visible(), path
            measured = page.evaluate(MEASURE)
            if os.environ.get("BACKPATH_SCREENSHOTS"):
                name = "wide-" + "-".join(part[:8] for part in path.strip("/").split("/"))
                page.screenshot(
                    path=str(Path(os.environ["BACKPATH_SCREENSHOTS"]) / f"{name}.png"),
                    full_page=True,
                )
            if measured["page"] > 0:
                problems.append(f"{path} scrolls sideways by {measured['page']}px")
            for table in measured["tables"]:
                if table["over"] > 0:
                    problems.append(
                        f"{path}: table {table['label']!r} scrolls by {table['over']}px"
                    )
                if (table["tabindex"], table["role"]) != ("0", "region") or not table["label"]:
                    problems.append(f"{path}: a table wrapper is not a named, focusable region")
        page.context.close()
    assert not problems, "\n".join(problems)
