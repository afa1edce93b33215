"""The reminder and alert jobs as Celery tasks, through the real Redis broker and workers.

Needs Redis on 127.0.0.1:6379 (``tools/ensure-redis`` starts one; ``make test`` runs it). In
CI a missing Redis fails the run; elsewhere the test is skipped and says why. It uses its
own database number so it never meets a production queue on the same server.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import redis
from django.core import mail
from django.utils import timezone

from backpath.followup.models import Alert
from backpath.reminders.models import ReminderSent
from tests.care.test_races import on_postgresql
from tests.followup.crowd import crowd
from tests.personas import World

BROKER = "redis://127.0.0.1:6379/15"
WAIT = 60  # seconds for a task's result

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


def _workers(broker: str, pool: str, concurrency: int) -> Iterator[Any]:
    from celery.contrib.testing.worker import start_worker

    from backpath.celery import app

    app.loader.import_default_modules()  # the tasks, as a worker started by celery finds them
    saved = {"broker_url": app.conf.broker_url, "result_backend": app.conf.result_backend}
    app.conf.update(broker_url=broker, result_backend=broker)
    try:
        with start_worker(app, pool=pool, concurrency=concurrency, perform_ping_check=False):
            yield app
    finally:
        app.conf.update(saved)


@pytest.fixture
def worker(broker: str) -> Iterator[Any]:
    yield from _workers(broker, "solo", 1)


@pytest.fixture
def workers(broker: str) -> Iterator[Any]:
    """Four workers at once (threads, each with its own database connection)."""
    yield from _workers(broker, "threads", 4)


def results(app: Any, task_ids: list[str]) -> list[Any]:
    return [app.AsyncResult(task_id).get(timeout=WAIT) for task_id in task_ids]


def evening() -> str:
    moment = datetime.combine(timezone.localdate(), time(19, 30))
    return moment.replace(tzinfo=ZoneInfo("Europe/Amsterdam")).isoformat()


def test_the_run_sends_its_chunks_through_the_broker_once(world: World, worker: Any) -> None:
    from backpath.reminders.tasks import send_reminders_task

    world.amy.language = "en"
    world.amy.save(update_fields=["language"])
    run = send_reminders_task.delay(evening()).get(timeout=WAIT)
    assert run["episodes"] == 1
    (chunk,) = results(worker, run["chunks"])
    assert (chunk["patients"], chunk["mails"], chunk["reminders"]) == (1, 1, 2)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.amy.email]
    again = send_reminders_task.delay(evening()).get(timeout=WAIT)
    assert again == {"episodes": 0, "chunks": []}  # nothing new since the run looked
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.filter(user=world.amy, sent_at__isnull=False).count() == 2


def test_the_alert_run_raises_its_chunks_through_the_broker_once(world: World, worker: Any) -> None:
    from backpath.followup.tasks import dispatch_alerts_task

    crowd(world, 3, discharged=False)
    run = dispatch_alerts_task.delay(None, 2).get(timeout=WAIT)  # chunks of two episodes
    assert len(run["chunks"]) == 3  # the crowd, Amy and Yara's patient (clinic Y)
    assert sum(results(worker, run["chunks"])) == Alert.objects.count() > 0
    again = dispatch_alerts_task.delay(None, 2).get(timeout=WAIT)
    assert sum(results(worker, again["chunks"])) == 0


@on_postgresql
def test_workers_on_overlapping_chunks_send_every_reminder_once(world: World, workers: Any) -> None:
    """Two runs at the same moment (two beats, or a run dispatched twice) queue the same
    chunks: four workers take them at once, and each reminder is still sent once."""
    from backpath.reminders.tasks import send_chunk_task

    episodes = crowd(world, 12, discharged=False)
    ids = [str(e.pk) for e in sorted(episodes, key=lambda e: e.pk)]
    now = datetime.combine(timezone.localdate(), time(10), tzinfo=ZoneInfo("Europe/Amsterdam"))
    chunks = [ids[:8], ids[4:], ids[:8], ids[4:]]
    queued = [send_chunk_task.delay(now.isoformat(), chunk).id for chunk in chunks]
    done = results(workers, queued)
    mails = Counter(message.to[0] for message in mail.outbox)
    assert sorted(mails.values()) == [1] * len(ids)  # every patient mailed, once
    claims = ReminderSent.objects.all()
    assert all(claim.sent_at is not None for claim in claims)
    assert sum(chunk["reminders"] for chunk in done) == len(claims)
