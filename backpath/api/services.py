"""Making, checking and revoking API keys.

A key is ``bp_<prefix>_<secret>``: 8 hex characters that name it, and 43 characters of
``secrets.token_urlsafe`` (256 bits). Only the SHA-256 of the whole key is stored, so a copy of
the database lets no one in; the key is returned once, by ``create_key``. Making and revoking
a key are written to the access log as permission changes of the clinic.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.utils import timezone

from backpath.accounts.models import Clinic, User
from backpath.api.models import NAME_MAX, PREFIX_LENGTH, ApiKey, Scope
from backpath.auditlog.models import Action
from backpath.auditlog.services import record

KEY_START = "bp_"
MAX_EXPIRES_DAYS = 3650
# last_used_at is written at most this often per key: not one database write per request.
LAST_USED_EVERY = timedelta(minutes=1)


class BadKeyInput(ValueError):
    """Bad input for a key, naming the field (name, scopes, expires_days) and the problem."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class Rejected(StrEnum):
    """Why a presented key does not open the API (the 401's detail)."""

    UNKNOWN = "The API key is not valid."
    EXPIRED = "The API key has expired."
    REVOKED = "The API key has been revoked."


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def parse_scopes(raw: Iterable[str]) -> list[str]:
    """Scope names, checked against the vocabulary; duplicates dropped, order kept."""
    allowed = [scope.value for scope in Scope]
    scopes: list[str] = []
    for name in (part.strip() for part in raw):
        if not name:
            continue
        if name not in allowed:
            raise BadKeyInput("scopes", f"unknown scope {name!r}; known: {', '.join(allowed)}")
        if name not in scopes:
            scopes.append(name)
    if not scopes:
        raise BadKeyInput("scopes", f"name at least one scope: {', '.join(allowed)}")
    return scopes


class KeyAlreadyMade(Exception):
    """The form that makes a key was sent again: its key exists, and its secret was shown
    once, to the first answer."""

    def __init__(self, api_key: ApiKey) -> None:
        super().__init__(api_key.prefix)
        self.api_key = api_key


@dataclass(frozen=True, slots=True)
class NewKey:
    api_key: ApiKey
    key: str  # shown once, never stored


def create_key(
    *,
    clinic: Clinic,
    name: str,
    scopes: Iterable[str],
    expires_days: int | None = None,
    created_by: User | None = None,
    submission: uuid.UUID | None = None,
) -> NewKey:
    """A new key, returned with its secret (shown once). ``submission``: the id of the form
    that asked for it; the same form again raises ``KeyAlreadyMade``."""
    if (made := _made_by(clinic, submission)) is not None:
        raise KeyAlreadyMade(made)
    name = name.strip()
    if not name:
        raise BadKeyInput("name", "name the key, e.g. after the system that uses it")
    if len(name) > NAME_MAX:
        raise BadKeyInput("name", f"the name is {len(name)} characters; at most {NAME_MAX}")
    checked = parse_scopes(scopes)
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRES_DAYS:
        raise BadKeyInput(
            "expires_days", f"expiry must be 1-{MAX_EXPIRES_DAYS} days, not {expires_days}"
        )
    now = timezone.now()
    for _attempt in range(5):  # a prefix is 32 random bits: a clash is rare, retry it
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
        key = f"{KEY_START}{prefix}_{secrets.token_urlsafe(32)}"
        try:
            with transaction.atomic():
                api_key = ApiKey.objects.create(
                    clinic=clinic,
                    name=name,
                    scopes=checked,
                    prefix=prefix,
                    key_hash=key_hash(key),
                    created_by=created_by,
                    created_at=now,
                    expires_at=now + timedelta(days=expires_days) if expires_days else None,
                    submission=submission,
                )
                _log(api_key, created_by, f"API key created: {', '.join(checked)}")
        except IntegrityError:
            # The same form at the same moment (its submission id), or a prefix clash.
            if (made := _made_by(clinic, submission)) is not None:
                raise KeyAlreadyMade(made) from None
            if submission is not None and ApiKey.objects.filter(submission=submission).exists():
                raise SuspiciousOperation("a form's submission id was reused elsewhere") from None
            continue
        return NewKey(api_key, key)
    raise RuntimeError("could not find a free key prefix")  # pragma: no cover


def _made_by(clinic: Clinic, submission: uuid.UUID | None) -> ApiKey | None:
    if submission is None:
        return None
    return ApiKey.objects.filter(clinic=clinic, submission=submission).first()


def revoke_key(api_key: ApiKey, *, by: User | None = None) -> bool:
    """Revoke the key; False when it was revoked already."""
    with transaction.atomic():
        done = ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if done:
            _log(api_key, by, "API key revoked")
    api_key.refresh_from_db(fields=["revoked_at"])
    return bool(done)


def _log(api_key: ApiKey, actor: User | None, detail: str) -> None:
    record(
        actor=actor,
        actor_label="" if actor else "operator (backpath apikey)",
        clinic_id=api_key.clinic_id,
        action=Action.PERMISSION_CHANGE,
        object_type="api_key",
        object_id=api_key.prefix,
        detail=f"{detail} ({api_key.name})",
    )


def check_key(key: str) -> ApiKey | Rejected:
    """The key's record when it opens the API now, else why not.

    The prefix finds the record; the hash is compared in constant time. The time of use is
    kept (``last_used_at``), at most once a minute per key.
    """
    head, _, secret = key.removeprefix(KEY_START).partition("_")
    if not key.startswith(KEY_START) or len(head) != PREFIX_LENGTH or not secret:
        return Rejected.UNKNOWN
    prefix = head
    api_key = ApiKey.objects.select_related("clinic").filter(prefix=prefix).first()
    if api_key is None or not hmac.compare_digest(api_key.key_hash, key_hash(key)):
        return Rejected.UNKNOWN
    now = timezone.now()
    if api_key.revoked_at is not None:
        return Rejected.REVOKED
    if api_key.expired(now):
        return Rejected.EXPIRED
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_EVERY:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key
