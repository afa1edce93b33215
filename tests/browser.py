"""What the browser tests share: Debian's Chromium driven by Playwright's sync API (never
`playwright install`; no browser is downloaded here)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop in the test thread; Django's database calls from
# that thread (fixtures, assertions) are still synchronous and safe. Read at each DB call, so
# setting it when a browser test module is imported, before any fixture runs, is enough.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[1]

# pytestmark of a browser test module.
BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(
        # CI installs chromium; there a missing browser must fail the run, not skip it.
        not CHROMIUM.exists() and not os.environ.get("CI"),
        reason="browser journeys need /usr/bin/chromium (apt install chromium)",
    ),
]

LAUNCH_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
