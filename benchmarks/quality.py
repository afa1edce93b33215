"""Figures for the quality page: one clinic of N episodes, and the installation-wide
aggregates over M episodes, each against the framework floor measured in the same run.

1. ``backpath generate`` makes one synthetic clinic of N patients (default 10,000: an
   episode each), and the summaries are built (``quality.facts.rebuild``, timed).
2. The quality page (``/clinic/quality/``, a year, the whole clinic) is requested through
   Django's test client as the clinic's admin, interleaved with the floor: a logged-in view
   with one indexed query and a small template, mounted beside the app for this run only.
   Both the median and p95, the ratio to the floor, and the queries of one request.
3. The installation: the clinic's summaries are copied with new ids until the summary
   tables hold M episodes (default 1,000,000; foreign-key checks are off for the copy in the
   throwaway database, which is all it touches), analysed, and the installation-wide
   aggregates (the case-mix reference: every clinic's answered occasions by stratum, and
   every clinic's episode figures for the year) are timed.

Usage: python -m benchmarks.quality [--patients N] [--installation M] [--database-url URL]
PostgreSQL is what the targets are for (page <= 300 ms at 10,000; aggregates <= 2 s at
1,000,000); without a URL it runs on SQLite, where step 3 is skipped.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from functools import partial
from types import ModuleType

from benchmarks.api import POSTGRES, _database_name, throwaway_django
from benchmarks.run import BenchError

SEED = 20261202
TODAY = date(2026, 11, 30)
PERIOD = {"start": "2025-12-01", "end": "2026-11-30", "whose": "clinic"}
FLOOR_PATH = "/bench-floor/"


def _progress(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


def _urlconf() -> ModuleType:
    """The app's URLs plus the floor, which the app itself never serves."""
    from django.contrib.auth.decorators import login_required
    from django.http import HttpRequest, HttpResponse
    from django.template import engines
    from django.urls import path

    from backpath.care.models import Patient
    from backpath.web import urls

    template = engines["django"].from_string("<!doctype html><p>{{ name }}</p>")

    @login_required
    def floor(request: HttpRequest) -> HttpResponse:
        clinic_id = getattr(request.user, "clinic_id", None)
        found = Patient.objects.filter(clinic_id=clinic_id).values("last_name")
        return HttpResponse(template.render({"name": found.first()}, request))

    module = ModuleType("benchmarks.quality.urlconf")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path(FLOOR_PATH.strip("/") + "/", floor),
        *urls.urlpatterns,
    ]
    return module


def _time(call: Callable[[], object]) -> float:
    began = time.perf_counter()
    call()
    return (time.perf_counter() - began) * 1000


