"""References between resources and the ``meta`` every resource carries."""

from __future__ import annotations

import uuid
from datetime import datetime

from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.reference import Reference


def ref(resource_type: str, resource_id: uuid.UUID | int | str) -> Reference:
    return Reference(reference=f"{resource_type}/{resource_id}")


def patient(patient_id: uuid.UUID) -> Reference:
    return ref("Patient", patient_id)


def meta(last_updated: datetime) -> Meta:
    return Meta(lastUpdated=last_updated)
