"""The write events recorded before the access log existed (care.AuditEvent) become its first
entries, in their order, chained like every later entry."""

from datetime import UTC

from django.db import migrations

from backpath.auditlog.chain import GENESIS, entry_hash

CREATE_ACTIONS = ("create", "open", "invite", "submit", "record", "save", "log", "publish")


def copy(apps, schema_editor):  # type: ignore[no-untyped-def]
    AuditEvent = apps.get_model("care", "AuditEvent")
    AccessEntry = apps.get_model("auditlog", "AccessEntry")
    previous = GENESIS
    for event in AuditEvent.objects.order_by("at", "id").select_related("actor").iterator():
        kind, _dot, verb = event.action.partition(".")
        entry = AccessEntry(
            at=event.at,
            actor_id=event.actor_id,
            actor_label=event.actor.email if event.actor else "",
            role=(event.actor.role if event.actor else "") or "",
            clinic_id=event.clinic_id,
            patient_id=None,
            object_type=kind[:40],
            object_id=str(event.object_id or ""),
            action="create" if verb in CREATE_ACTIONS else "change",
            detail=event.action[:80],
            outcome="ok",
            address=None,
            previous_hash=previous,
        )
        fields = {
            "at": entry.at.astimezone(UTC).isoformat(),
            "actor": str(entry.actor_id or ""),
            "actor_label": entry.actor_label,
            "role": entry.role,
            "clinic": str(entry.clinic_id or ""),
            "patient": "",
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "action": entry.action,
            "detail": entry.detail,
            "outcome": entry.outcome,
            "address": "",
        }
        entry.hash = entry_hash(previous, fields)
        entry.save(force_insert=True)
        previous = entry.hash


class Migration(migrations.Migration):
    dependencies = [("auditlog", "0002_append_only_trigger"), ("care", "0002_typed_columns")]

    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
