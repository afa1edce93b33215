"""Patients over HTTP: a new patient's record, and changing the details of one on file.

Each test walks the pages with Django's test client as a persona from ``tests/personas.py``;
the personas read the interface in English (``english`` fixture) so the assertions can name
the words on the page.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from backpath.auditlog.models import AccessEntry
from backpath.care.models import Patient
from tests.pages import field_errors, parse
from tests.personas import World


def test_it_answers_400_to_an_invalid_new_patient(english: World) -> None:
    claire = english.client_for(english.claire)
    born = timezone.localdate() + timedelta(days=1)

    response = claire.post(
        reverse("patient_new"),
        {
            "submission": str(uuid.uuid4()),
            "first_name": "Fay",
            "last_name": "Future",
            "date_of_birth": born.isoformat(),
        },
    )

    assert "future" in field_errors(response, "date_of_birth")
    assert not Patient.objects.filter(last_name="Future").exists()
    assert response.status_code == 400


# --- changing a patient's details -------------------------------------------------------------


def edit_url(world: World) -> str:
    return reverse("patient_edit", kwargs={"patient_id": world.amy_patient.id})


def shown_form(client: Any, world: World) -> dict[str, str]:
    """The edit form's fields as the page shows them (what a browser would post back)."""
    page = parse(client.get(edit_url(world)))
    form = next(
        f for f in page.iter("form") if any(e.get("name") == "version" for e in f.iter("input"))
    )
    data = {}
    for element in (e for e in form.iter() if e.tag in ("input", "textarea", "select")):
        name = element.get("name")
        if not name or name == "csrfmiddlewaretoken":
            continue
        if element.tag == "textarea":
            data[name] = element.text or ""
        elif element.tag == "select":
            chosen = [o for o in element.iter("option") if o.get("selected") is not None]
            data[name] = chosen[0].get("value", "") if chosen else ""
        else:
            data[name] = element.get("value", "")
    return data


def test_a_clinician_adds_the_phone_numbers_of_a_patient_on_file(english: World) -> None:
    world = english
    claire = world.client_for(world.claire)
    data = shown_form(claire, world)
    assert data["first_name"] == world.amy_patient.first_name

    answer = claire.post(
        edit_url(world), {**data, "phone": "06 1234 5678", "gp_phone": "020 555 0101"}
    )

    assert answer.status_code == 302
    amy = Patient.objects.get(pk=world.amy_patient.pk)
    assert (amy.phone, amy.gp_phone) == ("06 1234 5678", "020 555 0101")
    assert amy.first_name == world.amy_patient.first_name
    assert AccessEntry.objects.filter(detail="patient.update", patient_id=amy.pk).count() == 1
    # Back and Save again: the same values, nothing changes and nothing is refused.
    again = claire.post(
        edit_url(world), {**data, "phone": "06 1234 5678", "gp_phone": "020 555 0101"}
    )
    assert again.status_code == 302
    assert AccessEntry.objects.filter(detail="patient.update").count() == 1


def test_a_save_over_someone_elses_newer_change_is_refused_with_the_saved_values(
    english: World,
) -> None:
    world = english
    claire = world.client_for(world.claire)
    mine = shown_form(claire, world)
    xavier = world.client_for(world.xavier)
    theirs = shown_form(xavier, world)
    assert xavier.post(edit_url(world), {**theirs, "phone": "070 111 2222"}).status_code == 302

    answer = claire.post(edit_url(world), {**mine, "gp_name": "Dr. Jansen"})

    assert answer.status_code == 409
    assert Patient.objects.get(pk=world.amy_patient.pk).phone == "070 111 2222"
    assert "070 111 2222" in field_errors(answer, "phone")
    # Saved again from the page as it is now shown: it replaces them (the typed values).
    again = parse(answer)
    version = next(e.get("value") for e in again.iter("input") if e.get("name") == "version")
    final = claire.post(edit_url(world), {**mine, "gp_name": "Dr. Jansen", "version": version})
    assert final.status_code == 302
    amy = Patient.objects.get(pk=world.amy_patient.pk)
    assert (amy.gp_name, amy.phone) == ("Dr. Jansen", mine["phone"])


def test_bad_details_are_shown_again_with_the_problem_named(english: World) -> None:
    world = english
    claire = world.client_for(world.claire)
    data = shown_form(claire, world)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()

    answer = claire.post(
        edit_url(world), {**data, "date_of_birth": future, "gp_address": "x" * 1_000_000}
    )

    assert answer.status_code == 400
    assert "future" in field_errors(answer, "date_of_birth")
    assert field_errors(answer, "gp_address")
    assert Patient.objects.get(pk=world.amy_patient.pk).gp_address == world.amy_patient.gp_address


def test_the_edit_page_is_access_logged_and_another_clinic_sees_404(english: World) -> None:
    world = english
    before = AccessEntry.objects.filter(patient_id=world.amy_patient.pk).count()
    assert world.client_for(world.claire).get(edit_url(world)).status_code == 200
    assert AccessEntry.objects.filter(patient_id=world.amy_patient.pk).count() == before + 1
    assert world.client_for(world.yara).get(edit_url(world)).status_code == 404
    assert world.client_for(world.yara).post(edit_url(world), {}).status_code == 404
