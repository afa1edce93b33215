"""Admin for superusers and clinic admins. A clinic admin sees only their own clinic."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backpath.accounts.models import Clinic, Invitation, User
from backpath.accounts.services import invitation_send
from backpath.auditlog.models import Action
from backpath.auditlog.services import record


def _admin(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _is_clinic_admin(request: HttpRequest) -> bool:
    user = request.user
    return isinstance(user, User) and user.is_active and user.is_staff and user.is_clinic_admin


class ClinicScopedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Open to superusers, and to clinic admins for their own clinic's rows only."""

    clinic_field = "clinic"
    clinic_admin_can_change = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        if _is_clinic_admin(request):
            return queryset.filter(**{self.clinic_field: request.user.clinic_id})  # type: ignore[union-attr]
        return queryset.none()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or _is_clinic_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_superuser or (
            self.clinic_admin_can_change and _is_clinic_admin(request)
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # clinical and account history is kept; deactivate instead


@admin.register(Clinic)
class ClinicAdmin(ClinicScopedAdmin):
    clinic_field = "id"
    clinic_admin_can_change = True
    list_display = ("name", "city", "phone")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Turning two-step login off or on changes who may reach patient data: logged.
        if "require_staff_2fa" in form.changed_data:
            record(
                actor=_admin(request),
                action=Action.PERMISSION_CHANGE,
                detail="clinic.two_step_login",
                clinic_id=obj.pk,
                object_type="clinic",
                object_id=obj.pk,
            )


@admin.register(User)
class UserAdmin(ClinicScopedAdmin, BaseUserAdmin):  # type: ignore[type-arg]
    clinic_admin_can_change = True
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = ((None, {"fields": ("email", "first_name", "last_name", "language", "is_active")}),)
    superuser_fieldsets = (
        (None, {"fields": ("email", "password", "first_name", "last_name", "language")}),
        ("Clinic", {"fields": ("clinic", "role", "is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"fields": ("email", "clinic", "role", "password1", "password2")}),)
    readonly_fields = ("last_login", "date_joined")
    actions = ("send_password_link",)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.add_fieldsets
        return self.superuser_fieldsets if request.user.is_superuser else self.fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A clinic admin who could change an address could send its reset link to
        # themselves and log in as a patient: the address is the account's own.
        if request.user.is_superuser:
            return self.readonly_fields
        return (*self.readonly_fields, "email")

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        # Setting someone's password is taking over their account: superusers only. A
        # clinic admin sends a link to the account's own address (the action below).
        if not request.user.is_superuser:
            raise PermissionDenied
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            record(
                actor=_admin(request),
                action=Action.PERMISSION_CHANGE,
                detail="account.password_set",
                object_type="user",
                object_id=id,
            )
        return response

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        rights = {"role", "is_active", "is_staff", "is_superuser", "clinic"}
        record(
            actor=_admin(request),
            action=Action.PERMISSION_CHANGE
            if rights & set(form.changed_data)
            else (Action.CHANGE if change else Action.CREATE),
            detail="account.admin",
            object_type="user",
            object_id=obj.pk,
        )

    @admin.action(description=gettext_lazy("Send a link to set a new password"))
    def send_password_link(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = _admin(request)
        for user in queryset:
            invitation_send(actor=actor, user=user, base_url=request.build_absolute_uri("/"))
            record(
                actor=actor,
                action=Action.CHANGE,
                detail="account.password_link",
                object_type="user",
                object_id=user.pk,
            )
        self.message_user(request, _("Links sent: %(count)d.") % {"count": len(queryset)})


@admin.register(Invitation)
class InvitationAdmin(ClinicScopedAdmin):
    list_display = ("user", "created_at", "expires_at", "accepted_at")
    exclude = ("token_hash",)
