"""The clinician-alert job as a Celery task, for production (worker and beat on Redis).

Found by the Celery app's autodiscovery (``backpath.celery``); nothing in the web app imports
this module, so the demo and the tests without Redis never load Celery.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from backpath.celery import app
from backpath.followup.jobs import refresh_all_alerts


def run(today: str | None = None) -> int:
    """Raise the alerts due on ``today`` (an ISO date) or today; the number raised."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    return len(refresh_all_alerts(day))


raise_alerts_task = app.task(name="backpath.followup.raise_alerts")(run)
