"""Education modules: one reviewed Markdown file per theme (KNGF 2021 C.1; clinical
reference §8, docs/clinical/reference.md).

Each file in ``data/modules/`` holds one module: YAML front matter between ``---`` lines (id,
title in Dutch and English, the week it is offered by default, whether it is psychosocial,
citation ids, reviewer, review date and one or two check questions), then the Dutch body under
a ``<!-- nl -->`` line and the English body under a ``<!-- en -->`` line. The modules are
validated when they load: a missing translation, an unknown citation or an impossible answer
names the file and the field.

A body may carry machine-readable markers for the red-flag bank, as HTML comments at the end of
a line: ``<!-- action: same_day -->`` on the line that opens a list of warning signs, and the
flag or combination ids on each sign (``<!-- CES-1 -->``, ``<!-- RF-MSCC-NEURO RF-MSCC-PAIN -->``;
``FLAG+OTHER`` names an escalation of FLAG by OTHER). The loader takes them out of the body, so
no page, booklet or export ever shows them, and keeps them in ``Module.sections``, where the
tests hold the safety net to the bank (tests/education/test_when_to_see_a_doctor.py). The Dutch
and English bodies must mark the same signs under the same actions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import Field, StringConstraints, model_validator

from backpath.clinical.citations import citations
from backpath.clinical.datafiles import DataFileError, parse
from backpath.clinical.language import Text
from backpath.clinical.models import FrozenModel
from backpath.clinical.redflags import Action
from backpath.clinical.stratification import Profile

DATA = Path(__file__).parent / "data" / "modules"

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]

# The safety net (docs/clinical/reference.md §1.4, §8): every profile gets it, in the first week.
SAFETY_NET = "when_to_see_a_doctor"
# Low-risk patients need little more than advice and reassurance (KNGF 2021 C.1, profile 1).
LOW_RISK_LAST_WEEK = 3

NL_MARK = "<!-- nl -->"
EN_MARK = "<!-- en -->"

# A marker in a body: an HTML comment, with the spaces before it.
_MARKER = re.compile(r"[ \t]*<!--(.*?)-->")
_ACTION_MARK = re.compile(r"action:\s*(\S+)")
# A flag id (CES-1), a combination id (RF-MSCC-NEURO) or an escalation (CES-5+CES-1).
_ID = r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+"
_FLAG_MARK = re.compile(rf"{_ID}(?:\+{_ID})?")

# Words that make the back sound fragile or broken (KNGF 2021 C.1 language; clinical
# reference §0, §7.5, §8 in docs/clinical/reference.md). Stems catch the inflected forms
# ("beschadigd", "damaged", "injuries").
_FORBIDDEN = re.compile(
    r"\b(slijtage\w*|degenerat\w*|schade\w*|schadelijk\w*|beschadig\w*|letsel\w*"
    r"|wear and tear|damag\w*|injur\w*|hernia\w*|versleten|worn out|fragile|kwetsba\w*"
    r"|kapot(?:te|ten)?)\b",
    re.IGNORECASE,
)


def forbidden_words(text: str) -> list[str]:
    """The fear-inducing words in ``text``, lower-cased, in the order they occur."""
    return [match.group(0).lower() for match in _FORBIDDEN.finditer(text)]


class CheckQuestion(FrozenModel):
    """A short question to check understanding; ``answer`` is the 0-based correct option."""

    question: Text
    options: tuple[Text, ...] = Field(min_length=2, max_length=4)
    answer: int = Field(ge=0)

    @model_validator(mode="after")
    def _answer_is_an_option(self) -> CheckQuestion:
        if self.answer >= len(self.options):
            raise ValueError(
                f"answer {self.answer} is out of range: options are 0-{len(self.options) - 1}"
            )
        return self


class Sign(FrozenModel):
    """One marked warning sign: the red-flag ids behind it and the words the patient reads."""

    flags: tuple[str, ...] = Field(min_length=1)
    text: str


class Section(FrozenModel):
    """A list of warning signs under the action the red-flag bank gives them."""

    action: Action
    heading: str
    signs: tuple[Sign, ...]


class Sections(FrozenModel):
    """The marked sections of a body, per language, in reading order."""

    nl: tuple[Section, ...] = ()
    en: tuple[Section, ...] = ()


class Module(FrozenModel):
    id: Id
    title: Text
    week: int = Field(ge=1, le=8)
    psychosocial: bool
    sources: tuple[str, ...] = Field(min_length=1)
    reviewer: str = Field(min_length=2)
    reviewed_on: date
    questions: tuple[CheckQuestion, ...] = Field(min_length=1, max_length=2)
    body: Text
    # Read from the markers in the body, never from the front matter.
    sections: Sections = Sections()


def _split(text: str, source: str) -> tuple[Any, dict[str, str]]:
    """Front matter (raw YAML) and the two bodies of one module file."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise DataFileError(f"{source}: front matter: the file must start with a '---' line")
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---")
    except StopIteration:
        raise DataFileError(f"{source}: front matter: no closing '---' line") from None
    try:
        raw = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as error:
        raise DataFileError(f"{source}: front matter: not valid YAML ({error})") from None
    rest = [line.strip() for line in lines[end + 1 :]]
    for lang, mark in (("nl", NL_MARK), ("en", EN_MARK)):
        if rest.count(mark) != 1:
            raise DataFileError(f"{source}: body.{lang}: needs exactly one {mark} line")
    nl_at, en_at = rest.index(NL_MARK), rest.index(EN_MARK)
    if en_at < nl_at or any(rest[:nl_at]):
        raise DataFileError(f"{source}: body: the {NL_MARK} part comes first, then {EN_MARK}")
    body_lines = lines[end + 1 :]
    body = {
        "nl": "\n".join(body_lines[nl_at + 1 : en_at]),
        "en": "\n".join(body_lines[en_at + 1 :]),
    }
    return raw, body


