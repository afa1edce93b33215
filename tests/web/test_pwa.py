"""Installable and offline: the manifest, the service worker at the site root, the offline
pages it keeps, and what base.html links (the journey itself: test_offline_journey.py)."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

import backpath
from tests.browser import REPO
from tests.personas import World

APP_CSS = Path(backpath.__file__).parent / "web" / "static" / "backpath" / "app.css"


def primary_colour() -> str:
    found = re.search(r"--primary:\s*(#[0-9a-fA-F]{6})", APP_CSS.read_text())
    assert found is not None
    return found.group(1).lower()


def static_file(url: str) -> Path:
    assert url.startswith(settings.STATIC_URL), url
    found = finders.find(url.removeprefix(settings.STATIC_URL))
    assert found, f"{url} is not a static file"
    return Path(str(found))


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


class Tags(HTMLParser):
    """The page's <script>, <link> and <meta> tags and the element with an id, as dicts."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.links: list[dict[str, str | None]] = []
        self.metas: list[dict[str, str | None]] = []
        self.ids: dict[str, dict[str, str | None]] = {}
        self.inline_script = False
        self._in_script = False
        self.inline_handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.inline_handlers += [name for name in found if name.startswith("on")]
        if found.get("id"):
            self.ids[str(found["id"])] = found
        if tag == "script":
            self.scripts.append(found)
            self._in_script = True
        elif tag == "link":
            self.links.append(found)
        elif tag == "meta":
            self.metas.append(found)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_script = True

    def link(self, rel: str) -> list[str]:
        return [str(link["href"]) for link in self.links if link.get("rel") == rel]

    def script_srcs(self) -> list[str]:
        return [str(script.get("src")) for script in self.scripts]


def tags(response: Any) -> Tags:
    parser = Tags()
    parser.feed(response.content.decode())
    return parser


def csp(response: Any) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def worker_config(source: str) -> dict[str, Any]:
    first, _newline, _rest = source.partition("\n")
    assert first.startswith("const CONFIG = ")
    assert first.endswith(";")
    config: dict[str, Any] = json.loads(first.removeprefix("const CONFIG = ").removesuffix(";"))
    return config


# --- the manifest ---------------------------------------------------------------------------


def test_the_manifest_makes_the_app_installable(db: None) -> None:
    response = Client().get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["name"] == "backpath"
    assert manifest["short_name"]
    assert manifest["start_url"] == "/me/" == reverse("portal_home")
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"].lower() == primary_colour() == "#0f6b74"
    assert manifest["background_color"].lower() == primary_colour()
    sizes = {icon["sizes"]: icon for icon in manifest["icons"] if icon["type"] == "image/png"}
    assert {"192x192", "512x512"} <= set(sizes)
    for icon in manifest["icons"]:
        path = static_file(icon["src"])
        if icon["type"] == "image/png":
            width, height = (int(n) for n in icon["sizes"].split("x"))
            assert png_size(path) == (width, height), icon["src"]
        else:
            assert icon["type"] == "image/svg+xml"
            assert path.read_text().startswith("<svg")
    purposes = {icon.get("purpose", "any") for icon in manifest["icons"]}
    assert {"any", "maskable"} <= purposes


def test_the_manifest_is_in_the_visitors_language(db: None) -> None:
    english = json.loads(Client(HTTP_ACCEPT_LANGUAGE="en").get("/manifest.webmanifest").content)
    dutch = json.loads(Client(HTTP_ACCEPT_LANGUAGE="nl").get("/manifest.webmanifest").content)

    assert english["lang"] == "en"
    assert dutch["lang"] == "nl"
    assert english["name"] == dutch["name"] == "backpath"


# --- the service worker ---------------------------------------------------------------------


def test_the_service_worker_is_served_from_the_root_and_never_cached(db: None) -> None:
    response = Client().get("/sw.js")

    assert reverse("service_worker") == "/sw.js"  # at the root: its scope is the whole site
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    cache_control = response["Cache-Control"]
    assert "no-cache" in cache_control or "no-store" in cache_control
    assert "max-age" not in cache_control
    source = response.content.decode()
    assert 'self.addEventListener("fetch"' in source
    config = worker_config(source)
    assert config["version"].startswith(backpath.__version__)


def test_the_worker_knows_the_patients_pages_and_forms(db: None) -> None:
    config = worker_config(Client().get("/sw.js").content.decode())

    assert config["pages"] == ["/me/", "/me/today/", "/me/plan/", "/me/diary/"]
    assert config["pages"] == [
        reverse(name) for name in ("portal_home", "today", "portal_plan", "diary")
    ]
    assert config["queued"] == [reverse(name) for name in ("log_exercise", "log_quota", "diary")]
    # The worker answers for the patient's part of the site only.
    assert config["area"] == reverse("portal_home") == "/me/"
    assert all(path.startswith(config["area"]) for path in config["pages"] + config["queued"])
    assert config["login"] == reverse("login")
    assert config["logout"] == reverse("logout")
    assert config["offline"] in config["shell"]
    assert config["saved"] in config["shell"]


