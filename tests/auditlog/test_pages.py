"""Reading the access log back: the clinic admin's page and CSV, the patient's "who opened my
record", and the Django admin's reads, which are logged like any other page."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backpath.accounts.models import User
from backpath.auditlog.models import AccessEntry, Action
from backpath.auditlog.selectors import clinic_entries
from tests.auditlog.helpers import last_id, recorded_at, written_since
from tests.pages import html
from tests.personas import PASSWORD, World


def opened(world: World, user: User, *episodes: str) -> list[AccessEntry]:
    """``user`` opens each episode's page; the VIEW entries that wrote."""
    client = world.client_for(user)
    before = last_id()
    for name in episodes:
        client.get(reverse("episode_detail", args=[getattr(world, name).id]))
    return list(written_since(before).filter(actor=user, action=Action.VIEW))


def rows(response: Any) -> list[AccessEntry]:
    assert response.status_code == 200, response.status_code
    return [entry for entry, _name in response.context["rows"]]


def csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body)))


@pytest.fixture
def visits(english: World) -> dict[str, list[AccessEntry]]:
    """Claire opens Amy's and Ben's episodes; Yara opens her own patient's and tries Amy's."""
    return {
        "claire_amy": opened(english, english.claire, "amy_episode"),
        "claire_ben": opened(english, english.claire, "ben_episode"),
        "yara": opened(english, english.yara, "yara_episode", "amy_episode"),
    }


# --- the clinic admin's page ---------------------------------------------------------------


def test_the_clinic_admin_sees_a_patients_entries(
    english: World, visits: dict[str, list[AccessEntry]]
) -> None:
    page = english.client_for(english.xavier).get(
        reverse("access_log"), {"patient": str(english.amy_patient.id)}
    )

    shown = rows(page)
    assert visits["claire_amy"][0] in shown
    assert visits["claire_ben"][0] not in shown
    assert {entry.patient_id for entry in shown} == {english.amy_patient.id}
    assert {name for _entry, name in page.context["rows"]} == {"Amy Test"}
    assert "Amy Test" in html(page)
    assert "claire@x.example" in html(page)


def test_the_clinic_admin_sees_a_users_entries(
    english: World, visits: dict[str, list[AccessEntry]]
) -> None:
    page = english.client_for(english.xavier).get(
        reverse("access_log"), {"actor": english.claire.pk}
    )

    shown = rows(page)
    assert visits["claire_amy"][0] in shown
    assert visits["claire_ben"][0] in shown
    assert {entry.actor_id for entry in shown} == {english.claire.pk}


def test_the_clinic_admin_never_sees_another_clinics_entries(
    english: World, visits: dict[str, list[AccessEntry]]
) -> None:
    xavier = english.client_for(english.xavier)
    yaras = {entry.id for entry in visits["yara"]}
    assert AccessEntry.objects.filter(clinic_id=english.clinic_y.id).exists()

    everything = rows(xavier.get(reverse("access_log")))
    exported = csv_rows(xavier.get(reverse("access_log_csv")))
    their_patient = rows(
        xavier.get(reverse("access_log"), {"patient": str(english.yara_patient.id)})
    )

    assert everything
    assert {entry.clinic_id for entry in everything} == {english.clinic_x.id}
    assert not yaras & {entry.id for entry in everything}
    assert not yaras & {int(row[0]) for row in exported[1:]}
    assert "yara@y.example" not in str(exported)
    assert not any(entry.actor_id == english.yara.pk for entry in their_patient)
    assert "Yves" not in html(xavier.get(reverse("access_log")))
    # Yara is not one of the clinic's people to choose.
    assert xavier.get(reverse("access_log"), {"actor": english.yara.pk}).status_code == 400


