"""Oswestry Disability Index 2.1a: percentage of answered sections, bands and missing rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import instrument
from backpath.clinical.language import Lang
from backpath.clinical.scoring import score

ODI = instrument("odi")
BAND_IDS = {band.id for band in ODI.bands}


def sections(*values: int | None) -> dict[str, int | None]:
    """Answers for q1.. in order; sections not given are left out (missing)."""
    return {f"q{n}": value for n, value in enumerate(values, start=1)}


def test_it_scores_a_hand_verified_example_as_a_percentage() -> None:
    # 2+1+3+0+2+4+1+2+3+2 = 20 of a possible 5 x 10 = 50 -> 20 / 50 x 100 = 40.0%
    result = score(ODI, sections(2, 1, 3, 0, 2, 4, 1, 2, 3, 2))
    assert result.total == 40.0
    assert result.band == "moderate"
    assert result.answered == 10
    assert result.missing == ()


def test_it_divides_by_the_answered_sections_only() -> None:
    # Sex life (q8) skipped: 2+1+3+0+2+4+1+3+2 = 18 of 5 x 9 = 45 -> 40.0%
    result = score(ODI, sections(2, 1, 3, 0, 2, 4, 1, None, 3, 2))
    assert result.total == 40.0
    assert result.missing == ("q8",)


def test_it_rounds_the_percentage_to_one_decimal() -> None:
    # 9 sections answered, sum 10 -> 10 / 45 x 100 = 22.22... -> 22.2
    result = score(ODI, sections(1, 1, 1, 1, 1, 1, 1, 1, 2))
    assert result.total == 22.2


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        (sections(*[0] * 10), 0.0, "minimal"),
        (sections(*[1] * 10), 20.0, "minimal"),  # 10 / 50 = 20.0: top of minimal
        (sections(*[1] * 9), 20.0, "minimal"),  # 9 / 45 = 20.0
        (sections(1, 1, 1, 1, 1, 1, 1, 1, 2), 22.2, "moderate"),  # 10 / 45 = 22.2
        (sections(1, 1, 1, 1, 1, 1, 1, 2), 22.5, "moderate"),  # 9 / 40 = 22.5
        (sections(*[2] * 10), 40.0, "moderate"),  # 20 / 50: top of moderate
        (sections(2, 2, 2, 2, 2, 2, 2, 2, 3), 42.2, "severe"),  # 19 / 45 = 42.2
        (sections(*[3] * 10), 60.0, "severe"),  # 30 / 50: top of severe
        (sections(3, 3, 3, 3, 3, 3, 3, 3, 3, 4), 62.0, "crippling"),  # 31 / 50
        (sections(*[4] * 10), 80.0, "crippling"),  # 40 / 50: top of crippling
        (sections(4, 4, 4, 4, 4, 4, 4, 4, 5), 82.2, "bed_bound"),  # 37 / 45 = 82.2
        (sections(*[5] * 10), 100.0, "bed_bound"),
    ],
)
def test_it_puts_each_band_boundary_in_the_right_band(
    answers: dict[str, int | None], total: float, band: str
) -> None:
    result = score(ODI, answers)
    assert result.total == total
    assert result.band == band


def test_it_is_valid_with_eight_sections_answered() -> None:
    result = score(ODI, sections(1, 2, 3, 4, 5, 0, 1, 2))
    # 18 / 40 x 100 = 45.0
    assert result.valid
    assert result.total == 45.0
    assert result.missing == ("q9", "q10")


def test_it_is_invalid_with_seven_sections_answered() -> None:
    result = score(ODI, sections(1, 2, 3, 4, 5, 0, 1))
    assert not result.valid
    assert result.total is None
    assert result.band is None
    assert result.answered == 7
    assert result.missing == ("q8", "q9", "q10")
    assert "q8, q9, q10" in result.interpretation(Lang.EN)
    assert "minstens 8" in result.interpretation(Lang.NL)


@pytest.mark.parametrize("missing", range(1, 11))
def test_it_gives_the_same_total_whichever_single_section_is_missing(missing: int) -> None:
    remaining = iter([3, 1, 4, 1, 5, 0, 2, 2, 3])  # sum 21 -> 21 / 45 x 100 = 46.7
    answers = {f"q{n}": (None if n == missing else next(remaining)) for n in range(1, 11)}
    result = score(ODI, answers)
    assert result.total == 46.7
    assert result.band == "severe"
    assert result.missing == (f"q{missing}",)


@pytest.mark.parametrize("bad", [-1, 6, True, 1.0, "3"])
def test_it_rejects_a_value_outside_zero_to_five_naming_the_field(bad: object) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        score(ODI, {"q3": bad})
    assert caught.value.field == "answers.q3"


def test_it_rejects_an_unknown_section_naming_the_field() -> None:
    with pytest.raises(ClinicalInputError) as caught:
        score(ODI, {"q11": 1})
    assert caught.value.field == "answers.q11"


def test_it_declares_the_loinc_codes_mcid_and_version() -> None:
    assert ODI.loinc == {"panel": "97908-8", "total": "97909-6"}
    assert ODI.version == "ODI 2.1a"
    assert ODI.mcid is not None
    assert (ODI.mcid.points, ODI.mcid.fraction, ODI.mcid.citation) == (10, 0.30, "ostelo2008")
    assert [band.id for band in ODI.bands] == [
        "minimal",
        "moderate",
        "severe",
        "crippling",
        "bed_bound",
    ]


def test_it_bundles_structure_only_and_accepts_a_licensed_wording_overlay() -> None:
    assert not ODI.licence.wording_bundled
    assert not any(w.validated for w in ODI.wording.values())
    assert all("licensed wording not loaded" in item.text.en for item in ODI.items)
    overlay = {
        "id": "odi",
        "items": [
            {
                "link_id": "q1",
                "text": {"en": "Section 1: Pain intensity", "nl": "Sectie 1: Pijnintensiteit"},
                "options": [{"value": 0, "label": {"en": "Licensed 0", "nl": "Licentie 0"}}],
            }
        ],
    }
    licensed = ODI.with_wording(overlay)
    assert licensed.licence.wording_bundled
    assert licensed.items[0].text.en == "Section 1: Pain intensity"
    answers = sections(2, 1, 3, 0, 2, 4, 1, 2, 3, 2)
    assert score(licensed, answers).total == score(ODI, answers).total


@given(
    st.lists(st.integers(0, 5), min_size=9, max_size=9),
    st.integers(1, 10),
    st.integers(1, 10),
)
def test_it_does_not_depend_on_which_single_section_is_missing(
    remaining: list[int], one: int, other: int
) -> None:
    def with_gap(missing: int) -> dict[str, int | None]:
        values = iter(remaining)
        return {f"q{n}": None if n == missing else next(values) for n in range(1, 11)}

    first, second = score(ODI, with_gap(one)), score(ODI, with_gap(other))
    assert (first.total, first.band) == (second.total, second.band)
    assert first.total == round(sum(remaining) / 45 * 100, 1)
