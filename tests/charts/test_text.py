"""Texts in a chart: escaped, and numbers and days written one way in every language."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backpath.charts import day_label, escape_attribute, escape_text, format_number, tooltip
from backpath.charts.text import date_label, identifier, shorten


def test_text_escapes_angle_brackets_and_ampersands() -> None:
    assert escape_text("Knee <&> hug") == "Knee &lt;&amp;&gt; hug"
    assert escape_text("</svg><script>") == "&lt;/svg&gt;&lt;script&gt;"
    # Quotes need no escape in text content; they stay as they are.
    assert escape_text('"hug" \'n') == '"hug" \'n'


def test_an_attribute_escapes_double_quotes_as_well() -> None:
    assert escape_attribute("a \"b\" <c> & 'd'") == "a &quot;b&quot; &lt;c&gt; &amp; 'd'"


def test_characters_xml_cannot_hold_are_dropped() -> None:
    assert escape_text("a\x00b\x1bc\ufffe") == "abc"
    assert escape_text("tab\tnew\nline\r") == "tab\tnew\nline\r"
    assert escape_attribute("x\x07y") == "xy"


@given(st.text())
def test_any_text_parses_back_to_itself_minus_what_xml_cannot_hold(value: str) -> None:
    element = ET.fromstring(f'<t a="{escape_attribute(value)}">{escape_text(value)}</t>')
    kept = "".join(character for character in value if escape_text(character))
    assert (element.text or "") == kept.replace("\r\n", "\n").replace("\r", "\n")
    # An attribute value has its white space made spaces, and nothing else changed.
    assert element.get("a") == kept.replace("\r\n", " ").translate(str.maketrans("\t\n\r", "   "))


def test_an_identifier_is_letters_digits_dashes_and_underscores() -> None:
    assert identifier("progress-nprs") == "progress-nprs"
    assert identifier('a b<"c">_1') == "a-b--c--_1"
    assert identifier("") == "chart"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (7, "7"),
        (7.0, "7"),
        (3.5, "3.5"),
        (3.25, "3.2"),  # one decimal at most (3.25 is 3.2499... as a float)
        (3.96, "4"),
        (-0.04, "0"),  # never "-0"
        (-2.5, "-2.5"),
        (12345, "12345"),
        (0.1 + 0.2, "0.3"),
    ],
)
def test_a_number_has_one_decimal_at_most_and_a_decimal_point(value: float, written: str) -> None:
    assert format_number(value) == written


def test_numbers_do_not_follow_the_language_of_the_page() -> None:
    # The charts are drawn in Dutch and English alike: 3.5, never the Dutch 3,5.
    assert "," not in format_number(1234.5)
    assert format_number(1234.5) == "1234.5"


def test_days_are_day_slash_month_and_a_tooltip_adds_the_year() -> None:
    assert day_label(date(2026, 1, 5)) == "5/1"
    assert day_label(date(2025, 11, 25)) == "25/11"
    assert date_label(date(2025, 9, 8)) == "8/9/2025"
    assert tooltip("Week 6", date(2025, 10, 13), "4") == "Week 6, 13/10/2025: 4"
    assert tooltip("", date(2025, 10, 13), "4") == "13/10/2025: 4"


def test_a_long_label_is_cut_short_with_an_ellipsis() -> None:
    assert shorten("Intake", 10) == "Intake"
    assert shorten("0123456789", 10) == "0123456789"
    assert shorten("3 months after discharge", 10) == "3 months \u2026"
    assert len(shorten("x" * 100, 25)) == 25
