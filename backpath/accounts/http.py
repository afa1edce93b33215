"""The request type of a page behind a login: its ``user`` is a backpath account.

Django types ``request.user`` as ``User | AnonymousUser``; a view behind ``login_required``
(or ``clinician_required``/``patient_required``) annotates its request with this instead, so
mypy checks every use of the user without a ``type: ignore`` (as Healthchecks does).
"""

from __future__ import annotations

from django.http import HttpRequest

from backpath.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
