"""Texts in a chart: escaped for SVG, and numbers and days written the one way charts write them.

A chart knows no language: the caller passes texts already translated. Numbers print with a
decimal point in every language (``3.5``), days as day/month (``25/11``) or day/month/year.
"""

from __future__ import annotations

import re
from datetime import date
from xml.sax.saxutils import escape

ELLIPSIS = "\u2026"

_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NOT_ID = re.compile(r"[^A-Za-z0-9_-]")


def escape_text(value: str) -> str:
    """Text content, escaped (``<``, ``&``, ``>``); characters XML cannot hold are dropped."""
    return escape(_NOT_XML.sub("", value))


def escape_attribute(value: str) -> str:
    """An attribute value in double quotes, escaped (``"`` as well)."""
    return escape(_NOT_XML.sub("", value), {'"': "&quot;"})


def identifier(value: str) -> str:
    """``value`` as an XML id: letters, digits, ``_`` and ``-`` only (``chart`` if empty)."""
    return _NOT_ID.sub("-", value) or "chart"


def format_number(value: float) -> str:
    """A score as people write it: 7, 3.5 (one decimal at most, a decimal point)."""
    return f"{round(value, 1) + 0.0:.12g}"


def day_label(day: date) -> str:
    """A short day label: 25/11 for 25 November."""
    return f"{day.day}/{day.month}"


def date_label(day: date) -> str:
    """A day with its year: 25/11/2025."""
    return f"{day_label(day)}/{day.year}"


def tooltip(label: str, day: date, value: str) -> str:
    """A point's tooltip: "Week 6, 13/10/2025: 4", or without a label "13/10/2025: 4"."""
    when = date_label(day)
    return f"{label}, {when}: {value}" if label else f"{when}: {value}"


def shorten(label: str, most: int) -> str:
    """``label``, or its first ``most - 1`` characters and an ellipsis if it is longer."""
    return label if len(label) <= most else label[: most - 1] + ELLIPSIS
