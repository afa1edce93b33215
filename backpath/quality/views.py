"""The quality page: the clinic's (or the clinician's own) guideline adherence and outcomes
for a period, beside the previous period and the target; the clinic admin's settings; the
episodes behind a figure; every table as CSV."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backpath.accounts.http import AuthenticatedHttpRequest
from backpath.clinical.stratification import Profile
from backpath.quality import drilldown, facts
from backpath.quality.figures import Scope, by_clinician, figures
from backpath.quality.forms import (
    QualityForm,
    QualitySettingsForm,
    default_period,
    quarter_named,
    recent_quarters,
)
from backpath.quality.measures import Section, measures
from backpath.quality.models import QualitySettings
from backpath.quality.pdf import quarterly_report_pdf
from backpath.quality.report import Column, Line, build, settings_of
from backpath.quality.trend_charts import trend_charts
from backpath.web.decorators import clinic_admin_required, clinician_required
from backpath.web.pdf import pdf_throttle


@dataclass(frozen=True, slots=True)
class Chosen:
    form: QualityForm
    scope: Scope

    @property
    def refused(self) -> bool:
        return self.form.is_bound and bool(self.form.errors)


def chosen(request: AuthenticatedHttpRequest, query: QueryDict) -> Chosen:
    """The period, profile and whose episodes asked for; refused choices fall back to the
    default period (the form shows the problem)."""
    user = request.user
    assert user.clinic_id is not None  # a clinician has a clinic
    start, end = default_period(timezone.localdate())
    initial = {"start": start, "end": end, "whose": "clinic"}
    form = QualityForm(query if "start" in query else None, initial=initial)
    profile, mine = None, False
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        profile = Profile(form.cleaned_data["profile"]) if form.cleaned_data["profile"] else None
        mine = form.cleaned_data["whose"] == "mine"
    return Chosen(form, Scope(user.clinic_id, start, end, profile, user.pk if mine else None))


def _page(
    request: AuthenticatedHttpRequest,
    choice: Chosen,
    settings_form: QualitySettingsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    own = settings_of(choice.scope.clinic_id)
    report = build(choice.scope, figures(choice.scope, timezone.localdate()), own)
    if settings_form is None and request.user.is_clinic_admin:
        initial: dict[str, object] = {
            "name_clinicians": own.name_clinicians,
            "smallest_count": own.smallest_count,
        }
        initial |= {f"target_{key}": value for key, value in own.targets.items()}
        settings_form = QualitySettingsForm(initial=initial, measures=list(measures().values()))
    return render(
        request,
        "quality/page.html",
        {
            "form": choice.form,
            "scope": choice.scope,
            "previous": choice.scope.previous(),
            "report": report,
            "figures": report.figures,
            "named": by_clinician(choice.scope) if own.name_clinicians else None,
            "charts": trend_charts(report),
            "quarters": recent_quarters(timezone.localdate()),
            "settings_form": settings_form,
            "query": request.GET.urlencode(),
            "csv_tables": [
                ("process", _("Guideline process")),
                ("passive", _("Care the guideline advises against")),
                ("outcomes", _("Outcomes")),
                ("occasions", _("At each measuring occasion")),
                ("months", _("Month by month")),
            ],
        },
        status=400 if choice.refused else status,
    )


@clinician_required
def quality(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _page(request, chosen(request, request.GET))


@clinic_admin_required
@require_POST
def quality_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    assert request.user.clinic_id is not None
    form = QualitySettingsForm(request.POST, measures=list(measures().values()))
    if not form.is_valid():
        return _page(request, chosen(request, QueryDict()), form, status=400)
    QualitySettings.objects.update_or_create(
        clinic_id=request.user.clinic_id,
        defaults={
            "targets": form.targets(),
            "name_clinicians": form.cleaned_data["name_clinicians"],
            "smallest_count": form.cleaned_data["smallest_count"],
        },
    )
    messages.success(request, _("The quality settings are saved."))
    return redirect("quality")


@clinician_required
def quality_episodes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The episodes behind one figure (access-logged: each shown patient's read)."""
    choice = chosen(request, request.GET)
    if choice.refused:
        return render(request, "quality/episodes.html", {"form": choice.form}, status=400)
    asked = drilldown.asked(request.GET)
    if asked is None:
        return render(
            request,
            "quality/episodes.html",
            {"form": choice.form, "unknown": True},
            status=400,
        )
    facts.refresh(facts.stale(choice.scope.clinic_id))
    rows = drilldown.episodes(request.user, choice.scope, asked)
    return render(
        request,
        "quality/episodes.html",
        {
            "form": choice.form,
            "scope": choice.scope,
            "asked": asked,
            "column": Column(measures()[asked.measure]),
            "rows": rows,
            "with_reasons": asked.measure == drilldown.OVERRIDE
            or asked.measure in drilldown.AGAINST_THE_PLAN,
            "limit": drilldown.LIMIT,
            "query": request.GET.urlencode(),
        },
    )


