"""Every list page answers in a fixed number of queries, however many records it shows.

Each test loads its page once (warm-up), counts the queries of a second load, adds more
records through the services and checks the count has not moved.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backpath.accounts.models import Role, User
from backpath.care import services
from backpath.care.models import Episode, Patient
from backpath.care.session_checks import SessionDraft
from backpath.clinical.followup import recheck_flags
from backpath.followup.models import DiaryEntry, RedFlagCheck
from backpath.programs.models import ExerciseLog, ProgramItem
from tests.pages import AssertQueries, queries, same_count
from tests.personas import World, low_risk_answers, review, submit_intake
from tests.programs.clinic_exercise_helpers import publish


def more_patients(actor: User, n: int = 5) -> list[Patient]:
    return [
        services.patient_create(
            actor=actor,
            submission=None,
            first_name=f"Extra{i}",
            last_name="Patient",
            date_of_birth=date(1970 + i, 1, 1),
            sex="other",
        )
        for i in range(n)
    ]


def open_episode(actor: User, patient: Patient) -> Episode:
    return services.episode_open(
        actor=actor, patient=patient, extra_instruments=(), submission=None
    )


def session(actor: User, episode: Episode, number: int) -> None:
    services.session_record(
        actor=actor,
        episode=episode,
        draft=SessionDraft(
            held_on=timezone.localdate() - timedelta(days=10 - number),
            subjective=f"Session {number}.",
            objective="",
            analysis="",
            plan="",
            pain_now=5,
            interventions=("exercise_therapy", "education"),
            deviation_reason="",
            over_budget_reason="Flare-up." if number > 3 else "",
        ),
        submission=None,
    )


def test_it_shows_the_dashboard_in_fixed_queries(
    world: World, django_assert_num_queries: AssertQueries
) -> None:
    claire = world.client_for(world.claire)
    path = reverse("dashboard")
    count = queries(claire, path)

    # Five more open episodes at every stage: intake, ready for review, in treatment, urgent.
    for number, patient in enumerate(more_patients(world.claire)):
        episode = open_episode(world.claire, patient)
        if number >= 1:
            submit_intake(world.claire, episode, low_risk_answers())
        if number >= 3:
            review(world.claire, episode)
            session(world.claire, episode, 1)
    urgent = open_episode(world.claire, more_patients(world.claire, 1)[0])
    services.intake_save_safety(
        actor=world.claire,
        episode=urgent,
        red_flags={"CES-1": True},
        facts={"smoker": False, "cardiovascular_disease": False},
    )

    same_count(claire, path, count, django_assert_num_queries)
    page = claire.get(path).content.decode()
    # Six more open episodes, and the two for review and the urgent one under "attention".
    assert page.count("Extra") == 6 + 3


def test_it_lists_the_patients_in_fixed_queries(
    world: World, django_assert_num_queries: AssertQueries
) -> None:
    claire = world.client_for(world.claire)
    path = reverse("patient_list")
    count = queries(claire, path)

    for patient in more_patients(world.claire):
        open_episode(world.claire, patient)
        open_episode(world.claire, patient)

    same_count(claire, path, count, django_assert_num_queries)
    same_count(claire, path + "?q=Extra", count, django_assert_num_queries)
    assert claire.get(path).content.decode().count("Extra") == 5


def test_it_lists_the_team_in_fixed_queries(
    world: World, django_assert_num_queries: AssertQueries
) -> None:
    xavier = world.client_for(world.xavier)
    path = reverse("team")
    count = queries(xavier, path)

    for i in range(5):
        User.objects.create_user(
            f"extra{i}@x.example", None, clinic=world.clinic_x, role=Role.CLINICIAN
        )
    more_patients(world.claire)

    same_count(xavier, path, count, django_assert_num_queries)
    assert xavier.get(path).content.decode().count("@x.example") >= 2 + 5


def test_it_lists_a_patients_episodes_in_fixed_queries(
    world: World, django_assert_num_queries: AssertQueries
) -> None:
    claire = world.client_for(world.claire)
    path = reverse("patient_detail", kwargs={"patient_id": world.amy_patient.id})
    count = queries(claire, path)

    for number in range(5):
        episode = open_episode(world.claire, world.amy_patient)
        if number % 2:
            services.intake_save_safety(
                actor=world.claire,
                episode=episode,
                red_flags={"CES-1": True},
                facts={"smoker": False, "cardiovascular_disease": False},
            )

    same_count(claire, path, count, django_assert_num_queries)
    assert world.amy_patient.episodes.count() == 6


def test_it_shows_an_episode_in_fixed_queries_whatever_its_sessions(
    world: World, django_assert_num_queries: AssertQueries
) -> None:
    world.claire.language = "en"
    world.claire.save(update_fields=["language"])
    claire = world.client_for(world.claire)
    episode = world.amy_episode
    path = reverse("episode_detail", kwargs={"episode_id": episode.id})
    session(world.claire, episode, 1)
    count = queries(claire, path)

    for number in (2, 3, 4):
        session(world.claire, episode, number)
    services.plan_adjust(
        actor=world.claire,
        episode=episode,
        max_sessions=6,
        omitted=(),
        note="",
        reason="More sessions after a flare-up.",
        submission=None,
    )

    same_count(claire, path, count, django_assert_num_queries)
    assert "4 of 6 sessions used" in claire.get(path).content.decode()


def _statements(captured: CaptureQueriesContext) -> list[str]:
    """The request's own statements: the savepoints are the test's transaction around it."""
    sql = (query["sql"] for query in captured.captured_queries)
    return [s for s in sql if not s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def test_a_diary_write_runs_in_at_most_six_queries_however_long_the_diary(world: World) -> None:
    """Session, user, the episode's ids, one upsert and the access-log entry: on SQLite the
    chain's last hash and the insert, on PostgreSQL one statement that links and inserts."""
    amy = world.client_for(world.amy)
    answers = {"pain": 3, "active_minutes": 40, "exercises": "all"}
    answers |= {"sitting_breaks": 6, "sleep": "good", "stress": 2}
    expected = 5 if connection.vendor == "postgresql" else 6

    def write() -> None:
        with CaptureQueriesContext(connection) as captured:
            response = amy.post(reverse("diary"), answers)
        assert response.status_code == 302
        assert len(_statements(captured)) == expected, "\n".join(
            s[:90] for s in _statements(captured)
        )

    assert amy.get(reverse("diary")).status_code == 200  # the page the form is sent from
    write()  # today's new entry
    for days_ago in range(1, 31):
        DiaryEntry.objects.create(
            episode=world.amy_episode,
            day=timezone.localdate() - timedelta(days=days_ago),
            **answers,
        )
    write()  # today's correction, a month of diary later
    assert DiaryEntry.objects.filter(episode=world.amy_episode).count() == 31


