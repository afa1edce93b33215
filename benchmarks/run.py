"""Performance figures for backpath (``make bench``); a measurement, not a pass/fail test.

1. Latency of one assessment (score + triage + classification + stratification + plan) per
   example intake that yields a care plan, measured in-process with ``time.perf_counter_ns``:
   the intake is parsed once and ``assess`` is called N times per run; the median and the
   minimum of the per-call times over the runs are reported.  The median of parse + assess
   (JSON text to the validated model included) is reported beside it.
2. Throughput of ``backpath score startback --csv`` on generated STarT Back rows, timed as
   whole processes (wall clock, output to a file) against a baseline process that only
   reads the same CSV with the csv module and writes every row back with csv.writer.
   Both run with the caller's environment (backpath batches its writes to stdout itself,
   so PYTHONUNBUFFERED does not cost it one system call per row).
3. The Python version and CPU count of the machine, since the figures depend on both.

Usage: python -m benchmarks.run [--rows N] [--repeat K] [--runs R] [--json [FILE]]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from backpath.clinical.intake import Intake, assess, parse_intake

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

ASSESS_TARGET_US = 50.0
RATIO_TARGET = 3.0
RUN_SECONDS = 0.2  # aim for about this long per timed run when calibrating N
SEED = 20261125

# The baseline: read the CSV and write every row back, one Python-level call per row, as the
# batch command does; nothing else.  Arguments: input path, output path.
BASELINE_SCRIPT = """\
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as src, \\
        open(sys.argv[2], "w", encoding="utf-8", newline="") as dst:
    writerow = csv.writer(dst, lineterminator="\\n").writerow
    for row in csv.reader(src):
        writerow(row)
"""


class BenchError(Exception):
    """The benchmark could not measure what it meant to (a failed or short run)."""


@dataclass(frozen=True, slots=True)
class Latency:
    name: str
    calls_per_run: int
    runs: int
    assess_median_us: float
    assess_min_us: float
    parse_assess_median_us: float


@dataclass(frozen=True, slots=True)
class Batch:
    rows: int
    repeat: int
    csv_mib: float
    baseline_s: list[float]
    backpath_s: list[float]
    baseline_median_s: float
    backpath_median_s: float
    baseline_rows_per_s: float
    backpath_rows_per_s: float
    ratio: float


# --- 1. per-intake latency ---------------------------------------------------------------


def _time_runs(call: Callable[[], object], calls: int, runs: int) -> list[float]:
    """Per-call time in microseconds of each of ``runs`` runs of ``calls`` calls."""
    per_call: list[float] = []
    loop = range(calls)
    for _ in range(runs):
        start = time.perf_counter_ns()
        for _ in loop:
            call()
        elapsed = time.perf_counter_ns() - start
        per_call.append(elapsed / calls / 1000)
    return per_call


def _calibrate(call: Callable[[], object]) -> int:
    """Calls per run so that one run lasts about RUN_SECONDS (at least 10 calls)."""
    for _ in range(3):  # warm caches (content files, pydantic validators)
        call()
    calls = 10
    while True:
        start = time.perf_counter_ns()
        for _ in range(calls):
            call()
        seconds = (time.perf_counter_ns() - start) / 1e9
        if seconds >= RUN_SECONDS / 10:
            return max(10, int(calls * RUN_SECONDS / seconds))
        calls *= 10


def _measure(name: str, texts: Sequence[str], intakes: Sequence[Intake], runs: int) -> Latency:
    """Latency per intake; with several intakes, each call assesses them all in turn."""
    count = len(intakes)

    def run_assess() -> None:
        for intake in intakes:
            assess(intake)

    def run_parse_assess() -> None:
        for text in texts:
            assess(parse_intake(text))

    calls = _calibrate(run_assess)
    assess_us = [t / count for t in _time_runs(run_assess, calls, runs)]
    parse_calls = _calibrate(run_parse_assess)
    parse_us = [t / count for t in _time_runs(run_parse_assess, parse_calls, runs)]
    return Latency(
        name=name,
        calls_per_run=calls * count,
        runs=runs,
        assess_median_us=statistics.median(assess_us),
        assess_min_us=min(assess_us),
        parse_assess_median_us=statistics.median(parse_us),
    )


def bench_latency(runs: int) -> tuple[list[Latency], list[str]]:
    """Latency for each example intake that yields a plan, then all of them together."""
    results: list[Latency] = []
    texts: list[str] = []
    intakes: list[Intake] = []
    skipped: list[str] = []
    for path in sorted(EXAMPLES.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        intake = parse_intake(text)
        if assess(intake).plan is None:
            skipped.append(path.stem)  # stops care: no stratification or plan to time
            continue
        _progress(f"latency: {path.stem}")
        results.append(_measure(path.stem, [text], [intake], runs))
        texts.append(text)
        intakes.append(intake)
    if not intakes:
        raise BenchError(f"no example intake in {EXAMPLES} yields a care plan")
    _progress("latency: all together")
    results.append(_measure(f"overall ({len(intakes)} intakes)", texts, intakes, runs))
    return results, skipped


# --- 2. batch scoring ---------------------------------------------------------------------


def write_startback_csv(path: Path, rows: int, seed: int = SEED) -> None:
    """``rows`` STarT Back responses: q1..q8 are 0/1, q9 is 0..4; the same for the same seed."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", *(f"q{n}" for n in range(1, 10))])
        for number in range(1, rows + 1):
            answers = [rng.randint(0, 1) for _ in range(8)]
            writer.writerow([f"P{number:07d}", *answers, rng.randint(0, 4)])


