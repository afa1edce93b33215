"""Between visits over HTTP: diary, safety re-check, flare-up, questionnaires, alerts, progress."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from backpath.care.models import EpisodeStatus, PlanVersion
from backpath.clinical.followup import recheck_flags
from backpath.followup.episode_charts import PHONE_WIDTH
from backpath.followup.jobs import refresh_all_alerts
from backpath.followup.models import Alert, DiaryEntry, Measurement, RedFlagCheck
from backpath.followup.selectors import attention
from backpath.programs.adherence_charts import WIDTH
from tests.pages import queries, same_count
from tests.personas import World, low_risk_answers, make_due, submit_intake


@pytest.fixture(autouse=True)
def _in_english(english: World) -> None:
    """The assertions below read the English interface."""


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


def test_the_diary_saves_today_and_a_second_save_corrects_it(world: World) -> None:
    amy = world.client_for(world.amy)
    assert amy.get(reverse("diary")).status_code == 200
    assert amy.post(reverse("diary"), DIARY).status_code == 302
    assert amy.post(reverse("diary"), DIARY | {"pain": "5"}).status_code == 302
    entry = DiaryEntry.objects.get(episode=world.amy_episode)
    assert (entry.day, entry.pain, entry.active_minutes) == (timezone.localdate(), 5, 45)
    home = amy.get(reverse("portal_home")).content.decode()
    assert "Filled in today" in home


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pain", "11", "Select a valid choice"),
        ("active_minutes", "2000", "1440"),
        ("active_minutes", "-5", "greater than or equal to 0"),
        ("active_minutes", "lots", "Enter a whole number"),
        ("sitting_breaks", "101", "from 0 to 100"),
        ("sleep", "great", "Select a valid choice"),
        ("stress", "", "This field is required"),
    ],
)
def test_impossible_diary_values_are_refused_and_nothing_is_lost(
    world: World, field: str, value: str, message: str
) -> None:
    page = world.client_for(world.amy).post(reverse("diary"), DIARY | {field: value})
    assert page.status_code == 400
    body = page.content.decode()
    assert message in body
    other = "sitting_breaks" if field != "sitting_breaks" else "active_minutes"
    assert f'value="{DIARY[other]}"' in body  # what the patient typed is still there
    assert not DiaryEntry.objects.exists()


def test_a_clear_recheck_thanks_the_patient_and_alerts_nobody(world: World) -> None:
    amy = world.client_for(world.amy)
    done = amy.post(reverse("recheck"), answers())
    assert done.status_code == 302
    page = amy.get(done["Location"])
    assert "none of the signs" in page.content.decode()
    assert not Alert.objects.exists()
    assert mail.outbox == []


def test_a_red_flag_shows_what_to_do_and_alerts_the_clinic_at_once(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    amy = world.client_for(world.amy)
    form = answers(CES_2=True)
    with django_capture_on_commit_callbacks(execute=True):
        with_email = amy.post(reverse("recheck"), form)
    assert with_email.status_code == 302
    again = amy.post(reverse("recheck"), form)  # a double submit
    assert again["Location"] == with_email["Location"]
    assert RedFlagCheck.objects.count() == 1

    urgent = amy.get(with_email["Location"]).content.decode()
    assert 'role="alert"' in urgent
    assert "has been told" in urgent

    # The clinic's clinicians get one email each: that, not what (no name, no flag).
    assert sorted(m.to[0] for m in mail.outbox) == ["claire@x.example", "xavier@x.example"]
    for message in mail.outbox:
        assert "Amy" not in message.body
        assert "CES" not in message.body
        assert str(world.amy_episode.id) in message.body
    alert = Alert.objects.get()
    assert alert.kind == "red_flag"
    assert alert.emailed_at is not None

    dashboard = world.client_for(world.claire).get(reverse("dashboard")).content.decode()
    assert "New red flag" in dashboard
    assert "Amy" in dashboard
    assert (
        "New red flag"
        not in world.client_for(world.yara).get(reverse("dashboard")).content.decode()
    )
    assert 'role="alert"' in amy.get(reverse("portal_home")).content.decode()

    handled = world.client_for(world.claire).post(reverse("alert_resolve", args=[alert.id]))
    assert handled.status_code == 302
    alert.refresh_from_db()
    assert alert.resolved_by == world.claire
    assert (
        "New red flag"
        not in world.client_for(world.claire).get(reverse("dashboard")).content.decode()
    )
    assert 'role="alert"' not in amy.get(reverse("portal_home")).content.decode()


def test_handling_an_alert_returns_to_the_dashboard_as_it_was(world: World) -> None:
    """Whose records and which page come back with the "Handled" button; anything else in
    those fields gives the clinic's first page."""
    world.client_for(world.amy).post(reverse("recheck"), answers(NEU_1=True))
    alert = Alert.objects.get()
    claire = world.client_for(world.claire)
    page = claire.get(reverse("dashboard"), {"scope": "mine", "attention": "1"})
    assert 'name="scope" value="mine"' in page.content.decode()

    handled = claire.post(
        reverse("alert_resolve", args=[alert.id]), {"scope": "mine", "attention": "2"}
    )
    assert handled["Location"] == reverse("dashboard") + "?scope=mine&attention=2"
    again = Alert.objects.get(pk=alert.pk)
    again.pk, again.key, again.resolved_at = uuid.uuid4(), "again", None
    again.save(force_insert=True)
    odd = claire.post(
        reverse("alert_resolve", args=[again.id]), {"scope": "<x>", "attention": "99999"}
    )
    assert odd["Location"] == reverse("dashboard") + "?scope=clinic&attention=1"


