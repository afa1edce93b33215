"""Patients and episodes through the API: a key reads exactly what a clinician of its clinic
reads, a session of that clinician reads the same, every read is in the access log under the
key's name, pages walk every patient once, and single records answer 304 to a known ETag."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from backpath.api.services import create_key
from backpath.auditlog.models import AccessEntry, Action, Outcome
from backpath.care import services
from backpath.care.models import Patient, SessionNote
from backpath.care.services import patient_details_version, patient_update
from backpath.interchange import in_language
from tests.api.conftest import Keys, bearer
from tests.personas import World


def encode_naive() -> str:
    # A fixed id: the test's name holds it, and parallel runs must collect the same names.
    raw = json.dumps(["2026-01-01T00:00:00", "56432a5e-10c0-49fa-8bcd-de9a7eb27c84"]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    return json.loads(response.content)


def urls(world: World) -> dict[str, str]:
    """Every record URL of the API, for Amy's records (clinic X)."""
    patient = f"/api/v1/patients/{world.amy_patient.id}"
    episode = f"/api/v1/episodes/{world.amy_episode.id}"
    return {
        "patient": patient,
        "patient_episodes": f"{patient}/episodes",
        "episode": episode,
        "assessments": f"{episode}/assessments",
        "plans": f"{episode}/plans",
        "sessions": f"{episode}/sessions",
    }


# --- what each record says -------------------------------------------------------------------


def test_a_patient(world: World, keys: Keys, api: Client) -> None:
    body = ok(api.get(urls(world)["patient"], **bearer(keys.x)))

    assert body["id"] == str(world.amy_patient.id)
    assert (body["first_name"], body["last_name"]) == ("Amy", "Test")
    assert body["date_of_birth"] == "1980-05-17"
    assert body["sex"] == "female"
    assert body["has_portal_account"] is True
    assert body["email"] is None  # not given


def test_an_episode_and_its_list(world: World, keys: Keys, api: Client) -> None:
    body = ok(api.get(urls(world)["episode"], **bearer(keys.x)))
    listed = ok(api.get(urls(world)["patient_episodes"], **bearer(keys.x)))

    assert body["patient_id"] == str(world.amy_patient.id)
    assert body["status"] == "treatment"
    assert body["profile"] == "low"
    assert body["urgency"] == world.amy_episode.urgency
    assert body["closed_at"] is None
    assert listed == {"items": [body]}
    # Ben's episode has no intake yet: no urgency, no profile.
    ben = ok(api.get(f"/api/v1/episodes/{world.ben_episode.id}", **bearer(keys.x)))
    assert (ben["status"], ben["urgency"], ben["profile"]) == ("intake", None, None)
    # No name in an episode, its assessments or plans: only in the patient resources.
    for name in ("assessments", "plans", "sessions", "episode", "patient_episodes"):
        content = api.get(urls(world)[name], **bearer(keys.x)).content
        assert b"Amy" not in content, name


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_assessments_carry_the_stored_result_with_its_reasons(
    world: World, keys: Keys, api: Client, lang: str
) -> None:
    body = ok(api.get(urls(world)["assessments"] + f"?lang={lang}", **bearer(keys.x)))
    stored = list(world.amy_episode.assessments.order_by("created_at", "id"))

    assert [item["kind"] for item in body["items"]] == ["intake", "review"]
    for item, record in zip(body["items"], stored, strict=True):
        assert item["id"] == str(record.id)
        assert item["result"] == in_language(record.result, lang)
        assert item["result"]["reasons"]
        assert {"rule", "source", "text"} <= set(item["result"]["reasons"][0])
        assert item["rulesets"]["redflags"] == record.redflags_ruleset
    english = ok(api.get(urls(world)["assessments"], **bearer(keys.x)))
    assert english["items"][0]["result"] == in_language(stored[0].result, "en")


def test_plans_are_every_version_in_order(world: World, keys: Keys, api: Client) -> None:
    plan = world.amy_episode.plans.get()
    services.plan_adjust(
        actor=world.claire,
        episode=world.amy_episode,
        max_sessions=plan.max_sessions + 2,
        omitted=(),
        note="",
        reason="more sessions",
        submission=None,
    )
    body = ok(api.get(urls(world)["plans"] + "?lang=nl", **bearer(keys.x)))

    assert [item["number"] for item in body["items"]] == [1, 2]
    assert body["items"][1]["reason"] == "more sessions"
    assert body["items"][1]["max_sessions"] == plan.max_sessions + 2
    assert body["items"][0]["plan"] == in_language(plan.plan, "nl")
    assert body["items"][1]["plan"]["max_sessions"] == plan.max_sessions + 2


