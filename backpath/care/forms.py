"""Forms for the clinical record. Questionnaire forms are built from the instrument data files.

Every form that creates a record carries a one-time ``submission`` id (see models), so a
double click or a resubmitted page does not write twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backpath.care.core_input import OPTIONAL_INSTRUMENTS
from backpath.care.models import (
    DESCRIPTION_MAX,
    FINDINGS_NOTES_MAX,
    GP_NOTE_MAX,
    ITEM_NOTE_MAX,
    NOTE_MAX,
    REASON_MAX,
    SOAP_MAX,
    SUMMARY_MAX,
    DischargeReason,
    Patient,
)
from backpath.care.questionnaires import askable, questionnaire
from backpath.care.vocabulary import INTERVENTION_LABELS
from backpath.clinical.classification import LegPain
from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import Instrument
from backpath.clinical.intake import UNKNOWN, Course
from backpath.clinical.redflags import AskedOf, red_flag_bank
from backpath.clinical.scoring import validate_answers
from backpath.clinical.sessions import intervention_codes
from backpath.clinical.stratification import PROFILE_LABELS, Profile, prognostic_factors
from backpath.web.forms import ISO_DATE, YES_NO, OnceForm, yes_no_field
from backpath.web.i18n import text

if TYPE_CHECKING:
    pass

# A red-flag question may be answered "don't know": that is recorded as unknown, never as no.
YES_NO_UNKNOWN = (*YES_NO, (UNKNOWN, _("I don't know")))


class PatientDetailsForm(forms.ModelForm):  # type: ignore[type-arg]
    """The patient's details: who they are, how to reach them and their GP practice."""

    class Meta:
        model = Patient
        fields = (
            "first_name",
            "last_name",
            "date_of_birth",
            "sex",
            "email",
            "phone",
            "gp_name",
            "gp_practice",
            "gp_phone",
            "gp_address",
            "referrer",
        )
        widgets = {  # noqa: RUF012
            "date_of_birth": ISO_DATE,
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "gp_phone": forms.TextInput(attrs={"type": "tel"}),
            "gp_address": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {  # noqa: RUF012
            "phone": _("To call the patient when an answer needs a doctor quickly."),
        }

    def clean_date_of_birth(self) -> date:
        born: date = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError(_("The date of birth is in the future."))
        if (today - born) < timedelta(days=365 * 16 + 4):
            raise forms.ValidationError(
                _("backpath follows guidelines for adults: the patient must be 16 or older.")
            )
        if today.year - born.year > 120:
            raise forms.ValidationError(_("Check the year of birth."))
        return born


class PatientForm(OnceForm, PatientDetailsForm):
    """A new patient (the submission id: a double click adds one)."""


class PatientEditForm(PatientDetailsForm):
    """The details of a patient on file. ``version`` is the fingerprint of the details the
    form was shown with (``services.patient_details_version``)."""

    version = forms.CharField(widget=forms.HiddenInput, max_length=64)
    FIELDS: tuple[str, ...] = PatientDetailsForm.Meta.fields

    @property
    def details(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class InvitePatientForm(forms.Form):
    email = forms.EmailField(label=_("Email address for the invitation"))


class EpisodeOpenForm(OnceForm):
    extra_instruments = forms.MultipleChoiceField(
        label=_("Extra questionnaires for the intake"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("STarT Back, pain (NPRS), PSK and QBPDS are always asked."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["extra_instruments"].choices = [  # type: ignore[attr-defined]
            (i, _instrument_choice(i)) for i in OPTIONAL_INSTRUMENTS
        ]


def _instrument_choice(instrument_id: str) -> str:
    definition = questionnaire(instrument_id)
    label = f"{definition.abbreviation} - {text(definition.name)}"
    if not askable(instrument_id):
        return _("%(label)s (licensed wording not loaded: not asked)") % {"label": label}
    return label


def answer_value(choice: str) -> bool | str:
    """A yes / no / don't-know choice as the core's red-flag answer."""
    return choice if choice == UNKNOWN else choice == "yes"


def answer_choice(value: object) -> str:
    return UNKNOWN if value == UNKNOWN else "yes" if value is True else "no"


class SafetyForm(forms.Form):
    """The red-flag questions asked of the patient: yes, no or "I don't know"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for flag in red_flag_bank().flags:
            if flag.asked_of is AskedOf.PATIENT:
                self.fields[flag.id] = forms.ChoiceField(
                    label=text(flag.question),
                    choices=YES_NO_UNKNOWN,
                    widget=forms.RadioSelect(attrs={"class": "yesno"}),
                )
        self.fields["smoker"] = yes_no_field(_("Do you smoke?"))
        self.fields["cardiovascular_disease"] = yes_no_field(
            _("Do you have a heart or vascular disease (for example high blood pressure)?")
        )

    def red_flags(self) -> dict[str, bool | str]:
        return {
            key: answer_value(value)
            for key, value in self.cleaned_data.items()
            if key not in ("smoker", "cardiovascular_disease")
        }

    def facts(self) -> dict[str, bool]:
        return {
            key: self.cleaned_data[key] == "yes" for key in ("smoker", "cardiovascular_disease")
        }


def _answered_as(definition: Instrument) -> str:
    """The questionnaire as a patient knows it: the pain question is their pain score, not
    "NPRS"; the others by their abbreviation."""
    return str(_("Pain score")) if definition.id == "nprs" else definition.abbreviation


class InstrumentsForm(forms.Form):
    """Questionnaires as radio items named ``<instrument>__<item>``, validated by the core."""

    def __init__(self, *args: Any, instruments: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instruments: list[Instrument] = [questionnaire(i) for i in instruments]
        for definition in self.instruments:
            required = definition.scoring.min_answered == len(definition.items)
            for item in definition.items:
                name = f"{definition.id}__{item.link_id}"
                self.fields[name] = forms.TypedChoiceField(
                    label=text(item.text),
                    choices=[(o.value, text(o.label)) for o in item.options],
                    coerce=int,
                    widget=forms.RadioSelect,
                    required=required,
                )
                if definition.id in ("psk", "psfs"):
                    self.fields[f"{name}__note"] = forms.CharField(
                        label=_("Activity"), max_length=ITEM_NOTE_MAX, required=False
                    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for definition in self.instruments:
            values = self.answers_for(definition)
            try:
                validate_answers(definition, values, definition.id)
                too_few = len(values) < definition.scoring.min_answered
            except ClinicalInputError:
                too_few = True
            if too_few:
                self.add_error(
                    None,
                    _("%(name)s: answer at least %(count)s question(s).")
                    % {"name": _answered_as(definition), "count": definition.scoring.min_answered},
                )
            for item in definition.items:
                name = f"{definition.id}__{item.link_id}"
                if f"{name}__note" in self.errors:
                    # The item's block shows the item's errors: a refused note (too long) is
                    # named there too, beside the note's input.
                    self.add_error(name, list(self.errors[f"{name}__note"]))
                note = cleaned.get(f"{name}__note")
                if note and item.link_id not in values:
                    self.add_error(name, _("Rate how difficult this activity is."))
        return cleaned

    def answers_for(self, definition: Instrument) -> dict[str, int]:
        data = getattr(self, "cleaned_data", {})
        answers = {}
        for item in definition.items:
            value = data.get(f"{definition.id}__{item.link_id}")
            if value not in (None, ""):
                answers[item.link_id] = int(value)
        return answers

    def answers(self) -> dict[str, dict[str, int]]:
        return {d.id: self.answers_for(d) for d in self.instruments}

    def item_notes(self) -> dict[str, dict[str, str]]:
        notes: dict[str, dict[str, str]] = {}
        for definition in self.instruments:
            for item in definition.items:
                note = self.cleaned_data.get(f"{definition.id}__{item.link_id}__note")
                if note:
                    notes.setdefault(definition.id, {})[item.link_id] = note
        return notes

    def sections(self) -> list[dict[str, Any]]:
        """Bound fields per instrument, for the template."""
        return [
            {
                "instrument": d,
                "name": text(d.name),
                "instructions": text(d.instructions),
                "items": [
                    (
                        self[f"{d.id}__{item.link_id}"],
                        self[f"{d.id}__{item.link_id}__note"]
                        if f"{d.id}__{item.link_id}__note" in self.fields
                        else None,
                        # A long scale shows numbers only, with its end labels as a caption.
                        (text(item.options[0].label), text(item.options[-1].label))
                        if len(item.options) > 5
                        else None,
                    )
                    for item in d.items
                ],
            }
            for d in self.instruments
        ]


class QuestionnaireForm(InstrumentsForm):
    """The complaint and the episode's questionnaires at the intake."""

    description = forms.CharField(
        label=_("Describe your back complaint in a few words"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=DESCRIPTION_MAX,
    )
    onset = forms.DateField(
        label=_("When did this episode of back pain start?"),
        widget=ISO_DATE,
    )
    leg_pain = forms.ChoiceField(
        label=_("Does the pain go into your leg?"),
        choices=(
            (LegPain.NONE.value, _("No")),
            (LegPain.ABOVE_KNEE.value, _("Yes, but not below the knee")),
            (LegPain.BELOW_KNEE.value, _("Yes, below the knee")),
        ),
        widget=forms.RadioSelect,
    )
    leg_pain_dominant = yes_no_field(_("Is the pain in your leg worse than the pain in your back?"))
    first_episode = yes_no_field(_("Is this the first time you have back pain?"))
    course = forms.ChoiceField(
        label=_("How has the pain gone since it started?"),
        choices=(
            (Course.IMPROVING.value, _("Clearly better")),
            (Course.UNCHANGED.value, _("About the same")),
            (Course.WORSE.value, _("Worse")),
        ),
        widget=forms.RadioSelect,
    )
    heavy_physical_work = yes_no_field(
        _("Is your work (paid or not) physically heavy, such as lifting or standing all day?")
    )

    def clean_onset(self) -> date:
        onset: date = self.cleaned_data["onset"]
        if onset > timezone.localdate():
            raise forms.ValidationError(_("The start date cannot be in the future."))
        return onset

    def complaint(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "onset": data["onset"].isoformat(),
            "leg_pain": data["leg_pain"],
            "leg_pain_dominant": data["leg_pain_dominant"] == "yes",
            "first_episode": data["first_episode"] == "yes",
            "course": data["course"],
            "heavy_physical_work": data["heavy_physical_work"] == "yes",
        }


TRISTATE = (("", _("Not examined")), ("yes", _("Yes")), ("no", _("No")))


class ReviewForm(OnceForm):
    neurological_deficit = forms.ChoiceField(
        label=_("Neurological deficit"), choices=TRISTATE, required=False
    )
    slr_positive = forms.ChoiceField(
        label=_("Straight leg raise positive"), choices=TRISTATE, required=False
    )
    lrs_confirmed = forms.ChoiceField(
        label=_("Lumbosacral radicular syndrome confirmed"), choices=TRISTATE, required=False
    )
    notes = forms.CharField(
        label=_("Examination notes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=FINDINGS_NOTES_MAX,
    )
    prognostic_factors = forms.MultipleChoiceField(
        label=_("Prognostic factors you documented"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    profile = forms.ChoiceField(label=_("Final profile"), widget=forms.RadioSelect)
    profile_reason = forms.CharField(
        label=_("Reason for a profile other than the advice"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=REASON_MAX,
    )

    def __init__(
        self, *args: Any, advice: str | None, unscreened: Sequence[str] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.advice = advice
        bank = red_flag_bank()
        for flag in bank.flags:
            if flag.asked_of is AskedOf.CLINICIAN:
                self.fields[f"flag_{flag.id}"] = forms.BooleanField(
                    label=text(flag.question), required=False
                )
        # The patient's "I don't know" answers: the clinician asks them again at the review.
        for flag_id in unscreened:
            flag = bank.by_id[flag_id]
            if flag.asked_of is AskedOf.PATIENT:
                self.fields[f"ask_{flag_id}"] = forms.ChoiceField(
                    label=text(flag.question),
                    choices=YES_NO_UNKNOWN,
                    widget=forms.RadioSelect(attrs={"class": "yesno"}),
                )
        self.fields["prognostic_factors"].choices = [  # type: ignore[attr-defined]
            (key, text(factor.label)) for key, factor in prognostic_factors().factors.items()
        ]
        if self.initial.get("prognostic_factors"):
            self.fields["prognostic_factors"].help_text = _(
                "Ticked: read from the patient's answers or documented at an earlier review. "
                "Untick what the interview does not confirm: a ticked factor counts as "
                "documented in the advice."
            )
        self.fields["profile"].choices = [  # type: ignore[attr-defined]
            (p.value, text(PROFILE_LABELS[p])) for p in Profile
        ]
        if advice:
            self.fields["profile"].initial = advice

    def clinician_flag_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("flag_")]

    def unscreened_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("ask_")]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        profile = cleaned.get("profile")
        if profile and profile != self.advice and not cleaned.get("profile_reason", "").strip():
            self.add_error(
                "profile_reason",
                _("The profile differs from the advice: give the reason."),
            )
        return cleaned

    def findings(self) -> dict[str, Any]:
        data = self.cleaned_data

        def tri(key: str) -> bool | None:
            return None if not data.get(key) else data[key] == "yes"

        return {
            "neurological_deficit": tri("neurological_deficit"),
            "slr_positive": tri("slr_positive"),
            "lrs_confirmed": tri("lrs_confirmed"),
            "notes": data.get("notes", ""),
        }

    def clinician_flags(self) -> dict[str, bool | str]:
        """The clinician's checklist (ticked or not) and the re-asked unknown answers."""
        flags: dict[str, bool | str] = {
            name.removeprefix("flag_"): bool(self.cleaned_data.get(name))
            for name in self.fields
            if name.startswith("flag_")
        }
        for name in self.fields:
            if name.startswith("ask_"):
                flags[name.removeprefix("ask_")] = answer_value(self.cleaned_data[name])
        return flags

    def profile_override(self) -> dict[str, str] | None:
        profile = self.cleaned_data["profile"]
        if profile == self.advice:
            return None
        return {"profile": profile, "reason": self.cleaned_data["profile_reason"].strip()}


class PlanAdjustForm(OnceForm):
    max_sessions = forms.IntegerField(label=_("Session budget"), min_value=1, max_value=100)
    omit = forms.MultipleChoiceField(
        label=_("Leave out of the plan"), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("Note on the plan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=NOTE_MAX,
    )
    reason = forms.CharField(
        label=_("Reason for this change"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_MAX,
    )

    def __init__(self, *args: Any, components: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["omit"].choices = list(components)  # type: ignore[attr-defined]


class SessionForm(OnceForm):
    held_on = forms.DateField(label=_("Date"), widget=ISO_DATE, initial=timezone.localdate)
    pain_now = forms.IntegerField(
        label=_("Pain now (0-10)"), min_value=0, max_value=10, required=False
    )
    subjective = forms.CharField(
        label=_("S - Subjective"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=SOAP_MAX,
    )
    objective = forms.CharField(
        label=_("O - Objective"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=SOAP_MAX,
    )
    analysis = forms.CharField(
        label=_("A - Assessment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=SOAP_MAX,
    )
    plan = forms.CharField(
        label=_("P - Plan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=SOAP_MAX,
    )
    interventions = forms.MultipleChoiceField(
        label=_("Interventions given"), widget=forms.CheckboxSelectMultiple
    )
    deviation_reason = forms.CharField(
        label=_("Reason for care the guideline advises against"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=REASON_MAX,
    )
    over_budget_reason = forms.CharField(
        label=_("Reason for going over the session budget"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=REASON_MAX,
    )
    # Shown only when a note with the same content was saved today (Save, Back, Save).
    save_anyway = forms.BooleanField(label=_("Save it anyway"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["interventions"].choices = [  # type: ignore[attr-defined]
            (code, INTERVENTION_LABELS[code]) for code in intervention_codes()
        ]

    def clean_held_on(self) -> date:
        held_on: date = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("A session note cannot be dated in the future."))
        return held_on

    @property
    def asks_duplicate(self) -> bool:
        """The duplicate-note question is on the page: asked now, or answered before."""
        return bool(self["save_anyway"].errors) or bool(self["save_anyway"].value())


class GpAnswerForm(OnceForm):
    """The GP's answer to a red-flag referral: physiotherapy may go on (releases the hold)."""

    answered_on = forms.DateField(label=_("Date of the GP's answer"), widget=ISO_DATE)
    note = forms.CharField(
        label=_("What the GP said"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=GP_NOTE_MAX,
    )

    def __init__(self, *args: Any, opened_on: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.opened_on = opened_on

    def clean_answered_on(self) -> date:
        answered: date = self.cleaned_data["answered_on"]
        if answered > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        if answered < self.opened_on:
            raise forms.ValidationError(_("The answer cannot be from before the episode opened."))
        return answered


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason for discharge"), choices=[("", "---------"), *DischargeReason.choices]
    )
    summary = forms.CharField(
        label=_("Summary for the end report"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=SUMMARY_MAX,
    )
