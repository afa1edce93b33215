"""The clinic as a FHIR Organization, and its clinicians (and clinic admins, who treat
patients too) as Practitioners. No patient data: any key or clinician of the clinic reads
them, and nothing here is access-logged."""

from __future__ import annotations

from fhir.resources.R4B.address import Address
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.practitioner import Practitioner

from backpath.accounts.models import Clinic, User
from backpath.fhir.references import meta


def organization(clinic: Clinic) -> Organization:
    return Organization(
        id=str(clinic.id),
        meta=meta(clinic.created_at),
        active=True,
        name=clinic.name,
        telecom=[ContactPoint(system="phone", value=clinic.phone, use="work")]
        if clinic.phone
        else None,
        address=[Address(city=clinic.city)] if clinic.city else None,
    )


def practitioner(user: User) -> Practitioner:
    return Practitioner(
        id=str(user.pk),
        meta=meta(user.date_joined),
        active=user.is_active,
        name=[
            HumanName(
                family=user.last_name or None, given=[user.first_name] if user.first_name else None
            )
        ]
        if user.first_name or user.last_name
        else None,
        telecom=[ContactPoint(system="email", value=user.email, use="work")],
    )
