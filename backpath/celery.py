"""The Celery app: the scheduled jobs in production, on Redis.

Run a worker with the beat scheduler beside the web processes:

    celery -A backpath.celery worker --beat --concurrency 2

The reminder and alert jobs split their work: the beat's task queues one task per chunk of
episodes, and every worker takes chunks, so more workers (``celery -A backpath.celery
worker``, without ``--beat``: one beat only) on more machines finish a run sooner. A worker
reserves one chunk at a time, so an idle worker is never left waiting behind a busy one.

The broker comes from the settings' ``CELERY_BROKER_URL``: ``BACKPATH_CELERY_BROKER`` or the
file ``BACKPATH_CELERY_BROKER_FILE`` names (``redis://127.0.0.1:6379/0``); task results go to
the same Redis and expire after a day (they hold counts only). Other ``CELERY_*`` Django
settings are read too. Nothing imports this module at start-up: the
demo, the embedded default (cron and ``backpath send_reminders``) and the clinical core
never need Redis.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backpath.web.settings")

app = Celery("backpath")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    result_expires=60 * 60 * 24,
    task_serializer="json",
    accept_content=["json"],
    worker_prefetch_multiplier=1,
    beat_schedule={
        "send-reminders": {
            "task": "backpath.reminders.send_reminders",
            "schedule": crontab(minute="*/15"),
        },
        "raise-alerts": {
            "task": "backpath.followup.dispatch_alerts",
            "schedule": crontab(minute="5"),
        },
        "quality-refresh": {
            "task": "backpath.quality.refresh",
            "schedule": crontab(hour="2", minute="30"),
        },
        "retention": {
            "task": "backpath.web.retention",
            "schedule": crontab(hour="3", minute="30"),
        },
    },
)
app.autodiscover_tasks(["backpath.reminders", "backpath.followup", "backpath.quality"])
