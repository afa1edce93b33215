"""The retention job as a Celery task (daily, see ``backpath.celery``); found by autodiscovery,
imported by nothing in the web app."""

from __future__ import annotations

from dataclasses import asdict

from backpath.celery import app
from backpath.web.retention import run_retention


def run() -> dict[str, int]:
    return asdict(run_retention())


retention_task = app.task(name="backpath.web.retention")(run)
