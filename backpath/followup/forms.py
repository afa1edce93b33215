"""Forms between visits. Every limit is checked here and again by a database constraint."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from backpath.care.forms import OnceForm, text, yes_no_field
from backpath.clinical.followup import recheck_flags
from backpath.clinical.redflags import red_flag_bank
from backpath.followup.models import DiaryEntry, ExercisesDone, Sleep

ZERO_TO_TEN = [(n, str(n)) for n in range(11)]


def _scale(label: Any, low: Any, high: Any) -> forms.TypedChoiceField:
    # Rendered as one row of 0..10 buttons: a tap each, no typing on a phone.
    return forms.TypedChoiceField(
        label=label,
        choices=ZERO_TO_TEN,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
        # Lazy: the form class is built once, the language is the request's.
        help_text=format_lazy("0 = {}, 10 = {}", low, high),
    )


def _row(label: Any, choices: Any) -> forms.ChoiceField:
    # Three short answers side by side, with no empty choice: one tap.
    return forms.ChoiceField(
        label=label, choices=choices, widget=forms.RadioSelect(attrs={"class": "row"})
    )


class DiaryForm(forms.ModelForm):  # type: ignore[type-arg]
    pain = _scale(_("Pain today, on average"), _("no pain"), _("worst pain imaginable"))
    exercises = _row(_("My exercises today"), ExercisesDone.choices)
    sleep = _row(_("Last night I slept"), Sleep.choices)
    stress = _scale(_("Stress today"), _("none"), _("extreme"))

    class Meta:
        model = DiaryEntry
        fields = ("pain", "active_minutes", "exercises", "sitting_breaks", "sleep", "stress")
        widgets = {  # noqa: RUF012
            "active_minutes": forms.NumberInput(
                attrs={"inputmode": "numeric", "min": 0, "max": 1440}
            ),
            "sitting_breaks": forms.NumberInput(
                attrs={"inputmode": "numeric", "min": 0, "max": 100}
            ),
        }
        labels = {  # noqa: RUF012
            "active_minutes": _("Minutes active or walking today"),
            "sitting_breaks": _("Times I got up after sitting a while"),
        }

    def clean_active_minutes(self) -> int:
        minutes: int = self.cleaned_data["active_minutes"]
        if minutes > 1440:
            raise forms.ValidationError(_("A day has 1440 minutes; enter at most 1440."))
        return minutes

    def clean_sitting_breaks(self) -> int:
        breaks: int = self.cleaned_data["sitting_breaks"]
        if breaks > 100:
            raise forms.ValidationError(_("Enter a number from 0 to 100."))
        return breaks


class RecheckForm(OnceForm):
    """The short safety check: every question must be answered yes or no."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        flags = red_flag_bank().by_id
        for flag_id in recheck_flags():
            self.fields[flag_id] = yes_no_field(text(flags[flag_id].question))

    def answers(self) -> dict[str, bool]:
        return {flag_id: self.cleaned_data[flag_id] == "yes" for flag_id in recheck_flags()}


class FlareForm(RecheckForm):
    pain = _scale(_("How bad is the pain now?"), _("no pain"), _("worst pain imaginable"))
    note = forms.CharField(
        label=_("What happened? (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
    )

    field_order = ("pain", "note")
