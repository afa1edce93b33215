"""The OpenAPI schema and the docs page: served by the app, nothing from another origin, and
no script that the Content-Security-Policy would block."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from backpath.web.middleware import CSP
from tests.api.conftest import Keys, bearer
from tests.browser import CHROMIUM, LAUNCH_ARGS
from tests.personas import World


def test_the_schema_is_openapi_3_1_with_every_operation_and_problem_responses(
    client: Client,
) -> None:
    schema = client.get("/api/v1/openapi.json").json()

    assert schema["openapi"].startswith("3.1")
    operations = {
        (method.upper(), path) for path, item in schema["paths"].items() for method in item
    }
    assert operations == {
        ("GET", "/api/v1/patients"),
        ("POST", "/api/v1/patients"),
        ("POST", "/api/v1/patients/{patient_id}/episodes"),
        ("GET", "/api/v1/patients/{patient_id}"),
        ("GET", "/api/v1/patients/{patient_id}/episodes"),
        ("GET", "/api/v1/episodes/{episode_id}"),
        ("GET", "/api/v1/episodes/{episode_id}/assessments"),
        ("GET", "/api/v1/episodes/{episode_id}/plans"),
        ("GET", "/api/v1/episodes/{episode_id}/sessions"),
        ("GET", "/api/v1/episodes/{episode_id}/programs"),
        ("GET", "/api/v1/episodes/{episode_id}/exercise-logs"),
        ("GET", "/api/v1/episodes/{episode_id}/diary"),
        ("GET", "/api/v1/episodes/{episode_id}/measurements"),
        ("GET", "/api/v1/episodes/{episode_id}/alerts"),
        ("GET", "/api/v1/instruments"),
        ("GET", "/api/v1/instruments/{instrument_id}"),
        ("GET", "/api/v1/redflags"),
        ("GET", "/api/v1/exercises"),
        ("POST", "/api/v1/score/{instrument_id}"),
        ("POST", "/api/v1/assess"),
    }
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"], (
                        method,
                        path,
                        status,
                    )
    assert {"KeyAuth", "SessionAuth"} <= set(schema["components"]["securitySchemes"])
    assert schema["components"]["securitySchemes"]["KeyAuth"]["scheme"] == "bearer"
    assert "Intake" in schema["components"]["schemas"]


def test_the_documented_examples_work(world: World, keys: Keys, client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    intake = schema["paths"]["/api/v1/assess"]["post"]["requestBody"]["content"]
    score = schema["paths"]["/api/v1/score/{instrument_id}"]["post"]
    [instrument] = [p for p in score["parameters"] if p["name"] == "instrument_id"]
    assert "nprs" in instrument["schema"]["examples"]

    for url, example in [
        ("/api/v1/assess", intake["application/json"]["example"]),
        ("/api/v1/score/nprs", score["requestBody"]["content"]["application/json"]["example"]),
    ]:
        response = client.post(
            url, json.dumps(example), content_type="application/json", **bearer(keys.x)
        )
        assert response.status_code == 200, response.content


def test_the_docs_page_loads_nothing_from_another_origin_and_no_inline_script(
    client: Client,
) -> None:
    page = client.get("/api/v1/docs")

    assert page.status_code == 200
    html = page.content.decode()
    assert page["Content-Security-Policy"] == CSP
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(source.startswith("/static/ninja/") for source in sources), sources
    # Every script is a file; the one inline <script> is JSON data, which never runs.
    for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
        assert "src=" not in attributes or not body.strip()
    for source in sources:
        assert client.get(source).status_code == 200, source


@pytest.fixture
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists() and not os.environ.get("CI"):
        pytest.skip("the docs page check needs /usr/bin/chromium (apt install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.mark.browser
def test_the_docs_page_renders_the_api_in_a_browser_under_the_csp(
    live_server: Any, chromium: Any
) -> None:
    page = chromium.new_page()
    problems: list[str] = []
    elsewhere: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "request",
        lambda r: None if r.url.startswith((live_server.url, "data:")) else elsewhere.append(r.url),
    )

    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=15_000)

    assert "backpath API" in page.text_content(".swagger-ui .info")
    assert page.locator(".opblock").count() == 20
    assert problems == []
    assert elsewhere == []
