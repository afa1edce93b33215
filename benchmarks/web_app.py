"""The app as ``benchmarks.web`` serves it under gunicorn: backpath's own settings, URLs and
middleware, plus what the app itself never has.

- The floor, ``/bench/floor/``: what every logged-in page costs at least with this
  framework on this server (the session, the user, one indexed query, a small template).
- Two floors that take it apart: ``/bench/layout/`` draws the same paragraph inside the
  app's own layout (``base.html``: the menu, the language switch, the footer), the least
  any page of the app costs; ``/bench/reads/`` adds the indexed query nine times more, ten
  reads in all, about what a patient page reads. Together they show what the pages'
  ratios are made of.
- ``/bench/kept/home/`` and ``/bench/kept/today/``: ``/me/`` and ``/me/today/`` as a
  perfect cache of their data would serve them. The app's own view runs once per user,
  page and worker (that answer is marked, and the benchmark asks again without counting
  it); its template and context are kept; every later request reads the episode
  (logged, as every patient page must) and draws the same template from the kept context.
  The app does not do this, and could not safely (what is due and the red-flag state must
  be read fresh); it shows the most that any cache of a page's data could win: what is
  left is the layout, the page's own template and the one logged read.
- An ``X-Bench-Queries`` header on every answer: the database queries the request ran,
  counted in the worker, so the figures need no second, slower counting request.

The settings come from the environment ``benchmarks.web`` starts gunicorn with (the
throwaway database's URL, BACKPATH_DEMO for plain HTTP on 127.0.0.1, DEBUG off).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backpath.web.settings")
django.setup()

from django.conf import settings  # noqa: E402  (Django is set up first, above)
from django.contrib.auth.decorators import login_required  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import Http404, HttpRequest, HttpResponse  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.template import engines  # noqa: E402
from django.urls import path  # noqa: E402

from backpath.accounts.http import AuthenticatedHttpRequest  # noqa: E402
from backpath.care.access import current_episode  # noqa: E402
from backpath.care.models import Patient  # noqa: E402
from backpath.web import pages, urls  # noqa: E402
from benchmarks.web import (  # noqa: E402
    FLOOR_PATH,
    KEPT_PATH,
    LAYOUT_PATH,
    QUERIES_HEADER,
    READS,
    READS_PATH,
    WARMING_HEADER,
)

_template = engines["django"].from_string("<!doctype html><title>floor</title><p>{{ name }}</p>")
_layout = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<p>{{ name }}</p>{% endblock %}'
)


def _first_name(request: HttpRequest) -> dict[str, Any] | None:
    clinic_id = getattr(request.user, "clinic_id", None)
    return Patient.objects.filter(clinic_id=clinic_id).values("last_name").first()


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_template.render({"name": _first_name(request)}, request))


@login_required
def layout(request: HttpRequest) -> HttpResponse:
    # The menu's "Today" link is told, as the patient pages tell it (no query for it).
    context = {"name": _first_name(request), "has_program": False}
    return HttpResponse(_layout.render(context, request))


@login_required
def reads(request: HttpRequest) -> HttpResponse:
    names = [_first_name(request) for _read in range(READS)]
    return HttpResponse(_layout.render({"name": names[-1], "has_program": False}, request))


# The patient pages whose data ``kept`` keeps: the view, and the module whose ``render`` it
# calls (``/me/today/`` is the programs app's view, called from the page above it).
_KEPT_PAGES: dict[str, tuple[Callable[[HttpRequest], HttpResponse], str]] = {
    "home": (pages.home, "backpath.web.pages"),
    "today": (pages.today, "backpath.programs.views"),
}
_kept: dict[tuple[int, str], tuple[str, dict[str, Any]]] = {}


def _keeping(page: str, request: HttpRequest) -> HttpResponse:
    """The app's own page, its template and context kept for this user's next requests."""
    view, module_name = _KEPT_PAGES[page]
    module = sys.modules[module_name]
    real = module.render

    def keep(request: HttpRequest, template: str, context: dict[str, Any], **kwargs: Any) -> Any:
        _kept[(request.user.pk, page)] = (template, context)
        return real(request, template, context, **kwargs)

    module.render = keep  # a sync worker serves one request at a time
    try:
        response = view(request)
    finally:
        module.render = real
    response[WARMING_HEADER] = "1"  # not counted: the client asks again
    return response


@login_required
def kept(request: AuthenticatedHttpRequest, page: str) -> HttpResponse:
    if page not in _KEPT_PAGES:
        raise Http404
    if (request.user.pk, page) not in _kept:
        return _keeping(page, request)  # the first time in this worker
    current_episode(request.user)  # the read every patient page makes and logs
    template, context = _kept[(request.user.pk, page)]
    return render(request, template, context)


urlpatterns = [
    path(FLOOR_PATH.lstrip("/"), floor),
    path(f"{KEPT_PATH.lstrip('/')}<slug:page>/", kept),
    path(LAYOUT_PATH.lstrip("/"), layout),
    path(READS_PATH.lstrip("/"), reads),
    *urls.urlpatterns,
]
settings.ROOT_URLCONF = __name__

_django = WSGIHandler()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Django's handler, with the request's query count added to the answer's headers."""
    count = 0

    def counted(execute: Callable[..., Any], *args: Any) -> Any:
        nonlocal count
        count += 1
        return execute(*args)

    def start(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
        return start_response(status, [*headers, (QUERIES_HEADER, str(count))], *rest)

    with connection.execute_wrapper(counted):
        return _django(environ, start)
