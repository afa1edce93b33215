"""The patient's reminder settings form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from backpath.reminders.models import CHOICES, ReminderSettings
from backpath.reminders.timing import DIARY_AT, MORNING_AT, in_quiet_hours

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

    def quiet_hours_warnings(self) -> list[str]:
        """The reminders whose time falls in the quiet hours. Not an error (the patient may
        want it so), but such a reminder waits until the quiet hours end that day, and when
        they last past midnight it is never sent (REM-QUIET in ``reminders.timing``)."""
        values = self._chosen()
        if values is None or not values.get("email"):
            return []
        start = values["quiet_start"].replace(second=0, microsecond=0)
        end = values["quiet_end"].replace(second=0, microsecond=0)
        warnings = []
        for reminder in _reminder_times(values):
            at = reminder.at.replace(second=0, microsecond=0)
            if not in_quiet_hours(at, start, end):
                continue
            words = {
                "what": reminder.what,
                "time": _clock(at),
                "start": _clock(start),
                "end": _clock(end),
            }
            if start > end and at >= start:
                # Quiet until the next morning: the day is over before they end.
                warnings.append(
                    _(
                        "%(what)s at %(time)s falls in your quiet hours (%(start)s to %(end)s), "
                        "which last past midnight: it is never sent."
                    )
                    % words
                )
            else:
                warnings.append(
                    _(
                        "%(what)s at %(time)s falls in your quiet hours (%(start)s to %(end)s): "
                        "it comes at %(end)s instead."
                    )
                    % words
                )
        return warnings

    def _chosen(self) -> dict[str, Any] | None:
        """The choices as the page shows them: what was sent (when it is valid), else saved."""
        if self.is_bound:
            if not self.is_valid():
                return None
            return dict(self.cleaned_data)
        return {name: getattr(self.instance, name) for name in CHOICES}


@dataclass(frozen=True, slots=True)
class _ReminderTime:
    what: str
    at: time


def _reminder_times(values: dict[str, Any]) -> list[_ReminderTime]:
    """The reminder emails the patient gets, at their times (see ``reminders.timing``)."""
    times = []
    if values.get("exercises"):
        times.append(_ReminderTime(str(_("The exercise reminder")), values["exercise_time"]))
    if values.get("diary"):
        times.append(_ReminderTime(str(_("The diary reminder")), DIARY_AT))
    if values.get("recheck") or values.get("questionnaire"):
        times.append(
            _ReminderTime(str(_("The weekly check and questionnaire reminder")), MORNING_AT)
        )
    return times


def _clock(moment: time) -> str:
    return moment.strftime("%H:%M")
