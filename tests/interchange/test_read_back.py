"""Typed read-back: what is stored as public JSON comes back as the core's own values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backpath.clinical.intake import assess, parse_intake
from backpath.clinical.language import Lang
from backpath.interchange import (
    assessment_from_record,
    assessment_json,
    in_language,
    not_recommended_lines,
    plan_from_record,
    plan_json,
    revise_input,
)

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.json"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_an_assessment_reads_back_as_it_was_decided(path: Path) -> None:
    core = assess(parse_intake(path.read_text()))
    stored = {lang.value: assessment_json(core, lang) for lang in Lang}
    record = assessment_from_record(stored)
    assert record.urgency is core.triage.urgency
    assert record.red_flags == core.triage.flag_ids
    assert record.diagnosis is core.classification.diagnosis
    assert record.profile_advice == (core.advice.profile if core.advice else None)
    assert record.factors == {factor.id for factor in core.factors}
    assert in_language(stored, Lang.NL) is stored["nl"]
    assert in_language(stored, "en") is stored["en"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_a_plan_reads_back_as_it_was_made(path: Path) -> None:
    plan = assess(parse_intake(path.read_text())).plan
    if plan is None:
        return
    stored = {lang.value: plan_json(plan, lang) for lang in Lang}
    record = plan_from_record(stored)
    assert record.profile is plan.profile
    assert record.diagnosis is plan.diagnosis
    assert record.max_sessions == plan.max_sessions
    assert record.on_hold == (plan.hold is not None)
    assert record.component_ids == tuple(c.id for c in plan.components)
    assert record.avoid == {n.id: n.verdict for n in plan.not_recommended}
    # Evaluations come back whole, decisions in both languages.
    assert record.evaluations == plan.evaluations
    lines = not_recommended_lines(stored, Lang.NL)
    assert list(lines) == [n.id for n in plan.not_recommended]
    for line in plan.not_recommended:
        assert lines[line.id]["reason"] == line.reason.text(Lang.NL)


def test_revising_a_stored_input_leaves_the_record_untouched() -> None:
    stored = json.loads(EXAMPLES[0].read_text())
    revised = revise_input(stored, session_budget={"low": 2})
    assert revised["session_budget"] == {"low": 2}
    assert "session_budget" not in stored
    assert parse_intake(revised).session_budget


def test_revising_an_input_stored_before_a_question_existed_marks_it_not_asked() -> None:
    """An older record never had the new questions asked: unscreened, never "no"."""
    stored = json.loads((EXAMPLES[0].parent / "low_risk.json").read_text())
    del stored["red_flags"]["CES-6"], stored["red_flags"]["MAL-7"]
    revised = revise_input(stored, today="2026-12-01")
    assert revised["red_flags"]["CES-6"] == "not_asked"
    assert assess(parse_intake(revised)).triage.unscreened == ("CES-6", "MAL-7")
