"""An access-log entry: one read or change of patient data, a login, or a prune."""

from __future__ import annotations

from datetime import UTC
from typing import Any, NoReturn, Protocol

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Actor(Protocol):
    """Who acts: an account (``accounts.User``), named without importing it, so the log sits
    below the accounts app and every app above may write to it."""

    @property
    def pk(self) -> Any: ...

    @property
    def email(self) -> str: ...

    @property
    def role(self) -> str: ...

    @property
    def clinic_id(self) -> Any: ...


class AppendOnly(Exception):
    """The access log is never updated or deleted through the application."""


class Action(models.TextChoices):
    VIEW = "view", _("viewed")
    PRINT = "print", _("printed")
    EXPORT = "export", _("exported")
    CREATE = "create", _("created")
    CHANGE = "change", _("changed")
    LOGIN = "login", _("logged in")
    LOGIN_FAILED = "login_failed", _("failed login")
    LOGOUT = "logout", _("logged out")
    PERMISSION_CHANGE = "permission", _("changed permissions")
    PRUNE = "prune", _("pruned the log")


class Outcome(models.TextChoices):
    OK = "ok", _("done")
    DENIED = "denied", _("refused")
    FAILED = "failed", _("failed")


class AccessEntryQuerySet(models.QuerySet["AccessEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnly("access-log entries are never changed")

    def delete(self) -> NoReturn:
        raise AppendOnly("access-log entries are removed only by the retention job")


class AccessEntry(models.Model):
    """Who (user, role, clinic), when, which patient, what (object and detail), the action,
    its outcome and the client's address. Never the clinical content itself.

    ``actor`` and ``clinic`` keep their ids without a database constraint: an entry outlives
    the account it names (``actor_label`` keeps the address it had).
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("account"), max_length=254, blank=True)
    role = models.CharField(_("role"), max_length=20, blank=True)
    clinic = models.ForeignKey(
        "accounts.Clinic",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    patient_id = models.UUIDField(_("patient"), null=True)
    object_type = models.CharField(_("record"), max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    detail = models.CharField(_("what"), max_length=80, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    address = models.GenericIPAddressField(_("address"), null=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AccessEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("access-log entry")
        verbose_name_plural = _("access log")
        ordering = ("-id",)
        indexes = (
            models.Index(fields=("clinic", "patient_id", "at"), name="access_by_patient"),
            models.Index(fields=("clinic", "actor", "at"), name="access_by_actor"),
            models.Index(fields=("at",), name="access_by_time"),
        )

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.detail}"

    def chained_fields(self) -> dict[str, str]:
        """The fields the hash covers, as text (the same on SQLite and PostgreSQL)."""
        return {
            "at": self.at.astimezone(UTC).isoformat(),
            "actor": str(self.actor_id or ""),
            "actor_label": self.actor_label,
            "role": self.role,
            "clinic": str(self.clinic_id or ""),
            "patient": str(self.patient_id or ""),
            "object_type": self.object_type,
            "object_id": self.object_id,
            "action": self.action,
            "detail": self.detail,
            "outcome": self.outcome,
            "address": self.address or "",
        }

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("access-log entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnly("access-log entries are removed only by the retention job")
