"""Staff sessions: 30 minutes without activity log out (with a warning on the page), and the
session ends with the browser; a patient's session is not cut short."""

from __future__ import annotations

import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backpath.accounts.sessions import LAST_SEEN
from backpath.auditlog.models import AccessEntry, Action
from tests.personas import World


def idle_for(client: Client, seconds: int) -> None:
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


def test_staff_are_logged_out_after_30_idle_minutes(world: World) -> None:
    world.claire.language = "en"
    world.claire.save(update_fields=["language"])
    claire = world.client_for(world.claire)
    assert claire.get(reverse("dashboard")).status_code == 200
    idle_for(claire, 29 * 60)
    assert claire.get(reverse("dashboard")).status_code == 200  # and counts as activity
    idle_for(claire, 31 * 60)
    response = claire.get(reverse("patient_list"), follow=True)
    assert response.redirect_chain[0][0] == reverse("login")
    assert "without activity" in response.content.decode()
    assert claire.get(reverse("dashboard")).status_code == 302  # logged out for good
    assert AccessEntry.objects.filter(
        actor=world.claire, action=Action.LOGOUT, detail="idle timeout"
    ).exists()


def test_a_patient_is_not_logged_out_for_idling(world: World) -> None:
    amy = world.client_for(world.amy)
    idle_for(amy, 3 * 60 * 60)
    assert amy.get(reverse("portal_home")).status_code == 200


def test_a_staff_session_ends_with_the_browser(world: World) -> None:
    claire = world.client_for(world.claire)
    response = claire.get(reverse("dashboard"))
    cookie = response.cookies.get("sessionid")
    assert cookie is not None
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""


def test_the_page_warns_staff_and_keepalive_counts_as_activity(world: World) -> None:
    claire = world.client_for(world.claire)
    page = claire.get(reverse("dashboard")).content.decode()
    assert 'id="idle-warning"' in page
    assert 'data-idle-seconds="1800"' in page
    assert (
        "idle-warning"
        not in world.client_for(world.amy).get(reverse("portal_home")).content.decode()
    )
    idle_for(claire, 20 * 60)
    assert claire.post(reverse("keepalive")).status_code == 204
    assert int(time.time()) - claire.session[LAST_SEEN] < 5
    assert Client().post(reverse("keepalive")).status_code == 302  # to the login page


def test_a_staff_session_is_written_at_most_once_a_minute(world: World) -> None:
    """Activity is kept to the minute: requests within it read the session and write
    nothing (no UPDATE, no new cookie); the first after it writes the new time once."""

    def session_writes(client: Client) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("dashboard")).status_code == 200
        return sum('UPDATE "django_session"' in q["sql"] for q in captured.captured_queries)

    claire = world.client_for(world.claire)
    claire.get(reverse("dashboard"))  # the first request: activity and browser-close expiry
    assert session_writes(claire) == 0
    assert session_writes(claire) == 0
    idle_for(claire, 2 * 60)
    assert session_writes(claire) == 1
    assert int(time.time()) - claire.session[LAST_SEEN] < 5
    assert claire.session.get_expire_at_browser_close()
