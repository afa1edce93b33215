"""``Idempotency-Key`` on the API's writes: the same write sent again (a retry after a lost
answer) makes its record once.

The key is claimed before the write, with a fingerprint of the request (method, path, body):
the same key with the same request is a replay and answers with the record the first made
(the write's submission id is derived from the key, so the service's double-submit rule
returns it, also when both arrive at once); the same key with another request is refused
(422). A write that fails releases its key, so a corrected request may use it. Keys are
kept for a day (``KEPT``); the IETF draft "The Idempotency-Key HTTP Header Field" is the
model. A write without the header is not deduplicated.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from backpath.api.auth import Principal
from backpath.api.models import IDEMPOTENCY_KEY_MAX, IdempotentRequest
from backpath.api.problems import Invalid

HEADER = "Idempotency-Key"
KEPT = timedelta(hours=24)
# The namespace of the submission ids derived from keys (uuid5): fixed, never changed.
NAMESPACE = uuid.UUID("6f0d3f0e-5b7e-4a59-9d0c-2f4f9a8c1b42")


@dataclass(frozen=True, slots=True)
class Claim:
    submission: uuid.UUID | None  # None: no key sent, an ordinary write
    replayed: bool  # the key was seen with this request before


def _fingerprint(request: HttpRequest) -> str:
    body = request.body
    # The same JSON written differently (spacing, key order) is the same request.
    with contextlib.suppress(ValueError):
        body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    head = f"{request.method} {request.path}\n".encode()
    return hashlib.sha256(head + body).hexdigest()


def _key(request: HttpRequest) -> str | None:
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if not (1 <= len(key) <= IDEMPOTENCY_KEY_MAX and key.isascii() and key.isprintable()):
        raise Invalid(HEADER, f"1 to {IDEMPOTENCY_KEY_MAX} visible ASCII characters")
    return key


@contextmanager
def idempotent(request: HttpRequest, caller: Principal) -> Iterator[Claim]:
    """Claim the request's key for the caller's clinic around a write."""
    key = _key(request)
    if key is None:
        yield Claim(None, replayed=False)
        return
    fingerprint = _fingerprint(request)
    mine = IdempotentRequest.objects.filter(clinic_id=caller.clinic_id)
    mine.filter(created_at__lt=timezone.now() - KEPT).delete()
    try:
        with transaction.atomic():
            claimed = mine.create(clinic_id=caller.clinic_id, key=key, fingerprint=fingerprint)
    except IntegrityError:
        claimed = None
        seen = mine.filter(key=key).first()
        if seen is not None and seen.fingerprint != fingerprint:
            raise Invalid(
                HEADER,
                "this key came with a different request in the last 24 hours; "
                "use a new key for a new request",
            ) from None
    submission = uuid.uuid5(NAMESPACE, f"{caller.clinic_id}:{key}:{fingerprint}")
    try:
        yield Claim(submission, replayed=claimed is None)
    except BaseException:
        if claimed is not None:  # nothing was made: the key is free for a corrected request
            IdempotentRequest.objects.filter(pk=claimed.pk).delete()
        raise
