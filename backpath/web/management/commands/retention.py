"""``backpath retention``: remove what backpath no longer keeps (see ``backpath.web.retention``),
daily from cron in the embedded default:

    30 3 * * * backpath retention
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand

from backpath.web.retention import run_retention


class Command(BaseCommand):
    help = "Remove expired sessions, old invitations and reminder records, and old log entries."

    def handle(self, *args: Any, **options: Any) -> None:
        removed = run_retention()
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in asdict(removed).items()))
