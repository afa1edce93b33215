"""The prevention checks (docs/clinical/reference.md §7.5): every rule at its boundary, answers
refused by field, advice that is never empty, sourced, and in reassuring words, and loud,
naming file and field, when the data file breaks."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from backpath.clinical.citations import citations
from backpath.clinical.datafiles import DataFileError
from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.language import Text
from backpath.education.modules import forbidden_words, modules
from backpath.education.prevention import (
    DATA,
    Check,
    CheckKind,
    QuestionKind,
    advice_by_ids,
    advise,
    bmi,
    checks,
    load_checks,
    validate,
)

INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jullie|jezelf)\b", re.IGNORECASE)

# Answers that need no advice: each check then gives only its well-done advice.
FINE: dict[CheckKind, dict[str, Any]] = {
    CheckKind.WORKSTATION: {
        "chair": "yes",
        "desk": "yes",
        "screen": "yes",
        "laptop": "no",
        "breaks": "every_30_min",
        "sitting_hours_work": 5,
        "standing_walking_minutes": 90,
    },
    CheckKind.LIFESTYLE: {
        "activity_minutes": 200,
        "strength_days": "twice_or_more",
        "sitting_hours": 6,
        "height_cm": 180,
        "weight_kg": 70,
        "sleep_hours": 7.5,
        "sleep_quality": "good",
        "stress": 3,
        "smoking": "no",
    },
}


# (rule, answers that fire it, the nearest answers that do not), on top of FINE.
BOUNDARIES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    # Workstation and sitting.
    ("PREV-SIT-BREAKS", {"breaks": "less_often"}, {"breaks": "hourly"}),
    ("PREV-WS-SITTING-TIME", {"sitting_hours_work": 6}, {"sitting_hours_work": 5.9}),
    ("PREV-WS-STAND-WALK", {"standing_walking_minutes": 29}, {"standing_walking_minutes": 30}),
    ("PREV-WS-CHAIR", {"chair": "no"}, {"chair": "no_desk"}),
    ("PREV-WS-CHAIR", {"chair": "dont_know"}, {"chair": "yes"}),
    ("PREV-WS-DESK", {"desk": "no"}, {"desk": "no_desk"}),
    ("PREV-WS-DESK", {"desk": "dont_know"}, {"desk": "yes"}),
    ("PREV-WS-SCREEN", {"screen": "no"}, {"screen": "no_desk"}),
    ("PREV-WS-SCREEN", {"screen": "dont_know"}, {"screen": "yes"}),
    ("PREV-WS-LAPTOP", {"laptop": "yes"}, {"laptop": "no_desk"}),
    # Lifestyle.
    ("PREV-ACT-150", {"activity_minutes": 149}, {"activity_minutes": 150}),
    ("PREV-ACT-STRENGTH", {"strength_days": "once"}, {"strength_days": "twice_or_more"}),
    ("PREV-ACT-EXERCISE", {"strength_days": "none"}, {"strength_days": "once"}),
    ("PREV-LS-SITTING", {"sitting_hours": 8}, {"sitting_hours": 7.9}),
    # BMI 25.0 (36 kg at 1.20 m) against 24.9 (35.9 kg); 100 kg at 2 m against 99.6 kg.
    ("PREV-LS-WEIGHT", {"height_cm": 120, "weight_kg": 36}, {"height_cm": 120, "weight_kg": 35.9}),
    ("PREV-LS-WEIGHT", {"height_cm": 200, "weight_kg": 100}, {"height_cm": 200, "weight_kg": 99.6}),
    # Skipped height and weight: no BMI, so no weight advice.
    (
        "PREV-LS-WEIGHT",
        {"height_cm": 200, "weight_kg": 100},
        {"height_cm": None, "weight_kg": None},
    ),
    ("PREV-LS-SMOKING", {"smoking": "yes"}, {"smoking": "stopped"}),
    ("PREV-LS-SMOKING", {"smoking": "yes"}, {"smoking": "no"}),
    ("PREV-LS-SLEEP", {"sleep_hours": 5.9}, {"sleep_hours": 6}),
    ("PREV-LS-SLEEP", {"sleep_quality": "poor"}, {"sleep_quality": "fair"}),
    ("PREV-LS-STRESS", {"stress": 7}, {"stress": 6}),
]


def kind_of(rule_id: str) -> CheckKind:
    return next(k for k, c in checks().items() if rule_id in {r.id for r in c.rules})


def rules_for(kind: CheckKind, **changes: Any) -> list[str]:
    return [advice.rule for advice in advise(kind, {**FINE[kind], **changes})]


def texts(node: object, where: str = "") -> Iterator[tuple[str, str, str]]:
    """(where, language, text) for every Text a patient reads, found anywhere in the models."""
    if isinstance(node, Text):
        yield where, "nl", node.nl
        yield where, "en", node.en
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from texts(getattr(node, name), f"{where}.{name}".lstrip("."))
    elif isinstance(node, tuple):
        for n, item in enumerate(node):
            yield from texts(item, f"{where}.{n}")


class TestContent:
    def test_it_asks_what_the_brief_asks(self) -> None:
        asked = {kind: [q.id for q in check.questions] for kind, check in checks().items()}
        assert asked[CheckKind.WORKSTATION] == [
            "chair",
            "desk",
            "screen",
            "laptop",
            "breaks",
            "sitting_hours_work",
            "standing_walking_minutes",
        ]
        assert set(asked[CheckKind.LIFESTYLE]) >= {
            "activity_minutes",
            "sitting_hours",
            "height_cm",
            "weight_kg",
            "sleep_hours",
            "sleep_quality",
            "stress",
            "smoking",
        }

    @pytest.mark.parametrize(
        ("question", "low", "high"),
        [
            ("activity_minutes", 0, 3000),
            ("sitting_hours", 0, 24),
            ("height_cm", 100, 250),
            ("weight_kg", 30, 300),
            ("sleep_hours", 0, 16),
            ("stress", 0, 10),
        ],
    )
    def test_it_keeps_the_lifestyle_ranges(self, question: str, low: int, high: int) -> None:
        found = checks()[CheckKind.LIFESTYLE].question(question)
        assert found is not None
        assert (found.kind, found.min, found.max) == (QuestionKind.NUMBER, low, high)

    def test_it_lets_the_patient_skip_height_and_weight_only(self) -> None:
        for kind, check in checks().items():
            optional = {q.id for q in check.questions if q.optional}
            expected = {"height_cm", "weight_kg"} if kind is CheckKind.LIFESTYLE else set()
            assert optional == expected

    def test_it_never_uses_a_fear_inducing_word(self) -> None:
        found = [
            (kind.value, where, lang, forbidden_words(text))
            for kind, check in checks().items()
            for where, lang, text in texts(check)
            if forbidden_words(text)
        ]
        assert found == []

    def test_it_scans_a_good_number_of_texts(self) -> None:
        # The scan above must really walk the file: titles, intros, questions, options, units,
        # rules and the well-done advice, in both languages.
        for check in checks().values():
            places = {where.split(".")[0] for where, _lang, _text in texts(check)}
            assert places == {"title", "intro", "questions", "rules", "well_done"}
            assert sum(1 for _ in texts(check)) > 40

    def test_it_addresses_the_patient_formally_in_dutch(self) -> None:
        for check in checks().values():
            for where, lang, text in texts(check):
                if lang == "nl":
                    assert not INFORMAL.search(text), where

    def test_it_cites_only_known_sources(self) -> None:
        for check in checks().values():
            for item in (*check.rules, check.well_done):
                assert item.citation in citations(), item.id

    def test_it_cites_the_prevention_literature(self) -> None:
        cited = {item.citation for c in checks().values() for item in (*c.rules, c.well_done)}
        assert {"steffens2016", "gezondheidsraad2017"} <= cited

    def test_it_links_only_existing_modules(self) -> None:
        for check in checks().values():
            for item in (*check.rules, check.well_done):
                assert item.module is None or item.module in modules(), item.id

    def test_it_presents_posture_as_vary_and_move(self) -> None:
        workstation = checks()[CheckKind.WORKSTATION]
        assert "niet één goede houding" in workstation.intro.nl
        assert "no single right posture" in workstation.intro.en
        for where, _lang, text in texts(workstation):
            assert "correct posture" not in text.lower(), where
            assert "juiste houding" not in text.lower(), where

    def test_it_never_presents_lifting_technique_as_prevention(self) -> None:
        for check in checks().values():
            for where, _lang, text in texts(check):
                assert "lift" not in text.lower(), where
                assert "tillen" not in text.lower(), where

    def test_it_signposts_help_to_stop_smoking(self) -> None:
        rule = next(r for r in checks()[CheckKind.LIFESTYLE].rules if r.id == "PREV-LS-SMOKING")
        assert "Stoppen met roken" in rule.advice.nl
        for word in ("ikstopnu.nl", "0800-1995", "huisarts"):
            assert word in rule.advice.nl
        assert "GP" in rule.advice.en

    def test_it_gives_weight_advice_as_general_health_not_the_cause(self) -> None:
        rule = next(r for r in checks()[CheckKind.LIFESTYLE].rules if r.id == "PREV-LS-WEIGHT")
        assert "niet per se de oorzaak" in rule.advice.nl
        assert "not necessarily the cause" in rule.advice.en


class TestRules:
    @pytest.mark.parametrize("kind", list(CheckKind))
    def test_it_praises_answers_that_need_no_advice(self, kind: CheckKind) -> None:
        assert rules_for(kind) == [checks()[kind].well_done.id]

    @pytest.mark.parametrize(("rule", "fires", "quiet"), BOUNDARIES)
    def test_it_fires_each_rule_at_its_boundary(
        self, rule: str, fires: dict[str, Any], quiet: dict[str, Any]
    ) -> None:
        kind = kind_of(rule)
        fired = rules_for(kind, **fires)
        assert rule in fired
        assert checks()[kind].well_done.id not in fired
        assert rule not in rules_for(kind, **quiet)

    def test_it_tests_every_rule_at_its_boundary(self) -> None:
        tested = {rule for rule, _fires, _quiet in BOUNDARIES}
        assert tested == {r.id for c in checks().values() for r in c.rules}

    def test_it_gives_every_piece_of_advice_in_the_file_order(self) -> None:
        worst = {
            "activity_minutes": 0,
            "strength_days": "none",
            "sitting_hours": 12,
            "height_cm": 160,
            "weight_kg": 90,
            "sleep_hours": 4,
            "sleep_quality": "poor",
            "stress": 10,
            "smoking": "yes",
        }
        lifestyle = checks()[CheckKind.LIFESTYLE]
        assert rules_for(CheckKind.LIFESTYLE, **worst) == [r.id for r in lifestyle.rules]

    def test_it_points_stress_and_poor_sleep_to_their_modules(self) -> None:
        advice = advise(CheckKind.LIFESTYLE, {**FINE[CheckKind.LIFESTYLE], "stress": 8})
        assert [(a.rule, a.module) for a in advice] == [("PREV-LS-STRESS", "stress_and_relaxation")]
        advice = advise(CheckKind.LIFESTYLE, {**FINE[CheckKind.LIFESTYLE], "sleep_quality": "poor"})
        assert [(a.rule, a.module) for a in advice] == [("PREV-LS-SLEEP", "sleep")]

    def test_it_carries_text_citation_and_module_with_each_advice(self) -> None:
        (advice,) = advise(CheckKind.LIFESTYLE, {**FINE[CheckKind.LIFESTYLE], "smoking": "yes"})
        assert advice.rule == "PREV-LS-SMOKING"
        assert advice.citation == "shiri2010-smoking"
        assert advice.module == "healthy_weight_and_smoking"
        assert "Stoppen met roken" in advice.text.nl

    def test_it_gives_stored_advice_back_by_id(self) -> None:
        ids = rules_for(CheckKind.LIFESTYLE, stress=9, smoking="yes")
        again = advice_by_ids(CheckKind.LIFESTYLE, [*ids, "PREV-GONE"])
        assert [a.rule for a in again] == ids

    @pytest.mark.parametrize(
        ("height", "weight", "expected"),
        [(120, 36, 25.0), (120, 35.9, 24.9), (200, 100, 25.0), (200, 99.6, 24.9), (180, 81, 25.0)],
    )
    def test_it_computes_bmi_to_one_decimal(
        self, height: float, weight: float, expected: float
    ) -> None:
        assert bmi(height, weight) == expected

    def test_it_rounds_bmi_half_up(self) -> None:
        # 24.95 exactly (24.95 * 1.44 = 35.928 kg): reported, and advised, as 25.0.
        assert bmi(120, 35.928) == 25.0


class TestValidate:
    @pytest.mark.parametrize(
        ("changes", "field", "problem"),
        [
            ({"weight_kg": 0}, "weight_kg", "from 30 to 300 kg"),
            ({"weight_kg": 900}, "weight_kg", "from 30 to 300 kg"),
            ({"weight_kg": 29.9}, "weight_kg", "from 30 to 300"),
            ({"height_cm": 99}, "height_cm", "from 100 to 250 cm"),
            ({"height_cm": 251}, "height_cm", "from 100 to 250"),
            ({"height_cm": 170.5}, "height_cm", "a whole number"),
            ({"weight_kg": 70.25}, "weight_kg", "at most one decimal"),
            ({"activity_minutes": -1}, "activity_minutes", "from 0 to 3000"),
            ({"activity_minutes": 3001}, "activity_minutes", "from 0 to 3000"),
            ({"sitting_hours": 24.1}, "sitting_hours", "from 0 to 24"),
            ({"sleep_hours": 17}, "sleep_hours", "from 0 to 16"),
            ({"stress": 11}, "stress", "from 0 to 10"),
            ({"stress": "a lot"}, "stress", "must be a number"),
            ({"stress": True}, "stress", "must be a number"),
            ({"stress": float("nan")}, "stress", "must be a number"),
            ({"stress": "Infinity"}, "stress", "must be a number"),
            ({"stress": [3]}, "stress", "must be a number"),
            ({"smoking": "sometimes"}, "smoking", "one of yes, no, stopped"),
            ({"smoking": 1}, "smoking", "one of yes, no, stopped"),
            ({"smoking": None}, "smoking", "an answer is needed"),
            ({"smoking": " "}, "smoking", "an answer is needed"),
            ({"weight_kg": None}, "weight_kg", "give both height_cm and weight_kg, or neither"),
            ({"height_cm": ""}, "height_cm", "give both height_cm and weight_kg, or neither"),
            ({"shoe_size": 42}, "shoe_size", "no such question"),
        ],
    )
    def test_it_refuses_a_bad_answer_naming_the_field(
        self, changes: dict[str, Any], field: str, problem: str
    ) -> None:
        answers = {**FINE[CheckKind.LIFESTYLE], **changes}
        with pytest.raises(ClinicalInputError) as refused:
            validate(CheckKind.LIFESTYLE, answers)
        assert refused.value.field == field
        assert problem in refused.value.problem

    def test_it_refuses_a_missing_answer(self) -> None:
        answers = dict(FINE[CheckKind.WORKSTATION])
        del answers["breaks"]
        with pytest.raises(ClinicalInputError, match=r"^breaks: an answer is needed"):
            validate(CheckKind.WORKSTATION, answers)

    def test_it_refuses_an_unknown_check(self) -> None:
        with pytest.raises(ClinicalInputError) as refused:
            validate("diet", {})
        assert refused.value.field == "check"
        assert "workstation, lifestyle" in refused.value.problem

    def test_it_refuses_answers_that_are_not_a_mapping(self) -> None:
        with pytest.raises(ClinicalInputError, match=r"^answers:"):
            validate(CheckKind.WORKSTATION, ["yes"])

    def test_it_accepts_height_and_weight_both_skipped(self) -> None:
        answers = {**FINE[CheckKind.LIFESTYLE], "height_cm": "", "weight_kg": None}
        valid = validate(CheckKind.LIFESTYLE, answers)
        assert (valid["height_cm"], valid["weight_kg"]) == (None, None)

    def test_it_reads_numbers_from_form_text_and_decimals(self) -> None:
        answers = {
            **FINE[CheckKind.LIFESTYLE],
            "height_cm": " 172 ",
            "weight_kg": Decimal("68.5"),
            "sleep_hours": "7.0",
            "stress": 4.0,
        }
        valid = validate(CheckKind.LIFESTYLE, answers)
        assert valid["height_cm"] == 172
        assert isinstance(valid["height_cm"], int)
        assert valid["weight_kg"] == 68.5
        assert valid["sleep_hours"] == 7.0
        assert valid["stress"] == 4
        assert isinstance(valid["stress"], int)

    def test_it_gives_validated_answers_back_unchanged(self) -> None:
        for kind, answers in FINE.items():
            once = validate(kind, answers)
            assert validate(kind, once) == once


@st.composite
def in_range_answers(draw: st.DrawFn, kind: CheckKind) -> dict[str, Any]:
    """Any answer set a patient could give: options, numbers in range, optional pairs skipped."""
    check = checks()[kind]
    answers: dict[str, Any] = {}
    for question in check.questions:
        if question.kind is QuestionKind.CHOICE:
            answers[question.id] = draw(st.sampled_from([o.value for o in question.options]))
        else:
            assert question.min is not None
            assert question.max is not None
            scale = 10**question.decimals
            tenths = draw(st.integers(int(question.min * scale), int(question.max * scale)))
            value = Decimal(tenths) / scale
            answers[question.id] = draw(st.sampled_from([value, str(value), float(value)]))
    for pair in check.answered_together:
        if draw(st.booleans()):
            answers.update(dict.fromkeys(pair, draw(st.sampled_from([None, ""]))))
    return answers


@settings(max_examples=300)
@given(data=st.data(), kind=st.sampled_from(list(CheckKind)))
def test_it_accepts_and_advises_every_in_range_answer_set(
    data: st.DataObject, kind: CheckKind
) -> None:
    answers = data.draw(in_range_answers(kind))
    valid = validate(kind, answers)
    assert set(valid) == {q.id for q in checks()[kind].questions}
    advice = advise(kind, answers)
    assert advice  # never an empty page
    ids = [a.rule for a in advice]
    assert len(ids) == len(set(ids))
    well_done = checks()[kind].well_done.id
    assert well_done not in ids or ids == [well_done]


Mutation = Callable[[dict[str, Any]], object]


class TestBrokenFile:
    """Copy the data file, break it, and expect the file and the field named."""

    @pytest.fixture
    def path(self, tmp_path: Path) -> Path:
        copy = tmp_path / DATA.name
        shutil.copyfile(DATA, copy)
        return copy

    def broken(self, path: Path, mutate: Mutation) -> str:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        mutate(raw)
        path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        with pytest.raises(DataFileError) as error:
            load_checks(path)
        return str(error.value)

    @staticmethod
    def rule(raw: dict[str, Any], kind: str, rule_id: str) -> dict[str, Any]:
        found: dict[str, Any] = next(r for r in raw[kind]["rules"] if r["id"] == rule_id)
        return found

    @staticmethod
    def question(raw: dict[str, Any], kind: str, question_id: str) -> dict[str, Any]:
        found: dict[str, Any] = next(q for q in raw[kind]["questions"] if q["id"] == question_id)
        return found

    def test_it_loads_an_unbroken_copy(self, path: Path) -> None:
        loaded = load_checks(path)
        assert set(loaded) == set(CheckKind)
        assert all(isinstance(check, Check) for check in loaded.values())
        assert loaded == dict(checks())

    def test_it_refuses_an_unknown_citation(self, path: Path) -> None:
        def mutate(raw: dict[str, Any]) -> None:
            raw["lifestyle"]["rules"][0]["citation"] = "nobody2099"

        message = self.broken(path, mutate)
        assert message.startswith("prevention.yaml: lifestyle.rules.0.citation:")
        assert "nobody2099" in message

    def test_it_refuses_an_unknown_citation_for_the_well_done_advice(self, path: Path) -> None:
        message = self.broken(
            path, lambda raw: raw["workstation"]["well_done"].update(citation="x")
        )
        assert message.startswith("prevention.yaml: workstation.well_done.citation:")

    def test_it_refuses_an_unknown_module(self, path: Path) -> None:
        def mutate(raw: dict[str, Any]) -> None:
            raw["lifestyle"]["rules"][-1]["module"] = "yoga"

        message = self.broken(path, mutate)
        last = len(checks()[CheckKind.LIFESTYLE].rules) - 1
        assert message.startswith(f"prevention.yaml: lifestyle.rules.{last}.module:")
        assert "yoga" in message

    def test_it_refuses_a_missing_english_text(self, path: Path) -> None:
        message = self.broken(path, lambda raw: raw["workstation"]["title"].pop("en"))
        assert message.startswith("prevention.yaml: workstation.title.en:")

    def test_it_refuses_advice_without_english(self, path: Path) -> None:
        def mutate(raw: dict[str, Any]) -> None:
            raw["lifestyle"]["rules"][1]["advice"]["en"] = " "

        message = self.broken(path, mutate)
        assert message.startswith("prevention.yaml: lifestyle.rules.1.advice.en:")

    def test_it_refuses_a_condition_on_an_unknown_question(self, path: Path) -> None:
        def mutate(raw: dict[str, Any]) -> None:
            raw["workstation"]["rules"][0]["when"][0]["question"] = "posture"

        message = self.broken(path, mutate)
        assert message.startswith("prevention.yaml: workstation.rules.0.when.0.question:")
        assert "posture" in message

    def test_it_refuses_a_condition_on_an_unknown_option(self, path: Path) -> None:
        def mutate(raw: dict[str, Any]) -> None:
            raw["workstation"]["rules"][0]["when"][0]["in"] = ["never"]

        message = self.broken(path, mutate)
        assert message.startswith("prevention.yaml: workstation.rules.0.when.0.in.0:")

    def test_it_refuses_a_number_test_on_a_choice(self, path: Path) -> None:
        def mutate(raw: dict[str, Any]) -> None:
            raw["workstation"]["rules"][0]["when"][0] = {"question": "breaks", "lt": 3}

        message = self.broken(path, mutate)
        assert message.startswith("prevention.yaml: workstation.rules.0.when.0:")
        assert "choice" in message

    def test_it_refuses_an_option_test_on_a_number(self, path: Path) -> None:
        def mutate(raw: dict[str, Any]) -> None:
            self.rule(raw, "lifestyle", "PREV-LS-STRESS")["when"][0] = {
                "question": "stress",
                "in": ["high"],
            }

        message = self.broken(path, mutate)
        assert "lifestyle.rules." in message
        assert ".when.0.in:" in message

    def test_it_refuses_a_condition_that_mixes_tests(self, path: Path) -> None:
        def mutate(raw: dict[str, Any]) -> None:
            raw["workstation"]["rules"][0]["when"][0]["lt"] = 3

        message = self.broken(path, mutate)
        assert message.startswith("prevention.yaml: workstation.rules.0.when.0:")

    def test_it_refuses_bmi_in_a_check_without_height_and_weight(self, path: Path) -> None:
        def mutate(raw: dict[str, Any]) -> None:
            raw["workstation"]["rules"][0]["when"][0] = {"question": "bmi", "gte": 25}

        message = self.broken(path, mutate)
        assert message.startswith("prevention.yaml: workstation.rules.0.when.0.question:")
        assert "height_cm" in message

    def test_it_refuses_a_number_question_without_a_unit(self, path: Path) -> None:
        message = self.broken(
            path, lambda raw: self.question(raw, "lifestyle", "weight_kg").pop("unit")
        )
        assert message.startswith("prevention.yaml: lifestyle.questions.4:")
        assert "unit" in message

    def test_it_refuses_a_range_upside_down(self, path: Path) -> None:
        message = self.broken(
            path, lambda raw: self.question(raw, "lifestyle", "stress").update(min=10, max=0)
        )
        assert "lifestyle.questions." in message
        assert "must be below max" in message

    def test_it_refuses_a_choice_with_one_option(self, path: Path) -> None:
        def mutate(raw: dict[str, Any]) -> None:
            del self.question(raw, "workstation", "breaks")["options"][1:]

        message = self.broken(path, mutate)
        assert message.startswith("prevention.yaml: workstation.questions.4:")
        assert "two options" in message

    @pytest.mark.parametrize(
        ("question_id", "changes", "problem"),
        [
            (
                "breaks",
                {"options": [{"value": "x", "label": {"nl": "x", "en": "x"}}] * 2},
                "unique",
            ),
            ("breaks", {"unit": {"nl": "keer", "en": "times"}}, "no min, max or unit"),
            (
                "stress",
                {"options": [{"value": "x", "label": {"nl": "x", "en": "x"}}]},
                "no options",
            ),
        ],
    )
    def test_it_refuses_a_question_that_does_not_fit_its_kind(
        self, path: Path, question_id: str, changes: dict[str, Any], problem: str
    ) -> None:
        kind = "workstation" if question_id == "breaks" else "lifestyle"
        message = self.broken(
            path, lambda raw: self.question(raw, kind, question_id).update(changes)
        )
        assert message.startswith(f"prevention.yaml: {kind}.questions.")
        assert problem in message

    def test_it_refuses_a_condition_without_a_test(self, path: Path) -> None:
        def mutate(raw: dict[str, Any]) -> None:
            raw["workstation"]["rules"][0]["when"][0] = {"question": "breaks"}

        message = self.broken(path, mutate)
        assert message.startswith("prevention.yaml: workstation.rules.0.when.0:")
        assert "give 'in'" in message

    def test_it_refuses_a_repeated_question_id(self, path: Path) -> None:
        def mutate(raw: dict[str, Any]) -> None:
            raw["lifestyle"]["questions"][1]["id"] = raw["lifestyle"]["questions"][0]["id"]

        message = self.broken(path, mutate)
        assert message.startswith("prevention.yaml: lifestyle.questions.1.id:")
        assert "repeated" in message

    def test_it_refuses_a_question_named_like_a_derived_value(self, path: Path) -> None:
        message = self.broken(path, lambda raw: raw["lifestyle"]["questions"][0].update(id="bmi"))
        assert message.startswith("prevention.yaml: lifestyle.questions.0.id:")
        assert "derived" in message

    def test_it_refuses_an_option_test_on_bmi(self, path: Path) -> None:
        def mutate(raw: dict[str, Any]) -> None:
            self.rule(raw, "lifestyle", "PREV-LS-WEIGHT")["when"][0] = {
                "question": "bmi",
                "in": ["high"],
            }

        message = self.broken(path, mutate)
        assert ".when.0.in: 'bmi' is a number" in message

    def test_it_refuses_a_repeated_rule_id(self, path: Path) -> None:
        def mutate(raw: dict[str, Any]) -> None:
            raw["lifestyle"]["rules"][1]["id"] = raw["workstation"]["rules"][0]["id"]

        message = self.broken(path, mutate)
        assert message.startswith("prevention.yaml: lifestyle.rules.1.id:")
        assert "repeated" in message

    def test_it_refuses_a_badly_formed_rule_id(self, path: Path) -> None:
        message = self.broken(path, lambda raw: raw["lifestyle"]["rules"][0].update(id="act-150"))
        assert message.startswith("prevention.yaml: lifestyle.rules.0.id:")

    def test_it_refuses_a_pair_that_is_not_optional(self, path: Path) -> None:
        def mutate(raw: dict[str, Any]) -> None:
            raw["lifestyle"]["answered_together"] = [["height_cm", "stress"]]

        message = self.broken(path, mutate)
        assert message.startswith("prevention.yaml: lifestyle.answered_together.0.1:")

    def test_it_refuses_an_unknown_field(self, path: Path) -> None:
        message = self.broken(path, lambda raw: raw["lifestyle"].update(questionz=[]))
        assert message.startswith("prevention.yaml: lifestyle.questionz:")

    def test_it_refuses_a_missing_check(self, path: Path) -> None:
        message = self.broken(path, lambda raw: raw.pop("workstation"))
        assert message.startswith("prevention.yaml: workstation:")

    def test_it_refuses_a_file_that_is_not_yaml(self, path: Path) -> None:
        path.write_text("workstation: [unclosed\n", encoding="utf-8")
        with pytest.raises(DataFileError, match=r"^prevention\.yaml: not valid YAML"):
            load_checks(path)
