"""The API object that ``backpath/web/urls.py`` mounts at ``/api/v1/``.

django-ninja with backpath's own edges: every error a problem (``problems``), including the
405 and the 404 of a path that names no operation; error responses documented as
``application/problem+json``; the docs page served from ninja's bundled Swagger UI (no CDN,
no inline script, so the strict Content-Security-Policy holds).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path, re_path
from ninja import NinjaAPI, Swagger
from ninja.openapi.schema import OpenAPISchema

from backpath import __version__
from backpath.api import problems, routes_between_visits, routes_records, routes_writes
from backpath.api.auth import AUTH
from backpath.api.conditional import Renderer
from backpath.api.routes_public import compute, intake_schemas, public

DESCRIPTION = """\
backpath's public API: the clinic's records (read; add patients and open episodes), the
bundled clinical content, and the command line's scoring and assessment over HTTP.

Authenticate with `Authorization: Bearer bp_...` (an API key of one clinic, made by its clinic
admin on the API keys page or by an operator with `backpath apikey create`) or the web app's
login session (reads only). Writes take an `Idempotency-Key` header. Every error is an RFC 9457
problem (`application/problem+json`). docs/api.md in the repository describes it in full.
"""

Callback = Callable[..., Any]


def _edges(view: Callback) -> Callback:
    """The 405 as a problem; no response stored by a browser or proxy (patient data)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        if response.status_code == 405:
            response = problems.method_not_allowed(response)
        response.setdefault("Cache-Control", "no-store")
        return response

    return wrapped


def index(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(
        b'{"openapi": "/api/v1/openapi.json", "docs": "/api/v1/docs"}',
        content_type="application/json",
    )


class BackpathAPI(NinjaAPI):
    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls: list[URLResolver | URLPattern] = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern) and pattern.name == "api-root":
                pattern = path("", index, name="api-root")
            elif isinstance(pattern, URLPattern) and pattern.name not in DOC_URL_NAMES:
                pattern.callback = _edges(pattern.callback)
            urls.append(pattern)
        urls.append(re_path(r"^", problems.not_found_view, name="not_found"))
        return urls

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, response in operation["responses"].items():
                    response["description"] = problems.DESCRIPTIONS.get(
                        int(status), response["description"]
                    )
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        response["content"] = {problems.MEDIA_TYPE: content["application/json"]}
        schema["components"]["schemas"].update(intake_schemas())
        return schema


DOC_URL_NAMES = frozenset({"openapi-json", "openapi-view"})

api = BackpathAPI(
    title="backpath API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=AUTH,
    # No badge from the Swagger validator's site: the page loads nothing from elsewhere.
    docs=Swagger(settings={"validatorUrl": None}),
    renderer=Renderer(),
    openapi_extra={"info": {"x-backpath-version": __version__}},
)
problems.install(api)
api.add_router("", public)
api.add_router("", compute)
# The record paths share one router (django-ninja joins the methods of a path only within a
# router: GET and POST /patients): these modules each add their operations to it.
RECORD_MODULES = (routes_records, routes_writes, routes_between_visits)
api.add_router("", routes_records.router)
