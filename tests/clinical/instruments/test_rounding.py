"""Scores with decimals are rounded half up, as clinicians round by hand (issue #10).

Python's ``round`` rounds half to even and works on binary floats (``round(2.25, 1)`` is 2.2,
``round(0.125, 2)`` is 0.12); the scoring engine uses the rule of ``decimal.ROUND_HALF_UP``
on the exact fraction instead (``scoring.round_half_up``).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backpath.clinical.instruments import Instrument, instrument
from backpath.clinical.scoring import round_half_up, score


@pytest.mark.parametrize(
    ("numerator", "denominator", "decimals", "expected"),
    [
        (9, 4, 1, 2.3),  # 2.25: Python's round() gives 2.2
        (47, 20, 1, 2.4),  # 2.35
        (49, 20, 1, 2.5),  # 2.45
        (11, 4, 1, 2.8),  # 2.75: half up and half to even agree
        (1, 4, 1, 0.3),  # 0.25: round() gives 0.2
        (1, 8, 2, 0.13),  # 0.125: round() gives 0.12
        (19, 3, 1, 6.3),  # 6.333...
        (14, 3, 1, 4.7),  # 4.666...
        (5, 2, 0, 3),  # 2.5 with no decimals: an int, rounded up
        (7, 1, 0, 7),
        (0, 5, 1, 0.0),
        (-9, 4, 1, -2.3),  # a tie below zero goes away from zero, like ROUND_HALF_UP
    ],
)
def test_it_rounds_worked_examples_half_up(
    numerator: int, denominator: int, decimals: int, expected: float
) -> None:
    result = round_half_up(numerator, denominator, decimals)
    assert result == expected
    assert type(result) is (int if decimals == 0 else float)


def test_it_refuses_a_denominator_that_is_not_positive() -> None:
    with pytest.raises(ValueError, match="denominator"):
        round_half_up(1, 0, 1)


def decimal_half_up(numerator: int, denominator: int, decimals: int) -> Decimal:
    """The reference: decimal's ROUND_HALF_UP on the quotient at 60 digits (no false ties)."""
    with localcontext() as context:
        context.prec = 60
        quotient = Decimal(numerator) / Decimal(denominator)
        return quotient.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


@given(
    st.integers(min_value=-(10**6), max_value=10**6),
    st.integers(min_value=1, max_value=1000),
    st.integers(min_value=0, max_value=2),
)
def test_it_is_within_half_a_unit_of_the_last_decimal_and_ties_go_up(
    numerator: int, denominator: int, decimals: int
) -> None:
    rounded = round_half_up(numerator, denominator, decimals)
    as_written = Fraction(str(rounded))  # the decimal a clinician reads
    exact = Fraction(numerator, denominator)
    half_unit = Fraction(1, 2 * 10**decimals)
    assert (as_written * 10**decimals).denominator == 1
    assert abs(as_written - exact) <= half_unit
    if abs(as_written - exact) == half_unit:  # a tie: away from zero, so up for a score
        assert abs(as_written) > abs(exact)
    assert Decimal(str(rounded)) == decimal_half_up(numerator, denominator, decimals)


# The means of PSK and PSFS (Beurskens 1996, Stratford 1995) go through the same rule.
MEANS = [instrument("psk"), instrument("psfs")]


@pytest.mark.parametrize("definition", MEANS, ids=lambda d: d.id)
@pytest.mark.parametrize(
    ("values", "mean"),
    [
        ((2, 2, 2, 3), 2.3),  # 9 / 4 = 2.25: half up (Python's round() gives 2.2)
        ((4, 4, 4, 5), 4.3),  # 17 / 4 = 4.25
        ((0, 0, 0, 1), 0.3),  # 1 / 4 = 0.25
        ((2, 3, 3, 3), 2.8),  # 11 / 4 = 2.75
        ((1, 2), 1.5),
    ],
)
def test_a_mean_of_activities_rounds_half_up_as_clinicians_do(
    definition: Instrument, values: tuple[int, ...], mean: float
) -> None:
    answers = {f"q{n}": value for n, value in enumerate(values, start=1)}
    assert score(definition, answers).total == mean


@pytest.mark.parametrize("definition", MEANS, ids=lambda d: d.id)
@given(data=st.data())
def test_a_mean_is_the_exact_mean_to_the_nearest_tenth_ties_up(
    definition: Instrument, data: st.DataObject
) -> None:
    answers = {
        item.link_id: data.draw(st.none() | st.sampled_from(item.values))
        for item in definition.items
    }
    rated = [value for value in answers.values() if value is not None]
    total = score(definition, answers).total
    if not rated:
        assert total is None
        return
    assert total is not None
    difference = Fraction(str(total)) - Fraction(sum(rated), len(rated))
    assert abs(difference) <= Fraction(1, 20)
    assert difference != -Fraction(1, 20)  # a tie never goes down
