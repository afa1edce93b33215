"""A chart as a spec: a title, a size, a y scale and layers drawn in order.

Each layer (an axis, bars, lines, a band, a legend entry) draws itself in the chart's
:class:`Frame`; :meth:`Chart.svg` wraps what they draw in the accessible SVG document. The
order of the layers is the order in the SVG: later layers are drawn on top.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from backpath.charts.layout import LEFT, WIDTH, plot_width
from backpath.charts.scales import LinearScale
from backpath.charts.svg import svg_document


@dataclass(frozen=True, slots=True)
class Frame:
    """Where a layer draws: a chart ``width`` units wide, its plot on the y scale ``y``."""

    width: int
    y: LinearScale

    @property
    def bottom(self) -> float:
        return self.y.bottom

    @property
    def plot(self) -> int:
        """The width of the plot (``ValueError`` for a chart too narrow to draw in)."""
        return plot_width(self.width)

    @property
    def right(self) -> int:
        """The x of the right edge of the plot."""
        return LEFT + self.plot


class Layer(Protocol):
    """Something a chart draws: SVG elements, texts escaped, in the frame given."""

    def render(self, frame: Frame) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart ``width`` by ``height`` units: ``layers`` drawn in order on the scale ``y``.

    ``title`` names the image and ``desc`` describes it (for a screen reader); ``chart_id``
    makes their ids unique in the page.
    """

    title: str
    desc: str
    chart_id: str
    height: int
    y: LinearScale
    layers: Sequence[Layer]
    width: int = WIDTH

    def svg(self) -> str:
        frame = Frame(self.width, self.y)
        parts = [part for layer in self.layers for part in layer.render(frame)]
        return svg_document(
            self.height, self.title, self.desc, self.chart_id, parts, width=self.width
        )
