"""The quality trend charts: a measure's percentage month by month, gaps where nothing (or
too little) was counted, the target, in the user's language, every text escaped."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date

import pytest
from django.utils import translation

from backpath.charts import LABEL_GAP
from backpath.clinical.language import Text
from backpath.quality.figures import Month, Share
from backpath.quality.measures import Measure, measures
from backpath.quality.trend_charts import trend_chart
from tests.charts.svgcheck import NS, TEXT, assert_accessible, assert_in_view, parse

SCREENED = "redflags_screened"
NASTY = 'Rode <&> "vlaggen" </svg><script>alert(1)</script>'


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


def screened() -> Measure:
    return measures()[SCREENED]


def months(*shares: Share | None, start: date = date(2026, 1, 1)) -> list[Month]:
    """One month per share from ``start`` on; ``None`` is a month the figures do not have
    at all (no episode opened in it)."""
    found = []
    for number, share in enumerate(shares):
        month = date(
            start.year + (start.month - 1 + number) // 12, (start.month - 1 + number) % 12 + 1, 1
        )
        if share is not None:
            found.append(Month(month, {SCREENED: share}))
    return found


def markers(root: ET.Element) -> list[ET.Element]:
    return root.findall(".//svg:g[@class='series']/svg:circle", NS)


def month_labels(root: ET.Element) -> list[str]:
    return [label.text or "" for label in root.findall(".//svg:text[@class='month-label']", NS)]


def grid(root: ET.Element) -> dict[str, float]:
    """The y axis: each tick label and the height of its grid line."""
    return {
        label.text or "": float(line.get("y1") or 0)
        for line, label in itertools.pairwise(list(root))
        if line.get("class") == "grid"
    }


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(TEXT)]


def test_a_point_per_month_counted_and_a_gap_where_nothing_was() -> None:
    data = months(Share(8, 10), Share(5, 10), Share(0, 0), None, Share(9, 10), Share(3, 4))
    root = assert_accessible(
        trend_chart(data, screened(), None), "Red flags screened at the intake"
    )
    assert_in_view(ET.tostring(root, encoding="unicode"))
    assert month_labels(root) == [
        "Jan 2026",
        "Feb 2026",
        "Mar 2026",
        "Apr 2026",
        "May 2026",
        "Jun 2026",
    ]
    points = markers(root)
    assert [point.findtext("svg:title", namespaces=NS) for point in points] == [
        "January 2026: 80% (8 of 10)",
        "February 2026: 50% (5 of 10)",
        "May 2026: 90% (9 of 10)",
        "June 2026: 75% (3 of 4)",
    ]
    # March counted nothing and April had no episode: two gaps, so two lines, not a dip to 0.
    lines = root.findall(".//svg:g[@class='series']/svg:polyline", NS)
    assert len(lines) == 2
    axis = grid(root)
    heights = [float(point.get("cy") or 0) for point in points]
    assert heights[1] == pytest.approx((axis["0"] + axis["100"]) / 2)
    assert heights[3] == pytest.approx(axis["75"])
    # Points sit in their month's slot, under their label.
    labels = root.findall(".//svg:text[@class='month-label']", NS)
    assert [point.get("cx") for point in points] == [
        labels[index].get("x") for index in (0, 1, 4, 5)
    ]
    assert root.findtext("svg:desc", namespaces=NS) == (
        "Percentage per month from January 2026 to June 2026; the last shown, June 2026: "
        "75% (3 of 4). Higher is better. Nothing counted in March 2026, April 2026."
    )
    assert root.find(".//svg:g[@class='better higher']", NS) is not None
    assert root.find(".//svg:g[@class='goal']", NS) is None


def test_the_target_is_a_dashed_goal_line() -> None:
    data = months(Share(8, 10), Share(10, 10))
    root = parse(trend_chart(data, screened(), 80))
    goal = root.find(".//svg:g[@class='goal']", NS)
    assert goal is not None
    assert goal.findtext("svg:title", namespaces=NS) == "Target: at least 80%"
    line = goal.find("svg:line", NS)
    assert line is not None
    axis = grid(root)
    assert float(line.get("y1") or 0) == pytest.approx(axis["75"] - (axis["75"] - axis["100"]) / 5)
    assert "Target: at least 80%" in texts(root)
    assert root.find(".//svg:g[@class='better higher']", NS) is None  # the target says it
    lower = measures()["over_budget"]
    shares = [Month(m.month, {"over_budget": m.counts[SCREENED]}) for m in data]
    assert "Target: at most 20%" in texts(parse(trend_chart(shares, lower, 20)))


def test_dutch_labels_and_title_under_dutch() -> None:
    data = months(Share(1, 2), Share(2, 2), Share(1, 4), start=date(2026, 2, 1))
    with translation.override("nl"):
        root = assert_accessible(
            trend_chart(data, screened(), None), "Rode vlaggen nagevraagd bij de intake"
        )
    assert month_labels(root) == ["feb 2026", "mrt 2026", "apr 2026"]
    tooltips = [point.findtext("svg:title", namespaces=NS) or "" for point in markers(root)]
    assert tooltips[1].startswith("maart 2026: 100%")


def test_the_span_fixes_the_axis_to_the_period() -> None:
    data = months(Share(1, 2), Share(2, 2), start=date(2026, 2, 1))
    root = parse(trend_chart(data, screened(), None, span=(date(2026, 1, 1), date(2026, 6, 30))))
    assert month_labels(root) == [
        "Jan 2026",
        "Feb 2026",
        "Mar 2026",
        "Apr 2026",
        "May 2026",
        "Jun 2026",
    ]
    assert len(markers(root)) == 2
    assert "Nothing counted in January 2026, April 2026, May 2026, June 2026." in (
        root.findtext("svg:desc", namespaces=NS) or ""
    )


def test_a_month_counting_fewer_than_the_smallest_count_is_a_gap() -> None:
    data = months(Share(8, 10), Share(1, 3), Share(6, 12))
    root = parse(trend_chart(data, screened(), None, smallest=10))
    assert len(markers(root)) == 2
    assert root.findall(".//svg:g[@class='series']/svg:polyline", NS) == []
    assert "1 of 3" not in ET.tostring(root, encoding="unicode")
    assert "Fewer than 10 counted in February 2026." in (
        root.findtext("svg:desc", namespaces=NS) or ""
    )
    nothing_shown = parse(trend_chart(months(Share(1, 3), Share(2, 4)), screened(), 80, smallest=5))
    assert "Fewer than 5 counted in every month." in texts(nothing_shown)
    assert markers(nothing_shown) == []


def test_one_month_or_none_is_said_not_drawn() -> None:
    one = assert_accessible(
        trend_chart(months(Share(0, 0), Share(8, 10)), screened(), 100),
        "Red flags screened at the intake",
    )
    assert "Only one month: February 2026, 80% (8 of 10)." in texts(one)
    assert markers(one) == []
    for data in (months(Share(0, 0), Share(0, 0)), [], [Month(date(2026, 1, 1), {})]):
        none = assert_accessible(
            trend_chart(data, screened(), 100), "Red flags screened at the intake"
        )
        assert "Nothing counted in this period." in texts(none)
        assert markers(none) == []


def test_many_months_keep_their_labels_apart_and_the_last_one_labelled() -> None:
    data = months(*[Share(n % 7, 7) for n in range(24)])
    for width in (720, 400):
        svg = trend_chart(data, screened(), 50, width=width)
        assert_in_view(svg)
        labels = parse(svg).findall(".//svg:text[@class='month-label']", NS)
        xs = [float(label.get("x") or 0) for label in labels]
        assert 2 <= len(xs) < 24
        assert all(b - a >= LABEL_GAP for a, b in itertools.pairwise(xs))
        assert labels[-1].text == "Dec 2027"


def test_it_escapes_every_text() -> None:
    nasty = screened().model_copy(update={"title": Text(nl=NASTY, en=NASTY)})
    for data in (months(Share(1, 2), Share(2, 2)), months(Share(1, 2)), []):
        svg = trend_chart(data, nasty, 80)
        root = parse(svg)
        assert "<script" not in svg
        assert "&lt;&amp;&gt;" in svg
        assert root.findtext("svg:title", namespaces=NS) == NASTY
