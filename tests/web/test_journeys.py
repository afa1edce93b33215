"""Browser journeys: the four paths a clinic and its patients walk, in Debian's chromium.

Each test loads the demo clinic ("Fysiotherapie De Linde") into a fresh database, drives the
real pages through Playwright's sync API against pytest-django's ``live_server`` and saves a
full-page screenshot at the key moment (folder: ``$BACKPATH_SCREENSHOTS`` or
``var/screenshots/``). Never ``playwright install``: the system chromium is used, and the
module is skipped when it is missing (CI installs it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from backpath.care.models import Episode, EpisodeStatus
from backpath.clinical.followup import recheck_flags
from backpath.clinical.language import Lang
from backpath.clinical.redflags import Action, Condition, red_flag_bank
from backpath.web.demo_data import DEMO_PASSWORD, load_demo
from backpath.web.templatetags.backpath import urgency_label
from tests.browser import BROWSER, CHROMIUM, LAUNCH_ARGS, REPO
from tests.personas import low_risk_answers

pytestmark = BROWSER

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

ANNA = "anna@patient.example"
CARLA = "carla@patient.example"
SANNE = "sanne@delinde.example"


def nl(message: str) -> str:
    """The Dutch interface text for an English msgid (what a Dutch user sees)."""
    with translation.override("nl"):
        return gettext(message)


def nl_urgency(code: str) -> str:
    with translation.override("nl"):
        return urgency_label(code)


def en(message: str) -> str:
    with translation.override("en"):
        return gettext(message)


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def screenshot_dir(pytestconfig: pytest.Config) -> Path:
    path = Path(os.environ.get("BACKPATH_SCREENSHOTS") or REPO / "var" / "screenshots")
    path.mkdir(parents=True, exist_ok=True)
    # Shown even under -q and output capture: the folder is what a reader looks for.
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")
    if capture is not None:
        with capture.global_and_fixture_disabled():
            print(f"\nscreenshots: {path}")
    else:
        print(f"screenshots: {path}")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Demo:
    base: str
    anna: Episode
    carla: Episode
    shots: Path
    browser: Any
    contexts: list[Any]

    def page(self, **options: Any) -> Any:
        """A page in a fresh browser context (own cookies), Dutch like the clinic."""
        context = self.browser.new_context(
            base_url=self.base, locale="nl-NL", **(options or DESKTOP)
        )
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        return context.new_page()

    def shot(self, page: Any, name: str) -> Path:
        path = self.shots / name
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def demo(
    transactional_db: None,
    live_server: Any,
    settings: Any,
    browser: Any,
    licensed_qbpds: Path,
    screenshot_dir: Path,
) -> Iterator[Demo]:
    # The demo creates five accounts; a fast hasher keeps that (and each login) quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert load_demo()
    demo = Demo(
        base=live_server.url,
        anna=Episode.objects.get(patient__first_name="Anna"),
        carla=Episode.objects.get(patient__first_name="Carla"),
        shots=screenshot_dir,
        browser=browser,
        contexts=[],
    )
    yield demo
    for context in demo.contexts:
        context.close()


# --- helpers --------------------------------------------------------------------------------


def log_in(page: Any, email: str) -> None:
    page.goto("/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("#main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def submit(page: Any) -> None:
    """Press the page's own submit button (not the language switch or log out)."""
    page.locator("#main form.form .form-actions button[type=submit]").first.click()


def answer_safety(page: Any, yes: tuple[str, ...] = ()) -> None:
    names = page.eval_on_selector_all(
        "#main input[type=radio][value=no]", "els => els.map(e => e.name)"
    )
    assert "CES-1" in names
    assert {"smoker", "cardiovascular_disease"} <= set(names)
    for name in names:
        value = "yes" if name in yes else "no"
        page.check(f'#main input[name="{name}"][value="{value}"]')


def attention_row(page: Any, name: str) -> Any:
    attention = page.locator("#main section.card").first
    expect(attention.locator("h2")).to_have_text(nl("Needs your attention"))
    return attention.locator("tbody tr", has_text=name)


