"""The quality figures on a hand-built set of episodes, each with the number it must give.

The episodes are written straight to the models (the figures read what the services
store; tests elsewhere prove the services store it): the expected numbers are then plain
to check by eye against the cases below.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backpath.care.models import Assessment, Episode, Intake, PlanVersion, SessionNote
from backpath.clinical.stratification import Profile
from backpath.programs.models import Program
from backpath.quality.figures import Scope, figures
from backpath.quality.measures import measures
from tests.pages import html
from tests.personas import World

TODAY = date(2026, 11, 30)


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=10))


def episode(
    world: World,
    *,
    opened: date,
    intake: str = "submitted",
    advised: str | None = "low",
    plan: str | None = "low",
    budget: int = 3,
    sessions: Sequence[Sequence[str]] = (),
    warned: Sequence[Sequence[str]] = (),
    program_on: date | None = None,
    clinician: Any = None,
) -> Episode:
    """One episode of Amy's clinic opened on ``opened``: its intake's state, the profile
    advised and planned, the plan's budget, its sessions (interventions, and the warnings
    the plan gave for each), the first home program's day."""
    made = Episode.objects.create(
        clinic=world.clinic_x, patient=world.amy_patient, opened_at=at(opened), status="treatment"
    )
    Intake.objects.create(episode=made, status=intake)
    if advised is not None:
        assessment = Assessment.objects.create(
            episode=made,
            kind="intake",
            input={},
            result={},
            urgency="none",
            profile=advised,
            redflags_ruleset="test",
            backpath_version="test",
            created_at=at(opened),
        )
        if plan is not None:
            PlanVersion.objects.create(
                episode=made,
                number=1,
                assessment=assessment,
                profile=plan,
                max_sessions=budget,
                within_weeks=6,
                starts_on=opened,
                plan={},
            )
    for number, given in enumerate(sessions, start=1):
        SessionNote.objects.create(
            episode=made,
            number=number,
            held_on=opened + timedelta(days=7 * number),
            clinician=clinician or world.claire,
            interventions=list(given),
            warnings=list(warned[number - 1]) if number <= len(warned) else [],
            deviation_reason="Asked for it." if number <= len(warned) else "",
        )
    if program_on is not None:
        Program.objects.create(episode=made, number=1, published_at=at(program_on))
    return made


@pytest.fixture
def scope(world: World) -> Scope:
    return Scope(world.clinic_x.id, date(2026, 1, 1), TODAY)


def test_the_process_figures_count_what_the_cases_say(world: World, scope: Scope) -> None:
    opened = date(2026, 3, 2)
    # 1: all well: screened, submitted, advice followed, program before session 2, in budget
    episode(world, opened=opened, sessions=[["education"], ["exercise"]], program_on=opened)
    # 2: advice overridden (medium planned), over budget (4 > 3), program after session 2
    episode(
        world,
        opened=opened,
        plan="medium",
        sessions=[["exercise"]] * 4,
        program_on=opened + timedelta(days=30),
    )
    # 3: stopped at the red flags: seen and screened; no questionnaires due, no plan
    episode(world, opened=opened, intake="stopped", advised=None, plan=None)
    # 4: treated while the intake is still at the safety questions: not screened
    episode(world, opened=opened, intake="safety", advised=None, plan=None, sessions=[["exercise"]])
    # 5: the intake not yet filled in, not seen: not counted yet
    episode(world, opened=opened, intake="safety", advised=None, plan=None)
    # 6: outside the period: counts nowhere
    episode(world, opened=date(2025, 6, 1), intake="safety", advised=None, plan=None)

    counts = figures(scope, TODAY).counts

    assert figures(scope, TODAY).episodes == 5
    assert (counts["redflags_screened"].part, counts["redflags_screened"].whole) == (3, 4)
    assert counts["redflags_screened"].percent == 75
    assert (counts["startback_completed"].part, counts["startback_completed"].whole) == (2, 3)
    assert (counts["advice_followed"].part, counts["advice_followed"].whole) == (1, 2)
    assert (counts["over_budget"].part, counts["over_budget"].whole) == (1, 2)
    assert (counts["program_early"].part, counts["program_early"].whole) == (1, 2)


