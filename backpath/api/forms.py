"""The clinic admin's form for a new API key."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from backpath.api.models import NAME_MAX, Scope
from backpath.web.forms import OnceForm

# The scopes a clinic admin can give, in words and in the form's order: reads, then writes.
SCOPE_LABELS = {
    Scope.PATIENTS_READ: _("Read patients (name, date of birth, contact, GP)"),
    Scope.EPISODES_READ: _("Read episodes, assessments, care plans and sessions"),
    Scope.PATIENTS_WRITE: _("Add patients"),
    Scope.EPISODES_WRITE: _("Open episodes of care"),
    Scope.SCORE_WRITE: _("Store questionnaire answers (FHIR QuestionnaireResponse)"),
}

# Expiry choices in days; no expiry is allowed but not the default (a forgotten key stays open).
EXPIRY_DAYS = (30, 90, 365)


class ApiKeyForm(OnceForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX,
        help_text=_("The system that will use the key, e.g. “agenda” or “research export”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What the key may do"),
        choices=[(scope.value, label) for scope, label in SCOPE_LABELS.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    expires_days = forms.TypedChoiceField(
        label=_("Valid for"),
        choices=[
            *((str(days), _("%(days)s days") % {"days": days}) for days in EXPIRY_DAYS),
            ("", _("No end date")),
        ],
        coerce=int,
        empty_value=None,
        required=False,
        initial="365",
    )
