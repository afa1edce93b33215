"""Scales: from a value to a y, from a day or a slot to an x, and round ticks for an axis.

Coordinates are SVG viewBox units; y grows downwards, so ``bottom`` is the low end of a scale.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from backpath.charts.layout import LEFT, plot_width
from backpath.charts.text import format_number

Tick = tuple[float, str]  # a value on an axis and its label
TICK_GAP = 14  # nice_ticks: a round tick this close (in units) to an end gives way to it


@dataclass(frozen=True, slots=True)
class LinearScale:
    """``lowest..highest`` onto the plot from ``bottom`` (``lowest``) up to ``top``."""

    lowest: float
    highest: float
    top: float
    bottom: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.lowest) and math.isfinite(self.highest)):
            raise ValueError(f"a scale has finite ends: {self.lowest}..{self.highest}")
        if not self.lowest < self.highest:
            raise ValueError(f"a scale runs from a lower to a higher number: {self}")

    def clamp(self, value: float) -> float:
        """``value`` held to ``lowest..highest``."""
        return min(max(value, self.lowest), self.highest)

    def position(self, value: float) -> float:
        """The y of ``value``, not held to the plot (a tick, say, which is on the scale)."""
        span = self.highest - self.lowest
        return self.bottom - (value - self.lowest) / span * (self.bottom - self.top)

    def __call__(self, value: float) -> float:
        """The y of ``value``; a value off the scale is drawn at the nearest end."""
        return self.position(self.clamp(value))

    def length(self, value: float) -> float:
        """How tall ``value`` stands above ``lowest``: the height of a bar (from 0)."""
        return value / (self.highest - self.lowest) * (self.bottom - self.top)


@dataclass(frozen=True, slots=True)
class SlotScale:
    """``count`` equal slots across the plot of a chart ``width`` wide: one per bar or day."""

    count: int
    width: int

    @property
    def slot(self) -> float:
        return plot_width(self.width) / self.count

    @property
    def bar_width(self) -> float:
        """A bar fills 70% of its slot (1 unit at least)."""
        return max(1.0, self.slot * 0.7)

    def centre(self, index: int) -> float:
        """The x of the middle of slot ``index`` (0 is the leftmost)."""
        return LEFT + (index + 0.5) * self.slot

    def bar_left(self, index: int) -> float:
        """The x of the left edge of the bar centred in slot ``index``."""
        slot = self.slot
        return LEFT + index * slot + (slot - self.bar_width) / 2


@dataclass(frozen=True, slots=True)
class DayScale:
    """One slot per day from ``first`` to ``last``; a day is drawn in the middle of its slot."""

    first: date
    last: date
    width: int

    @property
    def days(self) -> list[date]:
        """Every day of the scale, in order."""
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    @property
    def slots(self) -> SlotScale:
        return SlotScale((self.last - self.first).days + 1, self.width)

    def __call__(self, day: date) -> float:
        return self.slots.centre((day - self.first).days)


@dataclass(frozen=True, slots=True)
class TimeScale:
    """Days in proportion to time from ``first`` to ``last`` across a chart ``width`` wide.

    The first and last day sit ``pad`` units inside the plot; with one day only, it is
    centred.
    """

    first: date
    last: date
    width: int
    pad: float = 24

    @classmethod
    def spanning(cls, days: Sequence[date], width: int) -> TimeScale:
        """The time scale from the first to the last of ``days`` (at least one)."""
        return cls(min(days), max(days), width)

    def __call__(self, day: date) -> float:
        span = (self.last - self.first).days
        plot = plot_width(self.width)
        if not span:
            return LEFT + plot / 2
        return LEFT + self.pad + (day - self.first).days / span * (plot - 2 * self.pad)


def nice_step(span: float) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) for at most 5 intervals."""
    raw = span / 5
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * (1 - 1e-9))


def nice_ticks(lowest: float, highest: float, length: float) -> list[Tick]:
    """Round ticks from ``lowest`` to ``highest`` on an axis ``length`` units long, ends included.

    A round tick closer than ``TICK_GAP`` units to an end gives way to the end.
    """
    step = nice_step(highest - lowest)
    start, stop = math.ceil(lowest / step - 1e-9), math.floor(highest / step + 1e-9)
    gap = TICK_GAP / length * (highest - lowest)
    inner = [k * step for k in range(start, stop + 1) if lowest + gap <= k * step <= highest - gap]
    return [(value, format_number(value)) for value in (lowest, *inner, highest)]


def ticks_up_to(most: float) -> tuple[float, list[Tick]]:
    """An axis from 0 to the first round number at or above ``most``, and its round ticks."""
    step = nice_step(most)
    highest = math.ceil(most / step) * step
    ticks = [(step * k, format_number(step * k)) for k in range(round(highest / step) + 1)]
    return highest, ticks
