"""The SVG itself: the accessible document, and the marks every chart draws with.

A chart is an accessible image (``role="img"`` named by its ``<title>`` and described by its
``<desc>``) that carries no script, no style sheet, no link and no external reference, and
uses presentation attributes only (the page's Content-Security-Policy refuses inline styles),
so it draws the same in the page, in print and saved on its own. Every text is escaped here.
Coordinates are rounded to one decimal to keep the SVG small.

Lines that share a colour differ by dash pattern and marker shape as well (``DASHES`` and
``MARKERS``, cycled), so a chart reads in black and white.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from backpath.charts.layout import LEFT, LEGEND_TEXT, WIDTH, legend_chars, plot_width
from backpath.charts.text import escape_attribute, escape_text, identifier, shorten

Marker = Literal["circle", "square", "triangle", "diamond"]

TEXT = "#1b2430"
MUTED = "#5b6675"
GRID = "#dde2e8"
PALE = "#c9ced6"  # the dashed frame of an empty chart
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 3")  # one per line, cycled ("" is solid)
MARKERS: tuple[Marker, ...] = ("circle", "square", "triangle", "diamond")


def svg_document(
    height: int, title: str, desc: str, chart_id: str, parts: list[str], *, width: int = WIDTH
) -> str:
    """The chart: ``parts`` in an accessible SVG ``width`` by ``height`` units."""
    plot_width(width)  # refuses a width too narrow to draw in
    ident = identifier(chart_id)
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
            f'fill="none" stroke="{PALE}" stroke-width="2" stroke-dasharray="6 4"/>',
            f'<text x="{width / 2:.0f}" y="{height / 2 + 5:.0f}" text-anchor="middle" '
            f'fill="{MUTED}" font-size="14">{escape_text(empty_text)}</text>',
        ],
        width=width,
    )


def polyline(coordinates: Sequence[tuple[float, float]], colour: str, dash: str = "") -> str:
    """A line through ``coordinates``, solid or with the ``dash`` pattern."""
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
    return (
        f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2" '
        f'stroke-linejoin="round"{_dashed(dash)}/>'
    )


def draw_marker(shape: Marker, x: float, y: float, tooltip: str | None, colour: str) -> str:
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


def legend_line(
    row: float, colour: str, dash: str, marker: Marker, label: str, *, width: int = WIDTH
) -> str:
    """A legend entry: a short line in the series' dash pattern and marker, then its label.

    A label too long for a chart ``width`` wide is cut short (``legend_chars``).
    """
    return (
        f'<g class="legend"><line x1="{LEFT}" y1="{row:.1f}" x2="{LEFT + 28}" y2="{row:.1f}" '
        f'stroke="{colour}" stroke-width="2"{_dashed(dash)}/>'
        f"{draw_marker(marker, LEFT + 14, row, None, colour)}"
        f'<text x="{LEFT + LEGEND_TEXT}" y="{row + 4:.1f}" fill="{TEXT}">'
        f"{escape_text(shorten(label, legend_chars(width)))}</text></g>"
    )


def legend_swatch(x: float, y: float, colour: str, label: str, stroke: str = "") -> str:
    """A legend entry: a filled square (outlined in ``stroke`` if given), then its label."""
    outline = f' stroke="{stroke}" stroke-width="1"' if stroke else ""
    return (
        f'<g class="legend"><rect x="{x:.1f}" y="{y - 9:.1f}" width="12" height="12" '
        f'fill="{colour}"{outline}/>'
        f'<text x="{x + 18:.1f}" y="{y + 1:.1f}" fill="{TEXT}">{escape_text(label)}</text></g>'
    )


def _dashed(dash: str) -> str:
    return f' stroke-dasharray="{dash}"' if dash else ""