def test_sessions(world: World, keys: Keys, api: Client) -> None:
    assert ok(api.get(urls(world)["sessions"], **bearer(keys.x))) == {"items": []}
    SessionNote.objects.create(
        episode=world.amy_episode,
        number=1,
        held_on=timezone.localdate(),
        clinician=world.claire,
        subjective="Better.",
        pain_now=3,
        interventions=["education"],
    )
    body = ok(api.get(urls(world)["sessions"], **bearer(keys.x)))

    [note] = body["items"]
    assert (note["number"], note["pain_now"], note["subjective"]) == (1, 3, "Better.")
    assert note["interventions"] == ["education"]


# --- reach: a clinician of the key's clinic --------------------------------------------------


def test_a_key_of_another_clinic_gets_404_for_every_record(
    world: World, keys: Keys, api: Client
) -> None:
    for name, url in urls(world).items():
        response = api.get(url, **bearer(keys.y))
        assert response.status_code == 404, name
        assert response["Content-Type"] == "application/problem+json"
    yara = f"/api/v1/patients/{world.yara_patient.id}"
    assert api.get(yara, **bearer(keys.y)).status_code == 200
    assert api.get(yara, **bearer(keys.x)).status_code == 404


def test_the_list_holds_only_the_clinics_patients(world: World, keys: Keys, api: Client) -> None:
    names = {p["first_name"] for p in ok(api.get("/api/v1/patients", **bearer(keys.x)))["items"]}
    assert names == {"Amy", "Ben"}
    names = {p["first_name"] for p in ok(api.get("/api/v1/patients", **bearer(keys.y)))["items"]}
    assert names == {"Yves"}


def test_a_clinicians_session_reads_the_same_as_the_clinics_key(
    world: World, keys: Keys, api: Client
) -> None:
    claire = world.client_for(world.claire)
    for name, url in [*urls(world).items(), ("list", "/api/v1/patients")]:
        assert ok(claire.get(url)) == ok(api.get(url, **bearer(keys.x))), name
    yara = world.client_for(world.yara)
    for name, url in urls(world).items():
        assert yara.get(url).status_code == 404, name