@clinician_required
def quality_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The quarterly report for the clinic's quality registration, as a PDF: the whole
    clinic, every profile, one calendar quarter (``?quarter=2026-Q3``; default the last one
    ended)."""
    assert request.user.clinic is not None
    quarter = quarter_named(request.GET.get("quarter"), timezone.localdate())
    if quarter is None:
        return HttpResponse(
            _("Choose a quarter that has ended, written like 2026-Q3."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    if (refused := pdf_throttle(request.user)) is not None:
        return refused
    scope = Scope(request.user.clinic.id, quarter.start, quarter.end)
    own = settings_of(scope.clinic_id)
    report = build(scope, figures(scope, timezone.localdate()), own)
    pdf = quarterly_report_pdf(report, request.user.clinic.name, timezone.localdate())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="backpath-quality-{quarter.name}.pdf"'
    return response


TABLES = ("process", "passive", "outcomes", "occasions", "months")


@clinician_required
def quality_csv(request: AuthenticatedHttpRequest, table: str) -> HttpResponse:
    """One table of the page as CSV: figures only, no patient."""
    choice = chosen(request, request.GET)
    if table not in TABLES or choice.refused:
        return HttpResponse(
            _("Unknown table or refused period."), status=400, content_type="text/plain"
        )
    report = build(
        choice.scope,
        figures(choice.scope, timezone.localdate()),
        settings_of(choice.scope.clinic_id),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="backpath-quality-{table}.csv"'
    writer = csv.writer(response)
    scope = choice.scope
    previous = scope.previous()
    writer.writerow(["# period", scope.start.isoformat(), scope.end.isoformat()])
    writer.writerow(["# previous period", previous.start.isoformat(), previous.end.isoformat()])
    if table == "months":
        # Drop-outs are counted for today, not per month.
        keys = [key for key in report.figures.counts if key != "dropout"]
        writer.writerow(["month", *(f"{k}_{part}" for k in keys for part in ("part", "whole"))])
        for month in report.figures.months:
            writer.writerow(
                [
                    month.month.strftime("%Y-%m"),
                    *(v for k in keys for v in (month.counts[k].part, month.counts[k].whole)),
                ]
            )
        return response
    header = ["measure", "part", "whole", "percent", "previous_part", "previous_whole"]
    header += ["previous_percent", "target", "target_source"]
    if table == "occasions":
        writer.writerow(["occasion", *header, "adjusted_percent", "expected"])
        for row in report.occasions:
            for cell in row.cells:
                if cell is None:
                    continue
                writer.writerow(
                    [row.occasion, *_csv_line(cell), cell.adjusted_percent, _expected(cell)]
                )
        return response
    writer.writerow(header)
    for line in report.sections[measures_section(table)]:
        writer.writerow(_csv_line(line))
    return response


def measures_section(table: str) -> Section:
    return Section(table)


def _csv_line(line: Line) -> list[object]:
    target_source = "" if line.target is None else ("clinic" if line.target_is_own else "guideline")
    return [
        line.measure.id,
        line.now.part,
        line.now.whole,
        "" if line.percent is None else line.percent,
        line.before.part,
        line.before.whole,
        "" if line.before.percent is None else line.before.percent,
        "" if line.target is None else line.target,
        target_source,
    ]


def _expected(line: Line) -> str:
    if line.adjusted is None or line.suppressed or line.adjusted.percent is None:
        return ""
    return f"{line.adjusted.expected:.1f}"
