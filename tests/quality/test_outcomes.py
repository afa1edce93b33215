"""The outcome figures, the case-mix adjustment, suppression, the summaries' freshness, and
who sees what, on hand-built episodes whose expected numbers are plain to check by eye."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from backpath.auditlog.models import AccessEntry
from backpath.care.models import Episode, Intake, Patient, PlanVersion, SessionNote
from backpath.followup.models import DiaryEntry, Measurement
from backpath.learning.models import ModuleRead
from backpath.quality import facts
from backpath.quality.casemix import Cell, standardise, stratum
from backpath.quality.figures import Scope, figures
from backpath.quality.models import EpisodeFacts, QualitySettings
from tests.pages import html
from tests.personas import World
from tests.quality.test_figures import TODAY, at, episode

OPENED = date(2026, 3, 2)


def evaluations(start: date) -> list[dict[str, Any]]:
    line = {"instruments": ["nprs"], "decision": "x", "rule": "PW-EVAL", "source": "kngf2021-c5"}
    return [
        {**line, "at": "evaluation", "week": 6, "due": (start + timedelta(weeks=6)).isoformat()},
        {**line, "at": "evaluation", "week": 12, "due": (start + timedelta(weeks=12)).isoformat()},
        {**line, "at": "discharge", "week": None, "due": None},
    ]


def measured(
    world: World,
    *,
    baseline: int,
    at_week_6: int | None = None,
    discharged: date | None = None,
    at_discharge: Mapping[str, int] | None = None,
    at_3_months: int | None = None,
    plan: str = "low",
    born: date = date(1980, 1, 1),
    opened: date = OPENED,
    clinic: Any = None,
) -> Episode:
    """An episode with an NPRS at the intake and, where given, at week 6, at discharge (with
    a GPE) and three months after."""
    made = episode(world, opened=opened, plan=plan, advised=plan, sessions=[["exercise"]])
    if clinic is not None or born != date(1980, 1, 1):
        patient = Patient.objects.create(
            clinic=clinic or world.clinic_x, first_name="P", last_name="Q", date_of_birth=born
        )
        Episode.objects.filter(pk=made.pk).update(patient=patient, clinic=patient.clinic)
    Intake.objects.filter(episode=made).update(answers={"nprs": {"q1": baseline}})
    lines = evaluations(opened)
    PlanVersion.objects.filter(episode=made).update(
        plan={"nl": {"evaluations": lines}, "en": {"evaluations": lines}}
    )
    if at_week_6 is not None:
        record(made, "week-6", opened + timedelta(weeks=6), {"nprs": {"q1": at_week_6}})
    if discharged is not None:
        Episode.objects.filter(pk=made.pk).update(
            closed_at=at(discharged), status="closed", discharge_reason="goals_reached"
        )
        if at_discharge is not None:
            answers = {"nprs": {"q1": at_discharge["nprs"]}, "gpe": {"q1": at_discharge["gpe"]}}
            record(made, "discharge", discharged, answers)
        if at_3_months is not None:
            due = discharged + timedelta(days=91)
            record(made, "followup-3m", due, {"nprs": {"q1": at_3_months}})
    return made


def record(made: Episode, occasion: str, due: date, answers: dict[str, Any]) -> None:
    Measurement.objects.create(
        episode=made,
        occasion=occasion,
        due_on=due,
        answers=answers,
        scores={},
        instrument_versions={},
    )


@pytest.fixture
def scope(world: World) -> Scope:
    return Scope(world.clinic_x.id, date(2026, 1, 1), TODAY)


def test_the_minimal_important_change_response_gpe_and_relapse(world: World, scope: Scope) -> None:
    out = OPENED + timedelta(weeks=8)
    # 8 -> 5: 3 points, improved at week 6; discharged 8 -> 2, GPE 2 (improved); 3 months
    # later 2 -> 6: a relapse
    measured(
        world,
        baseline=8,
        at_week_6=5,
        discharged=out,
        at_discharge={"nprs": 2, "gpe": 2},
        at_3_months=6,
    )
    # 6 -> 5 at week 6: not improved; discharged with GPE 4 (not improved), no follow-up yet
    measured(world, baseline=6, at_week_6=5, discharged=out, at_discharge={"nprs": 5, "gpe": 4})
    # week 6 not answered though long overdue; still open
    measured(world, baseline=7)

    found = figures(scope, TODAY)
    week6 = found.outcomes[("week-6", "mic_nprs")].now
    assert (week6.part, week6.whole) == (1, 2)
    response = found.outcomes[("week-6", "response")].now
    assert (response.part, response.whole) == (2, 3)  # the third is overdue, unanswered
    # Week 12 fell after two discharges: only the open episode's is due, and unanswered.
    week12 = found.outcomes[("week-12", "response")].now
    assert (week12.part, week12.whole) == (0, 1)
    relapse = found.outcomes[("followup-3m", "relapse")].now
    assert (relapse.part, relapse.whole) == (1, 1)
    gpe = found.counts["gpe_improved"]
    assert (gpe.part, gpe.whole) == (1, 2)
    discharge = found.outcomes[("discharge", "mic_nprs")].now
    assert (discharge.part, discharge.whole) == (1, 2)  # 8 -> 2 improved, 6 -> 5 not


def test_process_figures_education_reports_referrals_and_dropouts(
    world: World, scope: Scope
) -> None:
    # education in a session; the start report made (its PDF printed)
    taught = episode(world, opened=OPENED, sessions=[["education"]])
    AccessEntry.objects.create(
        object_type="episode",
        object_id=str(taught.pk),
        patient_id=taught.patient_id,
        clinic=world.clinic_x,
        action="print",
        detail="letter_pdf:start",
        outcome="ok",
    )
    # a module read counts as education; seen, quiet since March, open: a drop-out
    reader = episode(world, opened=OPENED, sessions=[["exercise"]])
    ModuleRead.objects.create(episode=reader, module_id="m1", correct=1, asked=1)
    # referred at discharge
    referred = episode(world, opened=OPENED, sessions=[["exercise"]])
    Episode.objects.filter(pk=referred.pk).update(
        closed_at=at(OPENED + timedelta(days=30)), status="closed", discharge_reason="referred"
    )
    # open, but the diary was kept last week: not a drop-out
    kept = episode(world, opened=OPENED, sessions=[["exercise"]])
    DiaryEntry.objects.create(
        episode=kept,
        day=TODAY - timedelta(days=7),
        pain=3,
        active_minutes=30,
        exercises="all",
        sitting_breaks=3,
        sleep="good",
        stress=2,
    )
    # the personas' own episodes, opened today, fall outside the period
    counts = figures(scope, TODAY).counts

    assert (counts["education_given"].part, counts["education_given"].whole) == (2, 4)
    assert (counts["start_report"].part, counts["start_report"].whole) == (1, 4)
    assert (counts["end_report"].part, counts["end_report"].whole) == (0, 1)
    assert (counts["referred"].part, counts["referred"].whole) == (1, 1)
    # taught and reader are quiet since their one session in March; kept wrote a diary
    assert (counts["dropout"].part, counts["dropout"].whole) == (2, 4)


def test_the_adjustment_raises_a_clinic_whose_patients_start_worse() -> None:
    # Across the installation, severe baseline pain improves less often (2 of 10) than
    # moderate pain (8 of 10). A clinic seeing only severe pain and improving 4 of 10 does
    # twice as well as expected: its adjusted figure is above its raw 40 %.
    severe, moderate = stratum("low", 8, 2, 45), stratum("low", 5, 2, 45)
    reference = {severe: Cell(2, 10), moderate: Cell(8, 10)}
    clinic = {severe: Cell(4, 10)}

    adjusted = standardise(clinic, reference)

    assert adjusted.raw_percent == 40
    assert adjusted.expected == pytest.approx(2.0)
    assert adjusted.percent == 100  # 50 % overall x 4 observed / 2 expected, capped
    # The mirror: a clinic with only moderate pain reaching 60 % is below expectation.
    mirror = standardise({moderate: Cell(6, 10)}, reference)
    assert mirror.raw_percent == 60
    assert mirror.percent is not None
    assert mirror.percent < 60


def test_the_figures_adjust_against_other_clinics(world: World, scope: Scope) -> None:
    for improved in (True, False, False, False):  # another clinic: 1 of 4 severe improve
        measured(world, baseline=8, at_week_6=2 if improved else 8, clinic=world.clinic_y)
    for _ in range(2):  # this clinic: 2 of 2 severe improve
        measured(world, baseline=8, at_week_6=3)
    facts.rebuild()

    adjusted = figures(scope, TODAY).outcomes[("week-6", "mic_nprs")].adjusted

    assert adjusted is not None
    assert adjusted.raw_percent == 100
    # 3 of 6 overall improve; expected here 2 x 3/6 = 1; adjusted 50 % x 2 / 1 = 100 %.
    assert adjusted.expected == pytest.approx(1.0)


def test_an_outcome_counting_fewer_than_the_clinics_smallest_count_is_suppressed(
    english: World,
) -> None:
    world = english
    day = timezone.localdate() - timedelta(days=120)
    for _ in range(3):
        measured(world, baseline=8, at_week_6=3, opened=day)
    claire = world.client_for(world.claire)
    period = {
        "start": (day - timedelta(days=1)).isoformat(),
        "end": (timezone.localdate() - timedelta(days=1)).isoformat(),
    }

    page = html(claire.get(reverse("quality"), period))
    assert '<span class="muted">fewer than 10</span>' in page
    assert "3 of 3" in page  # the count is shown; its percentage is not

    QualitySettings.objects.create(clinic=world.clinic_x, smallest_count=3)
    page = html(claire.get(reverse("quality"), period))
    assert '<span class="muted">fewer than' not in page
    assert "<strong>100%</strong>" in page


def test_a_change_after_the_summary_was_built_shows_at_once(world: World, scope: Scope) -> None:
    made = episode(world, opened=OPENED, sessions=[["exercise"]])
    assert figures(scope, TODAY).counts["tens_given"].part == 0
    assert not facts.stale(world.clinic_x.id)

    # A session saved later marks the summary stale once its transaction commits.
    SessionNote.objects.create(
        episode=made, number=2, held_on=OPENED, clinician=world.claire, interventions=["tens"]
    )
    facts.mark_changed([made.pk])  # what the commit hook does (tests run in a transaction)

    assert made.pk in facts.stale(world.clinic_x.id)
    assert figures(scope, TODAY).counts["tens_given"].part == 1


def test_saving_a_session_marks_the_summary_after_commit(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    made = episode(world, opened=OPENED, sessions=[["exercise"]])
    facts.refresh([made.pk])
    with django_capture_on_commit_callbacks(execute=True):
        SessionNote.objects.create(
            episode=made, number=2, held_on=OPENED, clinician=world.claire, interventions=[]
        )
    assert made.pk in facts.stale(world.clinic_x.id)


def test_the_episodes_behind_a_figure_are_listed_and_each_read_is_logged(english: World) -> None:
    world = english
    day = timezone.localdate() - timedelta(days=30)
    tens = episode(world, opened=day, sessions=[["tens"]])
    episode(world, opened=day, sessions=[["exercise"]])
    claire = world.client_for(world.claire)
    query = {
        "start": (day - timedelta(days=1)).isoformat(),
        "end": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "whose": "clinic",
        "measure": "tens_given",
    }
    before = AccessEntry.objects.filter(detail="quality_episodes").count()

    response = claire.get(reverse("quality_episodes"), query)

    assert response.status_code == 200
    page = html(response)
    assert "Amy" in page
    assert str(tens.pk) in page
    logged = AccessEntry.objects.filter(detail="quality_episodes")
    assert logged.count() == before + 2
    assert set(logged.values_list("patient_id", flat=True)) == {world.amy_patient.pk}
    # no such figure, or a figure at an occasion where it is not counted: 400, named
    assert claire.get(reverse("quality_episodes"), {**query, "measure": "x"}).status_code == 400
    bad = {**query, "measure": "relapse", "occasion": "week-6"}
    assert claire.get(reverse("quality_episodes"), bad).status_code == 400
    # another clinic's clinician sees none of these episodes
    yara = world.client_for(world.yara).get(reverse("quality_episodes"), query)
    assert "Amy" not in html(yara)
    # a patient has no quality pages
    assert world.client_for(world.amy).get(reverse("quality_episodes"), query).status_code == 404


def test_named_clinicians_only_when_the_clinic_turns_it_on(english: World) -> None:
    world = english
    day = timezone.localdate() - timedelta(days=30)
    episode(world, opened=day, sessions=[["tens"]], warned=[["tens"]], clinician=world.xavier)
    period = {
        "start": (day - timedelta(days=1)).isoformat(),
        "end": (timezone.localdate() - timedelta(days=1)).isoformat(),
    }
    claire = world.client_for(world.claire)
    page = html(claire.get(reverse("quality"), period))
    assert "By clinician" not in page
    assert "Xavier" not in page

    admin = world.client_for(world.xavier)
    saved = admin.post(reverse("quality_settings"), {"smallest_count": 10, "name_clinicians": "on"})
    assert saved.status_code == 302
    page = html(claire.get(reverse("quality"), period))
    assert "By clinician" in page
    assert '<th scope="row">Xavier</th><td>1</td><td>TENS' in page
    # a clinician cannot change the settings; a bad value is named
    assert claire.post(reverse("quality_settings"), {"smallest_count": 5}).status_code in (403, 404)
    refused = admin.post(reverse("quality_settings"), {"smallest_count": 0, "target_dropout": 101})
    assert refused.status_code == 400
    assert "Ensure this value is less than or equal to 100." in html(refused)


def test_a_clinics_own_target_is_shown_and_judged(english: World) -> None:
    world = english
    QualitySettings.objects.create(clinic=world.clinic_x, targets={"education_given": 90})
    day = timezone.localdate() - timedelta(days=30)
    episode(world, opened=day, sessions=[["exercise"]])
    claire = world.client_for(world.claire)
    period = {
        "start": (day - timedelta(days=1)).isoformat(),
        "end": (timezone.localdate() - timedelta(days=1)).isoformat(),
    }
    page = html(claire.get(reverse("quality"), period))
    assert "your clinic&#x27;s target" in page or "your clinic's target" in page
    assert "off target" in page


def test_every_table_downloads_as_csv(english: World) -> None:
    world = english
    day = timezone.localdate() - timedelta(days=30)
    episode(world, opened=day, sessions=[["tens"]], warned=[["tens"]])
    claire = world.client_for(world.claire)
    period = {
        "start": (day - timedelta(days=1)).isoformat(),
        "end": (timezone.localdate() - timedelta(days=1)).isoformat(),
    }
    for table in ("process", "passive", "outcomes", "occasions", "months"):
        response = claire.get(reverse("quality_csv", args=[table]), period)
        assert response.status_code == 200, table
        body = response.content.decode()
        assert response["Content-Type"].startswith("text/csv")
        assert "Amy" not in body  # figures only
    passive = claire.get(reverse("quality_csv", args=["passive"]), period).content.decode()
    assert "tens_given,1,1,100" in passive
    assert claire.get(reverse("quality_csv", args=["nope"]), period).status_code == 400


def test_the_rebuild_builds_every_episode_once(world: World) -> None:
    episode(world, opened=OPENED, sessions=[["exercise"]])
    built = facts.rebuild()
    assert built == Episode.objects.count() == EpisodeFacts.objects.count()
    assert facts.rebuild(world.clinic_y.id) == Episode.objects.filter(clinic=world.clinic_y).count()


def test_the_quarterly_report_is_a_pdf_of_an_ended_quarter(english: World) -> None:
    claire = english.client_for(english.claire)
    response = claire.get(reverse("quality_report"), {"quarter": "2026-Q1"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert 'filename="backpath-quality-2026-Q1.pdf"' in response["Content-Disposition"]
    for refused in ("2026-Q5", "26-Q1", "next", f"{timezone.localdate().year + 1}-Q1"):
        answer = claire.get(reverse("quality_report"), {"quarter": refused})
        assert answer.status_code == 400, refused
        assert "Choose a quarter that has ended" in answer.content.decode()


def test_the_nightly_refresh_builds_what_is_stale_and_the_reference(world: World) -> None:
    episode(world, opened=OPENED, sessions=[["exercise"]])
    out = io.StringIO()
    call_command("quality_refresh", stdout=out)
    assert f"{Episode.objects.count()} episode summaries built" in out.getvalue()
    assert not facts.stale()
    call_command("quality_refresh", stdout=out)
    assert "0 episode summaries built" in out.getvalue()


def test_the_beat_task_refreshes_like_the_command(world: World) -> None:
    from backpath.quality.tasks import refresh  # imports Celery: only here

    episode(world, opened=OPENED, sessions=[["exercise"]])
    assert refresh()["episodes"] == Episode.objects.count()
    assert refresh()["episodes"] == 0


def test_the_episodes_behind_care_against_the_plan_show_the_reasons_given(english: World) -> None:
    world = english
    day = timezone.localdate() - timedelta(days=30)
    episode(world, opened=day, sessions=[["tens"]], warned=[["tens"]])
    overridden = episode(world, opened=day, advised="low", plan="medium", sessions=[["exercise"]])
    PlanVersion.objects.filter(episode=overridden).update(reason="Fear of moving: medium suits.")
    claire = world.client_for(world.claire)
    query = {
        "start": (day - timedelta(days=1)).isoformat(),
        "end": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "whose": "clinic",
    }

    tens = html(claire.get(reverse("quality_episodes"), {**query, "measure": "tens_given"}))
    advice = html(claire.get(reverse("quality_episodes"), {**query, "measure": "advice_followed"}))
    screened = claire.get(reverse("quality_episodes"), {**query, "measure": "redflags_screened"})

    assert "Reasons given" in tens
    assert "Asked for it." in tens
    assert "Fear of moving: medium suits." in advice
    assert "Reasons given" not in html(screened)
