"""Intake input: every bad field gets a named, specific error; good input is assessed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.intake import assess, parse_intake
from backpath.clinical.language import Lang


def minimal(**extra: Any) -> dict[str, Any]:
    return {"today": "2026-11-25", "patient": {"age": 40}, **extra}


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
        (minimal(red_flags={"CES-1": "yes"}), "red_flags.CES-1", "valid boolean"),
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
