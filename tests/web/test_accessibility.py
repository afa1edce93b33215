"""axe-core over every page the main journeys reach, in Debian's chromium, on a 390 px phone
and a 1366 px laptop: no violation of impact "serious" or "critical" anywhere.

The demo clinic (``backpath demo``'s data) with a published home program for Carla; each
persona logs in once (clinic admin Eva, clinician Sanne, patients Carla and Anna, and nobody
for the login pages) and walks its pages at both widths. axe is vendored under
``tests/vendor/axe-core/`` (test tooling, never served). The app's CSP (``script-src 'self'``)
blocks a ``<script>`` that Playwright writes into the page (``add_script_tag``, an inline
script), so axe is loaded the way CSP does not see: as an init script over the DevTools
protocol, evaluated in every document of the context before the page's own scripts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from backpath.accounts.models import User
from backpath.care import services as care_services
from backpath.care.models import Episode
from tests.browser import BROWSER, CHROMIUM, LAUNCH_ARGS, REPO, demo_with_carlas_program
from tests.personas import low_risk_answers, no_flags, submit_intake

pytestmark = BROWSER

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

AXE = REPO / "tests" / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = (390, 1366)
SUBMIT = "#main form.form .form-actions button[type=submit]"  # the page's own form
# Only the rules that fail a page: what keeps someone from using it (axe's "serious" and
# "critical"); "moderate" and "minor" are advice.
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")),
    }));
}"""


@dataclass
class Findings:
    lines: list[str] = field(default_factory=list)
    checked: int = 0


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def demo(transactional_db: None, settings: Any, licensed_qbpds: Path) -> dict[str, Episode]:
    """The demo clinic, with Carla's home program (Today, adherence, the builder's history)."""
    demo_with_carlas_program(settings)
    return {
        name: Episode.objects.get(patient__first_name=name)
        for name in ("Anna", "Bram", "Carla", "Dirk", "Henk")
    }


def _context(browser: Any, base_url: str, email: str | None) -> Any:
    """A Dutch context (the clinic's language, the longer words), logged in as ``email``.

    The session cookie comes from Django's test client (the login page itself is checked
    logged out); service workers are blocked so every visit is answered by the server."""
    context = browser.new_context(
        base_url=base_url,
        locale="nl-NL",
        viewport={"width": WIDTHS[0], "height": 844},
        service_workers="block",
    )
    context.set_default_timeout(10_000)
    context.add_init_script(path=str(AXE))
    if email is not None:
        client = Client()
        client.force_login(User.objects.get(email=email))
        context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
        )
    return context


def _check(page: Any, findings: Findings, name: str) -> None:
    """axe at each width over the page as it is now (no reload between widths)."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 844 if width < 800 else 768})
        for violation in page.evaluate(RUN_AXE):
            findings.lines.extend(
                f"{name} @{width}px: {violation['rule']} ({violation['impact']}: "
                f"{violation['help']}) at {target}"
                for target in violation["targets"]
            )
        findings.checked += 1


def _send(page: Any, button: str) -> None:
    """Press a form's button and wait for the page the server answers with."""
    with page.expect_navigation():
        page.locator(button).first.click()


def _walk(page: Any, findings: Findings, paths: list[str]) -> None:
    for path in paths:
        response = page.goto(path)
        assert response is not None, path
        assert response.ok, f"{path} answered {response.status}"
        _check(page, findings, path)


