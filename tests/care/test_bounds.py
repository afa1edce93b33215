"""Every free-text field has a bound (security review: a 1 MB program note made the patient's
booklet take seconds of CPU, repeatable at will).

Each form that writes free text is posted with a 1 MB string in one field at a time: the
page answers 400 (never 500) with the problem named at the field, and nothing is stored.
The last tests check the bounds themselves: every TextField of the models has one, and every
free-text form field has the same one as its column.
"""

from __future__ import annotations

import importlib
import inspect
import uuid
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backpath.care import services
from backpath.care.models import (
    Assessment,
    AssessmentKind,
    Episode,
    Intake,
    IntakeStatus,
    Patient,
    PlanVersion,
    SessionNote,
)
from backpath.clinical.followup import recheck_flags
from backpath.followup.models import DiaryEntry, LongStandingSymptom, RedFlagCheck
from backpath.programs.models import Program
from tests.care.form_data import (
    plan_change,
    questionnaire_post,
    review_post,
    safety_answers,
    session_post,
)
from tests.pages import field_errors, html, parse, refreshed, url
from tests.personas import CLINICIAN_FLAGS, World, low_risk_answers, no_flags, submit_intake

HUGE = "x" * 1_000_000  # 1 MB


def too_long(limit: int) -> str:
    return f"Ensure this value has at most {limit} characters (it has {len(HUGE)})"


def refused(response: Any, field: str, limit: int, *, shown: bool = True) -> None:
    """400, with Django's message at the field (when the page shows that field)."""
    assert response.status_code == 400, field
    if shown:
        assert too_long(limit) in field_errors(response, field), field
    else:
        assert "Please check the form." in html(response), field


def stored_text() -> list[str]:
    """Every free text the forms below write, wherever it ended up."""
    texts: list[str] = []
    for model in (Patient, Intake, PlanVersion, SessionNote, Episode, Program):
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                texts += [str(v) for v in model.objects.values_list(field.attname, flat=True)]
    texts += [str(a.input) for a in Assessment.objects.all()]
    texts += [str(i.item_notes) for i in Intake.objects.all()]
    texts += [c.note for c in RedFlagCheck.objects.all()]
    texts += [r.reason for r in LongStandingSymptom.objects.all()]
    return texts


def nothing_stored() -> None:
    assert not any(HUGE[:5000] in text for text in stored_text())


def held(world: World) -> Episode:
    """Ben had cancer: reviewed, his plan waits for the GP's answer."""
    episode = world.ben_episode
    submit_intake(world.claire, episode, low_risk_answers(), red_flags=no_flags() | {"MAL-1": True})
    services.review_record(
        actor=world.claire,
        episode=episode,
        findings={},
        clinician_flags=dict.fromkeys(CLINICIAN_FLAGS, False),
        prognostic_factors=(),
        profile_override=None,
        submission=None,
    )
    return Episode.objects.get(pk=episode.pk)


def recheck_answers() -> dict[str, str]:
    return dict.fromkeys(recheck_flags(), "no") | {"submission": str(uuid.uuid4())}


DIARY = {
    "pain": "3",
    "active_minutes": "45",
    "exercises": "all",
    "sitting_breaks": "6",
    "sleep": "good",
    "stress": "2",
}


# --- care: patient, intake, review, plan, session, GP answer, discharge -------------------


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("first_name", 100),
        ("last_name", 100),
        ("gp_name", 200),
        ("gp_practice", 200),
        ("referrer", 200),
    ],
)
def test_a_new_patient_refuses_1_mb_in_any_field(english: World, field: str, limit: int) -> None:
    claire = english.client_for(english.claire)
    before = Patient.objects.count()
    data = {
        "submission": str(uuid.uuid4()),
        "first_name": "Fay",
        "last_name": "Long",
        "date_of_birth": "1980-01-01",
        field: HUGE,
    }
    refused(claire.post(reverse("patient_new"), data), field, limit)
    assert Patient.objects.count() == before
    nothing_stored()


@pytest.mark.parametrize(("field", "limit"), [("description", 2000), ("psk__q1__note", 200)])
def test_the_intake_refuses_1_mb_in_the_description_or_an_activity(
    english: World, field: str, limit: int
) -> None:
    ben = english.client_for(english.ben)
    episode = english.ben_episode
    assert ben.post(url("intake_safety", episode), safety_answers()).status_code == 302
    response = ben.post(
        url("intake_questionnaires", episode), questionnaire_post(episode, **{field: HUGE})
    )
    # An activity's note is shown inside its item's block, with the item's errors.
    refused(response, field.removesuffix("__note"), limit)
    intake = refreshed(episode).intake
    assert intake.status == IntakeStatus.QUESTIONNAIRES
    assert (intake.description, intake.item_notes) == ("", {})
    assert not Assessment.objects.filter(episode=episode).exists()
    nothing_stored()


