"""Graded activity: the day's amount is bounded and a second entry the same day adds to the
first; and the clinician's published-program and adherence pages (walk-through fixes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from backpath.auditlog.models import AccessEntry
from backpath.exercises.library import Dosage
from backpath.exercises.programs import GradedQuota
from backpath.programs import services
from backpath.programs.forms import QuotaLogForm
from backpath.programs.models import Program, Quota, QuotaLog
from tests.pages import classes, parse
from tests.personas import World


def publish_with_quota(world: World, unit: str = "minutes") -> Quota:
    baseline, goal = (60, 150) if unit == "minutes" else (4000, 8000)
    program = services.program_publish(
        actor=world.claire,
        episode=world.amy_episode,
        items=[
            services.ItemDraft("bridge", Dosage(sets=2, reps=10), 7),
            services.ItemDraft("cat_camel", Dosage(sets=2, reps=10), 7),
        ],
        quota=GradedQuota.from_baseline("walking", unit, baseline, goal, 6),
        note="",
        reason="",
        submission=None,
    )
    return Quota.objects.get(program=program)


# --- the bound -------------------------------------------------------------------------------


def test_the_form_bounds_minutes_per_day_and_names_the_field() -> None:
    too_many = QuotaLogForm({"amount": "601"}, unit="minutes")

    assert not too_many.is_valid()
    assert list(too_many.errors) == ["amount"]
    assert "600" in too_many.errors["amount"][0]
    assert 'max="600"' in str(too_many["amount"])
    assert QuotaLogForm({"amount": "600"}, unit="minutes").is_valid()
    assert QuotaLogForm({"amount": "8000"}, unit="steps").is_valid()
    assert not QuotaLogForm({"amount": "99999"}, unit="steps").is_valid()
    # Without the quota's unit (a caller that does not know it) the largest bound holds.
    assert not QuotaLogForm({"amount": "99999"}).is_valid()
    assert not QuotaLogForm({"amount": "-1"}, unit="minutes").is_valid()


def test_a_patient_cannot_log_99999_minutes(world: World) -> None:
    quota = publish_with_quota(world)
    amy = world.client_for(world.amy)

    amy.post(reverse("log_quota"), {"amount": "99999"})

    assert not QuotaLog.objects.filter(quota=quota).exists()


def test_the_days_total_is_bounded_too(world: World) -> None:
    quota = publish_with_quota(world)
    today = timezone.localdate()
    services.quota_log(
        actor=world.amy, episode=world.amy_episode, quota=quota, day=today, amount=500
    )

    with pytest.raises(services.QuotaRefused) as refused:
        services.quota_log(
            actor=world.amy, episode=world.amy_episode, quota=quota, day=today, amount=200
        )

    assert "600" in refused.value.problem
    assert QuotaLog.objects.get(quota=quota, day=today).amount == 500


# --- the same day adds -----------------------------------------------------------------------


def test_a_second_entry_the_same_day_adds_to_the_first(world: World) -> None:
    quota = publish_with_quota(world)
    amy = world.client_for(world.amy)

    assert amy.post(reverse("log_quota"), {"amount": "20"}).status_code == 302
    assert amy.post(reverse("log_quota"), {"amount": "15"}).status_code == 302

    [log] = QuotaLog.objects.filter(quota=quota)
    assert (log.day, log.amount) == (timezone.localdate(), 35)
    entries = AccessEntry.objects.filter(actor=world.amy, detail="quota.log")
    assert entries.count() == 2
    assert {entry.object_id for entry in entries} == {str(quota.program_id)}


def test_another_day_is_a_row_of_its_own(world: World) -> None:
    quota = publish_with_quota(world)
    today = timezone.localdate()
    for day, amount in ((today - timedelta(days=1), 30), (today, 10), (today, 5)):
        services.quota_log(
            actor=world.amy, episode=world.amy_episode, quota=quota, day=day, amount=amount
        )

    assert list(QuotaLog.objects.filter(quota=quota).values_list("amount", flat=True)) == [30, 15]


# --- the clinician's pages ---------------------------------------------------------------------


def test_the_published_program_is_a_grid_of_cards_with_bounded_pictures(world: World) -> None:
    publish_with_quota(world)
    page = world.client_for(world.claire).get(
        reverse("program_detail", args=[world.amy_episode.id])
    )

    assert page.status_code == 200
    lists = [ol for ol in parse(page).iter("ol") if "program-items" in classes(ol)]
    assert len(lists) == 1
    cards = [li for li in lists[0] if "program-item" in classes(li)]
    assert len(cards) == Program.objects.get(episode=world.amy_episode).items.count() == 2
    for card in cards:
        [thumb, text] = list(card)
        assert "program-item__thumb" in classes(thumb)
        assert any(str(el.tag).endswith("svg") for el in thumb.iter())
        assert "program-item__text" in classes(text)


def test_the_adherence_tables_are_named_focusable_regions(world: World) -> None:
    publish_with_quota(world)
    quota = Quota.objects.get(program__episode=world.amy_episode)
    services.quota_log(
        actor=world.amy,
        episode=world.amy_episode,
        quota=quota,
        day=timezone.localdate(),
        amount=20,
    )
    page = world.client_for(world.claire).get(
        reverse("program_adherence", args=[world.amy_episode.id])
    )

    assert page.status_code == 200
    wrappers = [div for div in parse(page).iter("div") if "table-wrap" in classes(div)]
    assert wrappers
    for wrapper in wrappers:
        assert (wrapper.get("tabindex"), wrapper.get("role")) == ("0", "region")
        assert wrapper.get("aria-label")
