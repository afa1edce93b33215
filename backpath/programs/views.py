"""Home exercise program pages: the clinician's builder and the patient's "today"."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from backpath.accounts.http import AuthenticatedHttpRequest
from backpath.auditlog.models import Action
from backpath.care import selectors
from backpath.care.access import access_episode, current_episode
from backpath.care.models import Episode
from backpath.clinical.classification import Diagnosis
from backpath.clinical.stratification import Profile
from backpath.exercises.library import Category, Equipment, activity_links, library
from backpath.exercises.programs import (
    Patient,
    exercises_for_activities,
    filter_library,
    osteoporosis_flags,
    suggest_program,
)
from backpath.interchange import assessment_from_record
from backpath.programs import adherence_charts, booklets, catalogue, services
from backpath.programs.catalogue import CatalogueExercise
from backpath.programs.forms import (
    DIFFICULTY,
    PAIN_SCALE,
    ItemFormSet,
    LogForm,
    ProgramForm,
    QuotaLogForm,
    SuggestForm,
)
from backpath.programs.models import Program
from backpath.programs.selectors import (
    BetweenVisitsState,
    ExerciseToday,
    TodayOverview,
    adherence,
    today_overview,
)
from backpath.web.decorators import clinician_required, patient_required
from backpath.web.i18n import lang
from backpath.web.pdf import pdf_throttle

DEFAULT_EQUIPMENT = frozenset({Equipment.MAT, Equipment.CHAIR, Equipment.WALL})


def _builder_patient(
    record: selectors.EpisodeRecord,
    level: int = 2,
    equipment: frozenset[Equipment] | None = None,
    lrs_high_reactivity: bool = False,
) -> Patient:
    """What the suggestion knows of the patient: the plan and the latest assessment, and
    what the clinician adds (level, equipment at home, reactivity)."""
    assert record.plan is not None
    assert record.latest is not None
    result = assessment_from_record(record.latest.result)
    factors = result.factors
    flags = set(result.red_flags)
    return Patient(
        profile=Profile(record.plan.profile),
        lrs=result.diagnosis is Diagnosis.LRS,
        lrs_high_reactivity=lrs_high_reactivity,
        level=level,
        equipment=equipment if equipment is not None else DEFAULT_EQUIPMENT,
        fear_of_movement="fear_of_movement" in factors,
        # Any fracture finding (known osteoporosis, long-term corticosteroids, the age and sex
        # risk, a suspected fracture): leave loaded end-range flexion out, naming the flags.
        osteoporosis_because=osteoporosis_flags(flags),
    )


def _named_activities(episode: Episode) -> list[str]:
    """The activities the patient named on the PSK / PSFS in the intake."""
    notes = episode.intake.item_notes
    return [text for key in ("psk", "psfs") for text in notes.get(key, {}).values()]


def _suggestion(
    episode: Episode, record: selectors.EpisodeRecord, form: SuggestForm
) -> list[dict[str, Any]]:
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    patient = _builder_patient(
        record,
        level=data.get("level", 2),
        equipment=frozenset(Equipment(e) for e in data["equipment"]) if data else None,
        lrs_high_reactivity=data.get("lrs_high_reactivity", False),
    )
    links = [(link.exercise, link.words) for link in activity_links().links]
    named = exercises_for_activities(_named_activities(episode), links)
    return [
        {"exercise_id": p.exercise_id, **p.dosage.model_dump(), "per_week": p.per_week, "ORDER": n}
        for n, p in enumerate(suggest_program(patient, library(), named), start=1)
    ]


def _initial_items(program: Program) -> list[dict[str, Any]]:
    return [
        {
            "exercise_id": item.exercise_id,
            "sets": item.sets,
            "reps": item.reps,
            "hold_seconds": item.hold_seconds,
            "minutes": item.minutes,
            "per_week": item.per_week,
            "ORDER": item.position,
        }
        for item in program.items.all()
    ]


def _with_added(
    data: QueryDict, exercise_id: str, known: Mapping[str, CatalogueExercise]
) -> QueryDict:
    """The posted formset plus one row for ``exercise_id`` at its own dosage (an archived
    exercise of the clinic's is no longer added)."""
    exercise = known.get(exercise_id)
    if exercise is None or exercise.archived:
        raise Http404
    posted = data.copy()
    total = int(posted.get("form-TOTAL_FORMS", 0))
    prefix = f"form-{total}-"
    posted[prefix + "exercise_id"] = exercise_id
    for field, value in exercise.dosage.model_dump().items():
        posted[prefix + field] = "" if value is None else str(value)
    posted[prefix + "per_week"] = "3"
    posted[prefix + "ORDER"] = str(total + 1)
    posted["form-TOTAL_FORMS"] = str(total + 1)
    return posted


@clinician_required
@require_http_methods(["GET", "POST"])
def program_edit(request: AuthenticatedHttpRequest, episode_id: str) -> HttpResponse:
    user = request.user
    episode = access_episode(user, episode_id, need_clinician=True)
    record = selectors.episode_record(episode)
    if record.plan is None or not episode.is_open:
        messages.error(request, _("A home program starts once the care plan is set."))
        return redirect("episode_detail", episode.id)
    current = services.current_program(episode)
    status = 200
    suggest = SuggestForm()
    # The library and the clinic's own exercises: what the rows may name and the list offers.
    known = catalogue.for_clinic(episode.clinic_id)
    rows: dict[str, Any] = {"catalogue": known}
    if request.method == "POST" and "suggest" in request.POST:
        # Suggest again: what the clinician adds (level, reactivity) is health data, so it is
        # posted, never put in the URL. The builder starts over from the new suggestion.
        suggest = SuggestForm(request.POST)
        if not suggest.is_valid():
            status = 400
        items = ItemFormSet(initial=_suggestion(episode, record, suggest), form_kwargs=rows)
        form = ProgramForm(needs_reason=current is not None)
    elif "publish" in request.POST and services.already_published(
        episode, request.POST.get("submission")
    ):
        # The same form again (Back and publish, a double click): it published already; a
        # second look at it would wrongly ask the first version for a reason.
        return redirect("program_detail", episode.id)
    elif request.method == "POST":
        data: Any = request.POST
        if added := request.POST.get("add"):
            data = _with_added(request.POST, added, known)
        items = ItemFormSet(data, form_kwargs=rows)
        form = ProgramForm(data, needs_reason=current is not None)
        if "publish" in request.POST and items.is_valid() and form.is_valid():
            drafts = [
                services.ItemDraft(
                    f.cleaned_data["exercise_id"],
                    f.cleaned_data["dosage"],
                    f.cleaned_data["per_week"],
                )
                for f in items.ordered_forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                services.program_publish(
                    actor=user,
                    episode=episode,
                    items=drafts,
                    quota=form.cleaned_data["quota"],
                    note=form.cleaned_data["note"],
                    reason=form.cleaned_data["reason"],
                    submission=form.cleaned_data["submission"],
                )
            except services.ProgramRefused:
                form.add_error(None, _("A program needs at least one exercise or a quota."))
            else:
                messages.success(request, _("The program is published; the patient sees it now."))
                return redirect("program_detail", episode.id)
        if "publish" in request.POST:
            status = 400
    else:
        if current is None:
            initial = _suggestion(episode, record, suggest)
        else:
            initial = _initial_items(current)
        items = ItemFormSet(initial=initial, form_kwargs=rows)
        form = ProgramForm(needs_reason=current is not None)
    search = form["search"].value() or ""
    category = form["category"].value() or ""
    categories = [Category(category)] if category in {c.value for c in Category} else []
    results = filter_library(library(), text=str(search), categories=categories, lang=lang().value)
    own = catalogue.matching_own(known.values(), str(search), categories)
    return render(
        request,
        "programs/edit.html",
        {
            "episode": episode,
            "items": items,
            "form": form,
            "suggest": suggest,
            "activities": _named_activities(episode),
            "current": current,
            "results": [
                {"id": e.id, "name": e.name(lang()), "level": e.level} for e in results[:12]
            ],
            "result_count": len(results),
            "own_results": [{"id": e.id, "name": e.name(lang()), "exercise": e} for e in own],
        },
        status=status,
    )


@clinician_required
def program_detail(request: AuthenticatedHttpRequest, episode_id: str) -> HttpResponse:
    user = request.user
    episode = access_episode(user, episode_id, need_clinician=True)
    programs = list(
        episode.programs.select_related("created_by").prefetch_related("items").order_by("-number")
    )
    if not programs:
        return redirect("program_edit", episode.id)
    items = list(programs[0].items.all())
    known = catalogue.find_many(episode.clinic_id, (item.exercise_id for item in items))
    return render(
        request,
        "programs/detail.html",
        {
            "episode": episode,
            "program": programs[0],
            "rows": [(item, known.get(item.exercise_id)) for item in items],
            "history": programs,
        },
    )


def _htmx(request: HttpRequest) -> bool:
    """A request htmx sent (django-htmx's ``request.htmx``): it swaps in a part of the page."""
    return bool(getattr(request, "htmx", False))


# What the URLconf may pass in (``{"visits": between_visits}``): the between-visits state of
# the app above this one, for the overview's diary, weekly check and questionnaires.
VisitsFor = Callable[[Episode, date], BetweenVisitsState]


# What an exercise card's form offers (``_exercise_card.html``).
_CARD_SCALES = {"pain_scale": PAIN_SCALE, "difficulty_scale": DIFFICULTY}


def _overview(episode: Episode, visits: VisitsFor | None = None) -> TodayOverview:
    day = timezone.localdate()
    return today_overview(episode, day, lang(), visits(episode, day) if visits else None)


@patient_required
def today(request: AuthenticatedHttpRequest, visits: VisitsFor | None = None) -> HttpResponse:
    """The patient's day: the overview of what is due, then one card per exercise (the first
    one due and not yet logged open), the graded-activity quota and the timer."""
    user = request.user
    episode = current_episode(user)
    overview = _overview(episode, visits) if episode else None
    program = overview.program if overview else None
    # After discharge the last program is the patient's maintenance program (KNGF 2021 C.5).
    after_care = episode is not None and not episode.is_open
    context: dict[str, Any] = {
        "overview": overview,
        "program": program,
        "day": timezone.localdate(),
        "after_care": after_care,
        "has_program": program is not None,  # the menu's "Today" link, known here already
        **_CARD_SCALES,
        # No ids: the field sits in its label, and htmx would "settle" a same-id element's
        # attributes across a swap (its empty style="" then breaks the CSP).
        "quota_form": QuotaLogForm(
            auto_id=False, unit=overview.quota.quota.unit if overview and overview.quota else None
        ),
    }
    return render(request, "programs/today.html", context)


@patient_required
@require_POST
def log_exercise(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Save one exercise for today. htmx gets the card back collapsed to "done" (with the
    answer to a painful log), the next card opened and the overview's counts; a plain post
    goes back to the page, to the card just logged."""
    user = request.user
    episode = current_episode(user)
    program = services.current_program(episode) if episode else None
    form = LogForm(request.POST)
    if program is None or not form.is_valid():
        row = _posted_row(program, request.POST.get("item")) if _htmx(request) else None
        if row is not None:
            # The card again, open, with the problem: htmx swaps only a 200.
            return render(
                request,
                "programs/_exercise_card.html",
                {
                    "row": replace(row, open=True),
                    "problem": True,
                    # What the patient chose is shown again, not today's log or blanks.
                    "answers": {
                        name: value
                        for name in ("done", "pain", "difficulty")
                        if (value := form.cleaned_data.get(name)) is not None
                    },
                    **_CARD_SCALES,
                },
            )
        messages.error(request, _("That did not work; choose done or skipped and try again."))
        if _htmx(request):
            return HttpResponseClientRedirect(reverse("today"))
        return redirect("today")
    # Only items of the patient's own current program: anything else is not theirs (404).
    item = program.items.filter(pk=form.cleaned_data["item"]).first()
    if item is None:
        raise Http404
    services.exercise_log(
        actor=user,
        episode=program.episode,
        item=item,
        day=form.cleaned_data["day"],
        done=form.cleaned_data["done"],
        pain=form.cleaned_data["pain"],
        difficulty=form.cleaned_data["difficulty"],
        submission=form.cleaned_data["submission"],
    )
    overview = _overview(program.episode)
    row = overview.row_for(item.pk)
    if not _htmx(request) or row is None:
        anchor = f"#exercise-{row.number}" if row else ""
        return HttpResponseRedirect(reverse("today") + anchor)
    following = overview.next_after(row)
    return render(
        request,
        "programs/_log_answer.html",
        {
            "row": row,
            "next": replace(following, open=True) if following else None,
            # After a painful log the answer to it keeps the focus; otherwise the next card.
            "focus_next": row.offer is None,
            "overview": overview,
            **_CARD_SCALES,
        },
    )


def _posted_row(program: Program | None, raw: str | None) -> ExerciseToday | None:
    """The card of the item posted, if it is in the patient's current program."""
    if program is None:
        return None
    try:
        item_id = uuid.UUID(str(raw))
    except ValueError:
        return None
    return _overview(program.episode).row_for(item_id)


@patient_required
@require_POST
def log_quota(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Add to today's graded activity; htmx gets the quota card and the overview's counts."""
    user = request.user
    episode = current_episode(user)
    program = services.current_program(episode) if episode else None
    quota = getattr(program, "quota", None) if program else None
    if quota is None:
        raise Http404
    assert episode is not None  # a quota exists only on an episode's program
    form = QuotaLogForm(request.POST, auto_id=False, unit=quota.unit)
    problem = None
    if form.is_valid():
        try:
            services.quota_log(
                actor=user,
                episode=episode,
                quota=quota,
                day=form.cleaned_data["day"],
                amount=form.cleaned_data["amount"],
                submission=form.cleaned_data["submission"],
            )
        except services.QuotaRefused as refused:
            problem = refused.problem
    else:
        # The field's own words: a whole number, or at most so much a day for the unit.
        problem = str(form.errors["amount"][0]) if "amount" in form.errors else None
        problem = problem or _("Enter a whole number from 0.")
    if not _htmx(request):
        if problem:
            messages.error(request, problem)
            return redirect("today")
        return HttpResponseRedirect(reverse("today") + "#activity")
    return render(
        request,
        "programs/_quota_answer.html",
        {
            "overview": _overview(episode),
            "quota_form": form if problem else QuotaLogForm(auto_id=False, unit=quota.unit),
            "saved": problem is None,
            "problem": problem,
        },
    )


def _booklet_response(pdf: bytes) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    # No patient name in the file name: it ends up in download folders and logs.
    response["Content-Disposition"] = 'inline; filename="backpath-home-program.pdf"'
    return response


@clinician_required
def program_booklet(request: AuthenticatedHttpRequest, episode_id: str) -> HttpResponse:
    user = request.user
    if (refused := pdf_throttle(user)) is not None:
        return refused
    episode = access_episode(user, episode_id, need_clinician=True, action=Action.PRINT)
    program = services.current_program(episode)
    if program is None:
        raise Http404
    return _booklet_response(booklets.program_booklet(program, lang()))


@patient_required
def my_booklet(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if (refused := pdf_throttle(user)) is not None:
        return refused
    episode = current_episode(user, action=Action.PRINT)
    program = services.current_program(episode) if episode else None
    if program is None:
        raise Http404
    return _booklet_response(booklets.program_booklet(program, lang()))


@clinician_required
def adherence_view(request: AuthenticatedHttpRequest, episode_id: str) -> HttpResponse:
    user = request.user
    episode = access_episode(user, episode_id, need_clinician=True)
    data = adherence(episode, timezone.localdate())
    completion = adherence_charts.completion_svg(data, "adherence-completion")
    labels = adherence_charts.exercise_labels(
        episode.clinic_id, (row.exercise_id for row in data.exercises)
    )
    pain = adherence_charts.pain_svg(data, labels)
    return render(
        request,
        "programs/adherence.html",
        {
            "episode": episode,
            "data": data,
            "period_days": len(data.days),
            "completion_chart": completion,
            "pain_chart": pain,
            "names": labels,
        },
    )
