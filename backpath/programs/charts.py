"""The charts of the clinician's adherence page: exercises done per day, pain per exercise.

Specs only: which bars and lines, their colours and labels. :mod:`backpath.charts` draws
them, with its guarantees (an accessible, self-contained SVG that passes the page's
Content-Security-Policy, every text escaped). The caller passes texts already translated.

Colours: teal for exercises done, light grey for exercises missed, amber for pain. The pain
lines differ by dash pattern and marker shape as well, so the chart reads in black and white.
Every chart is ``width`` viewBox units wide (``WIDTH`` unless told; ``width=400`` for a phone).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from backpath.charts import (
    DASHES,
    LEFT,
    MARKERS,
    MIN_WIDTH,
    PALE,
    WIDTH,
    Bar,
    Bars,
    Chart,
    DayLabels,
    DayScale,
    LinearScale,
    Lines,
    Point,
    Reference,
    Segment,
    Series,
    Swatch,
    YAxis,
    day_label,
    empty_chart,
)

__all__ = [
    "DONE",
    "MIN_WIDTH",
    "MISSED",
    "PAIN",
    "WIDTH",
    "completion_chart",
    "day_label",
    "pain_chart",
]

DONE = "#0f6b74"  # teal, the app's --primary
MISSED = PALE
PAIN = "#b45309"  # amber


def completion_chart(
    days: Sequence[tuple[date, int, int]],
    *,
    title: str,
    desc: str = "",
    empty_text: str = "No data yet.",
    done_label: str = "Done",
    missed_label: str = "Missed",
    chart_id: str = "completion",
    width: int = WIDTH,
) -> str:
    """One bar per day: ``done`` in teal, the rest of ``due`` (missed) in grey above it.

    ``days`` holds ``(day, done, due)`` in date order. A day with more done than due has no
    grey part. With no day at all, or nothing due or done on any day, the chart is
    ``empty_text``. The chart is ``width`` units wide.
    """
    if not days or all(done <= 0 and due <= 0 for _day, done, due in days):
        return empty_chart(title, desc or empty_text, empty_text, chart_id, width=width)
    highest = max(max(done, due) for _day, done, due in days)
    bars = []
    for index, (day, done, due) in enumerate(days):
        done = max(done, 0)
        missed = max(due - done, 0)
        parts = [Segment("done", done, DONE)] if done else []
        parts += [Segment("missed", missed, MISSED)] if missed else []
        bars.append(Bar(index, f"{day_label(day)}: {done}/{max(due, done)}", parts))
    return Chart(
        title,
        desc or title,
        chart_id,
        height=220,
        y=LinearScale(0, highest, top=34, bottom=190),
        layers=[
            Swatch(LEFT, 12, DONE, done_label),
            Swatch(LEFT + 120, 12, MISSED, missed_label),
            YAxis([(0, "0"), (highest, str(highest))]),
            Bars(len(days), bars, kind="day"),
            DayLabels([day for day, _done, _due in days]),
        ],
        width=width,
    ).svg()


def pain_chart(
    series: Mapping[str, Sequence[tuple[date, int]]],
    *,
    title: str,
    labels: Mapping[str, str],
    desc: str = "",
    empty_text: str = "No data yet.",
    span: tuple[date, date] | None = None,
    chart_id: str = "pain",
    width: int = WIDTH,
) -> str:
    """Pain 0-10 over time: one amber polyline per exercise, a legend, a dashed line at 5.

    ``series`` maps an exercise id to its ``(day, pain)`` points; ``labels`` names the ids
    (an id without a label shows as itself). ``span`` (first day, last day) fixes the x axis,
    so it lines up with the completion chart; points outside it are left out. Without it the
    axis runs from the first to the last point. With no point at all the chart is
    ``empty_text``. The chart is ``width`` units wide.
    """
    points = {
        key: sorted(
            (day, min(max(pain, 0), 10))
            for day, pain in values
            if span is None or span[0] <= day <= span[1]
        )
        for key, values in series.items()
    }
    points = {key: values for key, values in points.items() if values}
    if not points:
        return empty_chart(title, desc or empty_text, empty_text, chart_id, width=width)
    if span is None:
        every = [day for values in points.values() for day, _pain in values]
        span = (min(every), max(every))
    x = DayScale(*span, width)
    lines = []
    for number, (key, values) in enumerate(points.items()):
        label = labels.get(key, key)
        lines.append(
            Series(
                [Point(day, pain, f"{label} {day_label(day)}: {pain}") for day, pain in values],
                PAIN,
                DASHES[number % len(DASHES)],
                MARKERS[number % len(MARKERS)],
                name=label,
                line_from=1,  # a lone point has a (dot-sized) line as well
            )
        )
    bottom = 186
    return Chart(
        title,
        desc or title,
        chart_id,
        height=bottom + 40 + 20 * len(points),
        y=LinearScale(0, 10, top=16, bottom=bottom),
        layers=[
            YAxis([(0, "0"), (10, "10")]),
            Reference(5, "5"),
            DayLabels(x.days),
            Lines(x, lines, legend_top=bottom + 40),
        ],
        width=width,
    ).svg()
