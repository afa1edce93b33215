"""Figures for the research export (``backpath export``): time and peak memory by size.

Generates N synthetic episodes opened over one year straight into a throwaway SQLite
database (bulk inserts; the services would take hours for 100,000), each with an intake, two
assessments, a plan, three session notes (one episode in fifty given care advised against),
measurements at week 6 and, for the closed half, at discharge, a home program of two
exercises with five logs, and an alert for one in five. Then exports the first tenth of the
year and the whole year, each format in its own process (the installed command), and
reports wall-clock time and peak resident memory (Linux's VmHWM): streaming means the
memory stays about the same for ten times the episodes.

Usage: python -m benchmarks.export [--episodes N]   (default: 100000)
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

SEED = 20261202
BATCH = 5_000
START = date(2025, 1, 1)
DAYS = 365


def _setup(data_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "BACKPATH_DEMO": "true",
        "BACKPATH_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "backpath.web.settings",
    }
    env.pop("DATABASE_URL", None)
    os.environ.update(env)
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return env


def _generate(count: int) -> None:
    from django.utils import timezone

    from backpath.accounts.models import Clinic
    from backpath.care.models import (
        Assessment,
        Episode,
        Intake,
        Patient,
        PlanVersion,
        SessionNote,
    )
    from backpath.clinical.intake import assess, parse_intake
    from backpath.clinical.language import Lang
    from backpath.clinical.sessions import intervention_codes
    from backpath.followup.models import Alert, Measurement
    from backpath.interchange import plan_json
    from backpath.programs.models import ExerciseLog, Program, ProgramItem

    rng = random.Random(SEED)
    clinics = [Clinic.objects.create(name=f"Clinic {n}") for n in range(3)]
    intake_example = Path(__file__).resolve().parent.parent / "examples" / "low_risk.json"
    core = assess(parse_intake(intake_example.read_text(encoding="utf-8")))
    assert core.plan is not None
    real_plan = {lang.value: plan_json(core.plan, lang) for lang in Lang}
    components = [code for code in intervention_codes() if code != "massage"][:7]
    tz = timezone.get_current_timezone()

    def moment(day: date) -> datetime:
        return datetime(day.year, day.month, day.day, 10, tzinfo=tz)

    for offset in range(0, count, BATCH):
        size = min(BATCH, count - offset)
        rows: dict[str, list[Any]] = {
            name: []
            for name in (
                "patients",
                "episodes",
                "intakes",
                "assessments",
                "plans",
                "sessions",
                "measurements",
                "alerts",
                "programs",
                "items",
                "logs",
            )
        }
        for _ in range(size):
            opened = START + timedelta(days=rng.randrange(DAYS))
            closed = rng.random() < 0.5
            profile = rng.choice(("low", "medium", "high"))
            patient = Patient(
                clinic=rng.choice(clinics),
                first_name="Bench",
                last_name=f"Patient {offset}",
                date_of_birth=date(rng.randrange(1940, 2005), 5, 17),
                sex=rng.choice(("female", "male", "")),
                email="bench@patient.example",
            )
            episode = Episode(
                clinic=patient.clinic,
                patient=patient,
                status="closed" if closed else "treatment",
                urgency="none",
                opened_at=moment(opened),
                closed_at=moment(opened + timedelta(days=70)) if closed else None,
                discharge_reason="goals_reached" if closed else "",
                discharge_summary="A summary that is never exported." if closed else "",
            )
            nprs = rng.randrange(11)
            answers = {
                "startback": {f"q{i}": rng.randrange(2) for i in range(1, 10)},
                "nprs": {"q1": nprs},
                "psk": {"q1": rng.randrange(11)},
                "qbpds": {f"q{i}": rng.randrange(6) for i in range(1, 21)},
            }
            intake = Intake(
                episode=episode,
                status="submitted",
                answers=answers,
                description="In the patient's own words.",
                finished_at=moment(opened),
            )
            first = Assessment(
                episode=episode,
                kind="intake",
                input={},
                result={},
                urgency="none",
                profile=profile,
                redflags_ruleset="bench",
                backpath_version="bench",
                created_at=moment(opened),
            )
            review = Assessment(
                episode=episode,
                kind="review",
                input={},
                result={},
                urgency="none",
                profile=profile,
                redflags_ruleset="bench",
                backpath_version="bench",
                created_at=moment(opened + timedelta(days=1)),
            )
            warned = rng.random() < 0.02
            plan = PlanVersion(
                episode=episode,
                number=1,
                assessment=review,
                profile=profile,
                max_sessions={"low": 3, "medium": 8, "high": 12}[profile],
                within_weeks=12,
                starts_on=opened + timedelta(days=1),
                plan=real_plan if warned else {},  # only a warned episode's plan is read
                created_at=moment(opened + timedelta(days=1)),
            )
            for number in range(1, 4):
                given = rng.sample(components, 2) + (["massage"] if warned and number == 2 else [])
                rows["sessions"].append(
                    SessionNote(
                        episode=episode,
                        number=number,
                        held_on=opened + timedelta(days=7 * number),
                        subjective="Subjective, never exported.",
                        pain_now=rng.randrange(11),
                        interventions=given,
                        warnings=["massage"] if "massage" in given else [],
                        deviation_reason="A reason, never exported." if "massage" in given else "",
                        created_at=moment(opened + timedelta(days=7 * number)),
                    )
                )
            occasions = [("week-6", 42)] + ([("discharge", 70)] if closed else [])
            for key, day in occasions:
                later = max(0, nprs - rng.randrange(5))
                rows["measurements"].append(
                    Measurement(
                        episode=episode,
                        occasion=key,
                        due_on=opened + timedelta(days=day),
                        answers={
                            "nprs": {"q1": later},
                            "psk": {"q1": rng.randrange(11)},
                            "gpe": {"q1": rng.randrange(1, 8)},
                        },
                        scores={"nprs": later},
                        instrument_versions={},
                        outcome="continue",
                        created_at=moment(opened + timedelta(days=day)),
                    )
                )
            if rng.random() < 0.2:
                rows["alerts"].append(
                    Alert(
                        clinic=patient.clinic,
                        episode=episode,
                        kind="low_adherence",
                        key=str(uuid.uuid4()),
                        priority=7,
                        rule="bench",
                        source="bench",
                        text={},
                    )
                )
            program = Program(
                episode=episode, number=1, published_at=moment(opened + timedelta(days=1))
            )
            items = [
                ProgramItem(
                    program=program,
                    position=n,
                    exercise_id="bridge",
                    sets=2,
                    reps=10,
                    per_week=rng.choice((3, 7)),
                )
                for n in (1, 2)
            ]
            for n in range(5):
                rows["logs"].append(
                    ExerciseLog(
                        item=items[n % 2],
                        day=opened + timedelta(days=2 + n),
                        done=rng.random() < 0.8,
                    )
                )
            rows["patients"].append(patient)
            rows["episodes"].append(episode)
            rows["intakes"].append(intake)
            rows["assessments"] += [first, review]
            rows["plans"].append(plan)
            rows["programs"].append(program)
            rows["items"] += items
        for name, model in (
            ("patients", Patient),
            ("episodes", Episode),
            ("intakes", Intake),
            ("assessments", Assessment),
            ("plans", PlanVersion),
            ("sessions", SessionNote),
            ("measurements", Measurement),
            ("alerts", Alert),
            ("programs", Program),
            ("items", ProgramItem),
            ("logs", ExerciseLog),
        ):
            # Ids are UUIDs made on construction: the related rows are linked already.
            model.objects.bulk_create(rows[name], batch_size=1000)


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
    count = parser.parse_args().episodes
    folder = Path(tempfile.mkdtemp(prefix="backpath-bench-export-"))
    try:
        env = _setup(folder / "data")
        began = time.perf_counter()
        _generate(count)
        print("backpath research export benchmark (figures, not a pass/fail test)")
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, SQLite")
        print(f"{count} episodes over {DAYS} days generated in {time.perf_counter() - began:.0f} s")
        for days in (DAYS // 10, DAYS):
            for fmt in ("csv", "parquet"):
                out = folder / f"{fmt}-{days}"
                seconds, peak, said = _run_export(env, out, fmt, days)
                size = sum(path.stat().st_size for path in out.iterdir()) / 2**20
                rows = said.removeprefix("backpath export: wrote ").split(" to ")[0]
                print(
                    f"  {days:3d} days {fmt:<7} {seconds:6.1f} s  peak RSS {peak:4.0f} MiB  "
                    f"{size:6.1f} MiB written  ({rows})"
                )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
