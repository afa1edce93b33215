"""TSK-11 (Woby 2005): 11 TSK-17 items, no reversals, sum 11-44."""

from __future__ import annotations

import pytest

from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import instrument
from backpath.clinical.scoring import score

TSK11 = instrument("tsk11")
TSK17 = instrument("tsk17")
KEPT_FROM_TSK17 = (1, 2, 3, 5, 6, 7, 10, 11, 13, 15, 17)


def all_answered(value: int) -> dict[str, int | None]:
    return {f"q{n}": value for n in range(1, 12)}


def test_it_sums_a_hand_verified_example() -> None:
    # 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3 -> 10 + 10 + 6 = 26
    answers = {f"q{n}": value for n, value in enumerate([1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3], 1)}
    result = score(TSK11, answers)
    assert result.total == 26
    assert result.band is None


def test_it_keeps_the_tsk17_items_woby_retained_in_order() -> None:
    expected = [TSK17.items[n - 1].text for n in KEPT_FROM_TSK17]
    assert [item.text for item in TSK11.items] == expected


def test_it_reverses_no_item() -> None:
    assert TSK11.scoring.reverse == ()
    # q4 is TSK-17 item 5 (not reversed there either): answering 1 counts 1
    assert TSK11.item_scores[3] == {1: 1, 2: 2, 3: 3, 4: 4}


def test_it_reaches_11_and_44() -> None:
    assert score(TSK11, all_answered(1)).total == 11
    assert score(TSK11, all_answered(4)).total == 44


def test_it_needs_all_eleven_items() -> None:
    result = score(TSK11, all_answered(3) | {"q11": None})
    assert not result.valid
    assert result.missing == ("q11",)
    assert score(TSK11, all_answered(3)).total == 33


@pytest.mark.parametrize("bad", [0, 5, True, 3.0, "3"])
def test_it_rejects_a_bad_value_naming_the_field(bad: object) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        score(TSK11, all_answered(2) | {"q6": bad})
    assert caught.value.field == "answers.q6"


def test_it_declares_the_woby_mcid_of_four_points() -> None:
    assert TSK11.mcid is not None
    assert (TSK11.mcid.points, TSK11.mcid.citation) == (4, "woby2005")
    assert TSK11.bands == ()
