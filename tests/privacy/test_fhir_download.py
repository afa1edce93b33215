"""The record as a FHIR file (issue #14): a ``collection`` Bundle that R4B accepts, with the
same resources as ``Patient/{id}/$everything``, only the patient's own, for the patient and
their clinic's staff, and in the access log as an export."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.resource import Resource

from backpath.accounts.models import Role, User
from backpath.api.services import create_key
from backpath.auditlog.models import AccessEntry, Action, Outcome
from tests.personas import World

FHIR_JSON = "application/fhir+json; charset=utf-8"


def _get(client: Client, name: str, **kwargs: Any) -> Any:
    return client.get(reverse(name, kwargs=kwargs or None))


def _bundle(response: Any) -> Bundle:
    assert response.status_code == 200
    assert response["Content-Type"] == FHIR_JSON
    assert response["Content-Disposition"] == 'attachment; filename="backpath-fhir.json"'
    return Bundle.model_validate(json.loads(response.content))


def _entries(bundle: Bundle) -> list[tuple[str, Resource]]:
    """Each entry's fullUrl and resource."""
    found = [(e.fullUrl, e.resource) for e in bundle.entry or []]
    return [(url, resource) for url, resource in found if url and resource]


def _listed(bundle: Bundle) -> list[tuple[str, str | None]]:
    return [(r.get_resource_type(), r.id) for _, r in _entries(bundle)]


def test_amy_downloads_her_record_as_a_collection_bundle(world: World) -> None:
    amy = world.amy_patient

    bundle = _bundle(_get(world.client_for(world.amy), "my_data_fhir"))

    assert bundle.type == "collection"
    assert bundle.timestamp is not None
    kinds = [kind for kind, _ in _listed(bundle)]
    assert _listed(bundle)[0] == ("Patient", str(amy.id))
    assert {"Organization", "Condition", "CarePlan", "QuestionnaireResponse"} <= set(kinds)
    assert len(_entries(bundle)) == len(bundle.entry or [])
    observations = [r for _, r in _entries(bundle) if isinstance(r, Observation)]
    assert len(observations) > 2
    assert {o.subject and o.subject.reference for o in observations} == {f"Patient/{amy.id}"}
    for url, resource in _entries(bundle):
        assert url == f"http://testserver/fhir/R4/{resource.get_resource_type()}/{resource.id}"
    # Nothing of another patient.
    text = bundle.model_dump_json()
    for other in (world.ben_patient, world.yara_patient):
        assert str(other.id) not in text
    for episode in (world.ben_episode, world.yara_episode):
        assert str(episode.id) not in text
    assert "Yves" not in text


def test_it_holds_what_everything_answers_for_the_patient_and_for_the_staff(
    world: World,
) -> None:
    key = create_key(
        clinic=world.clinic_x, name="EHR", scopes=["patients:read", "episodes:read"]
    ).key
    served = Client().get(
        f"/fhir/R4/Patient/{world.amy_patient.id}/$everything?_count=100",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    everything = Bundle.model_validate(json.loads(served.content))
    assert everything.total == len(everything.entry or []) < 100  # one page holds it all

    mine = _bundle(_get(world.client_for(world.amy), "my_data_fhir"))
    theirs = _bundle(
        _get(world.client_for(world.claire), "patient_data_fhir", patient_id=world.amy_patient.id)
    )

    assert _listed(mine) == _listed(theirs) == _listed(everything)


def test_the_texts_are_in_the_users_language(world: World) -> None:
    world.amy.language = "nl"
    world.amy.save(update_fields=["language"])

    bundle = _bundle(_get(world.client_for(world.amy), "my_data_fhir"))

    (condition,) = [r for _, r in _entries(bundle) if isinstance(r, Condition)]
    assert condition.code is not None
    assert condition.code.text == "Lage rugpijn"


@pytest.mark.parametrize(
    ("persona", "name"),
    [("amy", "my_data_fhir"), ("claire", "patient_data_fhir"), ("xavier", "patient_data_fhir")],
)
def test_each_download_is_written_to_the_access_log(world: World, persona: str, name: str) -> None:
    user = getattr(world, persona)
    before = AccessEntry.objects.order_by("-id").values_list("id", flat=True).first()
    kwargs = {"patient_id": world.amy_patient.id} if name.startswith("patient") else {}

    _bundle(_get(world.client_for(user), name, **kwargs))

    (entry,) = AccessEntry.objects.filter(id__gt=before, action=Action.EXPORT)
    assert (entry.actor_id, entry.patient_id, entry.outcome) == (
        user.pk,
        world.amy_patient.id,
        Outcome.OK,
    )
    assert (entry.object_type, entry.detail) == ("patient", name)


def test_ben_gets_his_own_record_and_nothing_of_amys(world: World) -> None:
    bundle = _bundle(_get(world.client_for(world.ben), "my_data_fhir"))

    assert _listed(bundle)[0] == ("Patient", str(world.ben_patient.id))
    assert str(world.amy_patient.id) not in bundle.model_dump_json()


@pytest.mark.parametrize("persona", ["amy", "ben", "yara"])
def test_anyone_but_the_clinics_staff_gets_a_404_for_amys_record(
    world: World, persona: str
) -> None:
    user = getattr(world, persona)
    before = AccessEntry.objects.order_by("-id").values_list("id", flat=True).first()

    response = _get(world.client_for(user), "patient_data_fhir", patient_id=world.amy_patient.id)

    assert response.status_code == 404
    assert b"resourceType" not in response.content
    if persona == "yara":  # a clinician of another clinic: refused through the door, logged
        (entry,) = AccessEntry.objects.filter(id__gt=before, action=Action.EXPORT)
        assert (entry.actor_id, entry.outcome, entry.patient_id) == (
            world.yara.pk,
            Outcome.DENIED,
            None,
        )


@pytest.mark.parametrize("persona", ["claire", "xavier", "yara"])
def test_staff_have_no_download_of_their_own(world: World, persona: str) -> None:
    assert _get(world.client_for(getattr(world, persona)), "my_data_fhir").status_code == 404


def test_a_patient_account_without_a_record_gets_a_404(world: World) -> None:
    lone = User.objects.create_user(
        "lone@patient.example", "a-long-password-1", clinic=world.clinic_x, role=Role.PATIENT
    )

    assert _get(world.client_for(lone), "my_data_fhir").status_code == 404


def test_anonymous_is_sent_to_the_login(world: World) -> None:
    for response in (
        _get(Client(), "my_data_fhir"),
        _get(Client(), "patient_data_fhir", patient_id=world.amy_patient.id),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_data_pages_offer_the_download(world: World) -> None:
    mine = _get(world.client_for(world.amy), "my_data")
    theirs = _get(world.client_for(world.claire), "patient_data", patient_id=world.amy_patient.id)

    assert reverse("my_data_fhir").encode() in mine.content
    assert reverse("patient_data_fhir", args=[world.amy_patient.id]).encode() in theirs.content
