"""The patient's education pages: the curriculum by week, each module with its check."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

import markdown
from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods

from backpath.accounts.http import AuthenticatedHttpRequest
from backpath.care import selectors
from backpath.care.access import current_episode
from backpath.care.models import Episode, PlanVersion
from backpath.care.selectors import plan_on_hold
from backpath.clinical.stratification import Profile
from backpath.education.modules import Module, curriculum, modules
from backpath.learning import services
from backpath.web.decorators import patient_required
from backpath.web.i18n import lang, text


def schedule(episode: Episode, plan: PlanVersion | None = None) -> list[dict[str, Any]]:
    """The curriculum for the episode's profile, each module with the date it opens.

    Week 1 starts with the care plan; before there is a plan, medium is assumed and only
    week 1 is open, so the safety-net module is there from the first day.
    """
    # The episode page already holds the current plan; other callers look it up here.
    plan = plan or selectors.episode_record(episode).plan
    profile = Profile(plan.profile) if plan else Profile.MEDIUM
    start = plan.starts_on if plan else timezone.localdate()
    read = {r.module_id: r for r in episode.reads.all()}
    today = timezone.localdate()
    rows = []
    for week, module_id in curriculum(profile, on_hold=plan_on_hold(plan)):
        opens = start + timedelta(weeks=week - 1)
        rows.append(
            {
                "week": week,
                "id": module_id,
                "title": text(modules()[module_id].title),
                "open": opens <= today and (plan is not None or week == 1),
                "opens": opens,
                "read": read.get(module_id),
            }
        )
    return rows


def module_html(module: Module) -> SafeString:
    """A module's body in the page's language as HTML."""
    # Our own reviewed Markdown; escaping first keeps any stray HTML inert.
    body: str = markdown.markdown(html.escape(module.body(lang()), quote=False))
    return mark_safe(body)


@patient_required
def learn(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    episode = current_episode(user)
    rows = schedule(episode) if episode else []
    return render(request, "learning/list.html", {"rows": rows})


def _check_form(module: Module, data: Any = None) -> forms.Form:
    form = forms.Form(data)
    for n, question in enumerate(module.questions):
        form.fields[f"q{n}"] = forms.TypedChoiceField(
            label=text(question.question),
            choices=[(str(i), text(option)) for i, option in enumerate(question.options)],
            coerce=int,
            widget=forms.RadioSelect,
        )
    return form


@patient_required
@require_http_methods(["GET", "POST"])
def module_page(request: AuthenticatedHttpRequest, module_id: str) -> HttpResponse:
    user = request.user
    episode = current_episode(user)
    module = modules().get(module_id)
    row = next((r for r in schedule(episode) if r["id"] == module_id), None) if episode else None
    if module is None or episode is None or row is None or not row["open"]:
        raise Http404
    form = _check_form(module, request.POST or None)
    feedback = None
    if request.method == "POST" and form.is_valid():
        answers = [form.cleaned_data[f"q{n}"] for n in range(len(module.questions))]
        services.module_read(actor=user, episode=episode, module=module, answers=answers)
        feedback = [
            {
                "question": text(q.question),
                "right": a == q.answer,
                "answer": text(q.options[q.answer]),
            }
            for a, q in zip(answers, module.questions, strict=True)
        ]
    return render(
        request,
        "learning/module.html",
        {
            "module": module,
            "title": text(module.title),
            "body": module_html(module),
            "form": form,
            "feedback": feedback,
        },
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )


def reading_progress(episode: Episode, plan: PlanVersion | None = None) -> tuple[int, int]:
    """Modules read of those open so far, for the clinician's episode page."""
    rows = schedule(episode, plan)
    opened = [r for r in rows if r["open"]]
    return sum(1 for r in opened if r["read"]), len(opened)
