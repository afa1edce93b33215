"""RMDQ-24: count of ticked statements, every statement answered."""

from __future__ import annotations

import pytest

from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import instrument
from backpath.clinical.scoring import score

RMDQ = instrument("rmdq")


def ticked(*numbers: int) -> dict[str, int | None]:
    """All 24 statements answered; the given statement numbers ticked."""
    return {f"q{n}": int(n in numbers) for n in range(1, 25)}


def test_it_counts_the_ticked_statements() -> None:
    # Statements 2, 3, 10, 13, 17, 18 and 21 ticked: 7 ticks -> 7
    result = score(RMDQ, ticked(2, 3, 10, 13, 17, 18, 21))
    assert result.total == 7
    assert result.band is None


def test_it_reaches_0_and_24() -> None:
    assert score(RMDQ, ticked()).total == 0
    assert score(RMDQ, ticked(*range(1, 25))).total == 24


def test_it_needs_every_statement_answered() -> None:
    answers = ticked(1, 2) | {"q24": None}
    result = score(RMDQ, answers)
    assert not result.valid
    assert result.answered == 23
    assert result.missing == ("q24",)


@pytest.mark.parametrize("bad", [True, False, 1.0, 2, -1, "1"])
def test_it_rejects_anything_but_0_or_1_naming_the_field(bad: object) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        score(RMDQ, ticked() | {"q5": bad})
    assert caught.value.field == "answers.q5"


def test_it_bundles_the_published_english_wording() -> None:
    assert RMDQ.licence.wording_bundled
    assert RMDQ.wording["en"].validated
    assert not RMDQ.wording["nl"].validated
    assert RMDQ.items[0].text.en == "I stay at home most of the time because of my back."
    assert RMDQ.items[23].text.en == "I stay in bed most of the time because of my back."
    assert "put a tick against it" in RMDQ.instructions.en


def test_it_declares_the_ostelo_mcid() -> None:
    assert RMDQ.mcid is not None
    assert (RMDQ.mcid.points, RMDQ.mcid.fraction, RMDQ.mcid.citation) == (5, 0.30, "ostelo2008")
    assert RMDQ.citation == "roland1983"
