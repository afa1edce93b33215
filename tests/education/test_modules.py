"""The education modules (KNGF 2021 C.1; docs/clinical/reference.md §8): complete, bilingual, in
reassuring words, sequenced per risk profile, and loud, naming file and field, when a file
breaks."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from backpath.clinical.datafiles import DataFileError
from backpath.clinical.stratification import Profile
from backpath.education.modules import (
    DATA,
    SAFETY_NET,
    Module,
    curriculum,
    forbidden_words,
    load_modules,
    modules,
)

# One module per theme of the brief (docs/clinical/reference.md §7.5, §8).
TOPICS = {
    "what_is_low_back_pain",
    "good_prognosis",
    "serious_causes_and_scans",
    "stay_active",
    "hurt_is_not_harm",
    "pacing_and_graded_activity",
    "fear_of_movement",
    "flare_up_plan",
    "sleep",
    "stress_and_relaxation",
    "work_and_return_to_work",
    "healthy_weight_and_smoking",
    "when_to_see_a_doctor",
}
PSYCHOSOCIAL = {
    "hurt_is_not_harm",
    "fear_of_movement",
    "pacing_and_graded_activity",
    "stress_and_relaxation",
    "sleep",
}
INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jullie|jezelf)\b", re.IGNORECASE)
SAFETY_NET_MOST_WORDS = 360

# Screening makes a serious cause very unlikely; it cannot exclude one (issue #10). Catches
# "exclude(s/d)", "rule(s/d) out", "uitsluiten", "uit te sluiten", "uitgesloten" and the split
# Dutch verb ("sluit ... uit").
EXCLUDES = re.compile(
    r"\b(exclu\w*|rul(?:e|es|ed|ing)\s+out|uit\s*(?:te\s+)?sluit\w*|uitgesloten"
    r"|sluit(?:en|t)?\b[^.;:!?]{0,60}?\buit)\b",
    re.IGNORECASE,
)
# The low back ends at the gluteal folds (NHG 2017: "tussen de onderste ribben en de
# bilplooien"), not at the top of the buttocks or the cleft between them.
BUTTOCKS_TOP = re.compile(
    r"top of the buttocks|upper buttocks|bovenkant van de billen|bilnaad", re.IGNORECASE
)
# Not true for everyone: a patient with a radicular syndrome reads the same modules.
HEALTHY_AND_STRONG = re.compile(r"healthy and strong|gezond en sterk", re.IGNORECASE)


@pytest.fixture(scope="module")
def loaded() -> Mapping[str, Module]:
    return modules()


def patient_texts(module: Module) -> Iterator[tuple[str, str, str]]:
    """(where, language, text) for every text a patient reads."""
    for lang in ("nl", "en"):
        yield "title", lang, getattr(module.title, lang)
        yield "body", lang, getattr(module.body, lang)
        for q, question in enumerate(module.questions):
            yield f"questions.{q}.question", lang, getattr(question.question, lang)
            for o, option in enumerate(question.options):
                yield f"questions.{q}.options.{o}", lang, getattr(option, lang)


class TestContent:
    def test_it_loads_at_least_twelve_modules(self, loaded: Mapping[str, Module]) -> None:
        assert len(loaded) >= 12

    def test_it_covers_every_topic(self, loaded: Mapping[str, Module]) -> None:
        assert set(loaded) >= TOPICS

    def test_it_marks_the_psychosocial_modules(self, loaded: Mapping[str, Module]) -> None:
        assert {key for key, module in loaded.items() if module.psychosocial} == PSYCHOSOCIAL

    def test_it_gives_every_module_dutch_and_english_text(
        self, loaded: Mapping[str, Module]
    ) -> None:
        for module in loaded.values():
            for where, lang, text in patient_texts(module):
                assert text.strip(), f"{module.id}: {where}.{lang} is empty"

    def test_it_keeps_every_body_short(self, loaded: Mapping[str, Module]) -> None:
        for module in loaded.values():
            # The safety net lists every warning sign under its action (issue #10): a longer
            # but scannable list of short lines.
            most = SAFETY_NET_MOST_WORDS if module.id == SAFETY_NET else 300
            for lang in ("nl", "en"):
                words = len(getattr(module.body, lang).split())
                assert 150 <= words <= most, f"{module.id}: body.{lang} has {words} words"

    def test_it_keeps_the_markers_out_of_the_bodies(self, loaded: Mapping[str, Module]) -> None:
        for module in loaded.values():
            assert "<!--" not in module.body.nl + module.body.en

    def test_it_gives_every_question_a_valid_answer(self, loaded: Mapping[str, Module]) -> None:
        for module in loaded.values():
            assert 1 <= len(module.questions) <= 2
            for question in module.questions:
                assert 2 <= len(question.options) <= 4
                assert 0 <= question.answer < len(question.options)

    def test_it_records_sources_reviewer_and_review_date(
        self, loaded: Mapping[str, Module]
    ) -> None:
        for module in loaded.values():
            assert module.sources
            assert "clinical panel pending" in module.reviewer
            assert module.reviewed_on.isoformat() == "2026-11-25"

    def test_it_never_uses_a_fear_inducing_word(self, loaded: Mapping[str, Module]) -> None:
        found = [
            (module.id, where, lang, forbidden_words(text))
            for module in loaded.values()
            for where, lang, text in patient_texts(module)
            if forbidden_words(text)
        ]
        assert found == []

    def test_it_never_says_screening_excludes_a_cause(self, loaded: Mapping[str, Module]) -> None:
        found = [
            (module.id, where, lang, match.group(0))
            for module in loaded.values()
            for where, lang, text in patient_texts(module)
            for match in EXCLUDES.finditer(text)
        ]
        assert found == []

    def test_it_says_screening_makes_a_serious_cause_very_unlikely(
        self, loaded: Mapping[str, Module]
    ) -> None:
        body = loaded["serious_causes_and_scans"].body
        assert "heel onwaarschijnlijk" in body.nl
        assert "very unlikely" in body.en

    @pytest.mark.parametrize(
        "text",
        [
            "questions to rule out a serious cause",
            "this rules out cancer",
            "we exclude a fracture",
            "a serious cause is excluded",
            "om een ernstige oorzaak uit te sluiten",
            "een ernstige oorzaak uitsluiten",
            "kanker is uitgesloten",
            "de fysiotherapeut sluit een ernstige oorzaak uit",
        ],
    )
    def test_it_would_catch_excluding_wording(self, text: str) -> None:
        assert EXCLUDES.search(text)

    @pytest.mark.parametrize(
        "text", ["a serious cause is very unlikely", "sluit de deur", "uitstralen", "buiten"]
    )
    def test_it_leaves_unlikely_wording(self, text: str) -> None:
        assert not EXCLUDES.search(text)

    def test_it_ends_the_low_back_at_the_gluteal_folds(self, loaded: Mapping[str, Module]) -> None:
        found = [
            (module.id, where, lang)
            for module in loaded.values()
            for where, lang, text in patient_texts(module)
            if BUTTOCKS_TOP.search(text)
        ]
        assert found == []
        body = loaded["what_is_low_back_pain"].body
        assert "tussen de onderste ribben en de bilplooien" in body.nl
        assert "gluteal folds" in body.en

    def test_it_never_calls_every_back_healthy_and_strong(
        self, loaded: Mapping[str, Module]
    ) -> None:
        # The curriculum depends on the risk profile only, so a patient with a radicular
        # syndrome reads every module too: no module may promise a healthy, strong back.
        found = [
            (module.id, where, lang)
            for module in loaded.values()
            for where, lang, text in patient_texts(module)
            if HEALTHY_AND_STRONG.search(text)
        ]
        assert found == []

    def test_it_addresses_the_patient_formally_in_dutch(self, loaded: Mapping[str, Module]) -> None:
        for module in loaded.values():
            for where, lang, text in patient_texts(module):
                if lang == "nl":
                    assert not INFORMAL.search(text), f"{module.id}: {where}"

    @pytest.mark.parametrize(
        "text",
        [
            "Slijtage van de rug",
            "geen DEGENERATIE",
            "schade",
            "schadelijk",
            "beschadigd",
            "wear and tear",
            "a damaged disc",
            "an injury",
            "een hernia",
            "versleten",
            "worn out",
            "a fragile back",
            "kwetsbaar",
            "iets kapot",
            "letsel",
        ],
    )
    def test_it_would_catch_a_forbidden_word(self, text: str) -> None:
        assert forbidden_words(text)

    @pytest.mark.parametrize(
        "text", ["uw rug is sterk", "a damp towel", "schaduw", "hurt is not harm"]
    )
    def test_it_leaves_words_that_only_look_alike(self, text: str) -> None:
        assert forbidden_words(text) == []

    def test_it_names_the_red_flags_in_the_safety_net(self, loaded: Mapping[str, Module]) -> None:
        body = loaded[SAFETY_NET].body
        for word in ("plassen", "anus", "zwakker", "koorts", "val", "112", "huisartsenpost"):
            assert word in body.nl
        for word in ("urine", "anus", "weaker", "fever", "weight", "fall", "112"):
            assert word in body.en


class TestCurriculum:
    @pytest.mark.parametrize("profile", list(Profile))
    def test_it_sorts_by_week_then_id(self, profile: Profile) -> None:
        plan = curriculum(profile)
        assert plan == sorted(plan)
        assert len({key for _, key in plan}) == len(plan)

    @pytest.mark.parametrize("profile", list(Profile))
    def test_it_always_offers_the_safety_net_in_week_one(self, profile: Profile) -> None:
        assert (1, SAFETY_NET) in curriculum(profile)

    def test_it_offers_medium_risk_every_module_in_its_default_week(
        self, loaded: Mapping[str, Module]
    ) -> None:
        expected = sorted((module.week, module.id) for module in loaded.values())
        assert curriculum(Profile.MEDIUM) == expected

    def test_it_moves_the_psychosocial_modules_to_weeks_one_and_two_for_high_risk(
        self, loaded: Mapping[str, Module]
    ) -> None:
        weeks = {key: week for week, key in curriculum(Profile.HIGH)}
        assert set(weeks) == set(loaded)
        for key in PSYCHOSOCIAL:
            assert weeks[key] in (1, 2), key
        # The others keep their default week.
        for key, module in loaded.items():
            if not module.psychosocial:
                assert weeks[key] == module.week, key

    def test_it_keeps_the_psychosocial_modules_in_their_usual_order(
        self, loaded: Mapping[str, Module]
    ) -> None:
        weeks = {key: week for week, key in curriculum(Profile.HIGH)}
        usual = sorted((loaded[key].week, key) for key in PSYCHOSOCIAL)
        moved = [weeks[key] for _, key in usual]
        assert moved == sorted(moved)
        assert moved[0] == 1
        assert moved[-1] == 2

    def test_it_caps_low_risk_at_week_three(self, loaded: Mapping[str, Module]) -> None:
        plan = curriculum(Profile.LOW)
        assert max(week for week, _ in plan) <= 3
        offered = {key for _, key in plan}
        # The boundary: week 3 is in, week 4 is out.
        assert {key for key, m in loaded.items() if m.week == 3} <= offered
        assert not {key for key, m in loaded.items() if m.week >= 4} & offered
        assert offered == {key for key, m in loaded.items() if m.week <= 3} | {SAFETY_NET}

    def test_it_offers_low_risk_the_safety_net_even_when_it_is_set_late(
        self, loaded: Mapping[str, Module]
    ) -> None:
        catalogue = dict(loaded)
        catalogue[SAFETY_NET] = loaded[SAFETY_NET].model_copy(update={"week": 8})
        for profile in Profile:
            assert (1, SAFETY_NET) in curriculum(profile, catalogue)

    def test_it_splits_one_psychosocial_module_into_week_one(
        self, loaded: Mapping[str, Module]
    ) -> None:
        catalogue = {
            key: module.model_copy(update={"psychosocial": key == "sleep"})
            for key, module in loaded.items()
        }
        assert (1, "sleep") in curriculum(Profile.HIGH, catalogue)


Edit = Callable[[str], str]


class TestBrokenFiles:
    """Copy the data folder, break one file, and expect the file and the field named."""

    @pytest.fixture
    def folder(self, tmp_path: Path) -> Path:
        copy = tmp_path / "modules"
        shutil.copytree(DATA, copy)
        return copy

    def broken(self, folder: Path, edit: Edit, module_id: str = "stay_active") -> str:
        path = folder / f"{module_id}.md"
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
        with pytest.raises(DataFileError) as error:
            load_modules(folder)
        return str(error.value)

    def test_it_loads_an_unbroken_copy(self, folder: Path) -> None:
        assert set(load_modules(folder)) == set(modules())

    def test_it_refuses_an_unknown_citation(self, folder: Path) -> None:
        message = self.broken(folder, lambda t: t.replace("nice-ng59]", "nice-ng99]"))
        assert message.startswith("modules/stay_active.md: sources.2:")
        assert "nice-ng99" in message

    def test_it_refuses_an_answer_out_of_range(self, folder: Path) -> None:
        message = self.broken(folder, lambda t: t.replace("    answer: 1", "    answer: 2"))
        assert message.startswith("modules/stay_active.md: questions.0:")
        assert "answer 2" in message

    def test_it_refuses_an_option_without_english(self, folder: Path) -> None:
        def edit(text: str) -> str:
            return re.sub(
                r'(- \{nl: "Een paar dagen plat in bed blijven"), en: "[^"]*"', r"\1", text
            )

        message = self.broken(folder, edit)
        assert message.startswith("modules/stay_active.md: questions.0.options.0.en:")

    def test_it_refuses_a_missing_english_body(self, folder: Path) -> None:
        message = self.broken(folder, lambda t: t.replace("<!-- en -->", ""))
        assert message.startswith("modules/stay_active.md: body.en:")

    def test_it_refuses_an_empty_english_body(self, folder: Path) -> None:
        message = self.broken(folder, lambda t: t.split("<!-- en -->")[0] + "<!-- en -->\n")
        assert message.startswith("modules/stay_active.md: body.en:")

    def test_it_refuses_an_id_that_does_not_match_the_file_name(self, folder: Path) -> None:
        message = self.broken(folder, lambda t: t.replace("id: stay_active", "id: keep_moving"))
        assert message.startswith("modules/stay_active.md: id:")

    def test_it_refuses_an_unknown_field(self, folder: Path) -> None:
        message = self.broken(folder, lambda t: t.replace("week: 1", "week: 1\nweeks: 2"))
        assert message.startswith("modules/stay_active.md: weeks:")

    def test_it_refuses_a_week_outside_one_to_eight(self, folder: Path) -> None:
        message = self.broken(folder, lambda t: t.replace("week: 1", "week: 9"))
        assert message.startswith("modules/stay_active.md: week:")

    def test_it_refuses_a_file_without_front_matter(self, folder: Path) -> None:
        message = self.broken(folder, lambda t: t.split("---", 2)[2])
        assert message.startswith("modules/stay_active.md: front matter:")

    def test_it_takes_the_markers_out_of_the_body(self, folder: Path) -> None:
        path = folder / f"{SAFETY_NET}.md"
        assert "<!-- CES-1 -->" in path.read_text(encoding="utf-8")
        module = load_modules(folder)[SAFETY_NET]
        assert "<!--" not in module.body.nl + module.body.en
        assert module.sections.nl
        assert module.sections.en

    def test_it_refuses_an_unknown_action_marker(self, folder: Path) -> None:
        message = self.broken(
            folder,
            lambda t: t.replace("<!-- action: refer_gp -->", "<!-- action: this_week -->", 1),
            SAFETY_NET,
        )
        assert message.startswith(f"modules/{SAFETY_NET}.md: body.nl: line ")
        assert "unknown action 'this_week'" in message

    def test_it_refuses_a_marker_that_is_no_flag_id(self, folder: Path) -> None:
        message = self.broken(
            folder, lambda t: t.replace("<!-- CES-1 -->", "<!-- cauda equina -->", 1), SAFETY_NET
        )
        assert message.startswith(f"modules/{SAFETY_NET}.md: body.nl: line ")
        assert "'cauda equina'" in message

    def test_it_refuses_an_unclosed_marker(self, folder: Path) -> None:
        message = self.broken(
            folder, lambda t: t.replace("<!-- CES-1 -->", "<!-- CES-1", 1), SAFETY_NET
        )
        assert message.startswith(f"modules/{SAFETY_NET}.md: body.nl: line ")
        assert "not closed" in message

    def test_it_refuses_a_sign_before_any_action(self, folder: Path) -> None:
        message = self.broken(
            folder, lambda t: t.replace("<!-- action: emergency -->", "", 1), SAFETY_NET
        )
        assert message.startswith(f"modules/{SAFETY_NET}.md: body.nl: line ")
        assert "before any action marker" in message

    def test_it_refuses_english_markers_that_differ_from_the_dutch(self, folder: Path) -> None:
        def edit(text: str) -> str:
            dutch, english = text.split("<!-- en -->")
            return dutch + "<!-- en -->" + english.replace("<!-- NEU-4 -->", "<!-- NEU-1 -->")

        message = self.broken(folder, edit, SAFETY_NET)
        assert message.startswith(f"modules/{SAFETY_NET}.md: body.en: its markers differ")

    def test_it_refuses_sections_in_the_front_matter(self, folder: Path) -> None:
        message = self.broken(folder, lambda t: t.replace("week: 1", "week: 1\nsections: {}"))
        assert message.startswith("modules/stay_active.md: sections:")

    def test_it_refuses_a_missing_safety_net(self, folder: Path) -> None:
        (folder / f"{SAFETY_NET}.md").unlink()
        with pytest.raises(DataFileError, match=SAFETY_NET):
            load_modules(folder)


@pytest.mark.parametrize("profile", list(Profile))
def test_a_plan_on_hold_offers_only_the_safety_net(profile: Profile) -> None:
    """KNGF 2021 B.1.3: while the GP has not answered a red flag, no module reassures that
    the pain is benign or that moving is safe; the safety net stays."""
    assert curriculum(profile, on_hold=True) == [(1, SAFETY_NET)]
    assert len(curriculum(profile)) > 1
