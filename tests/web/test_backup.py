"""Backup and restore round trip: everything comes back, nothing is lost, on SQLite and on
PostgreSQL (where pg_dump and pg_restore run against the test database)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from backpath.auditlog.models import AccessEntry
from backpath.auditlog.services import verify
from backpath.care.models import Episode, Patient, SessionNote
from backpath.followup.models import DiaryEntry
from tests.personas import World

pytestmark = pytest.mark.django_db(transaction=True)


def counts() -> dict[str, int]:
    models = (Patient, Episode, SessionNote, DiaryEntry, AccessEntry)
    return {model.__name__: model.objects.count() for model in models}


def test_a_backup_restores_exactly_what_was_there(world: World, tmp_path: Path) -> None:
    before = counts()
    names = sorted(Patient.objects.values_list("last_name", "first_name"))
    target = tmp_path / "backpath.backup"
    call_command("backup", str(target), stdout=StringIO())
    assert target.stat().st_size > 0

    Patient.objects.filter(pk=world.ben_patient.pk).update(last_name="Changed after backup")
    world.client_for(world.claire).get("/clinic/")  # more access-log entries after the backup
    assert counts() != before

    call_command("restore", str(target), "--yes", stdout=StringIO())
    assert counts() == before
    assert sorted(Patient.objects.values_list("last_name", "first_name")) == names
    assert verify().broken is None


def test_restore_asks_for_confirmation_and_names_a_bad_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "missing"), "--yes")
    existing = tmp_path / "taken"
    existing.write_text("keep me")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(existing))
    assert existing.read_text() == "keep me"
