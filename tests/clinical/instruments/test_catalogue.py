"""The instrument catalogue: every instrument named in the issue loads and explains itself."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import Instrument, Method, instrument, instruments
from backpath.clinical.language import Lang
from backpath.clinical.scoring import score

ISSUE_IDS = (
    "startback",
    "orebro_sf",
    "nprs",
    "psk",
    "psfs",
    "qbpds",
    "odi",
    "rmdq",
    "tsk11",
    "tsk17",
    "gpe",
)


def worst_answers(definition: Instrument) -> dict[str, int | None]:
    """Every item answered with the value that scores highest."""
    return {
        item.link_id: max(table, key=lambda value: table[value])
        for item, table in zip(definition.items, definition.item_scores, strict=True)
    }


def test_it_loads_every_instrument_in_the_issue_list() -> None:
    assert set(ISSUE_IDS) <= set(instruments())
    for instrument_id in ISSUE_IDS:
        assert instrument(instrument_id).id == instrument_id


def test_it_names_the_known_instruments_when_asked_for_an_unknown_one() -> None:
    with pytest.raises(ClinicalInputError) as caught:
        instrument("sf36")
    assert caught.value.field == "instrument"
    assert "odi" in caught.value.problem


@pytest.mark.parametrize("instrument_id", ISSUE_IDS)
def test_it_reaches_exactly_the_declared_range(instrument_id: str) -> None:
    definition = instrument(instrument_id)
    lows = [min(table.values()) for table in definition.item_scores]
    highs = [max(table.values()) for table in definition.item_scores]
    match definition.scoring.method:
        case Method.SUM | Method.STARTBACK:
            reachable = (sum(lows), sum(highs))
        case Method.MEAN:
            reachable = (min(lows), max(highs))
        case Method.PERCENT_OF_ANSWERED:
            reachable = (0, 100)
    assert (definition.range.min, definition.range.max) == reachable


@pytest.mark.parametrize("instrument_id", ISSUE_IDS)
@pytest.mark.parametrize("lang", list(Lang))
def test_it_explains_a_complete_response_in_both_languages(instrument_id: str, lang: Lang) -> None:
    definition = instrument(instrument_id)
    result = score(definition, worst_answers(definition))
    assert result.total == definition.range.max
    text = result.interpretation(lang)
    assert str(result.total) in text
    assert "{" not in text


@pytest.mark.parametrize("instrument_id", ISSUE_IDS)
def test_it_marks_unbundled_wording_as_not_validated(instrument_id: str) -> None:
    definition = instrument(instrument_id)
    if not definition.licence.wording_bundled:
        assert not any(wording.validated for wording in definition.wording.values())
        assert all("not loaded" in item.text.en for item in definition.items)


@pytest.mark.parametrize("instrument_id", ISSUE_IDS)
def test_it_keeps_min_answered_within_the_item_count(instrument_id: str) -> None:
    definition = instrument(instrument_id)
    assert 1 <= definition.scoring.min_answered <= len(definition.items)
    assert definition.link_ids == tuple(f"q{n}" for n in range(1, len(definition.items) + 1))


def responses(definition: Instrument) -> st.SearchStrategy[dict[str, int | None]]:
    """Any response: each item missing or answered with one of its published values."""
    return st.fixed_dictionaries(
        {item.link_id: st.none() | st.sampled_from(item.values) for item in definition.items}
    )


@pytest.mark.parametrize("instrument_id", ISSUE_IDS)
@given(data=st.data())
def test_it_scores_every_response_within_its_range_and_bands(
    instrument_id: str, data: st.DataObject
) -> None:
    definition = instrument(instrument_id)
    answers = data.draw(responses(definition))
    result = score(definition, answers)
    answered = sum(value is not None for value in answers.values())
    assert result.answered == answered
    assert result.valid == (answered >= definition.scoring.min_answered)
    if not result.valid:
        assert (result.total, result.band) == (None, None)
        return
    assert result.total is not None
    assert definition.range.min <= result.total <= definition.range.max
    band_ids = {band.id for band in definition.bands}
    assert result.band in band_ids if band_ids else result.band is None


def test_it_requires_a_registered_citation_for_a_smallest_detectable_change() -> None:
    data = instrument("nprs").model_dump(mode="json")
    data["mcid"]["sdc"] = {"points": 3, "citation": "nobody2099"}
    with pytest.raises(ValueError, match="nobody2099"):
        Instrument.model_validate(data)
    data["mcid"]["sdc"]["citation"] = "childs2005"
    assert Instrument.model_validate(data).mcid is not None
