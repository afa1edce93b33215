"""`backpath exercises`: the library as JSON, one illustration as SVG, bad ids exit 2."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from backpath.cli import main
from backpath.exercises.library import library


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code, out, err = run(capsys, *args)
    assert (code, err) == (0, "")
    return json.loads(out)


def bad_input(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.startswith("backpath: error: ")
    assert err.count("\n") == 1, "one line only"
    assert "Traceback" not in err
    return err


def test_it_lists_the_library_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    listed = run_json(capsys, "exercises")
    assert isinstance(listed, list)
    assert [entry["id"] for entry in listed] == list(library())
    fields = {"id", "name", "category", "level", "position", "equipment", "dosage", "profiles"}
    for entry in listed:
        assert fields | {"progressions", "regressions"} <= set(entry)
        assert set(entry["name"]) == {"nl", "en"}
        assert 1 <= entry["level"] <= 5
        assert entry["dosage"], "a dosage always says something"
        assert None not in entry["dosage"].values()
        assert set(entry["profiles"]) <= {"low", "medium", "high"}


def test_it_lists_the_bridge_in_full(capsys: pytest.CaptureFixture[str]) -> None:
    bridge = next(entry for entry in run_json(capsys, "exercises") if entry["id"] == "bridge")
    assert bridge["name"]["en"] == "Bridge"
    assert bridge["category"] == "strength"
    assert bridge["position"] == "supine"
    assert isinstance(bridge["equipment"], list)
    assert isinstance(bridge["progressions"], list)
    assert isinstance(bridge["regressions"], list)


def test_it_renders_one_exercise_as_svg(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "exercises", "render", "bridge")
    assert (code, err) == (0, "")
    root = ET.fromstring(out)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None
    assert title.text == "Bridge"


def test_it_refuses_an_unknown_id(capsys: pytest.CaptureFixture[str]) -> None:
    err = bad_input(capsys, "exercises", "render", "no_such_exercise")
    assert "no_such_exercise" in err


def test_it_asks_for_an_id_to_render(capsys: pytest.CaptureFixture[str]) -> None:
    assert "exercise id" in bad_input(capsys, "exercises", "render")


def test_it_refuses_an_unknown_action(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["exercises", "draw", "bridge"])
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "invalid choice: 'draw'" in err


def test_it_writes_the_library_as_an_e_book(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BACKPATH_DEMO", "true")
    out = tmp_path / "boek.pdf"
    assert main(["booklet", "--lang", "nl", "-o", str(out), "--clinic", "De Linde"]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert "wrote" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["boek.txt", "missing/boek.pdf"])
def test_it_refuses_a_bad_e_book_path(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["booklet", "-o", str(tmp_path / name)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("backpath: error: ")
    assert err.count("\n") == 1


def test_it_refuses_to_write_the_e_book_over_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BACKPATH_DEMO", "true")
    (tmp_path / "boek.pdf").mkdir()
    assert main(["booklet", "-o", str(tmp_path / "boek.pdf")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("backpath: error: ")
    assert "cannot write" in err
