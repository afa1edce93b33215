"""Installable and offline, for the patient on a phone: the web app manifest, the service
worker and the two offline pages it keeps. All public: none of them holds personal data.

The service worker is served from the site root (``/sw.js``), so its scope is the whole site.
Its code is the static file ``backpath/sw.js`` with a first line of settings prepended: the
static URLs of the app shell (hashed in production), the paths of the patient's pages and
forms, and a cache version. A new release or a changed static file changes that line, so
the browser installs the new worker and the old caches are deleted.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

import backpath

# app.css's --primary: the browser's bar and the splash screen of the installed app.
THEME_COLOR = "#0f6b74"

SW_SOURCE = Path(__file__).resolve().parent / "static" / "backpath" / "sw.js"

ICONS: tuple[dict[str, str], ...] = (
    {"src": "backpath/icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
    {"src": "backpath/icons/icon-512.png", "sizes": "512x512", "type": "image/png"},
    {"src": "backpath/icons/icon.svg", "sizes": "any", "type": "image/svg+xml"},
    {
        "src": "backpath/icons/icon-maskable-512.png",
        "sizes": "512x512",
        "type": "image/png",
        "purpose": "maskable",
    },
)

# What a patient's page needs without a connection: the styles, the scripts (htmx for
# Today's forms, the timer, the pictures' stop box, this module's own), the icons.
SHELL_STATIC = (
    "backpath/app.css",
    "backpath/offline.js",
    "backpath/timer.js",
    "backpath/figures.js",
    "django_htmx/htmx-2.min.js",
    "backpath/icons/icon.svg",
    "backpath/icons/icon-192.png",
    "backpath/icons/favicon-32.png",
)

# The patient's pages kept for offline reading (network first, the last copy when offline).
OFFLINE_PAGES = ("portal_home", "today", "portal_plan", "diary")
# The forms whose posts are kept on the phone when offline and sent later, in order.
QUEUED_FORMS = ("log_exercise", "log_quota", "diary")


@require_safe
def manifest(request: HttpRequest) -> HttpResponse:
    data: dict[str, Any] = {
        "id": reverse("portal_home"),
        "name": "backpath",
        "short_name": "backpath",
        "description": _("Your exercises, diary and plan for your back."),
        "lang": get_language(),
        "dir": "ltr",
        "start_url": reverse("portal_home"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": THEME_COLOR,
        "categories": ["health", "medical"],
        "icons": [{**icon, "src": static(icon["src"])} for icon in ICONS],
    }
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1),
        content_type="application/manifest+json; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


def _shell() -> list[str]:
    files = list(SHELL_STATIC)
    if settings.DEBUG:  # django-htmx adds its debug helper in DEBUG
        files.append("django_htmx/django-htmx.js")
    return [static(name) for name in files] + [reverse("offline"), reverse("offline_saved")]


def service_worker_source() -> str:
    """The worker's code: its settings, then ``backpath/sw.js``."""
    code = SW_SOURCE.read_text(encoding="utf-8")
    config: dict[str, Any] = {
        "shell": _shell(),
        "area": reverse("portal_home"),  # the patient's part of the site
        "offline": reverse("offline"),
        "saved": reverse("offline_saved"),
        "static": settings.STATIC_URL,
        "pages": [reverse(name) for name in OFFLINE_PAGES],
        "queued": [reverse(name) for name in QUEUED_FORMS],
        "login": reverse("login"),
        "logout": reverse("logout"),
    }
    # The release, and a digest of everything above: a changed file means new caches.
    digest = hashlib.sha256((json.dumps(config, sort_keys=True) + code).encode()).hexdigest()
    config["version"] = f"{backpath.__version__}-{digest[:12]}"
    return f"const CONFIG = {json.dumps(config, sort_keys=True)};\n{code}"


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        service_worker_source(), content_type="application/javascript; charset=utf-8"
    )
    # The browser asks again at every visit, so an update arrives at once.
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def offline(request: HttpRequest, saved: bool = False) -> HttpResponse:
    """The page the worker shows for a page it does not keep (``saved`` False), and its answer
    to a form kept on the phone (``saved`` True). The same for everyone: no name, no token."""
    response = render(request, "offline.html", {"saved": saved})
    response["Cache-Control"] = "no-cache"
    return response