def test_the_passive_care_figures(world: World, scope: Scope) -> None:
    opened = date(2026, 5, 4)
    # low risk, massage against the plan in one of two sessions
    episode(
        world,
        opened=opened,
        sessions=[["exercise", "massage"], ["exercise"]],
        warned=[["massage"], []],
    )
    # medium risk, TENS against the plan; massage here is no low-risk passive care
    episode(
        world,
        opened=opened,
        advised="medium",
        plan="medium",
        sessions=[["tens", "massage"]],
        warned=[["tens", "massage"]],
    )
    # low risk, no passive care; a session during a hold is not care against the plan
    episode(world, opened=opened, sessions=[["education"]], warned=[["hold"]])

    found = figures(scope, TODAY)
    counts = found.counts

    assert (counts["sessions_not_recommended"].part, counts["sessions_not_recommended"].whole) == (
        2,
        4,
    )
    assert (counts["tens_given"].part, counts["tens_given"].whole) == (1, 3)
    assert (counts["low_risk_passive"].part, counts["low_risk_passive"].whole) == (1, 2)
    assert list(found.given_against_plan) == [("massage", 2), ("tens", 1)]


def test_the_profile_and_the_clinician_narrow_the_episodes(world: World, scope: Scope) -> None:
    opened = date(2026, 5, 4)
    episode(world, opened=opened, sessions=[["exercise"]])
    episode(world, opened=opened, plan="high", advised="high", sessions=[["exercise"]])
    episode(world, opened=opened, sessions=[["exercise"]], clinician=world.xavier)

    assert (
        figures(Scope(scope.clinic_id, scope.start, scope.end, Profile.HIGH), TODAY).episodes == 1
    )
    assert figures(Scope(scope.clinic_id, scope.start, scope.end, Profile.LOW), TODAY).episodes == 2
    mine = Scope(scope.clinic_id, scope.start, scope.end, clinician_id=world.xavier.pk)
    assert figures(mine, TODAY).episodes == 1
    other = Scope(world.clinic_y.id, scope.start, scope.end)
    assert figures(other, TODAY).episodes == 0  # another clinic's episodes never count


def test_nothing_counted_shows_no_percentage(world: World, scope: Scope) -> None:
    found = figures(scope, TODAY)
    shares = [*found.counts.values(), *(o.now for o in found.outcomes.values())]
    assert all(share.whole == 0 and share.percent is None for share in shares)
    # every measure of measures.yaml is counted
    per_occasion = {measure for _occasion, measure in found.outcomes}
    assert set(found.counts) | per_occasion == set(measures())


def test_the_figures_take_the_same_queries_for_ten_times_the_episodes(
    world: World, scope: Scope
) -> None:
    def asked() -> int:
        figures(scope, TODAY)  # builds the new episodes' summaries
        with CaptureQueriesContext(connection) as captured:
            figures(scope, TODAY)
        return len(captured)

    for _ in range(2):
        episode(world, opened=date(2026, 2, 2), sessions=[["exercise"], ["massage"]])
    few = asked()
    for _ in range(20):
        episode(world, opened=date(2026, 2, 2), sessions=[["exercise"], ["massage"]])
    assert asked() == few == 8


def test_the_page_shows_each_figure_with_its_count_and_refuses_a_bad_period(
    english: World,
) -> None:
    world = english
    episode(world, opened=timezone.localdate() - timedelta(days=20), sessions=[["exercise"]])
    claire = world.client_for(world.claire)

    # Up to yesterday: the personas' own episodes were opened today.
    yesterday = timezone.localdate() - timedelta(days=1)
    period = {"start": (yesterday - timedelta(days=60)).isoformat(), "end": yesterday.isoformat()}
    page = html(claire.get(reverse("quality"), {**period, "whose": "clinic"}))

    assert "Red flags screened at the intake" in page
    assert "1 of 1" in page
    assert "Sessions with care advised against" in page
    bad = claire.get(
        reverse("quality"), {"start": "2026-05-01", "end": "2026-01-01", "whose": "clinic"}
    )
    assert bad.status_code == 400
    assert "The end comes before the start." in html(bad)
    patient = world.client_for(world.amy).get(reverse("quality"))
    assert patient.status_code == 404