# --- journeys -------------------------------------------------------------------------------


def test_clean_intake_to_care_plan(demo: Demo) -> None:
    """Anna fills in her intake on her phone; Sanne reviews it and gets the care plan."""
    page = demo.page(**PHONE)
    log_in(page, ANNA)
    expect(page).to_have_url(re.compile(r"/me/$"))
    page.locator(f'a.tile[href="/episodes/{demo.anna.id}/intake/"]').click()

    expect(page.locator("h1")).to_have_text(nl("First, a few safety questions"))
    answer_safety(page)
    submit(page)

    expect(page).to_have_url(re.compile(r"/intake/questionnaires/$"))
    page.fill("textarea[name=description]", "Pijn onder in de rug na het sporten.")
    onset = timezone.localdate() - timedelta(weeks=3)
    page.fill("input[name=onset]", onset.isoformat())
    page.check('input[name=leg_pain][value="none"]')
    page.check('input[name=leg_pain_dominant][value="no"]')
    page.check('input[name=course][value="improving"]')
    page.check('input[name=first_episode][value="no"]')
    page.check('input[name=heavy_physical_work][value="no"]')
    answers = low_risk_answers()
    assert len(answers["startback"]) == 9
    assert len(answers["qbpds"]) == 20
    for instrument_id, items in answers.items():
        for link_id, value in items.items():
            page.check(f'input[name="{instrument_id}__{link_id}"][value="{value}"]')
    demo.shot(page, "01-intake-questionnaires.png")
    submit(page)

    expect(page).to_have_url(re.compile(r"/intake/done/$"))
    expect(page.locator(".card--success h1")).to_have_text(nl("Thank you"))
    demo.shot(page, "01-intake-thank-you.png")

    clinician = demo.page()
    log_in(clinician, SANNE)
    expect(clinician).to_have_url(re.compile(r"/clinic/$"))
    row = attention_row(clinician, "Anna de Vries")
    expect(row.locator(".badge--info")).to_have_text(nl("Intake ready for review"))
    row.get_by_role("link", name="Anna de Vries").click()

    expect(clinician).to_have_url(re.compile(rf"/episodes/{demo.anna.id}/$"))
    clinician.locator(f'a[href="/episodes/{demo.anna.id}/review/"]').click()
    expect(clinician.locator("h1")).to_have_text(nl("Review the intake"))
    advised = clinician.locator("input[name=profile]:checked")
    expect(advised).to_have_count(1)
    advised_profile = advised.get_attribute("value")
    submit(clinician)

    expect(clinician).to_have_url(re.compile(rf"/episodes/{demo.anna.id}/plan/$"))
    expect(clinician.locator("h1")).to_have_text(nl("Care plan"))
    assert clinician.locator(".plan-line").count() >= 3
    why = clinician.locator("details.why").first
    why.locator("summary").click()
    expect(why).to_have_attribute("open", "")
    expect(why.locator(".source")).to_be_visible()
    expect(why.locator(".source")).to_contain_text("PW-")
    demo.shot(clinician, "01-intake-plan.png")

    demo.anna.refresh_from_db()
    assert demo.anna.status == EpisodeStatus.TREATMENT
    assert advised_profile == "low"  # the clean answers advise the low-risk profile


