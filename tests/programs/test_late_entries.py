"""An entry made on the phone without a connection and sent days later counts for the day
it was made (the page's hidden ``day``), up to a week back; nothing older, nothing ahead."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from backpath.exercises.library import Dosage
from backpath.exercises.programs import GradedQuota
from backpath.followup.models import DiaryEntry
from backpath.programs import services
from backpath.programs.models import ExerciseLog, QuotaLog
from tests.followup.test_followup import DIARY
from tests.personas import World


def publish(world: World) -> None:
    services.program_publish(
        actor=world.claire,
        episode=world.amy_episode,
        items=[services.ItemDraft("bridge", Dosage(sets=2, reps=10), 7)],
        quota=GradedQuota.from_baseline("wandelen", "minutes", 60, 150, 6),
        note="",
        reason="",
        submission=None,
    )


def days_ago(n: int) -> str:
    return (timezone.localdate() - timedelta(days=n)).isoformat()


def test_the_pages_carry_the_day_they_were_shown(world: World) -> None:
    publish(world)
    amy = world.client_for(world.amy)
    today = f'name="day" value="{timezone.localdate().isoformat()}"'
    assert today in amy.get(reverse("today")).content.decode()
    assert today in amy.get(reverse("diary")).content.decode()


def test_a_late_exercise_and_activity_log_count_for_their_own_day(world: World) -> None:
    publish(world)
    amy = world.client_for(world.amy)
    item = world.amy_episode.programs.get().items.get()
    sent = amy.post(
        reverse("log_exercise"), {"item": str(item.id), "done": "yes", "day": days_ago(2)}
    )
    assert sent.status_code == 302
    assert ExerciseLog.objects.get(item=item).day == timezone.localdate() - timedelta(days=2)
    assert amy.post(reverse("log_quota"), {"amount": "20", "day": days_ago(1)}).status_code == 302
    assert QuotaLog.objects.get().day == timezone.localdate() - timedelta(days=1)


def test_a_late_diary_entry_leaves_todays_alone(world: World) -> None:
    amy = world.client_for(world.amy)
    assert amy.post(reverse("diary"), DIARY).status_code == 302
    assert amy.post(reverse("diary"), DIARY | {"pain": "7", "day": days_ago(3)}).status_code == 302
    pains = dict(DiaryEntry.objects.values_list("day", "pain"))
    assert pains == {timezone.localdate(): 3, timezone.localdate() - timedelta(days=3): 7}


@pytest.mark.parametrize("day", [days_ago(8), days_ago(-1), "not-a-day"])
def test_an_entry_older_than_a_week_or_ahead_is_refused(world: World, day: str) -> None:
    publish(world)
    amy = world.client_for(world.amy)
    item = world.amy_episode.programs.get().items.get()
    amy.post(reverse("log_exercise"), {"item": str(item.id), "done": "yes", "day": day})
    amy.post(reverse("log_quota"), {"amount": "20", "day": day})
    diary = amy.post(reverse("diary"), DIARY | {"day": day})
    assert diary.status_code == 400
    assert not ExerciseLog.objects.exists()
    assert not QuotaLog.objects.exists()
    assert not DiaryEntry.objects.exists()
