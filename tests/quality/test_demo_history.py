"""The demo's quality history: past patients generated into the demo clinic."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import timezone

from backpath.accounts.models import Clinic
from backpath.care.models import Patient
from backpath.followup.models import Alert
from backpath.quality.figures import Scope, figures
from backpath.quality.forms import default_period
from backpath.synthetic.generate import GenerateRefused, generate
from backpath.web.demo_data import CLINIC_NAME, HISTORY_PATIENTS, load_demo, load_history


@pytest.mark.django_db
@override_settings(BACKPATH_DEMO=True)
def test_the_demo_clinic_has_a_history_for_the_quality_page() -> None:
    load_demo()
    clinic = Clinic.objects.get(name=CLINIC_NAME)
    scripted = list(Patient.objects.filter(clinic=clinic).values_list("pk", flat=True))
    open_before = Alert.objects.filter(resolved_at__isnull=True).count()

    assert load_history() == HISTORY_PATIENTS

    assert Patient.objects.filter(clinic=clinic).count() == len(scripted) + HISTORY_PATIENTS
    assert not Clinic.objects.filter(synthetic=True).exists()  # no other clinic made
    # The generated patients' alerts are handled; the scripted ones' are left to the demo.
    generated = Alert.objects.exclude(episode__patient_id__in=scripted)
    assert generated.exists()
    assert not generated.filter(resolved_at__isnull=True).exists()
    assert Alert.objects.filter(resolved_at__isnull=True).count() == open_before
    start, end = default_period(timezone.localdate())
    found = figures(Scope(clinic.id, start, end), timezone.localdate())
    assert found.episodes >= HISTORY_PATIENTS
    assert found.counts["redflags_screened"].whole > 0
    assert found.outcomes[("discharge", "mic_nprs")].now.whole > 0


@pytest.mark.django_db
@override_settings(BACKPATH_DEMO=True)
def test_into_a_clinic_makes_no_new_clinics() -> None:
    load_demo()
    clinic = Clinic.objects.get(name=CLINIC_NAME)
    with pytest.raises(GenerateRefused, match="--clinics 0"):
        generate(clinics=1, patients=1, seed=1, into=clinic)
