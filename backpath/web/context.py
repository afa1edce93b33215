"""Template context every page gets."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from backpath.accounts.models import User
from backpath.programs.selectors import patient_has_program


def patient_navigation(request: HttpRequest) -> dict[str, Callable[[], bool]]:
    """Whether the patient's menu shows "Today": only once there is a home program. A
    callable, so the query runs only on pages that draw a patient's menu."""
    user = request.user

    def has_program() -> bool:
        return isinstance(user, User) and user.is_patient and patient_has_program(user)

    return {"has_program": has_program}
