"""The patient's own pages (mobile first): home, my plan, and when to see a doctor."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from backpath.accounts.http import AuthenticatedHttpRequest
from backpath.care import selectors
from backpath.care.access import current_episode
from backpath.clinical.redflags import Action, AskedOf, red_flag_bank
from backpath.web.decorators import patient_required
from backpath.web.i18n import text


@patient_required
def plan(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    episode = current_episode(user)
    record = selectors.episode_record(episode) if episode else None
    return render(
        request,
        "portal/plan.html",
        {
            "episode": episode,
            "record": record,
            "plan": record.plan if record else None,
            "omitted": [o["id"] for o in record.plan.omitted] if record and record.plan else [],
            "next_evaluation": record.next_evaluation() if record else None,
        },
    )


@patient_required
def safety_net(request: AuthenticatedHttpRequest) -> HttpResponse:
    """When to see a doctor: the patient-asked red flags grouped by what to do.

    A condition with words of its own for a level (cauda equina: "call your GP now") gets its
    own group, so each question stands under the advice the triage would give.
    """
    bank = red_flag_bank()
    groups = []
    for action in (Action.EMERGENCY, Action.SAME_DAY):
        asked = [f for f in bank.flags if f.action is action and f.asked_of is AskedOf.PATIENT]
        by_advice: dict[int, tuple[Any, list[str]]] = {}
        for flag in asked:
            advice = bank.conditions[flag.condition].advice.get(action) or bank.actions[action]
            by_advice.setdefault(id(advice), (advice, []))[1].append(text(flag.question))
        # The condition's own, more urgent words first (cauda equina: now, before today).
        ordered = sorted(by_advice.values(), key=lambda pair: pair[0] is bank.actions[action])
        for advice, questions in ordered:
            groups.append(
                {
                    "action": action.value,
                    "label": text(advice.label),
                    "advice": text(advice.patient),
                    "questions": questions,
                }
            )
    return render(request, "portal/safety_net.html", {"groups": groups})
