"""``backpath export`` on the command line: a summary on success; for anything it cannot do,
one message on stderr and exit code 2, never a traceback and never a file."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from backpath.cli import BAD_INPUT, main
from tests.personas import World

TODAY = timezone.localdate().isoformat()
YESTERDAY = (timezone.localdate() - timedelta(days=1)).isoformat()


def export(capsys: pytest.CaptureFixture[str], out: Path, *args: str) -> tuple[int, str, str]:
    try:
        code = main(["export", "--from", YESTERDAY, "--to", TODAY, "-o", str(out), *args])
    except SystemExit as exited:  # the argument parser's refusals
        code = int(str(exited.code))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_it_writes_the_export_and_says_what_it_wrote(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code, said, err = export(capsys, out, "--format", "parquet", "--clinic", "De Linde")
    assert (code, err) == (0, "")
    assert said == f"backpath export: wrote 2 episodes, 4 measurements, 0 sessions to {out}\n"
    assert (out / "episodes.parquet").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "csv", "--from", TODAY, "--to", YESTERDAY], f"--from {TODAY} is after --to"),
        (["--format", "csv", "--clinic", "Nowhere"], "--clinic: no clinic 'Nowhere'; clinics: "),
        (["--format", "xlsx"], "argument --format: invalid choice: 'xlsx'"),
        ([], "the following arguments are required: --format"),
        (["--format", "csv", "--from", "2026-13-01"], "argument --from: not a date (YYYY-MM-DD)"),
        (["--format", "csv", "--to", "1 May 2026"], "argument --to: not a date (YYYY-MM-DD)"),
        (["--format", "csv", "--from", "20260501"], "argument --from: not a date (YYYY-MM-DD)"),
        (["--format", "csv", "--min-cell", "0"], "--min-cell: must be 1 or more"),
        (["--format", "csv", "--min-cell", "ten"], "argument --min-cell: invalid int value"),
    ],
)
def test_bad_input_is_a_message_on_stderr_and_exit_code_2(
    world: World,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    code, out, err = export(capsys, tmp_path / "out", *args)
    assert (code, out) == (BAD_INPUT, "")
    assert err.splitlines()[-1].startswith(f"backpath: error: {message}")
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_it_refuses_an_output_that_is_a_file_or_a_folder_with_files(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("keep me")
    a_file = tmp_path / "a-file"
    a_file.write_text("keep me too")
    for out, problem in (
        (full, "is not empty; name a new or empty folder"),
        (a_file, "is a file; name a new or empty folder"),
        (tmp_path / "missing" / "out", "no such folder"),
    ):
        code, said, err = export(capsys, out, "--format", "csv")
        assert (code, said) == (BAD_INPUT, "")
        assert err.startswith(f"backpath: error: {out}: {problem}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "full"]
    assert [p.name for p in full.iterdir()] == ["keep.txt"]


def test_the_installed_command_exits_2_without_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "BACKPATH_DATA_DIR": str(tmp_path), "BACKPATH_DEMO": "true"}
    env.pop("DATABASE_URL", None)
    for args in (
        ["--format", "csv", "--from", TODAY, "--to", YESTERDAY],
        ["--format", "json", "--from", TODAY, "--to", TODAY],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "backpath", "export", "-o", str(tmp_path / "o"), *args],
            capture_output=True,
            text=True,
            check=False,
            env=env,
            timeout=120,
        )
        assert (done.returncode, done.stdout) == (2, ""), done.stderr
        assert "backpath: error:" in done.stderr
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "o").exists()
