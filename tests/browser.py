"""What the browser tests share: Debian's Chromium driven by Playwright's sync API (never
`playwright install`; no browser is downloaded here)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from backpath.accounts.models import User
from backpath.care.models import Episode
from backpath.exercises.library import Dosage
from backpath.programs.services import ItemDraft, program_publish
from backpath.web.demo_data import load_demo

# Playwright's sync API keeps an event loop in the test thread; Django's database calls from
# that thread (fixtures, assertions) are still synchronous and safe. Read at each DB call, so
# setting it when a browser test module is imported, before any fixture runs, is enough.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[1]

# pytestmark of a browser test module.
BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(
        # CI installs chromium; there a missing browser must fail the run, not skip it.
        not CHROMIUM.exists() and not os.environ.get("CI"),
        reason="browser journeys need /usr/bin/chromium (apt install chromium)",
    ),
]

LAUNCH_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def demo_with_carlas_program(settings: Any) -> Episode:
    """The demo clinic loaded, with a published home program for Carla (a held and a
    counted exercise: Today, the timer, adherence, the builder's history); her episode."""
    # The demo creates five accounts; a fast hasher keeps that (and each login) quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert load_demo()
    carla = Episode.objects.get(patient__first_name="Carla")
    program_publish(
        actor=User.objects.get(email="sanne@delinde.example"),
        episode=carla,
        items=[
            ItemDraft("abdominal_bracing", Dosage(hold_seconds=10, reps=8), 7),
            ItemDraft("bridge", Dosage(sets=2, reps=10), 7),
        ],
        quota=None,
        note="",
        reason="",
        submission=None,
    )
    return carla
