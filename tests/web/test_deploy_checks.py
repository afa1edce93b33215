"""`check --deploy` errors on every setting that would fail open in production."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings

from backpath.web.checks import fail_closed

SAFE = {
    "SECRET_KEY": "a-long-random-production-secret-" + "y" * 30,
    "BACKPATH_INSECURE_ALLOWED": False,
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "BACKPATH_PROXY_HEADERS_SET": True,
}


def ids(**changes: object) -> set[str]:
    with override_settings(**{**SAFE, **changes}):
        return {error.id for error in fail_closed(None)}


def test_a_safe_production_configuration_passes() -> None:
    assert ids() == set()


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"SECRET_KEY": settings.DEMO_SECRET_KEY}, "backpath.E001"),
        ({"BACKPATH_INSECURE_ALLOWED": True}, "backpath.E002"),
        ({"EMAIL_BACKEND": "backpath.web.mail.ConsoleAndFileBackend"}, "backpath.E003"),
        ({"BACKPATH_PROXY_HEADERS_SET": False}, "backpath.E004"),
    ],
)
def test_each_fail_open_setting_is_an_error(change: dict[str, object], error: str) -> None:
    assert ids(**change) == {error}
