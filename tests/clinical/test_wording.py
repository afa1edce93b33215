"""A clinic's licensed wording laid over an instrument bundled as structure only."""

from __future__ import annotations

from typing import Any

import pytest

from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import instrument
from backpath.clinical.language import Lang
from backpath.clinical.scoring import score

ODI = instrument("odi")
LICENSED: dict[str, Any] = {
    "id": "odi",
    "wording": {
        "nl": {"validated": True, "source": "ODI-NL 2.1a, licensed by the clinic"},
        "en": {"validated": True, "source": "ODI 2.1a, licensed by the clinic"},
    },
    "items": [
        {
            "link_id": "q1",
            "text": {"nl": "Pijnintensiteit (licentietekst)", "en": "Pain intensity (licensed)"},
            "options": [{"value": 0, "label": {"nl": "Geen pijn", "en": "No pain"}}],
        }
    ],
}


def test_it_lays_licensed_wording_over_the_bundled_structure() -> None:
    assert not ODI.licence.wording_bundled
    licensed = ODI.with_wording(LICENSED)
    assert licensed.licence.wording_bundled
    assert licensed.items[0].text(Lang.EN) == "Pain intensity (licensed)"
    assert licensed.items[0].options[0].label(Lang.NL) == "Geen pijn"
    assert licensed.wording[Lang.NL].validated
    assert licensed.items[1] == ODI.items[1]


def test_it_cannot_change_how_the_instrument_scores() -> None:
    answers = {f"q{n}": n % 6 for n in range(1, 11)}
    assert score(ODI.with_wording(LICENSED), answers).total == score(ODI, answers).total


@pytest.mark.parametrize(
    ("overlay", "field"),
    [
        ({"scoring": {}}, "scoring"),
        ({"id": "rmdq"}, "id"),
        ({"items": [{"text": {"nl": "x", "en": "y"}}]}, "items.0"),
        ({"items": [{"link_id": "q99"}]}, "items.0.link_id"),
        ({"items": [{"link_id": "q1", "options": [{"value": 9, "label": {}}]}]}, "items.0.options"),
        ({"name": {"nl": "alleen nl"}}, "name.en"),
    ],
)
def test_it_names_what_is_wrong_with_a_wording_file(overlay: dict[str, Any], field: str) -> None:
    with pytest.raises(ClinicalInputError) as error:
        ODI.with_wording(overlay)
    assert error.value.field == field
