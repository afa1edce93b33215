"""The interface language of the current request, and core texts in it."""

from __future__ import annotations

from django.utils.translation import get_language

from backpath.clinical.language import Lang, Text


def lang() -> Lang:
    """The language Django activated for this request (Dutch unless English)."""
    return Lang.EN if (get_language() or "nl").startswith("en") else Lang.NL


def text(value: Text) -> str:
    """A core ``Text`` in the interface language."""
    return value(lang())
