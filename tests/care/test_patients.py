"""Patients over HTTP: a new patient's record.

Each test walks the pages with Django's test client as a persona from ``tests/personas.py``;
the personas read the interface in English (``english`` fixture) so the assertions can name
the words on the page.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from backpath.care.models import Patient
from tests.pages import field_errors
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
