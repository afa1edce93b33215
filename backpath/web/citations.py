"""A citation id as the short, readable reference the screens show."""

from __future__ import annotations

from backpath.clinical.citations import citations


def source_label(source: str) -> str:
    """A citation id as its readable reference.

    The KNGF entries carry a reviewer's summary after the section title ("KNGF 2021, C.2
    Oefentherapeutische interventies: P1 consider ..."); screens show the section title only.
    """
    if source not in citations():
        return source
    reference = citations()[source].reference
    if reference.startswith("KNGF 2021, "):
        return reference.split(":", 1)[0]
    return reference
