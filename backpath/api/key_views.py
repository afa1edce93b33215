"""The clinic admin's API keys page: make a key (its secret shown once), see the clinic's
keys and when each was last used, revoke one. ``backpath apikey`` does the same for the
operator."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backpath.accounts.http import AuthenticatedHttpRequest
from backpath.api.forms import ApiKeyForm
from backpath.api.models import ApiKey
from backpath.api.services import BadKeyInput, KeyAlreadyMade, create_key, revoke_key
from backpath.web.decorators import clinic_admin_required


def _page(
    request: AuthenticatedHttpRequest,
    form: ApiKeyForm,
    *,
    new_key: str = "",
    status: int = 200,
) -> HttpResponse:
    keys = ApiKey.objects.filter(clinic=request.user.clinic).order_by("-created_at")
    return render(
        request,
        "api/keys.html",
        {"form": form, "keys": keys, "new_key": new_key},
        status=status,
    )


@clinic_admin_required
@require_http_methods(["GET", "POST"])
def api_keys(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    assert user.clinic is not None  # a clinic admin has a clinic
    if request.method == "GET":
        return _page(request, ApiKeyForm())
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    data = form.cleaned_data
    try:
        made = create_key(
            clinic=user.clinic,
            name=data["name"],
            scopes=data["scopes"],
            expires_days=data["expires_days"],
            created_by=user,
            submission=data["submission"],
        )
    except BadKeyInput as bad:
        form.add_error(bad.field if bad.field in form.fields else None, bad.problem)
        return _page(request, form, status=400)
    except KeyAlreadyMade as already:
        messages.warning(
            request,
            _(
                "The key “%(name)s” was already made by this form; its secret was shown once. "
                "If you did not copy it, revoke the key and make a new one."
            )
            % {"name": already.api_key.name},
        )
        return redirect("api_keys")
    # The secret in this answer only (no redirect): it is stored nowhere, as a hash only.
    return _page(request, ApiKeyForm(), new_key=made.key)


@clinic_admin_required
@require_POST
def api_key_revoke(request: AuthenticatedHttpRequest, prefix: str) -> HttpResponse:
    api_key = ApiKey.objects.filter(clinic=request.user.clinic, prefix=prefix).first()
    if api_key is None:
        raise Http404
    if revoke_key(api_key, by=request.user):
        messages.success(request, _("The key “%(name)s” is revoked.") % {"name": api_key.name})
    return redirect("api_keys")
