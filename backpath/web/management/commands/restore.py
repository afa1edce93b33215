"""``backpath restore FILE --yes``: replace the whole database with a backup. Stop the web
processes and the scheduled jobs first; run ``backpath migrate`` after restoring an older
backup into a newer backpath."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backpath.web.backup import BackupError, restore


class Command(BaseCommand):
    help = "Replace the whole database with the backup in FILE."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="confirm: everything now in the database goes"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError(
                "restore replaces everything in the database: add --yes to confirm", returncode=2
            )
        try:
            with_files = restore(options["file"])
        except BackupError as error:
            raise CommandError(str(error), returncode=2) from None
        files = "with" if with_files else "without (the backup has none; the files stay)"
        self.stdout.write(f"restored from {options['file']}, {files} the uploaded files")
