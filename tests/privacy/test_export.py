"""The patient's export: what it holds, that nothing is missing or foreign, who may have
it, and that every export is in the access log."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.test.utils import isolate_apps
from django.urls import reverse

from backpath.auditlog.models import AccessEntry, Action, Outcome
from backpath.care.models import Episode
from backpath.privacy import export
from backpath.privacy.holdings import HOLDINGS, NOT_HELD, exported_models, linked_models
from backpath.web import pdf
from tests.personas import World
from tests.privacy.helpers import EMAIL, FIRST, MARKER, fill_amy

PERSONAS = ("anonymous", "amy", "ben", "claire", "xavier", "yara")


def _get(client: Client, name: str, **kwargs: Any) -> Any:
    return client.get(reverse(name, kwargs=kwargs or None))


def _json(response: Any) -> dict[str, Any]:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return dict(
        json.loads(b"".join(response.streaming_content) if response.streaming else response.content)
    )


def test_it_exports_amys_whole_record_and_nothing_of_anyone_else(world: World) -> None:
    fill_amy(world)
    response = _get(world.client_for(world.amy), "my_data_json")

    assert response.status_code == 200
    document = _json(response)
    assert (document["format"], document["version"]) == ("backpath-export", 1)
    assert document["patient"]["first_name"] == FIRST
    assert document["patient"]["date_of_birth"] == "1979-03-14"
    assert document["account"]["email"] == EMAIL
    assert document["clinic"]["name"] == "De Linde"
    assert [e["id"] for e in document["episodes"]] == [str(world.amy_episode.id)]
    (session,) = document["sessions"]
    assert session["subjective"].startswith(MARKER)
    assert session["clinician"] == "Claire"
    assert session["interventions"] == ["education", "exercise_therapy"]
    assert len(document["diary"]) == 1
    assert document["measurements"][0]["scores"] == {"nprs": 3}
    assert [p["number"] for p in document["programs"]] == [1, 2]
    assert len(document["exercise_logs"]) == len(document["activity_logs"]) == 1
    assert document["safety_checks"][0]["note"].startswith(MARKER)
    assert len(document["care_plans"]) == 3
    assert len(document["reminder_settings"]) == len(document["invitations"]) == 1
    # Who opened the record, with their name; the staff's addresses are not Amy's data.
    opened = [e for e in document["access_log"] if e["actor"] == "Claire"]
    assert opened
    assert all(e["address"] is None for e in opened)
    # Every section is listed in the contents with its model.
    listed = {c["section"]: c["model"] for c in document["contents"]}
    assert listed["sessions"] == "care.SessionNote"
    assert listed["access_log"] == "auditlog.AccessEntry"
    assert set(listed) - {"patient", "account"} <= set(document)

    text = json.dumps(document)
    for other in (world.ben_patient, world.yara_patient):
        assert str(other.id) not in text
    for episode in (world.ben_episode, world.yara_episode):
        assert str(episode.id) not in text
    assert "Yves" not in text
    assert "ben@patient.example" not in text


def test_it_keeps_secrets_and_one_time_ids_out(world: World) -> None:
    fill_amy(world)
    document = export.build(world.amy_patient)
    text = json.dumps(document)

    assert "password" not in document["account"]
    assert "calendar_token_hash" not in document["reminder_settings"][0]
    assert "token_hash" not in document["invitations"][0]
    assert '"submission"' not in text
    assert '"hash"' not in text
    assert "previous_hash" not in text
    assert "md5$" not in text  # the tests' password hasher


def test_it_writes_dates_as_iso_8601_in_a_stable_order(world: World) -> None:
    fill_amy(world)
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    first = export.as_json(export.build(world.amy_patient, now=moment))
    again = export.as_json(export.build(world.amy_patient, now=moment))
    document = json.loads(first)

    assert first == again
    assert list(document)[:8] == [
        "format",
        "version",
        "exported_at",
        "backpath",
        "contents",
        "clinic",
        "patient",
        "account",
    ]
    assert list(document)[8:] == [h.key for h in HOLDINGS] + ["access_log"]
    assert document["exported_at"] == "2026-01-02T04:04:05+01:00"
    opened = datetime.fromisoformat(document["episodes"][0]["opened_at"])
    assert opened.tzinfo is not None
    assert document["diary"][0]["day"] == document["diary"][0]["day"][:10]
    datetime.fromisoformat(document["diary"][0]["updated_at"])


def test_every_model_that_holds_patient_data_is_in_the_export() -> None:
    """Fails when a model gets a key to a patient, an episode (or anything under them) or a
    patient's account and nobody added it to ``backpath.privacy.holdings.HOLDINGS``."""
    everything = apps.get_models(include_auto_created=True)
    found = {m._meta.label for m in linked_models(everything)}
    covered = {m._meta.label for m in exported_models()}

    assert found - covered - set(NOT_HELD) == set()
    assert {"care.Patient", "care.Episode", "programs.ExerciseLog"} <= found
    assert {"reminders.ReminderSettings", "accounts.Invitation", "auditlog.AccessEntry"} <= found
    # Nothing is listed as not held that is in the export, or no longer there at all.
    assert set(NOT_HELD) <= found - covered


