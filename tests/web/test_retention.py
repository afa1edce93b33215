"""The retention job removes what backpath no longer keeps, and nothing clinical."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

from axes.models import AccessAttempt
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from backpath.accounts.models import Invitation
from backpath.auditlog.services import verify
from backpath.care.models import Episode
from backpath.reminders.models import ReminderSent
from tests.personas import World


def test_it_removes_only_what_is_past_its_time(world: World) -> None:
    now = timezone.now()
    old = SessionStore()
    old.create()
    Session.objects.filter(session_key=old.session_key).update(expire_date=now - timedelta(1))
    fresh = SessionStore()
    fresh.create()
    Invitation.objects.create(
        clinic=world.clinic_x,
        user=world.amy,
        token_hash="a" * 64,
        invited_by=world.claire,
        expires_at=now - timedelta(days=100),
    )
    Invitation.objects.create(
        clinic=world.clinic_x,
        user=world.ben,
        token_hash="b" * 64,
        invited_by=world.claire,
        expires_at=now + timedelta(days=2),
    )
    sent = ReminderSent.objects.create(
        user=world.amy, kind="diary", key="2026-01-01", day=date(2026, 1, 1)
    )
    ReminderSent.objects.filter(pk=sent.pk).update(claimed_at=now - timedelta(days=91))
    ReminderSent.objects.create(user=world.amy, kind="diary", key="today", day=now.date())
    episodes = Episode.objects.count()

    out = StringIO()
    call_command("retention", stdout=out)

    assert "sessions: 1" in out.getvalue()
    assert Session.objects.filter(session_key=fresh.session_key).exists()
    assert list(Invitation.objects.values_list("token_hash", flat=True)) == ["b" * 64]
    assert list(ReminderSent.objects.values_list("key", flat=True)) == ["today"]
    assert Episode.objects.count() == episodes
    assert AccessAttempt.objects.count() == 0
    assert verify().broken is None
