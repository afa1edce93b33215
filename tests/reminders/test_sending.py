"""The reminder job at its boundaries, with an explicit moment: what goes out, when, once."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from backpath.care.models import Episode, EpisodeStatus
from backpath.clinical.followup import add_months
from backpath.exercises.library import Dosage
from backpath.followup.models import DiaryEntry
from backpath.programs.models import ExerciseLog
from backpath.programs.services import ItemDraft, current_program, program_publish
from backpath.reminders import services
from backpath.reminders.models import ReminderSent, ReminderSettings
from backpath.reminders.services import send_reminders
from tests.personas import World

AMS = ZoneInfo("Europe/Amsterdam")


def at(hour: int, minute: int = 0, days: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=AMS)


def publish(world: World, per_week: int = 7) -> None:
    program_publish(
        actor=world.claire,
        episode=world.amy_episode,
        items=[ItemDraft("abdominal_bracing", Dosage(hold_seconds=10, reps=8), per_week)],
        quota=None,
        note="",
        reason="",
        submission=None,
    )


def choose(world: World, **values: Any) -> None:
    ReminderSettings.objects.update_or_create(user=world.amy, defaults=values)


def subjects() -> list[str]:
    return [message.subject for message in mail.outbox]


@pytest.fixture
def amy_in_english(world: World) -> World:
    world.amy.language = "en"
    world.amy.save(update_fields=["language"])
    return world


def test_it_sends_what_is_due_in_one_mail_once(amy_in_english: World) -> None:
    world = amy_in_english
    publish(world)
    assert send_reminders(at(8, 59)).mails == 0
    result = send_reminders(at(10))
    assert (result.mails, result.reminders) == (1, 2)
    assert result.counts == {"exercises": 1, "recheck": 1}
    (message,) = mail.outbox
    assert message.to == [world.amy.email]
    assert message.subject == "You have 2 reminders from backpath"
    assert "Your exercises for today are ready" in message.body
    assert "Your weekly check is due" in message.body
    assert settings.SITE_URL + "/me/today/" in message.body
    assert settings.SITE_URL + "/me/reminders/" in message.body
    # Nothing about the patient or their health: no name, no exercise, no clinic.
    for detail in ("Amy", "abdominal", "De Linde", "pain", "red flag"):
        assert detail.lower() not in (message.subject + message.body).lower()
    rerun = send_reminders(at(10, 15))
    assert (rerun.mails, len(mail.outbox)) == (0, 1)
    rows = ReminderSent.objects.filter(user=world.amy)
    assert {(r.kind, r.key) for r in rows} == {
        ("exercises", at(10).date().isoformat()),
        ("recheck", at(10).date().isoformat()),
    }
    assert all(r.sent_at is not None for r in rows)


def test_it_sends_one_reminder_under_its_own_subject(amy_in_english: World) -> None:
    choose(amy_in_english, recheck=False)
    publish(amy_in_english)
    send_reminders(at(9))
    assert subjects() == ["Your exercises for today are ready"]


def test_it_reminds_the_diary_in_the_evening_until_it_is_filled_in(
    amy_in_english: World,
) -> None:
    choose(amy_in_english, exercises=False, recheck=False)
    send_reminders(at(18, 59))
    assert subjects() == []
    send_reminders(at(19))
    assert subjects() == ["Your diary for today is waiting"]
    DiaryEntry.objects.create(
        episode=amy_in_english.amy_episode,
        day=at(19, days=1).date(),
        pain=3,
        active_minutes=30,
        exercises="all",
        sitting_breaks=4,
        sleep="good",
        stress=2,
    )
    send_reminders(at(19, days=1))
    assert len(mail.outbox) == 1  # filled in the next day: no repeat
    send_reminders(at(19, days=2))
    assert len(mail.outbox) == 2  # and the day after it is missing again


def test_it_repeats_exercises_the_next_day_when_nothing_is_logged(amy_in_english: World) -> None:
    choose(amy_in_english, recheck=False, diary=False)
    publish(amy_in_english)
    send_reminders(at(9))
    send_reminders(at(9, days=1))
    assert subjects() == ["Your exercises for today are ready"] * 2


def test_it_does_not_remind_exercises_already_logged_today(amy_in_english: World) -> None:
    choose(amy_in_english, recheck=False, diary=False)
    publish(amy_in_english)
    program = current_program(amy_in_english.amy_episode)
    assert program is not None
    ExerciseLog.objects.create(item=program.items.get(), day=at(9).date(), done=False)
    assert send_reminders(at(9)).mails == 0


def test_it_does_not_remind_an_exercise_done_as_often_as_prescribed_this_week(
    amy_in_english: World,
) -> None:
    choose(amy_in_english, recheck=False, diary=False)
    publish(amy_in_english, per_week=1)
    program = current_program(amy_in_english.amy_episode)
    assert program is not None
    # Run the job as of a day with an earlier day in the same week (Tuesday when today is a
    # Monday), and log the exercise on that earlier day.
    now = at(9, days=1 if timezone.localdate().weekday() == 0 else 0)
    ExerciseLog.objects.create(
        item=program.items.get(), day=now.date() - timedelta(days=1), done=True
    )
    assert send_reminders(now).mails == 0


def test_it_never_mails_a_patient_who_opted_out(amy_in_english: World) -> None:
    publish(amy_in_english)
    choose(amy_in_english, email=False)
    for hour in (9, 10, 19, 21):
        send_reminders(at(hour))
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()


def test_it_leaves_out_a_kind_switched_off(amy_in_english: World) -> None:
    publish(amy_in_english)
    choose(amy_in_english, exercises=False)
    send_reminders(at(10))
    assert subjects() == ["Your weekly check is due"]


def test_it_holds_back_in_quiet_hours_and_sends_when_they_end(amy_in_english: World) -> None:
    publish(amy_in_english)
    choose(amy_in_english, recheck=False, exercise_time=time(6, 30))
    send_reminders(at(6, 45))
    send_reminders(at(7, 59))
    assert mail.outbox == []
    send_reminders(at(8))
    assert subjects() == ["Your exercises for today are ready"]


def test_it_drops_a_reminder_whose_day_ends_in_quiet_hours(amy_in_english: World) -> None:
    choose(
        amy_in_english,
        exercises=False,
        recheck=False,
        quiet_start=time(18, 0),
        quiet_end=time(7, 0),
    )
    for moment in (at(19), at(23, 45), at(0, 15, days=1), at(7, days=1)):
        send_reminders(moment)
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()


def test_it_sends_nothing_twice_after_a_crash_between_claim_and_mail(
    amy_in_english: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Crash(BaseException):
        """The process dies (killed worker, power cut) after the claim committed."""

    def crash(*args: object) -> None:
        raise Crash

    publish(amy_in_english)
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", crash)
    with pytest.raises(Crash):
        send_reminders(at(10))
    monkeypatch.undo()
    claimed = ReminderSent.objects.filter(user=amy_in_english.amy)
    assert claimed.count() == 2
    assert all(row.sent_at is None for row in claimed)
    result = send_reminders(at(10, 15))
    assert (result.mails, result.already_claimed) == (0, 0)
    assert mail.outbox == []


def test_it_counts_a_refused_mail_and_does_not_retry_it(
    amy_in_english: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise OSError("connection refused")

    publish(amy_in_english)
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    assert send_reminders(at(10)).failed == 1
    monkeypatch.undo()
    assert send_reminders(at(10, 15)).mails == 0


def test_a_concurrent_claim_is_counted_and_skipped(
    amy_in_english: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(amy_in_english)
    choose(amy_in_english, recheck=False)
    real_claim = services._claim

    def claimed_by_another_run(wanted: Any, today: date, run: uuid.UUID) -> Any:
        """Another run claims the same reminders between our lookup and our claim."""
        for user, reminders in wanted.items():
            for reminder in reminders:
                ReminderSent.objects.create(
                    user=user, kind=reminder.kind.value, key=reminder.key, day=today
                )
        return real_claim(wanted, today, run)

    monkeypatch.setattr(services, "_claim", claimed_by_another_run)
    result = send_reminders(at(9))
    assert (result.mails, result.already_claimed) == (0, 1)


def test_it_leaves_the_clinician_alerts_to_their_own_job(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reminder job sends reminders only; ``raise_alerts`` raises the alerts."""
    days: list[date] = []
    monkeypatch.setattr(
        "backpath.followup.jobs.refresh_all_alerts", lambda today: days.append(today) or []
    )
    send_reminders(at(23, 30))
    assert days == []


