"""LBP or LRS, and duration as a description (clinical reference §2)."""

from __future__ import annotations

from datetime import date

import pytest

from backpath.clinical.classification import (
    Category,
    Diagnosis,
    Duration,
    LegPain,
    LegSigns,
    LrsStatus,
    classify,
    duration_of,
    lrs_status,
)

TODAY = date(2026, 11, 25)
RADICULAR = LegSigns(leg_pain=LegPain.BELOW_KNEE, dermatomal=True, leg_pain_dominant=True)


@pytest.mark.parametrize(
    ("signs", "expected"),
    [
        (LegSigns(), LrsStatus.NONE),
        (LegSigns(leg_pain=LegPain.ABOVE_KNEE, dermatomal=True), LrsStatus.NONE),
        (RADICULAR, LrsStatus.SUSPECTED),
        (
            LegSigns(leg_pain=LegPain.BELOW_KNEE, slr_positive=True, leg_pain_dominant=True),
            LrsStatus.SUSPECTED,
        ),
        (
            LegSigns(leg_pain=LegPain.BELOW_KNEE, neurological_signs=True, leg_pain_dominant=True),
            LrsStatus.SUSPECTED,
        ),
        # Below the knee but back pain dominates, or no root signs: examine for LRS.
        (LegSigns(leg_pain=LegPain.BELOW_KNEE, dermatomal=True), LrsStatus.POSSIBLE),
        (LegSigns(leg_pain=LegPain.BELOW_KNEE, leg_pain_dominant=True), LrsStatus.POSSIBLE),
        (LegSigns(lrs_confirmed=True), LrsStatus.CONFIRMED),
        (
            LegSigns(leg_pain=LegPain.BELOW_KNEE, dermatomal=True, lrs_confirmed=False),
            LrsStatus.EXCLUDED,
        ),
    ],
)
def test_it_recognises_lrs_from_the_intake_and_the_examination(
    signs: LegSigns, expected: LrsStatus
) -> None:
    assert lrs_status(signs) is expected


def test_it_follows_the_careful_lrs_pathway_when_lrs_is_only_suspected() -> None:
    result = classify(RADICULAR, None, TODAY, pathology_suspected=False)
    assert result.category is Category.LRS
    assert result.diagnosis is Diagnosis.LRS
    assert result.reasons[0].rule == "CL-LRS-SUSPECTED"


def test_it_keeps_low_back_pain_when_lrs_is_excluded() -> None:
    signs = LegSigns(leg_pain=LegPain.BELOW_KNEE, dermatomal=True, lrs_confirmed=False)
    assert classify(signs, None, TODAY, pathology_suspected=False).diagnosis is Diagnosis.LBP


def test_it_puts_suspected_pathology_first_but_keeps_the_working_diagnosis() -> None:
    result = classify(RADICULAR, None, TODAY, pathology_suspected=True)
    assert result.category is Category.SPECIFIC_PATHOLOGY_SUSPECTED
    assert result.diagnosis is Diagnosis.LRS
    assert [r.rule for r in result.reasons] == ["CL-SPECIFIC", "CL-LRS-SUSPECTED"]


@pytest.mark.parametrize(
    ("days", "category", "weeks"),
    [
        (0, Duration.ACUTE, 0),
        (41, Duration.ACUTE, 5),
        (42, Duration.SUBACUTE, 6),
        (84, Duration.SUBACUTE, 12),
        (85, Duration.CHRONIC, 12),
        (400, Duration.CHRONIC, 57),
    ],
)
def test_it_describes_duration_at_the_six_and_twelve_week_boundaries(
    days: int, category: Duration, weeks: int
) -> None:
    onset = date.fromordinal(TODAY.toordinal() - days)
    assert duration_of(onset, TODAY) == (category, weeks)


def test_it_leaves_duration_empty_without_an_onset_date() -> None:
    assert duration_of(None, TODAY) == (None, None)
