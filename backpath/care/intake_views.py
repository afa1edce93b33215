"""The intake, filled by the patient at home or by the clinician: red flags first.

Step 1 asks the red-flag questions. An emergency or same-day answer stops the intake there
and shows the patient, in plain words, what to do now; the episode is marked for the
clinician. Otherwise step 2 asks about the complaint and the questionnaires.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backpath.accounts.http import AuthenticatedHttpRequest
from backpath.accounts.models import User
from backpath.care import core_input, services
from backpath.care.access import access_episode
from backpath.care.forms import QuestionnaireForm, SafetyForm, answer_choice
from backpath.care.models import Episode, IntakeStatus
from backpath.clinical.redflags import Action


def _open_intake(request: AuthenticatedHttpRequest, episode_id: str) -> tuple[User, Episode]:
    user = request.user
    return user, access_episode(user, episode_id)


def _elsewhere(episode: Episode) -> HttpResponse | None:
    """Where to go when this step is not the intake's current one."""
    status = episode.intake.status
    if status == IntakeStatus.STOPPED:
        return redirect("intake_urgent", episode.id)
    if status == IntakeStatus.SUBMITTED or not episode.is_open:
        return redirect("intake_done", episode.id)
    return None


def _finished(episode: Episode) -> HttpResponse:
    episode.refresh_from_db()
    episode.intake.refresh_from_db()
    return _elsewhere(episode) or redirect("intake_safety", episode.id)


@login_required
@require_http_methods(["GET", "POST"])
def intake_safety(request: AuthenticatedHttpRequest, episode_id: str) -> HttpResponse:
    user, episode = _open_intake(request, episode_id)
    if moved := _elsewhere(episode):
        return moved
    intake = episode.intake
    initial = {k: answer_choice(v) for k, v in intake.red_flags.items()}
    initial.update({k: "yes" if v else "no" for k, v in intake.patient_facts.items()})
    form = SafetyForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.intake_save_safety(
                    actor=user, episode=episode, red_flags=form.red_flags(), facts=form.facts()
                )
            except services.IntakeClosed:
                return _finished(episode)
            if result.stops_care:
                return redirect("intake_urgent", episode.id)
            return redirect("intake_questionnaires", episode.id)
        return render(
            request, "care/intake_safety.html", {"episode": episode, "form": form}, status=400
        )
    return render(request, "care/intake_safety.html", {"episode": episode, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def intake_questionnaires(request: AuthenticatedHttpRequest, episode_id: str) -> HttpResponse:
    user, episode = _open_intake(request, episode_id)
    if moved := _elsewhere(episode):
        return moved
    if episode.intake.status == IntakeStatus.SAFETY:
        return redirect("intake_safety", episode.id)
    instruments = core_input.instruments_for(episode)
    form = QuestionnaireForm(request.POST or None, instruments=instruments)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.intake_submit(
                actor=user,
                episode=episode,
                description=form.cleaned_data["description"],
                complaint=form.complaint(),
                answers=form.answers(),
                item_notes=form.item_notes(),
                instrument_versions={d.id: f"{d.version} r{d.revision}" for d in form.instruments},
            )
        except services.IntakeClosed:
            # A second tab or a double submit finished the intake first: show where it stands.
            return _finished(episode)
        if Action(record.urgency).stops_care:
            return redirect("intake_urgent", episode.id)
        return redirect("intake_done", episode.id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "care/intake_questionnaires.html",
        {"episode": episode, "form": form, "error_count": len(form.errors)},
        status=status,
    )


@login_required
def intake_urgent(request: AuthenticatedHttpRequest, episode_id: str) -> HttpResponse:
    user, episode = _open_intake(request, episode_id)
    if episode.intake.status != IntakeStatus.STOPPED:
        return redirect("intake_safety", episode.id)
    return render(
        request,
        "care/intake_urgent.html",
        {"episode": episode, "urgency": episode.intake.urgency, "is_patient": user.is_patient},
    )


@login_required
def intake_done(request: AuthenticatedHttpRequest, episode_id: str) -> HttpResponse:
    user, episode = _open_intake(request, episode_id)
    if user.is_clinician:
        return redirect("episode_detail", episode.id)
    if episode.intake.status == IntakeStatus.STOPPED:
        return redirect("intake_urgent", episode.id)
    if episode.intake.status != IntakeStatus.SUBMITTED:
        return redirect("intake_safety", episode.id)
    return render(
        request,
        "care/intake_done.html",
        {"episode": episode, "title": _("Thank you")},
    )