def test_it_reminds_the_after_care_questionnaire_of_a_closed_episode(
    amy_in_english: World,
) -> None:
    closed = timezone.now() - timedelta(days=100)
    Episode.objects.filter(pk=amy_in_english.amy_episode.pk).update(
        status=EpisodeStatus.CLOSED, closed_at=closed, discharge_reason="goals_reached"
    )
    opens = add_months(timezone.localdate(closed), 3) - timedelta(days=3)
    moment = datetime.combine(opens, time(10), tzinfo=AMS)
    for offset in range(9):
        send_reminders(moment + timedelta(days=offset))
    assert subjects() == ["A short questionnaire is waiting"] * 4
    keys = sorted(ReminderSent.objects.values_list("key", flat=True))
    assert keys == [f"followup-3m:{opens + timedelta(days=n)}" for n in (0, 2, 4, 6)]


def test_it_forgets_an_episode_closed_long_ago(amy_in_english: World) -> None:
    closed = timezone.now() - timedelta(days=800)
    Episode.objects.filter(pk=amy_in_english.amy_episode.pk).update(
        status=EpisodeStatus.CLOSED, closed_at=closed, discharge_reason="goals_reached"
    )
    assert send_reminders(at(10)).patients == 0


def test_it_sends_nothing_for_an_episode_still_in_intake(world: World) -> None:
    # Ben has not filled in his intake; Yves (clinic Y) has no account.
    Episode.objects.filter(pk=world.amy_episode.pk).update(status=EpisodeStatus.REVIEW)
    result = send_reminders(at(19, 30))
    assert (result.patients, result.mails) == (0, 0)


def test_it_mails_a_patient_in_dutch_with_the_same_links(world: World) -> None:
    send_reminders(at(19, 30))
    (message,) = mail.outbox
    assert message.to == [world.amy.email]
    assert settings.SITE_URL + "/me/reminders/" in message.body


def test_the_command_runs_the_job_at_the_given_moment(amy_in_english: World) -> None:
    out = StringIO()
    call_command("send_reminders", "--now", at(10).isoformat(), stdout=out)
    assert "1 emails" in out.getvalue()
    naive = at(10, 15).replace(tzinfo=None).isoformat()
    call_command("send_reminders", "--now", naive, stdout=out)
    assert len(mail.outbox) == 1
    with pytest.raises(CommandError, match="--now"):
        call_command("send_reminders", "--now", "tomorrow")


def test_the_command_runs_now_without_a_moment(world: World) -> None:
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert out.getvalue().startswith("reminders: ")