def test_the_clinic_admin_chooses_the_period(
    english: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    moment = timezone.now() - timedelta(days=60)
    with recorded_at(monkeypatch, moment):
        [old] = opened(english, english.claire, "amy_episode")
    [recent] = opened(english, english.claire, "amy_episode")
    xavier = english.client_for(english.xavier)
    day = timezone.localdate(moment)

    default = rows(xavier.get(reverse("access_log")))  # the last 30 days
    that_day = rows(
        xavier.get(reverse("access_log"), {"start": day.isoformat(), "end": day.isoformat()})
    )
    both = rows(
        xavier.get(
            reverse("access_log"),
            {
                "start": (day - timedelta(days=1)).isoformat(),
                "end": timezone.localdate().isoformat(),
            },
        )
    )

    assert recent in default
    assert old not in default
    assert old in that_day
    assert recent not in that_day
    assert {timezone.localdate(entry.at) for entry in that_day} == {day}
    assert {old, recent} <= set(both)


def test_a_clinician_cannot_read_the_access_log(english: World) -> None:
    for persona in ("claire", "amy", "yara"):
        client = english.client_for(getattr(english, persona))
        assert client.get(reverse("access_log")).status_code == 404, persona
        assert client.get(reverse("access_log_csv")).status_code == 404, persona


def test_reading_the_log_about_a_patient_is_itself_logged(english: World) -> None:
    xavier = english.client_for(english.xavier)
    before = last_id()

    xavier.get(reverse("access_log"), {"patient": str(english.amy_patient.id)})

    entry = written_since(before).get()
    assert (entry.actor_id, entry.action, entry.patient_id, entry.object_type) == (
        english.xavier.pk,
        Action.VIEW,
        english.amy_patient.id,
        "access_log",
    )


# --- the CSV -------------------------------------------------------------------------------


def test_the_csv_has_a_header_and_one_row_per_entry_in_the_period(
    english: World, visits: dict[str, list[AccessEntry]], monkeypatch: pytest.MonkeyPatch
) -> None:
    with recorded_at(monkeypatch, timezone.now() - timedelta(days=60)):
        [old] = opened(english, english.claire, "amy_episode")
    xavier = english.client_for(english.xavier)
    before = last_id()

    response = xavier.get(reverse("access_log_csv"))
    table = csv_rows(response)

    assert response["Content-Type"].startswith("text/csv")
    assert "Amy" not in response["Content-Disposition"]
    header, *body = table
    assert header == [
        "id",
        "at",
        "account",
        "role",
        "patient_id",
        "patient",
        "action",
        "record",
        "record_id",
        "what",
        "outcome",
        "address",
    ]
    today = timezone.localdate()
    in_period = clinic_entries(
        english.clinic_x.id, start=today - timedelta(days=30), end=today
    ).values_list("id", flat=True)
    assert [int(row[0]) for row in body] == list(in_period)
    assert old.id not in {int(row[0]) for row in body}
    amy = next(row for row in body if int(row[0]) == visits["claire_amy"][0].id)
    assert amy[2:7] == [
        "claire@x.example",
        "clinician",
        str(english.amy_patient.id),
        "Amy Test",
        "view",
    ]
    # Reading it is an export, written before the file (so the file holds it too).
    export = written_since(before).get(action=Action.EXPORT)
    assert export.actor_id == english.xavier.pk
    assert export.id in {int(row[0]) for row in body}


def test_the_csv_of_one_patient_logs_an_export_of_that_patient(
    english: World, visits: dict[str, list[AccessEntry]]
) -> None:
    xavier = english.client_for(english.xavier)
    before = last_id()

    table = csv_rows(
        xavier.get(reverse("access_log_csv"), {"patient": str(english.amy_patient.id)})
    )

    assert {row[4] for row in table[1:]} == {str(english.amy_patient.id)}
    assert {row[5] for row in table[1:]} == {"Amy Test"}
    export = written_since(before).get()
    assert (export.action, export.patient_id) == (Action.EXPORT, english.amy_patient.id)


# --- filters that do not hold ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["access_log", "access_log_csv"])
def test_an_end_before_the_start_is_refused_by_name(english: World, name: str) -> None:
    before = last_id()
    response = english.client_for(english.xavier).get(
        reverse(name), {"start": "2025-03-10", "end": "2025-03-01"}
    )

    assert response.status_code == 400
    assert "The end date is before the start date." in html(response)
    assert not written_since(before).exclude(action=Action.LOGIN).exists()


@pytest.mark.parametrize("name", ["access_log", "access_log_csv"])
def test_a_period_longer_than_a_year_is_refused(english: World, name: str) -> None:
    xavier = english.client_for(english.xavier)
    start = date(2024, 1, 1)

    too_long = xavier.get(
        reverse(name),
        {"start": start.isoformat(), "end": (start + timedelta(days=367)).isoformat()},
    )
    a_year = xavier.get(
        reverse(name),
        {"start": start.isoformat(), "end": (start + timedelta(days=366)).isoformat()},
    )

    assert too_long.status_code == 400
    assert "Choose a period of at most a year." in html(too_long)
    assert a_year.status_code == 200


@pytest.mark.parametrize("name", ["access_log", "access_log_csv"])
@pytest.mark.parametrize(
    "query",
    [
        {"patient": "not-a-uuid"},
        {"patient": "'; DROP TABLE auditlog_accessentry; --"},
        {"actor": "abc"},
        {"actor": "-1"},
        {"actor": "99999999999999999999999999"},
        {"actor": "1.5"},
        {"start": "yesterday"},
        {"end": "2025-02-30"},
    ],
    ids=lambda query: "-".join(f"{k}={v[:12]}" for k, v in query.items()),
)
def test_a_garbage_filter_answers_400_never_500(
    english: World, name: str, query: dict[str, str]
) -> None:
    response = english.client_for(english.xavier).get(reverse(name), query)

    assert response.status_code == 400


def test_a_garbage_page_number_shows_a_page(english: World) -> None:
    xavier = english.client_for(english.xavier)
    for number in ("abc", "-1", "99999"):
        assert xavier.get(reverse("access_log"), {"page": number}).status_code == 200


# --- the patient's "who opened my record" ----------------------------------------------------


def test_the_patient_sees_who_in_the_clinic_opened_their_record(
    english: World, visits: dict[str, list[AccessEntry]]
) -> None:
    Client().post(reverse("login"), {"username": "claire@x.example", "password": PASSWORD})
    amy = english.client_for(english.amy)
    before = last_id()
    amy.get(reverse("portal_home"))  # her own read
    amy.post(
        reverse("diary"),
        {
            "pain": "3",
            "active_minutes": "45",
            "exercises": "all",
            "sitting_breaks": "6",
            "sleep": "good",
            "stress": "2",
        },
    )
    own = set(written_since(before).filter(actor=english.amy).values_list("id", flat=True))
    assert len(own) >= 2

    page = amy.get(reverse("my_access"))

    assert page.status_code == 200
    shown = page.context["entries"]
    ids = {entry.id for entry in shown}
    assert visits["claire_amy"][0].id in ids  # Claire opened her episode
    assert "Claire" in html(page)
    assert not ids & own  # not her own reads and writes
    assert visits["claire_ben"][0].id not in ids  # not another patient's
    assert not ids & {entry.id for entry in visits["yara"]}  # not a refused try elsewhere
    assert {entry.patient_id for entry in shown} == {english.amy_patient.id}
    assert not {entry.action for entry in shown} & {
        Action.LOGIN,
        Action.LOGIN_FAILED,
        Action.LOGOUT,
        Action.PRUNE,
    }
    assert "logged in" not in html(page)


def test_another_patient_sees_none_of_it(
    english: World, visits: dict[str, list[AccessEntry]]
) -> None:
    page = english.client_for(english.ben).get(reverse("my_access"))

    ids = {entry.id for entry in page.context["entries"]}
    assert visits["claire_ben"][0].id in ids
    assert visits["claire_amy"][0].id not in ids
    assert {entry.patient_id for entry in page.context["entries"]} == {english.ben_patient.id}


def test_staff_cannot_open_the_patients_page(english: World) -> None:
    for persona in ("claire", "xavier"):
        client = english.client_for(getattr(english, persona))
        assert client.get(reverse("my_access")).status_code == 404


# --- the Django admin ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "object_type"),
    [
        (lambda w: f"/admin/care/patient/{w.amy_patient.id}/change/", "patient"),
        (lambda w: f"/admin/care/episode/{w.amy_episode.id}/change/", "episode"),
    ],
    ids=["patient", "episode"],
)
def test_opening_a_record_in_the_admin_logs_a_view(
    english: World, path: Any, object_type: str
) -> None:
    xavier = english.client_for(english.xavier)
    before = last_id()

    response = xavier.get(path(english))

    assert response.status_code == 200
    assert "Amy" in html(response)
    entry = written_since(before).get(patient_id=english.amy_patient.id)
    assert (entry.actor_id, entry.action, entry.object_type, entry.clinic_id) == (
        english.xavier.pk,
        Action.VIEW,
        object_type,
        english.clinic_x.id,
    )


def _root(english: World) -> Client:
    root = User.objects.create_superuser(email="root@backpath.example", password=PASSWORD)
    return english.client_for(root)


def test_a_superuser_opening_a_patient_in_the_admin_is_logged(english: World) -> None:
    root = _root(english)
    before = last_id()

    response = root.get(f"/admin/care/patient/{english.amy_patient.id}/change/")

    assert response.status_code == 200
    entry = written_since(before).get(patient_id=english.amy_patient.id)
    assert (entry.action, entry.actor_label) == (Action.VIEW, "root@backpath.example")


def test_the_clinic_and_the_patient_see_a_superuser_opening_the_record(english: World) -> None:
    root = _root(english)
    before = last_id()
    root.get(f"/admin/care/patient/{english.amy_patient.id}/change/")
    entry = written_since(before).get(patient_id=english.amy_patient.id)

    clinic = english.client_for(english.xavier).get(
        reverse("access_log"), {"patient": str(english.amy_patient.id)}
    )
    mine = english.client_for(english.amy).get(reverse("my_access"))

    assert entry in rows(clinic)
    assert entry in mine.context["entries"]
