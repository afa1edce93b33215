"""Who calls the FHIR server: the REST API's callers, checked by the REST API's own auth.

A clinic's API key (``Authorization: Bearer bp_...``) or a clinician's session becomes a
:class:`~backpath.api.auth.Principal` exactly as at ``/api/v1/``: an unknown, expired or
revoked key answers 401 at once, a patient's session 403, a session's POST without the CSRF
token 403. The resources name the scope each needs (``resources``).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError

from backpath.api.auth import AUTH, Principal
from backpath.api.models import Scope
from backpath.clinical.language import Lang
from backpath.fhir.outcomes import FhirError


def caller(request: HttpRequest, *scopes: Scope) -> Principal:
    """The authenticated caller when it holds every scope named; else 401 or 403."""
    for method in AUTH:
        found = method(request)
        if isinstance(found, Principal):
            break
    else:
        raise AuthenticationError()
    if missing := [scope.value for scope in scopes if scope not in found.scopes]:
        raise FhirError(
            403,
            "forbidden",
            _("This key or account lacks the scope %(scope)s.") % {"scope": ", ".join(missing)},
        )
    return found


def language() -> Lang:
    """The language of the clinical texts: the request's (Accept-Language, or the clinician's
    own language for a session), as the interface chooses it."""
    chosen = (translation.get_language() or "").split("-")[0]
    return Lang(chosen) if chosen in {lang.value for lang in Lang} else Lang.EN
