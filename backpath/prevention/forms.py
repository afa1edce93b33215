"""The prevention check forms, built from the questions in the data file.

Every message names the question it is about ("Weight: give a number from 30 to 300 kg."),
so a refused answer is clear wherever it is read.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from backpath.clinical.errors import ClinicalInputError
from backpath.education.prevention import Check, CheckKind, Question, QuestionKind, validate
from backpath.web.forms import OnceForm
from backpath.web.i18n import text


def _number(value: float) -> str:
    return f"{value:g}"


def _field(question: Question) -> forms.Field:
    name = text(question.name)
    needed = _("%(name)s: this answer is needed.") % {"name": name}
    if question.kind is QuestionKind.CHOICE:
        return forms.ChoiceField(
            label=text(question.text),
            choices=[(option.value, text(option.label)) for option in question.options],
            widget=forms.RadioSelect,
            required=not question.optional,
            error_messages={
                "required": needed,
                "invalid_choice": _("%(name)s: choose one of the answers.") % {"name": name},
            },
        )
    assert question.min is not None
    assert question.max is not None
    assert question.unit is not None
    limits = {"name": name, "min": _number(question.min), "max": _number(question.max)}
    unit = text(question.unit)
    if question.decimals == 0:
        in_range = _("%(name)s: give a whole number from %(min)s to %(max)s %(unit)s.")
    else:
        in_range = _("%(name)s: give a number from %(min)s to %(max)s %(unit)s.")
    in_range %= {"unit": unit, **limits}
    messages = {
        "required": needed,
        "invalid": in_range,
        "min_value": in_range,
        "max_value": in_range,
    }
    common: dict[str, Any] = {
        "label": text(question.text),
        "help_text": _("%(min)s to %(max)s %(unit)s") % {"unit": unit, **limits},
        "required": not question.optional,
    }
    if question.decimals == 0:
        return forms.IntegerField(
            min_value=int(question.min),
            max_value=int(question.max),
            error_messages=messages | {"step_size": in_range},
            **common,
        )
    one_decimal = _("%(name)s: use at most one decimal.") % {"name": name}
    return forms.DecimalField(
        min_value=Decimal(_number(question.min)),
        max_value=Decimal(_number(question.max)),
        decimal_places=question.decimals,  # no max_digits: the range already bounds it
        error_messages=messages | {"max_decimal_places": one_decimal},
        **common,
    )


class PreventionForm(OnceForm):
    def __init__(self, kind: CheckKind, check: Check, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.questions = check.questions
        self.pairs = check.answered_together
        for question in check.questions:
            self.fields[question.id] = _field(question)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        answers = {question.id: cleaned.get(question.id) for question in self.questions}
        try:
            cleaned["answers"] = validate(self.kind, answers)
        except ClinicalInputError as error:
            self.refuse(error)
        return cleaned

    def refuse(self, error: ClinicalInputError) -> None:
        names = {question.id: text(question.name) for question in self.questions}
        field = error.field if error.field in self.fields else None
        pair = next((p for p in self.pairs if error.field in p), None)
        if pair is not None:
            message = _(
                "%(name)s: fill in both “%(first)s” and “%(second)s”, or leave both empty."
            ) % {"name": names[error.field], "first": names[pair[0]], "second": names[pair[1]]}
        else:
            message = f"{names.get(error.field, error.field)}: {error.problem}"
        self.add_error(field, message)
