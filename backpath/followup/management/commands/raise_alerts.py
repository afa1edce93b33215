"""``backpath raise_alerts``: the time-based clinician alerts (low exercise adherence, an
overdue questionnaire), for cron in the embedded default:

    5 * * * * backpath raise_alerts

Safe to run as often as you like: an alert is unique per episode, kind and key, so a rerun
raises nothing twice (see ``backpath.followup.jobs``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from backpath.followup.jobs import refresh_all_alerts


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"--today: not an ISO date: {raw!r}") from None


class Command(BaseCommand):
    help = "Raise the time-based clinician alerts: low exercise adherence, overdue questionnaires."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=_day,
            default=None,
            help="pretend it is this day (ISO 8601, e.g. 2026-11-25), for testing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        raised = refresh_all_alerts(options["today"] or timezone.localdate())
        self.stdout.write(f"alerts: {len(raised)} new")
