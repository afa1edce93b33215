"""Template filters that turn the core's codes into words in the user's language."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from backpath.care.vocabulary import (
    ALERT_LABELS,
    CATEGORY_LABELS,
    INTERVENTION_LABELS,
    MOMENT_LABELS,
    STRENGTH_LABELS,
    VERDICT_LABELS,
)
from backpath.clinical.instruments import instrument
from backpath.clinical.redflags import Action, red_flag_bank
from backpath.clinical.stratification import PROFILE_LABELS, Profile, prognostic_factors
from backpath.clinical.triage import triage
from backpath.exercises.library import Category, Dosage, library
from backpath.exercises.render import render_svg
from backpath.followup.progress import occasion_label as _occasion_label
from backpath.interchange import in_language
from backpath.learning.views import reading_progress as module_progress
from backpath.programs.catalogue import CatalogueExercise, find, placeholder_svg
from backpath.programs.models import MediaKind
from backpath.web.citations import source_label
from backpath.web.i18n import lang, text

register = template.Library()


@register.filter
def short_date(value: object) -> str:
    """``|date:"SHORT_DATE_FORMAT"`` (a moment on the local calendar day), kept per day and
    language: Django formats each date anew, and a list of 50 rows spent a few ms on it."""
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    if not isinstance(value, date):
        return ""  # as |date says nothing about an empty or unknown value
    return _short_date(value, get_language())


@lru_cache(maxsize=4096)
def _short_date(day: date, language: str | None) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


@register.simple_tag(takes_context=True)
def main_nav(context: template.Context) -> str:
    """The main menu (``_nav.html``) of a logged-in user. It is the same for every user of a
    role on a page, so it is drawn once per role, page, language and whether the patient's
    "Today" shows, and kept: its links, each reversed and translated, cost about a
    millisecond on every page."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return ""
    match = getattr(context.get("request"), "resolver_match", None)
    role = "clinician" if user.is_clinician else "patient" if user.is_patient else ""
    # A page that knows says so; otherwise the context processor's callable asks (a query),
    # only for a patient's menu, as the template did.
    has_program = context.get("has_program") if role == "patient" else False
    if callable(has_program):
        has_program = has_program()
    return _main_nav(
        get_language(),
        get_script_prefix(),  # the links' prefix, should a server mount the app below /
        role,
        user.is_clinic_admin,
        match.url_name if match is not None else None,
        bool(has_program),
    )


# Every (role, page, language, ...) there is fits: some 500 of the app's pages and roles.
@lru_cache(maxsize=1024)
def _main_nav(
    language: str | None,
    prefix: str,
    role: str,
    admin: bool,
    current: str | None,
    has_program: bool,
) -> str:
    context = {"role": role, "admin": admin, "current": current, "has_program": has_program}
    return render_to_string("_nav.html", context)


@register.filter
def in_lang(result: dict[str, Any]) -> Any:
    """A stored {"nl": ..., "en": ...} result in the user's language."""
    return in_language(result, lang())


@register.filter
def alert_label(code: str) -> str:
    return str(ALERT_LABELS[code])


@register.filter
def occasion_label(key: str) -> str:
    return _occasion_label(key)


@register.filter
def profile_label(code: str) -> str:
    return text(PROFILE_LABELS[Profile(code)]) if code else ""


@register.filter
def urgency_label(code: str) -> str:
    return text(red_flag_bank().actions[Action(code)].label) if code else ""


@register.simple_tag
def urgent_advice(code: str, flags: Any = None) -> dict[str, str]:
    """The label, patient and clinician advice for an urgency reached by ``flags`` (ids, or a
    mapping of answers where only ``True`` counts): a condition with its own words for that
    level speaks for it (cauda equina: "call now"); otherwise the level's own advice."""
    if isinstance(flags, dict):
        flags = [flag for flag, answer in flags.items() if answer is True]
    present = flags
    advice = triage(present or (), None)
    if advice.urgency.value != code:
        action = red_flag_bank().actions[Action(code)]
        return {
            "label": text(action.label),
            "patient": text(action.patient),
            "clinician": text(action.clinician),
        }
    return {
        "label": text(advice.label()),
        "patient": text(advice.advice()),
        "clinician": text(advice.clinician_advice()),
    }


@register.filter
def flag_question(flag_id: str) -> str:
    return text(red_flag_bank().by_id[flag_id].question)


@register.filter
def flag_meaning(flag_id: str) -> str:
    return text(red_flag_bank().by_id[flag_id].meaning)


@register.filter
def intervention_label(code: str) -> str:
    return str(INTERVENTION_LABELS.get(code, code))


@register.filter
def strength_label(code: str) -> str:
    return str(STRENGTH_LABELS.get(code, code))


@register.filter
def verdict_label(code: str) -> str:
    return str(VERDICT_LABELS.get(code, code))


@register.filter
def factor_label(code: str) -> str:
    factor = prognostic_factors().factors.get(code)
    return text(factor.label) if factor else code


