"""Care plans per profile and diagnosis (KNGF 2021 C.1-C.5, NICE NG59)."""

from __future__ import annotations

from datetime import date

import pytest

from backpath.clinical.citations import citations
from backpath.clinical.classification import Diagnosis
from backpath.clinical.pathway import (
    Mode,
    Moment,
    Strength,
    Verdict,
    care_plan,
    pathway_rules,
    session_budgets,
)
from backpath.clinical.stratification import Profile

START = date(2026, 11, 25)


def verdicts(profile: Profile, diagnosis: Diagnosis = Diagnosis.LBP) -> dict[str, Verdict]:
    plan = care_plan(profile, diagnosis, START)
    return {entry.id: entry.verdict for entry in plan.not_recommended}


@pytest.mark.parametrize("profile", list(Profile))
@pytest.mark.parametrize("diagnosis", list(Diagnosis))
def test_it_never_offers_tens_or_interferential(profile: Profile, diagnosis: Diagnosis) -> None:
    found = verdicts(profile, diagnosis)
    assert found["tens"] is Verdict.DO_NOT_OFFER
    assert found["interferential"] is Verdict.DO_NOT_OFFER
    for passive in ("ultrasound", "traction", "lumbar_support", "bed_rest"):
        assert found[passive] is Verdict.DO_NOT_OFFER


@pytest.mark.parametrize("passive", ["massage", "spinal_manipulation"])
def test_it_allows_massage_and_manipulation_only_as_add_on_outside_low_risk_and_lrs(
    passive: str,
) -> None:
    assert verdicts(Profile.LOW)[passive] is Verdict.DO_NOT_OFFER
    assert verdicts(Profile.HIGH, Diagnosis.LRS)[passive] is Verdict.DO_NOT_OFFER
    assert verdicts(Profile.MEDIUM)[passive] is Verdict.ADD_ON_ONLY
    assert verdicts(Profile.HIGH)[passive] is Verdict.ADD_ON_ONLY


def test_it_gives_low_risk_education_advice_and_self_directed_exercise_in_three_sessions() -> None:
    plan = care_plan(Profile.LOW, Diagnosis.LBP, START)
    assert plan.max_sessions == 3
    components = {c.id: c for c in plan.components}
    assert set(components) == {
        "education",
        "advice_stay_active",
        "exercise_therapy",
        "self_management",
    }
    assert components["exercise_therapy"].mode is Mode.SELF_DIRECTED
    assert components["exercise_therapy"].strength is Strength.CONSIDER


def test_it_gives_high_risk_supervised_exercise_graded_activity_and_behaviour_work() -> None:
    plan = care_plan(Profile.HIGH, Diagnosis.LBP, START)
    assert (plan.max_sessions, plan.within_weeks) == (12, 12)
    components = {c.id: c for c in plan.components}
    assert components["exercise_therapy"].mode is Mode.SUPERVISED
    assert components["graded_activity"].strength is Strength.OFFER
    assert components["behavioural_approach"].strength is Strength.OFFER


def test_it_uses_the_lrs_exercise_rule_for_lrs() -> None:
    plan = care_plan(Profile.MEDIUM, Diagnosis.LRS, START)
    exercise = next(c for c in plan.components if c.id == "exercise_therapy")
    assert exercise.reason.rule == "PW-EX-LRS"
    assert "PW-REF-LRS" in [r.rule for r in plan.referral_criteria]
    assert plan.max_sessions == 8


def test_it_dates_the_evaluations_from_the_start() -> None:
    low = care_plan(Profile.LOW, Diagnosis.LBP, START)
    assert [(e.at, e.due) for e in low.evaluations] == [
        (Moment.INTAKE, START),
        (Moment.EVALUATION, date(2026, 12, 16)),
        (Moment.DISCHARGE, None),
    ]
    medium = care_plan(Profile.MEDIUM, Diagnosis.LBP, START)
    assert [e.week for e in medium.evaluations] == [0, 6, 12, None]
    assert "qbpds" in medium.evaluations[1].instruments


def test_it_puts_contact_with_the_gp_first_when_asked() -> None:
    assert care_plan(Profile.LOW, Diagnosis.LBP, START).hold is None
    held = care_plan(Profile.LOW, Diagnosis.LBP, START, refer_first=True)
    assert held.hold is not None
    assert held.hold.rule == "PW-HOLD-GP"


@pytest.mark.parametrize("profile", list(Profile))
@pytest.mark.parametrize("diagnosis", list(Diagnosis))
def test_a_held_plan_offers_no_hands_on_care_and_no_false_reassurance(
    profile: Profile, diagnosis: Diagnosis
) -> None:
    """KNGF 2021 C.4.1 (fracture is a serious harm of manipulation), Finucane 2020 (IFOMPT):
    while the GP has not answered, manipulation and massage are never given; the patient is
    not told the pain passes by itself; the "no imaging without red flags" line goes."""
    held = care_plan(profile, diagnosis, START, refer_first=True)
    verdicts = {entry.id: entry.verdict for entry in held.not_recommended}
    assert verdicts["spinal_manipulation"] is Verdict.NEVER
    assert verdicts["massage"] is Verdict.NEVER
    assert "imaging" not in verdicts
    for component in held.components:
        assert "by itself" not in component.patient.en
        assert "vanzelf" not in component.patient.nl
    free = care_plan(profile, diagnosis, START)
    assert Verdict.NEVER not in {entry.verdict for entry in free.not_recommended}
    assert "imaging" in {entry.id for entry in free.not_recommended}


def test_it_applies_a_clinic_session_budget() -> None:
    budgets = session_budgets({Profile.LOW: 2})
    assert care_plan(Profile.LOW, Diagnosis.LBP, START, budgets=budgets).max_sessions == 2
    assert care_plan(Profile.HIGH, Diagnosis.LBP, START, budgets=budgets).max_sessions == 12


def test_it_cites_a_registered_source_for_every_plan_line() -> None:
    for profile in Profile:
        for diagnosis in Diagnosis:
            plan = care_plan(profile, diagnosis, START, refer_first=True)
            lines = [*plan.reasons, *plan.stop_criteria, *plan.referral_criteria, *plan.gp_reports]
            for reason in lines:
                assert reason.source in citations(), reason.rule
                assert reason.text.nl
                assert reason.text.en


def test_it_has_unique_rule_ids() -> None:
    rules = pathway_rules()
    ids = [line.rule for line in (*rules.components, *rules.not_recommended, *rules.evaluations)]
    assert len(ids) == len(set(ids))
