"""The line chart primitive: series of points joined by lines, with markers, and bands.

A series is drawn as a group: its name (a tooltip for the whole line), a line through each
run of points (a ``None`` between points is a gap), and a marker with a tooltip per point.
A value off the y scale is drawn at the nearest end; the tooltip says what it was.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from backpath.charts.chart import Frame
from backpath.charts.layout import LEFT
from backpath.charts.svg import MUTED, Marker, draw_marker, legend_line, polyline
from backpath.charts.text import escape_text


@dataclass(frozen=True, slots=True)
class Point:
    day: date
    value: float
    tooltip: str


@dataclass(frozen=True, slots=True)
class Series:
    """One line: ``points`` in ``colour`` with the ``dash`` pattern and ``marker`` shape.

    ``name`` is the line's tooltip and legend label (``None``: no tooltip). A run of at least
    ``line_from`` points between gaps is joined by a line; a shorter run is markers only.
    """

    points: Sequence[Point | None]
    colour: str
    dash: str = ""
    marker: Marker = "circle"
    name: str | None = None
    line_from: int = 2


@dataclass(frozen=True, slots=True)
class Lines:
    """``series`` on the time axis ``x``, each followed by its legend entry if there is one.

    The legend rows start at ``legend_top`` (``None``: no legend), ``legend_step`` apart.
    """

    x: Callable[[date], float]
    series: Sequence[Series]
    legend_top: float | None = None
    legend_step: float = 20

    def render(self, frame: Frame) -> list[str]:
        parts = []
        for number, series in enumerate(self.series):
            runs: list[list[tuple[float, float, str]]] = [[]]
            for point in series.points:
                if point is None:
                    runs.append([])
                else:
                    runs[-1].append((self.x(point.day), frame.y(point.value), point.tooltip))
            shapes = [] if series.name is None else [f"<title>{escape_text(series.name)}</title>"]
            shapes += [
                polyline([(x, y) for x, y, _tip in run], series.colour, series.dash)
                for run in runs
                if run and len(run) >= series.line_from
            ]
            shapes += [
                draw_marker(series.marker, x, y, tip, series.colour)
                for run in runs
                for x, y, tip in run
            ]
            parts.append(f'<g class="series">{"".join(shapes)}</g>')
            if self.legend_top is not None:
                parts.append(
                    legend_line(
                        self.legend_top + self.legend_step * number,
                        series.colour,
                        series.dash,
                        series.marker,
                        series.name or "",
                        width=frame.width,
                    )
                )
        return parts


@dataclass(frozen=True, slots=True)
class Band:
    """``centre`` +/- ``spread``: shaded in ``fill``, outlined in ``edge``, a dotted centre.

    A score outside the band differs from the centre by more than the spread (the minimal
    important change around a baseline, say); ``label`` is its tooltip, ``kind`` its class.
    """

    centre: float
    spread: float
    fill: str
    edge: str
    label: str = ""
    kind: str = "band"

    def render(self, frame: Frame) -> list[str]:
        if not (math.isfinite(self.centre) and math.isfinite(self.spread)):
            raise ValueError(f"a band needs a centre and a spread: {self.centre}, {self.spread}")
        y = frame.y
        upper, lower = y(self.centre + abs(self.spread)), y(self.centre - abs(self.spread))
        middle = y(self.centre)
        right = frame.right
        tooltip = f"<title>{escape_text(self.label)}</title>" if self.label else ""
        edges = "".join(
            f'<line x1="{LEFT}" y1="{at:.1f}" x2="{right}" y2="{at:.1f}" stroke="{self.edge}" '
            f'stroke-width="1"/>'
            for at in (upper, lower)
        )
        return [
            f'<g class="{self.kind}">{tooltip}'
            f'<rect x="{LEFT}" y="{upper:.1f}" width="{frame.plot}" height="{lower - upper:.1f}" '
            f'fill="{self.fill}"/>{edges}'
            f'<line class="baseline" x1="{LEFT}" y1="{middle:.1f}" x2="{right}" '
            f'y2="{middle:.1f}" stroke="{MUTED}" stroke-width="1.5" stroke-dasharray="2 3"/></g>'
        ]
