"""The reminder job as a Celery task, for production (worker and beat on Redis).

Found by the Celery app's autodiscovery (``backpath.celery``); nothing in the web app imports
this module, so the demo and the tests without Redis never load Celery.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from django.utils import timezone

from backpath.celery import app
from backpath.reminders.services import send_reminders


def run(now: str | None = None) -> dict[str, Any]:
    """Run the job at ``now`` (an ISO datetime with its zone) or at the current moment."""
    moment = datetime.fromisoformat(now) if now else timezone.now()
    return asdict(send_reminders(moment))


send_reminders_task = app.task(name="backpath.reminders.send_reminders")(run)
