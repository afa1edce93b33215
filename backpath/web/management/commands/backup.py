"""``backpath backup FILE``: a consistent copy of the whole database, safe while the app runs
(SQLite's online backup, or pg_dump in its custom format on PostgreSQL), and the uploaded
files in ``FILE.files.tar`` beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backpath.web.backup import BackupError, backup, files_archive


class Command(BaseCommand):
    help = "Copy the whole database to FILE (a new file), the uploaded files to FILE.files.tar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backup(options["file"])
        except BackupError as error:
            raise CommandError(str(error), returncode=2) from None
        self.stdout.write(
            f"backed up to {options['file']} (uploaded files: {files_archive(options['file'])})"
        )
