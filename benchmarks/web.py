"""Figures for the web app under load: patient pages, the diary write and the clinician's lists
at 10, 1,000 and 10,000 patients per clinic, each against the framework floor in the same run.

1. ``backpath generate``'s generator makes three synthetic clinics (10, 1,000 and 10,000
   patients, one episode each, every state) in a throwaway database; a sample of each
   clinic's patients in treatment get a portal account, and every account in the sample one
   password.
2. gunicorn serves the app (``benchmarks.web_app``: the app's settings, URLs and middleware,
   plus a floor view and a query-count header) with 2 sync workers, as a small clinic would
   run it.
3. Each sampled patient and clinician logs in through the real login form (the CSRF token
   from the page, the session cookie from the answer).
4. Four client threads request each target in turn, interleaved (each round runs every
   target once, its order rotating, so drift touches all alike), each request as a
   different user of the clinic's sample:
   the floor (a patient: session, user, one indexed query, a small template), the floor
   inside the app's layout and the layout with ten indexed reads (what the pages' ratios
   are made of); ``/me/``,
   ``/me/today/``, ``/me/progress/``; the diary write (a POST, answered with a redirect);
   the clinician's dashboard, patient list and a name search (posted, as the page does).
Reported per clinic size and target: requests per second, each as a ratio of the floor's
in the same run (the issue's measure) and of "layout + 10 reads" (an app page that reads
about as often as a patient's), the 50th/95th/99th percentile latency in ms, the
database queries per request (the median of the header), and the answer's size.

The job figures (time per 1,000 patients, projected to 100,000) are ``benchmarks.jobs``,
which ``make bench`` runs on the same server.

Usage: python -m benchmarks.web --database-url postgres://… [--sizes 10,1000,10000]
       [--rounds R] [--batch B] [--clients C]
PostgreSQL is what the targets are for; without a URL it runs on SQLite in a throwaway
folder (gunicorn's two workers then share one database file).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from benchmarks.api import POSTGRES, _database_name, throwaway_django
from benchmarks.run import BenchError

SEED = 20261203
PASSWORD = "bench-login-9f3c"  # only these throwaway accounts have it
SIZES = (10, 1_000, 10_000)
PATIENTS_PER_CLINIC = 24  # logged in per clinic (fewer in a smaller clinic)
CLINICIANS_PER_CLINIC = 4
HOST = "127.0.0.1"
FLOOR_PATH = "/bench/floor/"  # served by benchmarks.web_app only, as are the next two
LAYOUT_PATH = "/bench/layout/"  # the floor inside the app's layout
READS_PATH = "/bench/reads/"  # the layout floor with ten indexed reads
KEPT_PATH = "/bench/kept/"  # a patient page drawn from its data kept in memory (+ page/)
READS = 10
QUERIES_HEADER = "X-Bench-Queries"
# On a kept page's first request in a worker (the app's own page, its data then kept): such
# an answer is not counted, and the request is made again.
WARMING_HEADER = "X-Bench-Warming"
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def _progress(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


# --- the installation ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sample:
    """One clinic's logins: (email) of patients in treatment and of clinicians."""

    size: int
    patients: list[str]
    clinicians: list[str]
    search: str  # a last name in the clinic, for the search


