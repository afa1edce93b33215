"""Server-rendered SVG charts of a patient's progress: pain, function, activity and the diary.

Pure functions: data in, one self-contained SVG string out, with the guarantees of
:mod:`backpath.programs.charts`, whose helpers draw them: an accessible image
(``role="img"`` named by its ``<title>`` and described by its ``<desc>``), no script, no
style sheet, no link and no external reference, presentation attributes only (the page's
Content-Security-Policy refuses inline styles). Every text is escaped; the caller passes
texts already translated (this module knows no language; numbers print with a decimal
point and dates as day/month/year).

In black and white: every line has its own dash pattern and marker shape, the minimal
important change band is outlined as well as shaded, and which way is better is an arrow.
Coordinates are rounded to one decimal to keep the SVG small.

Every chart is ``width`` units wide (``WIDTH`` unless told), its texts 12 units high at any
width: a narrower chart (``width=400`` for a phone) keeps its texts readable on a narrow
screen. The plot follows the width, and so do the labels under the time axis, which keep
``LABEL_GAP`` apart.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Literal

from backpath.programs.charts import (
    DASHES,
    DONE,
    LABEL_GAP,
    LEFT,
    MARKERS,
    MUTED,
    PAIN,
    RIGHT,
    TEXT,
    WIDTH,
    day_label,
    draw_marker,
    empty_chart,
    escape_text,
    legend_line,
    legend_swatch,
    plot_width,
    polyline,
    svg_document,
    x_label,
    x_labels,
    y_axis,
)

Better = Literal["lower", "higher"]
Point = tuple[date, float, str]

LINE = DONE  # teal: one measure over time
BAND = "#d4eaec"  # pale teal: baseline +/- the minimal important change
BAND_EDGE = "#7fb5ba"
STRESS = "#3f5f9a"  # slate blue: the diary's second line
SERIES_COLOURS = (DONE, PAIN, "#6b4fa0", TEXT)  # overview lines, cycled with DASHES and MARKERS

TOP = 40  # the header row (unit, which way is better) sits above the plot
PLOT_HEIGHT = 170
BOTTOM = TOP + PLOT_HEIGHT
PAD = 24  # on a time axis the first and last day sit this far inside the plot
TICK_GAP = 14  # y axis: a round tick this close to the end of the scale is left out
POINT_LABEL_CHARS = 10  # "Intake", "Week 6": a longer label is cut short under the axis


def measure_chart(
    points: Sequence[Point],
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

    def y_of(value: float) -> float:
        return _scaled(value, scale_min, scale_max)

    x_of = _time_scale([day for day, _value, _label in kept], width)
    parts = _header(unit_label, better, better_label, width)
    if mcid_band is not None:
        parts.append(_band(mcid_band, y_of, band_label, width))
    ticks = _ticks(scale_min, scale_max)
    parts += y_axis(TOP, BOTTOM, ticks, scale_max, scale_min, width=width)
    coordinates = [(x_of(day), y_of(value)) for day, value, _label in kept]
    shapes = [polyline(coordinates, LINE)] if len(kept) > 1 else []
    shapes += [
        draw_marker("circle", x, y, _tooltip(label, day, _number(value)), LINE)
        for (x, y), (day, value, label) in zip(coordinates, kept, strict=True)
    ]
    parts.append(f'<g class="series">{"".join(shapes)}</g>')
    parts += _time_labels([(day, label) for day, _value, label in kept], x_of, point_labels=True)
    height = BOTTOM + 44
    if mcid_band is not None and band_label:
        parts.append(legend_swatch(LEFT, height + 14, BAND, band_label, stroke=BAND_EDGE))
        height += 24
    return svg_document(height, title, desc, chart_id, parts, width=width)


def multi_measure_chart(
    series: Sequence[tuple[str, Sequence[Point], float, float, Better]],
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
    drawn = []
    for number, (name, points, scale_min, scale_max, better) in enumerate(series):
        _check_scale(scale_min, scale_max, better)
        kept = _finite(points)
        if kept:
            drawn.append((number, name, kept, scale_min, scale_max, better))
    desc = _joined(desc or (title if drawn else empty_text), better_label)
    if not drawn:
        return empty_chart(title, desc, empty_text, chart_id, width=width)
    every = sorted(day for entry in drawn for day, _value, _label in entry[2])
    x_of = _time_scale(every, width)
    parts = _header("%", "higher", better_label, width)
    ticks = [(share, str(share)) for share in range(0, 101, 25)]
    parts += y_axis(TOP, BOTTOM, ticks, 100, width=width)
    legend_top = BOTTOM + 44
    for row, (number, name, kept, scale_min, scale_max, better) in enumerate(drawn):
        colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
        dash = DASHES[number % len(DASHES)]
        marker = MARKERS[number % len(MARKERS)]
        shares = [_share(value, scale_min, scale_max, better) for _day, value, _label in kept]
        coordinates = [
            (x_of(day), _scaled(share, 0, 100))
            for (day, _value, _label), share in zip(kept, shares, strict=True)
        ]
        shapes = [f"<title>{escape_text(name)}</title>"]
        if len(kept) > 1:
            shapes.append(polyline(coordinates, colour, dash))
        shapes += [
            draw_marker(
                marker,
                x,
                y,
                _tooltip(f"{name}, {label}" if label else name, day, _number(value))
                + f" ({share:.0f}%)",
                colour,
            )
            for (x, y), (day, value, label), share in zip(coordinates, kept, shares, strict=True)
        ]
        parts.append(f'<g class="series">{"".join(shapes)}</g>')
        parts.append(legend_line(legend_top + 20 * row, colour, dash, marker, name, width=width))
    parts += _time_labels([(day, "") for day in every], x_of, point_labels=False)
    height = legend_top + 20 * len(drawn) - 6
    return svg_document(height, title, desc, chart_id, parts, width=width)


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
        slot_index = (week - first).days // 7
        minutes[slot_index] = minutes.get(slot_index, 0) + max(value, 0)
    slots = max(minutes) + 1
    most = max([*minutes.values(), goal or 0, 10])
    step = _step(most)
    highest = math.ceil(most / step) * step
    parts = _header(unit_label, None, "", width)
    ticks = [(step * k, _number(step * k)) for k in range(round(highest / step) + 1)]
    parts += y_axis(TOP, BOTTOM, ticks, highest, width=width)
    plot = plot_width(width)
    slot = plot / slots
    bar = max(1.0, slot * 0.7)
    for slot_index, value in sorted(minutes.items()):
        height = max(value / highest * PLOT_HEIGHT, 1.0)
        x = LEFT + slot_index * slot + (slot - bar) / 2
        week = first + timedelta(days=7 * slot_index)
        parts.append(
            f'<g class="week"><title>{escape_text(_tooltip("", week, str(value)))}</title>'
            f'<rect class="bar" x="{x:.1f}" y="{BOTTOM - height:.1f}" width="{bar:.1f}" '
            f'height="{height:.1f}" fill="{DONE}"/></g>'
        )
    if goal is not None and goal > 0:
        y = _scaled(goal, 0, highest)
        caption = goal_label or _number(goal)
        right = width - RIGHT
        goal_line = f'stroke="{TEXT}" stroke-width="1.5" stroke-dasharray="6 3"'
        parts.append(
            f'<g class="goal"><title>{escape_text(caption)}</title>'
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot}" y2="{y:.1f}" {goal_line}/>'
            f"</g>"
            f'<g class="legend"><line x1="{right - 28}" y1="16" x2="{right}" y2="16" {goal_line}/>'
            f'<text x="{right - 34}" y="20" text-anchor="end" fill="{TEXT}">'
            f"{escape_text(caption)}</text></g>"
        )
    labelled = [first + timedelta(days=7 * n) for n in range(slots)]
    parts += x_labels(labelled, BOTTOM + 18, width=width)
    return svg_document(BOTTOM + 30, title, desc or title, chart_id, parts, width=width)


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
    first = min([*pain, *stress])
    span = [first + timedelta(days=n) for n in range((max([*pain, *stress]) - first).days + 1)]
    slot = plot_width(width) / len(span)
    parts = y_axis(TOP, BOTTOM, _ticks(0, 10), 10, width=width)
    lines = (
        (pain, pain_label, PAIN, "", "circle"),
        (stress, stress_label, STRESS, "6 3", "square"),
    )
    for number, (scores, label, colour, dash, marker) in enumerate(lines):
        shapes = [f"<title>{escape_text(label)}</title>"]
        runs: list[list[tuple[float, float]]] = [[]]
        for index, day in enumerate(span):
            score = scores.get(day)
            if score is None:
                runs.append([])
                continue
            x, y = LEFT + (index + 0.5) * slot, _scaled(score, 0, 10)
            runs[-1].append((x, y))
            shapes.append(draw_marker(marker, x, y, _tooltip(label, day, _number(score)), colour))
        shapes[1:1] = [polyline(run, colour, dash) for run in runs if len(run) > 1]
        parts.append(f'<g class="series">{"".join(shapes)}</g>')
        parts.append(legend_line(12 + 17 * number, colour, dash, marker, label, width=width))
    parts += x_labels(span, BOTTOM + 18, width=width)
    return svg_document(BOTTOM + 30, title, desc or title, chart_id, parts, width=width)


def _check_scale(scale_min: float, scale_max: float, better: str) -> None:
    if not (math.isfinite(scale_min) and math.isfinite(scale_max) and scale_min < scale_max):
        raise ValueError(f"a scale runs from a lower to a higher number: {scale_min}..{scale_max}")
    if better not in ("lower", "higher"):
        raise ValueError(f'better is "lower" or "higher", not {better!r}')


def _finite(points: Sequence[Point]) -> list[Point]:
    """The points with a number for a value, in date order."""
    return sorted((point for point in points if math.isfinite(point[1])), key=lambda p: p[0])


def _scaled(value: float, lowest: float, highest: float) -> float:
    """The y of ``value`` on a ``lowest..highest`` axis, held to the plot."""
    share = (min(max(value, lowest), highest) - lowest) / (highest - lowest)
    return BOTTOM - share * PLOT_HEIGHT


def _share(value: float, scale_min: float, scale_max: float, better: Better) -> float:
    """``value`` as a percentage of its scale, 100 at the better end."""
    share = (min(max(value, scale_min), scale_max) - scale_min) / (scale_max - scale_min) * 100
    return share if better == "higher" else 100 - share


def _time_scale(days: Sequence[date], width: int) -> Callable[[date], float]:
    """x of a day on a time axis from the first to the last of ``days`` (one day: centred)."""
    first, last = min(days), max(days)
    span = (last - first).days
    plot = plot_width(width)

    def x_of(day: date) -> float:
        if not span:
            return LEFT + plot / 2
        return LEFT + PAD + (day - first).days / span * (plot - 2 * PAD)

    return x_of


def _time_labels(
    ticks: Sequence[tuple[date, str]], x_of: Callable[[date], float], *, point_labels: bool
) -> list[str]:
    """Day labels under a time axis (and the point's label under each if ``point_labels``).

    The first and last day always; a day in between only if its label keeps ``LABEL_GAP``
    from its neighbours. ``ticks`` is in date order; a day's last label is the one shown.
    """
    labels = dict(ticks)
    days = list(labels)
    kept = [days[-1]]
    for day in reversed(days[:-1]):
        if x_of(kept[-1]) - x_of(day) >= LABEL_GAP and (
            day == days[0] or x_of(day) - x_of(days[0]) >= LABEL_GAP
        ):
            kept.append(day)
    parts = []
    for day in kept:
        parts.append(x_label(x_of(day), BOTTOM + 18, day_label(day)))
        label = labels[day]
        if point_labels and label:
            short = label if len(label) <= POINT_LABEL_CHARS else label[: POINT_LABEL_CHARS - 1]
            short += "" if short == label else "\u2026"
            parts.append(x_label(x_of(day), BOTTOM + 34, short, "point-label"))
    return parts


def _header(unit_label: str, better: Better | None, better_label: str, width: int) -> list[str]:
    """The row above the plot: the unit on the left, which way is better on the right."""
    parts = []
    if unit_label:
        parts.append(
            f'<text class="unit" x="4" y="20" fill="{TEXT}">{escape_text(unit_label)}</text>'
        )
    if better is not None:
        x = width - RIGHT - 5
        tip, tail = (10, 26) if better == "higher" else (26, 10)
        head = tip + 6 if better == "higher" else tip - 6
        caption = (
            f'<text x="{x - 10}" y="22" text-anchor="end" fill="{TEXT}">'
            f"{escape_text(better_label)}</text>"
            if better_label
            else ""
        )
        parts.append(
            f'<g class="better {better}"><line x1="{x}" y1="{tail}" x2="{x}" y2="{head}" '
            f'stroke="{TEXT}" stroke-width="2"/>'
            f'<polygon points="{x},{tip} {x + 5},{head} {x - 5},{head}" fill="{TEXT}"/>'
            f"{caption}</g>"
        )
    return parts


def _band(
    mcid_band: tuple[float, float], y_of: Callable[[float], float], label: str, width: int
) -> str:
    """Baseline +/- the minimal important change: shaded, outlined, a dotted baseline."""
    baseline, change = mcid_band
    if not (math.isfinite(baseline) and math.isfinite(change)):
        raise ValueError(f"the band needs a baseline and a change: {mcid_band}")
    upper, lower = y_of(baseline + abs(change)), y_of(baseline - abs(change))
    middle = y_of(baseline)
    plot = plot_width(width)
    right = LEFT + plot
    tooltip = f"<title>{escape_text(label)}</title>" if label else ""
    return (
        f'<g class="mcid-band">{tooltip}'
        f'<rect x="{LEFT}" y="{upper:.1f}" width="{plot}" height="{lower - upper:.1f}" '
        f'fill="{BAND}"/>'
        + "".join(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{BAND_EDGE}" '
            f'stroke-width="1"/>'
            for y in (upper, lower)
        )
        + f'<line class="baseline" x1="{LEFT}" y1="{middle:.1f}" x2="{right}" y2="{middle:.1f}" '
        f'stroke="{MUTED}" stroke-width="1.5" stroke-dasharray="2 3"/></g>'
    )


def _step(span: float) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) for at most 5 intervals."""
    raw = span / 5
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * (1 - 1e-9))


def _ticks(lowest: float, highest: float) -> list[tuple[float, str]]:
    """Round ticks from ``lowest`` to ``highest``, both ends included.

    A round tick closer than ``TICK_GAP`` (in plot units) to an end gives way to the end.
    """
    step = _step(highest - lowest)
    start, stop = math.ceil(lowest / step - 1e-9), math.floor(highest / step + 1e-9)
    gap = TICK_GAP / PLOT_HEIGHT * (highest - lowest)
    inner = [k * step for k in range(start, stop + 1) if lowest + gap <= k * step <= highest - gap]
    return [(value, _number(value)) for value in (lowest, *inner, highest)]


def _number(value: float) -> str:
    """A score as people write it: 7, 3.5 (one decimal at most)."""
    return f"{round(value, 1) + 0.0:.12g}"


def _tooltip(label: str, day: date, value: str) -> str:
    when = f"{day_label(day)}/{day.year}"
    return f"{label}, {when}: {value}" if label else f"{when}: {value}"


def _joined(desc: str, addition: str) -> str:
    return f"{desc} {addition}" if addition else desc
