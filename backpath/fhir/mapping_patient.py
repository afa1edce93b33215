"""A patient of the clinic as a FHIR Patient: name, birth date, sex, contact and the GP."""

from __future__ import annotations

from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.reference import Reference

from backpath.care.models import Patient
from backpath.fhir.references import meta, ref

# FHIR's administrative gender has the same codes; a sex not given is "unknown".
GENDER = {"female": "female", "male": "male", "other": "other"}


def _telecom(patient: Patient) -> list[ContactPoint]:
    found = []
    if patient.phone:
        found.append(ContactPoint(system="phone", value=patient.phone))
    if patient.email:
        found.append(ContactPoint(system="email", value=patient.email))
    return found


def _gp(patient: Patient) -> list[Reference]:
    """The GP is a name and a practice, no record of ours: a reference by display only."""
    named = ", ".join(part for part in (patient.gp_name, patient.gp_practice) if part)
    return [Reference(display=named)] if named else []


def patient_resource(patient: Patient) -> FhirPatient:
    return FhirPatient(
        id=str(patient.id),
        meta=meta(patient.updated_at),
        active=True,
        name=[HumanName(use="official", family=patient.last_name, given=[patient.first_name])],
        gender=GENDER.get(patient.sex, "unknown"),
        birthDate=patient.date_of_birth,
        telecom=_telecom(patient) or None,
        generalPractitioner=_gp(patient) or None,
        managingOrganization=ref("Organization", patient.clinic_id),
    )