def populate(sizes: Sequence[int], today: date) -> list[Sample]:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from backpath.accounts.models import Clinic, Role, User
    from backpath.care.models import EpisodeStatus, Patient
    from backpath.synthetic.generate import generate

    samples = []
    password = make_password(PASSWORD)  # hashed once; every login checks it for real
    for size in sizes:
        began = time.perf_counter()
        generate(clinics=1, patients=size, seed=SEED, today=today)
        clinic = Clinic.objects.filter(synthetic=True).order_by("-created_at").first()
        assert clinic is not None
        _progress(f"a clinic of {size:,} patients in {time.perf_counter() - began:.0f} s")
        # Nobody in a generated clinic has a second factor: this throwaway clinic asks none.
        clinic.require_staff_2fa = False
        clinic.save(update_fields=["require_staff_2fa"])
        with transaction.atomic():
            chosen = list(
                Patient.objects.filter(
                    clinic=clinic, user__isnull=True, episodes__status=EpisodeStatus.TREATMENT
                )
                .distinct()
                .order_by("id")[:PATIENTS_PER_CLINIC]
            )
            for n, patient in enumerate(chosen):
                patient.user = User.objects.create(
                    email=f"patient{n}.{size}@bench.example",
                    password=password,
                    clinic=clinic,
                    role=Role.PATIENT,
                    language="en" if n % 2 else "nl",
                )
                patient.save(update_fields=["user"])
            staff = list(
                User.objects.filter(clinic=clinic, role=Role.CLINICIAN).order_by("pk")[
                    :CLINICIANS_PER_CLINIC
                ]
            )
            User.objects.filter(pk__in=[u.pk for u in staff]).update(password=password)
        samples.append(
            Sample(
                size=size,
                patients=[p.user.email for p in chosen if p.user is not None],
                clinicians=[u.email for u in staff],
                search=chosen[0].last_name[:4] if chosen else "a",
            )
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would have, long since
    return samples


def _database_url(given: str | None) -> str | None:
    """The throwaway database's URL (the server's, with this run's database name)."""
    from django.db import connection

    if given is None:
        return None
    parts = urlsplit(given)
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


# --- the server ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def start_server(
    folder: Path, database_url: str | None, workers: int
) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backpath.web.settings",
        "BACKPATH_DEMO": "true",  # plain HTTP on 127.0.0.1
        "BACKPATH_DEBUG": "false",
        "BACKPATH_DATA_DIR": str(folder),
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = f"{gunicorn} benchmarks.web_app:application --bind {HOST}:{port} "
    command += f"--workers {workers} --worker-class sync --log-level warning"
    server = subprocess.Popen(
        command.split(),
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn stopped with {server.returncode} before answering")
        try:
            status = Browser(port).request("GET", "/login/").status
        except OSError:
            time.sleep(0.2)
            continue
        if status == 200:
            return server, port
        raise BenchError(f"the login page answered {status}")
    server.kill()
    raise BenchError("gunicorn did not answer within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


# --- the clients --------------------------------------------------------------------------


@dataclass(slots=True)
class Answer:
    status: int
    body: bytes
    queries: int
    location: str
    warming: bool = False


@dataclass(slots=True)
class Browser:
    """One user's cookies; every request on a new connection (gunicorn's sync workers close
    each one, as they do behind a proxy)."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    token: str = ""  # the CSRF token of the last form fetched

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Answer:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        headers = {"Host": f"{HOST}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.token
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if found := TOKEN.search(content):
            self.token = found.group(1).decode()
        return Answer(
            response.status,
            content,
            int(response.getheader(QUERIES_HEADER) or 0),
            response.getheader("Location") or "",
            response.getheader(WARMING_HEADER) is not None,
        )

    def log_in(self, email: str) -> None:
        self.request("GET", "/login/")
        answer = self.request("POST", "/login/", {"username": email, "password": PASSWORD})
        if answer.status != 302:
            raise BenchError(f"logging in {email} answered {answer.status}, not a redirect")


@dataclass(frozen=True, slots=True)
class Target:
    label: str
    who: str  # "patients" or "clinicians"
    path: str
    form: Callable[[], dict[str, str]] | None = None  # a POST with this form
    expect: int = 200


def _diary_form() -> dict[str, str]:
    from backpath.followup.models import ExercisesDone, Sleep

    return {
        "pain": "3",
        "active_minutes": "40",
        "exercises": ExercisesDone.values[0],
        "sitting_breaks": "6",
        "sleep": Sleep.values[0],
        "stress": "2",
    }


def targets(sample: Sample) -> list[Target]:
    return [
        Target("floor (logged in)", "patients", FLOOR_PATH),
        Target("floor + layout", "patients", LAYOUT_PATH),
        Target(f"layout + {READS} reads", "patients", READS_PATH),
        Target("/me/", "patients", "/me/"),
        Target("/me/ kept data", "patients", f"{KEPT_PATH}home/"),
        Target("/me/today/", "patients", "/me/today/"),
        Target("/me/today/ kept data", "patients", f"{KEPT_PATH}today/"),
        Target("/me/progress/", "patients", "/me/progress/"),
        Target("diary write (POST)", "patients", "/me/diary/", _diary_form, 302),
        Target("dashboard", "clinicians", "/clinic/"),
        Target("patient list", "clinicians", "/clinic/patients/"),
        # Posted, as the page does: a name never goes into a URL (``?q=`` is ignored).
        Target("patient search", "clinicians", "/clinic/patients/", lambda: {"q": sample.search}),
    ]


@dataclass(slots=True)
class Measured:
    seconds: float = 0.0  # wall clock of its batches
    latencies: list[float] = field(default_factory=list)  # ms
    queries: list[int] = field(default_factory=list)
    size: int = 0


def _batch(
    target: Target, browsers: list[Browser], requests: int, clients: int, into: Measured
) -> None:
    """``requests`` requests from ``clients`` threads at once, each as the next user."""
    lock = threading.Lock()
    turn = iter(range(requests))
    failures: list[str] = []

    def client() -> None:
        while True:
            with lock:
                n = next(turn, None)
            if n is None:
                return
            browser = browsers[n % len(browsers)]
            while True:
                began = time.perf_counter()
                answer = browser.request(
                    "POST" if target.form else "GET",
                    target.path,
                    target.form() if target.form else None,
                )
                if not answer.warming:
                    break
            taken = (time.perf_counter() - began) * 1000
            with lock:
                if answer.status != target.expect:
                    failures.append(f"{target.label}: {answer.status} {answer.location}")
                into.latencies.append(taken)
                into.queries.append(answer.queries)
                into.size = len(answer.body)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    into.seconds += time.perf_counter() - began
    if failures:
        raise BenchError(f"{len(failures)} requests failed, e.g. {failures[0]}")


def measure(
    port: int, sample: Sample, rounds: int, batch: int, clients: int
) -> dict[str, Measured]:
    logged_in: dict[str, list[Browser]] = {"patients": [], "clinicians": []}
    for who, emails in (("patients", sample.patients), ("clinicians", sample.clinicians)):
        for email in emails:
            browser = Browser(port)
            browser.log_in(email)
            logged_in[who].append(browser)
    # Each user's form token: the diary's for a patient, the search form's for a clinician.
    for browser in logged_in["patients"]:
        browser.request("GET", "/me/diary/")
    for browser in logged_in["clinicians"]:
        browser.request("GET", "/clinic/patients/")
    wanted = targets(sample)
    figures = {target.label: Measured() for target in wanted}
    for target in wanted:  # warm-up: every worker's first request loads templates
        browsers = logged_in[target.who]
        # A kept page keeps each user's data in each worker on its first request there: six
        # requests per user reach both workers but for a few (each then one more request).
        warm = len(browsers) * 6 if target.path.startswith(KEPT_PATH) else clients * 2
        _batch(target, browsers, warm, clients, Measured())
    for done in range(rounds):
        shift = done % len(wanted)
        for target in wanted[shift:] + wanted[:shift]:
            _batch(target, logged_in[target.who], batch, clients, figures[target.label])
    return figures


def _percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def report(size: int, figures: dict[str, Measured]) -> list[str]:
    """A row per target: its rate as a ratio of the floor's (the issue's measure) and of
    "layout + 10 reads" (a page of the app that reads about as often as a patient's)."""
    rates = {label: len(m.latencies) / m.seconds for label, m in figures.items()}
    floor_rate, reads_rate = rates["floor (logged in)"], rates[f"layout + {READS} reads"]
    lines = [
        f"clinic of {size:,} patients",
        f"  {'page':<20} {'req/s':>7} {'x floor':>7} {'x reads':>7} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'p99 ms':>7} {'queries':>7} {'bytes':>8}",
    ]
    for label, m in figures.items():
        rate = rates[label]
        lines.append(
            f"  {label:<20} {rate:>7.1f} {rate / floor_rate:>7.2f} {rate / reads_rate:>7.2f} "
            f"{_percentile(m.latencies, 50):>7.1f} {_percentile(m.latencies, 95):>7.1f} "
            f"{_percentile(m.latencies, 99):>7.1f} {statistics.median(m.queries):>7.0f} "
            f"{m.size:>8,}"
        )
    return lines


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.web", description=__doc__)
    parser.add_argument("--database-url", help="a PostgreSQL server (a throwaway database)")
    parser.add_argument(
        "--sizes", default=",".join(str(s) for s in SIZES), help="patients per clinic"
    )
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--batch", type=int, default=40, help="requests per target per round")
    parser.add_argument("--clients", type=int, default=4, help="requests at once")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn's sync workers")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.database_url and not args.database_url.startswith(POSTGRES):
        print("benchmarks.web: --database-url must be a PostgreSQL URL", file=sys.stderr)
        return 2
    try:
        sizes = [int(s) for s in args.sizes.split(",")]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1 or min(args.rounds, args.batch, args.clients) < 1:
        print(
            "benchmarks.web: --sizes: whole numbers from 1, separated by commas; "
            "--rounds, --batch and --clients: at least 1",
            file=sys.stderr,
        )
        return 2
    try:
        with throwaway_django(args.database_url, "backpath-bench-web-") as folder:
            from django.db import connections
            from django.utils import timezone

            samples = populate(sizes, timezone.localdate())
            database = _database_name()
            url = _database_url(args.database_url)
            connections.close_all()  # gunicorn's workers have the database to themselves
            server, port = start_server(folder, url, args.workers)
            try:
                print(
                    f"web on {database}, gunicorn {args.workers} sync workers, "
                    f"{args.clients} clients, {args.rounds} rounds of {args.batch} requests "
                    f"per page, {os.cpu_count()} cores"
                )
                for sample in samples:
                    _progress(f"measuring the clinic of {sample.size:,}")
                    figures = measure(port, sample, args.rounds, args.batch, args.clients)
                    print("\n".join(report(sample.size, figures)), flush=True)
            finally:
                stop_server(server)
    except BenchError as error:
        print(f"benchmarks.web: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
