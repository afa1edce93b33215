"""The FHIR server's views: authenticate, dispatch to ``resources``, answer a resource or a
Bundle. Every view is wrapped by ``outcomes.endpoint`` (JSON only, errors as
OperationOutcomes, no caching)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from fhir.resources.R4B.bundle import Bundle, BundleEntry

from backpath.accounts.models import Clinic
from backpath.api import records
from backpath.api.models import Scope
from backpath.fhir import resources
from backpath.fhir.callers import caller, language
from backpath.fhir.capability import capability_statement
from backpath.fhir.mapping_clinic import organization
from backpath.fhir.mapping_observation import observations
from backpath.fhir.mapping_patient import patient_resource
from backpath.fhir.mapping_response import questionnaire_response
from backpath.fhir.outcomes import (
    FhirError,
    endpoint,
    fhir_response,
    method_not_allowed,
    not_found,
)
from backpath.fhir.receive import receive
from backpath.fhir.resources import EPISODE_TYPES, Found
from backpath.fhir.search import Query, base_url, parse, searchset

# Each resource type and the search parameters it takes (besides _count, _offset, _format).
TYPES: dict[str, frozenset[str]] = {
    "Patient": frozenset({"_lastUpdated"}),
    **{name: kind.params for name, kind in EPISODE_TYPES.items()},
    "Practitioner": frozenset({"_lastUpdated"}),
    "Organization": frozenset(),
    "Questionnaire": frozenset({"status", "url"}),
    "CodeSystem": frozenset({"url"}),
}
WRITABLE = "QuestionnaireResponse"


def _known(type_name: str) -> None:
    if type_name not in TYPES:
        raise FhirError(
            404,
            "not-supported",
            _("This server has no resource type %(type)s.") % {"type": type_name},
        )


def _public(found: list[Found], query: Query) -> list[Found]:
    return [
        item
        for item in resources.matching(found, query, status_of=lambda r: r.status)
        if query.url is None or getattr(item.resource, "url", None) == query.url
    ]


def _search(request: HttpRequest, type_name: str, query: Query) -> list[Found]:
    lang = language()
    match type_name:
        case "Questionnaire":
            return _public([Found(q) for q in resources.public_questionnaires(lang)], query)
        case "CodeSystem":
            return _public([Found(c) for c in resources.code_systems()], query)
        case "Practitioner":
            return resources.search_practitioners(caller(request), query)
        case "Organization":
            clinic = Clinic.objects.get(pk=caller(request).clinic_id)
            return resources.matching([Found(organization(clinic))], query)
    # The patient record: the patients on the page answered are written to the access log.
    if type_name == "Patient":
        who = caller(request, Scope.PATIENTS_READ)
        found = resources.search_patients(who, query)
    else:
        kind = EPISODE_TYPES[type_name]
        who = caller(request, kind.scope)
        found = resources.search_episode_type(who, kind, query, lang)
    resources.log_page(who, type_name, found[query.offset : query.offset + query.count])
    return found


@endpoint
def metadata(request: HttpRequest) -> HttpResponse:
    if request.method != "GET":
        return method_not_allowed("GET")
    return fhir_response(capability_statement(request, TYPES))


@endpoint
def resource_type(request: HttpRequest, type_name: str) -> HttpResponse:
    _known(type_name)
    allowed = "GET, POST" if type_name == WRITABLE else "GET"
    if request.method == "POST" and type_name == WRITABLE:
        return _create(request)
    if request.method != "GET":
        return method_not_allowed(allowed)
    query = parse(request.GET, TYPES[type_name], type_name)
    found = _search(request, type_name, query)
    return fhir_response(searchset(request, [item.resource for item in found], query))


@endpoint
def resource_instance(request: HttpRequest, type_name: str, resource_id: str) -> HttpResponse:
    _known(type_name)
    if request.method != "GET":
        return method_not_allowed("GET")
    parse(request.GET, frozenset(), type_name)  # a read takes no parameters but _format
    lang = language()
    if type_name == "Questionnaire":
        return fhir_response(resources.read_questionnaire(resource_id, lang))
    if type_name == "CodeSystem":
        return fhir_response(resources.read_code_system(resource_id))
    if type_name == "Patient":
        patient = resources.read_patient(caller(request, Scope.PATIENTS_READ), resource_id)
        return fhir_response(patient_resource(patient))
    if type_name == "Practitioner":
        return fhir_response(resources.read_practitioner(caller(request), resource_id))
    if type_name == "Organization":
        clinic_id = caller(request).clinic_id
        if resource_id != str(clinic_id):
            raise not_found()
        return fhir_response(organization(Clinic.objects.get(pk=clinic_id)))
    kind = EPISODE_TYPES[type_name]
    who = caller(request, kind.scope)
    return fhir_response(resources.read_episode_resource(who, kind, resource_id, lang))


@endpoint
def everything(request: HttpRequest, resource_id: str) -> HttpResponse:
    """``Patient/{id}/$everything``: the patient, the clinic and every episode's resources."""
    if request.method != "GET":
        return method_not_allowed("GET")
    query = parse(request.GET, frozenset(), "Patient/$everything")
    who = caller(request, Scope.PATIENTS_READ, Scope.EPISODES_READ)
    patient = resources.read_patient(who, resource_id)
    records.log_read(
        who, patient_id=patient.id, object_type="fhir:Patient/$everything", object_id=patient.id
    )
    found = resources.everything(who, patient, language())
    return fhir_response(searchset(request, found, query))


def _create(request: HttpRequest) -> HttpResponse:
    who = caller(request, Scope.SCORE_WRITE)
    received = receive(who, request)
    lang = language()
    stored = [
        questionnaire_response(received.answered, lang),
        *observations(received.answered, lang),
    ]
    base = base_url(request)
    bundle = Bundle(
        type="collection",
        entry=[
            BundleEntry(fullUrl=f"{base}/{r.get_resource_type()}/{r.id}", resource=r)
            for r in stored
        ],
    )
    response = fhir_response(bundle, 201 if received.created else 200)
    response["Location"] = f"{base}/{WRITABLE}/{received.answered.fhir_id}"
    return response


@endpoint
def unknown(request: HttpRequest) -> HttpResponse:
    """A path under /fhir/R4/ that names nothing this server has."""
    raise not_found()
