"""Clinics, the people who use backpath, and one-time invitations.

Every account except a superuser belongs to exactly one clinic and has one role; the role
decides which doors open (see ``backpath.care.access``).
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Clinic(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # ASVS 2.2: everyone who sees patient records logs in with a second step (a code from an
    # authenticator app); on unless the clinic turns it off (the demo clinic does).
    require_staff_2fa = models.BooleanField(
        _("two-step login for clinicians and admins"), default=True
    )
    # Made by `backpath generate` (issue #15): its patients are invented, so generating more
    # is allowed beside it, and anything counting real care can leave it out.
    synthetic = models.BooleanField(_("synthetic data"), default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("clinic")
        verbose_name_plural = _("clinics")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CLINIC_ADMIN = "admin", _("Clinic admin")
    CLINICIAN = "clinician", _("Clinician")
    PATIENT = "patient", _("Patient")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        # Addresses are stored in lower case; a phone's automatic capital must still log in.
        return self.get(email__iexact=username or "")

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True, role="")
        return self.create_user(email, password, **fields)


class User(AbstractUser):
    """A person who logs in with their email address."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    clinic = models.ForeignKey(
        Clinic, verbose_name=_("clinic"), null=True, blank=True, on_delete=models.PROTECT
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=[("nl", "Nederlands"), ("en", "English")], default="nl"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = (
            # A clinic member has a clinic and a role; only a superuser may have neither.
            models.CheckConstraint(
                condition=Q(is_superuser=True) | (Q(clinic__isnull=False) & ~Q(role="")),
                name="member_has_clinic_and_role",
            ),
        )

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def is_clinician(self) -> bool:
        """Clinicians and clinic admins both treat patients."""
        return self.role in (Role.CLINICIAN, Role.CLINIC_ADMIN) and self.clinic_id is not None

    @property
    def is_clinic_admin(self) -> bool:
        return self.role == Role.CLINIC_ADMIN and self.clinic_id is not None

    @property
    def is_patient(self) -> bool:
        return self.role == Role.PATIENT


class Invitation(models.Model):
    """A one-time link that lets a new clinician or patient set a password.

    Only a hash of the token is stored, so a database copy cannot be used to log in.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"

    def usable(self, now: Any = None) -> bool:
        return self.accepted_at is None and (now or timezone.now()) < self.expires_at
