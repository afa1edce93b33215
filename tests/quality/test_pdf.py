"""The quality report PDF, from hand-made figures: every section, the outcomes per occasion
with suppression and case-mix adjustment, the trend charts, and nothing it would fetch."""

from __future__ import annotations

import re
import uuid
from datetime import date
from html import unescape

import pytest
from django.utils import translation

from backpath.quality.casemix import Adjusted
from backpath.quality.figures import (
    OUTCOME_MEASURES,
    OUTCOME_OCCASIONS,
    Figures,
    Month,
    Outcome,
    Scope,
    Share,
)
from backpath.quality.measures import Section, measures
from backpath.quality.models import QualitySettings
from backpath.quality.pdf import quarterly_report_html, quarterly_report_pdf
from backpath.quality.report import Report, build

CLINIC = 'Fysio <Rug> & "Co"'
TODAY = date(2026, 4, 2)
EPISODE_KEYS = [key for key, m in measures().items() if m.section is not Section.OCCASIONS]
# Drop-outs are counted for the period only, like the figures module does.
MONTHLY_KEYS = [key for key in EPISODE_KEYS if key != "dropout"]


def report() -> Report:
    """A quarter's figures: 7 of 10 for every episode figure (3 of 4 referred, under the
    smallest count of 10), January and March counted and February not, 12 of 20 at every occasion
    (adjusted to 70% for the minimal important change) and 1 of 3 relapsed at 12 months."""
    counts = {key: Share(7, 10) for key in EPISODE_KEYS} | {"referred": Share(3, 4)}
    before = {key: Share(5, 10) for key in EPISODE_KEYS}
    months = [
        Month(date(2026, 1, 1), {key: Share(8, 10) for key in MONTHLY_KEYS}),
        Month(date(2026, 3, 1), {key: Share(3, 5) for key in MONTHLY_KEYS}),
    ]
    outcomes = {
        (occasion, measure): Outcome(
            Share(12, 20),
            Share(9, 20),
            Adjusted(12, 20, 10.3, 70) if measure.startswith("mic_") else None,
        )
        for occasion in OUTCOME_OCCASIONS
        for measure in OUTCOME_MEASURES
    } | {("followup-12m", "relapse"): Outcome(Share(1, 3), Share(0, 0))}
    figures = Figures(
        episodes=23,
        counts=counts,
        before=before,
        months=months,
        sessions_median=4.0,
        sessions_median_before=5.0,
        given_against_plan=[],
        outcomes=outcomes,
    )
    clinic = uuid.uuid4()
    scope = Scope(clinic, date(2026, 1, 1), date(2026, 3, 31))
    return build(scope, figures, QualitySettings(clinic_id=clinic, smallest_count=10))


@pytest.fixture(scope="module")
def html() -> str:
    with translation.override("en"):
        return quarterly_report_html(report(), CLINIC, TODAY)


def test_the_report_has_every_section_with_its_counts(html: str) -> None:
    for heading in (
        "Guideline process",
        "Care the guideline advises against",
        "Outcomes",
        "At each measuring occasion",
        "Case-mix adjustment",
        "Month by month",
    ):
        assert f">{heading}</h" in html
    for measure in measures().values():
        assert measure.title.en in html
    assert "Fysio &lt;Rug&gt; &amp; &quot;Co&quot;" in html
    assert "Jan. 1, 2026 to March 31, 2026" in html
    assert "Oct. 3, 2025 \N{EN DASH} Dec. 31, 2025" in html  # as long, just before
    assert "made on April 2, 2026" in html
    assert html.count("7 of 10") == len(EPISODE_KEYS) - 1  # all but the referrals
    assert "5 of 10" in html  # the previous period
    assert "≥ 100%" in html  # a guideline's target
    assert "KNGF 2021, B.1.3" in html  # its source
    assert "adjusted 70%" in html


def test_counts_under_the_smallest_are_fewer_than_n_without_a_percentage(html: str) -> None:
    suppressed = re.findall(r'<span class="suppressed">([^<]*)</span>', html)
    assert suppressed == ["fewer than 10"] * 2  # the referrals, the relapse at 12 months
    assert "3 of 4" not in html
    assert "1 of 3" not in html
    assert "75%" not in html
    assert "33%" not in html


def test_a_chart_for_every_figure_counted_by_month(html: str) -> None:
    charts = re.findall(r'<figure class="trend"><figcaption>([^<]*)</figcaption><svg ', html)
    assert [unescape(title) for title in charts] == [
        measures()[key].title.en for key in MONTHLY_KEYS
    ]
    assert "January 2026: 80% (8 of 10)" in html
    # An outcome's March, 3 of 5, is under the smallest count: one month is left to show.
    assert html.count("Only one month: January 2026, 80% (8 of 10).") == 4  # text, desc, twice


def test_it_fetches_nothing_and_carries_its_style(html: str) -> None:
    assert not re.search(r"<(img|link|script|iframe|object)\b|\b(src|href)=|url\(", html)
    assert "@page" in html  # the house style, inlined
    assert ".quality-report figure.trend" in html


def test_the_pdf_is_printed_in_the_active_language() -> None:
    with translation.override("nl"):
        pdf = quarterly_report_pdf(report(), CLINIC, TODAY)
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 10_000
