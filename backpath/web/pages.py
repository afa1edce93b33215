"""Pages that combine apps: the clinician's dashboard and episode page, the patient's home.

They sit above the apps whose data they show (the care record, what happens between visits,
the home program), so no app below has to import another above it.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backpath.accounts.http import AuthenticatedHttpRequest
from backpath.care import core_input, selectors, services
from backpath.care.access import access_episode, current_episode, log_list
from backpath.care.forms import CloseForm, GpAnswerForm
from backpath.care.models import Episode
from backpath.followup.selectors import attention, between_visits, unresolved_red_flag
from backpath.programs import views as programs_views
from backpath.programs.selectors import today_overview
from backpath.web.decorators import clinician_required, patient_required
from backpath.web.i18n import lang
from backpath.web.paging import page_number


@clinician_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What needs attention and the open episodes, a bounded page of each with "more": the
    URL carries the scope and the pages (a number, an episode's id), nothing about a patient."""
    user = request.user
    scope = selectors.Scope.parse(request.GET.get("scope"))
    log_list(user, "dashboard")
    return render(
        request,
        "care/dashboard.html",
        {
            "scope": scope,
            "attention": attention(user, scope, page=page_number(request.GET.get("attention"))),
            "episodes": selectors.open_episodes(
                user, scope, after=request.GET.get("after"), before=request.GET.get("before")
            ),
        },
    )


def _episode_page(
    request: HttpRequest,
    episode: Episode,
    close_form: CloseForm,
    status: int = 200,
    gp_answer_form: GpAnswerForm | None = None,
) -> HttpResponse:
    record = selectors.episode_record(episode)
    if gp_answer_form is None and episode.is_open and selectors.plan_on_hold(record.plan):
        gp_answer_form = GpAnswerForm(opened_on=timezone.localdate(episode.opened_at))
    return render(
        request,
        "care/episode_detail.html",
        {
            "episode": episode,
            "record": record,
            "between": between_visits(episode, timezone.localdate(), record.plan),
            "alerts": list(episode.alerts.filter(resolved_at__isnull=True)),
            "next_evaluation": record.next_evaluation(),
            "intake": episode.intake,
            "withheld": core_input.withheld_instruments(episode),
            "close_form": close_form,
            "gp_answer_form": gp_answer_form,
        },
        status=status,
    )


@clinician_required
@require_POST
def gp_answer(request: AuthenticatedHttpRequest, episode_id: str) -> HttpResponse:
    """The GP's answer to the red-flag referral releases the plan's hold."""
    user = request.user
    episode = access_episode(user, episode_id, need_clinician=True)
    form = GpAnswerForm(request.POST, opened_on=timezone.localdate(episode.opened_at))
    if not form.is_valid():
        return _episode_page(request, episode, CloseForm(), status=400, gp_answer_form=form)
    try:
        services.gp_answer_record(
            actor=user,
            episode=episode,
            answered_on=form.cleaned_data["answered_on"],
            note=form.cleaned_data["note"],
            submission=form.cleaned_data["submission"],
        )
    except services.NotOnHold:
        messages.info(request, _("The care plan does not wait for a GP's answer."))
        return redirect("episode_detail", episode.id)
    messages.success(request, _("The GP's answer is recorded; the care plan is released."))
    return redirect("plan_detail", episode.id)


@clinician_required
def episode_detail(request: AuthenticatedHttpRequest, episode_id: str) -> HttpResponse:
    episode = access_episode(request.user, episode_id, need_clinician=True)
    return _episode_page(request, episode, CloseForm())


@clinician_required
@require_POST
def episode_close(request: AuthenticatedHttpRequest, episode_id: str) -> HttpResponse:
    user = request.user
    episode = access_episode(user, episode_id, need_clinician=True)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _episode_page(request, episode, form, status=400)
    services.episode_close(
        actor=user,
        episode=episode,
        reason=form.cleaned_data["reason"],
        summary=form.cleaned_data["summary"],
    )
    messages.success(request, _("The episode is closed. The end report is ready."))
    return redirect("episode_detail", episode.id)


@patient_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    episode = current_episode(user)
    record = selectors.episode_record(episode) if episode else None
    today = timezone.localdate()
    state = between_visits(episode, today, record.plan) if episode and record else None
    # What is due today, at the top: the between-visits state and the home program together.
    overview = today_overview(episode, today, lang(), state) if episode else None
    return render(
        request,
        "portal/home.html",
        {
            "episode": episode,
            "record": record,
            "state": state,
            "overview": overview,
            "red_flag": unresolved_red_flag(episode) if episode else None,
            "has_program": overview is not None and overview.program is not None,
            "next_evaluation": record.next_evaluation() if record else None,
        },
    )


def today(request: HttpRequest) -> HttpResponseBase:
    """Today: the home program (programs) with what is due between visits (followup), which
    the programs app may not import; the view itself checks who may open it."""
    return programs_views.today(request, visits=between_visits)
