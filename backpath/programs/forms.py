"""The program builder's forms: one row per exercise (a formset), the quota, the note."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError

from backpath.care.vocabulary import CATEGORY_LABELS, EQUIPMENT_LABELS
from backpath.clinical.errors import ClinicalInputError
from backpath.exercises.library import Category, Dosage, Equipment
from backpath.exercises.programs import GradedQuota
from backpath.programs.catalogue import CatalogueExercise, lines, packaged
from backpath.programs.clinic_exercises import ExerciseDraft
from backpath.programs.media import CheckedMedia, MediaRefused, check_photo, check_video
from backpath.programs.models import (
    EXERCISE_CAUTIONS_MAX,
    EXERCISE_FEEL_MAX,
    EXERCISE_NAME_MAX,
    EXERCISE_STEPS_MAX,
    NOTE_MAX,
    REASON_MAX,
)
from backpath.programs.services import daily_max, unit_words
from backpath.web.forms import DayOfEntry, OnceForm
from backpath.web.i18n import lang

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ItemForm(forms.Form):
    exercise_id = forms.CharField(widget=forms.HiddenInput, max_length=40)
    sets = forms.IntegerField(label=_("Sets"), min_value=1, max_value=6, required=False)
    reps = forms.IntegerField(label=_("Repetitions"), min_value=1, max_value=30, required=False)
    hold_seconds = forms.IntegerField(
        label=_("Hold (seconds)"), min_value=3, max_value=120, required=False
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=60, required=False)
    per_week = forms.IntegerField(label=_("Times a week"), min_value=1, max_value=14)

    def __init__(
        self,
        *args: Any,
        catalogue: Mapping[str, CatalogueExercise] | None = None,
        **kwargs: Any,
    ) -> None:
        """``catalogue``: the exercises the clinic may prescribe (``catalogue.for_clinic``);
        without it, the library's."""
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue if catalogue is not None else packaged()

    def clean_exercise_id(self) -> str:
        exercise_id: str = self.cleaned_data["exercise_id"]
        if exercise_id not in self.catalogue:
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
    def exercise(self) -> CatalogueExercise | None:
        return self.catalogue.get(str(self["exercise_id"].value()))

    @property
    def exercise_name(self) -> str:
        exercise = self.exercise
        return exercise.name(lang()) if exercise else str(self["exercise_id"].value())


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


# The answers an exercise's log takes. The card on Today draws its own options from these,
# with the day's saved answers selected: a correction posts them again, not blanks.
PAIN_SCALE = range(11)
DIFFICULTY = (
    (1, _("1 very easy")),
    (2, _("2 easy")),
    (3, _("3 just right")),
    (4, _("4 hard")),
    (5, _("5 too hard")),
)