def test_another_clinic_cannot_handle_an_alert(world: World) -> None:
    world.client_for(world.amy).post(reverse("recheck"), answers(NEU_1=True))
    alert = Alert.objects.get()
    response = world.client_for(world.yara).post(reverse("alert_resolve", args=[alert.id]))
    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.resolved_at is None


def test_an_unanswered_recheck_is_shown_again_with_the_question_named(world: World) -> None:
    form = answers()
    del form["NEU-1"]
    page = world.client_for(world.amy).post(reverse("recheck"), form)
    assert page.status_code == 400
    assert "This field is required" in page.content.decode()
    assert not RedFlagCheck.objects.exists()


def test_the_weekly_check_tile_shows_when_due_and_goes_when_done(world: World) -> None:
    amy = world.client_for(world.amy)
    assert "Weekly safety check" in amy.get(reverse("portal_home")).content.decode()
    amy.post(reverse("recheck"), answers())
    assert "Weekly safety check" not in amy.get(reverse("portal_home")).content.decode()


def test_the_flare_up_plan_is_one_tap_away_and_a_report_rechecks(world: World) -> None:
    amy = world.client_for(world.amy)
    home = amy.get(reverse("portal_home")).content.decode()
    assert reverse("flare") in home
    page = amy.get(reverse("flare"))
    assert page.status_code == 200
    assert "<h" in page.content.decode()
    missing_pain = amy.post(reverse("flare"), answers())
    assert missing_pain.status_code == 400
    sent = amy.post(reverse("flare"), answers() | {"pain": "7", "note": "Bent down to the dog."})
    assert sent.status_code == 302
    check = RedFlagCheck.objects.get()
    assert (check.kind, check.pain, check.note) == ("flare", 7, "Bent down to the dog.")
    assert Alert.objects.get().kind == "flare"  # not urgent, but on the dashboard
    progress = world.client_for(world.claire).get(
        reverse("episode_progress", args=[world.amy_episode.id])
    )
    assert "Bent down to the dog." in progress.content.decode()


def test_a_patient_without_treatment_sees_the_plan_but_cannot_report(world: World) -> None:
    ben = world.client_for(world.ben)  # his intake is not filled in yet
    assert ben.get(reverse("flare")).status_code == 200
    assert ben.get(reverse("diary")).status_code == 200


def nprs_form(value: int) -> dict[str, str]:
    return {"nprs__q1": str(value), "psk__q1": "5", "gpe__q1": "3"}


