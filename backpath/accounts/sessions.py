"""Staff sessions end after 30 minutes without activity (ASVS 3.3.2) and when the browser
closes; a patient's session lasts the working day (SESSION_COOKIE_AGE) on their own phone.

The page warns five minutes before (``idle.js``, a "stay logged in" button that calls
``keepalive``). Activity is written to the session at most once a minute, not per request.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backpath.accounts.http import AuthenticatedHttpRequest
from backpath.accounts.models import User
from backpath.auditlog.models import Action
from backpath.auditlog.services import record

LAST_SEEN = "backpath_last_seen"
_WRITE_EVERY = 60  # seconds


def is_staff_session(user: object) -> bool:
    return isinstance(user, User) and (user.is_clinician or user.is_staff)


def staff_idle_timeout(
    get_response: Callable[[HttpRequest], HttpResponseBase],
) -> Callable[[HttpRequest], HttpResponseBase]:
    def middleware(request: HttpRequest) -> HttpResponseBase:
        user = request.user
        if not is_staff_session(user):
            return get_response(request)
        now = int(time.time())
        last = request.session.get(LAST_SEEN)
        if isinstance(last, int) and now - last > settings.BACKPATH_STAFF_IDLE_SECONDS:
            assert isinstance(user, User)
            record(actor=user, action=Action.LOGOUT, detail="idle timeout")
            logout(request)
            minutes = settings.BACKPATH_STAFF_IDLE_SECONDS // 60
            messages.info(
                request,
                _("You were logged out after %(minutes)d minutes without activity.")
                % {"minutes": minutes},
            )
            return redirect(settings.LOGIN_URL)
        if not isinstance(last, int) or now - last >= _WRITE_EVERY:
            request.session[LAST_SEEN] = now
        if not request.session.get_expire_at_browser_close():
            # Ends when the browser closes. Set once: setting it again would write the
            # session on every request, which the once-a-minute rule above avoids.
            request.session.set_expiry(0)
        return get_response(request)

    return middleware


def idle_seconds(request: HttpRequest) -> dict[str, int]:
    """Template context: when the page's idle warning must count to."""
    return {"idle_seconds": settings.BACKPATH_STAFF_IDLE_SECONDS}


@login_required
@require_POST
def keepalive(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The warning's "stay logged in": any request counts as activity; this one is empty."""
    request.session[LAST_SEEN] = int(time.time())
    return HttpResponse(status=204)
