"""The quality page's figures as reviewed data (``measures.yaml``): what each counts, its
target and its source. Checked at load: two languages, a known section and citation."""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from backpath.clinical.citations import citations
from backpath.clinical.language import Text

DATA = Path(__file__).resolve().parent / "measures.yaml"


class Section(StrEnum):
    PROCESS = "process"
    PASSIVE = "passive"
    OUTCOMES = "outcomes"  # per episode
    OCCASIONS = "occasions"  # per measuring occasion


class Measure(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z_]+$")
    section: Section
    title: Text
    counts: Text
    target: int | None = Field(ge=0, le=100)
    better: Literal["higher", "lower"]
    source: str

    @field_validator("source")
    @classmethod
    def _known_source(cls, value: str) -> str:
        if value not in citations():
            raise ValueError(f"unknown citation {value!r}")
        return value


class Measures(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    measures: tuple[Measure, ...]


@cache
def measures() -> dict[str, Measure]:
    """The figures by id, in the page's order."""
    loaded = Measures.model_validate(yaml.safe_load(DATA.read_text(encoding="utf-8")))
    return {measure.id: measure for measure in loaded.measures}
