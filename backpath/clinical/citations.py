"""The citation registry: every rule, instrument and text in the core names one of these ids."""

from __future__ import annotations

from enum import StrEnum
from functools import cache

from backpath.clinical.datafiles import load_yaml, parse
from backpath.clinical.models import FrozenModel


class Evidence(StrEnum):
    """Where a source stands; mirrors the provenance tags of the clinical reference."""

    GUIDELINE = "guideline"  # KNGF, NHG, NICE
    INSTRUMENT = "instrument"  # the publication that defines a questionnaire and its scoring
    LITERATURE = "literature"  # peer-reviewed study or review
    DESIGN = "design"  # a backpath default, configurable, to be reviewed by clinicians


class Citation(FrozenModel):
    id: str
    evidence: Evidence
    reference: str
    section: str | None = None
    url: str | None = None


class CitationRegistry(FrozenModel):
    citations: dict[str, Citation]

    def __contains__(self, citation_id: object) -> bool:
        return citation_id in self.citations

    def __getitem__(self, citation_id: str) -> Citation:
        return self.citations[citation_id]


@cache
def citations() -> CitationRegistry:
    raw = load_yaml("citations.yaml")
    entries = [{"id": key, **value} for key, value in raw.items()]
    return parse(CitationRegistry, {"citations": {e["id"]: e for e in entries}}, "citations.yaml")
