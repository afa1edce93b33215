"""The patient's record as one FHIR ``collection`` Bundle in a file, to take to a personal
health environment (PGO) or another FHIR reader: the patient's own on "My data", and the
clinic's staff's for a patient on the patient's data page.

The content is ``Patient/{id}/$everything``'s (``resources.everything``, the one mapping),
whole rather than in pages. These are pages of the web app, beside the JSON and PDF exports
of ``backpath.privacy``: a login, a 404 for anyone but the patient and their clinic's staff,
reached through ``backpath.care.access`` and written to the access log as an export. They
live here because the FHIR mapping sits in a layer above ``backpath.privacy``.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle, BundleEntry

from backpath.accounts.http import AuthenticatedHttpRequest
from backpath.api.auth import Principal
from backpath.auditlog.models import Action
from backpath.care.access import access_patient, patients_for
from backpath.care.models import Patient
from backpath.fhir.callers import language
from backpath.fhir.outcomes import fhir_response
from backpath.fhir.resources import everything
from backpath.web.decorators import clinician_required, patient_required

# No name or id of the patient: the file ends up in download folders.
FILE_NAME = "backpath-fhir.json"


def _download(request: AuthenticatedHttpRequest, patient: Patient) -> HttpResponse:
    # The reach is the user's own (``api.records`` goes through ``care.access`` for a user:
    # a patient's own episodes, a clinician's clinic's); no API scope is involved.
    reader = Principal(clinic_id=patient.clinic_id, scopes=frozenset(), user=request.user)
    # The FHIR server's base, so that each fullUrl is where that server serves the resource
    # and the resources' relative references resolve inside the Bundle.
    base = request.build_absolute_uri(reverse("fhir:metadata")).removesuffix("/metadata")
    bundle = Bundle(
        type="collection",
        timestamp=timezone.now(),
        entry=[
            BundleEntry(fullUrl=f"{base}/{r.get_resource_type()}/{r.id}", resource=r)
            for r in everything(reader, patient, language())
        ],
    )
    response = fhir_response(bundle)
    response["Content-Disposition"] = f'attachment; filename="{FILE_NAME}"'
    return response


@patient_required
def my_fhir(request: AuthenticatedHttpRequest) -> HttpResponse:
    own = patients_for(request.user).values_list("pk", flat=True).first()
    if own is None:
        raise Http404
    return _download(request, access_patient(request.user, own, action=Action.EXPORT))


@clinician_required
def patient_fhir(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    return _download(request, access_patient(request.user, patient_id, action=Action.EXPORT))
