"""The quality page's choices: the period, the profile, and (for a clinician) whose."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backpath.clinical.stratification import Profile
from backpath.web.forms import ISO_DATE

# A period longer than this is refused: the page reads the period's episodes whole.
LONGEST = timedelta(days=3 * 366)


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months up to today."""
    return today.replace(year=today.year - 1) + timedelta(days=1), today


class QualityForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=ISO_DATE)
    end = forms.DateField(label=_("To"), widget=ISO_DATE)
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
