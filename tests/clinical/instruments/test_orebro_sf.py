"""ÖMPSQ short form: categorical duration item, reversed items, cut-off 50."""

from __future__ import annotations

import pytest

from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import instrument
from backpath.clinical.language import Lang
from backpath.clinical.scoring import score

OREBRO = instrument("orebro_sf")
BAND_IDS = {band.id for band in OREBRO.bands}

# q1 7 (3-6 months) + q2 6 + q3 4 -> 6 + q4 7 -> 3 + q5 5 + q6 3 + q7 6 + q8 8 -> 2
# + q9 7 + q10 4 = 7 + 6 + 6 + 3 + 5 + 3 + 6 + 2 + 7 + 4 = 49
EXAMPLE = {
    "q1": 7,
    "q2": 6,
    "q3": 4,
    "q4": 7,
    "q5": 5,
    "q6": 3,
    "q7": 6,
    "q8": 8,
    "q9": 7,
    "q10": 4,
}


def test_it_scores_a_hand_verified_example_with_reversed_items() -> None:
    result = score(OREBRO, EXAMPLE)
    assert result.total == 49
    assert result.band == "low"


def test_it_puts_the_cut_off_of_50_in_the_high_risk_band() -> None:
    # One point more on q10 (not reversed): 49 + 1 = 50
    result = score(OREBRO, EXAMPLE | {"q10": 5})
    assert result.total == 50
    assert result.band == "high"
    assert "50" in result.interpretation(Lang.EN)


def test_it_counts_q3_answered_10_as_0() -> None:
    # q3 4 counts 6; q3 10 counts 0, so the total drops by 6
    assert score(OREBRO, EXAMPLE | {"q3": 10}).total == 49 - 6


@pytest.mark.parametrize(("item", "answer", "counts"), [("q3", 0, 10), ("q4", 10, 0), ("q8", 3, 7)])
def test_it_reverses_items_3_4_and_8_as_ten_minus_the_answer(
    item: str, answer: int, counts: int
) -> None:
    assert OREBRO.item_scores[OREBRO.link_ids.index(item)][answer] == counts
    assert set(OREBRO.scoring.reverse) == {"q3", "q4", "q8"}


def test_it_scores_the_duration_categories_1_to_10() -> None:
    duration = OREBRO.items[0]
    assert duration.values == tuple(range(1, 11))
    assert duration.options[0].label.en == "0-1 week"
    assert duration.options[-1].label.en == "Over 1 year"
    assert score(OREBRO, EXAMPLE | {"q1": 10}).total == 49 + 3


def test_it_reaches_the_range_ends_1_and_100() -> None:
    lowest = {f"q{n}": 0 for n in range(2, 11)} | {"q1": 1, "q3": 10, "q4": 10, "q8": 10}
    highest = {f"q{n}": 10 for n in range(1, 11)} | {"q3": 0, "q4": 0, "q8": 0}
    assert score(OREBRO, lowest).total == 1
    assert score(OREBRO, lowest).band == "low"
    assert score(OREBRO, highest).total == 100
    assert score(OREBRO, highest).band == "high"


def test_it_needs_all_ten_items() -> None:
    result = score(OREBRO, EXAMPLE | {"q7": None})
    assert not result.valid
    assert result.missing == ("q7",)
    assert result.band is None


@pytest.mark.parametrize(("item", "bad"), [("q1", 0), ("q1", 11), ("q3", -1), ("q3", 11)])
def test_it_rejects_an_out_of_range_answer_naming_the_field(item: str, bad: int) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        score(OREBRO, EXAMPLE | {item: bad})
    assert caught.value.field == f"answers.{item}"


@pytest.mark.parametrize("bad", [True, 1.0, "5"])
def test_it_rejects_a_wrongly_typed_answer_naming_the_field(bad: object) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        score(OREBRO, EXAMPLE | {"q3": bad})
    assert caught.value.field == "answers.q3"
