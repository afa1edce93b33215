"""The patient's prevention pages: a workstation check and a lifestyle check, with advice.

The questions and the advice come from ``backpath.education.prevention``; these views only
build the form, store a submission and show the advice with its source and module link.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from backpath.accounts.http import AuthenticatedHttpRequest
from backpath.care.access import current_episode
from backpath.care.models import Episode
from backpath.clinical.citations import Evidence, citations
from backpath.clinical.errors import ClinicalInputError
from backpath.education.modules import modules
from backpath.education.prevention import Advice, CheckKind, advice_by_ids, checks
from backpath.learning.views import schedule
from backpath.prevention.forms import PreventionForm
from backpath.prevention.services import latest_checks, prevention_check_record
from backpath.web.citations import source_label
from backpath.web.decorators import patient_required
from backpath.web.i18n import text

# A literature entry ends with a reviewer's summary in brackets; a patient sees the reference.
_SUMMARY = re.compile(r"\s+\([^()]*\)$")


def _source(citation_id: str) -> str | None:
    """The reference a patient reads under a tip; none for backpath's own advice (a design
    default still under review by clinicians: that is for staff, not a source to show)."""
    if citation_id in citations() and citations()[citation_id].evidence is Evidence.DESIGN:
        return None
    return _SUMMARY.sub("", source_label(citation_id))


def _open_modules(episode: Episode) -> set[str]:
    """Modules the patient can read now; a module opens by week (see the learning pages)."""
    return {row["id"] for row in schedule(episode) if row["open"]}


def _advice_rows(episode: Episode, advice: list[Advice]) -> list[dict[str, Any]]:
    can_read = _open_modules(episode) if any(item.module for item in advice) else set()
    rows = []
    for item in advice:
        module = modules().get(item.module) if item.module else None
        rows.append(
            {
                "rule": item.rule,
                "text": text(item.text),
                "source": _source(item.citation),
                "module": module.id if module else None,
                "module_title": text(module.title) if module else None,
                "module_open": module is not None and module.id in can_read,
            }
        )
    return rows


@patient_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    episode = current_episode(user)
    cards = []
    if episode is not None:
        latest = latest_checks(episode)
        for kind, check in checks().items():
            record = latest.get(kind)
            cards.append(
                {
                    "kind": kind.value,
                    "title": text(check.title),
                    "intro": text(check.intro),
                    "latest": record,
                    "advice": _advice_rows(episode, advice_by_ids(kind, record.advice))
                    if record
                    else [],
                }
            )
    return render(request, "prevention/list.html", {"episode": episode, "cards": cards})


@patient_required
@require_http_methods(["GET", "POST"])
def check_page(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    try:
        check_kind = CheckKind(kind)
    except ValueError:
        raise Http404 from None
    check = checks()[check_kind]
    user = request.user
    episode = current_episode(user)
    context: dict[str, Any] = {
        "kind": check_kind.value,
        "title": text(check.title),
        "intro": text(check.intro),
        "episode": episode,
    }
    if episode is None:
        return render(request, "prevention/check.html", context)
    if request.method == "POST":
        form = PreventionForm(check_kind, check, request.POST)
        if form.is_valid():
            try:
                record = prevention_check_record(
                    actor=user,
                    episode=episode,
                    kind=check_kind,
                    answers=form.cleaned_data["answers"],
                    submission=form.cleaned_data["submission"],
                )
            except ClinicalInputError as error:
                form.refuse(error)
            else:
                context["record"] = record
                context["advice"] = _advice_rows(episode, advice_by_ids(check_kind, record.advice))
                return render(request, "prevention/check.html", context)
        return render(request, "prevention/check.html", context | {"form": form}, status=400)
    latest = latest_checks(episode).get(check_kind)
    form = PreventionForm(check_kind, check, initial=latest.answers if latest else None)
    return render(request, "prevention/check.html", context | {"form": form, "latest": latest})
