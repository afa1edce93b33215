"""The safety-net module against the red-flag bank: one source of truth (issue #10, 13-14).

Every warning sign in when_to_see_a_doctor.md carries the ids it stands for (``<!-- CES-1 -->``)
and every list the action it sits under (``<!-- action: same_day -->``). These tests hold the
text to ``red_flag_bank()``, in Dutch and in English: each marked id is a flag or a combination
of the bank, each sign sits under the action the bank gives it, and every strong flag the
patient is asked about that needs the GP today or 112 is in the text. The loader takes the
markers out, so the patient never sees them; the last tests render the page to make sure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import pytest
from django.utils import translation

from backpath.clinical.redflags import Action, AskedOf, Condition, RedFlagBank, Strength
from backpath.clinical.redflags import red_flag_bank as load_bank
from backpath.education.modules import SAFETY_NET, Module, Section, Sign, modules

LANGS = ("nl", "en")
# The four lists of the safety net, most urgent first (docs/clinical/reference.md §1.2, A0-A3).
ORDER = [Action.EMERGENCY, Action.SAME_DAY, Action.REFER_GP, Action.CAUTION]
FLAG_ID = re.compile(r"\b[A-Z]{2,}(?:-[A-Z0-9]+)+\b")


@pytest.fixture(scope="module")
def bank() -> RedFlagBank:
    return load_bank()


@pytest.fixture(scope="module")
def module() -> Module:
    return modules()[SAFETY_NET]


def sections(module: Module, lang: str) -> tuple[Section, ...]:
    found: tuple[Section, ...] = getattr(module.sections, lang)
    return found


def marked(module: Module, lang: str) -> Iterable[tuple[Section, Sign, str]]:
    """(section, sign, id) for every id marked in one language."""
    for section in sections(module, lang):
        for sign in section.signs:
            for token in sign.flags:
                yield section, sign, token


def combinations(bank: RedFlagBank) -> Mapping[str, Any]:
    # The combinations list is read from the bank object whenever the bank has one.
    return {c.id: c for c in getattr(bank, "combinations", ())}


def expected_action(bank: RedFlagBank, token: str) -> Action | str:
    """The action the bank gives a marked id, or why it gives none (a plain ``str`` message;
    mind that an ``Action`` is a ``str`` too)."""
    flag_id, _, partner = token.partition("+")
    combination = combinations(bank).get(flag_id)
    if combination is not None and not partner:
        return Action(combination.action)
    flag = bank.by_id.get(flag_id)
    if flag is None:
        return (
            f"{token}: marked in {SAFETY_NET}.md but neither a flag nor a combination of the "
            f"red-flag bank ({bank.ruleset}); add it to redflags.yaml or fix the marker"
        )
    if not partner:
        return flag.action
    if flag.escalate is None or partner not in flag.escalate.with_any:
        return f"{token}: {flag_id} does not escalate with {partner} in the red-flag bank"
    return flag.escalate.action


def problems(bank: RedFlagBank, module: Module, lang: str) -> list[str]:
    """Every sign that sits under another action than the bank gives it."""
    found = []
    for section, sign, token in marked(module, lang):
        action = expected_action(bank, token)
        if not isinstance(action, Action):
            found.append(f"{lang}: {action}")
        elif action is not section.action:
            found.append(
                f"{lang}: {token} ({sign.text!r}) is under {section.action.value}, "
                f"but the bank says {action.value}"
            )
    return found


class TestAgainstTheBank:
    @pytest.mark.parametrize("lang", LANGS)
    def test_it_lists_the_signs_under_four_actions_most_urgent_first(
        self, module: Module, lang: str
    ) -> None:
        assert [section.action for section in sections(module, lang)] == ORDER
        assert all(section.signs for section in sections(module, lang))

    @pytest.mark.parametrize("lang", LANGS)
    def test_it_marks_only_flags_and_combinations_of_the_bank(
        self, bank: RedFlagBank, module: Module, lang: str
    ) -> None:
        unknown = [
            message
            for _, _, token in marked(module, lang)
            if not isinstance(message := expected_action(bank, token), Action)
        ]
        assert unknown == []

    @pytest.mark.parametrize("lang", LANGS)
    def test_it_puts_every_sign_under_the_action_the_bank_gives_it(
        self, bank: RedFlagBank, module: Module, lang: str
    ) -> None:
        assert problems(bank, module, lang) == []

    @pytest.mark.parametrize("lang", LANGS)
    def test_it_names_every_strong_patient_flag_that_needs_the_gp_today_or_112(
        self, bank: RedFlagBank, module: Module, lang: str
    ) -> None:
        urgent = {
            flag.id
            for flag in bank.flags
            if flag.strength is Strength.STRONG
            and flag.asked_of is AskedOf.PATIENT
            and flag.action in (Action.EMERGENCY, Action.SAME_DAY)
        }
        assert {"CES-1", "VAS-1"} <= urgent
        mentioned = {token for _, _, token in marked(module, lang)}
        assert sorted(urgent - mentioned) == []

    @pytest.mark.parametrize("lang", LANGS)
    def test_it_names_every_combination_that_needs_the_gp_today_or_112(
        self, bank: RedFlagBank, module: Module, lang: str
    ) -> None:
        urgent = {
            key
            for key, combination in combinations(bank).items()
            if Action(combination.action) in (Action.EMERGENCY, Action.SAME_DAY)
        }
        mentioned = {token for _, _, token in marked(module, lang)}
        assert sorted(urgent - mentioned) == []

    @pytest.mark.parametrize("lang", LANGS)
    def test_it_marks_each_id_once(self, module: Module, lang: str) -> None:
        tokens = [token for _, _, token in marked(module, lang)]
        assert len(tokens) == len(set(tokens))

    def test_it_marks_the_same_signs_in_both_languages(self, module: Module) -> None:
        def outline(lang: str) -> list[tuple[Action, list[tuple[str, ...]]]]:
            return [(s.action, [sign.flags for sign in s.signs]) for s in sections(module, lang)]

        assert outline("nl") == outline("en")


class TestWording:
    def test_it_says_call_112_for_an_emergency(self, module: Module) -> None:
        for lang in LANGS:
            (emergency,) = [s for s in sections(module, lang) if s.action is Action.EMERGENCY]
            assert "112" in emergency.heading

    def test_it_says_now_not_today_for_cauda_equina_signs(
        self, bank: RedFlagBank, module: Module
    ) -> None:
        # A suspected cauda equina syndrome needs assessment at once (NHG-LRS 2015): the
        # bank's own advice for it says "now", and so does the module.
        cauda = {f.id for f in bank.flags if f.condition is Condition.CAUDA_EQUINA}
        now = {"nl": (r"\bnu\b", r"\bvandaag\b"), "en": (r"\bnow\b", r"\btoday\b")}
        for lang in LANGS:
            for section, _, token in marked(module, lang):
                if token in cauda and section.action is Action.SAME_DAY:
                    said, not_said = now[lang]
                    assert re.search(said, section.heading), (lang, section.heading)
                    assert not re.search(not_said, section.heading), (lang, section.heading)

    def test_it_names_the_out_of_hours_gp_service_for_the_same_day(self, module: Module) -> None:
        for lang in LANGS:
            (same_day,) = [s for s in sections(module, lang) if s.action is Action.SAME_DAY]
            assert "huisartsenpost" in same_day.heading

    def test_it_answers_the_cauda_equina_question_with_now(self, module: Module) -> None:
        question = module.questions[0]
        right = question.options[question.answer]
        assert re.search(r"\bnu\b", right.nl, re.IGNORECASE)
        assert re.search(r"\bnow\b", right.en, re.IGNORECASE)


class TestTheChecker:
    """The checker itself: it reads escalations and combinations, and names what is missing."""

    def test_it_reads_an_escalation(self, bank: RedFlagBank) -> None:
        assert expected_action(bank, "CES-5") is Action.REFER_GP
        assert expected_action(bank, "CES-5+CES-1") is Action.SAME_DAY

    def test_it_refuses_an_escalation_the_bank_does_not_have(self, bank: RedFlagBank) -> None:
        message = expected_action(bank, "CES-5+FRA-1")
        assert not isinstance(message, Action)
        assert "does not escalate" in message

    def test_it_names_an_id_that_is_neither_flag_nor_combination(self, bank: RedFlagBank) -> None:
        message = expected_action(bank, "XYZ-9")
        assert not isinstance(message, Action)
        assert message.startswith("XYZ-9: marked in when_to_see_a_doctor.md but neither a flag")

    def test_it_finds_a_sign_under_the_wrong_action(
        self, bank: RedFlagBank, module: Module
    ) -> None:
        moved = [
            section.model_copy(update={"action": Action.CAUTION})
            if section.action is Action.SAME_DAY
            else section
            for section in module.sections.en
        ]
        wrong = module.model_copy(
            update={"sections": module.sections.model_copy(update={"en": tuple(moved)})}
        )
        found = problems(bank, wrong, "en")
        assert any(
            m.startswith("en: CES-1 (") and m.endswith("the bank says same_day") for m in found
        )


class TestThePatientNeverSeesTheMarkers:
    @pytest.mark.parametrize("lang", LANGS)
    def test_the_page_shows_the_signs_without_their_markers(
        self, module: Module, lang: str
    ) -> None:
        from backpath.learning.views import module_html

        with translation.override(lang):
            page = str(module_html(module))
        assert "<!--" not in page
        assert "&lt;!--" not in page
        assert FLAG_ID.findall(page) == []
        # Every marked sign is still a list item of its own.
        signs = [sign for section in sections(module, lang) for sign in section.signs]
        assert page.count("<li>") == len(signs)
        for sign in signs:
            assert sign.text in page, sign.text
