"""Forms between visits. Every limit is checked here and again by a database constraint."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from backpath.clinical.followup import recheck_flags
from backpath.clinical.redflags import red_flag_bank
from backpath.followup.models import (
    FLARE_NOTE_MAX,
    REASON_MAX,
    ExercisesDone,
    Sleep,
)
from backpath.followup.services import markable_flags
from backpath.web.forms import DayOfEntry, OnceForm, yes_no_field
from backpath.web.i18n import text

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


class DiaryForm(DayOfEntry):
    """Today's six answers. A plain form, not a model form: its own limits below are the
    checks, and the database's constraints stay the backstop, without asking the database
    to evaluate each of them before the save (a query apiece)."""

    pain = _scale(_("Pain today, on average"), _("no pain"), _("worst pain imaginable"))
    active_minutes = forms.IntegerField(
        label=_("Minutes active or walking today"),
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 1440}),
    )
    exercises = _row(_("My exercises today"), ExercisesDone.choices)
    sitting_breaks = forms.IntegerField(
        label=_("Times I got up after sitting a while"),
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 100}),
    )
    sleep = _row(_("Last night I slept"), Sleep.choices)
    stress = _scale(_("Stress today"), _("none"), _("extreme"))

    ANSWERS = ("pain", "active_minutes", "exercises", "sitting_breaks", "sleep", "stress")

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

    def answers(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.ANSWERS}


class RecheckForm(OnceForm):
    """The short safety check: every question must be answered yes or no.

    A flag the clinician documented as long-standing (``long_standing``) is asked with its
    ``changed_question`` ("has it changed since last time?"); a "yes" to that counts as the
    flag, like a "yes" to the question. The form carries which flags it asked that way: if
    that changed between showing the form and sending it, those answers are cleared and the
    patient answers the questions as they are now, so the record says what was asked.
    """

    # The flag ids asked as "changed?", comma-separated: a few short ids.
    asked_changed = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)

    def __init__(self, *args: Any, long_standing: Collection[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        flags = red_flag_bank().by_id
        self.changed = tuple(flag for flag in markable_flags() if flag in long_standing)
        now = ",".join(self.changed)
        self.fields["asked_changed"].initial = now
        self.reworded: tuple[str, ...] = ()
        if self.is_bound:
            shown = str(self.data.get(self.add_prefix("asked_changed")) or "")
            moved = set(filter(None, shown.split(","))) ^ set(self.changed)
            self.reworded = tuple(flag for flag in recheck_flags() if flag in moved)
            if moved:
                data = dict(self.data.items())  # one value per field in this form
                for flag_id in self.reworded:
                    data.pop(self.add_prefix(flag_id), None)
                data[self.add_prefix("asked_changed")] = now
                self.data = data
        for flag_id in recheck_flags():
            flag = flags[flag_id]
            asked = flag.changed_question if flag_id in self.changed else flag.question
            self.fields[flag_id] = yes_no_field(text(asked or flag.question))

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if self.reworded:
            raise forms.ValidationError(
                _(
                    "Your physiotherapist has just updated these questions. "
                    "Please answer the questions marked below again."
                )
            )
        return cleaned

    def answers(self) -> dict[str, bool]:
        return {flag_id: self.cleaned_data[flag_id] == "yes" for flag_id in recheck_flags()}


class FlareForm(RecheckForm):
    pain = _scale(_("How bad is the pain now?"), _("no pain"), _("worst pain imaginable"))
    note = forms.CharField(
        label=_("What happened?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=FLARE_NOTE_MAX,
        required=False,
    )

    field_order = ("pain", "note")


class LongStandingForm(OnceForm):
    """The clinician documents a re-check symptom as long-standing, with the reason."""

    flag = forms.ChoiceField(
        label=_("Symptom"),
        error_messages={"required": _("Choose the symptom.")},
    )
    reason = forms.CharField(
        label=_("Why it is long-standing"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_MAX}),
        max_length=REASON_MAX,
        error_messages={"required": _("Write down why this symptom is long-standing.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        flags = red_flag_bank().by_id
        self.fields["flag"].choices = [  # type: ignore[attr-defined]
            ("", "---------"),
            *(
                (flag_id, f"{flag_id}: {text(flags[flag_id].meaning)}")
                for flag_id in markable_flags()
            ),
        ]
