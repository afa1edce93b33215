"""`benchmarks.documents` (in `make bench`) still runs to its end: the booklets, and the
"today" page as a phone gets it. Its figures are not checked here, only that each is
printed (it once stopped at the login, and `make bench` with it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_document_benchmark_prints_every_figure() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.documents"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    for figure in ("personal booklet", "library e-book", "today page"):
        assert any(line.startswith(figure) for line in lines), figure
