"""``backpath quality_refresh``: build the quality summaries every clinic's page would build
(episodes changed since, or never summarised), or all of them with ``--all``, and then the
installation's case-mix reference. For cron in the embedded default, once a night:

    30 2 * * * backpath quality_refresh

A page builds its own clinic's stale summaries before counting, so this only keeps the
reference (every clinic's) current and saves the first visitor of the day the wait.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from backpath.quality import facts, reference


class Command(BaseCommand):
    help = "Build the quality summaries that are out of date, then the case-mix reference."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="build every episode's summary again"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        built = facts.rebuild() if options["all"] else facts.refresh(facts.stale())
        cells = reference.rebuild()
        self.stdout.write(f"quality: {built} episode summaries built, {cells} reference cells")
