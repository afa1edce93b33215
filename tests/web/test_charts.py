"""The adherence charts: self-contained, accessible SVG that parses as XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

from backpath.programs.charts import DONE, MISSED, PAIN, completion_chart, day_label, pain_chart

NS = {"svg": "http://www.w3.org/2000/svg"}
TEXT = "{http://www.w3.org/2000/svg}text"
TODAY = date(2025, 11, 25)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def days(n: int) -> list[date]:
    return [TODAY - timedelta(days=n - 1 - i) for i in range(n)]


def assert_accessible(svg: str, title: str) -> ET.Element:
    root = parse(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert root.findtext("svg:title", namespaces=NS) == title
    assert root.find("svg:desc", namespaces=NS) is not None
    title_id, desc_id = (root.get("aria-labelledby") or "").split()
    assert root.find(f"svg:title[@id='{title_id}']", NS) is not None
    assert root.find(f"svg:desc[@id='{desc_id}']", NS) is not None
    assert "sans-serif" in (root.get("font-family") or "")
    lowered = svg.lower()
    for forbidden in ("<script", "href", "url(", "style=", "<foreignobject", "onload", "@import"):
        assert forbidden not in lowered, forbidden
    return root


def test_it_draws_one_bar_per_day() -> None:
    data = [(day, i % 3, 2) for i, day in enumerate(days(28))]
    svg = completion_chart(data, title="Done per day", desc="Four weeks.")
    root = assert_accessible(svg, "Done per day")
    assert root.findtext("svg:desc", namespaces=NS) == "Four weeks."
    assert len(root.findall(".//svg:g[@class='day']", NS)) == 28
    done = root.findall(".//svg:rect[@class='done']", NS)
    missed = root.findall(".//svg:rect[@class='missed']", NS)
    # i % 3 is 0 on 10 of the 28 days: those have no teal part, and 2 done have no grey part.
    assert len(done) == 18
    assert len(missed) == 19
    assert {r.get("fill") for r in done} == {DONE}
    assert {r.get("fill") for r in missed} == {MISSED}


def test_it_labels_days_short_and_always_the_last_day() -> None:
    svg = completion_chart([(day, 1, 1) for day in days(28)], title="t")
    labels = [t.text for t in parse(svg).findall(".//svg:text[@class='day-label']", NS)]
    assert labels[-1] == "25/11"
    assert 2 <= len(labels) <= 8
    assert day_label(date(2026, 1, 5)) == "5/1"


def test_it_scales_a_day_with_more_done_than_due_without_a_missed_part() -> None:
    svg = completion_chart([(TODAY, 3, 1)], title="t")
    root = parse(svg)
    assert len(root.findall(".//svg:rect[@class='done']", NS)) == 1
    assert root.findall(".//svg:rect[@class='missed']", NS) == []


def test_it_says_there_is_no_data_yet() -> None:
    for svg in (
        completion_chart([], title="Done per day", empty_text="Nog geen gegevens."),
        completion_chart([(TODAY, 0, 0)], title="Done per day", empty_text="Nog geen gegevens."),
    ):
        root = assert_accessible(svg, "Done per day")
        assert "Nog geen gegevens." in [t.text for t in root.iter(TEXT)]
        assert root.findall(".//svg:g[@class='day']", NS) == []
    empty_pain = pain_chart({"bridge": []}, title="Pain", labels={}, empty_text="Geen pijn.")
    root = assert_accessible(empty_pain, "Pain")
    assert root.findall(".//svg:polyline", NS) == []
    assert "Geen pijn." in empty_pain


def test_it_draws_one_pain_line_per_exercise_with_a_legend_and_a_line_at_5() -> None:
    series = {
        "bridge": [(day, 3 + i % 4) for i, day in enumerate(days(10))],
        "cat_cow": [(TODAY - timedelta(days=2), 6), (TODAY, 7)],
        "walk": [(TODAY, 2)],
    }
    labels = {"bridge": "Bridge", "cat_cow": "Cat and cow", "walk": "Walk"}
    svg = pain_chart(series, title="Pain", labels=labels, span=(days(28)[0], TODAY))
    root = assert_accessible(svg, "Pain")
    lines = root.findall(".//svg:polyline", NS)
    assert len(lines) == 3
    assert {line.get("stroke") for line in lines} == {PAIN}
    # Each line differs by dash pattern as well as by name, so it reads in black and white.
    assert len({line.get("stroke-dasharray") for line in lines}) == 3
    legend = [t.text for g in root.findall(".//svg:g[@class='legend']", NS) for t in g]
    assert [text for text in legend if text] == ["Bridge", "Cat and cow", "Walk"]
    reference = root.findall(".//svg:line[@class='reference']", NS)
    assert len(reference) == 1
    axis = {
        t.text: float(t.get("y") or 0) for t in root.iter(TEXT) if t.get("text-anchor") == "end"
    }
    assert set(axis) == {"0", "5", "10"}
    assert axis["5"] == (axis["0"] + axis["10"]) / 2
    assert float(reference[0].get("y1") or 0) + 4 == axis["5"]


def test_it_leaves_out_points_outside_the_span() -> None:
    series = {"bridge": [(TODAY - timedelta(days=40), 9)], "walk": [(TODAY, 2)]}
    svg = pain_chart(series, title="Pain", labels={}, span=(TODAY - timedelta(days=27), TODAY))
    root = parse(svg)
    assert len(root.findall(".//svg:polyline", NS)) == 1
    assert "walk" in svg  # an id without a label shows as itself


def test_it_escapes_every_text() -> None:
    nasty = 'Knee <&> "hug" </svg><script>alert(1)</script>'
    completion = completion_chart(
        [(TODAY, 1, 2)], title=nasty, desc=nasty, done_label=nasty, missed_label=nasty
    )
    pain = pain_chart({"x": [(TODAY, 4)]}, title=nasty, labels={"x": nasty}, desc=nasty)
    empty = completion_chart([], title=nasty, empty_text=nasty)
    for svg in (completion, pain, empty):
        root = parse(svg)
        assert "<script" not in svg
        assert root.findtext("svg:title", namespaces=NS) == nasty
        texts = [t.text for t in root.iter(TEXT)]
        assert nasty in texts
        assert "&lt;&amp;&gt;" in svg


def test_it_drops_characters_xml_cannot_hold() -> None:
    svg = completion_chart([(TODAY, 1, 1)], title="a\x00b\x1bc")
    assert parse(svg).findtext("svg:title", namespaces=NS) == "abc"
