"""The reminder job as Celery tasks, for production (workers and beat on Redis).

The beat's task (``backpath.reminders.send_reminders``) only looks up the patients with a
reminder moment since the last run and queues one ``backpath.reminders.send_chunk`` task per
chunk of their episode ids; any number of workers take the chunks in parallel. A reminder is
claimed before it is sent (``services``), so a chunk run twice, or two overlapping chunks at
once, send nothing twice.

Found by the Celery app's autodiscovery (``backpath.celery``); nothing in the web app imports
this module, so the demo and the tests without Redis never load Celery.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Any

from django.utils import timezone

from backpath.celery import app
from backpath.followup.jobs import CHUNK
from backpath.reminders.services import dispatch_reminders, send_reminder_chunk

# A chunk still queued when the next run is dispatched is dropped, not sent late: its mails
# would leave at a time the patient did not choose, perhaps in their quiet hours. Its
# reminders are missed that day (at most once).
CHUNK_EXPIRES = 15 * 60


def send_chunk(now: str, episode_ids: list[str]) -> dict[str, Any]:
    """Send the reminders due at ``now`` (ISO, with its zone) for these episodes."""
    ids = [uuid.UUID(episode_id) for episode_id in episode_ids]
    return asdict(send_reminder_chunk(datetime.fromisoformat(now), ids))


def dispatch(now: str | None = None, size: int = CHUNK) -> dict[str, Any]:
    """Queue the chunks (of ``size`` episodes) of the run at ``now`` (an ISO datetime with its
    zone) or at the current moment; the number of episodes and the ids of the chunk tasks."""
    moment = datetime.fromisoformat(now) if now else timezone.now()
    tasks: list[str] = []

    def queue(chunk: list[uuid.UUID]) -> None:
        args = (moment.isoformat(), [str(episode_id) for episode_id in chunk])
        tasks.append(send_chunk_task.apply_async(args, expires=CHUNK_EXPIRES).id)

    return {"episodes": dispatch_reminders(moment, queue, size=size), "chunks": tasks}


send_chunk_task = app.task(name="backpath.reminders.send_chunk")(send_chunk)
send_reminders_task = app.task(name="backpath.reminders.send_reminders")(dispatch)
