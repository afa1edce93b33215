"""Form pieces every app uses: the one-time submission id and the yes/no question."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django import forms
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
