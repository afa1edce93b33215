"""NPRS: one 0-10 item, pain bands, LOINC and MCID."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backpath.clinical.citations import citations
from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import Direction, instrument
from backpath.clinical.language import Lang
from backpath.clinical.scoring import score

NPRS = instrument("nprs")
BAND_IDS = {band.id for band in NPRS.bands}


def test_it_scores_the_rating_itself() -> None:
    # A single item: the total is the answer (6 -> 6, moderate)
    result = score(NPRS, {"q1": 6})
    assert result.total == 6
    assert result.band == "moderate"
    assert result.interpretation(Lang.EN) == "NPRS 6 of 10: moderate pain."


@pytest.mark.parametrize(
    ("answer", "band"),
    [
        (0, "none"),
        (1, "mild"),
        (5, "mild"),
        (6, "moderate"),
        (7, "moderate"),
        (8, "severe"),
        (10, "severe"),
    ],
)
def test_it_puts_each_band_boundary_in_the_right_band(answer: int, band: str) -> None:
    """Boonstra et al., Front Psychol 2016;7:1466, chronic musculoskeletal pain (n = 2854):
    NRS <= 5 mild, 6-7 moderate, >= 8 severe by interference with functioning."""
    assert score(NPRS, {"q1": answer}).band == band


@pytest.mark.parametrize(("answer", "old_band"), [(4, "moderate"), (7, "severe")])
def test_it_no_longer_uses_the_split_that_held_only_for_low_catastrophisers(
    answer: int, old_band: str
) -> None:
    """Revision 2: 1-3 / 4-6 / 7-10 held in Boonstra 2016 only at low catastrophising."""
    assert NPRS.revision == 2
    assert score(NPRS, {"q1": answer}).band != old_band


def test_it_keeps_the_band_ids_so_stored_results_stay_valid() -> None:
    assert [band.id for band in NPRS.bands] == ["none", "mild", "moderate", "severe"]
    assert [band.upper for band in NPRS.bands] == [0, 5, 7, 10]
    assert "1466" in citations()["nprs-bands"].reference


def test_it_is_invalid_when_unanswered() -> None:
    result = score(NPRS, {})
    assert not result.valid
    assert result.missing == ("q1",)


@pytest.mark.parametrize("bad", [-1, 11, True, 5.0, "5"])
def test_it_rejects_a_bad_value_naming_the_field(bad: object) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        score(NPRS, {"q1": bad})
    assert caught.value.field == "answers.q1"


def test_it_declares_loinc_mcid_and_direction() -> None:
    assert NPRS.loinc == {"total": "72514-3"}
    assert NPRS.direction is Direction.HIGHER_IS_WORSE
    assert NPRS.mcid is not None
    assert (NPRS.mcid.points, NPRS.mcid.fraction, NPRS.mcid.citation) == (2, 0.30, "ostelo2008")
    # Childs et al., Spine 2005;30:1331-4: SEM 1.02, minimum detectable change 2 points
    assert NPRS.mcid.sdc is not None
    assert (NPRS.mcid.sdc.points, NPRS.mcid.sdc.citation) == (2, "childs2005")
    assert NPRS.mcid.worse_points == 2
    assert NPRS.citation == "nprs-jensen1986"
    assert "24" in NPRS.items[0].text.en


@given(st.none() | st.integers(min_value=0, max_value=10))
def test_it_is_valid_in_range_and_banded_exactly_when_answered(answer: int | None) -> None:
    result = score(NPRS, {"q1": answer})
    assert result.valid == (answer is not None)
    if result.total is not None:
        assert NPRS.range.min <= result.total <= NPRS.range.max
        assert result.band in BAND_IDS
