"""``backpath auditlog verify`` checks the hash chain; ``backpath auditlog prune`` applies the
retention period (``BACKPATH_AUDIT_RETENTION_DAYS``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from backpath.auditlog.services import prune, verify


class Command(BaseCommand):
    help = "Check the access log's hash chain (verify) or remove entries past retention (prune)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("task", choices=("verify", "prune"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["task"] == "prune":
            days = settings.BACKPATH_AUDIT_RETENTION_DAYS
            removed = prune(timezone.now() - timedelta(days=days))
            self.stdout.write(f"removed {removed} entries older than {days} days")
            return
        result = verify()
        if result.broken is not None:
            raise CommandError(
                f"the access log is broken at entry {result.broken.id}: {result.broken.problem}"
            )
        self.stdout.write(
            f"the access log is whole: {result.entries} entries, last hash {result.last_hash}"
        )
