"""Figures for the research export (``backpath export``): time and peak memory by size.

Generates N synthetic episodes opened over one year straight into a throwaway SQLite
database with ``backpath.synthetic`` (the generator of ``backpath generate``: bulk inserts;
the services would take hours for 100,000). Then exports the first tenth of the
year and the whole year, each format in its own process (the installed command), and
reports wall-clock time and peak resident memory (Linux's VmHWM): streaming means the
memory stays about the same for ten times the episodes.

With ``--database-url`` the database is a throwaway one made on that PostgreSQL server
(migrated, filled, analysed, exported from, dropped afterwards); the database the URL names
is not touched.

Usage: python -m benchmarks.export [--episodes N] [--database-url URL]   (default: 100000)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

SEED = 20261202
START = date(2025, 1, 1)
DAYS = 365


def _setup(data_dir: Path, database_url: str | None) -> tuple[dict[str, str], Callable[[], None]]:
    """Make the database and migrate it; returns the exporting child's environment and what
    removes the database afterwards."""
    env = {
        **os.environ,
        "BACKPATH_DEMO": "true",
        "BACKPATH_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "backpath.web.settings",
    }
    env.pop("DATABASE_URL", None)
    os.environ.update(env)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if not database_url:
        call_command("migrate", interactive=False, verbosity=0)
        return env, lambda: None  # the SQLite file goes with the throwaway folder
    # A database of this run's own, named by the process, beside the one the URL names;
    # the export runs in a child, so it is told that database's URL.
    named = connection.settings_dict["NAME"]
    throwaway = f"backpath_bench_export_{os.getpid()}"
    connection.settings_dict["TEST"]["NAME"] = throwaway
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    env["DATABASE_URL"] = urlsplit(database_url)._replace(path=f"/{throwaway}").geturl()
    return env, lambda: connection.creation.destroy_test_db(named, verbosity=0)


def _database_name() -> str:
    from django.db import connection

    version = ".".join(str(part) for part in connection.get_database_version())
    return f"{connection.display_name} {version}"


def _generate(count: int) -> None:
    # The one generator of synthetic data (``backpath generate``), with "today" the day after
    # the benchmark's year, so the episodes open within it.
    from backpath.synthetic.generate import generate

    generate(clinics=3, patients=count, seed=SEED, today=START + timedelta(days=DAYS))


def _analyze() -> None:
    """Give PostgreSQL the tables' statistics, as autovacuum would have long since in a
    database in use: just after the bulk inserts the planner knows nothing of the new rows
    and chooses plans (whole-table scans per chunk) that a real database never sees."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# Runs the command line in the child and reports the child's own peak memory: VmHWM is reset
# when the process starts the new program, whereas ru_maxrss keeps the parent's memory
# that the fork copied.
_CHILD = """\
import sys
from backpath.cli import main
code = main(sys.argv[1:])
with open("/proc/self/status") as status:
    peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
print(f"peak-kib {peak}", file=sys.stderr)
sys.exit(code)
"""


def _run_export(env: dict[str, str], out: Path, fmt: str, days: int) -> tuple[float, float, str]:
    """Wall-clock seconds and peak resident memory (MiB) of the export in its own process."""
    last = START + timedelta(days=days - 1)
    args = [sys.executable, "-c", _CHILD, "export", "--from", START.isoformat(),
            "--to", last.isoformat(), "--format", fmt, "-o", str(out)]  # fmt: skip
    began = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"backpath export failed: {done.stderr}")
    peak_kib = int(done.stderr.split("peak-kib ")[1])
    return seconds, peak_kib / 1024, done.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=100_000)
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="a PostgreSQL server (postgres://user@host:port/name) to measure on instead of "
        "SQLite; a throwaway database is made there and dropped",
    )
    args = parser.parse_args()
    if args.database_url and not args.database_url.startswith(("postgres://", "postgresql://")):
        # Anything else would be migrated and filled in place; only PostgreSQL gets a
        # throwaway database of its own.
        print("benchmarks.export: --database-url must be a PostgreSQL URL", file=sys.stderr)
        return 2
    count = args.episodes
    folder = Path(tempfile.mkdtemp(prefix="backpath-bench-export-"))
    try:
        env, drop = _setup(folder / "data", args.database_url)
        try:
            began = time.perf_counter()
            _generate(count)
            _analyze()
            generated = time.perf_counter() - began
            print("backpath research export benchmark (figures, not a pass/fail test)")
            print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {_database_name()}")
            print(f"{count} episodes over {DAYS} days generated in {generated:.0f} s")
            for days in (DAYS // 10, DAYS):
                for fmt in ("csv", "parquet"):
                    out = folder / f"{fmt}-{days}"
                    seconds, peak, said = _run_export(env, out, fmt, days)
                    size = sum(path.stat().st_size for path in out.iterdir()) / 2**20
                    rows = said.removeprefix("backpath export: wrote ").split(" to ")[0]
                    print(
                        f"  {days:3d} days {fmt:<7} {seconds:6.1f} s  peak RSS {peak:4.0f} MiB  "
                        f"{size:6.1f} MiB written  ({rows})",
                        flush=True,
                    )
        finally:
            drop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
