"""Who opened which record: the clinic admin's view of the access log (with a CSV export),
and the patient's view of who in their clinic opened their own record (a Dutch patient's
right, WGBO art. 7:456 and NEN 7513)."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from backpath.accounts.http import AuthenticatedHttpRequest
from backpath.accounts.models import User
from backpath.auditlog.models import AccessEntry, Action
from backpath.auditlog.selectors import clinic_entries, opened_by_others
from backpath.auditlog.services import record
from backpath.care.access import patients_for
from backpath.web.decorators import clinic_admin_required, patient_required
from backpath.web.forms import ISO_DATE

PAGE_SIZE = 100
LONGEST_PERIOD = timedelta(days=366)


class AccessLogFilter(forms.Form):
    patient = forms.UUIDField(required=False, widget=forms.HiddenInput)
    actor = forms.ModelChoiceField(
        label=gettext_lazy("Who"),
        queryset=User.objects.none(),
        required=False,
        empty_label=gettext_lazy("Everyone"),
    )
    start = forms.DateField(label=gettext_lazy("From"), widget=ISO_DATE)
    end = forms.DateField(label=pgettext_lazy("the last day of a period", "To"), widget=ISO_DATE)

    def __init__(self, clinic_id: uuid.UUID, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor = self.fields["actor"]
        assert isinstance(actor, forms.ModelChoiceField)
        actor.queryset = User.objects.filter(clinic_id=clinic_id).order_by(
            "last_name", "first_name", "email"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date is before the start date."))
        elif start and end and end - start > LONGEST_PERIOD:
            self.add_error("end", _("Choose a period of at most a year."))
        return data


def _filter(request: AuthenticatedHttpRequest) -> AccessLogFilter:
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("start", (today - timedelta(days=30)).isoformat())
    data.setdefault("end", today.isoformat())
    assert request.user.clinic_id is not None
    return AccessLogFilter(request.user.clinic_id, data)


def _entries(request: AuthenticatedHttpRequest, form: AccessLogFilter) -> Any:
    data = form.cleaned_data
    actor: User | None = data.get("actor")
    assert request.user.clinic_id is not None
    return clinic_entries(
        request.user.clinic_id,
        start=data["start"],
        end=data["end"],
        patient_id=data.get("patient"),
        actor_id=actor.pk if actor else None,
    )


def _patient_names(user: User, entries: list[AccessEntry]) -> dict[uuid.UUID | None, str]:
    ids = {entry.patient_id for entry in entries if entry.patient_id}
    return {patient.id: str(patient) for patient in patients_for(user).filter(id__in=ids)}


def _log_reading(request: AuthenticatedHttpRequest, form: AccessLogFilter, action: Action) -> None:
    # Reading who opened a patient's record is itself a read of that patient's data.
    record(
        actor=request.user,
        action=action,
        patient_id=form.cleaned_data.get("patient"),
        object_type="access_log",
    )


@clinic_admin_required
def access_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = _filter(request)
    if not form.is_valid():
        return render(request, "care/access_log.html", {"form": form}, status=400)
    _log_reading(request, form, Action.VIEW)
    page = Paginator(_entries(request, form), PAGE_SIZE).get_page(request.GET.get("page"))
    entries = list(page.object_list)
    names = _patient_names(request.user, entries)
    patient = None
    if form.cleaned_data.get("patient"):
        patient = patients_for(request.user).filter(id=form.cleaned_data["patient"]).first()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "care/access_log.html",
        {
            "form": form,
            "page": page,
            "rows": [(entry, names.get(entry.patient_id)) for entry in entries],
            "patient": patient,
            "query": query.urlencode(),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@clinic_admin_required
def access_log_csv(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    form = _filter(request)
    if not form.is_valid():
        return render(request, "care/access_log.html", {"form": form}, status=400)
    _log_reading(request, form, Action.EXPORT)
    entries = _entries(request, form)
    names = {p.id: str(p) for p in patients_for(request.user)}
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield writer.writerow(
            [
                "id",
                "at",
                "account",
                "role",
                "patient_id",
                "patient",
                "action",
                "record",
                "record_id",
                "what",
                "outcome",
                "address",
            ]
        )
        for entry in entries.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    entry.id,
                    timezone.localtime(entry.at).isoformat(),
                    entry.actor_label,
                    entry.role,
                    entry.patient_id or "",
                    names.get(entry.patient_id, "") if entry.patient_id else "",
                    entry.action,
                    entry.object_type,
                    entry.object_id,
                    entry.detail,
                    entry.outcome,
                    entry.address or "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    # No patient name in the file name: it ends up in download folders.
    response["Content-Disposition"] = 'attachment; filename="backpath-access-log.csv"'
    return response


@patient_required
def my_access(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if user.clinic_id is None:
        raise Http404
    mine = list(patients_for(user).values_list("id", flat=True))
    for patient_id in mine:  # seeing who opened the record is a read of it too
        record(actor=user, action=Action.VIEW, patient_id=patient_id, object_type="access_log")
    entries = opened_by_others(user, user.clinic_id, mine)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/access.html", {"page": page, "entries": list(page.object_list)})
