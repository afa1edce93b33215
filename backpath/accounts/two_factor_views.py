"""The second login step's pages: set up an authenticator, enter a code, turn it off."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from backpath.accounts import two_factor
from backpath.accounts.http import AuthenticatedHttpRequest
from backpath.auditlog.models import Action, Outcome
from backpath.auditlog.services import record


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next(request: AuthenticatedHttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    device = two_factor.pending_authenticator(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm(request, user, device, form.cleaned_data["code"])
        if codes is not None:
            record(
                actor=user,
                action=Action.PERMISSION_CHANGE,
                detail="account.2fa_on",
                object_type="user",
                object_id=user.pk,
            )
            return render(
                request, "accounts/two_factor_codes.html", {"codes": codes, "next": _next(request)}
            )
        form.add_error("code", _("That code is not right. Check the time on your phone."))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr": two_factor.qr_data_uri(device),
            "secret": two_factor.secret_text(device),
            "required": two_factor.required_by_clinic(user),
            "replacing": two_factor.enrolled(user),
            "next": _next(request),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not two_factor.enrolled(user):
        return redirect("two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify(request, user, form.cleaned_data["code"]):
            record(actor=user, action=Action.LOGIN, detail="second_step")
            return redirect(_next(request))
        record(actor=user, action=Action.LOGIN_FAILED, detail="second_step", outcome=Outcome.FAILED)
        form.add_error("code", _("That code is not right, or was used before. Try again."))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _next(request)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def turn_off(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A patient (or staff of a clinic that does not require it) turns the second step off."""
    user = request.user
    if two_factor.required_by_clinic(user):
        raise Http404
    two_factor.turn_off(user)
    record(
        actor=user,
        action=Action.PERMISSION_CHANGE,
        detail="account.2fa_off",
        object_type="user",
        object_id=user.pk,
    )
    return redirect("password_change")
