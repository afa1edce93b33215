"""Writes for accounts: invitations and their acceptance. Each runs in one transaction."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backpath.accounts.models import Clinic, Invitation, Role, User


class InvitationError(Exception):
    """The invitation link is unknown, used or expired."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_invite(
    *,
    actor: User,
    clinic: Clinic,
    email: str,
    first_name: str,
    last_name: str,
    role: Role,
    language: str,
    base_url: str,
) -> User:
    """Create an account without a password and email it a one-time link to set one."""
    with transaction.atomic():  # also inside patient_invite's transaction
        user = User.objects.create_user(
            email,
            None,
            first_name=first_name,
            last_name=last_name,
            clinic=clinic,
            role=role,
            language=language,
        )
        invitation_send(actor=actor, user=user, base_url=base_url)
    return user


def invitation_send(*, actor: User, user: User, base_url: str) -> Invitation:
    """A fresh one-time link; earlier unused links for this user stop working."""
    assert user.clinic is not None
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():  # also inside patient_invite's transaction
        Invitation.objects.filter(user=user, accepted_at__isnull=True).update(expires_at=now)
        invitation = Invitation.objects.create(
            clinic=user.clinic,
            user=user,
            token_hash=_token_hash(token),
            invited_by=actor,
            expires_at=now + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT),
        )
        link = base_url.rstrip("/") + reverse("invitation_accept", args=[token])
        with translation.override(user.language):
            subject = _("Your backpath account at %(clinic)s") % {"clinic": user.clinic.name}
            body = _(
                "Hello %(name)s,\n\n%(clinic)s has created a backpath account for you.\n"
                "Open this link to choose your password (it works once, for three days):\n\n"
                "%(link)s\n\nDid you not expect this message? Then you can ignore it."
            ) % {"name": user.first_name or user.email, "clinic": user.clinic.name, "link": link}
        # Sent after commit so a rolled-back invitation never reaches an inbox.
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        )
    return invitation


def invitation_for_token(token: str) -> Invitation:
    try:
        invitation = Invitation.objects.select_related("user", "clinic").get(
            token_hash=_token_hash(token)
        )
    except Invitation.DoesNotExist:
        raise InvitationError from None
    if not invitation.usable():
        raise InvitationError
    return invitation


def invitation_accept(*, token: str, password: str) -> User:
    with transaction.atomic(durable=True):
        invitation = invitation_for_token(token)
        # Lock the row: two tabs accepting the same link cannot both succeed.
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.usable():
            raise InvitationError
        user = invitation.user
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
    return user


def invitation_elsewhere(*, email: str, clinic: Clinic, language: str) -> None:
    """An invitation to an address that already has an account in another clinic.

    The inviting clinic must not learn that the address has an account (nor where), so its
    page says "sent" as for any invitation; the address's owner gets this note instead.
    """
    with translation.override(language):
        subject = _("An invitation to backpath from %(clinic)s") % {"clinic": clinic.name}
        body = _(
            "Hello,\n\n%(clinic)s tried to invite this email address to backpath, but it "
            "already has a backpath account. An address can belong to one account only: if "
            "you want to use backpath with %(clinic)s, ask them to invite another address of "
            "yours.\n\nDid you not expect this message? Then you can ignore it."
        ) % {"clinic": clinic.name}
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
