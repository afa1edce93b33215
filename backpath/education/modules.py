"""Education modules: one reviewed Markdown file per theme (KNGF 2021 C.1; CLINICAL.md §8).

Each file in ``data/modules/`` holds one module: YAML front matter between ``---`` lines (id,
title in Dutch and English, the week it is offered by default, whether it is psychosocial,
citation ids, reviewer, review date and one or two check questions), then the Dutch body under
a ``<!-- nl -->`` line and the English body under a ``<!-- en -->`` line. The modules are
validated when they load: a missing translation, an unknown citation or an impossible answer
names the file and the field.
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
from backpath.clinical.stratification import Profile

DATA = Path(__file__).parent / "data" / "modules"

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]

# The safety net (CLINICAL.md §1.4, §8): every profile gets it, in the first week.
SAFETY_NET = "when_to_see_a_doctor"
# Low-risk patients need little more than advice and reassurance (KNGF 2021 C.1, profile 1).
LOW_RISK_LAST_WEEK = 3

NL_MARK = "<!-- nl -->"
EN_MARK = "<!-- en -->"

# Words that make the back sound fragile or broken (KNGF 2021 C.1 language; CLINICAL.md §0,
# §7.5, §8). Stems catch the inflected forms ("beschadigd", "damaged", "injuries").
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


def load_module(path: Path) -> Module:
    source = f"modules/{path.name}"
    raw, body = _split(path.read_text(encoding="utf-8"), source)
    if not isinstance(raw, dict):
        raise DataFileError(f"{source}: front matter: expected a mapping of fields")
    if "body" in raw:
        raise DataFileError(f"{source}: body: goes below the front matter, not in it")
    module = parse(Module, {**raw, "body": body}, source)
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
    profile: Profile, catalogue: Mapping[str, Module] | None = None
) -> list[tuple[int, str]]:
    """The (week, module id) pairs a patient of ``profile`` is offered, by week and then id."""
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
