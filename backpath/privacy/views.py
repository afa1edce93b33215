"""The data-rights pages: the patient's own (export, erasure request), the clinician's for a
patient, and the clinic admin's list of requests with the decision form.

Every record is reached through ``backpath.care.access`` (another clinic's answers 404), and
every export is written to the access log as an export.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backpath.accounts.http import AuthenticatedHttpRequest
from backpath.accounts.models import User
from backpath.auditlog.models import Action, Outcome
from backpath.auditlog.services import record
from backpath.care.access import access_patient, log_list, patients_for
from backpath.care.models import Patient
from backpath.privacy import export, services
from backpath.privacy.forms import DecisionForm, ErasureRequestForm
from backpath.privacy.models import Decision, ErasureRequest
from backpath.web.decorators import clinic_admin_required, clinician_required, patient_required
from backpath.web.pdf import pdf_throttle  # a PDF costs seconds: a few a minute per user

RECENT = 50


def _download(document: export.Json, kind: str, request: HttpRequest, name: str) -> HttpResponse:
    if kind == "pdf":
        response = HttpResponse(export.as_pdf(document, request), content_type="application/pdf")
    else:
        response = HttpResponse(
            export.as_json(document), content_type="application/json; charset=utf-8"
        )
    # The file name carries no patient name: it ends up in download folders.
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


# --- The patient's own page ---------------------------------------------------------------


def _own_patient(user: User, action: Action) -> Patient:
    patient = patients_for(user).select_related("clinic").first()
    if patient is None:
        raise Http404
    record(
        actor=user,
        action=action,
        patient_id=patient.id,
        clinic_id=patient.clinic_id,
        object_type="patient",
        object_id=patient.id,
    )
    return patient


def _my_page(
    request: AuthenticatedHttpRequest,
    patient: Patient,
    form: ErasureRequestForm,
    status: int = 200,
) -> HttpResponse:
    requests = list(ErasureRequest.objects.filter(patient=patient).order_by("-requested_at"))
    return render(
        request,
        "privacy/my_data.html",
        {
            "patient": patient,
            "requests": requests,
            "pending": any(r.is_pending for r in requests),
            "form": form,
        },
        status=status,
    )


@patient_required
def my_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    patient = _own_patient(request.user, Action.VIEW)
    return _my_page(request, patient, ErasureRequestForm())


@patient_required
def my_data_export(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    if kind == "pdf" and (refused := pdf_throttle(request.user)) is not None:
        return refused
    patient = _own_patient(request.user, Action.EXPORT)
    return _download(export.build(patient), kind, request, "backpath-my-data")


@patient_required
@require_POST
def my_erasure_request(request: AuthenticatedHttpRequest) -> HttpResponse:
    patient = _own_patient(request.user, Action.VIEW)
    form = ErasureRequestForm(request.POST)
    if form.is_valid() and _requested(request, form, patient):
        messages.success(request, _("Your request has been sent to your practice."))
        return redirect("my_data")
    return _my_page(request, patient, form, status=400)


def _requested(
    request: AuthenticatedHttpRequest, form: ErasureRequestForm, patient: Patient
) -> bool:
    try:
        services.request_erasure(
            actor=request.user,
            patient=patient,
            reason=form.cleaned_data["reason"],
            submission=form.cleaned_data["submission"],
        )
    except services.AlreadyPending:
        form.add_error(None, _("A request is already waiting for a decision."))
        return False
    return True


# --- The clinician's page for a patient ---------------------------------------------------


def _patient_page(
    request: AuthenticatedHttpRequest,
    patient: Patient,
    form: ErasureRequestForm,
    status: int = 200,
) -> HttpResponse:
    requests = list(
        ErasureRequest.objects.filter(patient=patient)
        .select_related("requested_by", "decided_by")
        .order_by("-requested_at")
    )
    return render(
        request,
        "privacy/patient_data.html",
        {
            "patient": patient,
            "requests": requests,
            "pending": any(r.is_pending for r in requests),
            "erased": any(r.decision == Decision.GRANTED for r in requests),
            "form": form,
        },
        status=status,
    )


@clinician_required
def patient_data(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    patient = access_patient(request.user, patient_id)
    return _patient_page(request, patient, ErasureRequestForm(on_behalf=True))


@clinician_required
def patient_data_export(
    request: AuthenticatedHttpRequest, patient_id: str, kind: str
) -> HttpResponse:
    if kind == "pdf" and (refused := pdf_throttle(request.user)) is not None:
        return refused
    patient = access_patient(request.user, patient_id, action=Action.EXPORT)
    return _download(export.build(patient), kind, request, "backpath-patient-data")


@clinician_required
@require_POST
def patient_erasure_request(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    patient = access_patient(request.user, patient_id)
    form = ErasureRequestForm(request.POST, on_behalf=True)
    if form.is_valid() and _requested(request, form, patient):
        messages.success(request, _("The request is recorded; a clinic admin decides on it."))
        return redirect("patient_data", patient.id)
    return _patient_page(request, patient, form, status=400)


# --- The clinic admin's decisions ---------------------------------------------------------


@clinic_admin_required
def erasure_requests(request: AuthenticatedHttpRequest) -> HttpResponse:
    clinic_id = request.user.clinic_id
    assert clinic_id is not None  # a clinic admin has a clinic
    log_list(request.user, "erasure_requests")
    mine = ErasureRequest.objects.filter(patient__clinic_id=clinic_id).select_related(
        "patient", "requested_by", "decided_by"
    )
    return render(
        request,
        "privacy/erasure_requests.html",
        {
            "pending": list(mine.filter(decision=Decision.PENDING).order_by("requested_at")),
            "decided": list(
                mine.exclude(decision=Decision.PENDING).order_by("-decided_at")[:RECENT]
            ),
        },
    )


def _decision_page(
    request: AuthenticatedHttpRequest,
    erasure_request: ErasureRequest,
    form: DecisionForm,
    status: int = 200,
) -> HttpResponse:
    patient = erasure_request.patient
    context: dict[str, Any] = {
        "erasure_request": erasure_request,
        "patient": patient,
        "open_episodes": patient.episodes.exclude(status="closed").count(),
        "form": form,
    }
    return render(request, "privacy/erasure_decide.html", context, status=status)


@clinic_admin_required
@require_http_methods(["GET", "POST"])
def erasure_decide(request: AuthenticatedHttpRequest, request_id: str) -> HttpResponse:
    user = request.user
    erasure_request = ErasureRequest.objects.filter(pk=request_id).first()
    if erasure_request is None:
        record(
            actor=user,
            action=Action.VIEW,
            object_type="erasure_request",
            object_id=request_id,
            outcome=Outcome.DENIED,
        )
        raise Http404
    # Through the one door: another clinic's request answers 404, logged as refused.
    erasure_request.patient = access_patient(user, erasure_request.patient_id)
    if request.method != "POST":
        return _decision_page(request, erasure_request, DecisionForm())
    if not erasure_request.is_pending:
        messages.info(request, _("This request has already been decided."))
        return redirect("erasure_requests")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _decision_page(request, erasure_request, form, status=400)
    decision = Decision(form.cleaned_data["decision"])
    try:
        services.decide(
            actor=user,
            request=erasure_request,
            decision=decision,
            reason=form.cleaned_data["reason"],
        )
    except services.AlreadyDecided:
        messages.info(request, _("This request has already been decided."))
        return redirect("erasure_requests")
    if decision == Decision.GRANTED:
        messages.success(request, _("The request is granted and the personal data are erased."))
    else:
        messages.success(request, _("The request is refused; the record is kept."))
    return redirect("erasure_requests")
