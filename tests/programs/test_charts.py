"""The adherence charts: self-contained, accessible SVG that parses as XML and draws true."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backpath.charts import MIN_WIDTH, RIGHT, WIDTH, legend_chars
from backpath.programs.adherence_charts import DONE, MISSED, PAIN, completion_chart, pain_chart
from tests.charts.svgcheck import (
    NS,
    TEXT,
    assert_accessible,
    assert_in_view,
    assert_labels_apart,
    day_labels_x,
    parse,
    view_width,
)

TODAY = date(2025, 11, 25)


def days(n: int) -> list[date]:
    return [TODAY - timedelta(days=n - 1 - i) for i in range(n)]


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


@pytest.mark.parametrize("width", [MIN_WIDTH, 400, 560])
def test_a_narrower_chart_has_a_narrower_view_box_and_fewer_day_labels(width: int) -> None:
    month = [(day, 1, 2) for day in days(28)]
    pain = {"bridge": [(day, 4) for day in days(28)]}
    for svg, title in (
        (completion_chart(month, title="Done", width=width), "Done"),
        (pain_chart(pain, title="Pain", labels={}, width=width), "Pain"),
        (completion_chart([], title="Done", width=width), "Done"),
        (pain_chart({}, title="Pain", labels={}, width=width), "Pain"),
    ):
        root = assert_accessible(svg, title)
        assert (root.get("viewBox") or "").startswith(f"0 0 {width} ")
        assert_in_view(svg)
        assert_labels_apart(svg)
    narrow = parse(completion_chart(month, title="Done", width=width))
    grid = narrow.findall(".//svg:line[@class='grid']", NS)
    assert {float(line.get("x2") or 0) for line in grid} == {width - RIGHT}
    labels = [t.text for t in narrow.findall(".//svg:text[@class='day-label']", NS)]
    wide = parse(completion_chart(month, title="Done")).findall(
        ".//svg:text[@class='day-label']", NS
    )
    assert labels[-1] == "25/11"
    assert 2 <= len(labels) < len(wide)


def test_on_a_phone_four_weeks_are_labelled_week_by_week() -> None:
    svg = completion_chart([(day, 1, 1) for day in days(28)], title="t", width=400)
    labels = [t.text for t in parse(svg).findall(".//svg:text[@class='day-label']", NS)]
    assert labels == ["4/11", "11/11", "18/11", "25/11"]
    assert_labels_apart(svg)


def test_with_many_days_the_last_label_stays_in_view() -> None:
    eight_weeks = {"walk": [(day, 3) for day in days(56)]}
    for width in (MIN_WIDTH, 400, WIDTH):
        svg = pain_chart(eight_weeks, title="Pain", labels={}, width=width)
        labels = parse(svg).findall(".//svg:text[@class='day-label']", NS)
        assert labels[-1].text == "25/11"
        # Half a label ("25/11" is about 35 units at 12) right of its middle is still in view.
        assert day_labels_x(svg)[-1] + 17.5 <= width
        assert_labels_apart(svg)


def test_a_narrower_legend_cuts_a_long_label_shorter_and_keeps_it_whole_in_its_title() -> None:
    long = "Knee to chest, slowly, breathing out, ten times on each side " * 2
    svg = pain_chart({"knee": [(TODAY, 3)]}, title="Pain", labels={"knee": long}, width=400)
    root = parse(svg)
    legend = [t.text or "" for g in root.findall(".//svg:g[@class='legend']", NS) for t in g]
    shown = next(text for text in legend if text)
    assert shown.endswith("\u2026")
    assert len(shown) == legend_chars(400) < legend_chars(WIDTH)
    assert long in [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]


def test_a_chart_narrower_than_the_minimum_is_refused() -> None:
    with pytest.raises(ValueError, match="wide"):
        completion_chart([(TODAY, 1, 1)], title="t", width=MIN_WIDTH - 1)
    with pytest.raises(ValueError, match="wide"):
        pain_chart({}, title="t", labels={}, width=100)


@settings(max_examples=60, deadline=None)
@given(
    width=st.integers(MIN_WIDTH, WIDTH),
    counts=st.lists(st.tuples(st.integers(-3, 30), st.integers(-3, 30)), max_size=90),
    pains=st.dictionaries(
        st.text(max_size=90),
        st.lists(st.tuples(st.integers(0, 90), st.integers(-5, 15)), max_size=20),
        max_size=6,
    ),
    span=st.one_of(st.none(), st.integers(0, 90)),
)
def test_every_coordinate_is_in_view_and_day_labels_keep_apart(
    width: int,
    counts: list[tuple[int, int]],
    pains: dict[str, list[tuple[int, int]]],
    span: int | None,
) -> None:
    completion = completion_chart(
        [
            (TODAY - timedelta(days=len(counts) - 1 - n), done, due)
            for n, (done, due) in enumerate(counts)
        ],
        title="Done",
        width=width,
    )
    pain = pain_chart(
        {
            key: [(TODAY - timedelta(days=n), pain) for n, pain in values]
            for key, values in pains.items()
        },
        title="Pain",
        labels={},
        span=None if span is None else (TODAY - timedelta(days=span), TODAY),
        width=width,
    )
    for svg in (completion, pain):
        assert view_width(svg) == width
        assert_in_view(svg)
        assert_labels_apart(svg)
