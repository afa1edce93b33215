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


class CompressedPages(GZipMiddleware):
    """The app's HTML pages gzip-compressed when the browser asks for it: "today" with its
    moving exercise drawings is 100-180 KB of HTML, an eighth of that compressed, on a
    patient's phone at every visit.

    Only whole HTML pages. Static files come compressed from WhiteNoise already; PDFs,
    photos and videos are compressed formats; streamed files and the API's JSON are left as
    they are. Against BREACH-style guessing of what a compressed page holds, Django pads
    each answer with up to 100 random bytes (Heal The Breach), on top of its per-answer
    masked CSRF token and the SameSite session cookie (docs/architecture.md, Performance)."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)
