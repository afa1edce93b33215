"""Server-rendered SVG charts: scales, axes, bars, lines and bands, drawn once for every chart.

Pure and framework-free (the import contract in pyproject.toml keeps it so): data in, one
self-contained SVG string out. A chart is an accessible image (``role="img"`` named by its
``<title>``, described by its ``<desc>``) with no script, no style sheet, no link and no
external reference, and presentation attributes only, so it passes a strict
Content-Security-Policy and draws the same in a page, in print and saved on its own.

The package knows no language: an app module describes a chart (its series, labels, colours,
title, all texts already translated) as a :class:`Chart` of layers and calls
:meth:`Chart.svg`; see ``backpath.programs.adherence_charts`` and
``backpath.followup.progress_charts``.

- :mod:`~backpath.charts.layout`: widths, margins and label spacing;
- :mod:`~backpath.charts.text`: escaping, number and day formats;
- :mod:`~backpath.charts.scales`: value to y, day or slot to x, round ticks;
- :mod:`~backpath.charts.svg`: the document, the empty chart, lines, markers, legend entries;
- :mod:`~backpath.charts.chart`: a chart as layers in a frame;
- :mod:`~backpath.charts.axes`: the y axis, day and time labels, header, reference and goal
  lines, legend swatches;
- :mod:`~backpath.charts.bar` and :mod:`~backpath.charts.line`: bars, lines and bands.
"""

from __future__ import annotations

from backpath.charts.axes import (
    Better,
    DayLabels,
    Header,
    Reference,
    Swatch,
    Target,
    TimeLabels,
    YAxis,
)
from backpath.charts.bar import Bar, Bars, Segment
from backpath.charts.chart import Chart, Frame, Layer
from backpath.charts.layout import (
    LABEL_GAP,
    LEFT,
    MIN_WIDTH,
    PLOT_WIDTH,
    RIGHT,
    WIDTH,
    legend_chars,
    plot_width,
)
from backpath.charts.line import Band, Lines, Point, Series
from backpath.charts.scales import (
    DayScale,
    LinearScale,
    SlotScale,
    Tick,
    TimeScale,
    nice_step,
    nice_ticks,
    ticks_up_to,
)
from backpath.charts.svg import DASHES, MARKERS, MUTED, PALE, TEXT, Marker, empty_chart
from backpath.charts.text import (
    day_label,
    escape_attribute,
    escape_text,
    format_number,
    tooltip,
)

__all__ = [
    "DASHES",
    "LABEL_GAP",
    "LEFT",
    "MARKERS",
    "MIN_WIDTH",
    "MUTED",
    "PALE",
    "PLOT_WIDTH",
    "RIGHT",
    "TEXT",
    "WIDTH",
    "Band",
    "Bar",
    "Bars",
    "Better",
    "Chart",
    "DayLabels",
    "DayScale",
    "Frame",
    "Header",
    "Layer",
    "LinearScale",
    "Lines",
    "Marker",
    "Point",
    "Reference",
    "Segment",
    "Series",
    "SlotScale",
    "Swatch",
    "Target",
    "Tick",
    "TimeLabels",
    "TimeScale",
    "YAxis",
    "day_label",
    "empty_chart",
    "escape_attribute",
    "escape_text",
    "format_number",
    "legend_chars",
    "nice_step",
    "nice_ticks",
    "plot_width",
    "ticks_up_to",
    "tooltip",
]
