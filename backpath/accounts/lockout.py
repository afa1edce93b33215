"""Login lockout (django-axes): the account a failed login counts against, and unlocking.

Accounts log in with their email address, stored in lower case; a phone's automatic capital
must count against the same account, or the lockout per account could be side-stepped.
"""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from backpath.accounts.models import User


def typed_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    typed = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(typed).strip().lower()[:254]


def locked_out(users: list[User]) -> set[int]:
    """The users among ``users`` whose account is locked now (one query)."""
    emails = {user.email: user.pk for user in users}
    counted = (
        AccessAttempt.objects.filter(
            username__in=list(emails),
            attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
        )
        .values("username")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .values_list("username", flat=True)
    )
    return {emails[email] for email in counted if email in emails}


def unlock(user: User) -> int:
    """Clear the failed logins counted against the account; returns how many were cleared."""
    return int(reset(username=user.email))
