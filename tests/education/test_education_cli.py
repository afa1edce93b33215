"""`backpath education`: the modules as JSON, or one profile's curriculum; bad profiles exit 2."""

from __future__ import annotations

import json
from typing import Any

import pytest

from backpath.cli import main
from backpath.education.modules import SAFETY_NET, modules


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    return json.loads(out)


def test_it_lists_the_modules_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    listed = run_json(capsys, "education")
    assert [entry["id"] for entry in listed] == list(modules())
    for entry in listed:
        assert set(entry) == {
            "id",
            "title",
            "body",
            "week",
            "psychosocial",
            "sources",
            "questions",
        }
        assert set(entry["title"]) == set(entry["body"]) == {"nl", "en"}
        assert isinstance(entry["week"], int)
        assert isinstance(entry["psychosocial"], bool)
        assert entry["sources"]
        for question in entry["questions"]:
            assert set(question) == {"question", "options", "answer"}
            assert all(set(option) == {"nl", "en"} for option in question["options"])
            assert 0 <= question["answer"] < len(question["options"])


def test_it_prints_the_high_risk_curriculum_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    plan = run_json(capsys, "education", "--profile", "high")
    assert all(set(item) == {"week", "id"} for item in plan)
    pairs = [(item["week"], item["id"]) for item in plan]
    assert pairs == sorted(pairs)
    assert pairs[:8] == [
        (1, "fear_of_movement"),
        (1, "good_prognosis"),
        (1, "hurt_is_not_harm"),
        (1, "pacing_and_graded_activity"),
        (1, "serious_causes_and_scans"),
        (1, "stay_active"),
        (1, "what_is_low_back_pain"),
        (1, SAFETY_NET),
    ]
    assert pairs[8:10] == [(2, "sleep"), (2, "stress_and_relaxation")]


def test_it_prints_the_low_risk_curriculum(capsys: pytest.CaptureFixture[str]) -> None:
    plan = run_json(capsys, "education", "--profile", "low")
    assert max(item["week"] for item in plan) == 3
    assert {"week": 1, "id": SAFETY_NET} in plan


def test_it_refuses_an_unknown_profile(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["education", "--profile", "severe"])
    out, err = capsys.readouterr()
    assert exit_.value.code == 2
    assert out == ""
    assert "invalid choice: 'severe'" in err
