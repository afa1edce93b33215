"""The charts of a patient's progress: pain, function, activity and the diary.

Specs only: which lines and bars, on which scale, with which colours and labels.
:mod:`backpath.charts` draws them, with its guarantees (an accessible, self-contained SVG
that passes the page's Content-Security-Policy, every text escaped, numbers with a decimal
point and dates as day/month/year). The caller passes texts already translated.

In black and white: every line has its own dash pattern and marker shape, the minimal
important change band is outlined as well as shaded, and which way is better is an arrow.
Every chart is ``width`` units wide (``WIDTH`` unless told; ``width=400`` for a phone).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

from backpath.charts import (
    DASHES,
    LEFT,
    MARKERS,
    TEXT,
    WIDTH,
    Band,
    Bar,
    Bars,
    Better,
    Chart,
    DayLabels,
    DayScale,
    Header,
    Layer,
    LinearScale,
    Lines,
    Marker,
    Segment,
    Series,
    Swatch,
    Target,
    TimeLabels,
    TimeScale,
    YAxis,
    empty_chart,
    format_number,
    nice_ticks,
    ticks_up_to,
    tooltip,
)
from backpath.charts.line import Point
from backpath.programs.adherence_charts import DONE, PAIN

__all__ = [
    "Better",
    "Reading",
    "activity_chart",
    "diary_chart",
    "measure_chart",
    "multi_measure_chart",
]

Reading = tuple[date, float, str]  # (day, value, where the score came from)

LINE = DONE  # teal: one measure over time
BAND = "#d4eaec"  # pale teal: baseline +/- the minimal important change
BAND_EDGE = "#7fb5ba"
STRESS = "#3f5f9a"  # slate blue: the diary's second line
SERIES_COLOURS = (DONE, PAIN, "#6b4fa0", TEXT)  # overview lines, cycled with DASHES and MARKERS

TOP = 40  # the header row (unit, which way is better) sits above the plot
PLOT_HEIGHT = 170
BOTTOM = TOP + PLOT_HEIGHT


def measure_chart(
    points: Sequence[Reading],
    *,
    title: str,
    desc: str = "",
    empty_text: str,
    scale_min: float,
    scale_max: float,
    better: Better,
    unit_label: str,
    mcid_band: tuple[float, float] | None = None,
    chart_id: str,
    better_label: str = "",
    band_label: str = "",
    width: int = WIDTH,
) -> str:
    """One instrument over time: a line with a marker per score, on its own scale.

    ``points`` holds ``(day, value, label)`` in date order, the label saying where the score
    came from ("Intake", "Week 6", "Diary"). The x axis is time (days proportional), the y
    axis runs from ``scale_min`` to ``scale_max``; a value outside is drawn at the nearest
    end (its tooltip keeps the value), a value that is not a number is left out. An arrow in
    the top right points the way that is ``better`` ("lower" or "higher"), captioned and
    added to the description with ``better_label`` if given.

    ``mcid_band`` is ``(baseline, minimal important change)``: a shaded band from baseline
    minus to baseline plus the change, with a dotted line at the baseline, so a score outside
    the band is a meaningful change; ``band_label`` names it in a legend. One point is a
    marker without a line; none is ``empty_text``. The chart is ``width`` units wide.
    """
    _check_scale(scale_min, scale_max, better)
    kept = _finite(points)
    desc = _joined(desc or (title if kept else empty_text), better_label)
    if not kept:
        return empty_chart(title, desc, empty_text, chart_id, width=width)
    x = TimeScale.spanning([day for day, _value, _label in kept], width)
    layers: list[Layer] = [Header(unit_label, better, better_label)]
    if mcid_band is not None:
        layers.append(Band(*mcid_band, BAND, BAND_EDGE, band_label, kind="mcid-band"))
    line = [
        Point(day, value, tooltip(label, day, format_number(value))) for day, value, label in kept
    ]
    layers += [
        YAxis(nice_ticks(scale_min, scale_max, PLOT_HEIGHT)),
        Lines(x, [Series(line, LINE)]),
        TimeLabels([(day, label) for day, _value, label in kept], x, point_labels=True),
    ]
    height = BOTTOM + 44
    if mcid_band is not None and band_label:
        layers.append(Swatch(LEFT, height + 14, BAND, band_label, stroke=BAND_EDGE))
        height += 24
    y = LinearScale(scale_min, scale_max, TOP, BOTTOM)
    return Chart(title, desc, chart_id, height, y, layers, width).svg()


def multi_measure_chart(
    series: Sequence[tuple[str, Sequence[Reading], float, float, Better]],
    *,
    title: str,
    desc: str = "",
    empty_text: str,
    better_label: str,
    chart_id: str,
    width: int = WIDTH,
) -> str:
    """Several instruments in one overview, each as a percentage of its range, up is better.

    ``series`` holds ``(name, points, scale_min, scale_max, better)``, points as for
    :func:`measure_chart`. A score is drawn at 0% at the worse end of its scale and at 100%
    at the better end, so every line rises when the patient improves; ``better_label``
    (say "Up is better for every measure: 100% is the best score.") is the caption of the
    arrow and ends the description. Each series has its own colour, dash pattern and marker
    (by its place in ``series``, so an instrument keeps its look) and a legend entry; the
    tooltips keep the raw score. A series without points is left out; with none at all the
    chart is ``empty_text``. The chart is ``width`` units wide.
    """
    lines = []
    every = []
    for number, (name, points, scale_min, scale_max, better) in enumerate(series):
        _check_scale(scale_min, scale_max, better)
        kept = _finite(points)
        if not kept:
            continue
        every += [day for day, _value, _label in kept]
        line = []
        for day, value, label in kept:
            share = _share(value, scale_min, scale_max, better)
            tip = tooltip(f"{name}, {label}" if label else name, day, format_number(value))
            line.append(Point(day, share, f"{tip} ({share:.0f}%)"))
        colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
        dash, marker = DASHES[number % len(DASHES)], MARKERS[number % len(MARKERS)]
        lines.append(Series(line, colour, dash, marker, name=name))
    desc = _joined(desc or (title if lines else empty_text), better_label)
    if not lines:
        return empty_chart(title, desc, empty_text, chart_id, width=width)
    every.sort()
    x = TimeScale.spanning(every, width)
    legend_top = BOTTOM + 44
    layers: list[Layer] = [
        Header("%", "higher", better_label),
        YAxis([(share, str(share)) for share in range(0, 101, 25)]),
        Lines(x, lines, legend_top=legend_top),
        TimeLabels([(day, "") for day in every], x),
    ]
    height = legend_top + 20 * len(lines) - 6
    return Chart(
        title, desc, chart_id, height, LinearScale(0, 100, TOP, BOTTOM), layers, width
    ).svg()


def activity_chart(
    weeks: Sequence[tuple[date, int]],
    *,
    title: str,
    desc: str = "",
    empty_text: str,
    goal: int | None = None,
    unit_label: str,
    chart_id: str,
    goal_label: str = "",
    width: int = WIDTH,
) -> str:
    """Minutes active per week (from the diary): one teal bar per week, a dashed goal line.

    ``weeks`` holds ``(week_start, minutes)``; the x axis runs week by week from the first to
    the last week given, so a week without an entry is an empty slot (a week of 0 minutes is
    a hairline on the axis). Two entries for one week add up; minutes below 0 count as 0.
    ``goal`` (150 minutes a week, say) draws a dashed line captioned ``goal_label`` (or the
    number). With no week the chart is ``empty_text``. The chart is ``width`` units wide.
    """
    if not weeks:
        return empty_chart(title, desc or empty_text, empty_text, chart_id, width=width)
    first = min(week for week, _minutes in weeks)
    minutes: dict[int, int] = {}
    for week, value in weeks:
        slot = (week - first).days // 7
        minutes[slot] = minutes.get(slot, 0) + max(value, 0)
    starts = [first + timedelta(days=7 * n) for n in range(max(minutes) + 1)]
    highest, ticks = ticks_up_to(max([*minutes.values(), goal or 0, 10]))
    bars = [
        Bar(slot, tooltip("", starts[slot], str(value)), [Segment("bar", value, DONE)])
        for slot, value in sorted(minutes.items())
    ]
    layers: list[Layer] = [
        Header(unit_label),
        YAxis(ticks),
        Bars(len(starts), bars, kind="week", min_height=1.0),
    ]
    if goal is not None and goal > 0:
        layers.append(Target(goal, goal_label))
    layers.append(DayLabels(starts))
    y = LinearScale(0, highest, TOP, BOTTOM)
    return Chart(title, desc or title, chart_id, BOTTOM + 30, y, layers, width).svg()


def diary_chart(
    days: Sequence[tuple[date, float | None, float | None]],
    *,
    title: str,
    desc: str = "",
    empty_text: str,
    pain_label: str,
    stress_label: str,
    chart_id: str,
    width: int = WIDTH,
) -> str:
    """The daily diary: pain 0-10 as an amber line, stress (or sleep) 0-10 as a dashed one.

    ``days`` holds ``(day, pain, stress)``; the second score can be any daily 0-10 rating,
    named by ``stress_label``. ``None``, or a day missing from ``days``, is a gap in the line,
    not a zero; a score on its own between gaps is a marker. Scores are held to 0..10. With
    no score at all the chart is ``empty_text``. The chart is ``width`` units wide.
    """
    entries = sorted(days, key=lambda entry: entry[0])
    pain = {day: value for day, value, _s in entries if value is not None and math.isfinite(value)}
    stress = {
        day: value for day, _p, value in entries if value is not None and math.isfinite(value)
    }
    if not pain and not stress:
        return empty_chart(title, desc or empty_text, empty_text, chart_id, width=width)
    x = DayScale(min([*pain, *stress]), max([*pain, *stress]), width)
    looks: tuple[tuple[dict[date, float], str, str, str, Marker], ...] = (
        (pain, pain_label, PAIN, "", "circle"),
        (stress, stress_label, STRESS, "6 3", "square"),
    )
    lines = [
        Series(
            [
                Point(day, scores[day], tooltip(label, day, format_number(scores[day])))
                if day in scores
                else None  # a gap in the line
                for day in x.days
            ],
            colour,
            dash,
            marker,
            name=label,
        )
        for scores, label, colour, dash, marker in looks
    ]
    layers: list[Layer] = [
        YAxis(nice_ticks(0, 10, PLOT_HEIGHT)),
        Lines(x, lines, legend_top=12, legend_step=17),
        DayLabels(x.days),
    ]
    y = LinearScale(0, 10, TOP, BOTTOM)
    return Chart(title, desc or title, chart_id, BOTTOM + 30, y, layers, width).svg()


def _check_scale(scale_min: float, scale_max: float, better: str) -> None:
    if not (math.isfinite(scale_min) and math.isfinite(scale_max) and scale_min < scale_max):
        raise ValueError(f"a scale runs from a lower to a higher number: {scale_min}..{scale_max}")
    if better not in ("lower", "higher"):
        raise ValueError(f'better is "lower" or "higher", not {better!r}')


def _finite(points: Sequence[Reading]) -> list[Reading]:
    """The points with a number for a value, in date order."""
    return sorted((point for point in points if math.isfinite(point[1])), key=lambda p: p[0])


def _share(value: float, scale_min: float, scale_max: float, better: Better) -> float:
    """``value`` as a percentage of its scale, 100 at the better end."""
    share = (min(max(value, scale_min), scale_max) - scale_min) / (scale_max - scale_min) * 100
    return share if better == "higher" else 100 - share


def _joined(desc: str, addition: str) -> str:
    return f"{desc} {addition}" if addition else desc
