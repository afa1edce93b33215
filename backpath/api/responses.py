"""The responses an operation documents: its success shape and the problems it can answer."""

from __future__ import annotations

from typing import Any

from backpath.api.problems import Problem


def documented(
    ok: Any,
    *,
    auth: bool = True,
    found: bool = False,
    query: bool = False,
    body: bool = False,
    etag: bool = False,
) -> dict[int, Any]:
    """``ok`` for 200; 304 with an ETag; 401/403 with auth; 404 for a record named in the path;
    422 for a parameter or body; 413 for a body."""
    responses: dict[int, Any] = {200: ok}
    if etag:
        responses[304] = None
    if auth:
        responses |= {401: Problem, 403: Problem}
    if found:
        responses[404] = Problem
    if query or body:
        responses[422] = Problem
    if body:
        responses[413] = Problem
    return responses
