"""Scales and ticks: value to y (held to the plot), slots and days to x, round ticks."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backpath.charts import (
    LEFT,
    MIN_WIDTH,
    PLOT_WIDTH,
    RIGHT,
    WIDTH,
    DayScale,
    LinearScale,
    SlotScale,
    TimeScale,
    legend_chars,
    nice_step,
    nice_ticks,
    plot_width,
    ticks_up_to,
)
from backpath.charts.layout import DAY_LABELS, LABEL_GAP, day_labels

DAY = date(2025, 11, 25)


def test_a_linear_scale_runs_from_bottom_to_top() -> None:
    scale = LinearScale(0, 10, top=40, bottom=210)
    assert scale(0) == 210
    assert scale(10) == 40
    assert scale(5) == 125
    assert scale.position(2.5) == pytest.approx(167.5)
    assert scale.length(5) == 85


def test_a_value_off_the_scale_is_held_to_the_nearest_end() -> None:
    scale = LinearScale(-5, 5, top=0, bottom=100)
    assert scale(-50) == scale(-5) == 100
    assert scale(250) == scale(5) == 0
    assert scale.clamp(7.5) == 5
    # position() is not held: a tick (on the scale) never needs it, a band edge does.
    assert scale.position(10) == -50


@pytest.mark.parametrize(("lowest", "highest"), [(10, 0), (3, 3), (0, math.inf), (math.nan, 1)])
def test_a_scale_runs_from_a_lower_to_a_higher_finite_number(lowest: float, highest: float) -> None:
    with pytest.raises(ValueError, match="scale"):
        LinearScale(lowest, highest, top=0, bottom=100)


def test_slots_split_the_plot_evenly_and_a_bar_fills_most_of_its_slot() -> None:
    slots = SlotScale(4, WIDTH)
    assert slots.slot == PLOT_WIDTH / 4
    assert slots.centre(0) == LEFT + PLOT_WIDTH / 8
    assert slots.centre(3) == WIDTH - RIGHT - PLOT_WIDTH / 8
    assert slots.bar_width == pytest.approx(slots.slot * 0.7)
    assert slots.bar_left(1) + slots.bar_width / 2 == pytest.approx(slots.centre(1))
    assert SlotScale(10_000, MIN_WIDTH).bar_width == 1.0  # never thinner than a unit


def test_a_day_scale_has_a_slot_per_day() -> None:
    scale = DayScale(DAY - timedelta(days=6), DAY, 400)
    assert scale.days[0] == DAY - timedelta(days=6)
    assert scale.days[-1] == DAY
    assert len(scale.days) == 7
    assert scale(DAY) == scale.slots.centre(6)
    assert scale(DAY - timedelta(days=1)) < scale(DAY)


def test_a_time_scale_is_proportional_and_a_single_day_is_centred() -> None:
    scale = TimeScale.spanning([DAY + timedelta(days=40), DAY, DAY + timedelta(days=10)], WIDTH)
    first, last = scale(DAY), scale(DAY + timedelta(days=40))
    assert first == LEFT + 24
    assert last == WIDTH - RIGHT - 24
    assert (scale(DAY + timedelta(days=10)) - first) / (last - first) == pytest.approx(0.25)
    assert TimeScale(DAY, DAY, WIDTH)(DAY) == LEFT + PLOT_WIDTH / 2


@pytest.mark.parametrize(
    ("span", "step"),
    [(10, 2), (24, 5), (100, 20), (7, 2), (12.5, 2.5), (0.3, 0.1), (1000, 200), (150, 50)],
)
def test_a_nice_step_is_1_2_2_5_or_5_times_a_power_of_ten(span: float, step: float) -> None:
    assert nice_step(span) == pytest.approx(step)


def test_nice_ticks_keep_both_ends_and_drop_a_round_tick_too_close_to_one() -> None:
    assert nice_ticks(0, 10, 170) == [
        (0, "0"),
        (2.0, "2"),
        (4.0, "4"),
        (6.0, "6"),
        (8.0, "8"),
        (10, "10"),
    ]
    assert [label for _value, label in nice_ticks(13, 87, 170)] == [
        "13",
        "20",
        "40",
        "60",
        "80",
        "87",
    ]
    # 0..21: round ticks every 5, but 20 is within 14 units (1.7) of 21 and gives way.
    assert [label for _value, label in nice_ticks(0, 21, 170)] == ["0", "5", "10", "15", "21"]
    assert [label for _value, label in nice_ticks(-5.5, 4.5, 170)] == [
        "-5.5",
        "-4",
        "-2",
        "0",
        "2",
        "4.5",
    ]


def test_ticks_up_to_round_up_to_a_round_number() -> None:
    assert ticks_up_to(150) == (150, [(0, "0"), (50, "50"), (100, "100"), (150, "150")])
    highest, ticks = ticks_up_to(163)
    assert highest == 200
    assert [label for _value, label in ticks] == ["0", "50", "100", "150", "200"]
    highest, ticks = ticks_up_to(10)
    assert (highest, len(ticks)) == (10, 6)


@given(st.floats(1e-3, 1e9), st.floats(1, 1000))
def test_nice_ticks_are_in_order_on_the_scale_and_at_most_seven(span: float, length: float) -> None:
    ticks = nice_ticks(-span / 3, span, length)
    values = [value for value, _label in ticks]
    assert values == sorted(values)
    assert values[0] == -span / 3
    assert values[-1] == span
    assert 2 <= len(ticks) <= 7


@given(st.integers(1, 10**9))
def test_ticks_up_to_reach_at_least_the_most(most: int) -> None:
    highest, ticks = ticks_up_to(most)
    assert highest >= most
    assert ticks[0] == (0, "0")
    assert len(ticks) <= 6


def test_a_chart_narrower_than_the_minimum_has_no_plot() -> None:
    assert plot_width(WIDTH) == PLOT_WIDTH
    assert plot_width(MIN_WIDTH) == MIN_WIDTH - LEFT - RIGHT
    with pytest.raises(ValueError, match="at least 320 units wide"):
        plot_width(MIN_WIDTH - 1)


@pytest.mark.parametrize("width", [MIN_WIDTH, 400, 560, WIDTH])
def test_day_labels_and_legends_follow_the_width(width: int) -> None:
    assert day_labels(width) <= DAY_LABELS
    assert plot_width(width) / day_labels(width) >= LABEL_GAP
    assert legend_chars(width) <= legend_chars(WIDTH) == 70
