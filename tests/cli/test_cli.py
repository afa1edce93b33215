"""The command line: JSON in, JSON out; bad input is one line on stderr and exit code 2."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from backpath.cli import main
from tests.screening import screened

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def run(
    capsys: pytest.CaptureFixture[str],
    *args: str,
    stdin: str | None = None,
    monkeypatch: pytest.MonkeyPatch | None = None,
) -> tuple[int, str, str]:
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code, out, err = run(capsys, *args)
    assert (code, err) == (0, "")
    return json.loads(out)


def write(tmp_path: Path, name: str, content: str) -> str:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return str(path)


def bad_input(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.startswith("backpath: error: ")
    assert err.count("\n") == 1, "one line only"
    assert "Traceback" not in err
    return err


class TestInstruments:
    def test_it_lists_the_eleven_instruments(self, capsys: pytest.CaptureFixture[str]) -> None:
        listed = run_json(capsys, "instruments")
        issue_ids = [
            "startback",
            "orebro_sf",
            "nprs",
            "psk",
            "psfs",
            "qbpds",
            "odi",
            "rmdq",
            "tsk11",
            "tsk17",
            "gpe",
        ]
        assert [entry["id"] for entry in listed] == sorted(issue_ids)
        assert {"id", "name", "version", "items", "wording_bundled"} <= set(listed[0])

    def test_it_shows_one_definition(self, capsys: pytest.CaptureFixture[str]) -> None:
        shown = run_json(capsys, "instruments", "show", "startback")
        assert shown["id"] == "startback"
        assert [item["link_id"] for item in shown["items"]] == [f"q{n}" for n in range(1, 10)]
        assert shown["loinc"] == {"total": "91351-7"}
        assert "Keele" in shown["licence"]["copyright"]
        assert shown["items"][8]["options"][3] == {
            "value": 3,
            "label": {"nl": "Erg veel", "en": "Very much"},
            "score": 1,
        }

    def test_it_shows_a_definition_with_a_clinics_licensed_wording(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        wording = write(
            tmp_path,
            "odi-nl.yaml",
            "id: odi\nitems:\n  - link_id: q1\n    text: {nl: 'Pijn (licentie)', en: 'Pain'}\n",
        )
        shown = run_json(capsys, "instruments", "show", "odi", "--wording", wording)
        assert shown["items"][0]["text"]["nl"] == "Pijn (licentie)"
        assert shown["licence"]["wording_bundled"] is True

    @pytest.mark.parametrize(
        ("content", "problem"),
        [
            ("id: rmdq\n", "id: wording file is for 'rmdq'"),
            ("- a list\n", "a wording file holds one object"),
            ("id: [unclosed\n", "not valid YAML"),
        ],
    )
    def test_it_rejects_a_bad_wording_file(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, problem: str
    ) -> None:
        wording = write(tmp_path, "w.yaml", content)
        assert problem in bad_input(capsys, "instruments", "show", "odi", "--wording", wording)

    def test_it_needs_an_id_to_show(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert "name an instrument id" in bad_input(capsys, "instruments", "show")

    def test_it_names_the_known_instruments_for_an_unknown_id(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        err = bad_input(capsys, "instruments", "show", "sbst")
        assert "unknown instrument 'sbst'" in err
        assert "startback" in err


class TestScore:
    def test_it_scores_a_startback_response_from_stdin(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        answers = {"answers": {f"q{n}": 1 for n in range(1, 9)} | {"q9": 0}}
        code, out, err = run(
            capsys, "score", "startback", "-", stdin=json.dumps(answers), monkeypatch=monkeypatch
        )
        assert (code, err) == (0, "")
        result = json.loads(out)
        assert result == {
            "instrument": "startback",
            "version": "SBST 9-item (2007)",
            "total": 8,
            "subscales": {"psychosocial": 4},
            "band": "high",
            "answered": 9,
            "missing": [],
            "valid": True,
            "interpretation": result["interpretation"],
        }
        assert "High risk" in result["interpretation"]

    def test_it_scores_an_incomplete_odi_as_a_percentage_in_dutch(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        # 9 sections answered, sum 10: 10 / 45 x 100 = 22.2 -> moderate (above 20).
        answers = {f"q{n}": 1 for n in range(1, 11)} | {"q8": None, "q1": 2}
        path = write(tmp_path, "odi.json", json.dumps({"answers": answers}))
        result = run_json(capsys, "score", "odi", path, "--lang", "nl")
        assert (result["total"], result["band"], result["missing"]) == (22.2, "moderate", ["q8"])
        assert result["answered"] == 9
        assert "22.2" in result["interpretation"]

    @pytest.mark.parametrize(
        ("content", "problem"),
        [
            ('{"answers": {"q10": 1}}', "answers.q10: unknown item"),
            ('{"answers": {"q1": 2}}', "answers.q1: must be one of 0, 1 or null (got 2)"),
            ('{"answers": {"q1": "1"}}', "answers.q1: must be one of 0, 1"),
            ('{"answers": {"q1": true}}', "answers.q1: must be one of 0, 1"),
            ('{"answers": [1, 2]}', 'expected an object {"answers"'),
            ('{"q1": 1}', 'expected an object {"answers"'),
            ('{"answers": {}, "lang": "nl"}', "lang: unknown field"),
            ('{"answers": {"q1": 1,}}', "not valid JSON (line 1"),
        ],
    )
    def test_it_rejects_bad_input_with_one_clear_line(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, problem: str
    ) -> None:
        assert problem in bad_input(
            capsys, "score", "startback", write(tmp_path, "a.json", content)
        )

    def test_it_refuses_json_nested_too_deeply(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        path = write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000)
        assert "nested too deeply" in bad_input(capsys, "score", "nprs", path)

    def test_it_reports_a_missing_file(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert "no such file" in bad_input(capsys, "score", "nprs", "/nonexistent/answers.json")

    def test_it_refuses_an_unknown_language(self, capsys: pytest.CaptureFixture[str]) -> None:
        with pytest.raises(SystemExit) as exit_:
            main(["score", "nprs", "-", "--lang", "de"])
        assert exit_.value.code == 2
        assert "invalid choice: 'de'" in capsys.readouterr().err


class TestScoreCsv:
    HEADER = "id,q1,q2,q3,q4,q5,q6,q7,q8,q9\n"

    def test_it_writes_one_result_row_per_good_row_keeping_the_id(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        rows = self.HEADER + "P1,0,0,0,0,0,0,0,0,0\nP2,1,1,1,1,1,1,1,1,4\nP3,1,,1,1,1,1,1,1,4\n"
        code, out, err = run(capsys, "score", "startback", "--csv", write(tmp_path, "in.csv", rows))
        assert (code, err) == (0, "")
        assert out.splitlines() == [
            "id,total,psychosocial,band,answered,missing,valid",
            "P1,0,0,low,9,,true",
            "P2,9,5,high,9,,true",
            "P3,,,,8,q2,false",
        ]

    def test_it_reports_bad_rows_by_line_and_id_and_still_writes_the_good_ones(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        rows = (
            self.HEADER
            + "A,0,0,0,0,0,0,0,0,0\n"
            + "B,0,0,0,0,0,0,0,0,7\n"
            + "C,0,0\n"
            + "\n"
            + "D,1,1,1,1,0,0,0,0,0\n"
        )
        path = write(tmp_path, "in.csv", rows)
        code, out, err = run(capsys, "score", "startback", "--csv", path)
        assert code == 2
        assert [line.split(",")[0] for line in out.splitlines()] == ["id", "A", "D"]
        assert f"{path}: line 3 (id B): q9: must be one of 0, 1, 2, 3, 4 or empty (got '7')" in err
        assert f"{path}: line 4 (id C): row: has 2 answer cells" in err
        assert "2 bad row(s) skipped" in err
        assert "Traceback" not in err

    def test_it_works_without_an_id_column_and_with_reordered_columns(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        path = write(tmp_path, "in.csv", "q1\n7\n\n3\n")
        code, out, _ = run(capsys, "score", "nprs", "--csv", path)
        assert code == 0
        assert out.splitlines() == [
            "total,band,answered,missing,valid",
            "7,moderate,1,,true",
            "3,mild,1,,true",
        ]

    @pytest.mark.parametrize(
        ("content", "problem"),
        [
            ("", "empty file"),
            ("id,q1,q12\n", "line 1: q12: unknown item column"),
            ("q1,q1\n", "line 1: header: a column appears twice"),
            ("id,q1,id\n", "line 1: header: the id column appears twice"),
        ],
    )
    def test_it_rejects_a_bad_header(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, problem: str
    ) -> None:
        path = write(tmp_path, "in.csv", content)
        assert problem in bad_input(capsys, "score", "startback", "--csv", path)

    def test_it_reports_unreadable_csv_lines(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        # A cell beyond the csv module's field limit cannot be read; the next line still is.
        path = write(tmp_path, "in.csv", "id,q1\nA," + "9" * 200_000 + "\nB,4\n")
        code, out, err = run(capsys, "score", "nprs", "--csv", path)
        assert code == 2
        assert f"{path}: line 2: not readable CSV (field larger than field limit" in err
        assert out.splitlines()[1:] == ["B,4,mild,1,,true"]

    def test_it_rejects_a_file_and_csv_together(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        path = write(tmp_path, "in.csv", "q1\n1\n")
        assert "either FILE or --csv" in bad_input(capsys, "score", "nprs", path, "--csv", path)

    def test_it_reports_a_missing_csv(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert "cannot read" in bad_input(capsys, "score", "nprs", "--csv", "/nonexistent.csv")


class TestRedFlags:
    def test_it_prints_the_bank(self, capsys: pytest.CaptureFixture[str]) -> None:
        bank = run_json(capsys, "redflags")
        by_id = {flag["id"]: flag for flag in bank}
        assert by_id["CES-1"]["condition"] == "cauda_equina"
        assert by_id["CES-1"]["strength"] == "strong"
        assert by_id["CES-1"]["action"] == "same_day"
        assert by_id["VAS-1"]["action"] == "emergency"
        assert set(by_id["MAL-1"]["question"]) == {"nl", "en"}
        conditions = {flag["condition"] for flag in bank}
        assert conditions == {
            "cauda_equina",
            "neurological",
            "fracture",
            "malignancy",
            "infection",
            "axial_spondyloarthritis",
            "vascular",
            "severe_pain",
            "course",
            "clinician",
        }
        assert by_id["MAL-8"]["also_conditions"] == ["fracture"]
        assert by_id["CES-4"]["changed_question"]["en"].startswith("You already had")


class TestAssess:
    def test_it_assesses_an_example_intake(self, capsys: pytest.CaptureFixture[str]) -> None:
        result = run_json(capsys, "assess", str(EXAMPLES / "medium_risk.json"))
        # Not clearly better after 3 weeks (CRS-1, NHG 2017): review, no red flag of disease.
        assert result["urgency"] == "caution"
        assert result["red_flags"] == ["CRS-1"]
        assert result["unscreened"] == []
        assert (result["risk"], result["profile"]) == ("medium", "medium")
        assert result["classification"]["category"] == "lbp"
        assert result["findings"] == {
            "neurological_deficit": None,
            "slr_positive": None,
            "lrs_confirmed": None,
            "notes": "",
        }
        plan = result["plan"]
        assert plan["max_sessions"] == 8
        ids = {c["id"] for c in plan["components"]}
        assert {"education", "advice_stay_active", "exercise_therapy"} <= ids
        not_recommended = {n["id"]: n for n in plan["not_recommended"]}
        assert {"tens", "interferential", "massage", "spinal_manipulation", "ultrasound"} <= set(
            not_recommended
        )
        assert {"traction", "lumbar_support", "bed_rest"} <= set(not_recommended)
        for line in plan["components"] + plan["not_recommended"]:
            assert line["rule"]
            assert line["source"] in result["sources"]
        assert plan["evaluations"][1] == {
            "at": "evaluation",
            "week": 6,
            "due": "2027-01-06",
            "instruments": ["nprs", "psk", "qbpds", "gpe"],
            "decision": plan["evaluations"][1]["decision"],
            "rule": "PW-EVAL-6",
            "source": "kngf2021-c5",
        }

    def test_it_stops_at_cauda_equina_and_says_what_to_do_now_in_dutch(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        result = run_json(capsys, "assess", str(EXAMPLES / "cauda_equina.json"), "--lang", "nl")
        assert result["urgency"] == "same_day"
        assert result["plan"] is None
        assert result["profile"] is None
        assert result["advice"].startswith("Bel nu uw huisarts")
        assert "112" in result["advice"]
        # The screening stopped at the first urgent answers: the rest is listed, not "no".
        assert "CES-6" in result["unscreened"]

    def test_it_refuses_an_intake_that_leaves_red_flag_questions_out(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        intake = {"today": "2026-11-25", "patient": {"age": 40}, "red_flags": {"CES-1": False}}
        monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(intake)))
        err = bad_input(capsys, "assess", "-")
        assert "red_flags: not answered: CES-6, CES-2" in err
        assert '"not_asked"' in err

    def test_it_rejects_an_intake_without_a_reason_for_the_override(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        intake = {
            "today": "2026-11-25",
            "patient": {"age": 40},
            "red_flags": screened(),
            "profile_override": {"profile": "high"},
        }
        monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(intake)))
        err = bad_input(capsys, "assess", "-")
        assert "profile_override.reason" in err


def test_it_walks_through_every_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "walkthrough")
    assert (code, err) == (0, "")
    for path in EXAMPLES.glob("*.json"):
        assert f"Example intake: {path.stem}" in out
    assert "Do not offer" in out
    code, out, _ = run(capsys, "walkthrough", "--lang", "nl")
    assert "Voorbeeldintake" in out
    assert "Niet doen" in out


def _backpath(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BACKPATH_DATA_DIR": str(tmp_path / "var")}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "backpath", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=120,
    )


def test_it_prepares_the_web_demo_once_and_prints_the_logins(tmp_path: Path) -> None:
    first = _backpath(tmp_path, "demo", "--no-serve", "--port", "8123")
    assert first.returncode == 0, first.stderr
    assert "demo data loaded" in first.stdout
    assert "40 past patients generated for the quality page" in first.stdout
    assert "http://127.0.0.1:8123/" in first.stdout
    assert "sanne@delinde.example" in first.stdout
    assert "carla@patient.example" in first.stdout
    assert (tmp_path / "var" / "backpath.sqlite3").exists()
    again = _backpath(tmp_path, "demo", "--no-serve")
    assert again.returncode == 0, again.stderr
    assert "demo data already present" in again.stdout


def test_it_refuses_a_bad_port(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["demo", "--port", "99999"])
    assert exited.value.code == 2
    assert "port must be 1-65535" in capsys.readouterr().err


def test_it_passes_other_commands_to_django(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused = _backpath(tmp_path, "showmigrations", "care")
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "backpath: error: set BACKPATH_SECRET_KEY (a long random string)"
    )
    monkeypatch.setenv("BACKPATH_SECRET_KEY", "k" * 50)
    done = _backpath(tmp_path, "showmigrations", "care")
    assert done.returncode == 0, done.stderr
    assert "0001_initial" in done.stdout


def test_it_shows_no_traceback_from_the_installed_command(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "backpath", "assess", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("backpath: error: input: not valid JSON")
    assert "Traceback" not in done.stderr


def test_it_finds_the_id_column_anywhere_and_reports_rows_too_short_to_have_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, "in.csv", "q1,id\n5,A\n6\n")
    code, out, err = run(capsys, "score", "nprs", "--csv", path)
    assert code == 2
    assert out.splitlines()[1:] == ["A,5,mild,1,,true"]
    assert f"{path}: line 3: row: too few cells" in err
