"""Every error the API answers is an RFC 9457 problem (``application/problem+json``).

``type`` is ``about:blank`` (the status says what went wrong) and ``title`` the status's
phrase; ``detail`` says it for this request, and a validation problem (422) lists each bad
field in ``errors`` as ``{"field": "answers.q3", "problem": "must be ... or null (got 7)"}``,
the same field and words as the command line's error. ``install`` replaces django-ninja's own
handlers, so its parameter errors, 404s and 401/403s come in this shape too.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from backpath.clinical.errors import ClinicalInputError

MEDIA_TYPE = "application/problem+json"
logger = logging.getLogger("django.request")


class Invalid(Exception):
    """A parameter or body that the API refuses: 422 naming the field."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class FieldProblem(Schema):
    field: str
    problem: str


class Problem(Schema):
    """An RFC 9457 problem."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] | None = None


def problem(
    status: int,
    detail: str,
    *,
    errors: Sequence[Mapping[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = [{"field": e["field"], "problem": e["problem"]} for e in errors]
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=MEDIA_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def invalid(field: str, problem_text: str) -> HttpResponse:
    """A 422 naming one field, like the command line's ``field: problem`` line."""
    return problem(
        422, f"{field}: {problem_text}", errors=[{"field": field, "problem": problem_text}]
    )


def _field(loc: Sequence[object]) -> str:
    # ninja's loc starts with where the value came from (query, path, header, body).
    parts = [str(part) for part in loc[1:]] or [str(part) for part in loc]
    return ".".join(parts) or "input"


def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"field": _field(error.get("loc", ())), "problem": str(error.get("msg", "invalid"))}
        for error in exc.errors
    ]
    first = errors[0] if errors else {"field": "input", "problem": "invalid"}
    return problem(422, f"{first['field']}: {first['problem']}", errors=errors)


def _clinical(request: HttpRequest, exc: ClinicalInputError | Invalid) -> HttpResponse:
    return invalid(exc.field, exc.problem)


def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(404, "No such resource, or not one this key or account may see.")


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code != 401:
        return problem(exc.status_code, str(exc))
    detail = str(exc)
    if isinstance(exc, AuthenticationError) and detail == AuthenticationError().message:
        detail = "Send an API key (Authorization: Bearer bp_...), or log in as a clinician."
    return problem(401, detail, headers={"WWW-Authenticate": 'Bearer realm="backpath"'})


def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return problem(413, "The request body is too large.")


def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A fault of ours, never of the input: reported as Django reports one (the log, the
    error signal), answered as a problem without the traceback."""
    logger.error("API error: %s %s", request.method, request.path, exc_info=exc)
    got_request_exception.send(sender=None, request=request)
    return problem(500, "The server failed to answer this request.")


def install(api: NinjaAPI) -> None:
    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (Exception, _server_error),
        (ValidationError, _validation),
        (ClinicalInputError, _clinical),
        (Invalid, _clinical),
        (Http404, _not_found),
        (HttpError, _http_error),
        (RequestDataTooBig, _too_big),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)


def not_found_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any path under the API that names no operation (a malformed id, a typo)."""
    return problem(404, "No such resource.")


def method_not_allowed(response: HttpResponse) -> HttpResponse:
    """ninja answers a method a path does not take with a plain 405: give it the shape."""
    allowed = response.get("Allow", "")
    return problem(
        405, f"This path takes {allowed or 'no other methods'}.", headers={"Allow": allowed}
    )


# What each status means here, for the OpenAPI schema's response descriptions.
DESCRIPTIONS = {
    304: "Not Modified: the record still has the ETag sent in If-None-Match (no body).",
    401: "No key or session; or an unknown, expired or revoked key.",
    403: "The key lacks the scope; or a patient's session, or a session POST without CSRF.",
    404: "No such record in the clinic's reach (another clinic's record answers this too).",
    413: "The body is larger than the server takes.",
    422: "A parameter or the body is not valid: errors names each field and its problem.",
}
