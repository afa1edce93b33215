"""Clinical records in the admin are read-only: they change only through the clinical pages,
which keep history. Instruments, red flags and pathway rules are reviewed data files in the
package and cannot be edited here at all."""

from __future__ import annotations

from django.contrib import admin

from backpath.accounts.admin import ClinicScopedAdmin
from backpath.care.models import AuditEvent, Episode, Patient


@admin.register(Patient)
class PatientAdmin(ClinicScopedAdmin):
    list_display = ("last_name", "first_name", "date_of_birth", "created_at")
    search_fields = ("last_name", "first_name")
    clinic_admin_can_change = True
    fields = (
        "first_name",
        "last_name",
        "date_of_birth",
        "sex",
        "email",
        "gp_name",
        "gp_practice",
        "referrer",
    )


@admin.register(Episode)
class EpisodeAdmin(ClinicScopedAdmin):
    list_display = ("patient", "status", "opened_at", "closed_at")
    list_filter = ("status",)
    fields = ("patient", "status", "urgency", "opened_at", "closed_at", "discharge_reason")
    readonly_fields = fields


@admin.register(AuditEvent)
class AuditEventAdmin(ClinicScopedAdmin):
    list_display = ("at", "actor", "action", "object_id")
    list_filter = ("action",)
    readonly_fields = ("at", "actor", "action", "object_id", "clinic")
