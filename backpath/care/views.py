"""Clinician pages: dashboard, patients, episodes, review, plan and session notes.

Thin views: parse the form, call one service or selector, render. Every record is reached
through ``backpath.care.access`` (404 for anything outside the user's clinic).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backpath.accounts.http import AuthenticatedHttpRequest
from backpath.care import selectors, services, session_checks
from backpath.care.access import access_episode, access_patient, log_list
from backpath.care.forms import (
    EpisodeOpenForm,
    InvitePatientForm,
    PatientEditForm,
    PatientForm,
    PlanAdjustForm,
    ReviewForm,
    SessionForm,
)
from backpath.care.models import EpisodeStatus, IntakeStatus, Patient
from backpath.care.submissions import session_already_saved
from backpath.care.vocabulary import INTERVENTION_LABELS
from backpath.interchange import assessment_from_record, not_recommended_lines, plan_from_record
from backpath.web.decorators import clinician_required
from backpath.web.i18n import lang

# A name search is cut at this length (a first and a last name fit easily).
SEARCH_MAX = 100


@clinician_required
@require_http_methods(["GET", "POST"])
def patient_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The clinic's patients by name, a page at a time. The search by name is posted, so no
    name is put in a URL (where it would stay in server logs and the browser's history);
    ``?q=`` is ignored. A search's pages are posted with it; without one, the page (a
    patient's id, never a name) and the scope are in the URL."""
    search = ""
    params = request.GET
    if request.method == "POST":
        params = request.POST
        # Free text: bounded, and without NUL bytes, which PostgreSQL refuses.
        search = params.get("q", "")[:SEARCH_MAX].replace("\x00", "").strip()
    scope = selectors.Scope.parse(params.get("scope"))
    log_list(request.user, "patient_list")
    return render(
        request,
        "care/patient_list.html",
        {
            "patients": selectors.patient_page(
                request.user,
                search=search,
                scope=scope,
                after=params.get("after"),
                before=params.get("before"),
            ),
            "q": search,
            "scope": scope,
            "search_max": SEARCH_MAX,
        },
    )


@clinician_required
@require_http_methods(["GET", "POST"])
def patient_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        submission = data.pop("submission")
        patient = services.patient_create(actor=request.user, submission=submission, **data)
        messages.success(request, _("Patient added."))
        return redirect("patient_detail", patient.id)
    return render(
        request,
        "care/patient_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _patient_page(
    request: HttpRequest, patient: Patient, invite_form: InvitePatientForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "care/patient_detail.html",
        {
            "patient": patient,
            "episodes": patient.episodes.order_by("-opened_at"),
            "invite_form": invite_form,
            "open_form": EpisodeOpenForm(),
        },
        status=status,
    )


