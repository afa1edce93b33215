"""Accounts: the start page per role, accepting an invitation, the clinic's team, language."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from backpath.accounts import two_factor
from backpath.accounts.http import AuthenticatedHttpRequest
from backpath.accounts.lockout import locked_out, unlock
from backpath.accounts.models import Role, User
from backpath.accounts.services import (
    InvitationError,
    invitation_elsewhere,
    invitation_for_token,
    user_invite,
)
from backpath.accounts.services import (
    invitation_accept as accept,
)
from backpath.auditlog.context import client_address
from backpath.auditlog.models import Action
from backpath.auditlog.services import record


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return redirect("login")
    assert isinstance(user, User)
    if user.is_clinician:
        return redirect("dashboard")
    if user.is_patient:
        return redirect("portal_home")
    if user.is_superuser:
        return redirect("admin:index")
    raise Http404


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_for_token(token)
    except InvitationError:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accept(token=token, password=form.cleaned_data["new_password1"])
        except InvitationError:
            return render(request, "accounts/invitation_invalid.html", status=404)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to backpath. Your password is set."))
        response = redirect("home")
        response.set_cookie("django_language", user.language, samesite="Lax")
        return response
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "invitation": invitation},
        status=status,
    )


class InviteClinicianForm(forms.Form):
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=100)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=100)
    email = forms.EmailField(label=gettext_lazy("Email address"))
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=[
            (Role.CLINICIAN, Role.CLINICIAN.label),
            (Role.CLINIC_ADMIN, Role.CLINIC_ADMIN.label),
        ],
        widget=forms.RadioSelect,
        initial=Role.CLINICIAN,
    )

    def __init__(self, clinic_id: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinic_id = clinic_id

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].lower()
        # Only an account in this clinic is named: one elsewhere stays unknown to the form.
        if User.objects.filter(email=email, clinic_id=self.clinic_id).exists():
            raise forms.ValidationError(_("This email address is already in your clinic."))
        return email


@login_required
@require_http_methods(["GET", "POST"])
def team(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if not user.is_clinic_admin:
        raise Http404
    clinic = user.clinic
    assert clinic is not None
    form = InviteClinicianForm(clinic.id, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        language = translation.get_language() or "nl"
        if User.objects.filter(email=data["email"]).exists():
            invitation_elsewhere(email=data["email"], clinic=clinic, language=language)
        else:
            user_invite(
                actor=user,
                clinic=clinic,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                role=Role(data["role"]),
                language=language,
                base_url=request.build_absolute_uri("/"),
            )
        messages.success(request, _("Invitation sent."))
        return redirect("team")
    members = list(
        User.objects.filter(clinic=clinic)
        .exclude(role=Role.PATIENT)
        .order_by("last_name", "first_name")
    )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/team.html",
        {"members": members, "locked": locked_out(members), "form": form},
        status=status,
    )


@login_required
@require_POST
def member_unlock(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    """The clinic admin lifts a login lockout of someone in their clinic (patients too)."""
    admin = request.user
    if not admin.is_clinic_admin or admin.clinic_id is None:
        raise Http404
    member = User.objects.filter(pk=user_id, clinic_id=admin.clinic_id).first()
    if member is None:
        raise Http404
    unlock(member)
    record(
        actor=admin,
        action=Action.PERMISSION_CHANGE,
        detail="account.unlock",
        object_type="user",
        object_id=member.pk,
    )
    messages.success(request, _("%(name)s can log in again.") % {"name": member})
    return redirect("team")


class PasswordChange(auth_views.PasswordChangeView):
    """Change one's own password; logged (not the password) like every account change."""

    success_url = reverse_lazy("password_change_done")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        assert isinstance(user, User)
        context["two_step_on"] = two_factor.enrolled(user)
        context["two_step_required"] = two_factor.required_by_clinic(user)
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = self.request.user
        assert isinstance(user, User)
        record(
            actor=user,
            action=Action.CHANGE,
            detail="account.password",
            object_type="user",
            object_id=user.pk,
        )
        return response


# At most this many reset requests per hour per address and per email: a reset mails a
# stranger's inbox, and the form must not become a way to flood one.
RESETS_PER_HOUR = 5


class PasswordReset(auth_views.PasswordResetView):
    def form_valid(self, form: Any) -> HttpResponse:
        email = form.cleaned_data["email"].lower()
        keys = (
            f"reset:address:{client_address(self.request)}",
            "reset:email:" + hashlib.sha256(email.encode()).hexdigest(),
        )
        counts = [int(cache.get_or_set(key, 0, 60 * 60) or 0) for key in keys]
        if max(counts) >= RESETS_PER_HOUR:
            form.add_error(None, _("Too many reset requests. Try again in an hour."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        for key in keys:
            try:
                cache.incr(key)
            except ValueError:  # expired between the two calls
                cache.set(key, 1, 60 * 60)
        return super().form_valid(form)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; remembered on the account and in a cookie."""
    code = request.POST.get("language", "")
    if code not in ("nl", "en"):
        code = "nl"
    user = request.user
    if isinstance(user, User) and user.language != code:
        user.language = code
        user.save(update_fields=["language"])
    next_url = request.POST.get("next", "/")
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = "/"
    response = redirect(next_url)
    response.set_cookie("django_language", code, samesite="Lax", max_age=60 * 60 * 24 * 365)
    return response
