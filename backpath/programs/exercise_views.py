"""The clinic's own exercises: the list, add, change and archive (clinicians and clinic
admins), and their photos and videos (the clinic's staff, and its patients whose current
program has the exercise)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from backpath.accounts.http import AuthenticatedHttpRequest
from backpath.programs import catalogue, clinic_exercises, media
from backpath.programs.forms import EditClinicExerciseForm, NewClinicExerciseForm
from backpath.programs.models import ClinicExercise
from backpath.web.decorators import clinician_required


@clinician_required
def exercise_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    clinic_id = request.user.clinic_id
    assert clinic_id is not None  # a clinician belongs to a clinic
    return render(
        request,
        "programs/exercises.html",
        {
            "exercises": catalogue.own_exercises(clinic_id),
            "archived": catalogue.own_exercises(clinic_id, archived=True),
        },
    )


@clinician_required
@require_http_methods(["GET", "POST"])
def exercise_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = NewClinicExerciseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        assert user.clinic is not None
        clinic_exercises.exercise_create(
            actor=user,
            clinic=user.clinic,
            draft=form.cleaned_data["draft"],
            upload=form.cleaned_data["upload"],
            submission=form.cleaned_data["submission"],
        )
        messages.success(request, _("The exercise is added; add it to a program in the builder."))
        return redirect("exercise_list")
    return render(
        request,
        "programs/exercises_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


# The form's fields that show a stored value when it opens (not the file fields).
STORED = (
    *("name_nl", "steps_nl", "feel_nl", "name_en", "steps_en", "feel_en"),
    *("category", "level", "sets", "reps", "hold_seconds", "minutes", "cautions"),
)


def _initial(exercise: ClinicExercise) -> dict[str, Any]:
    return {name: getattr(exercise, name) for name in STORED}


@clinician_required
@require_http_methods(["GET", "POST"])
def exercise_edit(request: AuthenticatedHttpRequest, exercise_pk: uuid.UUID) -> HttpResponse:
    user = request.user
    exercise = catalogue.editable(user.clinic_id, exercise_pk)
    if exercise is None:
        raise Http404
    if request.method == "POST":
        form = EditClinicExerciseForm(request.POST, request.FILES)
        if form.is_valid():
            clinic_exercises.exercise_update(
                actor=user,
                exercise=exercise,
                draft=form.cleaned_data["draft"],
                upload=form.cleaned_data["upload"],
                remove_media=form.cleaned_data["remove_media"],
            )
            messages.success(request, _("The exercise is saved; programs that have it show it."))
            return redirect("exercise_list")
    else:
        form = EditClinicExerciseForm(initial=_initial(exercise))
    return render(
        request,
        "programs/exercises_form.html",
        {"form": form, "exercise": catalogue.from_own(exercise)},
        status=400 if form.errors else 200,
    )


@clinician_required
@require_POST
def exercise_archive(request: AuthenticatedHttpRequest, exercise_pk: uuid.UUID) -> HttpResponse:
    user = request.user
    exercise = catalogue.editable(user.clinic_id, exercise_pk)
    if exercise is None:
        raise Http404
    if clinic_exercises.exercise_archive(actor=user, exercise=exercise):
        messages.success(
            request,
            _("The exercise is archived: programs that have it keep it; new ones cannot."),
        )
    else:
        messages.success(request, _("The exercise is deleted: no program had it."))
    return redirect("exercise_list")


@login_required
@require_safe
def exercise_media(
    request: AuthenticatedHttpRequest, exercise_pk: uuid.UUID, name: str
) -> HttpResponseBase:
    """The photo or video, to those who may see it (``catalogue.servable``); the name in the
    URL is the stored one, so a replaced file has a new URL and no cache shows the old."""
    exercise = catalogue.servable(request.user, exercise_pk)
    if exercise is None or exercise.media_name != name:
        raise Http404
    return media.media_response(name, exercise.media_type, request.headers.get("Range"))