@pytest.mark.parametrize("field", ["notes", "profile_reason"])
def test_the_review_refuses_1_mb_in_its_notes_or_reason(english: World, field: str) -> None:
    episode = english.ben_episode
    submit_intake(english.claire, episode, low_risk_answers())
    claire = english.client_for(english.claire)
    # A profile other than the advice, so the reason is asked (and shown) too.
    response = claire.post(url("review", episode), review_post("high", **{field: HUGE}))
    refused(response, field, 2000)
    assert not Assessment.objects.filter(episode=episode, kind=AssessmentKind.REVIEW).exists()
    nothing_stored()


@pytest.mark.parametrize("field", ["note", "reason"])
def test_a_plan_change_refuses_1_mb(english: World, field: str) -> None:
    claire = english.client_for(english.claire)
    episode = english.amy_episode
    before = PlanVersion.objects.filter(episode=episode).count()
    refused(claire.post(url("plan_adjust", episode), plan_change(**{field: HUGE})), field, 2000)
    assert PlanVersion.objects.filter(episode=episode).count() == before
    nothing_stored()


@pytest.mark.parametrize(
    ("field", "extra", "shown"),
    [
        ("subjective", {}, True),
        ("objective", {}, True),
        ("analysis", {}, True),
        ("plan", {}, True),
        # TENS is advised against: the page asks (and shows) the reason for it.
        ("deviation_reason", {"interventions": ["tens"]}, True),
        # Within the budget the page does not show this reason; refused all the same.
        ("over_budget_reason", {}, False),
    ],
)
def test_a_session_note_refuses_1_mb_in_any_section(
    english: World, field: str, extra: dict[str, Any], shown: bool
) -> None:
    claire = english.client_for(english.claire)
    episode = english.amy_episode
    response = claire.post(url("session_new", episode), session_post(**extra, **{field: HUGE}))
    refused(response, field, 2000, shown=shown)
    assert not SessionNote.objects.exists()
    nothing_stored()


def test_a_gp_answer_refuses_a_1_mb_note(english: World) -> None:
    episode = held(english)
    claire = english.client_for(english.claire)
    data = {
        "submission": str(uuid.uuid4()),
        "answered_on": timezone.localdate().isoformat(),
        "note": HUGE,
    }
    refused(claire.post(url("gp_answer", episode), data), "note", 2000)
    assert PlanVersion.objects.filter(episode=episode).count() == 1
    nothing_stored()


def test_the_discharge_refuses_a_1_mb_summary(english: World) -> None:
    claire = english.client_for(english.claire)
    episode = english.amy_episode
    response = claire.post(
        url("episode_close", episode), {"reason": "goals_reached", "summary": HUGE}
    )
    refused(response, "summary", 4000)
    assert refreshed(episode).is_open
    nothing_stored()


# --- between visits: long-standing reason, flare-up, re-check, diary -----------------------


def test_a_long_standing_symptom_refuses_a_1_mb_reason(english: World) -> None:
    claire = english.client_for(english.claire)
    data = {"action": "document", "flag": "CES-4", "reason": HUGE, "submission": str(uuid.uuid4())}
    response = claire.post(reverse("episode_progress", args=[english.amy_episode.id]), data)
    refused(response, "reason", 2000)
    assert not LongStandingSymptom.objects.exists()
    nothing_stored()


def test_a_flare_up_report_refuses_a_1_mb_note(english: World) -> None:
    amy = english.client_for(english.amy)
    response = amy.post(reverse("flare"), recheck_answers() | {"pain": "7", "note": HUGE})
    refused(response, "note", 1000)
    assert not RedFlagCheck.objects.exists()
    nothing_stored()


def test_the_weekly_check_takes_no_free_text(english: World) -> None:
    # The weekly re-check asks yes/no questions only: a posted note is not read.
    amy = english.client_for(english.amy)
    assert amy.post(reverse("recheck"), recheck_answers() | {"note": HUGE}).status_code == 302
    assert RedFlagCheck.objects.get().note == ""
    nothing_stored()


def test_the_diary_refuses_1_mb_in_a_number(english: World) -> None:
    # The diary has no free text; a 1 MB answer to a number is refused like any other.
    amy = english.client_for(english.amy)
    response = amy.post(reverse("diary"), DIARY | {"active_minutes": HUGE})
    assert response.status_code == 400
    assert "whole number" in field_errors(response, "active_minutes")
    assert not DiaryEntry.objects.exists()


