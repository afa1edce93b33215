"""The public content and the stateless compute: the command line's JSON over HTTP.

``score`` and ``assess`` answer byte for byte what ``backpath score`` and ``backpath assess``
print for the same input (the functions behind the command line, run here for comparison), and
refuse what the command line refuses with the same field and words, as a 422 problem.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from backpath.cli import main
from tests.api.conftest import Keys, bearer
from tests.personas import World

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.json"))
SCORED = [
    (path, instrument_id)
    for path in EXAMPLES
    for instrument_id in sorted(json.loads(path.read_text(encoding="utf-8")).get("answers", {}))
]


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> bytes:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    return out.encode("utf-8")


def cli_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    _out, err = capsys.readouterr()
    assert code == 2
    return err.removeprefix("backpath: error: ").strip()


def post(api: Client, url: str, body: str | bytes, key: str) -> Any:
    return api.post(url, body, content_type="application/json", **bearer(key))


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return dict(json.loads(response.content))


# --- byte for byte the command line -------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_assess_answers_the_command_lines_bytes(
    world: World,
    keys: Keys,
    api: Client,
    capsys: pytest.CaptureFixture[str],
    path: Path,
    lang: str,
) -> None:
    expected = cli(capsys, "assess", str(path), "--lang", lang)
    response = post(api, f"/api/v1/assess?lang={lang}", path.read_bytes(), keys.x_score_only)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.content == expected


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize(
    ("path", "instrument_id"), SCORED, ids=[f"{p.stem}-{i}" for p, i in SCORED]
)
def test_score_answers_the_command_lines_bytes(
    world: World,
    keys: Keys,
    api: Client,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    path: Path,
    instrument_id: str,
    lang: str,
) -> None:
    answers = json.loads(path.read_text(encoding="utf-8"))["answers"][instrument_id]
    response_file = tmp_path / "response.json"
    response_file.write_text(json.dumps({"answers": answers}), encoding="utf-8")
    expected = cli(capsys, "score", instrument_id, str(response_file), "--lang", lang)

    response = post(
        api, f"/api/v1/score/{instrument_id}?lang={lang}", response_file.read_bytes(), keys.x
    )
    assert response.status_code == 200
    assert response.content == expected


def test_the_default_language_is_english(
    world: World, keys: Keys, api: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    path = EXAMPLES[0]
    response = post(api, "/api/v1/assess", path.read_bytes(), keys.x)
    assert response.content == cli(capsys, "assess", str(path))


def test_a_clinicians_session_may_score(world: World) -> None:
    claire = world.client_for(world.claire)
    response = claire.post("/api/v1/score/nprs", {"answers": {"q1": 2}}, "application/json")
    assert json.loads(response.content)["total"] == 2


def test_score_and_assess_need_a_key_or_a_session(world: World, api: Client) -> None:
    body = json.dumps({"answers": {"q1": 4}})
    problem(api.post("/api/v1/score/nprs", body, content_type="application/json"), 401)
    problem(api.post("/api/v1/assess", "{}", content_type="application/json"), 401)
    bad = bearer("bp_00000000_revoked")
    problem(api.post("/api/v1/score/nprs", body, content_type="application/json", **bad), 401)


# --- refused as the command line refuses ---------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "{",
        "[]",
        '{"answers": []}',
        '{"answers": {"q1": 4}, "extra": 1}',
        '{"answers": {"q9": 4}}',
        '{"answers": {"q1": 11}}',
        '{"answers": {"q1": true}}',
        '{"answers": {"q1": "4"}}',
        '{"answers": {"q1": NaN}}',
        "[" * 100_000,
        "",
    ],
)
def test_a_bad_score_body_is_the_command_lines_error_as_a_422(
    world: World,
    keys: Keys,
    api: Client,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    body: str,
) -> None:
    response_file = tmp_path / "response.json"
    response_file.write_text(body, encoding="utf-8")
    expected = cli_error(capsys, "score", "nprs", str(response_file))

    found = problem(post(api, "/api/v1/score/nprs", body, keys.x), 422)

    [error] = found["errors"]
    # The command line names its file where the API names the input.
    assert f"{error['field']}: {error['problem']}" == expected.replace(str(response_file), "input")
    assert found["detail"] == f"{error['field']}: {error['problem']}"


@pytest.mark.parametrize(
    "change",
    [
        {"today": "not a date"},
        {"patient": {"age": 12}},
        {"red_flags": {}},
        {"answers": {"nope": {}}},
        {"answers": {"nprs": {"q1": 99}}},
        {"surprise": True},
    ],
)
def test_a_bad_intake_is_the_command_lines_error_as_a_422(
    world: World,
    keys: Keys,
    api: Client,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    change: dict[str, Any],
) -> None:
    intake = json.loads(EXAMPLES[0].read_text(encoding="utf-8")) | change
    intake_file = tmp_path / "intake.json"
    intake_file.write_text(json.dumps(intake), encoding="utf-8")
    expected = cli_error(capsys, "assess", str(intake_file))

    found = problem(post(api, "/api/v1/assess", intake_file.read_bytes(), keys.x), 422)

    [error] = found["errors"]
    assert f"{error['field']}: {error['problem']}" == expected


def test_malformed_json_and_bytes_are_422(world: World, keys: Keys, api: Client) -> None:
    found = problem(post(api, "/api/v1/assess", "{", keys.x), 422)
    assert found["errors"][0]["field"] == "input"
    assert "not valid JSON" in found["errors"][0]["problem"]
    found = problem(post(api, "/api/v1/score/nprs", b"\xff\xfe{", keys.x), 422)
    assert found["errors"] == [{"field": "input", "problem": "not UTF-8 text"}]
    found = problem(post(api, "/api/v1/assess", b"\xff\xfe{", keys.x), 422)
    assert found["errors"][0]["field"] == "input"


def test_an_unknown_instrument_is_404(world: World, keys: Keys, api: Client) -> None:
    found = problem(post(api, "/api/v1/score/nope", '{"answers": {}}', keys.x), 404)
    assert "unknown instrument 'nope'" in found["detail"]
    assert "startback" in found["detail"]
    problem(api.get("/api/v1/instruments/nope"), 404)


def test_an_unknown_language_is_422(world: World, keys: Keys, api: Client) -> None:
    found = problem(post(api, "/api/v1/score/nprs?lang=de", '{"answers": {}}', keys.x), 422)
    assert found["errors"][0]["field"] == "lang"


def test_a_body_over_the_limit_is_413(world: World, keys: Keys, api: Client, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    problem(post(api, "/api/v1/assess", "x" * 200, keys.x), 413)


# --- the public content ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "command"),
    [
        ("/api/v1/instruments", ["instruments"]),
        ("/api/v1/instruments/startback", ["instruments", "show", "startback"]),
        ("/api/v1/redflags", ["redflags"]),
        ("/api/v1/exercises", ["exercises"]),
    ],
)
def test_the_public_content_is_the_command_lines_and_needs_no_key(
    db: None, api: Client, capsys: pytest.CaptureFixture[str], url: str, command: list[str]
) -> None:
    response = api.get(url)

    assert response.status_code == 200
    assert json.loads(response.content) == json.loads(cli(capsys, *command))


def test_an_instrument_answers_304_to_its_etag(db: None, api: Client) -> None:
    tag = api.get("/api/v1/instruments/nprs")["ETag"]
    assert api.get("/api/v1/instruments/nprs", HTTP_IF_NONE_MATCH=tag).status_code == 304
