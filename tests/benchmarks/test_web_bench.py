"""`benchmarks.web` still measures what it says: a tiny run end to end (a generated clinic,
gunicorn, the real login form, every page and the diary write). Its figures are not checked
here (timing belongs to the benchmark), only that each page answered and was counted."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.benchmarks.running import run_benchmark

# A report row: page, req/s, x floor, x reads, p50, p95, p99, queries, bytes.
ROW = re.compile(
    r"^  (?P<page>.+?)\s+(?P<rate>[\d.]+)\s+(?P<ratio>[\d.]+)\s+(?P<reads>[\d.]+)"
    r"(?:\s+[\d.]+){3}\s+(?P<queries>\d+)\s+[\d,]+$"
)


@pytest.mark.skipif(not Path(sys.executable).with_name("gunicorn").exists(), reason="no gunicorn")
def test_the_web_benchmark_logs_in_and_measures_every_page() -> None:
    done = run_benchmark("web", "--sizes", "10", "--rounds", "1", "--batch", "4")
    assert done.returncode == 0, done.stderr[-2000:]
    rows = {m["page"]: m for line in done.stdout.splitlines() if (m := ROW.match(line))}
    assert list(rows) == [
        "floor (logged in)",
        "floor + layout",
        "layout + 10 reads",
        "/me/",
        "/me/ kept data",
        "/me/today/",
        "/me/today/ kept data",
        "/me/progress/",
        "diary write (POST)",
        "dashboard",
        "patient list",
        "patient search",
    ]
    assert float(rows["floor (logged in)"]["ratio"]) == 1.0
    assert float(rows["layout + 10 reads"]["reads"]) == 1.0
    assert all(float(row["rate"]) > 0 for row in rows.values())
    # The query header is the worker's own count: the floor's session, user and one query.
    assert int(rows["floor (logged in)"]["queries"]) == 3
    assert int(rows["floor + layout"]["queries"]) == 3  # the layout itself reads nothing
    assert int(rows["layout + 10 reads"]["queries"]) == 12
    # A kept page reads only what every patient page must: the session, the user and the
    # episode, and logs it (on SQLite three statements: BEGIN IMMEDIATE, the last hash, the
    # insert; one on PostgreSQL).
    assert int(rows["/me/ kept data"]["queries"]) == 6
    assert int(rows["/me/today/ kept data"]["queries"]) == 6
    # Six statements (tests/web/test_queries.py), and here SQLite's BEGIN IMMEDIATE.
    assert int(rows["diary write (POST)"]["queries"]) <= 7
