"""Writing and checking the access log. Every entry is chained to the one before it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, models, transaction
from django.utils import timezone

from backpath.auditlog.chain import GENESIS, Break, Link, entry_hash, first_break
from backpath.auditlog.context import request_address, request_page
from backpath.auditlog.models import AccessEntry, Action, Actor, Outcome

# pg_advisory_xact_lock key: one writer at a time extends the chain (SQLite transactions
# are IMMEDIATE in settings, which serialises writers already). The same number is in the
# auditlog_chain_head function (migration 0004).
_CHAIN_LOCK = 7513

# A page read's entry, alone in its transaction, need not wait for the disk (_chain_head).
# Refusals, prints and exports (seldom, and what an investigation looks for first) wait, as
# does every write's entry, which commits with the write.
_LAZY = Action.VIEW


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])


def _chain_head(*, lazy_commit: bool) -> str | None:
    """The newest entry's hash, read once this transaction holds the chain.

    On PostgreSQL one round trip (the auditlog_chain_head function) takes the lock and then
    reads the head with a fresh snapshot. ``lazy_commit`` makes the commit asynchronous: the
    entry is written and chained at once, and on disk within a fraction of a second; only a
    crash of the database server in that moment loses it, together with every entry after it,
    so the chain stays whole (the WAL keeps commit order). A page read is then not held up by
    a disk flush while it holds the chain's lock (docs/architecture.md, Performance)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT auditlog_chain_head(%s)", [lazy_commit])
            row = cursor.fetchone()
        return row[0] if row else None
    return AccessEntry.objects.order_by("-id").values_list("hash", flat=True).first()


def record(
    *,
    actor: Actor | None,
    action: Action,
    detail: str = "",
    patient_id: uuid.UUID | None = None,
    clinic_id: uuid.UUID | None = None,
    object_type: str = "",
    object_id: object = "",
    outcome: Outcome = Outcome.OK,
    actor_label: str = "",
) -> AccessEntry:
    """Append one entry. ``detail`` defaults to the page the request is on.

    Inside a write's transaction the entry is part of it (no savepoint of its own: if the
    entry fails, the write is not kept without it) and commits as the write does; alone, it is
    its own transaction, committed lazily if it records a page read (``_chain_head``)."""
    alone = not connection.in_atomic_block
    with transaction.atomic(savepoint=False):
        previous = _chain_head(lazy_commit=alone and action == _LAZY and outcome == Outcome.OK)
        entry = AccessEntry(
            at=timezone.now(),
            actor_id=actor.pk if actor is not None else None,
            actor_label=(actor.email if actor is not None else actor_label)[:254],
            role=(actor.role if actor is not None else "") or "",
            clinic_id=clinic_id if clinic_id is not None else (actor.clinic_id if actor else None),
            patient_id=patient_id,
            object_type=object_type,
            object_id=str(object_id or "")[:64],
            action=action.value,
            detail=(detail or request_page())[:80],
            outcome=outcome.value,
            address=request_address(),
            previous_hash=previous or GENESIS,
        )
        entry.hash = entry_hash(entry.previous_hash, entry.chained_fields())
        entry.save(force_insert=True)
    return entry


def _links() -> Iterator[Link]:
    for entry in AccessEntry.objects.order_by("id").iterator(chunk_size=2000):
        yield Link(entry.id, entry.previous_hash, entry.hash, entry.chained_fields())


@dataclass(frozen=True, slots=True)
class Verified:
    entries: int
    last_hash: str  # compare with a copy kept elsewhere: cutting off the newest entries
    broken: Break | None  # leaves the chain whole, but not this hash


def verify() -> Verified:
    anchors = frozenset(
        AccessEntry.objects.filter(action=Action.PRUNE).values_list("object_id", flat=True)
    )
    broken = first_break(_links(), starts=frozenset({GENESIS}) | anchors)
    last = AccessEntry.objects.order_by("-id").values_list("hash", flat=True).first()
    return Verified(AccessEntry.objects.count(), last or GENESIS, broken)


def prune(before: datetime, *, actor: Actor | None = None) -> int:
    """Remove the entries older than ``before`` (the retention period) and log that it did,
    with the hash the remaining chain now starts from. Returns the number removed."""
    with transaction.atomic():
        _lock_chain()
        last = AccessEntry.objects.filter(at__lt=before).order_by("-id").first()
        if last is None:
            return 0
        old = AccessEntry.objects.filter(id__lte=last.id)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # the trigger lets this transaction through
                cursor.execute("SET LOCAL backpath.audit_prune = 'on'")
        removed, _counts = models.QuerySet.delete(old)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # closed again at once, not at commit
                cursor.execute("SELECT set_config('backpath.audit_prune', 'off', true)")
        record(
            actor=actor,
            action=Action.PRUNE,
            detail=f"{removed} entries before {before.date().isoformat()}",
            object_type="access_log",
            object_id=last.hash,
        )
    return removed
