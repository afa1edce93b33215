"""Accounts: the start page per role, accepting an invitation, the clinic's team, language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from backpath.accounts.http import AuthenticatedHttpRequest
from backpath.accounts.models import Role, User
from backpath.accounts.services import (
    InvitationError,
    invitation_for_token,
    user_invite,
)
from backpath.accounts.services import (
    invitation_accept as accept,
)


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

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(_("This email address already has an account."))
        return email


@login_required
@require_http_methods(["GET", "POST"])
def team(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if not user.is_clinic_admin:
        raise Http404
    form = InviteClinicianForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        user_invite(
            actor=user,
            clinic=user.clinic,  # type: ignore[arg-type]
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            role=Role(data["role"]),
            language=translation.get_language() or "nl",
            base_url=request.build_absolute_uri("/"),
        )
        messages.success(request, _("Invitation sent."))
        return redirect("team")
    members = (
        User.objects.filter(clinic=user.clinic)
        .exclude(role=Role.PATIENT)
        .order_by("last_name", "first_name")
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/team.html", {"members": members, "form": form}, status=status)


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
