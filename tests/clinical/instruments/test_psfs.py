"""PSFS: mean ability over the activities the patient rated; higher is better."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import Direction, Method, instrument
from backpath.clinical.scoring import score

PSFS = instrument("psfs")


def activities(*values: int | None) -> dict[str, int | None]:
    return {f"q{n}": value for n, value in enumerate(values, start=1)}


def partial_answers() -> st.SearchStrategy[dict[str, int | None]]:
    return st.fixed_dictionaries(
        {i.link_id: st.none() | st.sampled_from(i.values) for i in PSFS.items}
    )


def test_it_scores_sum_over_number_of_activities() -> None:
    # Published rule: sum of activity scores / number of activities: (3 + 5 + 6) / 3 = 4.67 -> 4.7
    result = score(PSFS, activities(3, 5, 6))
    assert result.total == 4.7
    assert result.answered == 3


def test_it_is_valid_with_one_activity_and_invalid_with_none() -> None:
    assert score(PSFS, activities(None, None, None, None, 8)).total == 8.0
    assert not score(PSFS, activities(None, None)).valid


def test_it_counts_higher_as_better_with_the_published_anchors() -> None:
    assert PSFS.direction is Direction.HIGHER_IS_BETTER
    assert PSFS.scoring.method is Method.MEAN
    options = PSFS.items[0].options
    assert options[0].label.en == "0 = Unable to perform activity"
    assert options[-1].label.en.startswith("10 = Able to perform activity at the same level")


def test_it_declares_an_mcid_of_two_points() -> None:
    assert PSFS.mcid is not None
    assert (PSFS.mcid.points, PSFS.mcid.citation) == (2, "abbott2014")
    assert PSFS.scoring.citation == "stratford1995"
    assert PSFS.bands == ()


@pytest.mark.parametrize("bad", [-1, 11, True, 7.0, "7"])
def test_it_rejects_a_bad_value_naming_the_field(bad: object) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        score(PSFS, {"q2": bad})
    assert caught.value.field == "answers.q2"


@given(partial_answers())
def test_it_is_valid_and_in_range_exactly_when_an_activity_is_rated(
    answers: dict[str, int | None],
) -> None:
    result = score(PSFS, answers)
    rated = [value for value in answers.values() if value is not None]
    assert result.valid == (len(rated) >= PSFS.scoring.min_answered)
    if result.total is not None:
        assert PSFS.range.min <= result.total <= PSFS.range.max
        assert min(rated) <= result.total <= max(rated)
        assert result.band is None
