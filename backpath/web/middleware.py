"""Response headers that keep health data in the page: a strict Content-Security-Policy
(no third-party scripts, fonts or trackers can load) and no caching of personal pages; the
user's own language; pages compressed for the phone."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.utils import translation

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)


def security_headers(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[..., HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.setdefault("Content-Security-Policy", CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response

    return middleware


def user_language(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[..., HttpResponse]:
    """A logged-in user sees their own language, wherever they log in from."""

    def middleware(request: HttpRequest) -> HttpResponse:
        language = getattr(request.user, "language", None)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return get_response(request)

    return middleware


# The patient's own pages (backpath/web/urls.py): the ones read on a phone, and none of them
# echoes text from its URL (their forms are posted, and a cross-site post carries no session).
PATIENT_PAGES = "/me/"


class CompressedPages(GZipMiddleware):
    """The patient's pages gzip-compressed when the browser asks for it: "today" with its
    moving exercise drawings is 100-180 KB of HTML, an eighth of that compressed, on a
    phone at every visit.

    Only the patient's whole HTML pages. A compressed page that also echoes text an outsider
    put in its URL lets them guess from its size what else it holds (BREACH); the clinic's
    pages echo their filters (the quality report, the access log), so they are sent as they
    are, as are PDFs, files and the API's JSON. Django also pads each compressed answer with
    up to 100 random bytes (Heal The Breach) and masks the CSRF token anew in every answer,
    and the session cookie is SameSite (docs/architecture.md, Performance)."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if (
            response.streaming
            or not request.path_info.startswith(PATIENT_PAGES)
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            return response
        return super().process_response(request, response)
