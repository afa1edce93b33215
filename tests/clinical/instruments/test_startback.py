"""Keele STarT Back Screening Tool: totals, psychosocial subscale and risk groups (Hill 2008)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import instrument
from backpath.clinical.language import Lang
from backpath.clinical.scoring import score

SBST = instrument("startback")
RANK = {"low": 0, "medium": 1, "high": 2}


def answers(*agreed: int, q9: int = 0) -> dict[str, int | None]:
    """Items 1-8 agreed (1) when listed, else disagreed (0); item 9 as given (0..4)."""
    return {f"q{n}": int(n in agreed) for n in range(1, 9)} | {"q9": q9}


def test_it_scores_a_hand_verified_example() -> None:
    # Agree with 1, 3, 4 (physical) and 5, 7 (psychosocial); item 9 "very much" (3) counts 1.
    # Total 1+1+1+1+1+1 = 6; psychosocial q5+q7+q9 = 3 -> medium (total > 3, subscale <= 3).
    result = score(SBST, answers(1, 3, 4, 5, 7, q9=3))
    assert (result.total, result.subscales, result.band) == (6, {"psychosocial": 3}, "medium")


@pytest.mark.parametrize(("q9", "counts"), [(0, 0), (1, 0), (2, 0), (3, 1), (4, 1)])
def test_it_counts_bothersomeness_only_for_very_much_and_extremely(q9: int, counts: int) -> None:
    result = score(SBST, answers(q9=q9))
    assert result.total == counts
    assert result.subscales["psychosocial"] == counts


@pytest.mark.parametrize(
    ("agreed", "q9", "total", "psychosocial", "band"),
    [
        ((), 0, 0, 0, "low"),
        ((1, 2, 3), 0, 3, 0, "low"),  # total 3: the top of low risk
        ((5, 6, 7), 0, 3, 3, "low"),  # psychosocial 3 but total only 3: still low
        ((1, 2, 3, 4), 0, 4, 0, "medium"),  # total 4: medium
        ((1, 5, 6, 7), 0, 4, 3, "medium"),  # psychosocial 3: the top of medium
        ((5, 6, 7, 8), 0, 4, 4, "high"),  # psychosocial 4 with total 4: high
        ((1, 2, 3, 4, 5, 6, 7), 1, 7, 3, "medium"),  # item 9 "slightly" does not count
        ((1, 2, 3, 4, 5, 6, 7), 3, 8, 4, "high"),
        ((1, 2, 3, 4, 5, 6, 7, 8), 4, 9, 5, "high"),
    ],
)
def test_it_puts_each_boundary_in_the_right_risk_group(
    agreed: tuple[int, ...], q9: int, total: int, psychosocial: int, band: str
) -> None:
    result = score(SBST, answers(*agreed, q9=q9))
    assert (result.total, result.subscales["psychosocial"], result.band) == (
        total,
        psychosocial,
        band,
    )


@pytest.mark.parametrize("missing", [f"q{n}" for n in range(1, 10)])
def test_it_needs_all_nine_items(missing: str) -> None:
    response = answers(1, 2, 3, 4, 5, q9=4) | {missing: None}
    result = score(SBST, response)
    assert not result.valid
    assert (result.total, result.band, result.subscales) == (None, None, {"psychosocial": None})
    assert result.missing == (missing,)
    assert missing in result.interpretation(Lang.NL)


@pytest.mark.parametrize(
    ("item", "value"), [("q1", 2), ("q1", -1), ("q9", 5), ("q1", True), ("q9", 3.0), ("q2", "1")]
)
def test_it_refuses_answers_outside_the_published_options(item: str, value: object) -> None:
    with pytest.raises(ClinicalInputError) as error:
        score(SBST, answers() | {item: value})
    assert error.value.field == f"answers.{item}"


def test_it_shows_the_keele_copyright_with_the_tool() -> None:
    assert "Keele University" in SBST.licence.copyright
    assert SBST.loinc == {"total": "91351-7"}
    assert SBST.wording[Lang.EN].validated
    assert not SBST.wording[Lang.NL].validated


complete = st.fixed_dictionaries(
    {item.link_id: st.sampled_from(item.values) for item in SBST.items}
)


@given(complete)
def test_it_stays_within_the_published_ranges(response: dict[str, int]) -> None:
    result = score(SBST, response)
    assert result.total is not None
    assert 0 <= result.total <= 9
    psychosocial = result.subscales["psychosocial"]
    assert psychosocial is not None
    assert 0 <= psychosocial <= 5
    assert psychosocial <= result.total
    assert result.band in RANK


@given(complete, st.sampled_from([f"q{n}" for n in range(1, 9)]))
def test_it_never_lowers_the_risk_group_when_an_item_is_agreed(
    response: dict[str, int], item: str
) -> None:
    before = score(SBST, response).band
    after = score(SBST, response | {item: 1}).band
    assert before is not None
    assert after is not None
    assert RANK[after] >= RANK[before]


@given(complete, st.integers(0, 4))
def test_it_never_lowers_the_risk_group_when_bothersomeness_rises(
    response: dict[str, int], higher: int
) -> None:
    lower = min(higher, response["q9"])
    low_band = score(SBST, response | {"q9": lower}).band
    high_band = score(SBST, response | {"q9": max(higher, response["q9"])}).band
    assert low_band is not None
    assert high_band is not None
    assert RANK[high_band] >= RANK[low_band]
