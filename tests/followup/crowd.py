"""More patients for the scheduled jobs' tests: ``crowd(world, n)`` adds n patients of clinic
X, each built through the services as the pages build them, in the states the jobs read.

Every patient has a portal account, a reviewed intake and a plan that started five weeks
ago (the week-3 questionnaire eight days overdue, so the weekly check and an overdue alert
are due), and a home program published three weeks ago (a near-daily exercise and one twice
a week) with one exercise done in the last three days (low adherence). Then, by number:
0, 3, 6, ... chose their own reminder times (exercises at 09:30); 1, 4, 7, ... filled in
today's diary and did the weekly check; 2, 5, 8, ... were discharged about three months
ago, so that the 3-month follow-up questionnaire is reminded today (unless
``discharged=False``).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from backpath.accounts.models import Role, User
from backpath.care import services
from backpath.care.models import Episode, EpisodeStatus, PlanVersion
from backpath.clinical.followup import OPENS_BEFORE, add_months, recheck_flags
from backpath.exercises.library import Dosage
from backpath.followup import services as followup_services
from backpath.followup.models import CheckKind
from backpath.programs.models import ExerciseLog, Program, ProgramItem
from backpath.programs.services import ItemDraft, program_publish
from backpath.reminders.models import ReminderSettings
from tests.personas import PASSWORD, World, low_risk_answers, make_due, review, submit_intake

OWN_EXERCISE_TIME = time(9, 30)


def _discharged_for_a_follow_up_reminder_today() -> datetime:
    """A discharge moment whose 3-month follow-up is reminded today: it opened today, or two,
    four or six days ago (``timing``, REM-QUESTIONNAIRE; not every date is three months
    after another)."""
    now, today = timezone.now(), timezone.localdate()
    for days in range(80, 110):
        moment = now - timedelta(days=days)
        opens = add_months(timezone.localdate(moment), 3) - OPENS_BEFORE
        if (today - opens).days in (0, 2, 4, 6):
            return moment
    raise AssertionError("no discharge three months ago has its follow-up reminded today")


def crowd(world: World, count: int, *, discharged: bool = True) -> list[Episode]:
    today = timezone.localdate()
    episodes = []
    for n in range(count):
        user = User.objects.create_user(
            f"crowd{n}@patient.example",
            PASSWORD,
            clinic=world.clinic_x,
            role=Role.PATIENT,
            language="en" if n % 2 else "nl",
        )
        patient = services.patient_create(
            actor=world.claire,
            submission=None,
            first_name=f"Crowd{n}",
            last_name="Test",
            date_of_birth=date(1970, 1, 1) + timedelta(days=100 * n),
            sex="male" if n % 2 else "female",
            user=user,
        )
        episode = services.episode_open(
            actor=world.claire, patient=patient, extra_instruments=(), submission=None
        )
        submit_intake(world.claire, episode, low_risk_answers())
        review(world.claire, episode)
        PlanVersion.objects.filter(episode=episode).update(starts_on=today - timedelta(weeks=5))
        make_due(episode, "week-3", today - timedelta(days=8))
        program_publish(
            actor=world.claire,
            episode=episode,
            items=[
                ItemDraft("abdominal_bracing", Dosage(hold_seconds=10, reps=8), 7),
                ItemDraft("bird_dog", Dosage(sets=2, reps=8), 2),
            ],
            quota=None,
            note="",
            reason="",
            submission=None,
        )
        Program.objects.filter(episode=episode).update(
            published_at=timezone.now() - timedelta(weeks=3)
        )
        item = ProgramItem.objects.filter(program__episode=episode).order_by("position").first()
        assert item is not None
        ExerciseLog.objects.create(item=item, day=today - timedelta(days=1 + n % 3), done=True)
        if n % 3 == 0:
            ReminderSettings.objects.create(user=user, exercise_time=OWN_EXERCISE_TIME)
        elif n % 3 == 1:
            followup_services.diary_save(
                actor=user,
                episode=episode,
                day=today,
                values={
                    "pain": 3,
                    "active_minutes": 30,
                    "exercises": "some",
                    "sitting_breaks": 4,
                    "sleep": "good",
                    "stress": 2,
                },
            )
            followup_services.recheck_record(
                actor=user,
                episode=episode,
                kind=CheckKind.WEEKLY,
                answers=dict.fromkeys(recheck_flags(), False),
                submission=None,
            )
        elif discharged:
            Episode.objects.filter(pk=episode.pk).update(
                status=EpisodeStatus.CLOSED,
                closed_at=_discharged_for_a_follow_up_reminder_today(),
                discharge_reason="goals_reached",
            )
        episode.refresh_from_db()
        episodes.append(episode)
    return episodes
