"""Printable booklets (WeasyPrint): the patient's own program, and the whole library as an e-book.

The pictures are the same SVGs the pages show, inlined, so nothing is fetched. Both booklets
carry the clinic's name and come in Dutch or English.

A program's booklet is printed once per program version and language and then served from
Django's cache: WeasyPrint takes seconds for a long program, and a published version never
changes (a change is a new version, with its own key).
"""

from __future__ import annotations

import base64
import hashlib
from datetime import date
from typing import Any

from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation

from backpath import __version__
from backpath.clinical.language import Lang
from backpath.exercises.library import Category, Exercise, library
from backpath.exercises.render import render_svg
from backpath.programs import media
from backpath.programs.catalogue import CatalogueExercise, find_many, placeholder_svg
from backpath.programs.models import ClinicExercise, MediaKind, Program
from backpath.web.pdf import render_pdf


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
        # The still picture: WeasyPrint draws no SMIL, so the frames would print on top of
        # each other.
        "picture": _data_uri(
            render_svg(exercise, title=exercise.name(lang), width=300, lang=lang, animate=False)
        ),
        "steps": getattr(exercise.instructions, lang.value),
        "feel": exercise.feel(lang),
        "mistakes": getattr(exercise.mistakes, lang.value),
        "cautions": [note.text(lang) for note in exercise.cautions],
        "level": exercise.level,
        "dosage": exercise.dosage,
    }


def own_exercise_page(exercise: CatalogueExercise, lang: Lang) -> dict[str, Any]:
    """A clinic's own exercise as the booklet shows it: its photo, inlined like the pictures
    (the PDF fetches nothing), or the neutral figure; a video cannot be printed, so the page
    says where it is. ``only_in`` names the language of texts not written in ``lang``."""
    own = exercise.own
    assert own is not None
    name = exercise.name(lang)
    photo = media.print_data_uri(own.media_name) if own.media_kind == MediaKind.PHOTO else None
    return {
        "id": exercise.id,
        "name": name,
        "picture": photo or _data_uri(placeholder_svg(name, 300)),
        "video": own.media_kind == MediaKind.VIDEO,
        "only_in": exercise.only_in(lang),
        "steps": exercise.steps(lang),
        "feel": exercise.feel(lang),
        "mistakes": exercise.mistakes(lang),
        "cautions": exercise.cautions(lang),
        "level": exercise.level,
        "dosage": exercise.dosage,
    }


def _page(exercise: CatalogueExercise, lang: Lang) -> dict[str, Any]:
    if exercise.packaged is not None:
        return exercise_page(exercise.packaged, lang)
    return own_exercise_page(exercise, lang)


def _pdf(template: str, context: dict[str, Any], lang: Lang) -> bytes:
    with translation.override(lang.value):
        html = render_to_string(template, {**context, "css": _css(), "lang": lang.value})
    return render_pdf(html)


# How long a printed booklet is kept; a new version or release has a new key anyway.
BOOKLET_CACHE_SECONDS = 60 * 60 * 24


def booklet_cache_key(program: Program, lang: Lang) -> str:
    """The cache key of a program's booklet: the program version, the language and the app
    version (its templates, texts and pictures), the names on the cover, so a renamed
    patient or clinic prints anew, and when the clinic's own exercises in it last changed,
    so a changed text or photo prints anew. The names are hashed: the key itself names
    nobody."""
    episode = program.episode
    patient = episode.patient
    own = ClinicExercise.objects.filter(
        clinic_id=episode.clinic_id, exercise_id__in=program.items.values("exercise_id")
    ).order_by("exercise_id")
    changed = [
        f"{e}@{when.isoformat()}" for e, when in own.values_list("exercise_id", "updated_at")
    ]
    cover = "\x1f".join((episode.clinic.name, patient.first_name, patient.last_name, *changed))
    digest = hashlib.sha256(cover.encode()).hexdigest()[:16]
    return f"booklet:{__version__}:{program.id}:v{program.number}:{lang.value}:{digest}"


def program_booklet(program: Program, lang: Lang) -> bytes:
    """The patient's personal program: pictures, instructions, dosage and a weekly tick sheet.

    Printed once per program version and language, then taken from the cache."""
    key = booklet_cache_key(program, lang)
    cached = cache.get(key)
    if isinstance(cached, bytes):
        return cached
    pdf = _program_pdf(program, lang)
    cache.set(key, pdf, BOOKLET_CACHE_SECONDS)
    return pdf


def _program_pdf(program: Program, lang: Lang) -> bytes:
    items = list(program.items.all())
    episode = program.episode
    known = find_many(episode.clinic_id, (item.exercise_id for item in items))
    pages = [
        {"item": item, **_page(known[item.exercise_id], lang)}
        for item in items
        if item.exercise_id in known
    ]
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
