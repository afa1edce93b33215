"""Change by the minimal important change and the guideline's decisions over time.

Improvement: the MIC in points or 30% of baseline (Ostelo et al., Spine 2008;33:90-4, who
define the MIC for improvement).  Deterioration (issue #10): at least the MIC in points, or
the smallest detectable change (SDC) where one is documented and larger; never a fraction of
baseline, which from a low baseline is a step within measurement error (NPRS 3 -> 4).
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backpath.clinical.classification import Diagnosis
from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import Direction, Instrument, instrument, instruments
from backpath.clinical.progress import Change, ChangeClass, Outcome, change, progress_decision
from backpath.clinical.scoring import Score, score
from backpath.clinical.stratification import Profile


def nprs(value: int) -> Score:
    return score(instrument("nprs"), {"q1": value})


def psfs(*values: int) -> Score:
    return score(instrument("psfs"), {f"q{n}": v for n, v in enumerate(values, start=1)})


def psk(*values: int) -> Score:
    return score(instrument("psk"), {f"q{n}": v for n, v in enumerate(values, start=1)})


def qbpds(total: int) -> Score:
    """A complete QBPDS response (20 items scored 0..5) that sums to ``total``."""
    values = [min(5, max(0, total - 5 * n)) for n in range(20)]
    result = score(instrument("qbpds"), {f"q{n}": v for n, v in enumerate(values, start=1)})
    assert result.total == total
    return result


def with_sdc(definition: Instrument, points: float) -> Instrument:
    """``definition`` with a hypothetical SDC (the rule, not a published value)."""
    data = definition.model_dump(mode="json")
    data["mcid"]["sdc"] = {"points": points, "citation": "childs2005"}
    return Instrument.model_validate(data)


def exact(value: float | None) -> Fraction:
    assert value is not None
    return Fraction(str(value))


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


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (3, 4, ChangeClass.NO_CHANGE),  # 1 point (33% of baseline): was "worse"
        (1, 2, ChangeClass.NO_CHANGE),  # 1 point (100% of baseline): was "worse"
        (3, 5, ChangeClass.WORSE),  # 2 points = MIC (and = SDC, Childs 2005)
        (1, 3, ChangeClass.WORSE),
        (8, 10, ChangeClass.WORSE),
        (9, 10, ChangeClass.NO_CHANGE),
    ],
)
def test_it_calls_pain_worse_only_from_the_mic_in_points(
    before: int, after: int, expected: ChangeClass
) -> None:
    """Issue #10: Ostelo 2008's MIC (2 points or 30%) is for improvement; worse needs 2 points."""
    assert change(nprs(before), nprs(after)).classification is expected


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (10, 14, ChangeClass.NO_CHANGE),  # 4 points (40% of baseline): was "worse"
        (10, 29, ChangeClass.NO_CHANGE),  # 19 points: above the SDC 15.8, below the MIC 20
        (10, 30, ChangeClass.WORSE),  # 20 points = MIC
        (60, 80, ChangeClass.WORSE),
        (10, 7, ChangeClass.IMPROVED),  # 3 points = 30% of baseline: improvement unchanged
        (50, 30, ChangeClass.IMPROVED),  # 20 points
        (50, 36, ChangeClass.NO_CHANGE),  # 14 points, 28%
    ],
)
def test_it_calls_disability_worse_only_from_the_mic_in_points(
    before: int, after: int, expected: ChangeClass
) -> None:
    """QBPDS: MIC 20 points or 30% for improvement (Ostelo 2008); worse from 20 points.

    The SDC on file (15.8, Demoulin et al. 2010) is below the MIC and changes nothing.
    """
    assert change(qbpds(before), qbpds(after)).classification is expected


def test_it_needs_a_larger_smallest_detectable_change_before_calling_a_change_worse() -> None:
    """Where an instrument's SDC exceeds the MIC, a deterioration must reach the SDC."""
    definition = with_sdc(instrument("nprs"), 3)
    assert definition.mcid is not None
    assert definition.mcid.worse_points == 3

    def rated(value: int) -> Score:
        return score(definition, {"q1": value})

    assert change(rated(3), rated(5)).classification is ChangeClass.NO_CHANGE  # 2 < SDC 3
    assert change(rated(3), rated(6)).classification is ChangeClass.WORSE
    assert change(rated(5), rated(3)).classification is ChangeClass.IMPROVED  # MIC unchanged
    assert change(rated(3), rated(2)).classification is ChangeClass.IMPROVED  # 33%