def test_the_app_shell_is_there_to_cache(world: World) -> None:
    config = worker_config(Client().get("/sw.js").content.decode())
    anonymous = Client()

    static = [url for url in config["shell"] if url.startswith(settings.STATIC_URL)]
    for expected in ("backpath/app.css", "backpath/offline.js", "django_htmx/htmx-2.min.js"):
        assert settings.STATIC_URL + expected in static
    for url in static:
        static_file(url)
    for url in (config["offline"], config["saved"]):
        assert anonymous.get(url).status_code == 200
    # Every script and stylesheet of the pages kept offline is a static file: the worker
    # keeps those as they pass (the shell's already at install).
    assert config["static"] == settings.STATIC_URL
    for name in ("portal_home", "today", "portal_plan", "diary"):
        page = tags(world.client_for(world.amy).get(reverse(name)))
        for url in page.script_srcs() + page.link("stylesheet"):
            assert url.startswith(config["static"]), (name, url)
            static_file(url)


def test_the_worker_script_is_valid_javascript(db: None, tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        # CI's machine has Node.js: a missing one fails there instead of passing unchecked.
        assert not os.environ.get("CI"), "the JavaScript syntax check needs node in CI"
        pytest.skip("the JavaScript syntax check needs node (apt install nodejs)")
    checked = tmp_path / "sw.js"
    checked.write_text(Client().get("/sw.js").content.decode())
    # The worker as served (CONFIG in front), and every script of the app's own.
    scripts = sorted((REPO / "backpath" / "web" / "static" / "backpath").glob("*.js"))
    assert len(scripts) >= 6, scripts
    for script in (checked, *scripts):
        result = subprocess.run(
            [node, "--check", str(script)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr


# --- the offline pages ----------------------------------------------------------------------


def test_the_offline_pages_hold_nothing_personal(world: World) -> None:
    amy = world.client_for(world.amy)
    for name in ("offline", "offline_saved"):
        response = amy.get(reverse(name))
        assert response.status_code == 200
        content = response.content.decode()
        assert world.amy.email not in content
        assert world.amy.first_name not in content
        assert "csrfmiddlewaretoken" not in content
        assert "data-user" not in content
        assert "no-cache" in response["Cache-Control"]
        page = tags(response)
        assert not page.inline_script
        assert page.link("manifest") == [reverse("web_manifest")]
    saved = amy.get(reverse("offline_saved")).content.decode()
    # The worker answers htmx with the part between these markers.
    assert re.search(r"<!-- offline-saved -->.*\S.*<!-- /offline-saved -->", saved)


# --- base.html ------------------------------------------------------------------------------


def test_every_page_links_the_manifest_and_icons(world: World) -> None:
    for response in (
        Client().get(reverse("login")),
        world.client_for(world.claire).get(reverse("dashboard")),
        world.client_for(world.amy).get(reverse("portal_home")),
    ):
        assert response.status_code == 200
        page = tags(response)
        assert page.link("manifest") == [reverse("web_manifest")]
        theme = [meta["content"] for meta in page.metas if meta.get("name") == "theme-color"]
        assert theme == [primary_colour()]
        icons = page.link("icon") + page.link("apple-touch-icon")
        assert len(icons) == 3
        for href in icons:
            static_file(href)
        assert png_size(static_file(page.link("apple-touch-icon")[0])) == (180, 180)


def test_only_a_patient_gets_the_offline_script_and_banner(world: World) -> None:
    offline_js = settings.STATIC_URL + "backpath/offline.js"
    patient = tags(world.client_for(world.amy).get(reverse("today")))
    assert offline_js in patient.script_srcs()
    banner = patient.ids["offline-status"]
    assert banner["role"] == "status"
    assert banner["data-sw"] == reverse("service_worker")
    assert banner["data-user"] == str(world.amy.pk)
    assert banner["data-logout"] == reverse("logout")
    for text in ("data-offline", "data-waiting-one", "data-waiting-many", "data-sent"):
        assert banner[text]
    assert "{n}" in str(banner["data-waiting-many"])

    for response in (
        Client().get(reverse("login")),
        world.client_for(world.claire).get(reverse("dashboard")),
    ):
        page = tags(response)
        assert offline_js not in page.script_srcs()
        assert "offline-status" not in page.ids


def test_the_csp_still_holds_with_the_worker(world: World) -> None:
    """No inline script anywhere new; the worker and the manifest fall under 'self'."""
    amy = world.client_for(world.amy)
    for response in (
        amy.get(reverse("portal_home")),
        amy.get(reverse("today")),
        amy.get(reverse("diary")),
        amy.get(reverse("offline")),
        amy.get(reverse("service_worker")),
        Client().get(reverse("login")),
    ):
        policy = csp(response)
        script = policy.get("script-src", policy["default-src"])
        assert "'unsafe-inline'" not in script
        assert "'unsafe-eval'" not in script
        # worker-src falls back to script-src, manifest-src to default-src.
        assert "'self'" in policy.get("worker-src", script)
        assert "'self'" in policy.get("manifest-src", policy["default-src"])
        if response["Content-Type"].startswith("text/html"):
            page = tags(response)
            assert not page.inline_script
            assert not page.inline_handlers
            assert all(script.get("src") for script in page.scripts)
