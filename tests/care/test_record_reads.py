"""An episode's record is read as its pages show it (issue #16).

The patient's pages that show only the plan read the current plan version and nothing of the
assessments (their stored input and result are tens of kilobytes) or the session notes; the
clinician's pages read the assessments without their stored input, and the plan history
without each version's plan. Nothing left out is then fetched row by row: every page keeps its
query count as the record grows.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backpath.care import services
from tests.pages import url
from tests.personas import World, review
from tests.web.test_queries import session


def reads(client: Client, path: str) -> list[str]:
    """The SQL of one showing of ``path``, after a warm-up."""
    assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def grow(world: World) -> None:
    """A re-assessment (a third assessment, a second plan version) and three sessions."""
    review(world.claire, world.amy_episode)
    services.plan_adjust(
        actor=world.claire,
        episode=world.amy_episode,
        max_sessions=8,
        omitted=(),
        note="",
        reason="More sessions after a flare-up.",
        submission=None,
    )
    for number in (1, 2, 3):
        session(world.claire, world.amy_episode, number)


def clinician_pages(world: World) -> list[str]:
    episode = world.amy_episode
    return [
        url("episode_detail", episode),
        url("plan_detail", episode),
        url("plan_adjust", episode),
        url("session_new", episode),
        url("letter", episode, kind="start"),
        url("program_edit", episode),
    ]


PATIENT_PAGES = ("portal_home", "portal_plan", "learn")


def test_every_page_of_the_record_keeps_its_query_count_as_the_record_grows(
    world: World,
) -> None:
    claire, amy = world.client_for(world.claire), world.client_for(world.amy)
    shown = [(claire, path) for path in clinician_pages(world)]
    shown += [(amy, reverse(name)) for name in PATIENT_PAGES]
    before = [len(reads(client, path)) for client, path in shown]
    grow(world)
    assert [len(reads(client, path)) for client, path in shown] == before


@pytest.mark.parametrize("name", PATIENT_PAGES)
def test_the_patients_pages_read_the_current_plan_only(world: World, name: str) -> None:
    grow(world)
    sql = reads(world.client_for(world.amy), reverse(name))
    assert not [q for q in sql if 'FROM "care_assessment"' in q]
    assert not [q for q in sql if 'FROM "care_sessionnote"' in q]
    plans = [q for q in sql if 'FROM "care_planversion"' in q]
    assert plans
    assert all(q.endswith("LIMIT 1") for q in plans)


def columns(sql: str) -> str:
    """The selected columns of a query."""
    return re.split(r"\bFROM\b", sql, maxsplit=1)[0]


def test_the_episode_page_reads_the_assessments_without_their_input(world: World) -> None:
    grow(world)
    sql = reads(world.client_for(world.claire), url("episode_detail", world.amy_episode))
    (assessments,) = [q for q in sql if 'FROM "care_assessment"' in q]
    assert '"care_assessment"."result"' in columns(assessments)
    assert '"care_assessment"."input"' not in columns(assessments)


def test_the_plan_history_leaves_out_each_versions_plan(world: World) -> None:
    grow(world)
    sql = reads(world.client_for(world.claire), url("plan_detail", world.amy_episode))
    current, history = (q for q in sql if 'FROM "care_planversion"' in q)
    assert current.endswith("LIMIT 1")
    assert '"care_planversion"."plan"' in columns(current)
    assert '"care_planversion"."plan"' not in columns(history)
    assert '"care_planversion"."omitted"' in columns(history)
