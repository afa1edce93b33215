"""Who may open a page: clinic staff or a patient; anyone else gets a 404 (not a hint)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBase

from backpath.accounts.http import AuthenticatedHttpRequest
from backpath.accounts.models import User

View = Callable[..., HttpResponseBase]


def _only(allowed: Callable[[User], bool]) -> Callable[[View], View]:
    """A decorator: logged in, and ``allowed`` for the user, or a 404."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(
            request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
        ) -> HttpResponseBase:
            user = request.user
            if not allowed(user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# Logged in as a clinician or clinic admin.
clinician_required = _only(lambda user: user.is_clinician)
# Logged in as a patient.
patient_required = _only(lambda user: user.is_patient)
# Logged in as a clinic admin.
clinic_admin_required = _only(lambda user: user.is_clinic_admin)
