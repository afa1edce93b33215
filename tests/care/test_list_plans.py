"""On PostgreSQL the patient list, its search and the dashboard read through their indexes
(migrations care 0007 and followup 0004).

The queries are the ones the pages run, captured from the test client and explained. The test
clinic is small, so the planner is told not to read whole tables (``enable_seqscan = off``,
for this test's transaction only) after fresh statistics: the question is whether an index
fits each query, and which one the planner then takes.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backpath.care import selectors
from backpath.care.models import Episode, EpisodeStatus
from tests.care import list_data
from tests.personas import World

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the plans are PostgreSQL's"
)

Request = Callable[[Client], object]
PAGE, DASHBOARD_PAGE = selectors.PATIENT_PAGE, selectors.DASHBOARD_PAGE


@pytest.fixture
def clinic(world: World) -> World:
    """Two thousand patients with 64 last names, most episodes closed, some waiting with
    alerts."""
    claire, clinic = world.claire, world.clinic_x
    lasts = [
        start + end
        for start in ("Ver", "Hol", "Dek", "Kor", "Lin", "Mol", "Ros", "Wes")
        for end in ("man", "gen", "ker", "land", "sma", "ting", "hof", "berg")
    ]
    people = list_data.patients(
        clinic, claire, [(f"Name{n}", last) for n in range(32) for last in lasts]
    )
    closed = list_data.episodes(claire, people[:1500])
    for episode in closed:
        episode.status = EpisodeStatus.CLOSED
        episode.closed_at = episode.opened_at
        episode.discharge_reason = "goals_reached"
    Episode.objects.bulk_update(closed, ["status", "closed_at", "discharge_reason"])
    list_data.alerts(list_data.episodes(claire, people[1500:1600], EpisodeStatus.REVIEW))
    list_data.episodes(claire, people[1600:], sessions=2)
    with connection.cursor() as cursor:
        # What autovacuum does to a live clinic's tables: statistics, and the trigram index's
        # pending list (rows just written wait there, and the planner prices its scan high).
        cursor.execute("SELECT gin_clean_pending_list('patients_by_name_trigrams'::regclass)")
        for table in ("care_patient", "care_episode", "care_sessionnote", "followup_alert"):
            cursor.execute(f"ANALYZE {table}")
    return world


def plans(client: Client, request: Request, table: str, page: int) -> list[str]:
    """The plans of the queries ``request`` runs that read a page of ``page`` rows of
    ``table`` (they ask for one more, to know whether a next page exists)."""
    with CaptureQueriesContext(connection) as captured:
        request(client)
    found = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in captured.captured_queries:
            sql = query["sql"]
            if f'FROM "{table}"' in sql and sql.endswith(f"LIMIT {page + 1}"):
                cursor.execute(f"EXPLAIN {sql}")
                found.append("\n".join(row[0] for row in cursor.fetchall()))
    assert found, f"no page of {table}"
    return found


def test_the_patient_list_pages_through_the_name_index(clinic: World) -> None:
    claire = clinic.client_for(clinic.claire)
    (first,) = plans(claire, lambda c: c.get(reverse("patient_list")), "care_patient", PAGE)
    assert "Index Scan using patients_by_name on care_patient" in first
    cursor = clinic.amy_patient.id
    (further,) = plans(
        claire,
        lambda c: c.get(reverse("patient_list"), {"after": str(cursor)}),
        "care_patient",
        PAGE,
    )
    # The cursor bounds the scan (an index condition): it starts there, and does not filter
    # its way down from the top of the list.
    assert "Index Scan using patients_by_name on care_patient" in further
    assert "last_name)::text >= 'Test'::text))" in further.split("Filter")[0]
    for plan in (first, further):
        assert "Sort" not in plan.split("SubPlan")[0]


def test_the_search_finds_names_through_the_trigram_index(clinic: World) -> None:
    claire = clinic.client_for(clinic.claire)
    # A name, a typo of it, two words, another name.
    for q in ("Roshof", "roshov", "rosHOF name1", "linting"):

        def search(client: Client, q: str = q) -> object:
            return client.post(reverse("patient_list"), {"q": q})

        (plan,) = plans(claire, search, "care_patient", PAGE)
        assert "Bitmap Index Scan on patients_by_name_trigrams" in plan, (q, plan)


def test_the_dashboard_reads_its_lists_through_their_indexes(clinic: World) -> None:
    claire = clinic.client_for(clinic.claire)
    dashboard = reverse("dashboard")
    episodes = plans(claire, lambda c: c.get(dashboard), "care_episode", DASHBOARD_PAGE)
    # The attention list's waiting episodes and the page of open episodes.
    assert len(episodes) == 2
    (page,) = [plan for plan in episodes if "open_episodes_by_age" in plan]
    assert "Index Scan Backward using open_episodes_by_age" in page
    assert "Sort" not in page.split("SubPlan")[0]  # the index gives the order
    (further,) = [
        plan
        for plan in plans(
            claire,
            lambda c: c.get(dashboard, {"after": str(clinic.ben_episode.id)}),
            "care_episode",
            DASHBOARD_PAGE,
        )
        if "open_episodes_by_age" in plan
    ]
    assert "opened_at <=" in further.split("Filter")[0]
    (alerts,) = plans(claire, lambda c: c.get(dashboard), "followup_alert", DASHBOARD_PAGE)
    assert "Index Scan using open_alerts_by_rank" in alerts
