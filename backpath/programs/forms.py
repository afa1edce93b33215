"""The program builder's forms: one row per exercise (a formset), the quota, the note."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError

from backpath.care.vocabulary import CATEGORY_LABELS, EQUIPMENT_LABELS
from backpath.clinical.errors import ClinicalInputError
from backpath.exercises.library import Category, Dosage, Equipment, library
from backpath.exercises.programs import GradedQuota
from backpath.programs.models import NOTE_MAX, REASON_MAX
from backpath.programs.services import daily_max, unit_words
from backpath.web.forms import DayOfEntry, OnceForm
from backpath.web.i18n import text


class ItemForm(forms.Form):
    exercise_id = forms.CharField(widget=forms.HiddenInput, max_length=40)
    sets = forms.IntegerField(label=_("Sets"), min_value=1, max_value=6, required=False)
    reps = forms.IntegerField(label=_("Repetitions"), min_value=1, max_value=30, required=False)
    hold_seconds = forms.IntegerField(
        label=_("Hold (seconds)"), min_value=3, max_value=120, required=False
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=60, required=False)
    per_week = forms.IntegerField(label=_("Times a week"), min_value=1, max_value=14)

    def clean_exercise_id(self) -> str:
        exercise_id: str = self.cleaned_data["exercise_id"]
        if exercise_id not in library():
            raise forms.ValidationError(_("Unknown exercise."))
        return exercise_id

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            cleaned["dosage"] = Dosage(
                sets=cleaned.get("sets"),
                reps=cleaned.get("reps"),
                hold_seconds=cleaned.get("hold_seconds"),
                minutes=cleaned.get("minutes"),
            )
        except ValidationError:
            raise forms.ValidationError(
                _("Give sets x repetitions, a hold in seconds x repetitions, or minutes.")
            ) from None
        return cleaned

    @property
    def exercise_name(self) -> str:
        exercise_id = self["exercise_id"].value()
        exercise = library().get(str(exercise_id))
        return text(exercise.name) if exercise else str(exercise_id)


ItemFormSet = forms.formset_factory(
    ItemForm, extra=0, can_delete=True, can_order=True, max_num=30, validate_max=True
)


class ProgramForm(OnceForm):
    note = forms.CharField(
        label=_("Note for the patient"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=NOTE_MAX,
    )
    reason = forms.CharField(
        label=_("Reason for this change"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=REASON_MAX,
    )
    quota_activity = forms.CharField(
        label=_("Graded activity"),
        max_length=100,
        required=False,
        help_text=_("For example walking. Leave empty for no quota."),
    )
    quota_unit = forms.ChoiceField(
        label=_("Unit"),
        choices=[("minutes", _("minutes")), ("steps", _("steps"))],
        required=False,
    )
    quota_baseline = forms.IntegerField(
        label=_("Baseline per week"), min_value=2, max_value=100_000, required=False
    )
    quota_goal = forms.IntegerField(
        label=_("Goal per week"), min_value=2, max_value=100_000, required=False
    )
    quota_weeks = forms.IntegerField(
        label=_("Weeks to reach the goal"), min_value=1, max_value=26, required=False
    )
    search = forms.CharField(label=_("Search the library"), max_length=100, required=False)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories"))]
    )

    def __init__(self, *args: Any, needs_reason: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.needs_reason = needs_reason
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("All categories")),
            *((c.value, CATEGORY_LABELS[c]) for c in Category),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.needs_reason and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("This changes a published program: give the reason."))
        cleaned["quota"] = None
        if cleaned.get("quota_activity", "").strip():
            missing = [
                name
                for name in ("quota_baseline", "quota_goal", "quota_weeks")
                if cleaned.get(name) is None and name not in self.errors
            ]
            for name in missing:
                self.add_error(name, _("Needed for the quota."))
            if not missing and not self.errors:
                try:
                    cleaned["quota"] = GradedQuota.from_baseline(
                        cleaned["quota_activity"].strip(),
                        cleaned.get("quota_unit") or "minutes",
                        cleaned["quota_baseline"],
                        cleaned["quota_goal"],
                        cleaned["quota_weeks"],
                    )
                except ClinicalInputError:
                    self.add_error(
                        "quota_goal",
                        # xgettext:no-python-format
                        _("The goal must be above the start (80% of the baseline)."),
                    )
        return cleaned


class SuggestForm(forms.Form):
    """What the clinician knows that the record does not: level, equipment, reactivity."""

    level = forms.TypedChoiceField(
        label=_("What the patient can do now (level)"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        initial="2",
    )
    equipment = forms.MultipleChoiceField(
        label=_("Equipment at home"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        initial=[Equipment.MAT.value, Equipment.CHAIR.value, Equipment.WALL.value],
        choices=[(e.value, EQUIPMENT_LABELS[e]) for e in Equipment],
    )
    lrs_high_reactivity = forms.BooleanField(label=_("LRS with high reactivity"), required=False)


class EntryForm(DayOfEntry):
    """A patient's entry, with the ``submission`` id it was saved under: the page gives one,
    and on the phone offline.js makes a new one for each save, which stays with the entry
    when it waits offline, so sending it again counts it once. Not required: a page kept
    on a phone from before the id existed still saves (once per day for an exercise)."""

    submission = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)


class LogForm(EntryForm):
    item = forms.UUIDField(widget=forms.HiddenInput)
    done = forms.TypedChoiceField(
        choices=[("yes", _("Done")), ("no", _("Skipped"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    pain = forms.TypedChoiceField(
        label=_("Pain during or after (0-10)"),
        choices=[("", "-"), *((str(n), str(n)) for n in range(11))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    difficulty = forms.TypedChoiceField(
        label=_("How hard was it?"),
        choices=[
            ("", "-"),
            ("1", _("1 very easy")),
            ("2", _("2 easy")),
            ("3", _("3 just right")),
            ("4", _("4 hard")),
            ("5", _("5 too hard")),
        ],
        coerce=int,
        empty_value=None,
        required=False,
    )


class QuotaLogForm(EntryForm):
    """Today's graded activity, bounded per day by the quota's unit (``services.daily_max``).

    Give the quota's ``unit``: without it the bound is the largest of any unit's.
    """

    amount = forms.IntegerField(label=_("Today"), min_value=0)

    def __init__(self, *args: Any, unit: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = daily_max(unit)
        field = self.fields["amount"]
        assert isinstance(field, forms.IntegerField)
        field.max_value = limit
        field.validators.append(MaxValueValidator(limit))
        field.widget.attrs["max"] = str(limit)
        field.error_messages["max_value"] = (
            _("At most %(limit)s %(unit)s a day.") % {"limit": limit, "unit": unit_words(unit)}
            if unit
            else _("At most %(limit)s a day.") % {"limit": limit}
        )
