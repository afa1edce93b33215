"""How the API writes JSON, and ETags on single resources.

Every body is written by :func:`render` (pydantic's JSON forms: times to the microsecond, in
UTC with ``Z``), so a list and a single record show the same values. A single resource's ETag
is the SHA-256 of its body: a client that keeps a copy asks again with ``If-None-Match`` and
gets 304 (no body) while the record is unchanged.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags, quote_etag
from ninja.renderers import JSONRenderer
from pydantic_core import to_jsonable_python

JSON = "application/json; charset=utf-8"


def render(data: Any) -> bytes:
    return json.dumps(to_jsonable_python(data)).encode()


class Renderer(JSONRenderer):
    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        return render(data)


def etag_of(content: bytes) -> str:
    return quote_etag(hashlib.sha256(content).hexdigest())


def _matches(header: str, tag: str) -> bool:
    if not header:
        return False
    tags = parse_etags(header)
    # If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" matches "x".
    return "*" in tags or tag in (t.removeprefix("W/") for t in tags)


def etagged(request: HttpRequest, payload: Any) -> HttpResponse:
    """``payload`` as the body with its ETag, or 304 when the client has it."""
    content = render(payload)
    tag = etag_of(content)
    response: HttpResponse
    if _matches(request.headers.get("If-None-Match", ""), tag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(content, content_type=JSON)
    response["ETag"] = tag
    return response