def _count_lines(path: Path) -> int:
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
    return lines


def _run_process(name: str, argv: Sequence[str], out: Path, env: dict[str, str]) -> float:
    """Wall-clock seconds of one whole process, its stdout going to ``out``."""
    with out.open("wb") as stdout:
        start = time.perf_counter_ns()
        done = subprocess.run(argv, stdout=stdout, stderr=subprocess.PIPE, env=env, check=False)
        seconds = (time.perf_counter_ns() - start) / 1e9
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace").strip().splitlines()
        tail = "\n  ".join(stderr[-5:]) or "(nothing on stderr)"
        raise BenchError(f"{name} exited with code {done.returncode}:\n  {tail}")
    return seconds


def _check_lines(name: str, out: Path, rows: int) -> None:
    if (lines := _count_lines(out)) != rows + 1:
        raise BenchError(f"{name} wrote {lines:,} lines for {rows:,} rows; expected {rows + 1:,}")


def bench_batch(rows: int, repeat: int) -> Batch:
    backpath = Path(sys.executable).parent / "backpath"
    if not backpath.exists():
        raise BenchError(f"{backpath}: console script not found; run `make bench` to install")
    with tempfile.TemporaryDirectory(prefix="backpath-bench-") as tmp:
        source = Path(tmp) / "startback.csv"
        _progress(f"batch: generating {rows:,} rows")
        write_startback_csv(source, rows)
        baseline_out = Path(tmp) / "baseline.csv"
        backpath_out = Path(tmp) / "backpath.csv"
        baseline_argv = [sys.executable, "-c", BASELINE_SCRIPT, str(source), str(baseline_out)]
        backpath_argv = [str(backpath), "score", "startback", "--csv", str(source)]
        env = dict(os.environ)
        baseline_s: list[float] = []
        backpath_s: list[float] = []
        for attempt in range(1, repeat + 1):  # interleaved, so drift affects all alike
            _progress(f"batch: run {attempt}/{repeat}, baseline")
            baseline_s.append(_run_process("baseline", baseline_argv, baseline_out, env))
            _check_lines("baseline", baseline_out, rows)
            _progress(f"batch: run {attempt}/{repeat}, backpath")
            backpath_s.append(_run_process("backpath", backpath_argv, backpath_out, env))
            _check_lines("backpath", backpath_out, rows)
        csv_mib = source.stat().st_size / (1 << 20)
    baseline_median = statistics.median(baseline_s)
    backpath_median = statistics.median(backpath_s)
    return Batch(
        rows=rows,
        repeat=repeat,
        csv_mib=csv_mib,
        baseline_s=baseline_s,
        backpath_s=backpath_s,
        baseline_median_s=baseline_median,
        backpath_median_s=backpath_median,
        baseline_rows_per_s=rows / baseline_median,
        backpath_rows_per_s=rows / backpath_median,
        ratio=backpath_median / baseline_median,
    )


