"""Change by MCID / 30% (Ostelo et al. 2008) and the guideline's decisions over time."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backpath.clinical.classification import Diagnosis
from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import instrument
from backpath.clinical.progress import Change, ChangeClass, Outcome, change, progress_decision
from backpath.clinical.scoring import Score, score
from backpath.clinical.stratification import Profile


def nprs(value: int) -> Score:
    return score(instrument("nprs"), {"q1": value})


def psfs(*values: int) -> Score:
    return score(instrument("psfs"), {f"q{n}": v for n, v in enumerate(values, start=1)})


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (6, 4, ChangeClass.IMPROVED),  # 2 points = MCID
        (6, 5, ChangeClass.NO_CHANGE),  # 1 point, 17%
        (3, 2, ChangeClass.IMPROVED),  # 1 point but 33% of baseline
        (10, 8, ChangeClass.IMPROVED),
        (10, 9, ChangeClass.NO_CHANGE),  # 10%
        (4, 6, ChangeClass.WORSE),
        (4, 5, ChangeClass.NO_CHANGE),
        (0, 1, ChangeClass.NO_CHANGE),  # no room to improve: points only
        (0, 2, ChangeClass.WORSE),
    ],
)
def test_it_classifies_pain_change_by_two_points_or_thirty_percent(
    before: int, after: int, expected: ChangeClass
) -> None:
    assert change(nprs(before), nprs(after)).classification is expected


def test_it_reads_improvement_upwards_for_instruments_where_higher_is_better() -> None:
    result = change(psfs(3, 4, 5), psfs(6, 6, 6))  # mean 4 -> 6
    assert result.improvement == 2
    assert result.classification is ChangeClass.IMPROVED
    assert change(psfs(6, 6, 6), psfs(4, 4, 4)).classification is ChangeClass.WORSE


def test_it_refuses_to_compare_what_cannot_be_compared() -> None:
    with pytest.raises(ClinicalInputError, match="same instrument"):
        change(nprs(5), psfs(5))
    sbst = score(instrument("startback"), {f"q{n}": 0 for n in range(1, 10)})
    with pytest.raises(ClinicalInputError, match="no minimal important change"):
        change(sbst, sbst)
    incomplete = score(instrument("qbpds"), {"q1": 1})
    complete = score(instrument("qbpds"), {f"q{n}": 1 for n in range(1, 21)})
    with pytest.raises(ClinicalInputError) as error:
        change(incomplete, complete)
    assert error.value.field == "baseline"


@given(st.integers(0, 10), st.integers(0, 10))
def test_it_classifies_a_change_and_its_reverse_oppositely(before: int, after: int) -> None:
    forward = change(nprs(before), nprs(after)).classification
    if forward is ChangeClass.IMPROVED and after > 0:
        # Fractions are relative to the baseline, so only the points rule is symmetric.
        assert change(nprs(after), nprs(before)).classification is not ChangeClass.IMPROVED
    assert (forward is ChangeClass.IMPROVED) <= (after < before)
    assert (forward is ChangeClass.WORSE) <= (after > before)


NO_CHANGE = [Change("nprs", 6, 6, 0, 0.0, ChangeClass.NO_CHANGE)]
IMPROVED = [Change("nprs", 6, 3, 3, 0.5, ChangeClass.IMPROVED), *NO_CHANGE]
WORSE = [Change("qbpds", 40, 62, -22, -0.55, ChangeClass.WORSE), *IMPROVED]


@pytest.mark.parametrize(
    ("profile", "diagnosis", "week", "changes", "expected", "rule"),
    [
        (Profile.MEDIUM, Diagnosis.LBP, 6, NO_CHANGE, Outcome.CONSULT_GP, "PR-6"),
        (Profile.MEDIUM, Diagnosis.LBP, 5, NO_CHANGE, Outcome.CONTINUE, "PR-CONTINUE"),
        (Profile.HIGH, Diagnosis.LBP, 6, IMPROVED, Outcome.CONTINUE, "PR-CONTINUE"),
        (Profile.HIGH, Diagnosis.LBP, 12, NO_CHANGE, Outcome.STEP3_OR_GP, "PR-12"),
        (Profile.MEDIUM, Diagnosis.LBP, 11, NO_CHANGE, Outcome.CONSULT_GP, "PR-6"),
        (Profile.LOW, Diagnosis.LBP, 3, NO_CHANGE, Outcome.RESTRATIFY, "PR-LOW-3"),
        (Profile.LOW, Diagnosis.LBP, 2, NO_CHANGE, Outcome.CONTINUE, "PR-CONTINUE"),
        (Profile.LOW, Diagnosis.LRS, 6, NO_CHANGE, Outcome.CONSULT_GP, "PR-LRS"),
        (Profile.LOW, Diagnosis.LBP, 1, WORSE, Outcome.REVIEW_WORSE, "PR-WORSE"),
    ],
)
def test_it_takes_the_guideline_decision_at_weeks_3_6_and_12(
    profile: Profile,
    diagnosis: Diagnosis,
    week: int,
    changes: list[Change],
    expected: Outcome,
    rule: str,
) -> None:
    decision = progress_decision(profile, diagnosis, week, changes)
    assert decision.outcome is expected
    assert decision.reason.rule == rule
    assert str(week) in decision.reason.text.en or expected is Outcome.REVIEW_WORSE


def test_it_names_what_got_worse() -> None:
    decision = progress_decision(Profile.HIGH, Diagnosis.LBP, 4, WORSE)
    assert "qbpds" in decision.reason.text.nl


def test_it_needs_a_measurement_and_a_sensible_week() -> None:
    with pytest.raises(ClinicalInputError):
        progress_decision(Profile.LOW, Diagnosis.LBP, 3, [])
    with pytest.raises(ClinicalInputError):
        progress_decision(Profile.LOW, Diagnosis.LBP, -1, NO_CHANGE)