@isolate_apps("backpath.privacy")
def test_the_check_sees_a_new_model_with_an_episode_key() -> None:
    class Note(models.Model):
        episode = models.ForeignKey(Episode, on_delete=models.PROTECT)

        class Meta:
            app_label = "privacy"

    class Remark(models.Model):  # two steps away: through the note
        note = models.ForeignKey(Note, on_delete=models.CASCADE)

        class Meta:
            app_label = "privacy"

    class Seen(models.Model):  # a log by id, without a key
        patient_id = models.UUIDField()

        class Meta:
            app_label = "privacy"

    class Unrelated(models.Model):
        name = models.CharField(max_length=10)

        class Meta:
            app_label = "privacy"

    models_now = apps.get_models(include_auto_created=True)
    found = linked_models([*models_now, Note, Remark, Seen, Unrelated])

    assert found - exported_models() - set(models_now) == {Note, Remark, Seen}


def test_the_pdf_answers_a_pdf_for_the_patient_and_the_clinician(world: World) -> None:
    fill_amy(world)
    mine = _get(world.client_for(world.amy), "my_data_pdf")
    theirs = _get(
        world.client_for(world.claire), "patient_data_pdf", patient_id=world.amy_patient.id
    )

    for response in (mine, theirs):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert FIRST not in disposition
        assert "Quaggenbosch" not in disposition


@pytest.mark.parametrize(
    ("persona", "name"),
    [
        ("amy", "my_data_json"),
        ("amy", "my_data_pdf"),
        ("claire", "patient_data_json"),
        ("xavier", "patient_data_pdf"),
    ],
)
def test_each_export_is_written_to_the_access_log(world: World, persona: str, name: str) -> None:
    user = getattr(world, persona)
    before = AccessEntry.objects.order_by("-id").values_list("id", flat=True).first()
    kwargs = {"patient_id": world.amy_patient.id} if name.startswith("patient") else {}

    assert _get(world.client_for(user), name, **kwargs).status_code == 200

    entries = AccessEntry.objects.filter(id__gt=before, action=Action.EXPORT)
    (entry,) = entries
    assert (entry.actor_id, entry.patient_id, entry.outcome) == (
        user.pk,
        world.amy_patient.id,
        Outcome.OK,
    )
    assert (entry.object_type, entry.detail) == ("patient", name)


EXPECTED = {
    # persona -> outcome for the patient's own export, and for the clinician's of Amy
    "anonymous": ("login", "login"),
    "amy": ("own", 404),
    "ben": ("own", 404),
    "claire": (404, 200),
    "xavier": (404, 200),
    "yara": (404, 404),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("kind", ["json", "pdf"])
def test_it_gives_the_export_only_to_the_patient_and_their_clinic(
    world: World, persona: str, kind: str
) -> None:
    user = None if persona == "anonymous" else getattr(world, persona)
    client = world.client_for(user)
    own_expected, clinic_expected = EXPECTED[persona]

    own = _get(client, f"my_data_{kind}")
    clinic = _get(client, f"patient_data_{kind}", patient_id=world.amy_patient.id)

    for response, expected in ((own, own_expected), (clinic, clinic_expected)):
        if expected == "login":
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))
        elif expected == "own":
            assert response.status_code == 200
        else:
            assert response.status_code == expected
    if persona == "ben" and kind == "json":
        # A patient's export is their own: Ben gets Ben's.
        assert _json(own)["patient"]["id"] == str(world.ben_patient.id)


def test_another_clinics_export_is_refused_and_logged(world: World) -> None:
    client = world.client_for(world.yara)

    response = _get(client, "patient_data_json", patient_id=world.amy_patient.id)

    assert response.status_code == 404
    entry = AccessEntry.objects.order_by("-id").first()
    assert entry is not None
    assert (entry.actor_id, entry.action, entry.outcome) == (
        world.yara.pk,
        Action.EXPORT,
        Outcome.DENIED,
    )
    assert entry.patient_id is None


def test_the_pdf_is_throttled_like_every_pdf(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "PDF_RENDERS_PER_MINUTE", 1)
    client = world.client_for(world.amy)

    assert _get(client, "my_data_pdf").status_code == 200
    assert _get(client, "my_data_pdf").status_code == 429
    assert _get(client, "my_data_json").status_code == 200  # a JSON file costs nothing