# --- the home program: note and reason ------------------------------------------------------


def _publish(client: Client, world: World, **extra: str) -> Any:
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-exercise_id": "bridge",
        "form-0-sets": "2",
        "form-0-reps": "10",
        "form-0-per_week": "3",
        "form-0-ORDER": "1",
        "submission": str(uuid.uuid4()),
        "publish": "1",
        **extra,
    }
    return client.post(url("program_edit", world.amy_episode), data)


def test_a_program_refuses_a_1_mb_note(english: World) -> None:
    claire = english.client_for(english.claire)
    refused(_publish(claire, english, note=HUGE), "note", 2000)
    assert not Program.objects.exists()
    nothing_stored()


def test_a_program_change_refuses_a_1_mb_reason(english: World) -> None:
    claire = english.client_for(english.claire)
    assert _publish(claire, english).status_code == 302
    refused(_publish(claire, english, reason=HUGE), "reason", 2000)
    assert Program.objects.count() == 1
    nothing_stored()


# --- the bounds themselves ------------------------------------------------------------------


def test_every_text_column_has_a_bound() -> None:
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("backpath.")
        for field in model._meta.concrete_fields
        if isinstance(field, models.TextField) and field.max_length is None
    ]
    assert unbounded == []


FORM_MODULES = (
    "backpath.care.forms",
    "backpath.followup.forms",
    "backpath.programs.forms",
    "backpath.prevention.forms",
    "backpath.reminders.forms",
    "backpath.web.forms",
)


def _form_classes() -> list[type[forms.Form | forms.ModelForm[Any]]]:
    found: list[type[forms.Form | forms.ModelForm[Any]]] = []
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        found += [
            value
            for value in vars(module).values()
            if inspect.isclass(value)
            and issubclass(value, forms.Form | forms.ModelForm)
            and value.__module__ == name
        ]
    return found


def test_every_free_text_form_field_has_a_bound() -> None:
    unbounded = [
        f"{form.__name__}.{name}"
        for form in _form_classes()
        for name, field in form.base_fields.items()
        if type(field) is forms.CharField and field.max_length is None
    ]
    assert unbounded == []


@pytest.mark.parametrize(
    ("form_field", "column"),
    [
        (("backpath.care.forms", "QuestionnaireForm", "description"), (Intake, "description")),
        (("backpath.care.forms", "PlanAdjustForm", "note"), (PlanVersion, "note")),
        (("backpath.care.forms", "PlanAdjustForm", "reason"), (PlanVersion, "reason")),
        (("backpath.care.forms", "SessionForm", "subjective"), (SessionNote, "subjective")),
        (("backpath.care.forms", "SessionForm", "objective"), (SessionNote, "objective")),
        (("backpath.care.forms", "SessionForm", "analysis"), (SessionNote, "analysis")),
        (("backpath.care.forms", "SessionForm", "plan"), (SessionNote, "plan")),
        (
            ("backpath.care.forms", "SessionForm", "deviation_reason"),
            (SessionNote, "deviation_reason"),
        ),
        (
            ("backpath.care.forms", "SessionForm", "over_budget_reason"),
            (SessionNote, "over_budget_reason"),
        ),
        (("backpath.care.forms", "CloseForm", "summary"), (Episode, "discharge_summary")),
        (("backpath.followup.forms", "FlareForm", "note"), (RedFlagCheck, "note")),
        (
            ("backpath.followup.forms", "LongStandingForm", "reason"),
            (LongStandingSymptom, "reason"),
        ),
        (("backpath.programs.forms", "ProgramForm", "note"), (Program, "note")),
        (("backpath.programs.forms", "ProgramForm", "reason"), (Program, "reason")),
    ],
)
def test_each_form_field_has_its_columns_bound(
    form_field: tuple[str, str, str], column: tuple[type[models.Model], str]
) -> None:
    module, form_name, name = form_field
    form: type[forms.Form] = getattr(importlib.import_module(module), form_name)
    model, field_name = column
    field = form.base_fields[name]
    column_field = model._meta.get_field(field_name)
    assert isinstance(field, forms.CharField)
    assert isinstance(column_field, models.TextField)
    assert field.max_length is not None
    assert field.max_length == column_field.max_length


def test_the_browser_stops_typing_at_the_bound(english: World) -> None:
    page = english.client_for(english.claire).get(url("session_new", english.amy_episode))
    bounds = {area.get("name"): area.get("maxlength") for area in parse(page).iter("textarea")}
    assert {name: bounds[name] for name in ("subjective", "objective", "analysis", "plan")} == (
        dict.fromkeys(("subjective", "objective", "analysis", "plan"), "2000")
    )
