"""Why a decision came out as it did: the rule that fired, its source, and a readable text."""

from __future__ import annotations

from dataclasses import dataclass

from backpath.clinical.language import Text


@dataclass(frozen=True, slots=True)
class Reason:
    rule: str  # stable rule id, stored with the record (e.g. "CES-1", "PW-NR-TENS")
    source: str  # citation id in the citation registry
    text: Text
