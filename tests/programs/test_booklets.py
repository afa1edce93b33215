"""Booklets: the patient's own program and the library e-book as PDF (WeasyPrint)."""

from __future__ import annotations

import uuid
from datetime import date

from django.urls import reverse

from backpath.clinical.language import Lang
from backpath.exercises.library import library
from backpath.programs.booklets import library_booklet, program_booklet
from backpath.programs.models import Program
from tests.personas import World


def _publish(world: World) -> Program:
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
    }
    url = reverse("program_edit", kwargs={"episode_id": world.amy_episode.id})
    assert world.client_for(world.claire).post(url, data).status_code == 302
    return Program.objects.get()


def test_it_prints_the_patients_program_for_clinician_and_patient(world: World) -> None:
    _publish(world)
    staff = world.client_for(world.claire).get(
        reverse("program_booklet", kwargs={"episode_id": world.amy_episode.id})
    )
    mine = world.client_for(world.amy).get(reverse("my_booklet"))
    for response in (staff, mine):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert "Amy" not in response["Content-Disposition"]
    # Another patient of the same clinic has no program of their own to print.
    assert world.client_for(world.ben).get(reverse("my_booklet")).status_code == 404


def test_it_builds_both_booklets_in_both_languages(world: World) -> None:
    program = _publish(world)
    for lang in Lang:
        assert program_booklet(program, lang).startswith(b"%PDF")
        book = library_booklet(lang, "De Linde", date(2026, 11, 25))
        assert book.startswith(b"%PDF")
        # One exercise per box; the book grows with the library.
        assert len(book) > 2_000 * len(library())
