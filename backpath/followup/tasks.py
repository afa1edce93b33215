"""The clinician-alert job as Celery tasks, for production (workers and beat on Redis).

The beat's task (``backpath.followup.dispatch_alerts``) queues one
``backpath.followup.raise_alerts_chunk`` task per chunk of the episodes in treatment; any
number of workers take the chunks in parallel. An alert is unique per episode, kind and key,
so a chunk run twice, or two at once, raises nothing twice.

Loaded by the Celery app (``backpath.celery``); nothing in the web app imports this module,
so the demo and the tests without Redis never load Celery.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.utils import timezone

from backpath.celery import app
from backpath.followup.jobs import CHUNK, alert_chunks, refresh_alert_chunk


def raise_alerts_chunk(today: str, episode_ids: list[str]) -> int:
    """Raise the alerts due on ``today`` (ISO) for these episodes; the number raised."""
    ids = [uuid.UUID(episode_id) for episode_id in episode_ids]
    return len(refresh_alert_chunk(ids, date.fromisoformat(today)))


def dispatch(today: str | None = None, size: int = CHUNK) -> dict[str, Any]:
    """Queue the chunks (of ``size`` episodes) for ``today`` (an ISO date) or today; the ids
    of the chunk tasks."""
    day = today or timezone.localdate().isoformat()
    tasks = [
        raise_alerts_chunk_task.delay(day, [str(episode_id) for episode_id in chunk]).id
        for chunk in alert_chunks(size)
    ]
    return {"chunks": tasks}


raise_alerts_chunk_task = app.task(name="backpath.followup.raise_alerts_chunk")(raise_alerts_chunk)
dispatch_alerts_task = app.task(name="backpath.followup.dispatch_alerts")(dispatch)
