"""Pages between visits: the patient's diary, safety check, flare-up plan, questionnaires and
progress; the clinician's progress page and alert handling.

Patient pages find the patient's own current episode (no id in the URL); clinician pages
reach an episode or alert only through the user's clinic (404 otherwise).
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import messages
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backpath.accounts.http import AuthenticatedHttpRequest
from backpath.accounts.models import User
from backpath.care.access import access_episode, current_episode, episode_to_write
from backpath.care.forms import InstrumentsForm
from backpath.care.models import Episode
from backpath.care.selectors import Scope
from backpath.charts import WIDTH
from backpath.clinical.instruments import instrument
from backpath.clinical.redflags import Action, red_flag_bank
from backpath.education.modules import modules
from backpath.followup import services
from backpath.followup.episode_charts import PHONE_WIDTH, progress_charts_for
from backpath.followup.forms import DiaryForm, FlareForm, LongStandingForm, RecheckForm
from backpath.followup.models import CheckKind, LongStandingSymptom, Measurement, RedFlagCheck
from backpath.followup.progress import course, occasion_label
from backpath.followup.selectors import alerts_for, between_visits
from backpath.learning.views import module_html
from backpath.web.decorators import clinician_required, patient_required
from backpath.web.i18n import text
from backpath.web.paging import dashboard_url, page_number

FLARE_MODULE = "flare_up_plan"
# The columns of the clinician's measurement table.
MEASURED = ("nprs", "psk", "qbpds", "gpe", "startback")


def _patient(request: AuthenticatedHttpRequest) -> tuple[User, Episode | None]:
    user = request.user
    return user, current_episode(user)


def _no_episode(request: HttpRequest, title: str) -> HttpResponse:
    return render(request, "followup/no_episode.html", {"title": title})


@patient_required
@require_http_methods(["GET", "POST"])
def diary(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        # A save shows no record (it answers with a redirect, or the form as typed), so its
        # access-log entry is the save's own, written with it; no read is logged before it.
        episode = episode_to_write(user)
        if episode is None:
            return _no_episode(request, _("My diary"))
        form = DiaryForm(request.POST)
        if form.is_valid():
            day = form.cleaned_data["day"]
            services.diary_save(actor=user, episode=episode, day=day, values=form.answers())
            messages.success(request, _("Saved. Thank you!"))
            return redirect("portal_home")
        return render(request, "followup/diary.html", {"form": form}, status=400)
    episode = current_episode(user)
    if episode is None:
        return _no_episode(request, _("My diary"))
    entry = episode.diary.filter(day=timezone.localdate()).first()
    form = DiaryForm(initial=model_to_dict(entry, fields=DiaryForm.ANSWERS) if entry else None)
    return render(request, "followup/diary.html", {"form": form, "entry": entry})


def _recheck_page(
    request: HttpRequest, episode: Episode, form: RecheckForm, template: str, **context: Any
) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form, "episode": episode, **context}, status=status)


def _store_check(user: User, episode: Episode, form: RecheckForm, kind: CheckKind) -> HttpResponse:
    flare = isinstance(form, FlareForm)
    check = services.recheck_record(
        actor=user,
        episode=episode,
        kind=kind,
        answers=form.answers(),
        submission=form.cleaned_data["submission"],
        pain=form.cleaned_data["pain"] if flare else None,
        note=form.cleaned_data["note"] if flare else "",
        changed=form.changed,
    )
    return redirect("recheck_result", check.id)


@patient_required
@require_http_methods(["GET", "POST"])
def recheck(request: AuthenticatedHttpRequest) -> HttpResponse:
    user, episode = _patient(request)
    if episode is None:
        return _no_episode(request, _("Safety check"))
    form = RecheckForm(request.POST or None, long_standing=services.long_standing_flags(episode))
    if request.method == "POST" and form.is_valid():
        return _store_check(user, episode, form, CheckKind.WEEKLY)
    return _recheck_page(request, episode, form, "followup/recheck.html")


@patient_required
@require_http_methods(["GET", "POST"])
def flare(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The flare-up plan, one tap from every patient page, with the flare report below it."""
    user, episode = _patient(request)
    plan = module_html(modules()[FLARE_MODULE])
    if episode is None:  # the plan helps before treatment starts; the report needs an episode
        if request.method == "POST":
            raise Http404
        return render(request, "followup/flare.html", {"plan": plan})
    form = FlareForm(request.POST or None, long_standing=services.long_standing_flags(episode))
    if request.method == "POST" and form.is_valid():
        return _store_check(user, episode, form, CheckKind.FLARE)
    return _recheck_page(request, episode, form, "followup/flare.html", plan=plan)