# --- output -------------------------------------------------------------------------------


def _progress(message: str) -> None:
    print(f"... {message}", file=sys.stderr, flush=True)


def _machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
    }


def _mark(ok: bool) -> str:
    return "ok" if ok else "OVER"


def print_report(
    machine: dict[str, Any],
    latency: Sequence[Latency],
    skipped: Sequence[str],
    batch: Batch | None,
) -> None:
    print("backpath benchmark (figures, not a pass/fail test)")
    print(
        f"Python {machine['python']} ({machine['implementation']}) on {machine['platform']}, "
        f"{machine['cpu_count']} CPUs"
    )
    if latency:
        print()
        print(f"1. Assess one intake (score + triage + plan); target <= {ASSESS_TARGET_US:g} µs")
        head = (
            f"{'intake':<26} {'assess med':>11} {'assess min':>11} {'target':>6} "
            f"{'parse+assess med':>17} {'calls/run':>10}"
        )
        print(head)
        print("-" * len(head))
        for item in latency:
            print(
                f"{item.name:<26} {item.assess_median_us:>8.1f} µs {item.assess_min_us:>8.1f} µs "
                f"{_mark(item.assess_median_us <= ASSESS_TARGET_US):>6} "
                f"{item.parse_assess_median_us:>14.1f} µs {item.calls_per_run:>10,}"
            )
        runs = latency[0].runs
        print(f"median and min over {runs} runs; per-call time = run time / calls")
        if skipped:
            print(f"not timed (no plan, care stops at triage): {', '.join(skipped)}")
    if batch:
        print()
        print(
            f"2. Batch: score startback --csv, {batch.rows:,} rows ({batch.csv_mib:.1f} MiB), "
            f"median of {batch.repeat} whole-process runs; target ratio <= {RATIO_TARGET:g}"
        )
        head = f"{'process':<40} {'median s':>9} {'rows/s':>11} {'runs s':>24}"
        print(head)
        print("-" * len(head))
        lines = [
            ("baseline (csv read + csv.writer)", batch.baseline_s),
            ("backpath score startback --csv", batch.backpath_s),
        ]
        for name, times in lines:
            median = statistics.median(times)
            runs_text = " ".join(f"{t:.2f}" for t in times)
            print(f"{name:<40} {median:>9.2f} {batch.rows / median:>11,.0f} {runs_text:>24}")
        print(
            f"ratio backpath/baseline: {batch.ratio:.2f} "
            f"({_mark(batch.ratio <= RATIO_TARGET)}, target <= {RATIO_TARGET:g})"
        )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--rows",
        type=int,
        default=1_000_000,
        help="generated STarT Back rows for the batch benchmark; 0 skips it (default 1000000)",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="whole-process runs of each command (default 3)"
    )
    parser.add_argument(
        "--runs", type=int, default=7, help="timed runs per intake for the latency (default 7)"
    )
    parser.add_argument(
        "--no-latency", action="store_true", help="skip the per-intake latency benchmark"
    )
    parser.add_argument(
        "--json",
        nargs="?",
        const="-",
        metavar="FILE",
        help="also write the figures as JSON to FILE; without FILE, print only JSON on stdout",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.rows < 0 or args.repeat < 1 or args.runs < 1:
        print("benchmarks.run: --rows must be >= 0, --repeat and --runs >= 1", file=sys.stderr)
        return 2
    machine = _machine()
    try:
        latency, skipped = ([], []) if args.no_latency else bench_latency(args.runs)
        batch = bench_batch(args.rows, args.repeat) if args.rows else None
    except BenchError as error:
        print(f"benchmarks.run: error: {error}", file=sys.stderr)
        return 1
    if args.json != "-":
        print_report(machine, latency, skipped, batch)
    if args.json:
        data = {
            "machine": machine,
            "targets": {"assess_us": ASSESS_TARGET_US, "batch_ratio": RATIO_TARGET},
            "latency": [asdict(item) for item in latency],
            "latency_skipped": skipped,
            "batch": asdict(batch) if batch else None,
        }
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        if args.json == "-":
            sys.stdout.write(text)
        else:
            Path(args.json).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
