"""What rules query is a typed column on the record (issue #11), kept from the core's result."""

from __future__ import annotations

import importlib

from django.apps import apps

from backpath.care.models import Assessment
from tests.personas import World, low_risk_answers, submit_intake

fill = importlib.import_module("backpath.care.migrations.0002_typed_columns").fill_diagnosis


def test_the_working_diagnosis_is_stored_as_a_column(world: World) -> None:
    submit_intake(world.claire, world.ben_episode, low_risk_answers())
    intake = Assessment.objects.get(episode=world.ben_episode)
    assert intake.diagnosis == "lbp"
    assert intake.urgency == "caution"  # the clinician's checklist waits for the review


def test_the_migration_fills_the_column_from_the_stored_result(world: World) -> None:
    row = Assessment.objects.filter(episode=world.amy_episode).first()
    assert row is not None
    result = row.result
    for copy in result.values():
        copy["classification"]["diagnosis"] = "lrs"
    Assessment.objects.filter(pk=row.pk).update(result=result, diagnosis="lbp")
    fill(apps, None)
    row.refresh_from_db()
    assert row.diagnosis == "lrs"