def _copy_summaries(target: int) -> int:
    """Copy the summaries with new episode ids until they hold ``target`` episodes."""
    from django.db import connection

    from backpath.quality.models import EpisodeFacts

    have = EpisodeFacts.objects.count()
    copies = -(-(target - have) // have)  # whole copies, rounded up
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no FK checks for the copy
        cursor.execute(
            "CREATE TEMP TABLE bench_ids AS SELECT episode_id AS old, n, gen_random_uuid() AS new "
            "FROM quality_episodefacts, generate_series(1, %s) AS n",
            [copies],
        )
        facts = [str(f.column) for f in EpisodeFacts._meta.concrete_fields]
        facts.remove("episode_id")
        cursor.execute(
            f"INSERT INTO quality_episodefacts (episode_id, {', '.join(facts)}) "
            f"SELECT b.new, {', '.join('f.' + c for c in facts)} FROM quality_episodefacts f "
            "JOIN bench_ids b ON b.old = f.episode_id"
        )
        occasion = [
            "clinic_id", "opened_on", "profile", "casemix", "occasion", "due_on",
            "responded", "nprs", "qbpds", "psk", "relapse",
        ]  # fmt: skip
        cursor.execute(
            f"INSERT INTO quality_occasionfacts (episode_id, {', '.join(occasion)}) "
            f"SELECT b.new, {', '.join('o.' + c for c in occasion)} FROM quality_occasionfacts o "
            "JOIN bench_ids b ON b.old = o.episode_id"
        )
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("ANALYZE")
    return EpisodeFacts.objects.count()


def _reference() -> None:
    """The case-mix reference built again from every clinic's occasions."""
    from backpath.quality import reference

    reference.rebuild()


def _installation_figures() -> None:
    """Every clinic's episode figures for the year."""
    from django.db.models import Count, Q

    from backpath.quality.figures import EPISODE_MEASURES
    from backpath.quality.models import EpisodeFacts

    start = TODAY - timedelta(days=364)
    year = Q(opened_on__gte=start, opened_on__lte=TODAY)
    EpisodeFacts.objects.filter(year).aggregate(
        **{
            f"{key}_{side}": Count("pk", filter=whole & part if side == "part" else whole)
            for key, (part, whole) in EPISODE_MEASURES.items()
            for side in ("part", "whole")
        }
    )


def run(patients: int, installation: int, requests: int) -> list[str]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from backpath.accounts.models import Clinic, Role, User
    from backpath.quality import facts
    from backpath.synthetic.generate import generate

    lines = [f"database: {_database_name()}"]
    began = time.perf_counter()
    generate(clinics=1, patients=patients, seed=SEED, today=TODAY)
    lines.append(f"generate {patients:,} patients: {time.perf_counter() - began:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    began = time.perf_counter()
    built = facts.rebuild()
    seconds = time.perf_counter() - began
    lines.append(
        f"summaries built: {built:,} episodes in {seconds:.1f} s "
        f"({1000 * seconds / max(built, 1):.1f} s per 1,000 episodes)"
    )
    # Nobody has a second factor in a generated clinic: the throwaway clinic asks none.
    Clinic.objects.filter(synthetic=True).update(require_staff_2fa=False)
    clinician = User.objects.filter(role=Role.CLINICIAN, clinic__synthetic=True).first()
    assert clinician is not None, "the generator makes the clinic's clinicians"
    client = Client()
    client.force_login(clinician)
    with override_settings(ROOT_URLCONF=_urlconf(), DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        targets = {"floor": (FLOOR_PATH, {}), "quality page": ("/clinic/quality/", PERIOD)}
        for path, query in targets.values():
            response = client.get(path, query)
            assert response.status_code == 200, (
                path,
                response.status_code,
                response.get("Location"),
            )
        times: dict[str, list[float]] = {name: [] for name in targets}
        for done in range(requests):
            for name, (path, query) in list(targets.items())[:: 1 if done % 2 else -1]:
                times[name].append(_time(partial(client.get, path, query)))
        floor = statistics.median(times["floor"])
        for name, (path, query) in targets.items():
            with CaptureQueriesContext(connection) as captured:
                size = len(client.get(path, query).content)
            taken = times[name]
            lines.append(
                f"{name}: median {statistics.median(taken):.1f} ms, "
                f"p95 {statistics.quantiles(taken, n=20)[18]:.1f} ms, "
                f"{statistics.median(taken) / floor:.1f}x the floor, "
                f"{len(captured.captured_queries)} queries, {size:,} bytes"
            )
    if connection.vendor != "postgresql" or installation <= built:
        return lines
    _progress(f"copying the summaries up to {installation:,} episodes")
    held = _copy_summaries(installation)
    for name, call in (
        ("case-mix reference", _reference),
        ("episode figures", _installation_figures),
    ):
        call()  # warm
        taken = [_time(call) for _ in range(5)]
        lines.append(
            f"installation {name} over {held:,} episodes: median "
            f"{statistics.median(taken):.0f} ms (of 5; {statistics.median(taken) / floor:.0f}x "
            "the floor's median)"
        )
    return lines


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.quality", description=__doc__)
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--installation", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--database-url", help="a PostgreSQL server (a throwaway database)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.database_url and not args.database_url.startswith(POSTGRES):
        print("benchmarks.quality: --database-url must be a PostgreSQL URL", file=sys.stderr)
        return 2
    try:
        with throwaway_django(args.database_url, "backpath-bench-quality-"):
            for line in run(args.patients, args.installation, args.requests):
                print(line)
    except BenchError as error:
        print(f"benchmarks.quality: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
