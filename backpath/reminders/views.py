"""The patient's reminder settings, their calendar link, and the calendar feed itself.

The feed is opened by calendar apps without a login: the secret in its URL is the key, so
a wrong or revoked link answers 404, the response is never cached by a proxy, and the
path (which holds the secret) is kept out of Django's request log.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseNotFound,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backpath.accounts.http import AuthenticatedHttpRequest
from backpath.reminders import services
from backpath.reminders.feed import calendar_feed as build_feed
from backpath.reminders.forms import ReminderSettingsForm
from backpath.reminders.models import ReminderSettings
from backpath.web.decorators import patient_required


def _page(
    request: HttpRequest,
    form: ReminderSettingsForm,
    choices: ReminderSettings,
    new_link: str | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "reminders/settings.html",
        {
            "form": form,
            "has_link": bool(choices.calendar_token_hash),
            "new_link": new_link,
        },
        status=status,
    )


@patient_required
@require_http_methods(["GET", "POST"])
def reminder_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    choices = services.reminder_settings_for(user)
    if request.method == "POST":
        form = ReminderSettingsForm(request.POST, instance=ReminderSettings(user=user))
        if form.is_valid():
            services.reminder_settings_save(user=user, values=form.instance)
            messages.success(request, _("Your reminder settings are saved."))
            return redirect("reminder_settings")
        return _page(request, form, choices, status=400)
    return _page(request, ReminderSettingsForm(instance=choices), choices)


@patient_required
@require_POST
def calendar_token_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A fresh calendar link, shown once on this response; ``stop`` ends the link instead."""
    user = request.user
    if request.POST.get("action") == "stop":
        services.calendar_token_stop(user=user)
        messages.success(request, _("Your calendar link no longer works."))
        return redirect("reminder_settings")
    token = services.calendar_token_new(user=user)
    link = request.build_absolute_uri(reverse("calendar_feed", kwargs={"token": token}))
    choices = services.reminder_settings_for(user)
    response = _page(request, ReminderSettingsForm(instance=choices), choices, new_link=link)
    response["Cache-Control"] = "private, no-store"
    return response


def _unlogged(response: HttpResponse) -> HttpResponse:
    # Django logs every 4xx with its path; this path holds a secret, so it is marked logged.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return _unlogged(HttpResponseNotAllowed(["GET", "HEAD"]))
    choices = services.settings_for_calendar_token(token)
    if choices is None:
        # Plain text: calendar apps read it, and the page would echo the path in its links.
        return _unlogged(HttpResponseNotFound("Not found", content_type="text/plain"))
    body = build_feed(choices, timezone.localdate())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="backpath.ics"'
    return response
