"""The erasure request and the admin's decision on it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from backpath.privacy.models import TEXT_MAX, Decision
from backpath.web.forms import OnceForm


class ErasureRequestForm(OnceForm):
    reason = forms.CharField(
        label=_("Your request in your own words"),
        help_text=_("For example which data, or why."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=TEXT_MAX,
    )

    def __init__(self, *args: Any, on_behalf: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if on_behalf:
            self.fields["reason"].label = _("The patient's request in their words")
            self.fields["reason"].help_text = _("Write down what the patient asks.")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Decision.GRANTED.value, _("Grant: erase the personal data")),
            (Decision.REFUSED.value, _("Refuse: keep the record")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for the decision"),
        help_text=_(
            "Kept with the request; the patient reads it on their data page when you refuse. "
            "A refusal names the exception of WGBO art. 7:455 lid 2 BW: keeping the record is "
            "of substantial importance to someone else, or a law requires it."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX,
    )
    confirm = forms.BooleanField(
        label=_("I understand that erasing cannot be undone."), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == Decision.GRANTED and not data.get("confirm"):
            self.add_error("confirm", _("Confirm that erasing cannot be undone."))
        return data
