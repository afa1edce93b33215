"""Figures for the exercise documents and the patient's phone page (``make bench``).

1. Time to build the patient's personal booklet (PDF) for the demo patient's suggested
   program, and the whole library as the e-book: medians over several runs (targets 0.5 s
   and 3 s).
2. Transferred size of the patient's "today" page with its CSS and JavaScript, as served by
   the app: raw and gzip-compressed (the page as the app compresses it for a browser that
   asks; the files as whitenoise serves them compressed in production; target 100 KB).

Runs on a throwaway SQLite database with the demo clinic; nothing is kept.
"""

from __future__ import annotations

import gzip
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import date

BOOKLET_TARGET_S = 0.5
EBOOK_TARGET_S = 3.0
TODAY_TARGET_KB = 100.0


def _setup() -> None:
    os.environ["BACKPATH_DEMO"] = "true"
    os.environ["BACKPATH_DATA_DIR"] = tempfile.mkdtemp(prefix="backpath-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "backpath.web.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _median(call: object, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def main() -> int:
    _setup()
    from django.core.cache import cache
    from django.test import Client

    from backpath.accounts.models import User
    from backpath.care import selectors
    from backpath.care.models import Episode
    from backpath.clinical.language import Lang
    from backpath.exercises.library import library
    from backpath.exercises.programs import GradedQuota, suggest_program
    from backpath.programs import booklets, services
    from backpath.programs.views import _builder_patient
    from backpath.web.demo_data import load_demo

    load_demo()
    episode = Episode.objects.get(patient__first_name="Carla")
    sanne = User.objects.get(email="sanne@delinde.example")
    record = selectors.episode_record(episode)
    # The program as the builder first suggests it.
    suggested = suggest_program(_builder_patient(record), library())
    program = services.program_publish(
        actor=sanne,
        episode=episode,
        items=[services.ItemDraft(p.exercise_id, p.dosage, p.per_week) for p in suggested],
        quota=GradedQuota.from_baseline("wandelen", "minutes", 60, 150, 6),
        note="",
        reason="",
        submission=None,
    )

    print("backpath document benchmark (figures, not a pass/fail test)")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")

    def printed() -> bytes:
        cache.clear()  # the print itself, not a cache hit (a booklet is cached per version)
        return booklets.program_booklet(program, Lang.NL)

    booklet, runs = _median(printed, 5)
    print(
        f"personal booklet ({len(suggested)} exercises): median {booklet:.2f} s over 5 runs "
        f"(min {min(runs):.2f}); target <= {BOOKLET_TARGET_S} s: "
        f"{'ok' if booklet <= BOOKLET_TARGET_S else 'OVER'}"
    )
    ebook, runs = _median(
        lambda: booklets.library_booklet(Lang.NL, "De Linde", date(2026, 11, 25)), 3
    )
    print(
        f"library e-book ({len(library())} exercises): median {ebook:.2f} s over 3 runs "
        f"(min {min(runs):.2f}); target <= {EBOOK_TARGET_S} s: "
        f"{'ok' if ebook <= EBOOK_TARGET_S else 'OVER'}"
    )

    client = Client(HTTP_HOST="localhost")
    # Logged in without the form: the login (rate-limited by axes, which wants the request)
    # is not what this measures.
    client.force_login(User.objects.get(email="carla@patient.example"))
    # As a phone asks for it: the page comes compressed from the app itself.
    page = client.get("/me/today/", HTTP_ACCEPT_ENCODING="gzip")
    assert page.status_code == 200, page.status_code
    assert page.get("Content-Encoding") == "gzip", "the page was not sent compressed"
    html = gzip.decompress(page.content)
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
    files = [b"".join(client.get(a.decode()).streaming_content) for a in assets]  # type: ignore[attr-defined]
    raw = (len(html) + sum(len(p) for p in files)) / 1024
    packed = (len(page.content) + sum(len(gzip.compress(p, 9)) for p in files)) / 1024
    names = ", ".join(a.decode().rsplit("/", 1)[-1] for a in assets)
    print(
        f"today page: HTML {len(html) / 1024:.1f} KB ({len(page.content) / 1024:.1f} KB sent) "
        f"+ {names}: {raw:.1f} KB raw, "
        f"{packed:.1f} KB gzip; target <= {TODAY_TARGET_KB:.0f} KB transferred: "
        f"{'ok' if packed <= TODAY_TARGET_KB else 'OVER'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
