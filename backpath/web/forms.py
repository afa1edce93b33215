"""Form pieces every app uses: the one-time submission id and the yes/no question."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# A date input only takes ISO dates, whatever the interface language formats dates as.
ISO_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO = (("yes", _("Yes")), ("no", _("No")))


class OnceForm(forms.Form):
    """A form that creates a record: its ``submission`` id is stored unique on the record, so
    a double click or a resubmitted page does not write twice."""

    submission = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


def yes_no_field(label: StrOrPromise, required: bool = True) -> forms.ChoiceField:
    # Marked so the template lays the two short answers side by side.
    return forms.ChoiceField(
        label=label,
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"class": "yesno"}),
        required=required,
    )


# An entry made on the phone without a connection is sent when it is back, maybe days later
# (the service worker keeps it): it counts for the day it was made, up to a week back.
LATE_ENTRY_DAYS = 7


class DayOfEntry(forms.Form):
    """The day the page was shown (a hidden ``day``), so a log sent late counts for the day it
    was made, not the day it arrived. Without one (an older page) it is today."""

    day = forms.DateField(widget=forms.HiddenInput, required=False)

    def clean_day(self) -> date:
        day: date | None = self.cleaned_data.get("day")
        today = timezone.localdate()
        if day is None:
            return today
        if day > today or day < today - timedelta(days=LATE_ENTRY_DAYS):
            raise forms.ValidationError(
                _("This entry is from more than a week ago and can no longer be saved.")
            )
        return day
