"""PDF limits (security review): a booklet is printed once per program version and language,
and every PDF view answers 429 past ten PDFs a minute per user.

WeasyPrint's ``HTML`` is replaced by a counter around it, so the tests see how often a PDF
was really printed; the throttle tests use a fake that prints nothing, for speed.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import weasyprint
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from backpath.auditlog.models import AccessEntry, Action
from backpath.clinical.language import Lang
from backpath.programs.booklets import booklet_cache_key
from backpath.programs.models import Program
from backpath.web import pdf
from tests.personas import World

LIMIT = pdf.PDF_RENDERS_PER_MINUTE


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Printed booklets and PDF counters live in Django's cache: each test starts empty."""
    cache.clear()
    yield
    cache.clear()


class Printed:
    """Counts WeasyPrint's documents; prints them for real unless ``fake``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, fake: bool = False) -> None:
        self.count = 0
        real = weasyprint.HTML

        def html(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            if fake:
                return SimpleNamespace(write_pdf=lambda: b"%PDF-1.7 fake")
            return real(*args, **kwargs)

        monkeypatch.setattr(weasyprint, "HTML", html)


def publish(world: World, reason: str = "") -> Program:
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-exercise_id": "bridge",
        "form-0-sets": "2",
        "form-0-reps": "10",
        "form-0-per_week": "3",
        "form-0-ORDER": "1",
        "submission": str(uuid.uuid4()),
        "publish": "1",
        "reason": reason,
    }
    url = reverse("program_edit", kwargs={"episode_id": world.amy_episode.id})
    assert world.client_for(world.claire).post(url, data).status_code == 302
    return Program.objects.filter(episode=world.amy_episode).order_by("-number")[0]


def booklet_url(world: World) -> str:
    return reverse("program_booklet", kwargs={"episode_id": world.amy_episode.id})


def letter_url(world: World) -> str:
    return reverse("letter_pdf", kwargs={"episode_id": world.amy_episode.id, "kind": "start"})


def pdf_bytes(response: Any) -> bytes:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content: bytes = response.content
    return content


# --- the booklet cache --------------------------------------------------------------------


def test_the_second_request_for_a_booklet_does_not_print_it_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(world)
    printed = Printed(monkeypatch)
    claire = world.client_for(world.claire)

    first = pdf_bytes(claire.get(booklet_url(world)))
    assert printed.count == 1
    assert first.startswith(b"%PDF")

    # Again, and by the patient herself (same program version, same language): no printing.
    assert pdf_bytes(claire.get(booklet_url(world))) == first
    assert pdf_bytes(world.client_for(world.amy).get(reverse("my_booklet"))) == first
    assert printed.count == 1


def test_a_new_version_a_language_or_a_renamed_patient_prints_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(world)
    printed = Printed(monkeypatch)
    claire = world.client_for(world.claire)
    pdf_bytes(claire.get(booklet_url(world)))
    assert printed.count == 1

    publish(world, reason="Bridge is easy now.")  # version 2
    pdf_bytes(claire.get(booklet_url(world)))
    assert printed.count == 2

    world.claire.language = "en" if world.claire.language != "en" else "nl"
    world.claire.save(update_fields=["language"])
    pdf_bytes(claire.get(booklet_url(world)))
    assert printed.count == 3

    world.amy_patient.last_name = "Renamed"
    world.amy_patient.save(update_fields=["last_name"])
    pdf_bytes(claire.get(booklet_url(world)))
    assert printed.count == 4
    pdf_bytes(claire.get(booklet_url(world)))
    assert printed.count == 4


def test_the_cache_key_names_nobody(world: World) -> None:
    program = publish(world)
    key = booklet_cache_key(program, Lang.NL)
    assert str(program.id) in key
    assert "Amy" not in key
    assert "Test" not in key
    assert "De Linde" not in key


# --- the throttle ---------------------------------------------------------------------------


def test_the_eleventh_pdf_in_a_minute_answers_429_and_the_next_minute_works(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(world)
    Printed(monkeypatch, fake=True)
    now = time.time()
    monkeypatch.setattr(pdf, "time", SimpleNamespace(time=lambda: now))
    claire = world.client_for(world.claire)
    for _ in range(LIMIT):
        pdf_bytes(claire.get(booklet_url(world)))
    prints = AccessEntry.objects.filter(action=Action.PRINT).count()

    refused = claire.get(booklet_url(world))

    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("text/plain")
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.content
    # The letters count with the booklets; a refused PDF is not logged as printed.
    assert claire.get(letter_url(world)).status_code == 429
    assert AccessEntry.objects.filter(action=Action.PRINT).count() == prints
    # Another user has a count of her own.
    pdf_bytes(world.client_for(world.amy).get(reverse("my_booklet")))

    monkeypatch.setattr(pdf, "time", SimpleNamespace(time=lambda: now + 60))
    pdf_bytes(claire.get(booklet_url(world)))


def test_the_patients_booklet_and_the_gp_letter_are_throttled_too(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(world)
    Printed(monkeypatch, fake=True)
    now = time.time()
    monkeypatch.setattr(pdf, "time", SimpleNamespace(time=lambda: now))
    amy: Client = world.client_for(world.amy)
    claire: Client = world.client_for(world.claire)
    for _ in range(LIMIT):
        pdf_bytes(amy.get(reverse("my_booklet")))
        pdf_bytes(claire.get(letter_url(world)))
    assert amy.get(reverse("my_booklet")).status_code == 429
    assert claire.get(letter_url(world)).status_code == 429

    cache.clear()  # the counters expire with their minute
    pdf_bytes(amy.get(reverse("my_booklet")))
    pdf_bytes(claire.get(letter_url(world)))