@register.filter
def instrument_name(code: str) -> str:
    definition = instrument(code)
    return f"{definition.abbreviation} - {text(definition.name)}"


register.filter("source_label", source_label)


@register.filter
def as_date(iso: str | None) -> date | None:
    """A stored ISO date (from a plan's JSON) as a date, so |date formats it per language."""
    return date.fromisoformat(iso) if iso else None


@register.filter
def moment_label(code: str) -> str:
    return str(MOMENT_LABELS.get(code, code))


@register.filter
def badge(code: str) -> str:
    """The CSS badge modifier for a risk profile or an urgency."""
    return {
        "low": "low",
        "medium": "medium",
        "high": "high",
        "emergency": "urgent",
        "same_day": "urgent",
        "refer_gp": "high",
        "caution": "medium",
        "none": "muted",
    }.get(code, "muted")


@register.simple_tag
def yes_no(value: bool | None) -> str:
    if value is None:
        return _("Not examined")
    return _("Yes") if value else _("No")


@register.filter
def band_label(score: dict[str, Any]) -> str:
    """The band of a stored score, named as its instrument names it."""
    for band in instrument(score["instrument"]).bands:
        if band.id == score["band"]:
            return text(band.label)
    return str(score["band"] or "")


@register.filter
def exercise_name(subject: Any, clinic_id: Any = None) -> str:
    """The name of an exercise: a catalogue exercise (the library's or the clinic's own,
    ``backpath.programs.catalogue``), or an id: the library's, or with ``clinic_id`` (the
    record's clinic) that clinic's own too. An id nobody knows names itself."""
    if isinstance(subject, CatalogueExercise):
        return subject.name(lang())
    exercise = find(clinic_id, subject)
    return exercise.name(lang()) if exercise else subject


@register.filter
def name_of(names: Mapping[str, str], exercise_id: str) -> str:
    """An exercise's name from a page's names read together (``exercise_labels``): one
    query for the page, not one per row; an id without a name names itself."""
    return names.get(exercise_id, exercise_id)


@register.filter
def dosage_label(item: Any) -> str:
    """A program item's dosage in words: 2 x 10, 3 x 20 s, or 15 min."""
    if item.minutes:
        return _("%(minutes)s min") % {"minutes": item.minutes}
    if item.hold_seconds:
        return _("%(reps)s x %(seconds)s s") % {"reps": item.reps, "seconds": item.hold_seconds}
    return _("%(sets)s x %(reps)s") % {"sets": item.sets, "reps": item.reps}


@register.filter
def category_label(code: str) -> str:
    return str(CATEGORY_LABELS.get(Category(code), code))


@register.filter
def exercise_svg(subject: Any, width: int = 320) -> str:
    """The picture of an exercise (its id) or of a program's item (its exercise, moving with
    the item's prescribed hold), inline; the SVG is built from escaped text only. Thumbnails
    (narrower than 200) are still pictures: the frames would only add bytes.

    A catalogue exercise of the clinic's own shows its photo or video, served by
    ``exercise_media`` (a video as a neutral figure in a thumbnail), or else the neutral
    figure: never a broken image."""
    if isinstance(subject, CatalogueExercise):
        if subject.own is not None:
            return _own_picture(subject, width)
        subject = subject.id
    exercise_id = getattr(subject, "exercise_id", subject)
    exercise = library().get(exercise_id)
    if exercise is None:
        return ""
    dosage = None
    if getattr(subject, "hold_seconds", None):
        dosage = Dosage(hold_seconds=subject.hold_seconds, reps=subject.reps)
    svg = render_svg(
        exercise,
        title=text(exercise.name),
        width=width,
        lang=lang(),
        animate=width >= 200,
        dosage=dosage,
    )
    return mark_safe(svg)


def _own_picture(exercise: CatalogueExercise, width: int) -> str:
    name = exercise.name(lang())
    url = exercise.media_url
    if url and exercise.media_kind == MediaKind.PHOTO:
        return format_html(
            '<img class="exercise-photo" src="{}" alt="{}" width="{}" loading="lazy">',
            url,
            name,
            width,
        )
    if url and exercise.media_kind == MediaKind.VIDEO and width >= 200:
        return format_html(
            '<video class="exercise-video" src="{}" controls preload="metadata" width="{}"'
            ' aria-label="{}"></video>',
            url,
            width,
            name,
        )
    return mark_safe(placeholder_svg(name, width))


@register.filter
def unit_label(unit: str) -> str:
    """A quota's unit in the user's language."""
    return {"minutes": _("minutes"), "steps": _("steps")}.get(unit, unit)


@register.simple_tag
def reading_progress(record: Any) -> str:
    """'read of open' education modules, for the clinician's episode page."""
    read, opened = module_progress(record.episode, record.plan)
    return _("%(read)s of %(open)s modules read") % {"read": read, "open": opened}


@register.simple_tag
def submission_id() -> str:
    """A new id for a form that saves an entry (``programs.forms.EntryForm``)."""
    return str(uuid.uuid4())
