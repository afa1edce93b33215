"""The quality page's choices: the period, the profile, and (for a clinician) whose."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from backpath.clinical.stratification import Profile
from backpath.quality.measures import Measure
from backpath.web.forms import ISO_DATE
from backpath.web.i18n import text

# A period longer than this is refused: the page reads the period's episodes whole.
LONGEST = timedelta(days=3 * 366)


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months up to today."""
    return today.replace(year=today.year - 1) + timedelta(days=1), today


@dataclass(frozen=True, slots=True)
class Quarter:
    name: str  # "2026-Q3"
    start: date
    end: date


def _quarter(year: int, number: int) -> Quarter:
    start = date(year, 3 * number - 2, 1)
    following = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return Quarter(f"{year}-Q{number}", start, following - timedelta(days=1))


def recent_quarters(today: date, count: int = 4) -> list[Quarter]:
    """The last ``count`` quarters that have ended, the latest first."""
    year, number = today.year, (today.month - 1) // 3 + 1
    found = []
    for _count in range(count):
        year, number = (year - 1, 4) if number == 1 else (year, number - 1)
        found.append(_quarter(year, number))
    return found


def quarter_named(name: str | None, today: date) -> Quarter | None:
    """The quarter ``2026-Q3`` (None: the last one ended); None when it is not a quarter
    that has ended."""
    if not name:
        return recent_quarters(today, 1)[0]
    year, _sep, number = name.partition("-Q")
    if not (year.isdigit() and len(year) == 4 and number in ("1", "2", "3", "4")):
        return None
    quarter = _quarter(int(year), int(number))
    return quarter if quarter.end < today and int(year) >= 2000 else None


class QualityForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=ISO_DATE)
    end = forms.DateField(label=pgettext_lazy("the last day of a period", "To"), widget=ISO_DATE)
    profile = forms.ChoiceField(
        label=_("Profile"),
        required=False,
        choices=[
            ("", _("All profiles")),
            (Profile.LOW.value, _("Low risk")),
            (Profile.MEDIUM.value, _("Medium risk")),
            (Profile.HIGH.value, _("High risk")),
        ],
    )
    whose = forms.ChoiceField(
        label=_("Episodes"),
        required=False,
        choices=[("clinic", _("The whole clinic")), ("mine", _("Mine"))],
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, date) and isinstance(end, date):
            if start > end:
                self.add_error("end", _("The end comes before the start."))
            elif end - start > LONGEST:
                self.add_error("end", _("Choose a period of at most three years."))
            elif end > timezone.localdate():
                self.add_error("end", _("The period cannot end in the future."))
        return data


class QualitySettingsForm(forms.Form):
    """A clinic admin's choices: the clinic's own targets where the guideline sets none,
    clinicians' figures by name, and the smallest count an outcome figure is shown for."""

    name_clinicians = forms.BooleanField(
        label=_("Show each clinician's figures by name to the clinic's clinicians"),
        required=False,
    )
    smallest_count = forms.IntegerField(
        label=_("Smallest count an outcome figure is shown for"), min_value=1, max_value=1000
    )

    def __init__(self, *args: Any, measures: Sequence[Measure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.own_targets = [m for m in measures if m.target is None]
        for measure in self.own_targets:
            self.fields[f"target_{measure.id}"] = forms.IntegerField(
                label=text(measure.title),
                required=False,
                min_value=0,
                max_value=100,
                help_text=_("Your own target in percent; empty: none."),
            )

    def targets(self) -> dict[str, int]:
        return {
            measure.id: value
            for measure in self.own_targets
            if (value := self.cleaned_data.get(f"target_{measure.id}")) is not None
        }
