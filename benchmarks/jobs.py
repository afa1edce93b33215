"""Figures for the reminder job and the alert job: time and queries per 1,000 patients.

Generates N synthetic patients (``backpath.synthetic``: episodes in every state, plans,
programs with exercise logs, diaries, measurements) into a throwaway database and gives each
patient a portal account, as a clinic's patients have. Then times, each once:

(a) ``send_reminders`` at 10:00 as the first run of the day: every patient in treatment or
    recently discharged is looked at (the morning reminders fall at 10:00, the exercises at
    09:00 are caught up), so this is the job's heaviest run;
(b) ``send_reminders`` at 10:15, the next quarter-hour: the ordinary run between the
    reminder moments;
(c) ``refresh_all_alerts``, the daily clinician-alert job, over every episode in treatment.

Mail goes to Django's in-memory backend, so the figures are the job's own cost, not a mail
server's. Reported per job: the patients or episodes looked at, the wall-clock seconds, the
database queries, and both per 1,000 patients; and the hours a run at 100,000 patients would
take at that pace.

The database is SQLite in a throwaway folder, or, with ``--database-url``, a throwaway
database made on that PostgreSQL server and dropped afterwards (the database the URL names
is not touched).

Usage: python -m benchmarks.jobs [--patients N] [--database-url URL]   (default: 1000)
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from functools import partial
from pathlib import Path
from typing import Any

SEED = 20261216
SCALE = 100_000  # the size the issue asks about (#16)


@dataclass(frozen=True, slots=True)
class JobFigures:
    label: str
    looked_at: int  # patients (reminders) or episodes (alerts) the run looked at
    seconds: float  # wall clock
    cpu: float  # seconds of this process's CPU: the job's Python, without the database's
    queries: int
    patients: int  # patients in the database

    @property
    def queries_per_1000(self) -> float:
        return self.queries / self.patients * 1000


def _setup(folder: Path, database_url: str | None) -> Callable[[], None]:
    """Django on a fresh database (``benchmarks.api``'s), mail kept in memory; returns what
    removes the database afterwards."""
    from benchmarks.api import _database
    from benchmarks.api import _setup as setup_django

    setup_django(folder, database_url)
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return _database()


def populate(patients: int, today: date) -> None:
    """``patients`` synthetic patients, each with a portal account (half in English)."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from backpath.accounts.models import Role, User
    from backpath.care.models import Patient
    from backpath.synthetic.generate import generate

    generate(clinics=3, patients=patients, seed=SEED, today=today)
    password = make_password(None)  # unusable: these accounts never log in
    with transaction.atomic():
        found = list(Patient.objects.filter(user__isnull=True).only("id", "clinic_id"))
        users = [
            User(
                email=f"patient{n}@bench.example",
                password=password,
                clinic_id=patient.clinic_id,
                role=Role.PATIENT,
                language="en" if n % 2 else "nl",
            )
            for n, patient in enumerate(found)
        ]
        User.objects.bulk_create(users, batch_size=1000)
        for patient, user in zip(found, users, strict=True):
            patient.user = user
        Patient.objects.bulk_update(found, ["user"], batch_size=1000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would have, long since


def _timed(run: Callable[[], Any]) -> tuple[Any, float, float, int]:
    """What ``run`` answered, its wall-clock and CPU seconds and its queries (counted, not
    logged: a query log keeps only the last 9,000 and slows each query down)."""
    from django.core import mail
    from django.db import connection

    count = 0

    def counted(execute: Callable[..., Any], *args: Any) -> Any:
        nonlocal count
        count += 1
        return execute(*args)

    mail.outbox = []
    with connection.execute_wrapper(counted):
        began, began_cpu = time.perf_counter(), time.process_time()
        answer = run()
        seconds, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    return answer, seconds, cpu, count


def measure(patients: int) -> list[JobFigures]:
    """Fill the database Django is set up on and time the jobs (see the module's doc)."""
    from django.urls import reverse
    from django.utils import timezone

    from backpath.care.models import Episode, EpisodeStatus
    from backpath.followup.jobs import refresh_all_alerts
    from backpath.reminders.services import send_reminders

    today = timezone.localdate()
    populate(patients, today)
    # A worker loads the URLconf (every app's views) on its first mail, once: not a run's cost.
    reverse("reminder_settings")
    zone = timezone.get_current_timezone()
    figures = []
    for label, hour, minute in (
        ("reminders, 10:00 (first run)", 10, 0),
        ("reminders, 10:15", 10, 15),
    ):
        moment = datetime.combine(today, clock(hour, minute), tzinfo=zone)
        result, seconds, cpu, queries = _timed(partial(send_reminders, moment))
        figures.append(JobFigures(label, result.patients, seconds, cpu, queries, patients))
    in_treatment = Episode.objects.filter(status=EpisodeStatus.TREATMENT).count()
    _raised, seconds, cpu, queries = _timed(partial(refresh_all_alerts, today))
    figures.append(JobFigures("alerts", in_treatment, seconds, cpu, queries, patients))
    return figures


def report(figures: list[JobFigures], database: str) -> str:
    lines = [
        f"Jobs on {database}, {figures[0].patients} synthetic patients "
        "(per 1,000 patients in the database; at 100k: one process at this pace):",
        f"  {'job':<30} {'looked at':>9} {'seconds':>8} {'cpu s':>6} {'queries':>8} "
        f"{'s/1000':>7} {'q/1000':>7} {'at 100k':>8}",
    ]
    for f in figures:
        per_1000 = f.seconds / f.patients * 1000
        at_scale = timedelta(seconds=round(f.seconds / f.patients * SCALE))
        lines.append(
            f"  {f.label:<30} {f.looked_at:>9} {f.seconds:>8.2f} {f.cpu:>6.2f} {f.queries:>8} "
            f"{per_1000:>7.2f} {f.queries_per_1000:>7.0f} {at_scale!s:>8}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="a PostgreSQL server (postgres://user@host:port/name) to measure on instead of "
        "SQLite; a throwaway database is made there and dropped",
    )
    args = parser.parse_args()
    if args.database_url and not args.database_url.startswith(("postgres://", "postgresql://")):
        print("benchmarks.jobs: --database-url must be a PostgreSQL URL", file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="backpath-bench-jobs-"))
    try:
        drop = _setup(folder, args.database_url)
        try:
            from django.db import connection

            version = ".".join(str(part) for part in connection.get_database_version())
            figures = measure(args.patients)
            print(report(figures, f"{connection.display_name} {version}"))
        finally:
            drop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
