"""Every answer of the FHIR server is ``application/fhir+json``; every error an
OperationOutcome with the status, an issue code from FHIR's issue-type list and the problem
in words (in the request's language), never a traceback.

``endpoint`` wraps each view: it refuses other formats (406), turns the errors of the
shared API auth, a missing record, a body over the limit and a fault of ours into
OperationOutcomes, and marks every answer ``no-store`` (patient data stays out of caches).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from fhir.resources.R4B.operationoutcome import OperationOutcome, OperationOutcomeIssue
from fhir.resources.R4B.resource import Resource
from ninja.errors import AuthenticationError, HttpError

from backpath.api.services import Rejected

MEDIA_TYPE = "application/fhir+json"
CONTENT_TYPE = f"{MEDIA_TYPE}; charset=utf-8"
# What a client may ask for with Accept or _format: FHIR's JSON, under any of its names.
JSON_FORMATS = frozenset({"json", "application/json", MEDIA_TYPE})
logger = logging.getLogger("django.request")


class FhirError(Exception):
    """A request the server refuses: the status, FHIR's issue code, the problem in words and,
    for a bad part of the input, where it is (a FHIRPath-like ``expression``)."""

    def __init__(
        self, status: int, code: str, diagnostics: str, *, expression: str | None = None
    ) -> None:
        super().__init__(diagnostics)
        self.status = status
        self.code = code
        self.diagnostics = diagnostics
        self.expression = expression


def fhir_response(resource: Resource, status: int = 200) -> HttpResponse:
    return HttpResponse(resource.model_dump_json(), status=status, content_type=CONTENT_TYPE)


def outcome(
    status: int, code: str, diagnostics: str, *, expression: str | None = None
) -> HttpResponse:
    issue = OperationOutcomeIssue(
        severity="fatal" if status >= 500 else "error",
        code=code,
        diagnostics=diagnostics,
        expression=[expression] if expression else None,
    )
    response = fhir_response(OperationOutcome(issue=[issue]), status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="backpath"'
    return response


def not_found() -> FhirError:
    return FhirError(
        404, "not-found", _("No such resource, or not one this key or account may see.")
    )


def _unauthorised(exc: HttpError) -> HttpResponse:
    known = {
        Rejected.UNKNOWN.value: _("The API key is not valid."),
        Rejected.EXPIRED.value: _("The API key has expired."),
        Rejected.REVOKED.value: _("The API key has been revoked."),
    }
    if exc.status_code == 401 or isinstance(exc, AuthenticationError):
        detail = known.get(
            str(exc), _("Send an API key (Authorization: Bearer bp_...), or log in as a clinician.")
        )
        return outcome(401, "login", detail)
    return outcome(
        403,
        "forbidden",
        _(
            "Refused: the FHIR API is open to a clinic's clinicians and to API keys, and a "
            "session's change needs the CSRF token."
        ),
    )


def _acceptable(request: HttpRequest) -> bool:
    asked = request.GET.get("_format")
    if asked is not None:
        return asked in JSON_FORMATS
    return any(request.accepts(media) for media in JSON_FORMATS - {"json"})


View = Callable[..., HttpResponse]


def endpoint(view: View) -> View:
    @csrf_exempt  # an API key is no cookie; a session is checked for CSRF by the API's auth
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            if not _acceptable(request):
                raise FhirError(
                    406,
                    "not-supported",
                    _("This server answers JSON only (application/fhir+json)."),
                )
            response = view(request, *args, **kwargs)
        except FhirError as error:
            response = outcome(
                error.status, error.code, error.diagnostics, expression=error.expression
            )
        except Http404:
            missing = not_found()
            response = outcome(missing.status, missing.code, missing.diagnostics)
        except HttpError as error:
            response = _unauthorised(error)
        except RequestDataTooBig:
            response = outcome(413, "too-costly", _("The request body is too large."))
        except Exception as error:
            # A fault of ours, reported as Django reports one; the client learns nothing more.
            logger.error("FHIR error: %s %s", request.method, request.path, exc_info=error)
            got_request_exception.send(sender=None, request=request)
            response = outcome(500, "exception", _("The server failed to answer this request."))
        response["Cache-Control"] = "no-store"
        return response

    return wrapped


def method_not_allowed(allowed: str) -> HttpResponse:
    response = outcome(
        405, "not-supported", _("This path takes %(methods)s.") % {"methods": allowed}
    )
    response["Allow"] = allowed
    return response
