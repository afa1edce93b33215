"""Profile advice: STarT Back supports, never decides alone (KNGF 2021 B.2.1)."""

from __future__ import annotations

from backpath.clinical.instruments import instrument
from backpath.clinical.scoring import Score, score
from backpath.clinical.stratification import (
    PresentFactor,
    Profile,
    advise_profile,
    present_factors,
    prognostic_factors,
)

STARTBACK = instrument("startback")


def sbst(*agreed: int, q9: int = 0) -> Score:
    answers = {f"q{n}": int(n in agreed) for n in range(1, 9)} | {"q9": q9}
    return score(STARTBACK, answers)


def documented(*ids: str) -> list[PresentFactor]:
    return [PresentFactor(factor, True, "clinician") for factor in ids]


def test_it_advises_the_startback_group() -> None:
    assert advise_profile(sbst(1, 2), []).profile is Profile.LOW
    assert advise_profile(sbst(1, 2, 3, 5), []).profile is Profile.MEDIUM
    high = advise_profile(sbst(1, 5, 6, 7, q9=4), [])
    assert high.profile is Profile.HIGH
    assert high.reason.rule == "STRAT-SBST"
    assert high.reason.source == "hill2008"


def test_it_raises_low_startback_to_medium_with_two_documented_psychosocial_factors() -> None:
    advice = advise_profile(sbst(1), documented("psychosocial_stress", "passive_coping"))
    assert advice.profile is Profile.MEDIUM
    assert advice.reason.rule == "STRAT-PF-UP"


def test_it_does_not_raise_low_startback_on_factors_read_from_startback_itself() -> None:
    read = [PresentFactor("fear_of_movement", False, "startback.q5"), *documented("passive_coping")]
    assert advise_profile(sbst(5), read).profile is Profile.LOW


def test_it_advises_from_factors_when_startback_is_missing_or_incomplete() -> None:
    incomplete = score(STARTBACK, {"q1": 1})
    assert advise_profile(None, []).profile is Profile.LOW
    assert advise_profile(incomplete, []).profile is Profile.LOW
    assert advise_profile(None, documented("high_physical_workload")).profile is Profile.MEDIUM
    both = documented("fear_of_movement", "catastrophising")
    advice = advise_profile(None, both)
    assert advice.profile is Profile.HIGH
    assert advice.reason.rule == "STRAT-PF"


def test_it_reads_factors_from_questionnaires_and_keeps_documented_ones_first() -> None:
    answers = {"startback": {"q1": 1, "q5": 1, "q6": 0}, "nprs": {"q1": 8}}
    scores = {"nprs": score(instrument("nprs"), {"q1": 8})}
    factors = present_factors(["fear_of_movement"], answers, scores)
    by_id = {f.id: f for f in factors}
    assert by_id["fear_of_movement"].documented
    assert by_id["leg_pain"].source == "startback.q1"
    assert by_id["high_pain_intensity"].source == "nprs.severe"
    assert "psychosocial_stress" not in by_id
    order = list(prognostic_factors().factors)
    assert [f.id for f in factors] == sorted(by_id, key=order.index)
