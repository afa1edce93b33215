"""The bar chart primitive: one bar per slot, stacked from the x axis up.

The plot is cut into ``slots`` equal slots (a day, a week); a bar fills 70% of its slot and
stands on the y scale of its chart. A slot without a bar is an empty place on the axis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from backpath.charts.chart import Frame
from backpath.charts.scales import SlotScale
from backpath.charts.text import escape_text


@dataclass(frozen=True, slots=True)
class Segment:
    """A part of a bar: ``value`` high in ``colour``; ``kind`` is its class ("done")."""

    kind: str
    value: float
    colour: str


@dataclass(frozen=True, slots=True)
class Bar:
    """The bar in slot ``slot`` (0 is the leftmost): ``segments`` stacked bottom up."""

    slot: int
    tooltip: str
    segments: Sequence[Segment]


@dataclass(frozen=True, slots=True)
class Bars:
    """``bars`` in ``slots`` slots, each bar a group of class ``kind`` with its tooltip.

    A segment is at least ``min_height`` units high, so a bar of 0 can show as a hairline.
    """

    slots: int
    bars: Sequence[Bar]
    kind: str = "bar"
    min_height: float = 0.0

    def render(self, frame: Frame) -> list[str]:
        scale = SlotScale(self.slots, frame.width)
        width = scale.bar_width
        parts = []
        for bar in self.bars:
            x = scale.bar_left(bar.slot)
            base = frame.bottom
            shapes = [f"<title>{escape_text(bar.tooltip)}</title>"]
            for segment in bar.segments:
                height = max(frame.y.length(segment.value), self.min_height)
                base = base - height
                shapes.append(
                    f'<rect class="{segment.kind}" x="{x:.1f}" y="{base:.1f}" '
                    f'width="{width:.1f}" height="{height:.1f}" fill="{segment.colour}"/>'
                )
            parts.append(f'<g class="{self.kind}">{"".join(shapes)}</g>')
        return parts
