"""The reminder job as a Celery task, through the real Redis broker and a worker thread.

Needs Redis on 127.0.0.1:6379 (``tools/ensure-redis`` starts one; ``make test`` runs it). In
CI a missing Redis fails the run; elsewhere the test is skipped and says why. It uses its
own database number so it never meets a production queue on the same server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import redis
from django.core import mail
from django.utils import timezone

from backpath.reminders.models import ReminderSent
from tests.personas import World

BROKER = "redis://127.0.0.1:6379/15"

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker() -> str:
    client = redis.Redis.from_url(BROKER, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail("Redis is required in CI: nothing answers on 127.0.0.1:6379")
        pytest.skip("no Redis on 127.0.0.1:6379 (start one with tools/ensure-redis)")
    client.flushdb()  # database 15 is this test's own: no task left over from an earlier run
    return BROKER


@pytest.fixture
def task(broker: str) -> Iterator[Any]:
    from celery.contrib.testing.worker import start_worker

    from backpath.celery import app
    from backpath.reminders.tasks import send_reminders_task

    saved = {"broker_url": app.conf.broker_url, "result_backend": app.conf.result_backend}
    app.conf.update(broker_url=broker, result_backend=broker)
    try:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False):
            yield send_reminders_task
    finally:
        app.conf.update(saved)


def test_the_task_sends_through_the_broker_once(world: World, task: Any) -> None:
    world.amy.language = "en"
    world.amy.save(update_fields=["language"])
    now = datetime.combine(timezone.localdate(), time(19, 30), tzinfo=ZoneInfo("Europe/Amsterdam"))
    first = task.delay(now.isoformat()).get(timeout=30)
    assert first["mails"] == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.amy.email]
    again = task.delay(now.isoformat()).get(timeout=30)
    assert again["mails"] == 0
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.filter(user=world.amy, sent_at__isnull=False).count() == 2
