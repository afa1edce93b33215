"""GPE: the Dutch 7-point global perceived effect, success = 1 or 2."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import Direction, instrument
from backpath.clinical.scoring import score

GPE = instrument("gpe")
BAND_IDS = {band.id for band in GPE.bands}


@pytest.mark.parametrize(
    ("answer", "band"),
    [
        (1, "improved"),
        (2, "improved"),  # top of improved
        (3, "not_improved"),
        (4, "not_improved"),  # top of not improved
        (5, "worse"),
        (7, "worse"),
    ],
)
def test_it_puts_each_band_boundary_in_the_right_band(answer: int, band: str) -> None:
    result = score(GPE, {"q1": answer})
    assert result.total == answer
    assert result.band == band


def test_it_uses_the_dutch_mds_labels_in_published_order() -> None:
    labels = [option.label.nl for option in GPE.items[0].options]
    assert labels == [
        "Volledig hersteld",
        "Zeer veel verbeterd",
        "Een beetje verbeterd",
        "Niet veranderd",
        "Een beetje verslechterd",
        "Zeer veel verslechterd",
        "Slechter dan ooit",
    ]
    assert GPE.direction is Direction.HIGHER_IS_WORSE


def test_it_is_invalid_when_unanswered() -> None:
    assert not score(GPE, {"q1": None}).valid


@pytest.mark.parametrize("bad", [0, 8, True, 2.0])
def test_it_rejects_a_bad_value_naming_the_field(bad: object) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        score(GPE, {"q1": bad})
    assert caught.value.field == "answers.q1"


@given(st.none() | st.integers(min_value=1, max_value=7))
def test_it_is_valid_in_range_and_banded_exactly_when_answered(answer: int | None) -> None:
    result = score(GPE, {"q1": answer})
    assert result.valid == (answer is not None)
    if result.total is not None:
        assert GPE.range.min <= result.total <= GPE.range.max
        assert result.band in BAND_IDS
        assert (result.band == "improved") == (answer in (1, 2))
