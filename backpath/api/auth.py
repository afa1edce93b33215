"""Who calls the API: a clinic's API key, or a logged-in clinician's session.

Either way the caller is a :class:`Principal`: one clinic, a set of scopes, and a name for the
access log. A session reads as the clinician reads the web app (every read scope) and, like
django-ninja's own session auth, must carry the CSRF token on unsafe methods. A key that is
unknown, expired or revoked answers 401 at once (never falling back to the session); a
session of a patient or of an account without a clinic answers 403.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from backpath.accounts.models import User
from backpath.api.models import ApiKey, Scope
from backpath.api.services import check_key

SESSION_SCOPES = frozenset({Scope.PATIENTS_READ, Scope.EPISODES_READ})


@dataclass(frozen=True, slots=True)
class Principal:
    clinic_id: uuid.UUID
    scopes: frozenset[Scope]
    key: ApiKey | None = None
    user: User | None = None

    @property
    def label(self) -> str:
        if self.key is not None:
            return self.key.label
        assert self.user is not None
        return self.user.email


class KeyAuth(HttpBearer):
    """``Authorization: Bearer bp_<prefix>_<secret>``."""

    def authenticate(self, request: HttpRequest, token: str) -> Principal:
        checked = check_key(token.strip())
        if not isinstance(checked, ApiKey):
            raise AuthenticationError(message=checked.value)
        return Principal(clinic_id=checked.clinic_id, scopes=checked.scope_set(), key=checked)


class SessionAuth(APIKeyCookie):
    """The web app's login, for a clinician (or clinic admin) of a clinic."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        user = getattr(request, "user", None)
        if not isinstance(user, User) or not user.is_authenticated:
            return None
        if not user.is_clinician or user.clinic_id is None:
            raise AuthorizationError(
                message="The API is open to a clinic's clinicians, or to an API key."
            )
        if check_csrf(request) is not None:  # passes GET, HEAD, OPTIONS and TRACE
            raise AuthorizationError(message="CSRF check failed: send the X-CSRFToken header.")
        return Principal(clinic_id=user.clinic_id, scopes=SESSION_SCOPES, user=user)


def principal(request: HttpRequest) -> Principal:
    auth = getattr(request, "auth", None)
    if not isinstance(auth, Principal):  # pragma: no cover - every guarded operation has one
        raise AuthenticationError()
    return auth


def require(request: HttpRequest, *scopes: Scope) -> Principal:
    """The caller, when it holds every scope named; otherwise 403."""
    caller = principal(request)
    if missing := [scope.value for scope in scopes if scope not in caller.scopes]:
        raise AuthorizationError(message=f"This key lacks the scope {', '.join(missing)}.")
    return caller


AUTH = [KeyAuth(), SessionAuth()]
