"""The quality page: the clinic's (or the clinician's own) guideline adherence for a
period, beside the previous period and the guideline's target."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from backpath.accounts.http import AuthenticatedHttpRequest
from backpath.clinical.stratification import Profile
from backpath.quality.figures import Figures, Scope, Share, figures
from backpath.quality.forms import QualityForm, default_period
from backpath.quality.measures import Measure, Section, measures
from backpath.web.decorators import clinician_required
from backpath.web.i18n import text


@dataclass(frozen=True, slots=True)
class Line:
    measure: Measure
    now: Share
    before: Share

    @property
    def title(self) -> str:
        return text(self.measure.title)

    @property
    def counts(self) -> str:
        return text(self.measure.counts)

    @property
    def on_target(self) -> bool | None:
        """Whether the period's figure meets the guideline's target (None: no target or
        nothing counted)."""
        percent = self.now.percent
        target = self.measure.target
        if target is None or percent is None:
            return None
        return percent >= target if self.measure.better == "higher" else percent <= target


def _lines(now: Figures, before: Figures, section: Section) -> list[Line]:
    return [
        Line(measure, now.counts[key], before.counts[key])
        for key, measure in measures().items()
        if measure.section is section
    ]


@clinician_required
def quality(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    assert user.clinic_id is not None  # a clinician has a clinic
    start, end = default_period(timezone.localdate())
    initial = {"start": start, "end": end, "whose": "clinic"}
    form = QualityForm(request.GET if "start" in request.GET else None, initial=initial)
    profile, mine = None, False
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        profile = Profile(form.cleaned_data["profile"]) if form.cleaned_data["profile"] else None
        mine = form.cleaned_data["whose"] == "mine"
    # Refused choices: the form again with the problem, over the default period's figures.
    status = 400 if form.is_bound and form.errors else 200
    scope = Scope(user.clinic_id, start, end, profile, user.pk if mine else None)
    now, before = figures(scope), figures(scope.previous())
    return render(
        request,
        "quality/page.html",
        {
            "form": form,
            "scope": scope,
            "previous": scope.previous(),
            "figures": now,
            "process": _lines(now, before, Section.PROCESS),
            "passive": _lines(now, before, Section.PASSIVE),
        },
        status=status,
    )