def test_cauda_equina_answer_stops_the_intake(demo: Demo) -> None:
    """A 'yes' to a cauda equina question stops the intake and flags the clinician."""
    page = demo.page(**PHONE)
    log_in(page, ANNA)
    page.goto(f"/episodes/{demo.anna.id}/intake/")
    answer_safety(page, yes=("CES-1",))
    demo.shot(page, "02-safety-questions-phone.png")
    submit(page)

    urgent_url = re.compile(rf"/episodes/{demo.anna.id}/intake/urgent/$")
    expect(page).to_have_url(urgent_url)
    panel = page.locator("#main .urgent")
    expect(panel).to_be_visible()
    # CES-1 is a same-day cauda equina flag (NHG-LRS): call the GP, or the out-of-hours GP
    # service, now (not "today"). The tap-to-call 112 button is only for emergency flags; the
    # footer still names 112.
    cauda_equina = red_flag_bank().conditions[Condition.CAUDA_EQUINA].advice[Action.SAME_DAY]
    expect(panel.locator("h1")).to_have_text(cauda_equina.label(Lang.NL))
    expect(panel).to_contain_text("huisartsenpost")
    expect(page.locator("footer")).to_contain_text("112")
    # The panel must fit the phone: nothing sticks out to the right.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    demo.shot(page, "02-urgent-phone.png")

    page.goto(f"/episodes/{demo.anna.id}/intake/questionnaires/")
    expect(page).to_have_url(urgent_url)
    page.goto(f"/episodes/{demo.anna.id}/intake/")
    expect(page).to_have_url(urgent_url)

    clinician = demo.page()
    log_in(clinician, SANNE)
    row = attention_row(clinician, "Anna de Vries")
    expect(row.locator(".badge--urgent")).to_have_text(nl_urgency("same_day"))
    demo.shot(clinician, "02-urgent-dashboard.png")
    demo.anna.refresh_from_db()
    assert demo.anna.status == EpisodeStatus.URGENT


def test_session_with_passive_care_needs_a_reason(demo: Demo) -> None:
    """TENS is advised against for Carla's medium-risk plan: warn live, then ask why."""
    page = demo.page()
    log_in(page, SANNE)
    page.locator("#main a", has_text="Carla Smit").first.click()
    expect(page).to_have_url(re.compile(rf"/episodes/{demo.carla.id}/$"))
    page.locator(f'a[href="/episodes/{demo.carla.id}/sessions/new/"]').click()
    expect(page.locator("h1")).to_contain_text("3")

    # The date starts at today. Checked at the end, so a wrong default does not hide the rest.
    today = timezone.localdate().isoformat()
    prefilled_date = page.input_value("input[name=held_on]")
    if prefilled_date != today:
        page.fill("input[name=held_on]", today)
    warnings = page.locator("#session-warnings")
    expect(warnings.locator(".notice--warning")).to_have_count(0)
    page.evaluate("window.__noReload = true")
    page.fill("textarea[name=subjective]", "Vraagt om TENS, kent het van een vorige therapeut.")
    page.fill("input[name=pain_now]", "4")
    page.check('input[name=interventions][value="exercise_therapy"]')
    with page.expect_response(re.compile(r"/sessions/check/$")):
        page.check('input[name=interventions][value="tens"]')
    warning = warnings.locator(".notice--warning")
    expect(warning).to_have_count(1)
    expect(warning).to_contain_text("TENS")
    expect(warning).to_contain_text("PW-NR-TENS")
    expect(warnings.locator("textarea[name=deviation_reason]")).to_be_visible()
    assert page.evaluate("window.__noReload") is True  # htmx swapped, the page stayed
    demo.shot(page, "03-session-warning.png")

    submit(page)
    expect(page).to_have_url(re.compile(r"/sessions/new/$"))
    reason_field = page.locator(".field--invalid", has=page.locator("[name=deviation_reason]"))
    expect(reason_field).to_contain_text(
        nl("You chose care the guideline advises against: give the reason.")
    )
    expect(page.locator('input[name=interventions][value="tens"]')).to_be_checked()
    demo.shot(page, "03-session-reason-missing.png")

    page.fill("textarea[name=deviation_reason]", "Patiënt wil het per se proberen; 1 sessie.")
    submit(page)
    expect(page).to_have_url(re.compile(rf"/episodes/{demo.carla.id}/$"))
    latest = page.locator("ol.timeline > li").first
    expect(latest).to_contain_text(nl("Session %(number)s") % {"number": 3})
    expect(latest.locator(".badge--high")).to_have_text(nl("not recommended"))
    expect(latest).to_contain_text("1 sessie")
    demo.shot(page, "03-session-saved.png")
    assert prefilled_date == today, (
        f"the session date field shows {prefilled_date!r}, not today: a type=date input needs "
        "an ISO value, but DateInput renders the active locale's format (nl: dd-mm-yyyy)"
    )


