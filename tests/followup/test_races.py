"""Between visits, a double tap at the same moment stores one record and answers the page.

A patient double-tapping a red-flag report must see "call 112", never a server error. See
``tests/care/test_races.py`` for how the races are played (threads on PostgreSQL, a lookup
that misses once on SQLite).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db.models.query import QuerySet
from django.urls import reverse
from django.utils import timezone

from backpath.clinical.followup import Occasion, recheck_flags
from backpath.followup import services
from backpath.followup.models import Alert, CheckKind, DiaryEntry, Measurement, RedFlagCheck
from backpath.followup.selectors import between_visits
from tests.care.test_races import (
    THREADS,
    at_once,
    audited,
    late_lookup,
    logged_in,
    on_postgresql,
    redirected,
)
from tests.personas import World, amy_due

__all__ = ["late_lookup"]  # the fixture, shared with the care tests

DIARY = {
    "pain": "3",
    "active_minutes": "45",
    "exercises": "all",
    "sitting_breaks": "6",
    "sleep": "good",
    "stress": "2",
}


def answers(**yes: bool) -> dict[str, str]:
    flags = dict.fromkeys(recheck_flags(), "no")
    flags |= {flag.replace("_", "-"): "yes" for flag, on in yes.items() if on}
    return {**flags, "submission": str(uuid.uuid4())}


def report(
    world: World, kind: CheckKind, submission: uuid.UUID, *, red_flag: bool = False
) -> RedFlagCheck:
    return services.recheck_record(
        actor=world.amy,
        episode=world.amy_episode,
        kind=kind,
        answers=dict.fromkeys(recheck_flags(), False) | ({"CES-2": True} if red_flag else {}),
        submission=submission,
        pain=8 if kind == CheckKind.FLARE else None,
        note="Lifted a crate." if kind == CheckKind.FLARE else "",
    )


@pytest.mark.parametrize("kind", [CheckKind.FLARE, CheckKind.WEEKLY])
@pytest.mark.parametrize("red_flag", [True, False])
def test_a_check_sent_twice_at_once_is_one_check_and_one_alert(
    world: World,
    late_lookup: Callable[[str], None],
    kind: CheckKind,
    red_flag: bool,
    django_capture_on_commit_callbacks: Any,
) -> None:
    submission = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        first = report(world, kind, submission, red_flag=red_flag)
    emails = len(mail.outbox)
    late_lookup("backpath.followup.services")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = report(world, kind, submission, red_flag=red_flag)
    assert again == first
    assert callbacks == []  # the loser's alert email was rolled back with it
    assert len(mail.outbox) == emails
    assert RedFlagCheck.objects.count() == 1
    assert Alert.objects.count() == (1 if red_flag or kind == CheckKind.FLARE else 0)
    assert audited(f"recheck.{kind.value}") == 1


def test_a_diary_saved_twice_at_once_is_one_entry_with_the_last_answers(world: World) -> None:
    """The second save's insert meets the first one's entry in the database and corrects it
    (one entry a day, the same row), rather than failing on the constraint."""
    today = timezone.localdate()
    values = {"pain": 3, "active_minutes": 45, "exercises": "all"}
    values |= {"sitting_breaks": 6, "sleep": "good", "stress": 2}
    first = services.diary_save(
        actor=world.amy, episode=world.amy_episode, day=today, values=values
    )
    entry = services.diary_save(
        actor=world.amy, episode=world.amy_episode, day=today, values=values | {"pain": 5}
    )
    assert entry.pk == first.pk
    stored = DiaryEntry.objects.get()
    assert stored.pk == first.pk
    assert (stored.pain, stored.stress) == (5, 2)


def week_3(world: World) -> Occasion:
    amy_due(world)
    state = between_visits(world.amy_episode, timezone.localdate())
    return next(o for o in state.due if o.key == "week-3")


def measure(world: World, occasion: Occasion, pain: int) -> Measurement:
    plan = world.amy_episode.plans.get()
    return services.measurement_record(
        actor=world.amy,
        episode=world.amy_episode,
        plan=plan,
        occasion=occasion,
        answers={"nprs": {"q1": pain}, "psk": {"q1": 5}, "gpe": {"q1": 3}},
        instrument_versions={},
        today=timezone.localdate(),
    )


def test_a_questionnaire_sent_twice_at_once_is_measured_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    occasion = week_3(world)
    first = measure(world, occasion, 4)
    with pytest.raises(services.MeasurementClosed):  # a second tab, one after the other
        measure(world, occasion, 6)
    # At the same moment: the check before the insert saw nothing yet.
    real_exists = QuerySet.exists
    missed: list[bool] = []

    def exists(self: QuerySet[Any]) -> bool:
        if self.model is Measurement and not missed:
            missed.append(True)
            return False
        return real_exists(self)

    monkeypatch.setattr(QuerySet, "exists", exists)
    with pytest.raises(services.MeasurementClosed):
        measure(world, occasion, 6)
    assert missed == [True]
    assert Measurement.objects.get() == first
    assert first.scores["nprs"] == 4
    assert audited("measurement.save") == 1


# Real races on PostgreSQL: the patient's phone sends the same form eight times at once.


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_red_flag_flare_report_posted_eight_times_at_once_is_one_check(
    world: World,
) -> None:
    data = answers(CES_2=True) | {"pain": "8", "note": "Lifted a crate."}
    taps = at_once(logged_in(world.amy, THREADS), reverse("flare"), data)
    check = RedFlagCheck.objects.get()
    # Every tap lands on the same result page: the one that says what to do now.
    assert redirected(taps) == reverse("recheck_result", args=[check.id])
    assert (check.kind, str(check.submission)) == ("flare", data["submission"])
    assert Alert.objects.get().kind == "red_flag"
    # One email to each clinician of the clinic, from the one request that stored it.
    assert sorted(m.to[0] for m in mail.outbox) == ["claire@x.example", "xavier@x.example"]
    assert audited("recheck.flare") == 1
    page = logged_in(world.amy, 1)[0].get(reverse("recheck_result", args=[check.id]))
    assert page.status_code == 200
    assert 'role="alert"' in page.content.decode()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_flare_report_posted_eight_times_at_once_is_one_check(world: World) -> None:
    data = answers() | {"pain": "7", "note": "Bent down to the dog."}
    taps = at_once(logged_in(world.amy, THREADS), reverse("flare"), data)
    check = RedFlagCheck.objects.get()
    assert redirected(taps) == reverse("recheck_result", args=[check.id])
    assert Alert.objects.get().kind == "flare"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_weekly_check_posted_eight_times_at_once_is_one_check(world: World) -> None:
    taps = at_once(logged_in(world.amy, THREADS), reverse("recheck"), answers())
    check = RedFlagCheck.objects.get()
    assert redirected(taps) == reverse("recheck_result", args=[check.id])
    assert check.kind == "weekly"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_diary_posted_eight_times_at_once_is_one_entry(world: World) -> None:
    taps = at_once(logged_in(world.amy, THREADS), reverse("diary"), DIARY)
    assert redirected(taps) == reverse("portal_home")
    assert DiaryEntry.objects.get().pain == 3
    assert audited("diary.save") == THREADS  # each a save (the later ones correct the entry)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_questionnaire_posted_eight_times_at_once_is_one_measurement(world: World) -> None:
    key = amy_due(world)
    data = {"nprs__q1": "4", "psk__q1": "5", "gpe__q1": "3"}
    taps = at_once(logged_in(world.amy, THREADS), reverse("questionnaire", args=[key]), data)
    # "Thank you", or for a tap whose page starts after the first one committed, "already
    # filled in" on the list of questionnaires.
    assert {status for status, _to in taps} == {302}, taps
    assert {to for _status, to in taps} <= {reverse("portal_progress"), reverse("questionnaires")}
    assert Measurement.objects.get().occasion == key
    assert audited("measurement.save") == 1
