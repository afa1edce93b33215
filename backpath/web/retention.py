"""What backpath stops keeping, and when (the retention job; GDPR art. 5(1)(e)).

Run daily: ``backpath retention`` from cron, or the Celery beat task. Each run logs what it
removed in counts only. Clinical records are not touched here: the WGBO keeps them for 20
years, and only an erasure request (``backpath.privacy``) removes a patient's data early.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.utils import timezone

from backpath.accounts.models import Invitation
from backpath.auditlog.services import prune
from backpath.reminders.models import ReminderSent

# Invitations are needed while they can be used; a used or expired one this long after.
INVITATIONS_KEPT = timedelta(days=90)
# A sent-reminder record only stops the same reminder going out twice on its day.
REMINDERS_KEPT = timedelta(days=90)
# Failed logins count towards a lockout for the cool-off period; a day covers it well.
FAILED_LOGINS_KEPT = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Removed:
    sessions: int
    invitations: int
    reminders: int
    failed_logins: int
    access_log: int


def run_retention() -> Removed:
    now = timezone.now()
    sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
    invitations, _ = Invitation.objects.filter(
        Q(accepted_at__lt=now - INVITATIONS_KEPT) | Q(expires_at__lt=now - INVITATIONS_KEPT)
    ).delete()
    reminders, _ = ReminderSent.objects.filter(claimed_at__lt=now - REMINDERS_KEPT).delete()
    failed, _ = AccessAttempt.objects.filter(attempt_time__lt=now - FAILED_LOGINS_KEPT).delete()
    pruned = prune(now - timedelta(days=settings.BACKPATH_AUDIT_RETENTION_DAYS))
    return Removed(sessions, invitations, reminders, failed, pruned)