def test_no_serious_or_critical_axe_violation(
    demo: dict[str, Episode], live_server: Any, browser: Any
) -> None:
    findings = Findings()
    anna, bram, carla, dirk, henk = (
        demo[name] for name in ("Anna", "Bram", "Carla", "Dirk", "Henk")
    )

    def url(name: str, *args: object) -> str:
        return reverse(name, args=args)

    # Logged out: log in (and a wrong password), ask for a new one, choose a new one.
    context = _context(browser, live_server.url, None)
    page = context.new_page()
    _walk(page, findings, [url("login")])
    page.fill("input[name=username]", "carla@patient.example")
    page.fill("input[name=password]", "not the password")
    _send(page, "#main form button[type=submit]")
    _check(page, findings, "login, wrong password")
    carla_user = User.objects.get(email="carla@patient.example")
    token = default_token_generator.make_token(carla_user)
    uid = urlsafe_base64_encode(force_bytes(carla_user.pk))
    _walk(page, findings, [url("password_reset"), url("password_reset_confirm", uid, token)])
    context.close()

    # The clinic admin: the team, the access log, erasure requests, API keys, quality.
    context = _context(browser, live_server.url, "admin@delinde.example")
    page = context.new_page()
    _walk(
        page,
        findings,
        [
            url("dashboard"),
            url("team"),
            url("access_log"),
            url("erasure_requests"),
            url("patient_data", carla.patient_id),
            url("api_keys"),
            url("quality"),
        ],
    )
    context.close()

    # The clinician: her day, the patients, an intake to review, Carla's care.
    context = _context(browser, live_server.url, "sanne@delinde.example")
    page = context.new_page()
    _walk(
        page,
        findings,
        [
            url("dashboard"),
            url("patient_list"),
            url("patient_new"),
            url("patient_detail", carla.patient_id),
            url("episode_detail", carla.id),
            url("episode_detail", dirk.id),
            url("episode_detail", henk.id),
            url("review", bram.id),
            url("plan_detail", carla.id),
            url("plan_adjust", carla.id),
            url("session_new", carla.id),
            url("episode_progress", carla.id),
            url("program_detail", carla.id),
            url("program_edit", carla.id),
            url("program_adherence", carla.id),
            url("patient_edit", carla.patient_id),
            url("exercise_list"),
            url("exercise_new"),
        ],
    )
    context.close()

    # Carla, in treatment, on her phone.
    context = _context(browser, live_server.url, "carla@patient.example")
    page = context.new_page()
    _walk(
        page,
        findings,
        [
            url("portal_home"),
            url("today"),
            url("portal_plan"),
            url("diary"),
            url("learn"),
        ],
    )
    module = page.locator("#main a[href^='/me/learn/']").first.get_attribute("href")
    assert module
    _walk(
        page,
        findings,
        [
            module,
            url("portal_progress"),
            url("flare"),
            url("recheck"),
            url("questionnaires"),
            url("prevention"),
            url("reminder_settings"),
            url("my_data"),
            url("my_access"),
            url("portal_safety"),
            url("diary"),
        ],
    )
    # The diary sent empty (the error summary), then filled in (the flash message at home).
    _send(page, SUBMIT)
    _check(page, findings, "diary, sent empty")
    # The summary has the focus (form-errors.js); its first link focuses the first choice of
    # the pain question, a fieldset of radio buttons.
    assert page.evaluate("() => document.activeElement.matches('[data-error-summary]')")
    page.locator("[data-error-summary] a").first.click()
    assert page.evaluate("() => document.activeElement.id") == "id_pain_0"
    for name, value in (("pain", "3"), ("exercises", "all"), ("sleep", "good"), ("stress", "2")):
        page.check(f'#main input[name="{name}"][value="{value}"]')
    page.fill("#main input[name=active_minutes]", "30")
    page.fill("#main input[name=sitting_breaks]", "4")
    _send(page, SUBMIT)
    assert page.url.endswith("/me/"), page.url
    assert page.locator("#main .messages").count() == 1
    _check(page, findings, "home, diary saved")
    context.close()

    # Anna fills in her intake: the safety questions, the questionnaires (sent empty: the
    # error summary), the thank-you page once it is sent.
    context = _context(browser, live_server.url, "anna@patient.example")
    page = context.new_page()
    _walk(page, findings, [url("portal_home"), url("intake_safety", anna.id)])
    anna_user = User.objects.get(email="anna@patient.example")
    care_services.intake_save_safety(
        actor=anna_user,
        episode=anna,
        red_flags=no_flags(),
        facts={"smoker": False, "cardiovascular_disease": False},
    )
    _walk(page, findings, [url("intake_questionnaires", anna.id)])
    _send(page, SUBMIT)
    _check(page, findings, "intake questionnaires, sent empty")
    submit_intake(anna_user, anna, low_risk_answers())
    _walk(page, findings, [url("intake_done", anna.id)])
    context.close()

    assert findings.checked == 2 * 52, "a page was left out"
    assert not findings.lines, "\n".join(findings.lines)