def test_the_patients_progress_page_reads_each_thing_once_however_much_there_is(
    world: World, django_assert_num_queries: AssertQueries
) -> None:
    """With a home program: the measurements, the diary and the program's adherence read
    once each (the programs once, not once to ask and again to draw)."""
    publish(world, "bird_dog", "band_row")
    amy = world.client_for(world.amy)
    path = reverse("portal_progress")
    count = queries(amy, path)

    item = ProgramItem.objects.filter(program__episode=world.amy_episode).first()
    assert item is not None
    for days_ago in range(1, 15):
        day = timezone.localdate() - timedelta(days=days_ago)
        DiaryEntry.objects.create(
            episode=world.amy_episode,
            day=day,
            pain=4,
            active_minutes=30,
            exercises="all",
            sitting_breaks=5,
            sleep="good",
            stress=3,
        )
        ExerciseLog.objects.create(item=item, day=day, done=True, pain=2)
    publish(world, "bird_dog", reason="Fewer exercises.")  # a second version

    same_count(amy, path, count, django_assert_num_queries)
    assert "progress-exercises" in amy.get(path).content.decode()


def test_the_clinicians_progress_page_reads_each_table_once(
    world: World, django_assert_num_queries: AssertQueries
) -> None:
    """The measurements and the re-checks serve the table, the charts and what is due from
    one read each, however many there are."""
    claire = world.client_for(world.claire)
    path = reverse("episode_progress", args=[world.amy_episode.id])

    def reads(table: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert claire.get(path).status_code == 200
        return sum(f'FROM "{table}"' in q["sql"] for q in captured.captured_queries)

    count = queries(claire, path)
    assert reads("followup_measurement") == 1
    assert reads("followup_redflagcheck") == 1
    for n in range(3):
        all_clear = dict.fromkeys(recheck_flags(), "no") | {"submission": str(uuid.uuid4())}
        assert world.client_for(world.amy).post(reverse("recheck"), all_clear).status_code == 302
        DiaryEntry.objects.get_or_create(
            episode=world.amy_episode,
            day=timezone.localdate() - timedelta(days=n + 1),
            defaults={"pain": 3, "active_minutes": 20, "exercises": "all"}
            | {"sitting_breaks": 2, "sleep": "good", "stress": 1},
        )
    same_count(claire, path, count, django_assert_num_queries)
    assert RedFlagCheck.objects.filter(episode=world.amy_episode).count() == 3
