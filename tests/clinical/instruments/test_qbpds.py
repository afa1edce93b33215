"""QBPDS: 20 activities 0-5 summed to 0-100, all required; structure only (licensed wording)."""

from __future__ import annotations

import pytest

from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import instrument
from backpath.clinical.language import Lang
from backpath.clinical.scoring import score

QBPDS = instrument("qbpds")


def items(values: list[int | None]) -> dict[str, int | None]:
    return {f"q{n}": value for n, value in enumerate(values, start=1)}


# 0,1,2,3,4,5 three times (3 x 15 = 45) then 2, 2 -> 45 + 4 = 49
EXAMPLE = items([0, 1, 2, 3, 4, 5] * 3 + [2, 2])


def test_it_sums_a_hand_verified_example() -> None:
    result = score(QBPDS, EXAMPLE)
    assert result.total == 49
    assert result.band is None
    assert result.interpretation(Lang.EN) == "QBPDS 49 of 100 (higher = more disability)."


def test_it_reaches_0_and_100() -> None:
    assert score(QBPDS, items([0] * 20)).total == 0
    assert score(QBPDS, items([5] * 20)).total == 100


def test_it_needs_all_twenty_items() -> None:
    result = score(QBPDS, EXAMPLE | {"q20": None})
    assert not result.valid
    assert result.answered == 19
    assert result.missing == ("q20",)


@pytest.mark.parametrize("bad", [-1, 6, True, 3.0, "3"])
def test_it_rejects_a_bad_value_naming_the_field(bad: object) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        score(QBPDS, EXAMPLE | {"q7": bad})
    assert caught.value.field == "answers.q7"


def test_it_declares_the_ostelo_mcid() -> None:
    assert QBPDS.mcid is not None
    assert (QBPDS.mcid.points, QBPDS.mcid.fraction, QBPDS.mcid.citation) == (
        20,
        0.30,
        "ostelo2008",
    )


def test_it_declares_a_smallest_detectable_change_below_the_mcid() -> None:
    """Demoulin et al., J Clin Epidemiol 2010;63:1249-55: SDC 15.8 points in chronic LBP.

    Below the 20-point MCID, so a deterioration still counts from 20 points.
    """
    assert QBPDS.mcid is not None
    assert QBPDS.mcid.sdc is not None
    assert (QBPDS.mcid.sdc.points, QBPDS.mcid.sdc.citation) == (15.8, "demoulin2010")
    assert QBPDS.mcid.worse_points == 20


def test_it_bundles_structure_only_until_a_licensed_wording_is_loaded() -> None:
    assert not QBPDS.licence.wording_bundled
    assert not any(w.validated for w in QBPDS.wording.values())
    assert QBPDS.items[2].text.en == "QBPDS item 3 (licensed wording not loaded)"
    assert "Instrument.with_wording" in QBPDS.licence.terms.en
    licensed = QBPDS.with_wording(
        {"id": "qbpds", "items": [{"link_id": "q3", "text": {"en": "Licensed 3", "nl": "Lic 3"}}]}
    )
    assert licensed.licence.wording_bundled
    assert licensed.items[2].text.en == "Licensed 3"
    assert score(licensed, EXAMPLE).total == 49


def test_it_refuses_a_wording_file_for_another_instrument() -> None:
    with pytest.raises(ClinicalInputError) as caught:
        QBPDS.with_wording({"id": "odi"})
    assert caught.value.field == "id"
