"""The progress charts: self-contained, accessible SVG that parses as XML and draws true."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backpath.charts import LABEL_GAP, LEFT, MIN_WIDTH, PLOT_WIDTH, RIGHT, WIDTH
from backpath.followup.progress_charts import (
    activity_chart,
    diary_chart,
    measure_chart,
    multi_measure_chart,
)
from tests.charts.svgcheck import (
    NS,
    PAIR,
    TEXT,
    assert_accessible,
    assert_in_view,
    assert_labels_apart,
    day_labels_x,
    parse,
    view_width,
)

START = date(2025, 9, 1)
NASTY = 'Week <&> "6" </svg><script>alert(1)</script>'
DIARY = {
    "title": "Diary",
    "empty_text": "No diary yet.",
    "pain_label": "Pain",
    "stress_label": "Stress",
    "chart_id": "diary",
}


def on(n: int) -> date:
    return START + timedelta(days=n)


def nprs(points: list[tuple[date, float, str]], **options: object) -> str:
    arguments: dict[str, object] = {
        "title": "Pain",
        "empty_text": "No scores yet.",
        "scale_min": 0,
        "scale_max": 10,
        "better": "lower",
        "unit_label": "Pain (0-10)",
        "chart_id": "nprs",
        **options,
    }
    return measure_chart(points, **arguments)  # type: ignore[arg-type]


def markers(root: ET.Element) -> list[ET.Element]:
    """The markers of every series in ``root``, or of the series ``root`` is."""
    groups = (
        [root] if root.get("class") == "series" else root.findall(".//svg:g[@class='series']", NS)
    )
    return [
        shape
        for group in groups
        for shape in group
        if shape.tag.endswith(("circle", "rect", "polygon"))
    ]


def centre(shape: ET.Element) -> tuple[float, float]:
    if shape.get("cx") is not None:
        return float(shape.get("cx") or 0), float(shape.get("cy") or 0)
    if shape.get("points") is not None:
        (x, y), *_rest = PAIR.findall(shape.get("points") or "")
        # The first corner is the top: 4.5 above the point for a triangle, 5 for a diamond.
        return float(x), float(y) + (4.5 if len(_rest) == 2 else 5)
    return float(shape.get("x") or 0) + 3.5, float(shape.get("y") or 0) + 3.5


def grid(root: ET.Element) -> dict[str, float]:
    """The y axis: each tick label and the height of its grid line."""
    children = list(root)
    return {
        label.text or "": float(line.get("y1") or 0)
        for line, label in itertools.pairwise(children)
        if line.get("class") == "grid"
    }


def polylines(root: ET.Element) -> list[ET.Element]:
    return root.findall(".//svg:g[@class='series']/svg:polyline", NS)


def all_charts(points: list[tuple[date, float, str]], width: int = WIDTH) -> dict[str, str]:
    return {
        "measure": nprs(
            points,
            mcid_band=(7, 2),
            better_label="Lower is better",
            band_label="No meaningful change",
            width=width,
        ),
        "multi": multi_measure_chart(
            [("NPRS", points, 0, 10, "lower"), ("QBPDS", points, 0, 100, "lower")],
            title="Overview",
            empty_text="No scores yet.",
            better_label="Up is better.",
            chart_id="overview",
            width=width,
        ),
        "activity": activity_chart(
            [(day, int(value * 20)) for day, value, _label in points],
            title="Activity",
            empty_text="No diary yet.",
            goal=150,
            unit_label="Minutes per week",
            chart_id="activity",
            goal_label="150 minutes",
            width=width,
        ),
        "diary": diary_chart(
            [(day, value, 10 - value) for day, value, _label in points],
            **DIARY,
            width=width,
        ),
    }


SCORES = [(on(0), 7.0, "Intake"), (on(14), 6.0, "Diary"), (on(42), 4.0, "Week 6")]


@pytest.mark.parametrize("kind", ["measure", "multi", "activity", "diary"])
def test_every_chart_is_an_accessible_self_contained_image(kind: str) -> None:
    svg = all_charts(SCORES)[kind]
    root = assert_accessible(svg, {"measure": "Pain", "multi": "Overview"}.get(kind, kind.title()))
    assert "xlink" not in svg
    assert root.get("viewBox", "").startswith(f"0 0 {WIDTH} ")
    assert not re.search(r"\d\.\d\d", svg.split("</desc>")[1]), "coordinates keep one decimal"


@pytest.mark.parametrize("width", [MIN_WIDTH, 400])
@pytest.mark.parametrize("kind", ["measure", "multi", "activity", "diary"])
def test_a_narrow_chart_has_a_view_box_of_that_width(kind: str, width: int) -> None:
    weeks = [(on(7 * n), 7 - n / 2, f"Week {n}") for n in range(13)]
    for points in (SCORES, weeks, []):
        svg = all_charts(points, width)[kind]
        title = {"measure": "Pain", "multi": "Overview"}.get(kind, kind.title())
        root = assert_accessible(svg, title)
        assert root.get("viewBox", "").startswith(f"0 0 {width} ")
        assert_in_view(svg)
        assert_labels_apart(svg)
        grid_ends = {
            float(line.get("x2") or 0) for line in root.iter() if line.get("class") == "grid"
        }
        assert grid_ends <= {width - RIGHT}
        assert not re.search(r"\d\.\d\d", svg.split("</desc>")[1]), "coordinates keep one decimal"


@pytest.mark.parametrize("kind", ["measure", "multi", "activity", "diary"])
def test_on_a_narrow_chart_fewer_labels_keep_label_gap_apart(kind: str) -> None:
    twelve_weeks = [(on(n), 7 - n / 20, "Diary" if n % 7 else f"Week {n // 7}") for n in range(84)]
    wide = all_charts(twelve_weeks)[kind]
    narrow = all_charts(twelve_weeks, 400)[kind]
    assert len(day_labels_x(narrow)) < len(day_labels_x(wide))
    assert len(day_labels_x(narrow)) >= 2
    for svg in (wide, narrow):
        assert_labels_apart(svg)
        xs = day_labels_x(svg)
        assert min(b - a for a, b in itertools.pairwise(xs)) >= LABEL_GAP
    # The last day (the last week's Monday for activity) is always labelled, whatever the width.
    labels = parse(narrow).findall(".//svg:text[@class='day-label']", NS)
    rightmost = max(labels, key=lambda label: float(label.get("x") or 0))
    assert rightmost.text == ("17/11" if kind == "activity" else "23/11")


def test_it_escapes_every_text() -> None:
    points = [(on(0), 7.0, NASTY), (on(7), 5.0, NASTY)]
    svgs = [
        nprs(
            points,
            title=NASTY,
            desc=NASTY,
            unit_label=NASTY,
            better_label=NASTY,
            mcid_band=(7, 2),
            band_label=NASTY,
        ),
        multi_measure_chart(
            [(NASTY, points, 0, 10, "lower")],
            title=NASTY,
            empty_text=NASTY,
            better_label=NASTY,
            chart_id=NASTY,
        ),
        activity_chart(
            [(on(0), 30)],
            title=NASTY,
            empty_text=NASTY,
            goal=150,
            goal_label=NASTY,
            unit_label=NASTY,
            chart_id="a",
        ),
        diary_chart(
            [(on(0), 4, 5)],
            title=NASTY,
            empty_text=NASTY,
            pain_label=NASTY,
            stress_label=NASTY,
            chart_id="d",
        ),
        nprs([], title=NASTY, empty_text=NASTY),
    ]
    for svg in svgs:
        root = parse(svg)
        assert "<script" not in svg
        assert "&lt;&amp;&gt;" in svg
        assert root.findtext("svg:title", namespaces=NS) == NASTY
        assert NASTY in [t.text for t in root.iter(TEXT)]
    tooltips = [t.text for t in parse(svgs[0]).iter("{http://www.w3.org/2000/svg}title")]
    assert f"{NASTY}, 8/9/2025: 5" in tooltips


def test_it_places_points_in_proportion_to_their_dates() -> None:
    root = parse(nprs([(on(0), 5, "Intake"), (on(10), 5, "Diary"), (on(40), 5, "Week 6")]))
    xs = [centre(marker)[0] for marker in markers(root)]
    assert len(xs) == 3
    assert (xs[1] - xs[0]) / (xs[2] - xs[0]) == pytest.approx(0.25, abs=0.01)
    assert LEFT < xs[0] < xs[2] < LEFT + PLOT_WIDTH


def test_a_value_at_the_top_of_the_scale_sits_at_the_top_of_the_plot() -> None:
    root = parse(
        nprs([(on(0), 100, "Intake"), (on(7), 0, "Week 1"), (on(9), 250, "Diary")], scale_max=100)
    )
    axis = grid(root)
    assert axis["0"] > axis["60"] > axis["100"]
    ys = [centre(marker)[1] for marker in markers(root)]
    assert ys == [axis["100"], axis["0"], axis["100"]]  # 250 is held to the top
    tooltips = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert "Diary, 10/9/2025: 250" in tooltips  # the tooltip keeps the true value


def test_it_draws_the_band_only_when_given() -> None:
    without = parse(nprs(SCORES))
    assert without.findall(".//svg:g[@class='mcid-band']", NS) == []
    root = parse(nprs(SCORES, mcid_band=(7, 2), band_label="No meaningful change"))
    bands = root.findall(".//svg:g[@class='mcid-band']", NS)
    assert len(bands) == 1
    axis = grid(root)
    rect = bands[0].find("svg:rect", NS)
    assert rect is not None
    top = float(rect.get("y") or 0)
    assert top == pytest.approx(axis["8"] + (axis["10"] - axis["8"]) / 2, abs=0.1)  # 7 + 2
    bottom = top + float(rect.get("height") or 0)
    assert bottom == pytest.approx(axis["4"] + (axis["6"] - axis["4"]) / 2, abs=0.1)  # 7 - 2
    assert "No meaningful change" in [t.text for t in root.iter(TEXT)]


def test_an_arrow_says_which_way_is_better_and_the_desc_says_so_too() -> None:
    lower = parse(nprs(SCORES, desc="Pain fell.", better_label="Lower is better."))
    assert lower.find(".//svg:g[@class='better lower']", NS) is not None
    assert lower.findtext("svg:desc", namespaces=NS) == "Pain fell. Lower is better."
    higher = parse(nprs(SCORES, better="higher"))
    assert higher.find(".//svg:g[@class='better higher']", NS) is not None
    with pytest.raises(ValueError, match="better"):
        nprs(SCORES, better="sideways")
    with pytest.raises(ValueError, match="scale"):
        nprs(SCORES, scale_min=10, scale_max=0)


def test_one_point_is_a_marker_without_a_line_and_none_is_the_empty_text() -> None:
    one = parse(nprs([(on(0), 6, "Intake")]))
    assert len(markers(one)) == 1
    assert polylines(one) == []
    for points in ([], [(on(0), math.nan, "Intake")]):
        root = assert_accessible(nprs(points, empty_text="Nog geen scores."), "Pain")
        assert "Nog geen scores." in [t.text for t in root.iter(TEXT)]
        assert markers(root) == []


def test_the_overview_puts_every_measure_on_a_scale_where_up_is_better() -> None:
    svg = multi_measure_chart(
        [
            ("NPRS", [(on(0), 10, "Intake"), (on(42), 0, "Week 6")], 0, 10, "lower"),
            ("QBPDS", [(on(0), 50, "Intake"), (on(42), 25, "Week 6")], 0, 100, "lower"),
            ("PSFS", [(on(0), 2, "Intake"), (on(42), 8, "Week 6")], 0, 10, "higher"),
            ("Unused", [], 0, 10, "lower"),
        ],
        title="Overview",
        desc="Three measures.",
        empty_text="No scores yet.",
        better_label="Up is better for every measure.",
        chart_id="overview",
    )
    root = assert_accessible(svg, "Overview")
    assert (
        root.findtext("svg:desc", namespaces=NS)
        == "Three measures. Up is better for every measure."
    )
    axis = grid(root)
    series = root.findall(".//svg:g[@class='series']", NS)
    assert [group.findtext("svg:title", namespaces=NS) for group in series] == [
        "NPRS",
        "QBPDS",
        "PSFS",
    ]
    heights = [[centre(marker)[1] for marker in markers(group)] for group in series]
    assert heights[0] == [axis["0"], axis["100"]]  # pain 10 is the worst, 0 the best
    assert heights[1] == [axis["50"], axis["75"]]
    span = axis["0"] - axis["100"]
    assert heights[2] == pytest.approx([axis["0"] - 0.2 * span, axis["0"] - 0.8 * span], abs=0.1)
    lines = polylines(root)
    assert len({line.get("stroke-dasharray") for line in lines}) == 3
    assert len({marker.tag for group in series for marker in markers(group)}) == 3
    legend = [t.text for g in root.findall(".//svg:g[@class='legend']", NS) for t in g if t.text]
    assert legend == ["NPRS", "QBPDS", "PSFS"]
    tooltips = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert "QBPDS, Week 6, 13/10/2025: 25 (75%)" in tooltips


def test_activity_is_a_bar_per_week_with_an_optional_goal_line() -> None:
    weeks = [(on(0), 60), (on(7), 150), (on(21), 0), (on(21), 30)]
    root = assert_accessible(
        activity_chart(
            weeks,
            title="Activity",
            empty_text="No diary yet.",
            goal=150,
            goal_label="Goal: 150 min/week",
            unit_label="Minutes per week",
            chart_id="activity",
        ),
        "Activity",
    )
    bars = root.findall(".//svg:rect[@class='bar']", NS)
    assert len(bars) == 3  # the third week is empty, the fourth adds up to 30
    heights = [float(bar.get("height") or 0) for bar in bars]
    assert heights[1] == pytest.approx(heights[0] * 2.5, abs=0.1)
    assert heights[2] == pytest.approx(heights[0] / 2, abs=0.1)
    xs = [float(bar.get("x") or 0) for bar in bars]
    assert xs[2] - xs[1] == pytest.approx(2 * (xs[1] - xs[0]), abs=0.1)
    goal = root.find(".//svg:g[@class='goal']/svg:line", NS)
    assert goal is not None
    assert float(goal.get("y1") or 0) == pytest.approx(float(bars[1].get("y") or 0), abs=0.1)
    assert "Goal: 150 min/week" in [t.text for t in root.iter(TEXT)]
    plain = parse(
        activity_chart(
            weeks, title="A", empty_text="-", unit_label="Minutes", chart_id="a", goal=None
        )
    )
    assert plain.findall(".//svg:g[@class='goal']", NS) == []
    empty = activity_chart([], title="A", empty_text="Geen dagboek.", unit_label="", chart_id="a")
    assert "Geen dagboek." in [t.text for t in parse(empty).iter(TEXT)]


def test_the_diary_leaves_a_gap_for_a_day_without_a_score() -> None:
    days: list[tuple[date, float | None, float | None]] = [
        (on(0), 3, 5),
        (on(1), 4, None),
        (on(2), None, 6),
        (on(3), 5, 7),
        (on(4), 6, 6),
        (on(6), 2, 4),  # day 5 is missing: a gap as well
    ]
    root = assert_accessible(
        diary_chart(
            days,
            **DIARY,
        ),
        "Diary",
    )
    pain, stress = root.findall(".//svg:g[@class='series']", NS)
    assert len(markers(pain)) == 5
    assert len(pain.findall("svg:polyline", NS)) == 2  # days 0-1 and 3-4; day 6 alone
    assert len(markers(stress)) == 5
    assert len(stress.findall("svg:polyline", NS)) == 1  # days 2-4; days 0 and 6 alone
    assert {line.get("stroke-dasharray") for line in stress.findall("svg:polyline", NS)} == {"6 3"}
    axis = grid(root)
    assert centre(markers(pain)[0])[1] == pytest.approx(
        axis["0"] - 0.3 * (axis["0"] - axis["10"]), abs=0.1
    )
    nothing = diary_chart([(on(0), None, None)], **{**DIARY, "empty_text": "Nog niets ingevuld."})
    assert "Nog niets ingevuld." in [t.text for t in parse(nothing).iter(TEXT)]
    assert polylines(parse(nothing)) == []


values = st.floats(allow_nan=True, allow_infinity=True)
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2025, 12, 31))
point_lists = st.lists(st.tuples(days, values, st.text(max_size=12)), max_size=30).map(
    lambda points: sorted(points, key=lambda point: point[0])
)
scales = st.tuples(st.floats(-1000, 1000), st.floats(0.5, 1000)).map(lambda s: (s[0], s[0] + s[1]))
optional = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False))


@settings(max_examples=80, deadline=None)
@given(
    points=point_lists,
    scale=scales,
    better=st.sampled_from(["lower", "higher"]),
    band=st.one_of(st.none(), st.tuples(st.floats(-1e6, 1e6), st.floats(0, 1e6))),
    weeks=st.lists(st.tuples(days, st.integers(-100, 100_000)), max_size=30),
    goal=st.one_of(st.none(), st.integers(0, 100_000)),
    diary=st.lists(st.tuples(days, optional, optional), max_size=30),
    width=st.integers(MIN_WIDTH, WIDTH),
)
def test_every_coordinate_is_finite_and_in_view(
    points: list[tuple[date, float, str]],
    scale: tuple[float, float],
    better: str,
    band: tuple[float, float] | None,
    weeks: list[tuple[date, int]],
    goal: int | None,
    diary: list[tuple[date, float | None, float | None]],
    width: int,
) -> None:
    low, high = scale
    svgs = [
        nprs(points, scale_min=low, scale_max=high, better=better, mcid_band=band, width=width),
        multi_measure_chart(
            [("A", points, low, high, better), ("B", points[::2], 0, 10, "higher")],  # type: ignore[list-item]
            title="Overview",
            empty_text="None.",
            better_label="Up is better.",
            chart_id="overview",
            width=width,
        ),
        activity_chart(
            weeks,
            title="A",
            empty_text="None.",
            goal=goal,
            unit_label="min",
            chart_id="a",
            width=width,
        ),
        diary_chart(
            diary,
            title="D",
            empty_text="None.",
            pain_label="P",
            stress_label="S",
            chart_id="d",
            width=width,
        ),
    ]
    for svg in svgs:
        assert view_width(svg) == width
        assert_in_view(svg)
        assert_labels_apart(svg)
