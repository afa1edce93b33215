"""Writing and checking the access log. Every entry is chained to the one before it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

from django.db import connection, models, transaction
from django.db.models import Field
from django.db.models.signals import post_save
from django.utils import timezone

from backpath.auditlog.chain import GENESIS, Break, Link, entry_hash, first_break, hash_parts
from backpath.auditlog.context import request_address, request_page
from backpath.auditlog.models import AccessEntry, Action, Actor, Outcome

# pg_advisory_xact_lock key: one writer at a time extends the chain (SQLite transactions
# are IMMEDIATE in settings, which serialises writers already). The same number is in the
# auditlog_chain_head function (migration 0004).
_CHAIN_LOCK = 7513

# A page read's entry, alone in its transaction, need not wait for the disk (_append).
# Refusals, prints and exports (seldom, and what an investigation looks for first) wait, as
# does every write's entry, which commits with the write.
_LAZY = Action.VIEW


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])


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
    its own transaction, committed lazily if it records a page read (``_append``)."""
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
    )
    if connection.vendor == "postgresql":
        alone = not connection.in_atomic_block
        _append(entry, lazy_commit=alone and action == _LAZY and outcome == Outcome.OK)
        return entry
    with transaction.atomic(savepoint=False):  # IMMEDIATE: the chain is this writer's
        previous = AccessEntry.objects.order_by("-id").values_list("hash", flat=True).first()
        entry.previous_hash = previous or GENESIS
        entry.hash = entry_hash(entry.previous_hash, entry.chained_fields())
        entry.save(force_insert=True)
    return entry


def _append(entry: AccessEntry, *, lazy_commit: bool) -> None:
    """PostgreSQL: link and insert the entry in one statement, which is its own transaction
    when the entry is alone (one round trip, and the chain's lock held only that long).

    ``auditlog_chain_head`` takes the chain's lock and then reads the newest hash with a fresh
    snapshot (migration auditlog 0004); the database hashes the entry's document around it
    (``chain.hash_parts``), so the stored hash is ``entry_hash``'s and the verifier is the same.
    ``lazy_commit`` makes the commit asynchronous: the entry is written and chained at once
    and on disk within a fraction of a second; only a crash of the database server in that
    moment loses it, with every entry after it, so the chain stays whole (the WAL keeps commit
    order). A page read then does not wait for a disk flush (docs/architecture.md)."""
    fields = _inserted_fields()
    before, after = hash_parts(entry.chained_fields())
    values = [field.get_db_prep_save(getattr(entry, field.attname), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(_append_sql(), [lazy_commit, GENESIS, *values, before, after])
        entry.id, entry.previous_hash, entry.hash = cursor.fetchone()
    entry._state.adding = False
    entry._state.db = connection.alias
    # What save() would have told its receivers (the quality summaries watch for reports).
    post_save.send(
        sender=AccessEntry,
        instance=entry,
        created=True,
        update_fields=None,
        raw=False,
        using=connection.alias,
    )


@cache
def _inserted_fields() -> tuple[Field[Any, Any], ...]:
    """The columns an entry is inserted with besides its link (the id is the database's)."""
    linked = {"id", "previous_hash", "hash"}
    return tuple(f for f in AccessEntry._meta.concrete_fields if f.attname not in linked)


@cache
def _append_sql() -> str:
    quote = connection.ops.quote_name
    fields = _inserted_fields()
    columns = ", ".join(quote(cast(str, field.column)) for field in fields)  # all concrete
    # Typed: in INSERT … SELECT a bare literal would be text, which inet and uuid refuse.
    values = ", ".join(f"CAST(%s AS {field.db_type(connection)})" for field in fields)
    return (
        "WITH head AS (SELECT coalesce(auditlog_chain_head(%s), %s) AS previous) "
        f"INSERT INTO {quote(AccessEntry._meta.db_table)} ({columns}, previous_hash, hash) "
        f"SELECT {values}, previous, "
        "encode(sha256(convert_to(%s || previous || %s, 'UTF8')), 'hex') FROM head "
        "RETURNING id, previous_hash, hash"
    )


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
