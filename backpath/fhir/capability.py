"""The CapabilityStatement at ``/fhir/R4/metadata``: what this server does, for clients that
discover it. Generated from the same tables the views dispatch on, so it cannot drift."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from fhir.resources.R4B.capabilitystatement import (
    CapabilityStatement,
    CapabilityStatementImplementation,
    CapabilityStatementRest,
    CapabilityStatementRestResource,
    CapabilityStatementRestResourceInteraction,
    CapabilityStatementRestResourceOperation,
    CapabilityStatementRestResourceSearchParam,
    CapabilityStatementRestSecurity,
    CapabilityStatementSoftware,
)

from backpath import __version__
from backpath.fhir.search import ALWAYS, base_url

# fhir.resources' R4B models validate what the server sends: FHIR 4.3.0, the R4 series.
FHIR_VERSION = "4.3.0"
PARAM_TYPES = {
    "patient": "reference",
    "date": "date",
    "_lastUpdated": "date",
    "status": "token",
    "url": "uri",
    "_count": "number",
    "_offset": "number",
}


def _resource(
    name: str, params: frozenset[str], *, create: bool = False
) -> CapabilityStatementRestResource:
    interactions = ["read", "search-type", *(["create"] if create else [])]
    return CapabilityStatementRestResource(
        type=name,
        interaction=[
            CapabilityStatementRestResourceInteraction(code=code) for code in interactions
        ],
        searchParam=[
            CapabilityStatementRestResourceSearchParam(name=param, type=PARAM_TYPES[param])
            for param in sorted(params | (ALWAYS - {"_format"}))
        ],
        operation=[
            CapabilityStatementRestResourceOperation(
                name="everything",
                definition="http://hl7.org/fhir/OperationDefinition/Patient-everything",
            )
        ]
        if name == "Patient"
        else None,
    )


def capability_statement(
    request: HttpRequest, types: dict[str, frozenset[str]]
) -> CapabilityStatement:
    """``types``: each resource type and the search parameters it takes."""
    return CapabilityStatement(
        status="active",
        date=timezone.now(),
        publisher="backpath",
        kind="instance",
        software=CapabilityStatementSoftware(name="backpath", version=__version__),
        implementation=CapabilityStatementImplementation(
            description="backpath FHIR API", url=base_url(request)
        ),
        fhirVersion=FHIR_VERSION,
        format=["json"],
        rest=[
            CapabilityStatementRest(
                mode="server",
                security=CapabilityStatementRestSecurity(
                    description=(
                        "Authorization: Bearer bp_... (a clinic's API key, scopes "
                        "patients:read, episodes:read, score:write) or a clinician's session. "
                        "Questionnaire, CodeSystem and this statement are public."
                    )
                ),
                resource=[
                    _resource(name, params, create=name == "QuestionnaireResponse")
                    for name, params in types.items()
                ],
            )
        ],
    )
