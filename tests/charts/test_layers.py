"""The drawing primitives: the document, axes, bars, lines and bands, composed as a chart."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backpath.charts import (
    LEFT,
    MIN_WIDTH,
    RIGHT,
    WIDTH,
    Band,
    Bar,
    Bars,
    Chart,
    DayLabels,
    DayScale,
    Frame,
    Header,
    LinearScale,
    Lines,
    Point,
    Reference,
    Segment,
    Series,
    Swatch,
    Target,
    TimeLabels,
    TimeScale,
    YAxis,
    empty_chart,
)
from backpath.charts.svg import draw_marker, polyline
from tests.charts.svgcheck import (
    NS,
    TEXT,
    assert_accessible,
    assert_in_view,
    assert_labels_apart,
    parse,
)

DAY = date(2025, 11, 25)
NASTY = 'Knee <&> "hug" </svg><script>alert(1)</script>'
FRAME = Frame(WIDTH, LinearScale(0, 10, top=40, bottom=210))


def chart(*layers: object, width: int = WIDTH, lowest: float = 0, highest: float = 10) -> str:
    return Chart(
        "Title",
        "Described.",
        "test",
        260,
        LinearScale(lowest, highest, top=40, bottom=210),
        list(layers),  # type: ignore[arg-type]
        width,
    ).svg()


def test_a_chart_is_an_accessible_image_named_by_its_title_and_desc() -> None:
    svg = chart(YAxis([(0, "0"), (10, "10")]))
    root = assert_accessible(svg, "Title")
    assert root.get("aria-labelledby") == "test-title test-desc"
    assert root.findtext("svg:desc", namespaces=NS) == "Described."
    assert root.get("viewBox") == f"0 0 {WIDTH} 260"
    assert root.get("width") == "100%"


def test_the_title_desc_and_id_are_escaped() -> None:
    svg = Chart(NASTY, NASTY, NASTY, 100, FRAME.y, [Swatch(LEFT, 12, "#000", NASTY)]).svg()
    root = assert_accessible(svg, NASTY)
    assert root.findtext("svg:desc", namespaces=NS) == NASTY
    assert NASTY in [t.text for t in root.iter(TEXT)]
    assert "<script" not in svg
    assert ' id="Knee------hug----svg--script-alert-1---script--title"' in svg


def test_an_empty_chart_is_a_dashed_frame_with_its_text() -> None:
    svg = empty_chart("Pain", "Nothing yet.", "Nog geen gegevens.", "pain", width=400)
    root = assert_accessible(svg, "Pain")
    assert root.get("viewBox") == "0 0 400 96"
    assert [t.text for t in root.iter(TEXT)] == ["Nog geen gegevens."]
    assert root.find("svg:rect[@class='empty']", NS) is not None
    with pytest.raises(ValueError, match="wide"):
        empty_chart("Pain", "", "", "pain", width=MIN_WIDTH - 1)


def test_the_y_axis_draws_a_grid_line_and_a_label_per_tick() -> None:
    root = parse(chart(YAxis([(0, "0"), (5, "5"), (10, "10")]), width=400))
    lines = root.findall("svg:line[@class='grid']", NS)
    assert [float(line.get("y1") or 0) for line in lines] == [210, 125, 40]
    assert {float(line.get("x2") or 0) for line in lines} == {400 - RIGHT}
    assert [t.text for t in root.iter(TEXT)] == ["0", "5", "10"]


def test_day_labels_always_label_the_last_day() -> None:
    days = [DAY - timedelta(days=n) for n in reversed(range(28))]
    svg = chart(DayLabels(days), width=400)
    labels = [t.text for t in parse(svg).findall("svg:text[@class='day-label']", NS)]
    assert labels == ["4/11", "11/11", "18/11", "25/11"]
    assert_labels_apart(svg)


def test_time_labels_keep_their_distance_and_cut_point_labels_short() -> None:
    days = [DAY, DAY + timedelta(days=1), DAY + timedelta(days=30)]
    x = TimeScale.spanning(days, WIDTH)
    ticks = [(day, "3 months after discharge") for day in days]
    root = parse(chart(TimeLabels(ticks, x, point_labels=True)))
    assert [t.text for t in root.findall("svg:text[@class='day-label']", NS)] == [
        "25/12",
        "25/11",  # 26/11 is too close to 25/11
    ]
    assert {t.text for t in root.findall("svg:text[@class='point-label']", NS)} == {
        "3 months \u2026"
    }
    assert parse(chart(TimeLabels(ticks, x))).findall("svg:text[@class='point-label']", NS) == []


@pytest.mark.parametrize("better", ["lower", "higher"])
def test_the_header_shows_the_unit_and_an_arrow_the_better_way(better: str) -> None:
    root = parse(chart(Header("NPRS", better, "Lower is better")))  # type: ignore[arg-type]
    assert root.findtext("svg:text[@class='unit']", namespaces=NS) == "NPRS"
    arrow = root.find(f"svg:g[@class='better {better}']", NS)
    assert arrow is not None
    line = arrow.find("svg:line", NS)
    assert line is not None
    pointing_up = float(line.get("y2") or 0) < float(line.get("y1") or 0)
    assert pointing_up == (better == "higher")
    assert parse(chart(Header(""))).findall("svg:*", NS)[2:] == []  # past title and desc


def test_a_reference_line_and_a_goal_line_sit_at_their_values() -> None:
    root = parse(chart(Reference(5, "5"), Target(20, ""), highest=40))
    reference = root.find("svg:line[@class='reference']", NS)
    assert reference is not None
    assert float(reference.get("y1") or 0) == 188.8  # 210 - 5 / 40 * 170, one decimal
    goal = root.find("svg:g[@class='goal']", NS)
    assert goal is not None
    assert goal.findtext("svg:title", namespaces=NS) == "20"  # no caption: the value
    assert float(goal[1].get("y1") or 0) == 125


def test_bars_stack_their_segments_and_a_zero_bar_can_be_a_hairline() -> None:
    bars = Bars(
        4,
        [
            Bar(0, "first", [Segment("done", 4, "#0f0"), Segment("missed", 2, "#ccc")]),
            Bar(2, "third", [Segment("done", 0, "#0f0")]),
            Bar(3, "<&>", []),
        ],
        kind="day",
        min_height=1.0,
    )
    root = parse(chart(bars))
    groups = root.findall("svg:g[@class='day']", NS)
    assert [g.findtext("svg:title", namespaces=NS) for g in groups] == ["first", "third", "<&>"]
    done, missed = groups[0].findall("svg:rect", NS)
    assert float(done.get("y") or 0) == 210 - 68
    assert float(done.get("height") or 0) == 68
    assert float(missed.get("y") or 0) == 210 - 68 - 34
    (hairline,) = groups[1].findall("svg:rect", NS)
    assert float(hairline.get("height") or 0) == 1.0
    assert float(hairline.get("x") or 0) > float(done.get("x") or 0)
    assert groups[2].findall("svg:rect", NS) == []


def test_lines_break_at_gaps_and_a_lone_point_is_a_marker() -> None:
    x = DayScale(DAY, DAY + timedelta(days=5), WIDTH)
    points: list[Point | None] = [
        Point(DAY, 3, "a"),
        Point(DAY + timedelta(days=1), 4, "b"),
        None,
        Point(DAY + timedelta(days=3), 12, "held to 10"),
        None,
        Point(DAY + timedelta(days=5), 2, "c"),
        Point(DAY + timedelta(days=6), 2, "d"),
    ]
    series = Series(points, "#b45309", "6 3", "square", name="Pain")
    root = parse(chart(Lines(x, [series], legend_top=12)))
    (group,) = root.findall("svg:g[@class='series']", NS)
    assert group.findtext("svg:title", namespaces=NS) == "Pain"
    lines = group.findall("svg:polyline", NS)
    assert len(lines) == 2
    assert {line.get("stroke-dasharray") for line in lines} == {"6 3"}
    markers = group.findall("svg:rect", NS)
    assert len(markers) == 5
    assert float(markers[2].get("y") or 0) + 3.5 == 40  # 12 is drawn at the top
    legend = root.find("svg:g[@class='legend']", NS)
    assert legend is not None
    assert legend.findtext("svg:text", namespaces=NS) == "Pain"
    one = Series([Point(DAY, 3, "a")], "#000", line_from=1)
    assert len(parse(chart(Lines(x, [one]))).findall(".//svg:polyline", NS)) == 1
    assert parse(chart(Lines(x, [one]))).findall("svg:g[@class='legend']", NS) == []


def test_a_band_is_shaded_outlined_and_dotted_through_its_centre() -> None:
    root = parse(chart(Band(7, -2, "#d4eaec", "#7fb5ba", "No change", kind="mcid-band")))
    band = root.find("svg:g[@class='mcid-band']", NS)
    assert band is not None
    assert band.findtext("svg:title", namespaces=NS) == "No change"
    rect = band.find("svg:rect", NS)
    assert rect is not None
    assert float(rect.get("y") or 0) == 57  # 9
    assert float(rect.get("height") or 0) == 68  # 9 down to 5
    baseline = band.find("svg:line[@class='baseline']", NS)
    assert baseline is not None
    assert float(baseline.get("y1") or 0) == 91  # 7
    with pytest.raises(ValueError, match="band"):
        chart(Band(float("nan"), 2, "#fff", "#000"))


def test_markers_and_lines_are_drawn_with_presentation_attributes_only() -> None:
    for shape in ("circle", "square", "triangle", "diamond"):
        marker = draw_marker(shape, 10, 20, 'tip <"&">', "#123456")  # type: ignore[arg-type]
        assert 'fill="#123456"' in marker
        assert '<title>tip &lt;"&amp;"&gt;</title>' in marker
        assert "style" not in marker
        parse(f'<svg xmlns="http://www.w3.org/2000/svg">{marker}</svg>')
    assert "stroke-dasharray" not in polyline([(1, 2), (3, 4)], "#000")
    assert 'points="1.0,2.0 3.3,4.0"' in polyline([(1, 2), (3.26, 4)], "#000", "2 3")


@settings(max_examples=60, deadline=None)
@given(
    width=st.integers(MIN_WIDTH, WIDTH),
    values=st.lists(st.one_of(st.none(), st.floats(-1e6, 1e6)), min_size=1, max_size=60),
    bars=st.lists(st.floats(0, 1e6), min_size=1, max_size=60),
)
def test_whatever_the_values_everything_is_drawn_in_view(
    width: int, values: list[float | None], bars: list[float]
) -> None:
    days = [DAY + timedelta(days=n) for n in range(len(values))]
    x = DayScale(days[0], days[-1], width)
    points = [
        None if value is None else Point(day, value, "")
        for day, value in zip(days, values, strict=True)
    ]
    svg = chart(
        YAxis([(0, "0"), (10, "10")]),
        Bars(len(bars), [Bar(n, "", [Segment("bar", v, "#000")]) for n, v in enumerate(bars)]),
        Lines(x, [Series(points, "#000", name="x")], legend_top=12),
        Band(5, 3, "#fff", "#000"),
        DayLabels(days),
        width=width,
        highest=1e6,
    )
    assert_in_view(svg)
    assert_labels_apart(svg)


def test_the_package_imports_no_framework() -> None:
    code = (
        "import sys, backpath.charts, backpath.charts.bar, backpath.charts.line;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'ninja'));"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