def start_weeks_ago(world: World, weeks: int) -> PlanVersion:
    plan = world.amy_episode.plans.get()
    plan.starts_on = timezone.localdate() - timedelta(weeks=weeks)
    plan.save(update_fields=["starts_on"])
    make_due(world.amy_episode, "week-3", timezone.localdate())
    return plan


@pytest.mark.parametrize(
    ("pain", "outcome", "alert"),
    [(4, "restratify", "restratify"), (7, "review_worse", "worse"), (1, "continue", None)],
)
def test_a_due_questionnaire_is_scored_against_the_intake_and_decided(
    world: World, pain: int, outcome: str, alert: str | None
) -> None:
    start_weeks_ago(world, 3)
    amy = world.client_for(world.amy)
    listing = amy.get(reverse("questionnaires")).content.decode()
    assert reverse("questionnaire", args=["week-3"]) in listing
    url = reverse("questionnaire", args=["week-3"])
    form = amy.get(url)
    assert form.status_code == 200
    assert amy.post(url, {"nprs__q1": str(pain)}).status_code == 400  # PSK and GPE missing
    sent = amy.post(url, nprs_form(pain))
    assert sent.status_code == 302
    measurement = Measurement.objects.get()
    assert measurement.scores["nprs"] == pain
    assert measurement.outcome == outcome
    assert measurement.decision["changes"]["nprs"] in ("improved", "no_change", "worse")
    assert list(Alert.objects.values_list("kind", flat=True)) == ([alert] if alert else [])
    # Filled in: no longer offered, and a second post does not write a second one.
    assert amy.post(url, nprs_form(pain)).status_code == 302
    assert Measurement.objects.count() == 1
    assert (
        reverse("questionnaire", args=["week-3"])
        not in amy.get(reverse("questionnaires")).content.decode()
    )


def test_a_questionnaire_that_is_not_due_is_not_there(world: World) -> None:
    amy = world.client_for(world.amy)
    assert amy.get(reverse("questionnaire", args=["week-3"])).status_code == 404
    assert amy.get(reverse("questionnaire", args=["week-99"])).status_code == 404


def test_follow_ups_open_after_discharge_and_only_a_relapse_alerts(world: World) -> None:
    discharge(world, days_ago=92)
    amy = world.client_for(world.amy)
    listing = amy.get(reverse("questionnaires")).content.decode()
    assert reverse("questionnaire", args=["followup-3m"]) in listing
    assert reverse("questionnaire", args=["discharge"]) in listing
    url = reverse("questionnaire", args=["followup-3m"])
    assert amy.post(url, nprs_form(4)).status_code == 302  # as at intake: no relapse
    assert not Alert.objects.exists()


def test_the_job_raises_overdue_and_low_adherence_once(world: World) -> None:
    start_weeks_ago(world, 5)
    make_due(world.amy_episode, "week-3", timezone.localdate() - timedelta(days=8))
    today = timezone.localdate()
    raised = refresh_all_alerts(today)
    assert [a.kind for a in raised] == ["overdue"]
    assert refresh_all_alerts(today) == []
    assert Alert.objects.count() == 1


def test_the_alert_job_is_a_command_of_its_own(world: World) -> None:
    """``backpath raise_alerts`` (cron) and the Celery task run the same job."""
    start_weeks_ago(world, 5)
    make_due(world.amy_episode, "week-3", timezone.localdate() - timedelta(days=8))
    out = StringIO()
    call_command("raise_alerts", "--today", timezone.localdate().isoformat(), stdout=out)
    assert out.getvalue().strip() == "alerts: 1 new"
    call_command("raise_alerts", stdout=out)
    assert out.getvalue().strip().endswith("alerts: 0 new")
    assert Alert.objects.count() == 1
    with pytest.raises(CommandError, match="--today"):
        call_command("raise_alerts", "--today", "tomorrow")
    from backpath.followup.tasks import raise_alerts_chunk  # imports Celery: only here

    assert raise_alerts_chunk(timezone.localdate().isoformat(), [str(world.amy_episode.pk)]) == 0


