"""Figures for the HTTP API and the FHIR server (``make bench``), against a framework floor.

What a request costs above the framework's own floor; a measurement, not a pass/fail test.

One in-process WSGI app (Django's WSGI handler with the app's settings and middleware),
the demo clinic loaded (``backpath.web.demo_data.load_demo``), an API key with the read
scopes, and three requests, interleaved (each round runs all three, the order rotating, so
drift touches all alike):

(a) the floor: a view only this benchmark's URLconf serves, behind the API's own key check
    (``KeyAuth``), that runs one indexed query and answers a tiny JSON;
(b) ``GET /api/v1/episodes/{id}``;
(c) ``GET /fhir/R4/Patient/{id}/$everything?_count=100`` (one page holds it all),
for the demo patient with the fullest record (Carla: intake, review, plan, two sessions,
a diary). Reported: median and 95th percentile (ms), each median as a ratio of the floor's,
the database queries per request (counted on one more request each: counting slows them),
and the answer's size.

The database is SQLite in a throwaway folder (WAL, synchronous=FULL, as the app runs it),
or, with ``--database-url``, a throwaway database made on that PostgreSQL server and
dropped afterwards (the database the URL names is not touched).

Usage: python -m benchmarks.api [--requests N] [--warmup W] [--database-url URL]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from wsgiref.util import setup_testing_defaults

from benchmarks.run import BenchError, _machine, _progress

FLOOR_PATH = "/bench/floor/"
DEMO_PATIENT = "carla@patient.example"

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True, slots=True)
class Target:
    label: str
    path: str
    query: str = ""


@dataclass(frozen=True, slots=True)
class Figures:
    label: str
    median_ms: float
    p95_ms: float
    ratio: float  # median / the floor's median
    queries: int
    size: int  # bytes of the answer


def _setup(folder: Path, database_url: str | None) -> None:
    os.environ.update(
        {
            "BACKPATH_DEMO": "true",
            "BACKPATH_DEBUG": "false",  # DEBUG would keep every query and slow each request
            "BACKPATH_DATA_DIR": str(folder),
            "DJANGO_SETTINGS_MODULE": "backpath.web.settings",
        }
    )
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


def _database() -> Callable[[], None]:
    """Make the database and migrate it; returns what removes it afterwards."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        call_command("migrate", interactive=False, verbosity=0)
        return lambda: None  # the SQLite file goes with the throwaway folder
    # A database of this run's own, named by the process, beside the one the URL names.
    named = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"backpath_bench_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return lambda: connection.creation.destroy_test_db(named, verbosity=0)


POSTGRES = ("postgres://", "postgresql://")


@contextmanager
def throwaway_django(database_url: str | None, prefix: str) -> Iterator[Path]:
    """Django set up on a database of this run's own: SQLite in a new folder, or a new
    database on the PostgreSQL server ``database_url`` names (never the one it names);
    both removed afterwards. Yields the folder (the app's data directory)."""
    if database_url and not database_url.startswith(POSTGRES):
        # Anything else would be migrated and filled in place.
        raise BenchError("--database-url must be a PostgreSQL URL")
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        _setup(folder, database_url)
        drop = _database()
        try:
            yield folder
        finally:
            drop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _urlconf() -> ModuleType:
    """The app's URLs plus the floor, which the app itself never serves."""
    from django.http import HttpRequest, HttpResponse, JsonResponse
    from django.urls import path

    from backpath.api.auth import KeyAuth
    from backpath.care.models import Patient
    from backpath.web import urls

    check = KeyAuth()

    def floor(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
        # The API's own check: a bad key raises (the API answers 401), no key gives None.
        if check(request) is None:
            return JsonResponse({"detail": "Unauthorized"}, status=401)
        found = Patient.objects.filter(pk=patient_id).values_list("id", flat=True).first()
        return JsonResponse({"id": str(found)})

    module = ModuleType("benchmarks.api.urlconf")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path(f"{FLOOR_PATH.strip('/')}/<uuid:patient_id>", floor),
        *urls.urlpatterns,
    ]
    return module


def _demo() -> tuple[str, list[Target], str]:
    """Loads the demo clinic; a read key, the three requests and what the record holds."""
    from backpath.accounts.models import Clinic
    from backpath.api.services import create_key
    from backpath.care.models import Episode
    from backpath.web.demo_data import CLINIC_NAME, load_demo

    load_demo()
    clinic = Clinic.objects.get(name=CLINIC_NAME)
    key = create_key(clinic=clinic, name="bench", scopes=["patients:read", "episodes:read"]).key
    episode = Episode.objects.select_related("patient").get(patient__user__email=DEMO_PATIENT)
    patient_id = episode.patient_id
    targets = [
        Target("floor: key check, 1 query, tiny JSON", f"{FLOOR_PATH}{patient_id}"),
        Target("GET /api/v1/episodes/{id}", f"/api/v1/episodes/{episode.id}"),
        Target(
            "GET /fhir/R4/Patient/{id}/$everything",
            f"/fhir/R4/Patient/{patient_id}/$everything",
            "_count=100",
        ),
    ]
    episodes = Episode.objects.filter(patient_id=patient_id).count()
    return key, targets, f"demo patient {episode.patient.first_name}, {episodes} episode(s)"


