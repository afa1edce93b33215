"""`benchmarks.documents` (in `make bench`) still runs to its end: the booklets, and the
"today" page as a phone gets it. Its figures are not checked here, only that each is
printed (it once stopped at the login, and `make bench` with it)."""

from __future__ import annotations

from tests.benchmarks.running import run_benchmark


def test_the_document_benchmark_prints_every_figure() -> None:
    done = run_benchmark("documents")
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    for figure in ("personal booklet", "library e-book", "today page"):
        assert any(line.startswith(figure) for line in lines), figure