class LogForm(EntryForm):
    item = forms.UUIDField(widget=forms.HiddenInput)
    done = forms.TypedChoiceField(
        choices=[("yes", _("Done")), ("no", _("Skipped"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    pain = forms.TypedChoiceField(
        label=_("Pain during or after (0-10)"),
        choices=[("", "-"), *((str(n), str(n)) for n in PAIN_SCALE)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    difficulty = forms.TypedChoiceField(
        label=_("How hard was it?"),
        choices=[("", "-"), *((str(n), label) for n, label in DIFFICULTY)],
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


# --- the clinic's own exercises -------------------------------------------------------------


def _text(
    label: StrOrPromise, max_length: int, rows: int = 0, help_text: StrOrPromise = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else None,
        help_text=help_text,
    )


TEXTS = ("name_nl", "steps_nl", "name_en", "steps_en")


class ClinicExerciseForm(forms.Form):
    """An own exercise: its texts in Dutch, English or both (each language whole: a name and
    its steps), the dosage, category, level, cautions, and a photo or a video."""

    name_nl = _text(_("Name in Dutch"), EXERCISE_NAME_MAX)
    steps_nl = _text(
        _("Steps in Dutch"), EXERCISE_STEPS_MAX, rows=5, help_text=_("One step a line.")
    )
    feel_nl = _text(_("How it should feel, in Dutch"), EXERCISE_FEEL_MAX, rows=2)
    name_en = _text(_("Name in English"), EXERCISE_NAME_MAX)
    steps_en = _text(
        _("Steps in English"), EXERCISE_STEPS_MAX, rows=5, help_text=_("One step a line.")
    )
    feel_en = _text(_("How it should feel, in English"), EXERCISE_FEEL_MAX, rows=2)
    category = forms.ChoiceField(
        label=_("Category"), choices=[(c.value, CATEGORY_LABELS[c]) for c in Category]
    )
    level = forms.TypedChoiceField(
        label=_("Level"), choices=[(str(n), str(n)) for n in range(1, 6)], coerce=int
    )
    # The bounds of backpath.exercises.library.Dosage, as in the builder's rows.
    sets = forms.IntegerField(label=_("Sets"), min_value=1, max_value=6, required=False)
    reps = forms.IntegerField(label=_("Repetitions"), min_value=1, max_value=30, required=False)
    hold_seconds = forms.IntegerField(
        label=_("Hold (seconds)"), min_value=3, max_value=120, required=False
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=60, required=False)
    cautions = _text(_("Cautions"), EXERCISE_CAUTIONS_MAX, rows=3)
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 5 MB."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    video = forms.FileField(
        label=_("Video"),
        required=False,
        help_text=_("MP4 or WebM, at most 20 MB."),
        widget=forms.FileInput(attrs={"accept": "video/mp4,video/webm"}),
    )

    def clean_photo(self) -> CheckedMedia | None:
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        try:
            return check_photo(upload)
        except MediaRefused as refused:
            raise forms.ValidationError(refused.problem) from None

    def clean_video(self) -> CheckedMedia | None:
        upload = self.cleaned_data.get("video")
        if not upload:
            return None
        try:
            return check_video(upload)
        except MediaRefused as refused:
            raise forms.ValidationError(refused.problem) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for code in ("nl", "en"):
            steps = "\n".join(lines(cleaned.get(f"steps_{code}", "")))
            cleaned[f"steps_{code}"] = steps
            name = cleaned.get(f"name_{code}")
            if name and not steps and f"steps_{code}" not in self.errors:
                self.add_error(f"steps_{code}", _("Give the steps in this language as well."))
            if steps and not name and f"name_{code}" not in self.errors:
                self.add_error(f"name_{code}", _("Give the name in this language as well."))
        if not any(cleaned.get(name) for name in TEXTS) and not self.has_error("name_nl"):
            self.add_error(
                "name_nl", _("Give the name and the steps in Dutch, in English, or in both.")
            )
        if cleaned.get("photo") and cleaned.get("video"):
            self.add_error("video", _("Give a photo or a video, not both."))
        dosage = None
        try:
            dosage = Dosage(
                sets=cleaned.get("sets"),
                reps=cleaned.get("reps"),
                hold_seconds=cleaned.get("hold_seconds"),
                minutes=cleaned.get("minutes"),
            )
        except ValidationError:
            if not any(
                self.has_error(name) for name in ("sets", "reps", "hold_seconds", "minutes")
            ):
                self.add_error(
                    None,
                    _("Give sets x repetitions, a hold in seconds x repetitions, or minutes."),
                )
        if self.errors:
            if cleaned.get("photo") or cleaned.get("video"):
                # A browser never fills a file field in again.
                self.add_error(None, _("Choose the photo or video again when you send the form."))
            return cleaned
        assert dosage is not None
        cleaned["upload"] = cleaned.get("photo") or cleaned.get("video")
        cleaned["draft"] = ExerciseDraft(
            name_nl=cleaned["name_nl"],
            name_en=cleaned["name_en"],
            steps_nl=cleaned["steps_nl"],
            steps_en=cleaned["steps_en"],
            feel_nl=cleaned["feel_nl"],
            feel_en=cleaned["feel_en"],
            cautions=cleaned["cautions"],
            category=Category(cleaned["category"]),
            level=cleaned["level"],
            dosage=dosage,
        )
        return cleaned


class NewClinicExerciseForm(ClinicExerciseForm, OnceForm):
    """Adding an exercise: its submission id adds it once, however often it is sent."""


class EditClinicExerciseForm(ClinicExerciseForm):
    remove_media = forms.BooleanField(label=_("Remove the photo or video"), required=False)