def _plain(line: str) -> str:
    """A marked line as the patient reads it: no list bullet, no bold stars."""
    return re.sub(r"^\s*[-*]\s+", "", line).replace("**", "").strip()


def _take_markers(text: str, where: str) -> tuple[str, list[dict[str, Any]]]:
    """The body without its markers, and the sections the markers describe."""
    lines: list[str] = []
    sections: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        marks = [mark.strip() for mark in _MARKER.findall(line)]
        clean = _MARKER.sub("", line).rstrip()
        if "<!--" in clean or "-->" in clean:
            raise DataFileError(f"{where}: line {number}: a marker is not closed with -->")
        if len(marks) > 1:
            raise DataFileError(f"{where}: line {number}: one marker per line")
        lines.append(clean)
        if not marks:
            continue
        mark = marks[0]
        if action := _ACTION_MARK.fullmatch(mark):
            if action.group(1) not in {level.value for level in Action}:
                raise DataFileError(
                    f"{where}: line {number}: unknown action {action.group(1)!r}; "
                    f"use one of {', '.join(Action)}"
                )
            sections.append({"action": action.group(1), "heading": _plain(clean), "signs": []})
            continue
        flags = mark.replace(",", " ").split()
        if not flags or not all(_FLAG_MARK.fullmatch(flag) for flag in flags):
            raise DataFileError(
                f"{where}: line {number}: marker {mark!r} is neither 'action: <level>' "
                "nor red-flag ids"
            )
        if not sections:
            raise DataFileError(f"{where}: line {number}: a marked sign before any action marker")
        if not _plain(clean):
            raise DataFileError(f"{where}: line {number}: a marked sign needs its text")
        sections[-1]["signs"].append({"flags": flags, "text": _plain(clean)})
    return "\n".join(lines), sections


def _outline(sections: list[dict[str, Any]]) -> list[tuple[str, list[list[str]]]]:
    return [(s["action"], [sign["flags"] for sign in s["signs"]]) for s in sections]


def load_module(path: Path) -> Module:
    source = f"modules/{path.name}"
    raw, body = _split(path.read_text(encoding="utf-8"), source)
    if not isinstance(raw, dict):
        raise DataFileError(f"{source}: front matter: expected a mapping of fields")
    for field in ("body", "sections"):
        if field in raw:
            raise DataFileError(f"{source}: {field}: goes below the front matter, not in it")
    sections: dict[str, list[dict[str, Any]]] = {}
    for lang in ("nl", "en"):
        body[lang], sections[lang] = _take_markers(body[lang], f"{source}: body.{lang}")
    if _outline(sections["nl"]) != _outline(sections["en"]):
        raise DataFileError(
            f"{source}: body.en: its markers differ from body.nl; mark the same signs "
            "under the same actions in both languages"
        )
    module = parse(Module, {**raw, "body": body, "sections": sections}, source)
    if f"{module.id}.md" != path.name:
        raise DataFileError(f"{source}: id: {module.id!r} must match the file name")
    for position, citation in enumerate(module.sources):
        if citation not in citations():
            raise DataFileError(f"{source}: sources.{position}: unknown citation id {citation!r}")
    return module


def load_modules(folder: Path = DATA) -> dict[str, Module]:
    """Every module in ``folder`` by id, in file-name order."""
    loaded = {m.id: m for m in (load_module(p) for p in sorted(folder.glob("*.md")))}
    if SAFETY_NET not in loaded:
        raise DataFileError(f"modules/{SAFETY_NET}.md: missing; every profile needs it")
    return loaded


@cache
def modules() -> Mapping[str, Module]:
    """The packaged modules by id, loaded once."""
    return load_modules()


def curriculum(
    profile: Profile, catalogue: Mapping[str, Module] | None = None, *, on_hold: bool = False
) -> list[tuple[int, str]]:
    """The (week, module id) pairs a patient of ``profile`` is offered, by week and then id.

    ``on_hold``: the plan waits for the GP's answer to a red flag (PW-HOLD-GP). Until then
    only the safety net is offered: the other modules reassure that the pain is benign,
    passes and that moving is safe, which must wait until the GP has answered (KNGF 2021
    B.1.3).
    """
    if on_hold:
        return [(1, SAFETY_NET)]
    catalogue = modules() if catalogue is None else catalogue
    weeks = {module.id: module.week for module in catalogue.values()}
    if profile is Profile.HIGH:
        # KNGF 2021 C.3: when psychosocial factors dominate, behavioural treatment (graded
        # activity, exposure, respondent techniques) is the core of care, and C.1 pain
        # education underpins it; so high-risk patients get these modules first. They move
        # into weeks 1-2 in their usual order: the first half in week 1, the rest in week 2.
        early = sorted(
            (m for m in catalogue.values() if m.psychosocial), key=lambda m: (m.week, m.id)
        )
        for rank, module in enumerate(early):
            weeks[module.id] = 1 + (2 * rank) // len(early)
    elif profile is Profile.LOW:
        weeks = {key: week for key, week in weeks.items() if week <= LOW_RISK_LAST_WEEK}
    weeks[SAFETY_NET] = 1
    return sorted((week, key) for key, week in weeks.items())
