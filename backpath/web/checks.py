"""Deploy checks (`backpath check --deploy`): settings that would fail open in production are
errors, so a deployment script that runs the check stops before serving patients."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def fail_closed(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    if settings.SECRET_KEY == settings.DEMO_SECRET_KEY:
        errors.append(
            Error(
                "the demo's secret key is in use: it is public, so sessions and reset links "
                "could be forged",
                hint="set BACKPATH_SECRET_KEY (or BACKPATH_SECRET_KEY_FILE) to a long random "
                "string",
                id="backpath.E001",
            )
        )
    if settings.BACKPATH_INSECURE_ALLOWED:
        errors.append(
            Error(
                "BACKPATH_DEMO or BACKPATH_TESTING is set: the demo's relaxed settings apply",
                hint="unset both in production",
                id="backpath.E002",
            )
        )
    if not settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
        errors.append(
            Error(
                "no mail server: password reset and invitation links would go to the console "
                "and to files in the data directory",
                hint="set BACKPATH_EMAIL_HOST (and the port, user and password)",
                id="backpath.E003",
            )
        )
    if not settings.BACKPATH_PROXY_HEADERS_SET:
        errors.append(
            Error(
                "say whether a reverse proxy sets X-Forwarded-Proto and X-Forwarded-For: "
                "believed only when one does, or any client could claim HTTPS or another "
                "address",
                hint="set BACKPATH_PROXY_HEADERS=true behind your HTTPS proxy, false otherwise",
                id="backpath.E004",
            )
        )
    return errors