def _call(app: WsgiApp, target: Target, key: str) -> tuple[float, int, bytes]:
    """Seconds, status and body of one request, as a WSGI server would make it."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": target.path,
        "QUERY_STRING": target.query,
        "HTTP_AUTHORIZATION": f"Bearer {key}",
        "HTTP_ACCEPT": "application/json",
        "wsgi.input": io.BytesIO(),
    }
    setup_testing_defaults(environ)
    said: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        said.append(status)

    began = time.perf_counter()
    answer = app(environ, start_response)
    body = b"".join(answer)
    close = getattr(answer, "close", None)
    if close is not None:
        close()  # Django's end of request (request_finished) is part of its cost
    seconds = time.perf_counter() - began
    return seconds, int(said[0].split()[0]), body


def _queries(app: WsgiApp, target: Target, key: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _call(app, target, key)
    return len(captured.captured_queries)


def measure(
    app: WsgiApp, targets: Sequence[Target], key: str, requests: int, warmup: int
) -> tuple[list[Figures], dict[str, bytes]]:
    """The figures per target, and each target's answer."""
    answers: dict[str, bytes] = {}
    for _ in range(warmup):
        for target in targets:
            _, status, body = _call(app, target, key)
            if status != 200:
                raise BenchError(f"{target.label} answered {status}: {body[:200]!r}")
            answers[target.label] = body
    times: dict[str, list[float]] = {t.label: [] for t in targets}
    for done in range(requests):
        if done % 100 == 0:
            _progress(f"round {done + 1}/{requests}")
        shift = done % len(targets)
        for target in [*targets[shift:], *targets[:shift]]:
            seconds, status, _ = _call(app, target, key)
            if status != 200:
                raise BenchError(f"{target.label} answered {status}")
            times[target.label].append(seconds * 1000)
    floor = statistics.median(times[targets[0].label])
    figures = []
    for target in targets:
        taken = times[target.label]
        median = statistics.median(taken)
        figures.append(
            Figures(
                label=target.label,
                median_ms=median,
                p95_ms=statistics.quantiles(taken, n=20)[18],
                ratio=median / floor,
                queries=_queries(app, target, key),
                size=len(answers[target.label]),
            )
        )
    return figures, answers


def _database_name() -> str:
    from django.db import connection

    version = ".".join(str(part) for part in connection.get_database_version())
    said = f"{connection.display_name} {version}"
    return said if connection.vendor == "postgresql" else f"{said} (WAL, synchronous=FULL)"


def print_report(
    machine: dict[str, Any],
    database: str,
    record: str,
    resources: int,
    figures: Sequence[Figures],
    requests: int,
) -> None:
    print("backpath API and FHIR benchmark (figures, not a pass/fail test)")
    print(
        f"Python {machine['python']} ({machine['implementation']}) on {machine['platform']}, "
        f"{machine['cpu_count']} CPUs; {database}"
    )
    print(
        f"in-process WSGI, the app's middleware, an API key; {record}, "
        f"{resources} resources in $everything"
    )
    print()
    head = (
        f"{'request':<40} {'median ms':>9} {'p95 ms':>8} {'x floor':>7} {'queries':>7} {'bytes':>7}"
    )
    print(head)
    print("-" * len(head))
    for item in figures:
        print(
            f"{item.label:<40} {item.median_ms:>9.2f} {item.p95_ms:>8.2f} {item.ratio:>7.1f} "
            f"{item.queries:>7} {item.size:>7,}"
        )
    print(f"{requests} requests each, interleaved; queries counted on one more request each")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.api", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--requests", type=int, default=300, help="timed requests of each kind (default 300)"
    )
    parser.add_argument("--warmup", type=int, default=10, help="untimed rounds first (default 10)")
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="a PostgreSQL server (postgres://user@host:port/name) to measure on instead of "
        "SQLite; a throwaway database is made there and dropped",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.requests < 20 or args.warmup < 1:
        print("benchmarks.api: --requests must be >= 20, --warmup >= 1", file=sys.stderr)
        return 2
    if args.database_url and not args.database_url.startswith(POSTGRES):
        print("benchmarks.api: --database-url must be a PostgreSQL URL", file=sys.stderr)
        return 2
    try:
        with throwaway_django(args.database_url, "backpath-bench-api-"):
            from django.conf import settings
            from django.core.wsgi import get_wsgi_application

            # A module made here rather than a file: the floor stays out of the app.
            settings.ROOT_URLCONF = _urlconf()
            _progress("loading the demo clinic")
            key, targets, record = _demo()
            figures, answers = measure(
                get_wsgi_application(), targets, key, args.requests, args.warmup
            )
            resources = json.loads(answers[targets[-1].label])["total"]
            database = _database_name()
    except BenchError as error:
        print(f"benchmarks.api: error: {error}", file=sys.stderr)
        return 1
    print_report(_machine(), database, record, resources, figures, args.requests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
