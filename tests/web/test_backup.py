"""Backup and restore round trip: everything comes back, nothing is lost, on SQLite and on
PostgreSQL (where pg_dump and pg_restore run against the test database)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from backpath.auditlog.models import AccessEntry
from backpath.auditlog.services import verify
from backpath.care.models import Episode, Patient, SessionNote
from backpath.followup.models import DiaryEntry
from backpath.web.backup import files_archive
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


def test_the_uploaded_files_come_back_with_the_database(
    world: World, tmp_path: Path, settings: Any
) -> None:
    """The clinic's exercise photos live beside the database (MEDIA_ROOT): the backup keeps
    them in FILE.files.tar and the restore puts back exactly those."""
    media = tmp_path / "files"
    settings.MEDIA_ROOT = str(media)
    (media / "exercises").mkdir(parents=True)
    (media / "exercises" / "kept.jpg").write_bytes(b"\xff\xd8 a photo")
    target = tmp_path / "backpath.backup"
    out = StringIO()
    call_command("backup", str(target), stdout=out)
    assert "backpath.backup.files.tar" in out.getvalue()

    (media / "exercises" / "kept.jpg").unlink()
    (media / "exercises" / "later.jpg").write_bytes(b"uploaded after the backup")
    out = StringIO()
    call_command("restore", str(target), "--yes", stdout=out)

    assert "with the uploaded files" in out.getvalue()
    assert sorted(p.name for p in (media / "exercises").iterdir()) == ["kept.jpg"]
    assert (media / "exercises" / "kept.jpg").read_bytes() == b"\xff\xd8 a photo"
    assert not (tmp_path / "files.restoring").exists()
    assert not (tmp_path / "files.replaced").exists()


def test_a_backup_without_files_leaves_the_files_and_a_bad_archive_is_named(
    world: World, tmp_path: Path, settings: Any
) -> None:
    media = tmp_path / "files"
    settings.MEDIA_ROOT = str(media)
    media.mkdir()
    (media / "here.jpg").write_bytes(b"stays")
    old = tmp_path / "old.backup"
    call_command("backup", str(old), stdout=StringIO())
    files_archive(old).unlink()  # a backup made before uploads existed

    out = StringIO()
    call_command("restore", str(old), "--yes", stdout=out)
    assert "without" in out.getvalue()
    assert (media / "here.jpg").read_bytes() == b"stays"

    files_archive(old).write_bytes(b"not a tar")
    Patient.objects.filter(pk=world.ben_patient.pk).update(last_name="Not restored")
    with pytest.raises(CommandError, match="not a backup of the files"):
        call_command("restore", str(old), "--yes", stdout=StringIO())
    assert (media / "here.jpg").read_bytes() == b"stays"
    # Refused before the database was touched: nothing half restored.
    assert Patient.objects.get(pk=world.ben_patient.pk).last_name == "Not restored"
