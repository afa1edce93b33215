"""Server-rendered SVG charts for the clinician's adherence page.

Pure functions: data in, one self-contained SVG string out. Each chart is an accessible
image (``role="img"`` named by its ``<title>`` and described by its ``<desc>``), carries no
script, no style sheet, no link and no external reference, and uses presentation attributes
only (the page's Content-Security-Policy refuses inline styles), so it draws the same in the
page, in print and saved on its own. Every text is escaped here; the caller passes texts
already translated (this module knows no language).

Colours: teal for exercises done, light grey for exercises missed, amber for pain. The pain
lines differ by dash pattern and marker shape as well, so the chart reads in black and white.

The public helpers below (``svg_document``, ``empty_chart``, ``y_axis``, ``x_labels``,
``polyline``, ``draw_marker``, the legends and the escapes) are shared with the progress
charts (``progress_charts``), so every chart keeps these guarantees.

Every chart is ``width`` viewBox units wide (``WIDTH`` unless told) and scales to the width
of its container, texts included: a text is 12 units high at any width, so a chart drawn for
a phone is narrower (``width=400``, say) to keep its texts readable there. The plot and the
number of day labels under it follow the width; the height does not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from xml.sax.saxutils import escape

DONE = "#0f6b74"  # teal, the app's --primary
MISSED = "#c9ced6"
PAIN = "#b45309"  # amber
TEXT = "#1b2430"
MUTED = "#5b6675"
GRID = "#dde2e8"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

WIDTH = 720  # viewBox units by default; the chart scales to the width of its container
MIN_WIDTH = 320  # a narrower chart has no room for its legends and labels
LEFT, RIGHT = 36, 12
PLOT_WIDTH = WIDTH - LEFT - RIGHT  # the plot of a chart WIDTH wide
DAY_LABELS = 8  # at most this many day labels under the x axis of a chart WIDTH wide
LABEL_GAP = 64  # at least this far apart, or a label under a time axis is left out
LABEL_CHARS = (
    70  # at WIDTH, a longer legend label is cut short (the full text stays in its <title>)
)
LEGEND_TEXT = 36  # a legend line's label starts this far right of LEFT
DAY_LABEL_HALF = 18  # half a day label ("28/11") and a little: its centre keeps this off the edge

# Pain lines: one dash pattern and one marker per exercise, cycled.
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 3")
MARKERS = ("circle", "square", "triangle", "diamond")

_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NOT_ID = re.compile(r"[^A-Za-z0-9_-]")


def day_label(day: date) -> str:
    """A short day label: 25/11 for 25 November."""
    return f"{day.day}/{day.month}"


def plot_width(width: int = WIDTH) -> int:
    """The width of the plot of a chart ``width`` wide (``ValueError`` below ``MIN_WIDTH``)."""
    if width < MIN_WIDTH:
        raise ValueError(f"a chart is at least {MIN_WIDTH} units wide, not {width}")
    return width - LEFT - RIGHT


def day_labels(width: int = WIDTH) -> int:
    """At most this many day labels under the x axis of a chart ``width`` wide.

    ``DAY_LABELS`` at ``WIDTH``, in proportion below it, so labels stay at least
    ``PLOT_WIDTH / DAY_LABELS`` (more than ``LABEL_GAP``) apart at any width.
    """
    return max(1, plot_width(width) * DAY_LABELS // PLOT_WIDTH)


def legend_chars(width: int = WIDTH) -> int:
    """A legend label longer than this is cut short: ``LABEL_CHARS`` at ``WIDTH``, in proportion."""
    room = width - LEFT - LEGEND_TEXT - RIGHT
    return LABEL_CHARS * room // (WIDTH - LEFT - LEGEND_TEXT - RIGHT)


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
    height = 220
    top, bottom = 34, height - 30
    plot_height = bottom - top
    highest = max(max(done, due) for _day, done, due in days)
    slot = plot_width(width) / len(days)
    bar = max(1.0, slot * 0.7)
    parts = [
        legend_swatch(LEFT, 12, DONE, done_label),
        legend_swatch(LEFT + 120, 12, MISSED, missed_label),
    ]
    parts += y_axis(top, bottom, [(0, "0"), (highest, str(highest))], highest, width=width)
    for index, (day, done, due) in enumerate(days):
        done = max(done, 0)
        missed = max(due - done, 0)
        x = LEFT + index * slot + (slot - bar) / 2
        done_height = done / highest * plot_height
        missed_height = missed / highest * plot_height
        shapes = [f"<title>{escape_text(day_label(day))}: {done}/{max(due, done)}</title>"]
        if done:
            shapes.append(
                f'<rect class="done" x="{x:.1f}" y="{bottom - done_height:.1f}" '
                f'width="{bar:.1f}" height="{done_height:.1f}" fill="{DONE}"/>'
            )
        if missed:
            shapes.append(
                f'<rect class="missed" x="{x:.1f}" y="{bottom - done_height - missed_height:.1f}" '
                f'width="{bar:.1f}" height="{missed_height:.1f}" fill="{MISSED}"/>'
            )
        parts.append(f'<g class="day">{"".join(shapes)}</g>')
    parts += x_labels([day for day, _done, _due in days], bottom + 18, width=width)
    return svg_document(height, title, desc or title, chart_id, parts, width=width)


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
    first, last = span
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    plot = plot_width(width)
    slot = plot / len(days)
    top, bottom = 16, 186
    plot_height = bottom - top
    height = bottom + 40 + 20 * len(points)

    def x_of(day: date) -> float:
        return LEFT + ((day - first).days + 0.5) * slot

    def y_of(pain: int) -> float:
        return bottom - pain / 10 * plot_height

    parts = y_axis(top, bottom, [(0, "0"), (10, "10")], 10, width=width)
    parts.append(
        f'<line class="reference" x1="{LEFT}" y1="{y_of(5):.1f}" x2="{LEFT + plot}" '
        f'y2="{y_of(5):.1f}" stroke="{MUTED}" stroke-width="1" stroke-dasharray="4 3"/>'
        f'<text x="{LEFT - 6}" y="{y_of(5) + 4:.1f}" text-anchor="end" fill="{MUTED}">5</text>'
    )
    parts += x_labels(days, bottom + 18, width=width)
    legend_top = bottom + 40
    for number, (key, values) in enumerate(points.items()):
        label = labels.get(key, key)
        dash = DASHES[number % len(DASHES)]
        marker = MARKERS[number % len(MARKERS)]
        shapes = [
            f"<title>{escape_text(label)}</title>",
            polyline([(x_of(day), y_of(pain)) for day, pain in values], PAIN, dash),
        ]
        for day, pain in values:
            shapes.append(
                draw_marker(marker, x_of(day), y_of(pain), f"{label} {day_label(day)}: {pain}")
            )
        parts.append(f'<g class="series">{"".join(shapes)}</g>')
        parts.append(legend_line(legend_top + 20 * number, PAIN, dash, marker, label, width=width))
    return svg_document(height, title, desc or title, chart_id, parts, width=width)


def svg_document(
    height: int, title: str, desc: str, chart_id: str, parts: list[str], *, width: int = WIDTH
) -> str:
    """The chart: ``parts`` in an accessible SVG ``width`` by ``height`` units."""
    plot_width(width)  # refuses a width too narrow to draw in
    ident = _NOT_ID.sub("-", chart_id) or "chart"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" '
        f'font-family="{escape_attribute(FONT)}" font-size="12">'
        f'<title id="{ident}-title">{escape_text(title)}</title>'
        f'<desc id="{ident}-desc">{escape_text(desc)}</desc>' + "".join(parts) + "</svg>"
    )


def empty_chart(
    title: str, desc: str, empty_text: str, chart_id: str, *, width: int = WIDTH
) -> str:
    """A dashed frame with ``empty_text`` in the middle, for a chart with nothing to draw."""
    height = 96
    return svg_document(
        height,
        title,
        desc,
        chart_id,
        [
            f'<rect class="empty" x="1" y="1" width="{width - 2}" height="{height - 2}" rx="10" '
            f'fill="none" stroke="{MISSED}" stroke-width="2" stroke-dasharray="6 4"/>',
            f'<text x="{width / 2:.0f}" y="{height / 2 + 5:.0f}" text-anchor="middle" '
            f'fill="{MUTED}" font-size="14">{escape_text(empty_text)}</text>',
        ],
        width=width,
    )


def y_axis(
    top: float,
    bottom: float,
    ticks: Sequence[tuple[float, str]],
    highest: float,
    lowest: float = 0,
    *,
    width: int = WIDTH,
) -> list[str]:
    """A grid line and a label for each ``(value, label)`` tick on a ``lowest..highest`` axis."""
    right = LEFT + plot_width(width)
    parts = []
    for value, label in ticks:
        y = bottom - (value - lowest) / (highest - lowest) * (bottom - top)
        parts.append(
            f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{escape_text(label)}</text>"
        )
    return parts


def x_labels(days: Sequence[date], y: int, *, width: int = WIDTH) -> list[str]:
    """Labels under the x axis: the last day always, then every ``step`` days back.

    At most ``day_labels(width)`` of them, so neighbours are at least ``LABEL_GAP`` apart.
    With many days (narrow slots) the last label moves left a little to stay in view.
    """
    slot = plot_width(width) / len(days)
    step = max(1, -(-len(days) // day_labels(width)))
    last = len(days) - 1
    return [
        x_label(min(LEFT + (index + 0.5) * slot, width - DAY_LABEL_HALF), y, day_label(day))
        for index, day in enumerate(days)
        if (last - index) % step == 0
    ]


def x_label(x: float, y: float, label: str, kind: str = "day-label") -> str:
    """One label under the x axis, centred on ``x``."""
    return (
        f'<text class="{kind}" x="{x:.1f}" y="{y:.1f}" text-anchor="middle" fill="{MUTED}">'
        f"{escape_text(label)}</text>"
    )


def polyline(coordinates: Sequence[tuple[float, float]], colour: str, dash: str = "") -> str:
    """A line through ``coordinates``, solid or with the ``dash`` pattern."""
    dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
    return (
        f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2" '
        f'stroke-linejoin="round"{dash_attribute}/>'
    )


def legend_line(
    row: float, colour: str, dash: str, marker: str, label: str, *, width: int = WIDTH
) -> str:
    """A legend entry: a short line in the series' dash pattern and marker, then its label.

    A label too long for a chart ``width`` wide is cut short (``legend_chars``).
    """
    dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
    most = legend_chars(width)
    short = label if len(label) <= most else label[: most - 1] + "\u2026"
    return (
        f'<g class="legend"><line x1="{LEFT}" y1="{row:.1f}" x2="{LEFT + 28}" y2="{row:.1f}" '
        f'stroke="{colour}" stroke-width="2"{dash_attribute}/>'
        f"{draw_marker(marker, LEFT + 14, row, None, colour)}"
        f'<text x="{LEFT + LEGEND_TEXT}" y="{row + 4:.1f}" fill="{TEXT}">'
        f"{escape_text(short)}</text></g>"
    )


def legend_swatch(x: float, y: float, colour: str, label: str, stroke: str = "") -> str:
    """A legend entry: a filled square (outlined in ``stroke`` if given), then its label."""
    outline = f' stroke="{stroke}" stroke-width="1"' if stroke else ""
    return (
        f'<g class="legend"><rect x="{x:.1f}" y="{y - 9:.1f}" width="12" height="12" '
        f'fill="{colour}"{outline}/>'
        f'<text x="{x + 18:.1f}" y="{y + 1:.1f}" fill="{TEXT}">{escape_text(label)}</text></g>'
    )


def draw_marker(shape: str, x: float, y: float, tooltip: str | None, colour: str = PAIN) -> str:
    """A point: ``circle``, ``square``, ``triangle`` or ``diamond``, with a tooltip if given."""
    inner = f"<title>{escape_text(tooltip)}</title>" if tooltip else ""
    common = f'fill="{colour}" stroke="#fff" stroke-width="1"'
    if shape == "square":
        corner = f'x="{x - 3.5:.1f}" y="{y - 3.5:.1f}"'
        return f'<rect {corner} width="7" height="7" {common}>{inner}</rect>'
    if shape == "triangle":
        points = f"{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y + 3.5:.1f} {x - 4.5:.1f},{y + 3.5:.1f}"
        return f'<polygon points="{points}" {common}>{inner}</polygon>'
    if shape == "diamond":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"
        return f'<polygon points="{points}" {common}>{inner}</polygon>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" {common}>{inner}</circle>'


def escape_text(value: str) -> str:
    """Text content, escaped; characters XML cannot hold are dropped."""
    return escape(_NOT_XML.sub("", value))


def escape_attribute(value: str) -> str:
    return escape(_NOT_XML.sub("", value), {'"': "&quot;"})
