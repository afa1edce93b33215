from typing import Any

import pytest

from tests.web.personas import english, licensed_qbpds, world

__all__ = ["english", "licensed_qbpds", "world"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """Hashing a password properly takes ~0.3 s by design; tests need no such protection."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
