"""The request an access happens in, for the log: the client's address and the page.

The middleware remembers the request; code outside a request (commands, jobs) logs without.
The address is the connection's, or the proxy's ``X-Forwarded-For`` only when the operator
said a proxy sets it (``BACKPATH_PROXY_HEADERS``), so a client cannot choose its own.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_current: ContextVar[HttpRequest | None] = ContextVar("backpath_access_request", default=None)


def client_address(request: HttpRequest) -> str | None:
    raw = request.META.get("REMOTE_ADDR", "")
    if settings.BACKPATH_PROXY_HEADERS:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            raw = forwarded.split(",")[-1].strip()  # the address our own proxy saw
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return None
    # An IPv4 client of a dual-stack server arrives as ::ffff:a.b.c.d: keep it as the IPv4
    # address, the one text form that the database and every Python version agree on (the
    # hash chain covers it).
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def request_address() -> str | None:
    request = _current.get()
    return client_address(request) if request is not None else None


def request_page() -> str:
    """The URL pattern's name (never the URL itself: it may carry ids), or ""."""
    request = _current.get()
    match = request.resolver_match if request is not None else None
    return match.view_name if match is not None else ""


def access_context(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        token = _current.set(request)
        try:
            return get_response(request)
        finally:
            _current.reset(token)

    return middleware
