"""The reminders claimed before the day column existed get their day from their key."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from backpath.reminders.models import ReminderSent

BEFORE = [("reminders", "0002_claims_by_day")]  # the column added, not yet filled


@pytest.mark.django_db(transaction=True)
def test_the_day_of_a_reminder_claimed_before_is_the_date_its_key_ends_with() -> None:
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        user = old.get_model("accounts", "User").objects.create(
            email="old@patient.example", is_superuser=True
        )
        claims = old.get_model("reminders", "ReminderSent").objects
        claims.create(user_id=user.pk, kind="diary", key="2026-11-25")
        claims.create(user_id=user.pk, kind="questionnaire", key="followup-3m:2026-12-31")
        assert claims.filter(day__isnull=True).count() == 2
    finally:
        executor = MigrationExecutor(connection)  # the graph as the database now has it
        executor.migrate(latest)
    assert dict(ReminderSent.objects.values_list("key", "day")) == {
        "2026-11-25": date(2026, 11, 25),
        "followup-3m:2026-12-31": date(2026, 12, 31),
    }
