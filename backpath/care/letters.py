"""The start and end reports to the GP or referrer that KNGF 2021 (module D) asks for.

One template serves the page and the PDF, so what the clinician reads is what is sent.
"""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from backpath.accounts.http import AuthenticatedHttpRequest
from backpath.auditlog.models import Action
from backpath.care import selectors
from backpath.care.access import access_episode
from backpath.care.models import Episode, EpisodeStatus
from backpath.interchange import in_language
from backpath.web.decorators import clinician_required
from backpath.web.i18n import lang
from backpath.web.pdf import pdf_throttle, render_pdf

KINDS = ("start", "end")


def printed(kind: str) -> str:
    """The access log's detail of a report's PDF: the quality figures count reports made."""
    return f"letter_pdf:{kind}"


def _context(
    request: AuthenticatedHttpRequest, episode_id: str, kind: str, action: Action = Action.VIEW
) -> dict[str, Any]:
    if kind not in KINDS:
        raise Http404
    episode: Episode = access_episode(
        request.user,
        episode_id,
        need_clinician=True,
        action=action,
        detail=printed(kind) if action is Action.PRINT else "",
    )
    record = selectors.episode_record(episode)
    if record.plan is None or (kind == "end" and episode.status != EpisodeStatus.CLOSED):
        raise Http404
    first = record.intake_assessment
    latest = record.latest
    language = lang().value
    return {
        "kind": kind,
        "episode": episode,
        "patient": episode.patient,
        "clinic": episode.clinic,
        "record": record,
        "plan": in_language(record.plan.plan, language),
        "plan_version": record.plan,
        "omitted": [o["id"] for o in record.plan.omitted],
        "first": in_language(first.result, language) if first else None,
        "latest": in_language(latest.result, language) if latest else None,
        "author": request.user,
        "today": timezone.localdate(),
    }


@clinician_required
def letter(request: AuthenticatedHttpRequest, episode_id: str, kind: str) -> HttpResponse:
    return render(request, "letters/page.html", _context(request, episode_id, kind))


@clinician_required
def letter_pdf(request: AuthenticatedHttpRequest, episode_id: str, kind: str) -> HttpResponse:
    if (refused := pdf_throttle(request.user)) is not None:
        return refused
    context = _context(request, episode_id, kind, Action.PRINT)
    stylesheet = finders.find("backpath/letter.css")
    assert isinstance(stylesheet, str)
    with open(stylesheet, encoding="utf-8") as css:
        context["inline_css"] = css.read()
    html = render_to_string("letters/pdf.html", context, request=request)
    pdf = render_pdf(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    # The file name carries no patient name: it may end up in download folders and logs.
    response["Content-Disposition"] = f'inline; filename="backpath-{kind}-report.pdf"'
    return response