@clinician_required
def patient_detail(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    patient = access_patient(request.user, patient_id)
    return _patient_page(request, patient, InvitePatientForm(initial={"email": patient.email}))


@clinician_required
@require_http_methods(["GET", "POST"])
def patient_edit(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    """The patient's details: contact, GP practice, referrer. A save over someone else's
    newer change is refused, with their values shown to check."""
    patient = access_patient(request.user, patient_id)
    names = PatientEditForm.FIELDS
    shown = {name: getattr(patient, name) for name in names}
    version = services.patient_details_version(patient, names)
    if request.method == "GET":
        form = PatientEditForm(initial={**shown, "version": version})
    else:
        form = PatientEditForm(request.POST)
        if form.is_valid():
            try:
                services.patient_update(
                    actor=request.user,
                    patient=patient,
                    version=form.cleaned_data["version"],
                    fields=form.details,
                )
            except services.PatientChanged:
                return _patient_changed(request, patient, form)
            messages.success(request, _("Details saved."))
            return redirect("patient_detail", patient.id)
    return _patient_edit_page(request, patient, form, status=400 if form.errors else 200)


def _patient_changed(
    request: HttpRequest, patient: Patient, posted: PatientEditForm
) -> HttpResponse:
    """The form again with what was typed, each field that differs from the details saved
    meanwhile saying what is saved now, and the new fingerprint: saving again replaces them."""
    patient.refresh_from_db()
    names = PatientEditForm.FIELDS
    data = request.POST.copy()
    data["version"] = services.patient_details_version(patient, names)
    form = PatientEditForm(data)
    form.is_valid()
    form.add_error(
        None,
        _(
            "Someone else changed these details while you were editing. Check the fields "
            "marked below and save again."
        ),
    )
    for name, value in posted.details.items():
        saved = getattr(patient, name)
        if saved != value:
            form.add_error(name, _("Saved meanwhile: %(value)s") % {"value": saved or "-"})
    return _patient_edit_page(request, patient, form, status=409)


def _patient_edit_page(
    request: HttpRequest, patient: Patient, form: PatientEditForm, status: int
) -> HttpResponse:
    return render(
        request, "care/patient_form.html", {"form": form, "patient": patient}, status=status
    )


@clinician_required
@require_POST
def patient_invite(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    user = request.user
    patient = access_patient(user, patient_id)
    form = InvitePatientForm(request.POST)
    if not form.is_valid():
        return _patient_page(request, patient, form, status=400)
    try:
        services.patient_invite(
            actor=user,
            patient=patient,
            email=form.cleaned_data["email"],
            language=lang().value,
            base_url=request.build_absolute_uri("/"),
        )
    except services.InviteRefused as refused:
        form.add_error("email", refused.problem)
        return _patient_page(request, patient, form, status=400)
    messages.success(request, _("Invitation sent."))
    return redirect("patient_detail", patient.id)


@clinician_required
@require_POST
def episode_open(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    user = request.user
    patient = access_patient(user, patient_id)
    form = EpisodeOpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The episode could not be opened; try again."))
        return redirect("patient_detail", patient.id)
    episode = services.episode_open(
        actor=user,
        patient=patient,
        extra_instruments=form.cleaned_data["extra_instruments"],
        submission=form.cleaned_data["submission"],
    )
    return redirect("episode_detail", episode.id)


@clinician_required
@require_POST
def urgent_seen(request: AuthenticatedHttpRequest, episode_id: str) -> HttpResponse:
    episode = access_episode(request.user, episode_id, need_clinician=True)
    services.urgent_acknowledge(actor=request.user, episode=episode)
    return redirect("episode_detail", episode.id)


@clinician_required
@require_http_methods(["GET", "POST"])
def review(request: AuthenticatedHttpRequest, episode_id: str) -> HttpResponse:
    user = request.user
    episode = access_episode(user, episode_id, need_clinician=True)
    if episode.intake.status != IntakeStatus.SUBMITTED or not episode.is_open:
        messages.error(request, _("The review needs a submitted intake and an open episode."))
        return redirect("episode_detail", episode.id)
    record = selectors.episode_record(episode)
    latest = record.latest
    assert latest is not None
    # The factors read from the answers are offered ticked; the advice counts what is ticked.
    suggested = selectors.review_factors(latest)
    ticked = request.POST.getlist("prognostic_factors") if request.method == "POST" else suggested
    form = ReviewForm(
        request.POST or None,
        advice=selectors.review_advice(episode, ticked),
        unscreened=selectors.unanswered_by_patient(episode),
        initial={"prognostic_factors": suggested},
    )
    if request.method == "POST" and form.is_valid():
        services.review_record(
            actor=user,
            episode=episode,
            findings=form.findings(),
            clinician_flags=form.clinician_flags(),
            prognostic_factors=form.cleaned_data["prognostic_factors"],
            profile_override=form.profile_override(),
            submission=form.cleaned_data["submission"],
        )
        return redirect("plan_detail", episode.id)
    return render(
        request,
        "care/review.html",
        {
            "episode": episode,
            "record": record,
            "assessment": latest,
            "form": form,
            "answers": selectors.intake_answers(episode),
            "intake_advice": assessment_from_record(latest.result).profile_advice,
        },
        status=400 if request.method == "POST" else 200,
    )


def _components(record: selectors.EpisodeRecord) -> list[tuple[str, str]]:
    plan = record.plan
    assert plan is not None
    return [
        (component, str(INTERVENTION_LABELS.get(component, component)))
        for component in plan_from_record(plan.plan).component_ids
    ]


@clinician_required
def plan_detail(request: AuthenticatedHttpRequest, episode_id: str) -> HttpResponse:
    episode = access_episode(request.user, episode_id, need_clinician=True)
    record = selectors.episode_record(episode)
    if record.plan is None:
        messages.info(request, _("There is no care plan yet."))
        return redirect("episode_detail", episode.id)
    return render(
        request,
        "care/plan_detail.html",
        {"episode": episode, "record": record, "plan": record.plan},
    )


@clinician_required
@require_http_methods(["GET", "POST"])
def plan_adjust(request: AuthenticatedHttpRequest, episode_id: str) -> HttpResponse:
    user = request.user
    episode = access_episode(user, episode_id, need_clinician=True)
    record = selectors.episode_record(episode)
    plan = record.plan
    if plan is None or not episode.is_open:
        raise Http404
    initial = {
        "max_sessions": plan.max_sessions,
        "omit": [o["id"] for o in plan.omitted],
        "note": plan.note,
    }
    form = PlanAdjustForm(request.POST or None, initial=initial, components=_components(record))
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"].strip()
        services.plan_adjust(
            actor=user,
            episode=episode,
            max_sessions=form.cleaned_data["max_sessions"],
            omitted=[{"id": code, "reason": reason} for code in form.cleaned_data["omit"]],
            note=form.cleaned_data["note"],
            reason=reason,
            submission=form.cleaned_data["submission"],
        )
        messages.success(request, _("The plan was changed; the earlier version is kept."))
        return redirect("plan_detail", episode.id)
    return render(
        request,
        "care/plan_adjust.html",
        {"episode": episode, "plan": plan, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _session_context(
    episode: Any, record: selectors.EpisodeRecord, form: SessionForm
) -> dict[str, Any]:
    plan = record.plan
    assert plan is not None
    chosen = form["interventions"].value() or []
    check = session_checks.session_check(
        episode, plan, [c for c in chosen if c in INTERVENTION_LABELS]
    )
    avoid = not_recommended_lines(plan.plan, lang())
    # The reasons are asked for only when they apply; then they are no longer optional.
    form.fields["deviation_reason"].required = check.needs_reason
    if check.on_hold and not check.not_recommended:
        form.fields["deviation_reason"].label = _("Reason to treat before the GP's answer")
    form.fields["over_budget_reason"].required = check.over_budget
    return {
        "episode": episode,
        "record": record,
        "plan": plan,
        "form": form,
        "check": check,
        "warnings": [avoid[code] for code, _verdict in check.not_recommended],
        "number": record.sessions_used + 1,
        "avoid_ids": list(avoid),
    }


@clinician_required
@require_http_methods(["GET", "POST"])
def session_new(request: AuthenticatedHttpRequest, episode_id: str) -> HttpResponse:
    user = request.user
    episode = access_episode(user, episode_id, need_clinician=True)
    record = selectors.episode_record(episode)
    if record.plan is None or episode.status != EpisodeStatus.TREATMENT:
        messages.error(request, _("Session notes start once the care plan is set."))
        return redirect("episode_detail", episode.id)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if saved := session_already_saved(episode, form.cleaned_data["submission"]):
            # A double click: the first click saved it; its checks were met then.
            messages.success(request, _("Session %(number)s saved.") % {"number": saved.number})
            return redirect("episode_detail", episode.id)
        data = form.cleaned_data
        draft = session_checks.SessionDraft(
            held_on=data["held_on"],
            subjective=data["subjective"],
            objective=data["objective"],
            analysis=data["analysis"],
            plan=data["plan"],
            pain_now=data["pain_now"],
            interventions=tuple(data["interventions"]),
            deviation_reason=data["deviation_reason"].strip(),
            over_budget_reason=data["over_budget_reason"].strip(),
            save_anyway=data["save_anyway"],
        )
        # The service checks the note against the plan as it stands when it saves (another
        # clinician may just have changed it) and names every missing reason at once.
        try:
            note = services.session_record(
                actor=user, episode=episode, draft=draft, submission=data["submission"]
            )
        except services.SessionRefused as refused:
            for field, problem in refused.problems:
                form.add_error(field, problem)
        else:
            messages.success(request, _("Session %(number)s saved.") % {"number": note.number})
            return redirect("episode_detail", episode.id)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "care/session_form.html", _session_context(episode, record, form), status=status
    )


@clinician_required
@require_POST
def session_check(request: AuthenticatedHttpRequest, episode_id: str) -> HttpResponse:
    """htmx: the guideline warnings for the interventions ticked so far."""
    episode = access_episode(request.user, episode_id, need_clinician=True)
    record = selectors.episode_record(episode)
    if record.plan is None:
        raise Http404
    # Unbound, with what was typed so far as initial values: the fragment shows the warnings
    # and the reason fields without complaining about fields the user has not reached yet.
    form = SessionForm(
        initial={
            "interventions": request.POST.getlist("interventions"),
            "deviation_reason": request.POST.get("deviation_reason", ""),
            "over_budget_reason": request.POST.get("over_budget_reason", ""),
        }
    )
    return render(request, "care/_session_warnings.html", _session_context(episode, record, form))