def test_the_dashboard_puts_red_flags_before_intakes_to_review(world: World) -> None:
    submit_intake(world.claire, world.ben_episode, low_risk_answers())
    world.client_for(world.amy).post(reverse("recheck"), answers(CES_1=True))
    rows = attention(world.claire)
    assert [row.kind for row in rows] == ["red_flag", "review"]


def test_progress_pages_draw_the_charts(world: World) -> None:
    start_weeks_ago(world, 3)
    amy = world.client_for(world.amy)
    amy.post(reverse("diary"), DIARY)
    amy.post(reverse("questionnaire", args=["week-3"]), nprs_form(2))
    mine = amy.get(reverse("portal_progress"))
    assert mine.status_code == 200
    body = mine.content.decode()
    # Pain and PSK (intake, week 3) and activity are drawn; QBPDS (intake only) and the one
    # diary day are said in words until their second reading.
    assert body.count("<svg") >= 3
    assert body.count('class="chart-single"') == 2
    assert 'role="img"' in body
    # Drawn for the patient's phone, so the texts stay readable there.
    assert body.count(f'class="chart" viewBox="0 0 {PHONE_WIDTH} ') >= 3
    assert f'viewBox="0 0 {WIDTH} ' not in body
    clinician = world.client_for(world.claire).get(
        reverse("episode_progress", args=[world.amy_episode.id])
    )
    page = clinician.content.decode()
    assert page.count("<svg") >= 4  # the overview, pain, PSK, activity
    assert page.count(f'class="chart" viewBox="0 0 {WIDTH} ') >= 4
    assert page.count('class="chart-single"') == 2
    assert "PR-CONTINUE" in page
    # Ben sees his own (empty) progress, never Amy's.
    bens = world.client_for(world.ben).get(reverse("portal_progress")).content.decode()
    assert "Week 3" not in bens


def test_the_dashboard_keeps_its_query_count_with_more_alerts(
    world: World, django_assert_num_queries: Any
) -> None:
    client = world.client_for(world.claire)
    world.client_for(world.amy).post(reverse("recheck"), answers(CES_1=True))
    count = queries(client, reverse("dashboard"))
    for _ in range(3):
        world.client_for(world.amy).post(reverse("recheck"), answers(CES_3=True))
    assert Alert.objects.count() == 4
    same_count(client, reverse("dashboard"), count, django_assert_num_queries)


def discharge(world: World, days_ago: int) -> None:
    episode = world.amy_episode
    episode.status = EpisodeStatus.CLOSED
    # Noon of the local day ``days_ago`` calendar days back: 70 x 24 hours back crosses the
    # change from summer time and lands on the day before in the last hour of a local day.
    day = timezone.localdate() - timedelta(days=days_ago)
    episode.closed_at = timezone.make_aware(datetime.combine(day, time(12)))
    episode.discharge_reason = "goals_reached"
    episode.save()


def test_a_discharged_patient_can_come_back_in_one_tap(world: World) -> None:
    discharge(world, days_ago=70)
    amy = world.client_for(world.amy)
    assert reverse("come_back") in amy.get(reverse("portal_home")).content.decode()
    assert "Start again" in amy.get(reverse("come_back")).content.decode()
    started = amy.post(reverse("come_back"))
    assert started.status_code == 302
    new = world.amy_patient.episodes.exclude(pk=world.amy_episode.pk).get()
    assert started["Location"] == reverse("intake_safety", args=[new.id])
    assert new.status == EpisodeStatus.INTAKE
    alert = Alert.objects.get(episode=new)
    assert (alert.kind, alert.text["en"].split(":")[0]) == (
        "returned",
        "Back after discharge (10 weeks ago)",
    )
    # A second tap continues the new episode; it does not open a third.
    assert amy.post(reverse("come_back"))["Location"] == reverse("portal_home")
    assert amy.get(reverse("come_back")).status_code == 404
    assert world.amy_patient.episodes.count() == 2
    assert (
        "Back after discharge"
        in world.client_for(world.claire).get(reverse("dashboard")).content.decode()
    )


def test_the_last_program_is_the_maintenance_program_after_discharge(world: World) -> None:
    discharge(world, days_ago=1)
    page = world.client_for(world.amy).get(reverse("today"))
    assert page.status_code == 200
