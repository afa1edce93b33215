"""``backpath send_reminders``: the scheduled reminder job, for cron in the embedded default.

    */15 * * * * backpath send_reminders
    5 * * * *    backpath raise_alerts

Safe to run as often as you like, and again after a run that stopped halfway: a reminder
is claimed before it is sent and never sent twice (see ``backpath.reminders.services``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from backpath.reminders.services import send_reminders


def _moment(raw: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"--now: not an ISO date and time: {raw!r}") from None
    # A moment without a zone is read on the clinic's clock (settings.TIME_ZONE).
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = "Send the reminders due now (the clinician alerts are `backpath raise_alerts`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            type=_moment,
            default=None,
            help="pretend it is this moment (ISO 8601, e.g. 2026-11-25T19:00), for testing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_reminders(options["now"] or timezone.now())
        self.stdout.write(
            f"reminders: {result.reminders} sent in {result.mails} emails to "
            f"{result.patients} patients ({result.already_claimed} already sent, "
            f"{result.failed} failed)"
        )
