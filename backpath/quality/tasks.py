"""The nightly quality refresh as a Celery task (``backpath quality_refresh`` for cron)."""

from __future__ import annotations

from backpath.celery import app
from backpath.quality import facts, reference


def refresh() -> dict[str, int]:
    """Build every clinic's stale summaries, then the case-mix reference."""
    built = facts.refresh(facts.stale())
    return {"episodes": built, "reference_cells": reference.rebuild()}


refresh_task = app.task(name="backpath.quality.refresh")(refresh)
