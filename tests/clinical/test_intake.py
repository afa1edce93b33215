"""Intake input: every bad field gets a named, specific error; good input is assessed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.intake import assess, parse_intake
from backpath.clinical.language import Lang
from tests.screening import screened


def minimal(**extra: Any) -> dict[str, Any]:
    return {"today": "2026-11-25", "patient": {"age": 40}, "red_flags": screened(), **extra}


@pytest.mark.parametrize(
    ("raw", "field", "problem"),
    [
        ("{not json", "input", "not valid JSON"),
        ("[]", "input", "should be an object"),
        (minimal(patient={"age": 12}), "patient.age", "greater than or equal to 16"),
        (minimal(patient={"age": "40"}), "patient.age", "valid integer"),
        (minimal(patient={"age": 40, "sex": "x"}), "patient.sex", "female"),
        (minimal(red_flag={}), "red_flag", "unknown field"),
        (minimal(red_flags={"CES-9": True}), "red_flags.CES-9", "unknown red flag"),
        (minimal(red_flags=screened(CES_1="yes")), "red_flags.CES-1", "must be true, false"),
        (minimal(red_flags=screened(CES_1="maybe")), "red_flags.CES-1", '"unknown" or "not_asked"'),
        (minimal(red_flags={}), "red_flags", "not answered: CES-1, CES-6"),
        (
            minimal(red_flags={k: v for k, v in screened().items() if k != "MAL-7"}),
            "red_flags",
            "not answered: MAL-7.",
        ),
        (
            minimal(gp_answer={"answered_on": "2026-11-26", "note": "ok"}),
            "gp_answer.answered_on",
            "after today",
        ),
        (
            minimal(gp_answer={"answered_on": "2026-11-20", "note": " "}),
            "gp_answer.note",
            "at least 1 character",
        ),
        (minimal(complaint={"course": "better"}), "complaint.course", "improving"),
        (minimal(answers={"sbst": {}}), "answers.sbst", "unknown instrument"),
        (minimal(prognostic_factors=["stress"]), "prognostic_factors", "unknown factor"),
        (minimal(complaint={"onset": "2026-12-01"}), "complaint.onset", "after today"),
        (minimal(complaint={"onset": "yesterday"}), "complaint.onset", "valid date"),
        (minimal(complaint={"leg_pain": "foot"}), "complaint.leg_pain", "below_knee"),
        (minimal(profile_override={"profile": "high"}), "profile_override.reason", "required"),
        (
            minimal(profile_override={"profile": "high", "reason": "   "}),
            "profile_override.reason",
            "at least 1 character",
        ),
        (minimal(session_budget={"low": 0}), "session_budget.low", "greater than or equal to 1"),
        (minimal(session_budget={"lowest": 2}), "session_budget.lowest", "low"),
        ({"patient": {"age": 40}}, "today", "required"),
    ],
)
def test_it_names_the_field_and_the_problem(raw: Any, field: str, problem: str) -> None:
    text = raw if isinstance(raw, str) else json.dumps(raw)
    with pytest.raises(ClinicalInputError) as error:
        parse_intake(text)
    assert error.value.field == field
    assert problem in error.value.problem


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"startback": {"q10": 1}}, "answers.startback.q10"),
        ({"startback": {"q1": 2}}, "answers.startback.q1"),
        ({"startback": {"q1": True}}, "answers.startback.q1"),
        ({"nprs": {"q1": 4.0}}, "answers.nprs.q1"),
        ({"nprs": {"q1": "4"}}, "answers.nprs.q1"),
    ],
)
def test_it_checks_answers_against_the_instrument(answers: Any, field: str) -> None:
    intake = parse_intake(minimal(answers=answers))
    with pytest.raises(ClinicalInputError) as error:
        assess(intake)
    assert error.value.field == field


def test_it_accepts_a_mapping_and_text_alike() -> None:
    raw = minimal(answers={"nprs": {"q1": 4}})
    assert parse_intake(raw) == parse_intake(json.dumps(raw))


def test_it_scores_an_incomplete_questionnaire_as_not_valid_and_advises_without_it() -> None:
    result = assess(parse_intake(minimal(answers={"startback": {"q1": 1, "q2": None}})))
    assert not result.scores["startback"].valid
    assert result.risk is None
    assert result.advice is not None
    assert result.advice.reason.rule == "STRAT-PF"
    assert "q9" in result.scores["startback"].interpretation(Lang.EN)


def test_it_keeps_the_clinicians_reason_with_the_profile() -> None:
    override = {"profile": "medium", "reason": "Long sick leave"}
    result = assess(parse_intake(minimal(profile_override=override)))
    assert result.profile is not None
    assert result.profile.value == "medium"
    assert result.profile_reason is not None
    assert "Long sick leave" in result.profile_reason.text(Lang.NL)


def test_unasked_is_never_no() -> None:
    """Issue #10 item 5: an intake that does not answer every question is refused."""
    raw = {"today": "2026-11-25", "patient": {"age": 40}}
    with pytest.raises(ClinicalInputError) as error:
        parse_intake(raw)
    assert error.value.field == "red_flags"
    assert "not_asked" in error.value.problem


