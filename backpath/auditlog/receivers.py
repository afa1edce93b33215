"""Logins, failed logins and logouts go into the access log (NEN 7513 §5)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from backpath.auditlog.models import Action, Actor, Outcome
from backpath.auditlog.services import record


@receiver(user_logged_in, dispatch_uid="auditlog_login")
def _logged_in(sender: Any, user: Actor, **kwargs: Any) -> None:
    record(actor=user, action=Action.LOGIN, detail="login")


@receiver(user_login_failed, dispatch_uid="auditlog_login_failed")
def _login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # The address typed, never the password (Django already masks it in ``credentials``).
    typed = str(credentials.get("username") or credentials.get("email") or "")
    record(
        actor=None,
        actor_label=typed.lower(),
        action=Action.LOGIN_FAILED,
        detail="login",
        outcome=Outcome.FAILED,
    )


@receiver(user_logged_out, dispatch_uid="auditlog_logout")
def _logged_out(sender: Any, user: Actor | None, **kwargs: Any) -> None:
    if user is not None:
        record(actor=user, action=Action.LOGOUT, detail="logout")
