"""FHIR R4 at ``/fhir/R4/``: the clinic's records as FHIR resources, and questionnaire
responses in.

The same callers as the REST API (``backpath.api``): a clinic's API key with its scopes, or a
clinician's session; the same reach (the caller's clinic only, another clinic's record answers
404) and the same access log. Resources are built on request from the stored records: nothing
is kept twice. ``mapping_*`` turn records into resources (``fhir.resources``' R4B models),
``resources`` says which record each resource type comes from, ``views`` only routes.
docs/fhir.md describes every resource and code.
"""
