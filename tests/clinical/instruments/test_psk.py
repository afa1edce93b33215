"""PSK: mean difficulty over the activities the patient rated."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backpath.clinical.citations import citations
from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import Direction, Method, instrument
from backpath.clinical.scoring import score

PSK = instrument("psk")


def activities(*values: int | None) -> dict[str, int | None]:
    return {f"q{n}": value for n, value in enumerate(values, start=1)}


def partial_answers() -> st.SearchStrategy[dict[str, int | None]]:
    return st.fixed_dictionaries(
        {i.link_id: st.none() | st.sampled_from(i.values) for i in PSK.items}
    )


def test_it_scores_the_mean_of_three_rated_activities() -> None:
    # (7 + 4 + 8) / 3 = 19 / 3 = 6.33 -> 6.3
    result = score(PSK, activities(7, 4, 8))
    assert result.total == 6.3
    assert result.answered == 3
    assert result.missing == ("q4", "q5")


def test_it_scores_the_mean_of_five_rated_activities() -> None:
    # (10 + 9 + 0 + 5 + 6) / 5 = 30 / 5 = 6.0
    assert score(PSK, activities(10, 9, 0, 5, 6)).total == 6.0


def test_it_ignores_unrated_activities_wherever_they_are() -> None:
    # (2 + 5) / 2 = 3.5, whether the gaps come first or last
    assert score(PSK, activities(None, 2, None, 5)).total == 3.5
    assert score(PSK, activities(2, 5)).total == 3.5


def test_it_is_valid_with_one_activity_and_invalid_with_none() -> None:
    assert score(PSK, activities(4)).total == 4.0
    assert not score(PSK, {}).valid


def test_it_has_no_bands() -> None:
    assert PSK.bands == ()
    assert score(PSK, activities(9, 9, 9)).band is None


def test_it_counts_higher_as_more_difficulty() -> None:
    assert PSK.direction is Direction.HIGHER_IS_WORSE
    assert PSK.scoring.method is Method.MEAN
    assert PSK.scoring.decimals == 1


def test_it_declares_the_design_mcid() -> None:
    assert "design-psk-mcid" in citations()
    assert PSK.mcid is not None
    assert (PSK.mcid.points, PSK.mcid.fraction, PSK.mcid.citation) == (
        2,
        0.30,
        "design-psk-mcid",
    )


@pytest.mark.parametrize("bad", [-1, 11, True, 4.0, "4"])
def test_it_rejects_a_bad_value_naming_the_field(bad: object) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        score(PSK, activities(5, 5) | {"q3": bad})
    assert caught.value.field == "answers.q3"


@given(partial_answers())
def test_it_is_valid_and_in_range_exactly_when_an_activity_is_rated(
    answers: dict[str, int | None],
) -> None:
    result = score(PSK, answers)
    rated = [value for value in answers.values() if value is not None]
    assert result.valid == (len(rated) >= PSK.scoring.min_answered)
    if result.total is not None:
        assert PSK.range.min <= result.total <= PSK.range.max
        assert min(rated) <= result.total <= max(rated)
        assert result.band is None
