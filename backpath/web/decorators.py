"""Who may open a page: clinic staff or a patient; anyone else gets a 404 (not a hint)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from backpath.accounts.models import User

View = Callable[..., HttpResponse]


def clinician_required(view: View) -> View:
    """Logged in as a clinician or clinic admin."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        if not user.is_clinician:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def patient_required(view: View) -> View:
    """Logged in as a patient."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        if not user.is_patient:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped
