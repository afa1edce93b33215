"""Axes and what is written around the plot: grid lines, day labels, the header, legends.

Every layer here draws in the :class:`~backpath.charts.chart.Frame` of its chart; texts are
escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from backpath.charts.chart import Frame
from backpath.charts.layout import (
    DAY_LABEL_HALF,
    LABEL_GAP,
    LEFT,
    POINT_LABEL_CHARS,
    RIGHT,
    day_labels,
)
from backpath.charts.scales import SlotScale, Tick
from backpath.charts.svg import GRID, MUTED, TEXT, legend_swatch
from backpath.charts.text import day_label, escape_text, format_number, shorten

Better = Literal["lower", "higher"]


@dataclass(frozen=True, slots=True)
class YAxis:
    """A grid line across the plot and a label left of it for each ``(value, label)`` tick."""

    ticks: Sequence[Tick]

    def render(self, frame: Frame) -> list[str]:
        right = frame.right
        parts = []
        for value, label in self.ticks:
            y = frame.y.position(value)
            parts.append(
                f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" '
                f'stroke="{GRID}" stroke-width="1"/>'
                f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
                f"{escape_text(label)}</text>"
            )
        return parts


@dataclass(frozen=True, slots=True)
class DayLabels:
    """Labels under slots, one slot per day in ``days``: the last day always, then every
    ``step`` days back.

    At most ``day_labels(width)`` of them, so neighbours are at least ``LABEL_GAP`` apart.
    With many days (narrow slots) the last label moves left a little to stay in view.
    """

    days: Sequence[date]

    def render(self, frame: Frame) -> list[str]:
        width = frame.width
        slots = SlotScale(len(self.days), width)
        step = max(1, -(-len(self.days) // day_labels(width)))
        last = len(self.days) - 1
        return [
            x_label(
                min(slots.centre(index), width - DAY_LABEL_HALF), frame.bottom + 18, day_label(day)
            )
            for index, day in enumerate(self.days)
            if (last - index) % step == 0
        ]


@dataclass(frozen=True, slots=True)
class TimeLabels:
    """Day labels under a time axis ``x``, and with ``point_labels`` each point's label below.

    ``ticks`` holds ``(day, label)`` in date order; a day's last label is the one shown. The
    first and last day are labelled always, a day in between only if its label keeps
    ``LABEL_GAP`` from its neighbours. A point label is cut short at ``POINT_LABEL_CHARS``.
    """

    ticks: Sequence[tuple[date, str]]
    x: Callable[[date], float]
    point_labels: bool = False

    def render(self, frame: Frame) -> list[str]:
        x_of = self.x
        labels = dict(self.ticks)
        days = list(labels)
        kept = [days[-1]]
        for day in reversed(days[:-1]):
            if x_of(kept[-1]) - x_of(day) >= LABEL_GAP and (
                day == days[0] or x_of(day) - x_of(days[0]) >= LABEL_GAP
            ):
                kept.append(day)
        parts = []
        for day in kept:
            parts.append(x_label(x_of(day), frame.bottom + 18, day_label(day)))
            label = labels[day]
            if self.point_labels and label:
                short = shorten(label, POINT_LABEL_CHARS)
                parts.append(x_label(x_of(day), frame.bottom + 34, short, "point-label"))
        return parts


@dataclass(frozen=True, slots=True)
class Header:
    """The row above the plot: ``unit`` on the left, an arrow on the right pointing the way
    that is ``better`` (none if ``None``), captioned ``caption``."""

    unit: str
    better: Better | None = None
    caption: str = ""

    def render(self, frame: Frame) -> list[str]:
        parts = []
        if self.unit:
            parts.append(
                f'<text class="unit" x="4" y="20" fill="{TEXT}">{escape_text(self.unit)}</text>'
            )
        if self.better is not None:
            x = frame.width - RIGHT - 5
            higher = self.better == "higher"
            tip, tail = (10, 26) if higher else (26, 10)
            head = tip + 6 if higher else tip - 6
            caption = (
                f'<text x="{x - 10}" y="22" text-anchor="end" fill="{TEXT}">'
                f"{escape_text(self.caption)}</text>"
                if self.caption
                else ""
            )
            parts.append(
                f'<g class="better {self.better}"><line x1="{x}" y1="{tail}" x2="{x}" '
                f'y2="{head}" stroke="{TEXT}" stroke-width="2"/>'
                f'<polygon points="{x},{tip} {x + 5},{head} {x - 5},{head}" fill="{TEXT}"/>'
                f"{caption}</g>"
            )
        return parts


@dataclass(frozen=True, slots=True)
class Reference:
    """A dashed line across the plot at ``value``, labelled on the y axis."""

    value: float
    label: str

    def render(self, frame: Frame) -> list[str]:
        y = frame.y.position(self.value)
        return [
            f'<line class="reference" x1="{LEFT}" y1="{y:.1f}" x2="{frame.right}" '
            f'y2="{y:.1f}" stroke="{MUTED}" stroke-width="1" stroke-dasharray="4 3"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{escape_text(self.label)}</text>"
        ]


@dataclass(frozen=True, slots=True)
class Target:
    """A goal: a dashed line across the plot at ``value`` (its tooltip ``caption``), and a
    legend entry in the top right. Without a caption the value names it."""

    value: float
    caption: str = ""

    def render(self, frame: Frame) -> list[str]:
        y = frame.y(self.value)
        caption = escape_text(self.caption or format_number(self.value))
        right = frame.width - RIGHT
        dashed = f'stroke="{TEXT}" stroke-width="1.5" stroke-dasharray="6 3"'
        return [
            f'<g class="goal"><title>{caption}</title>'
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{frame.right}" y2="{y:.1f}" {dashed}/>'
            f"</g>"
            f'<g class="legend"><line x1="{right - 28}" y1="16" x2="{right}" y2="16" {dashed}/>'
            f'<text x="{right - 34}" y="20" text-anchor="end" fill="{TEXT}">{caption}</text></g>'
        ]


@dataclass(frozen=True, slots=True)
class Swatch:
    """A legend entry at ``(x, y)``: a square of ``colour`` (outlined in ``stroke``), a label."""

    x: float
    y: float
    colour: str
    label: str
    stroke: str = ""

    def render(self, frame: Frame) -> list[str]:
        return [legend_swatch(self.x, self.y, self.colour, self.label, self.stroke)]


def x_label(x: float, y: float, label: str, kind: str = "day-label") -> str:
    """One label under the x axis, centred on ``x``."""
    return (
        f'<text class="{kind}" x="{x:.1f}" y="{y:.1f}" text-anchor="middle" fill="{MUTED}">'
        f"{escape_text(label)}</text>"
    )
