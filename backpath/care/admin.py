"""Clinical records in the admin are read-only: they change only through the clinical pages,
which keep history. Instruments, red flags and pathway rules are reviewed data files in the
package and cannot be edited here at all. Every record opened or changed here goes into the
access log like any other page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from backpath.accounts.admin import ClinicScopedAdmin
from backpath.accounts.models import User
from backpath.auditlog.models import Action
from backpath.auditlog.services import record
from backpath.care.models import Episode, Patient


class AccessLoggedAdmin(ClinicScopedAdmin):
    def _patient_id(self, obj: Any) -> Any:
        return obj.pk if isinstance(obj, Patient) else obj.patient_id

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and isinstance(request.user, User):
            record(
                actor=request.user,
                action=Action.VIEW,
                patient_id=self._patient_id(obj),
                clinic_id=obj.clinic_id,
                object_type=obj._meta.model_name,
                object_id=obj.pk,
            )
        return obj

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if isinstance(request.user, User):
            record(
                actor=request.user,
                action=Action.CHANGE if change else Action.CREATE,
                patient_id=self._patient_id(obj),
                clinic_id=obj.clinic_id,
                object_type=obj._meta.model_name,
                object_id=obj.pk,
            )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if isinstance(request.user, User):
            record(actor=request.user, action=Action.VIEW, object_type="admin_list")
        return super().changelist_view(request, extra_context)


@admin.register(Patient)
class PatientAdmin(AccessLoggedAdmin):
    list_display = ("last_name", "first_name", "date_of_birth", "created_at")
    search_fields = ("last_name", "first_name")
    clinic_admin_can_change = True
    fields = (
        "first_name",
        "last_name",
        "date_of_birth",
        "sex",
        "email",
        "phone",
        "gp_name",
        "gp_practice",
        "gp_phone",
        "gp_address",
        "referrer",
    )


@admin.register(Episode)
class EpisodeAdmin(AccessLoggedAdmin):
    list_display = ("patient", "status", "opened_at", "closed_at")
    list_filter = ("status",)
    fields = ("patient", "status", "urgency", "opened_at", "closed_at", "discharge_reason")
    readonly_fields = fields
