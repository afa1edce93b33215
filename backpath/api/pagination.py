"""Cursor pagination over ``(created_at, id)``: a stable order that a new record cannot
shift, so walking every page sees each record once.

The cursor is opaque to clients (URL-safe base64 of the last record's position); a cursor
that does not decode is a 422 on the ``cursor`` field.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime
from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from backpath.api.problems import Invalid

MAX_LIMIT = 100
DEFAULT_LIMIT = 50

M = TypeVar("M", bound=Model)


def encode(created_at: datetime, pk: uuid.UUID) -> str:
    raw = json.dumps([created_at.isoformat(), str(pk)], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, pk = json.loads(raw)
        at = datetime.fromisoformat(created)
        if at.tzinfo is None:
            raise ValueError("naive")
        return at, uuid.UUID(pk)
    except (ValueError, TypeError, AttributeError, RecursionError):
        raise Invalid("cursor", "not a cursor this API gave; start without one") from None


def page(queryset: QuerySet[M], *, limit: int, cursor: str | None) -> tuple[list[M], str | None]:
    """One page in (created_at, id) order and the cursor of the next, or None at the end."""
    ordered = queryset.order_by("created_at", "id")
    if cursor:
        at, pk = decode(cursor)
        ordered = ordered.filter(Q(created_at__gt=at) | Q(created_at=at, id__gt=pk))
    rows = list(ordered[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], encode(last.created_at, last.pk)  # type: ignore[attr-defined]
