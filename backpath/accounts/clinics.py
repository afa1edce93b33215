"""Finding a clinic the way an operator names it on the command line."""

from __future__ import annotations

import uuid

from backpath.accounts.models import Clinic


class NoSuchClinic(ValueError):
    """The name finds no clinic, or more than one; the message says which and what to give."""


def clinic_named(name: str, option: str = "--clinic") -> Clinic:
    """A clinic by its name (any case) or its id."""
    try:
        found = list(Clinic.objects.filter(pk=uuid.UUID(name)))
    except ValueError:
        found = list(Clinic.objects.filter(name__iexact=name.strip()))
    if len(found) == 1:
        return found[0]
    if not found:
        known = ", ".join(repr(c.name) for c in Clinic.objects.order_by("name")[:20])
        raise NoSuchClinic(f"{option}: no clinic {name!r}; clinics: {known or 'none yet'}")
    ids = ", ".join(str(c.pk) for c in found)
    raise NoSuchClinic(f"{option}: {len(found)} clinics are named {name!r}; give one's id: {ids}")
