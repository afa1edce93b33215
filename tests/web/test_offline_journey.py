"""The patient offline, in Debian's chromium: Carla opens Today on her phone, loses her
connection, logs an exercise and fills in her diary; both wait on the phone ("waiting to
send"), Today still opens from the phone's copy, and when she is back online each arrives
on the server exactly once (an access-log entry per write counts what the server received).

Driven like test_journeys.py: Playwright's sync API against pytest-django's ``live_server``,
the system chromium (never ``playwright install``), skipped when it is missing.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.db.utils import OperationalError
from django.utils import timezone, translation
from django.utils.translation import gettext

from backpath.accounts.models import User
from backpath.auditlog.models import AccessEntry
from backpath.care.models import Episode
from backpath.exercises.library import Dosage
from backpath.exercises.programs import GradedQuota
from backpath.followup.models import DiaryEntry
from backpath.programs.models import ExerciseLog, QuotaEntry, QuotaLog
from backpath.programs.services import ItemDraft, program_publish
from backpath.web.demo_data import DEMO_PASSWORD
from tests.browser import BROWSER, CHROMIUM, LAUNCH_ARGS, REPO, demo_with_carlas_program

pytestmark = BROWSER

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
CARLA = "carla@patient.example"
OFFLINE = "You are offline. What you save is kept on this phone and sent when you are back online."
SAVED = "Saved on this phone; it will be sent when you are back online."
# Every stylesheet and script of the page is kept on the phone (Cache Storage).
ALL_KEPT = """async () => {
    const urls = [
        ...Array.from(document.querySelectorAll("link[rel=stylesheet]"), (link) => link.href),
        ...Array.from(document.querySelectorAll("script[src]"), (script) => script.src),
    ];
    const kept = await Promise.all(urls.map((url) => caches.match(url, {ignoreVary: true})));
    return urls.filter((url, index) => !kept[index]);
}"""
# What waits in the worker's queue (IndexedDB), read from the page.
QUEUE_LENGTH = """() => new Promise((resolve, reject) => {
    const open = indexedDB.open("backpath-offline");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
        const read = open.result.transaction("queue").objectStore("queue").count();
        read.onsuccess = () => resolve(read.result);
    };
})"""


def nl(message: str) -> str:
    with translation.override("nl"):
        return gettext(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def carla(transactional_db: None, settings: Any, licensed_qbpds: Path) -> Episode:
    """The demo clinic, with a published home program for Carla."""
    return demo_with_carlas_program(settings)


@pytest.fixture
def phone(live_server: Any, browser: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", **PHONE)
    context.set_default_timeout(10_000)
    yield context
    context.close()


def log_in_and_wait_for_the_worker(page: Any) -> None:
    """Carla logs in; her first page registers the worker. A page opened before the worker
    became active is not under its control: the next load is."""
    page.goto("/login/")
    page.fill("input[name=username]", CARLA)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("#main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/me/$"))
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    for _attempt in range(5):
        if page.evaluate("() => navigator.serviceWorker.controller !== null"):
            return
        page.reload()
    pytest.fail("the service worker never took the page")


def shot(page: Any, name: str) -> None:
    """A full-page screenshot where the journeys keep theirs (var/screenshots/)."""
    folder = Path(os.environ.get("BACKPATH_SCREENSHOTS") or REPO / "var" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=True)


def settled(count: Callable[[], int]) -> int:
    """A count read from the test thread while the live server may still be writing: SQLite's
    shared in-memory test database answers "locked" then; ask again."""
    for _attempt in range(50):
        try:
            return count()
        except OperationalError:
            time.sleep(0.1)
    return count()


def test_logs_made_offline_arrive_once_when_back_online(carla: Episode, phone: Any) -> None:
    started: datetime = timezone.now()
    today = timezone.localdate()

    def logs() -> int:
        return ExerciseLog.objects.filter(item__program__episode=carla, day=today).count()

    def diary() -> int:
        return DiaryEntry.objects.filter(episode=carla, day=today).count()

    def received() -> tuple[int, int]:
        """The writes the server received (one access-log entry each), since the start."""
        since = AccessEntry.objects.filter(at__gte=started)
        return since.filter(detail="exercise.log").count(), since.filter(
            detail="diary.save"
        ).count()

    page = phone.new_page()
    log_in_and_wait_for_the_worker(page)

    # Online, under the worker: Today and the diary are kept on the phone.
    page.goto("/me/diary/")
    expect(page.locator("h1")).to_have_text(nl("My diary"))
    page.goto("/me/today/")
    banner = page.locator("#offline-status")
    expect(banner).to_have_attribute("data-waiting", "0")

    phone.set_offline(True)
    expect(banner).to_contain_text(nl(OFFLINE))
    card = page.locator("section.card[id^=exercise-]").first
    card_id = card.get_attribute("id")
    title = card.locator("h2").inner_text()
    if not card.locator("input[name=done][value=yes]").is_visible():
        card.locator("summary").click()
    card.locator("input[name=done][value=yes]").check()
    card.locator("select[name=pain]").select_option("2")
    card.locator("button[type=submit]").click()
    saved = nl(SAVED)
    # htmx put the worker's answer at the top of the card, which keeps its exercise.
    expect(page.locator(f"#{card_id} .offline-saved")).to_have_text(saved)
    expect(page.locator(f"#{card_id} h2")).to_have_text(title)
    expect(banner).to_contain_text(nl("1 entry waiting to send."))
    shot(page, "07-offline-exercise-kept.png")

    page.goto("/me/diary/")  # from the phone's copy
    expect(page.locator("h1")).to_have_text(nl("My diary"))
    page.locator("label.choice", has_text=re.compile(r"^\s*3\s*$")).first.click()
    page.fill("input[name=active_minutes]", "30")
    page.check("input[name=exercises][value=some]")
    page.fill("input[name=sitting_breaks]", "5")
    page.check("input[name=sleep][value=fair]")
    page.check("input[name=stress][value='2']")
    page.locator("#main form.form .form-actions button[type=submit]").click()
    expect(page.locator("#main")).to_contain_text(saved)
    expect(page.locator("#offline-status")).to_contain_text(
        nl("{n} entries waiting to send.").replace("{n}", "2")
    )

    # Today again, offline: the copy the phone kept.
    page.goto("/me/today/")
    expect(page.locator("h1")).to_have_text(nl("Today"))
    expect(page.locator("section.card[id^=exercise-]")).to_have_count(2)
    expect(banner).to_have_attribute("data-waiting", "2")
    assert page.evaluate(ALL_KEPT) == []  # its styles and scripts are on the phone too
    shot(page, "07-offline-today-from-the-phone.png")
    assert (logs(), diary()) == (0, 0)
    assert received() == (0, 0)
    assert page.evaluate(QUEUE_LENGTH) == 2

    # Back online: offline.js tells the worker, which sends the queue in order.
    phone.set_offline(False)
    expect(banner).to_have_attribute("data-waiting", "0", timeout=20_000)
    expect(banner).to_contain_text(nl("Sent."))
    shot(page, "07-offline-sent.png")
    assert (settled(logs), settled(diary)) == (1, 1)
    entry = DiaryEntry.objects.get(episode=carla, day=today)
    assert (entry.pain, entry.active_minutes, entry.stress) == (3, 30, 2)
    log = ExerciseLog.objects.get(item__program__episode=carla, day=today)
    assert (log.done, log.pain) == (True, 2)

    # Sent again on every trigger the worker knows: nothing goes twice.
    page.evaluate(
        """() => navigator.serviceWorker.controller.postMessage(
            {type: "online", lang: document.documentElement.lang})"""
    )
    page.reload()
    phone.set_offline(True)
    phone.set_offline(False)
    page.goto("/me/")
    page.wait_for_timeout(1500)
    assert (settled(logs), settled(diary)) == (1, 1)
    assert settled(lambda: sum(received())) == 2
    assert received() == (1, 1)
    assert page.evaluate(QUEUE_LENGTH) == 0


# The queue's entries as they are (URL, body with its submission id, ...), and put back.
QUEUE_ENTRIES = """() => new Promise((resolve, reject) => {
    const open = indexedDB.open("backpath-offline");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
        const read = open.result.transaction("queue").objectStore("queue").getAll();
        read.onsuccess = () => resolve(read.result);
    };
})"""
QUEUE_PUT_BACK = """(entries) => new Promise((resolve, reject) => {
    const open = indexedDB.open("backpath-offline");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
        const tx = open.result.transaction("queue", "readwrite");
        for (const entry of entries) tx.objectStore("queue").put(entry);
        tx.oncomplete = () => resolve(entries.length);
        tx.onerror = () => reject(tx.error);
    };
})"""


def test_two_walks_saved_offline_count_twice_and_an_entry_sent_again_counts_once(
    carla: Episode, phone: Any
) -> None:
    """The activity adds up: two entries saved offline from the same kept page are two
    (each save gets its own submission id), and an entry the phone sends a second time
    (its answer was lost on the way back) is not added again."""
    program_publish(
        actor=User.objects.get(email="sanne@delinde.example"),
        episode=carla,
        items=[ItemDraft("bridge", Dosage(sets=2, reps=10), 7)],
        quota=GradedQuota.from_baseline("walking", "minutes", 60, 150, 6),
        note="",
        reason="Walking added.",
        submission=None,
    )
    today = timezone.localdate()

    def walked() -> int:
        log = QuotaLog.objects.filter(quota__program__episode=carla, day=today).first()
        return log.amount if log else 0

    page = phone.new_page()
    log_in_and_wait_for_the_worker(page)
    page.goto("/me/today/")
    banner = page.locator("#offline-status")
    expect(banner).to_have_attribute("data-waiting", "0")

    phone.set_offline(True)
    for minutes in ("30", "20"):
        page.fill("#activity input[name=amount]", minutes)
        page.locator("#activity button[type=submit]").click()
        expect(banner).to_have_attribute("data-waiting", "1" if minutes == "30" else "2")
    kept = page.evaluate(QUEUE_ENTRIES)
    ids = {re.search(r"submission=([0-9a-f-]{36})", entry["body"]).group(1) for entry in kept}
    assert len(ids) == 2
    assert settled(walked) == 0

    phone.set_offline(False)
    expect(banner).to_have_attribute("data-waiting", "0", timeout=20_000)
    assert settled(walked) == 50

    # The same two entries once more, as if their answers had been lost: they count once.
    page.evaluate(QUEUE_PUT_BACK, kept)
    page.evaluate(
        """() => navigator.serviceWorker.controller.postMessage(
            {type: "online", lang: document.documentElement.lang})"""
    )
    for _attempt in range(100):
        if page.evaluate(QUEUE_LENGTH) == 0:
            break
        page.wait_for_timeout(200)
    assert page.evaluate(QUEUE_LENGTH) == 0  # sent and answered, not kept
    assert settled(walked) == 50
    assert QuotaEntry.objects.filter(log__quota__program__episode=carla).count() == 2


def test_logging_out_deletes_the_pages_kept_on_the_phone(carla: Episode, phone: Any) -> None:
    page = phone.new_page()
    log_in_and_wait_for_the_worker(page)
    page.goto("/me/today/")
    kept = """async () => {
        const names = await caches.keys();
        const pages = names.filter((name) => name.startsWith("backpath-pages-"));
        let count = 0;
        for (const name of pages) count += (await (await caches.open(name)).keys()).length;
        return count;
    }"""
    assert page.evaluate(kept) >= 1

    page.locator('form[action="/logout/"] button[type=submit]').click()
    expect(page).not_to_have_url(re.compile(r"/me/today/$"))
    assert page.evaluate(kept) == 0
    phone.set_offline(True)
    page.goto("/me/today/")
    # Not the patient's page: the offline page, with no name or health data.
    expect(page.locator("h1")).to_have_text(nl("You are offline"))
    assert "Carla" not in page.content()


def test_an_ended_session_keeps_the_queue_until_the_patient_logs_in_again(
    carla: Episode, phone: Any
) -> None:
    """Offline past the end of her session: the log waits ("log in again to send them"),
    and goes once she has logged in again, with the token of her new login."""
    today = timezone.localdate()

    def logs() -> int:
        return ExerciseLog.objects.filter(item__program__episode=carla, day=today).count()

    page = phone.new_page()
    log_in_and_wait_for_the_worker(page)
    page.goto("/me/today/")
    banner = page.locator("#offline-status")
    expect(banner).to_have_attribute("data-waiting", "0")
    phone.set_offline(True)
    card = page.locator("section.card[id^=exercise-]").first
    if not card.locator("input[name=done][value=no]").is_visible():
        card.locator("summary").click()
    card.locator("input[name=done][value=no]").check()
    card.locator("button[type=submit]").click()
    expect(banner).to_have_attribute("data-waiting", "1")

    phone.clear_cookies(name="sessionid")  # the session ends while she is offline
    phone.set_offline(False)
    again = banner.locator("a", has_text=nl("Log in again to send them."))
    expect(again).to_be_visible()
    expect(banner).to_have_attribute("data-waiting", "1")
    assert settled(logs) == 0

    again.click()
    page.fill("input[name=username]", CARLA)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("#main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(banner).to_have_attribute("data-waiting", "0")
    expect(banner).to_contain_text(nl("Sent."))
    assert settled(logs) == 1
    assert ExerciseLog.objects.get(item__program__episode=carla, day=today).done is False