def test_patient_portal_on_a_phone(demo: Demo) -> None:
    """Carla on her phone: home tiles, her plan, when to see a doctor, then in English."""
    page = demo.page(**PHONE)
    log_in(page, CARLA)
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("h1")).to_contain_text("Carla")
    tiles = page.locator(".tiles .tile")
    expect(tiles.and_(page.locator('[href="/me/plan/"]'))).to_have_count(1)
    expect(page.locator('.tiles a.tile[href="/me/flare-up/"]')).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    demo.shot(page, "04-portal-home.png")

    page.locator('.tiles a.tile[href="/me/plan/"]').click()
    expect(page).to_have_url(re.compile(r"/me/plan/$"))
    expect(page.locator("h1")).to_have_text(nl("My plan"))
    assert page.locator(".plan-line").count() >= 2
    expect(page.locator("#main")).to_contain_text("8")  # the medium profile's budget
    demo.shot(page, "04-portal-plan.png")

    page.locator('#main .safety-net a[href="/me/see-a-doctor/"]').click()
    expect(page).to_have_url(re.compile(r"/me/see-a-doctor/$"))
    expect(page.locator("h1")).to_have_text(nl("See a doctor when…"))
    expect(page.locator("#main a[href='tel:112']")).to_be_visible()
    demo.shot(page, "04-portal-safety-net.png")

    page.locator("form.lang-switch button[value=en]").click()
    expect(page).to_have_url(re.compile(r"/me/see-a-doctor/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(en("See a doctor when…"))
    expect(page.locator("#main")).to_contain_text("Call 112")
    demo.shot(page, "04-portal-safety-net-en.png")
    page.goto("/me/plan/")
    expect(page.locator("h1")).to_have_text("My plan")
    demo.shot(page, "04-portal-plan-en.png")


def test_home_program_built_by_the_clinician_and_done_on_a_phone(demo: Demo) -> None:
    """Sanne builds and publishes Carla's program; Carla does today's exercises on her phone."""
    page = demo.page()
    log_in(page, SANNE)
    page.goto(f"/episodes/{demo.carla.id}/")
    page.locator(f'a[href="/episodes/{demo.carla.id}/program/"]').click()
    expect(page).to_have_url(re.compile(r"/program/edit/$"))
    suggested = page.locator("form.form fieldset.question")
    assert suggested.count() >= 1  # suggested from Carla's medium-risk plan
    before = suggested.count()
    page.fill("input[name=search]", "brug" if nl("Search") != "Search" else "bridge")
    page.locator("button[name=find]").click()
    page.locator("button[name=add]").first.click()
    expect(page.locator("form.form fieldset.question")).to_have_count(before + 1)
    page.fill("input[name=quota_activity]", "Wandelen")
    page.fill("input[name=quota_baseline]", "60")
    page.fill("input[name=quota_goal]", "150")
    page.fill("input[name=quota_weeks]", "6")
    demo.shot(page, "05-program-builder.png")
    page.locator("button[name=publish]").click()
    expect(page).to_have_url(re.compile(r"/program/$"))
    expect(page.locator(".plan-line")).to_have_count(before + 1)
    demo.shot(page, "05-program-published.png")

    phone = demo.page(**PHONE)
    log_in(phone, CARLA)
    phone.goto("/me/today/")
    cards = phone.locator("section.card[id^=exercise-]")
    expect(cards).to_have_count(before + 1)
    expect(cards.first.locator("svg")).to_be_visible()
    demo.shot(phone, "05-today-phone.png")
    first = cards.first
    # The picture moves in a loop; its box stops it (the still picture instead), for every
    # picture, and the choice stays on the next page.
    picture = first.locator(".exercise-picture")
    if not picture.locator(".fig-stop").is_visible():
        first.locator("summary").click()
    expect(picture.locator(".fig-frames")).to_be_visible()
    picture.locator(".fig-stop").click()
    expect(picture.locator(".fig-frames")).to_be_hidden()
    expect(picture.locator(".fig-still")).to_be_visible()
    assert phone.locator("input.fig-stop__box:not(:checked)").count() == 0
    phone.reload()
    expect(phone.locator("input.fig-stop__box").first).to_be_checked()
    phone.locator("input.fig-stop__box").first.uncheck()
    first.locator("input[name=done][value=yes]").check()
    first.locator("select[name=pain]").select_option("2")
    first.locator("button[type=submit]").click()
    expect(
        phone.locator("section.card[id^=exercise-]").first.locator(".notice--success")
    ).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the today page scrolls sideways on a phone ({width}px)"
    demo.shot(phone, "05-today-logged.png")


def test_between_visits_red_flag_reaches_the_clinician(demo: Demo) -> None:
    """Carla reads a module, fills her diary and answers the weekly check with a red flag on
    her phone; she sees what to do now, and Sanne sees the alert on her dashboard."""
    phone = demo.page(**PHONE)
    log_in(phone, CARLA)
    phone.goto("/me/learn/")
    phone.locator(".plan-line a").first.click()
    expect(phone).to_have_url(re.compile(r"/me/learn/[a-z_]+/$"))
    for question in phone.locator("fieldset.question").all():
        question.locator("input[type=radio]").first.check()
    submit(phone)
    expect(phone.locator(".card--success")).to_be_visible()
    demo.shot(phone, "06-module-read.png")

    phone.locator('nav a[href="/me/diary/"]').click()
    expect(phone.locator("h1")).to_have_text(nl("My diary"))
    phone.locator("label.choice", has_text=re.compile(r"^\s*3\s*$")).first.click()
    phone.fill("input[name=active_minutes]", "30")
    phone.check("input[name=exercises][value=some]")
    phone.fill("input[name=sitting_breaks]", "5")
    phone.check("input[name=sleep][value=fair]")
    phone.check("input[name=stress][value='2']")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the diary scrolls sideways on a phone ({width}px)"
    demo.shot(phone, "06-diary-phone.png")
    submit(phone)
    expect(phone).to_have_url(re.compile(r"/me/$"))
    expect(phone.locator(".messages")).to_contain_text(nl("Saved. Thank you!"))
    diary = phone.locator('.tiles a.tile[href="/me/diary/"]')
    expect(diary).to_contain_text(nl("Filled in today. Thank you!"))

    phone.locator('.tiles a.tile[href="/me/check/"]').click()
    for name in recheck_flags():
        if name != "CES-2":
            phone.check(f'input[name="{name}"][value=no]')
    phone.check('input[name="CES-2"][value=yes]')
    submit(phone)
    urgent = phone.locator("section.urgent[role=alert]")
    expect(urgent).to_be_visible()
    cauda_equina = red_flag_bank().conditions[Condition.CAUDA_EQUINA].advice[Action.SAME_DAY]
    expect(urgent.locator("h1")).to_have_text(cauda_equina.label(Lang.NL))
    expect(urgent.locator('a[href^="tel:"]')).to_be_visible()  # the practice's phone
    demo.shot(phone, "06-recheck-red-flag-phone.png")

    desk = demo.page()
    log_in(desk, SANNE)
    row = attention_row(desk, "Carla")
    expect(row).to_contain_text(nl("New red flag"))
    demo.shot(desk, "06-dashboard-alert.png")
    row.locator("a").first.click()
    expect(desk).to_have_url(re.compile(rf"/episodes/{demo.carla.id}/progress/$"))
    expect(desk.locator("#alerts")).to_contain_text("CES-2")
    # Measured at the intake only: the overview and pain, PSK and QBPDS say so in words;
    # activity and the diary (twelve days) are drawn.
    expect(desk.locator("#main .chart-single")).to_have_count(4)
    assert desk.locator("#main svg[role=img]").count() >= 2
    demo.shot(desk, "06-progress-clinician.png")
    desk.locator("#alerts button[type=submit]").click()
    expect(desk.locator("#alerts button[type=submit]")).to_have_count(0)
    desk.goto("/clinic/")
    expect(attention_row(desk, "Carla").filter(has_text=nl("New red flag"))).to_have_count(0)