@pytest.mark.parametrize("persona", ["amy", "ben"])
def test_a_patients_session_is_refused(world: World, persona: str) -> None:
    response = world.client_for(getattr(world, persona)).get(urls(world)["patient"])
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_a_session_must_send_the_csrf_token_to_post(world: World) -> None:
    claire = Client(enforce_csrf_checks=True)
    claire.force_login(world.claire)
    body = json.dumps({"answers": {"q1": 4}})

    refused = claire.post("/api/v1/score/nprs", body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in json.loads(refused.content)["detail"]
    assert claire.get(urls(world)["patient"]).status_code == 200  # reads need no token
    token = claire.get("/api/v1/docs").cookies["csrftoken"].value
    done = claire.post(
        "/api/v1/score/nprs", body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert done.status_code == 200
    # A key needs no CSRF token: it is not a cookie a browser sends by itself.
    made = create_key(clinic=world.clinic_x, name="k", scopes=["score:write"])
    keyed = Client(enforce_csrf_checks=True).post(
        "/api/v1/score/nprs", body, content_type="application/json", **bearer(made.key)
    )
    assert keyed.status_code == 200


# --- the access log ----------------------------------------------------------------------------


def test_every_read_of_patient_data_by_a_key_is_logged_with_the_key(
    world: World, keys: Keys, api: Client
) -> None:
    label = f"api key {keys.x[3:11]} (EHR sync)"
    for name, url in urls(world).items():
        before = AccessEntry.objects.order_by("-id").values_list("id", flat=True).first()
        ok(api.get(url, **bearer(keys.x)))
        [entry] = AccessEntry.objects.filter(id__gt=before)
        assert entry.actor_id is None, name
        assert entry.actor_label == label, name
        assert entry.clinic_id == world.clinic_x.id, name
        assert entry.patient_id == world.amy_patient.id, name
        assert entry.action == Action.VIEW, name
        assert entry.outcome == Outcome.OK, name
        assert entry.detail.startswith("api-v1:"), name  # the URL name: which read it was


def test_a_page_of_patients_logs_one_entry_per_patient(
    world: World, keys: Keys, api: Client
) -> None:
    before = AccessEntry.objects.count()
    ok(api.get("/api/v1/patients", **bearer(keys.x)))

    entries = AccessEntry.objects.order_by("-id")[: AccessEntry.objects.count() - before]
    assert {e.patient_id for e in entries} == {world.amy_patient.id, world.ben_patient.id}
    assert {e.actor_label for e in entries} == {f"api key {keys.x[3:11]} (EHR sync)"}


def test_a_refused_read_is_logged_as_refused(world: World, keys: Keys, api: Client) -> None:
    api.get(urls(world)["patient"], **bearer(keys.y))
    entry = AccessEntry.objects.order_by("-id").first()

    assert entry is not None
    assert entry.outcome == Outcome.DENIED
    assert entry.actor_label == f"api key {keys.y[3:11]} (Y sync)"
    assert entry.patient_id is None
    assert entry.object_id == str(world.amy_patient.id)


def test_a_sessions_reads_are_logged_under_the_account(world: World) -> None:
    claire = world.client_for(world.claire)
    claire.get(urls(world)["episode"])
    entry = AccessEntry.objects.order_by("-id").first()

    assert entry is not None
    assert (entry.actor_id, entry.patient_id) == (world.claire.id, world.amy_patient.id)


def test_the_public_content_and_scoring_log_nothing(world: World, keys: Keys, api: Client) -> None:
    before = AccessEntry.objects.count()
    for url in ("/api/v1/instruments", "/api/v1/instruments/nprs", "/api/v1/redflags"):
        assert api.get(url).status_code == 200
    api.post(
        "/api/v1/score/nprs",
        json.dumps({"answers": {"q1": 4}}),
        content_type="application/json",
        **bearer(keys.x),
    )
    assert AccessEntry.objects.count() == before


# --- pages -------------------------------------------------------------------------------------


def _many_patients(world: World, count: int) -> set[uuid.UUID]:
    moment = timezone.now() - timedelta(hours=1)
    made = Patient.objects.bulk_create(
        Patient(
            clinic=world.clinic_x,
            first_name=f"P{n}",
            last_name="Many",
            date_of_birth=world.amy_patient.date_of_birth,
            # Groups of three share a creation time: the id breaks the tie.
            created_at=moment + timedelta(seconds=n // 3),
        )
        for n in range(count)
    )
    return {p.id for p in made} | {world.amy_patient.id, world.ben_patient.id}


def walk(api: Client, key: str, query: str) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    url = f"/api/v1/patients?{query}"
    while True:
        body = ok(api.get(url, **bearer(key)))
        seen += body["items"]
        if body["next_cursor"] is None:
            return seen
        url = f"/api/v1/patients?{query}&cursor={body['next_cursor']}"


def test_the_pages_walk_every_patient_once(world: World, keys: Keys, api: Client) -> None:
    expected = _many_patients(world, 23)

    seen = walk(api, keys.x, "limit=4")

    ids = [uuid.UUID(p["id"]) for p in seen]
    assert len(ids) == len(set(ids)) == 25
    assert set(ids) == expected
    order = [(p["created_at"], p["id"]) for p in seen]
    assert order == sorted(order)
    assert len(walk(api, keys.x, "limit=100")) == 25


def test_a_new_patient_during_the_walk_is_on_a_later_page(
    world: World, keys: Keys, api: Client
) -> None:
    _many_patients(world, 6)
    first = ok(api.get("/api/v1/patients?limit=3", **bearer(keys.x)))
    services.patient_create(
        actor=world.claire,
        submission=None,
        first_name="Late",
        last_name="Comer",
        date_of_birth=world.amy_patient.date_of_birth,
        sex="",
        user=None,
    )
    rest = walk(api, keys.x, f"limit=3&cursor={first['next_cursor']}")
    names = [p["first_name"] for p in first["items"] + rest]
    assert len(names) == len(set(names)) == 9
    assert names[-1] == "Late"


def test_created_since_filters_the_list(world: World, keys: Keys, api: Client) -> None:
    Patient.objects.filter(pk=world.ben_patient.pk).update(
        created_at=timezone.now() + timedelta(days=1)
    )
    since = (timezone.now() + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    body = ok(api.get("/api/v1/patients", {"created_since": since}, **bearer(keys.x)))
    assert [p["first_name"] for p in body["items"]] == ["Ben"]
    naive = api.get("/api/v1/patients?created_since=2026-01-01T00:00:00", **bearer(keys.x))
    assert naive.status_code == 422
    assert json.loads(naive.content)["errors"][0]["field"] == "created_since"


def test_updated_since_finds_the_patients_changed_since_the_last_sync(
    world: World, keys: Keys, api: Client
) -> None:
    """A system that syncs asks for what changed since its last sync: a patient whose phone
    number a clinician changed afterwards, not the others."""
    last_sync = timezone.now()
    Patient.objects.exclude(pk=world.ben_patient.pk).update(
        updated_at=last_sync - timedelta(minutes=5)
    )
    patient_update(
        actor=world.claire,
        patient=world.ben_patient,
        version=patient_details_version(world.ben_patient, ["phone"]),
        fields={"phone": "06 9999 0000"},
    )
    since = last_sync.isoformat().replace("+00:00", "Z")

    body = ok(api.get("/api/v1/patients", {"updated_since": since}, **bearer(keys.x)))

    assert [(p["first_name"], p["phone"]) for p in body["items"]] == [("Ben", "06 9999 0000")]
    assert body["items"][0]["updated_at"] >= since
    naive = api.get("/api/v1/patients?updated_since=2026-01-01T00:00:00", **bearer(keys.x))
    assert json.loads(naive.content)["errors"][0]["field"] == "updated_since"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=many", "limit"),
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=WyJ4IiwgMV0", "cursor"),  # base64 of a JSON list, not a position
        ("cursor=" + "W" * 40, "cursor"),
        # a position without a time zone
        ("cursor=" + encode_naive(), "cursor"),
        ("created_since=yesterday", "created_since"),
        ("created_since=9999-12-31T23:59:59-05:00", "created_since"),
        ("created_since=0001-01-01T00:00:00%2B05:00", "created_since"),
    ],
)
def test_bad_page_parameters_are_422_naming_the_field(
    world: World, keys: Keys, api: Client, query: str, field: str
) -> None:
    response = api.get(f"/api/v1/patients?{query}", **bearer(keys.x))

    assert response.status_code == 422, response.content
    body = json.loads(response.content)
    assert response["Content-Type"] == "application/problem+json"
    assert body["errors"][0]["field"] == field


# --- ETags ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["patient", "episode"])
def test_a_single_record_answers_304_to_its_etag(
    world: World, keys: Keys, api: Client, name: str
) -> None:
    url = urls(world)[name]
    first = api.get(url, **bearer(keys.x))
    tag = first["ETag"]
    assert tag == f'"{hashlib.sha256(first.content).hexdigest()}"'

    again = api.get(url, HTTP_IF_NONE_MATCH=tag, **bearer(keys.x))
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == tag
    for header in (f'"other", W/{tag}', "*"):
        assert api.get(url, HTTP_IF_NONE_MATCH=header, **bearer(keys.x)).status_code == 304
    assert api.get(url, HTTP_IF_NONE_MATCH='"other"', **bearer(keys.x)).status_code == 200
    # Every read is logged, a 304 too: the client learnt the record is unchanged.
    assert AccessEntry.objects.filter(patient_id=world.amy_patient.id).count() >= 5


def test_the_etag_changes_with_the_record(world: World, keys: Keys, api: Client) -> None:
    url = urls(world)["patient"]
    tag = api.get(url, **bearer(keys.x))["ETag"]
    Patient.objects.filter(pk=world.amy_patient.pk).update(phone="020 123 4567")

    changed = api.get(url, HTTP_IF_NONE_MATCH=tag, **bearer(keys.x))
    assert changed.status_code == 200
    assert changed["ETag"] != tag
    assert json.loads(changed.content)["phone"] == "020 123 4567"


def test_another_clinics_etag_does_not_reveal_the_record(
    world: World, keys: Keys, api: Client
) -> None:
    url = urls(world)["patient"]
    tag = api.get(url, **bearer(keys.x))["ETag"]
    assert api.get(url, HTTP_IF_NONE_MATCH=tag, **bearer(keys.y)).status_code == 404