@pytest.mark.parametrize("answer", ["unknown", "not_asked"])
def test_an_unscreened_question_keeps_the_result_from_no_warning_signs(answer: str) -> None:
    """KNGF 2021 B.1.3: screening is the first step; what was not screened is said so."""
    result = assess(parse_intake(minimal(red_flags=screened(CES_2=answer, GEN_1=answer))))
    assert result.triage.urgency.value == "caution"
    assert result.triage.unscreened == ("CES-2", "GEN-1")
    assert not result.triage.complete
    assert "No warning signs" not in result.triage.label()(Lang.EN)
    assert "not been answered" in result.triage.advice()(Lang.EN)
    assert any(
        r.rule == "RF-UNSCREENED" and "CES-2, GEN-1" in r.text(Lang.EN) for r in result.reasons
    )


def test_a_complete_screening_without_findings_says_no_warning_signs() -> None:
    result = assess(parse_intake(minimal()))
    assert result.triage.urgency.value == "none"
    assert result.triage.complete
    assert result.triage.label()(Lang.EN) == "No warning signs"


def test_an_unscreened_question_does_not_hide_a_finding() -> None:
    result = assess(parse_intake(minimal(red_flags=screened("MAL-1", CES_2="unknown"))))
    assert result.triage.urgency.value == "refer_gp"
    assert "this week" in result.triage.label()(Lang.EN)


def test_the_gp_answer_releases_the_hold() -> None:
    """KNGF 2021 B.1.3: after the GP's answer the plan goes on without the hold."""
    held = assess(parse_intake(minimal(red_flags=screened("GEN-1"))))
    assert held.plan is not None
    assert held.plan.hold is not None
    answer = {"answered_on": "2026-11-24", "note": "No serious cause; physiotherapy may go on"}
    released = assess(parse_intake(minimal(red_flags=screened("GEN-1"), gp_answer=answer)))
    assert released.triage.urgency.value == "refer_gp"  # the finding itself stays on record
    assert released.plan is not None
    assert released.plan.hold is None
    assert released.classification.category.value == "lbp"
    assert released.reasons[0].rule == "PW-GP-ANSWER"
    assert "physiotherapy may go on" in released.reasons[0].text(Lang.EN)


@pytest.mark.parametrize(
    ("age", "first_episode", "unscreened"),
    [
        (51, None, ("MAL-5",)),
        (19, None, ("MAL-9",)),
        (35, None, ()),
        (51, False, ()),
        (19, True, ()),
    ],
)
def test_an_unasked_first_episode_leaves_its_derived_flags_unscreened(
    age: int, first_episode: bool | None, unscreened: tuple[str, ...]
) -> None:
    """MAL-5 (Verhagen 2016) and MAL-9 (AHCPR 1994) need the first-episode answer."""
    complaint = {} if first_episode is None else {"first_episode": first_episode}
    result = assess(parse_intake(minimal(patient={"age": age}, complaint=complaint)))
    assert result.triage.unscreened == unscreened
    if unscreened:
        assert result.triage.urgency.value != "none"


def test_unrelieved_pain_without_a_pain_score_leaves_pain_2_unscreened() -> None:
    """PAIN-2 (NHG 2017) needs the NPRS: without it the result says so."""
    result = assess(parse_intake(minimal(red_flags=screened("PAIN-1"))))
    assert result.triage.unscreened == ("PAIN-2",)
    scored = assess(
        parse_intake(minimal(red_flags=screened("PAIN-1"), answers={"nprs": {"q1": 3}}))
    )
    assert scored.triage.unscreened == ()
