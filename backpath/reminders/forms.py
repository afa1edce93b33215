"""The patient's reminder settings form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from backpath.reminders.models import CHOICES, ReminderSettings

# A time input takes hours and minutes, whatever the interface language writes times as.
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ReminderSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ReminderSettings
        fields = CHOICES
        widgets = {  # noqa: RUF012
            "exercise_time": TIME,
            "quiet_start": TIME,
            "quiet_end": TIME,
        }
        help_texts = {  # noqa: RUF012
            "email": _("Switch this off to get no reminder emails at all."),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name in ("exercise_time", "quiet_start", "quiet_end"):
            field = self.fields[name]
            assert isinstance(field, forms.TimeField)
            field.input_formats = ["%H:%M", "%H:%M:%S"]