@patient_required
def recheck_result(request: AuthenticatedHttpRequest, check_id: str) -> HttpResponse:
    _user, episode = _patient(request)
    check = RedFlagCheck.objects.filter(episode=episode, pk=check_id).first()
    if check is None:
        raise Http404
    stops = Action(check.urgency).stops_care
    return render(
        request,
        "followup/recheck_result.html",
        {"check": check, "episode": episode, "urgency": check.urgency, "stops": stops},
    )


@patient_required
def questionnaires(request: AuthenticatedHttpRequest) -> HttpResponse:
    _user, episode = _patient(request)
    if episode is None:
        return _no_episode(request, _("Questionnaires"))
    state = between_visits(episode, timezone.localdate())
    upcoming = [o for o in state.occasions if o.key not in state.measured and o not in state.due]
    return render(
        request,
        "followup/questionnaires.html",
        {
            "due": [(o, occasion_label(o.key)) for o in state.due],
            "upcoming": [(o, occasion_label(o.key)) for o in upcoming],
            "done": [(m, occasion_label(m.occasion)) for m in state.measured.values()],
        },
    )


@patient_required
@require_http_methods(["GET", "POST"])
def questionnaire(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    user, episode = _patient(request)
    if episode is None:
        raise Http404
    today = timezone.localdate()
    state = between_visits(episode, today)
    occasion = next((o for o in state.due if o.key == key), None)
    if occasion is None or state.plan is None:
        if key in state.measured:
            messages.info(request, _("You have already filled in this questionnaire."))
            return redirect("questionnaires")
        raise Http404
    form = InstrumentsForm(request.POST or None, instruments=occasion.instruments)
    if request.method == "POST" and form.is_valid():
        # A double submit finds the occasion measured: the first one counted.
        with contextlib.suppress(services.MeasurementClosed):
            services.measurement_record(
                actor=user,
                episode=episode,
                plan=state.plan,
                occasion=occasion,
                answers=form.answers(),
                instrument_versions={d.id: f"{d.version} r{d.revision}" for d in form.instruments},
                today=today,
            )
        messages.success(request, _("Thank you. Your physiotherapist will see your answers."))
        return redirect("portal_progress")
    return render(
        request,
        "followup/questionnaire.html",
        {"form": form, "title": occasion_label(occasion.key)},
        status=400 if request.method == "POST" else 200,
    )


def _charts(
    episode: Episode, *, width: int, measurements: list[Measurement] | None = None
) -> dict[str, Any]:
    today = timezone.localdate()
    if measurements is None:
        measurements = list(episode.measurements.order_by("created_at"))
    history = course(episode, measurements, today)
    return {
        "course": history,
        "charts": progress_charts_for(episode, history, today, width=width),
    }


@patient_required
def portal_progress(request: AuthenticatedHttpRequest) -> HttpResponse:
    # The intake's scores are the charts' first point.
    episode = current_episode(request.user, with_intake=True)
    if episode is None:
        return _no_episode(request, _("My progress"))
    context = _charts(episode, width=PHONE_WIDTH)
    # The menu's "Today" link: the exercises chart is drawn when there is a program.
    context["has_program"] = "exercises" in context["charts"]
    return render(request, "followup/portal_progress.html", context)


@clinician_required
@require_http_methods(["GET", "POST"])
def episode_progress(request: AuthenticatedHttpRequest, episode_id: str) -> HttpResponse:
    """The clinician's progress page. Its posts document a re-check symptom as long-standing
    (``action=document``) or remove that again (``action=remove``)."""
    user = request.user
    episode = access_episode(user, episode_id, need_clinician=True)
    if request.method != "POST":
        return _progress_page(request, episode, LongStandingForm())
    here = reverse("episode_progress", args=[episode.id]) + "#long-standing"
    if request.POST.get("action") == "remove":
        removed = services.long_standing_remove(
            actor=user, episode=episode, flag=request.POST.get("flag", "")
        )
        if removed is not None:
            messages.success(
                request,
                _("%(flag)s is asked with its usual question again.") % {"flag": removed.flag},
            )
        return redirect(here)
    form = LongStandingForm(request.POST)
    if not form.is_valid():
        return _progress_page(request, episode, form, status=400)
    row = services.long_standing_document(
        actor=user,
        episode=episode,
        flag=form.cleaned_data["flag"],
        reason=form.cleaned_data["reason"],
        submission=form.cleaned_data["submission"],
    )
    messages.success(
        request,
        _("%(flag)s is documented as long-standing: the patient is asked whether it has changed.")
        % {"flag": row.flag},
    )
    return redirect(here)


def _long_standing_rows(episode: Episode) -> list[dict[str, Any]]:
    flags = red_flag_bank().by_id
    rows = LongStandingSymptom.objects.filter(episode=episode).select_related(
        "documented_by", "removed_by"
    )
    return [
        {
            "row": row,
            "meaning": text(flags[row.flag].meaning),
            "asked": text(question) if (question := flags[row.flag].changed_question) else "",
        }
        for row in rows.order_by("-documented_at")
        if row.flag in flags
    ]


def _progress_page(
    request: HttpRequest, episode: Episode, form: LongStandingForm, *, status: int = 200
) -> HttpResponse:
    # Each read once, for the table, the charts and what is due.
    measurements = list(episode.measurements.order_by("created_at"))
    rechecks = list(episode.rechecks.order_by("-created_at")[:20])
    state = between_visits(
        episode, timezone.localdate(), measurements=measurements, rechecks=rechecks
    )
    rows = _long_standing_rows(episode)
    return render(
        request,
        "followup/episode_progress.html",
        {
            "episode": episode,
            "state": state,
            "measurements": [
                (m, occasion_label(m.occasion), [m.scores.get(i) for i in MEASURED])
                for m in measurements
            ],
            "rechecks": rechecks,
            "alerts": list(episode.alerts.select_related("resolved_by").order_by("-created_at")),
            "instrument_names": [instrument(i).abbreviation for i in MEASURED],
            "long_standing": [r for r in rows if r["row"].removed_at is None],
            "long_standing_removed": [r for r in rows if r["row"].removed_at is not None],
            "long_standing_form": form,
            **_charts(episode, width=WIDTH, measurements=measurements),  # a desktop screen
        },
        status=status,
    )


@clinician_required
@require_POST
def alert_resolve(request: AuthenticatedHttpRequest, alert_id: str) -> HttpResponse:
    user = request.user
    alert = alerts_for(user).filter(pk=alert_id).first()
    if alert is None:
        raise Http404
    services.alert_resolve(actor=user, alert=alert)
    messages.success(request, _("Marked as handled."))
    if request.POST.get("next") == "episode":
        return redirect("episode_progress", alert.episode_id)
    # Back to the list as it was (whose records, which page), not to the clinic's first page.
    scope = Scope.parse(request.POST.get("scope"))
    return redirect(dashboard_url(scope, page_number(request.POST.get("attention"))))


@patient_required
@require_http_methods(["GET", "POST"])
def come_back(request: AuthenticatedHttpRequest) -> HttpResponse:
    """After discharge: the pain is back. First the flare-up plan, then an easy new start."""
    user, episode = _patient(request)
    if episode is not None and episode.is_open and request.method == "POST":
        return redirect("portal_home")  # a second tap: the new start is already there
    if episode is None or episode.is_open:
        raise Http404
    if request.method == "POST":
        try:
            new = services.come_back(actor=user, closed=episode, today=timezone.localdate())
        except services.AlreadyInCare as error:
            new = error.episode
        return redirect("intake_safety", new.id)
    return render(request, "followup/come_back.html", {"episode": episode})
