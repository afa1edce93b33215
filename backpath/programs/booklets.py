"""Printable booklets (WeasyPrint): the patient's own program, and the whole library as an e-book.

The pictures are the same SVGs the pages show, inlined, so nothing is fetched. Both booklets
carry the clinic's name and come in Dutch or English.
"""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from backpath.clinical.language import Lang
from backpath.exercises.library import Category, Exercise, library
from backpath.exercises.render import render_svg
from backpath.programs.models import Program


def _css() -> str:
    path = finders.find("backpath/booklet.css")
    assert isinstance(path, str)
    with open(path, encoding="utf-8") as css:
        return css.read()


def _data_uri(svg: str) -> str:
    # As an image, not inline: WeasyPrint then skips the page's CSS cascade for every SVG
    # node, which made the e-book much slower.
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def exercise_page(exercise: Exercise, lang: Lang) -> dict[str, Any]:
    """One exercise as a booklet shows it: picture, steps, feel, mistakes, cautions."""
    return {
        "id": exercise.id,
        "name": exercise.name(lang),
        "picture": _data_uri(render_svg(exercise, title=exercise.name(lang), width=300, lang=lang)),
        "steps": getattr(exercise.instructions, lang.value),
        "feel": exercise.feel(lang),
        "mistakes": getattr(exercise.mistakes, lang.value),
        "cautions": [note.text(lang) for note in exercise.cautions],
        "level": exercise.level,
        "dosage": exercise.dosage,
    }


def _pdf(template: str, context: dict[str, Any], lang: Lang) -> bytes:
    # Imported here: WeasyPrint loads Pango at import, which only the booklets need.
    from weasyprint import HTML

    with translation.override(lang.value):
        html = render_to_string(template, {**context, "css": _css(), "lang": lang.value})
    result: bytes = HTML(string=html).write_pdf()
    return result


def program_booklet(program: Program, lang: Lang) -> bytes:
    """The patient's personal program: pictures, instructions, dosage and a weekly tick sheet."""
    items = list(program.items.all())
    pages = [
        {"item": item, **exercise_page(library()[item.exercise_id], lang)}
        for item in items
        if item.exercise_id in library()
    ]
    episode = program.episode
    return _pdf(
        "booklets/program.html",
        {
            "program": program,
            "clinic": episode.clinic.name,
            "patient": episode.patient,
            "pages": pages,
            "days": range(7),
            "quota": getattr(program, "quota", None),
        },
        lang,
    )


def library_booklet(lang: Lang, clinic: str, today: date) -> bytes:
    """The whole library as an e-book, by category."""
    chapters = [
        {
            "category": category.value,
            "exercises": [
                exercise_page(e, lang)
                for e in sorted(library().values(), key=lambda e: (e.level, e.id))
                if e.category is category
            ],
        }
        for category in Category
    ]
    return _pdf(
        "booklets/library.html",
        {"chapters": [c for c in chapters if c["exercises"]], "clinic": clinic, "today": today},
        lang,
    )
