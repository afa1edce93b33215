"""The packaged exercise library (KNGF 2021 C.2; docs/clinical/reference.md §7): complete,
bilingual, linked both ways, in reassuring words, and loud, naming file and field, when a
file breaks."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from backpath.clinical.datafiles import DataFileError
from backpath.exercises.library import (
    DATA,
    Category,
    Exercise,
    activity_links,
    library,
    load_library,
)

Mutation = Callable[[dict[str, Any]], None]

# Words that make the back sound fragile (KNGF 2021 C.1 language; docs/clinical/reference.md §7.5).
FORBIDDEN = re.compile(
    r"\b(slijtage|degeneratie\w*|schade|wear and tear|degenerat\w*|damag\w*|injur\w*)\b",
    re.IGNORECASE,
)
# Dutch patient text says "u" and "uw", never "je", "jij" or "jouw".
INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jullie)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def exercises() -> Mapping[str, Exercise]:
    return library()


def patient_texts(exercise: Exercise) -> Iterator[tuple[str, str, str]]:
    """Every text a patient reads, as (field, language, text)."""
    for lang in ("nl", "en"):
        yield "name", lang, getattr(exercise.name, lang)
        yield "feel", lang, getattr(exercise.feel, lang)
        for line in getattr(exercise.instructions, lang):
            yield "instructions", lang, line
        for line in getattr(exercise.mistakes, lang):
            yield "mistakes", lang, line
        for note in exercise.cautions:
            yield f"cautions.{note.when}", lang, getattr(note.text, lang)


class TestThePackagedLibrary:
    def test_it_loads_at_least_forty_exercises(self, exercises: Mapping[str, Exercise]) -> None:
        assert len(exercises) >= 40
        assert load_library().exercises.keys() == exercises.keys()

    def test_it_covers_every_category(self, exercises: Mapping[str, Exercise]) -> None:
        assert {e.category for e in exercises.values()} == set(Category)

    def test_it_names_every_file_after_its_exercise(self) -> None:
        files = sorted(DATA.glob("*.yaml"))
        assert files
        for path in files:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
            assert f"{raw['id']}.yaml" == path.name

    def test_it_starts_every_file_with_the_review_line(self) -> None:
        for path in sorted(DATA.glob("*.yaml")):
            first = path.read_text(encoding="utf-8").splitlines()[0]
            assert first.startswith("# Reviewed: backpath clinical content"), path.name

    def test_it_records_reviewer_and_review_date(self, exercises: Mapping[str, Exercise]) -> None:
        for exercise in exercises.values():
            assert "clinical panel pending" in exercise.reviewer, exercise.id
            assert exercise.reviewed_on.year >= 2026, exercise.id


class TestTheText:
    def test_it_gives_every_exercise_dutch_and_english_text(
        self, exercises: Mapping[str, Exercise]
    ) -> None:
        for exercise in exercises.values():
            for field, lang, text in patient_texts(exercise):
                assert text.strip(), f"{exercise.id}: {field}.{lang} is empty"
            steps = exercise.instructions
            assert 3 <= len(steps.nl) == len(steps.en) <= 6, exercise.id
            assert 1 <= len(exercise.mistakes.nl) == len(exercise.mistakes.en) <= 3, exercise.id
            for nl, en in zip(steps.nl, steps.en, strict=True):
                assert nl != en, f"{exercise.id}: an instruction is not translated: {nl!r}"

    def test_it_addresses_the_patient_formally_in_dutch(
        self, exercises: Mapping[str, Exercise]
    ) -> None:
        for exercise in exercises.values():
            dutch = [(field, text) for field, lang, text in patient_texts(exercise) if lang == "nl"]
            for field, text in dutch:
                assert not INFORMAL.search(text), f"{exercise.id}: {field}: {text!r}"
            assert re.search(r"\b[Uu]w?\b", " ".join(text for _, text in dutch)), exercise.id

    def test_it_never_calls_the_back_damaged(self, exercises: Mapping[str, Exercise]) -> None:
        found = [
            f"{exercise.id}: {field}.{lang}: {match.group(0)!r}"
            for exercise in exercises.values()
            for field, lang, text in patient_texts(exercise)
            if (match := FORBIDDEN.search(text))
        ]
        assert found == []

    @pytest.mark.parametrize(
        "text", ["Geen slijtage.", "No DAMAGE here", "wear and tear", "an injury", "Schade!"]
    )
    def test_it_would_catch_a_forbidden_word(self, text: str) -> None:
        assert FORBIDDEN.search(text)

    @pytest.mark.parametrize("text", ["schaduw", "uitschaden", "injection", "damp"])
    def test_it_leaves_words_that_only_look_alike(self, text: str) -> None:
        assert not FORBIDDEN.search(text)


class TestLinksAndDosage:
    def test_it_links_progressions_and_regressions_both_ways(
        self, exercises: Mapping[str, Exercise]
    ) -> None:
        one_way = [
            f"{e.id} -> {target} ({field})"
            for e in exercises.values()
            for field, back, targets in (
                ("progressions", "regressions", e.progressions),
                ("regressions", "progressions", e.regressions),
            )
            for target in targets
            if e.id not in getattr(exercises[target], back)
        ]
        assert one_way == []

    def test_it_never_progresses_to_an_easier_exercise(
        self, exercises: Mapping[str, Exercise]
    ) -> None:
        for exercise in exercises.values():
            for target in exercise.progressions:
                assert exercises[target].level >= exercise.level, f"{exercise.id} -> {target}"

    def test_it_builds_the_usual_chains(self, exercises: Mapping[str, Exercise]) -> None:
        for easier, harder in [
            ("bridge", "glute_bridge_march"),
            ("glute_bridge_march", "single_leg_bridge"),
            ("plank_knees", "plank"),
            ("bird_dog_arm", "bird_dog"),
            ("bird_dog_leg", "bird_dog"),
            ("sit_to_stand", "squat_to_chair"),
            ("side_plank_knees", "side_plank"),
            ("walking", "brisk_walking_intervals"),
        ]:
            assert harder in exercises[easier].progressions, (easier, harder)

    def test_it_doses_each_kind_of_exercise_in_its_own_unit(
        self, exercises: Mapping[str, Exercise]
    ) -> None:
        """Clinical reference §7.4 (docs/clinical/reference.md): minutes for aerobic and relaxation,
        held stretches, 8-12 reps."""
        for exercise in exercises.values():
            dose = exercise.dosage
            if exercise.category in (Category.AEROBIC, Category.RELAXATION):
                assert dose.minutes is not None, exercise.id
            if exercise.category is Category.STRETCHING:
                assert dose.hold_seconds is not None, exercise.id
                assert 10 <= dose.hold_seconds <= 30, exercise.id
            if exercise.category is Category.STRENGTH and dose.sets is not None:
                assert dose.reps is not None
                assert 8 <= dose.reps <= 12, exercise.id

    def test_it_flags_what_needs_care(self, exercises: Mapping[str, Exercise]) -> None:
        def cautions(exercise_id: str) -> set[str]:
            return {note.when.value for note in exercises[exercise_id].cautions}

        assert "lrs_high_reactivity" in cautions("knees_to_chest")
        assert "lrs_high_reactivity" in cautions("hamstring_stretch")
        assert "osteoporosis" in cautions("knees_to_chest")
        assert "balance" in cautions("single_leg_calf_raise")
        assert "fear_of_movement" in cautions("lift_box_from_floor")


class TestABrokenFile:
    """Copy the data folder, break one file, and expect the file and the field named."""

    @pytest.fixture
    def folder(self, tmp_path: Path) -> Path:
        copy = tmp_path / "exercises"
        shutil.copytree(DATA, copy)
        return copy

    def broken(self, folder: Path, mutate: Mutation, exercise_id: str = "bridge") -> str:
        path = folder / f"{exercise_id}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        mutate(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        with pytest.raises(DataFileError) as error:
            load_library(folder)
        return str(error.value)

    def test_it_loads_an_unbroken_copy(self, folder: Path) -> None:
        assert load_library(folder).exercises.keys() == library().keys()

    @pytest.mark.parametrize(
        ("mutate", "field", "problem"),
        [
            (lambda d: d["instructions"]["en"].pop(), "instructions", "nl has 4 lines, en has 3"),
            (lambda d: d["name"].pop("en"), "name.en", "Field required"),
            (lambda d: d.update(dosage={"sets": 2}), "dosage", "sets need reps"),
            (
                lambda d: d.update(dosage={"minutes": 10, "sets": 2, "reps": 10}),
                "dosage",
                "minutes stand alone",
            ),
            (
                lambda d: d.update(dosage={"hold_seconds": 500, "reps": 2}),
                "dosage.hold_seconds",
                "less than or equal to 120",
            ),
            (lambda d: d.update(level=6), "level", "less than or equal to 5"),
            (lambda d: d["pose"].pop("end"), "pose", "arrows need an end position"),
        ],
        ids=[
            "missing English step",
            "missing English name",
            "sets without reps",
            "minutes with sets",
            "hold of 500 s",
            "level 6",
            "arrows without an end",
        ],
    )
    def test_it_names_the_file_and_field_of_a_broken_exercise(
        self, folder: Path, mutate: Mutation, field: str, problem: str
    ) -> None:
        message = self.broken(folder, mutate)
        assert message.startswith(f"exercises/bridge.yaml: {field}: "), message
        assert problem in message

    def test_it_refuses_an_id_that_does_not_match_the_file_name(self, folder: Path) -> None:
        message = self.broken(folder, lambda d: d.update(id="bridge_two"))
        assert message == "exercises/bridge.yaml: id 'bridge_two' must match the file name"

    # A link or a citation is checked across the library, so the message names the folder
    # and the exercise id (which is also the file's name) with the field.
    def test_it_refuses_a_progression_to_an_exercise_that_does_not_exist(
        self, folder: Path
    ) -> None:
        message = self.broken(folder, lambda d: d.update(progressions=["flying_bridge"]))
        assert message == "exercises/bridge.yaml: progressions: no exercise 'flying_bridge'"

    def test_it_refuses_a_regression_to_itself(self, folder: Path) -> None:
        message = self.broken(folder, lambda d: d.update(regressions=["bridge"]))
        assert message == "exercises/bridge.yaml: regressions: links to itself"

    def test_it_refuses_an_unknown_citation(self, folder: Path) -> None:
        message = self.broken(folder, lambda d: d.update(citation="nobody2099"))
        assert message == "exercises/bridge.yaml: citation: unknown id 'nobody2099'"


def test_it_links_every_activity_word_to_an_exercise_of_the_library() -> None:
    links = activity_links()
    assert {link.exercise for link in links.links} <= library().keys()
    words = [word for link in links.links for word in link.words]
    assert all(word == word.lower() and " " not in word for word in words)
