"""Languages the clinical content is written in, and text that carries both."""

from __future__ import annotations

from enum import StrEnum

from pydantic import field_validator

from backpath.clinical.models import FrozenModel


class Lang(StrEnum):
    NL = "nl"
    EN = "en"


class Text(FrozenModel):
    """A user-facing text in Dutch and English; both are required (no silent fallback)."""

    nl: str
    en: str

    @field_validator("nl", "en")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()

    @classmethod
    def compose(cls, *, nl: str, en: str) -> Text:
        """A text put together at run time from validated parts; skips re-validation."""
        return cls.model_construct(nl=nl, en=en)

    def __call__(self, lang: Lang) -> str:
        return self.nl if lang is Lang.NL else self.en
