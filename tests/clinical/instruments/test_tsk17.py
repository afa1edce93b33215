"""TSK-17: 1-4 agreement, items 4, 8, 12 and 16 reversed, high above 37."""

from __future__ import annotations

import pytest

from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import instrument
from backpath.clinical.scoring import score

TSK17 = instrument("tsk17")
BAND_IDS = {band.id for band in TSK17.bands}
REVERSED = ("q4", "q8", "q12", "q16")


def all_answered(value: int) -> dict[str, int | None]:
    return {f"q{n}": value for n in range(1, 18)}


def test_it_scores_a_hand_verified_example_above_the_cut_off() -> None:
    # All 17 answered 2 (disagree): 13 items count 2, the 4 reversed items count 5 - 2 = 3
    # -> 13 x 2 + 4 x 3 = 26 + 12 = 38 -> high
    result = score(TSK17, all_answered(2))
    assert result.total == 38
    assert result.band == "high"


def test_it_puts_37_in_low_and_38_in_high() -> None:
    # From 38, q1 (not reversed) 2 -> 1 gives 37
    assert score(TSK17, all_answered(2) | {"q1": 1}).band == "low"
    assert score(TSK17, all_answered(2) | {"q1": 1}).total == 37
    # From 38, q4 (reversed) 2 -> 1 counts 4 instead of 3: 39
    assert score(TSK17, all_answered(2) | {"q4": 1}).total == 39


def test_it_counts_item_4_answered_1_as_4() -> None:
    assert TSK17.item_scores[3] == {1: 4, 2: 3, 3: 2, 4: 1}
    assert set(TSK17.scoring.reverse) == set(REVERSED)


@pytest.mark.parametrize("item", REVERSED)
def test_it_reverses_each_of_items_4_8_12_16(item: str) -> None:
    # Strongly agree (4) on a reversed item counts 1: three points below the all-4 max of 68
    highest = all_answered(4) | dict.fromkeys(REVERSED, 1)
    assert score(TSK17, highest).total == 68
    assert score(TSK17, highest | {item: 4}).total == 65


def test_it_reaches_17_and_68() -> None:
    lowest = all_answered(1) | dict.fromkeys(REVERSED, 4)
    assert score(TSK17, lowest).total == 17
    assert score(TSK17, lowest).band == "low"
    highest = all_answered(4) | dict.fromkeys(REVERSED, 1)
    assert score(TSK17, highest).total == 68
    assert score(TSK17, highest).band == "high"


def test_it_needs_all_seventeen_items() -> None:
    result = score(TSK17, all_answered(3) | {"q17": None})
    assert not result.valid
    assert result.missing == ("q17",)


@pytest.mark.parametrize("bad", [0, 5, True, 2.0, "2"])
def test_it_rejects_a_bad_value_naming_the_field(bad: object) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        score(TSK17, all_answered(2) | {"q12": bad})
    assert caught.value.field == "answers.q12"


def test_it_bundles_the_original_english_items() -> None:
    assert TSK17.wording["en"].validated
    assert not TSK17.wording["nl"].validated
    assert TSK17.items[0].text.en == "I'm afraid that I might injure myself if I exercise."
    assert TSK17.items[16].text.en == "No one should have to exercise when he/she is in pain."
    assert [o.label.en for o in TSK17.items[0].options] == [
        "Strongly disagree",
        "Disagree",
        "Agree",
        "Strongly agree",
    ]