def test_it_compares_decimal_scores_exactly() -> None:
    """A change of exactly the MIC counts, although 8.7 - 6.7 < 2 in binary floats."""
    better, worse = psfs(6, 10, 10), psfs(0, 10, 10)  # means 8.7 and 6.7 (higher is better)
    assert (better.total, worse.total) == (8.7, 6.7)
    forward = change(better, worse)
    assert forward.classification is ChangeClass.WORSE
    assert forward.improvement == -2
    assert change(worse, better).classification is ChangeClass.IMPROVED
    low, high = psk(0, 0, 1), psk(2, 2, 3)  # means 0.3 and 2.3 (higher is worse)
    assert (low.total, high.total) == (0.3, 2.3)
    assert change(low, high).classification is ChangeClass.WORSE
    assert change(low, high).improvement == -2


def test_it_reads_improvement_upwards_for_instruments_where_higher_is_better() -> None:
    result = change(psfs(3, 4, 5), psfs(6, 6, 6))  # mean 4 -> 6
    assert result.improvement == 2
    assert result.fraction == pytest.approx(2 / 6)
    assert result.classification is ChangeClass.IMPROVED
    assert change(psfs(6, 6, 6), psfs(4, 4, 4)).classification is ChangeClass.WORSE
    assert change(psfs(10, 10), psfs(10)).fraction is None  # no room to improve


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
    backward = change(nprs(after), nprs(before)).classification
    # Points are symmetric: 2 points worse one way is 2 points better the other way.
    assert (forward is ChangeClass.WORSE) == (
        backward is ChangeClass.IMPROVED and after - before >= 2
    )
    assert (forward is ChangeClass.IMPROVED) <= (after < before)
    assert (forward is ChangeClass.WORSE) <= (after > before)


WITH_MCID = sorted(i for i, d in instruments().items() if d.mcid is not None)
SDC_VARIANTS = [(i, None) for i in WITH_MCID] + [("nprs", 3.0), ("qbpds", 25.0), ("psfs", 2.5)]


@st.composite
def response(draw: st.DrawFn, definition: Instrument) -> dict[str, int | None]:
    """A valid response; items left out as far as the instrument allows (PSK, PSFS, ODI)."""
    answers: dict[str, int | None] = {
        item.link_id: draw(st.sampled_from(item.values)) for item in definition.items
    }
    spare = len(definition.items) - definition.scoring.min_answered
    for link_id in draw(st.lists(st.sampled_from(sorted(answers)), max_size=spare, unique=True)):
        answers[link_id] = None
    return answers


@pytest.mark.parametrize(("instrument_id", "sdc"), SDC_VARIANTS)
@given(data=st.data())
def test_a_worse_change_always_reaches_the_mic_and_the_sdc(
    instrument_id: str, sdc: float | None, data: st.DataObject
) -> None:
    """Property (issue #10): worse <=> deterioration >= max(MIC points, SDC); the fraction of
    baseline only ever makes a change better, and a points change reads the same both ways."""
    definition = instrument(instrument_id)
    if sdc is not None:
        definition = with_sdc(definition, sdc)
    mcid = definition.mcid
    assert mcid is not None
    first = score(definition, data.draw(response(definition)))
    second = score(definition, data.draw(response(definition)))
    forward, backward = change(first, second), change(second, first)
    deterioration = -exact(forward.improvement)
    assert deterioration == exact(backward.improvement)
    assert deterioration == (
        exact(first.total) - exact(second.total)
        if definition.direction is Direction.HIGHER_IS_BETTER
        else exact(second.total) - exact(first.total)
    )
    worse_from = max(exact(mcid.points), exact(mcid.sdc.points) if mcid.sdc else Fraction(0))
    assert (forward.classification is ChangeClass.WORSE) == (deterioration >= worse_from)
    if forward.classification is ChangeClass.WORSE:
        assert deterioration >= exact(mcid.points)
        assert mcid.sdc is None or deterioration >= exact(mcid.sdc.points)
        assert backward.classification is ChangeClass.IMPROVED
    if forward.classification is ChangeClass.IMPROVED:
        assert deterioration < 0
        # Improved by the fraction of baseline alone is not worse the other way round.
        assert backward.classification is (
            ChangeClass.WORSE if -deterioration >= worse_from else ChangeClass.NO_CHANGE
        )
        assert -deterioration >= exact(mcid.points) or mcid.fraction is not None


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
