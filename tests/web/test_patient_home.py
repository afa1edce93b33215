"""The patient's home: what is due today at the top, tiles only for what the patient has."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from backpath.exercises.library import Dosage
from backpath.followup.models import Alert
from backpath.programs import services
from backpath.programs.models import Program
from backpath.programs.selectors import patient_has_program
from tests.followup.test_followup import DIARY, answers
from tests.pages import AssertQueries, parse, queries, same_count
from tests.personas import World


def publish(world: World, items: list[tuple[str, int]], reason: str = "") -> Program:
    return services.program_publish(
        actor=world.claire,
        episode=world.amy_episode,
        items=[services.ItemDraft(e, Dosage(sets=2, reps=10), n) for e, n in items],
        quota=None,
        note="",
        reason=reason,
        submission=None,
    )


def today_tiles(response: Any) -> dict[str, str]:
    """The tiles under "To do today": their link and their text."""
    for section in parse(response).iter("section"):
        if "today-home" in (section.get("class") or ""):
            return {
                tile.get("href") or "": " ".join(" ".join(tile.itertext()).split())
                for tile in section.iter()
                if "tile" in (tile.get("class") or "").split()
            }
    raise AssertionError("no today section")


def test_the_home_shows_no_exercise_tile_without_a_program(english: World) -> None:
    amy = english.client_for(english.amy)
    home = amy.get(reverse("portal_home"))
    assert home.status_code == 200
    links = [a.get("href") for a in parse(home).iter("a") if "tile" in (a.get("class") or "")]
    assert reverse("diary") in links
    assert reverse("today") not in links
    assert "Today's exercises" not in home.content.decode()
    assert not home.context["has_program"]
    assert not patient_has_program(english.amy)
    # Ben's intake is still to fill in: that is what is due, and no exercises either.
    ben = english.client_for(english.ben).get(reverse("portal_home"))
    tiles = today_tiles(ben)
    assert reverse("intake_safety", args=[english.ben_episode.id]) in tiles
    assert reverse("today") not in tiles


def test_the_home_lists_what_is_due_today_with_counts(english: World) -> None:
    program = publish(english, [("bridge", 7), ("plank", 7)])
    assert patient_has_program(english.amy)
    assert not patient_has_program(english.ben)
    amy = english.client_for(english.amy)
    tiles = today_tiles(amy.get(reverse("portal_home")))
    assert tiles[reverse("today")] == "Today's exercises 0 of 2 done · 2 left"
    assert tiles[reverse("recheck")].startswith("Weekly safety check")
    assert tiles[reverse("diary")] == "My diary Six quick answers about today."

    item = program.items.get(exercise_id="bridge")
    amy.post(reverse("log_exercise"), {"item": str(item.id), "done": "yes"})
    home = amy.get(reverse("portal_home"))
    assert today_tiles(home)[reverse("today")] == "Today's exercises 1 of 2 done · 1 left"
    assert "all daily exercises done on 0 days." in home.content.decode()
    # The links the home has always had stay.
    assert reverse("my_access") in home.content.decode()
    assert reverse("my_data") in home.content.decode()


def test_the_home_answers_in_fixed_queries(
    world: World, django_assert_num_queries: AssertQueries
) -> None:
    first = publish(world, [("bridge", 7)])
    amy = world.client_for(world.amy)
    # A pain score today: the home then reads the exercise's last score before it (once).
    item = first.items.get()
    amy.post(reverse("log_exercise"), {"item": str(item.id), "done": "yes", "pain": "3"})
    count = queries(amy, reverse("portal_home"))
    program = publish(world, [("bridge", 7), ("plank", 7), ("calf_raise", 3)], reason="More.")
    for item in program.items.all():
        amy.post(reverse("log_exercise"), {"item": str(item.id), "done": "yes", "pain": "7"})
    same_count(amy, reverse("portal_home"), count, django_assert_num_queries)


def test_every_visit_shows_what_is_true_now_not_what_was_kept(english: World) -> None:
    """HAZ-24: a patient page keeps nothing between requests. One browser (one session, one
    process) opens the home before and after each change made elsewhere: on her other
    device, and by the clinic."""
    phone = english.client_for(english.amy)
    tablet = english.client_for(english.amy)
    claire = english.client_for(english.claire)

    def home() -> str:
        return str(phone.get(reverse("portal_home")).content.decode())

    assert 'class="urgent"' not in home()
    assert "Filled in today" not in home()
    # A red flag in the weekly check, sent from the tablet: the very next visit says what to do.
    tablet.post(reverse("recheck"), answers(CES_2=True))
    assert "has been told" in home()
    # Until the clinic has handled it, and not after.
    claire.post(reverse("alert_resolve", args=[Alert.objects.get().id]))
    assert 'class="urgent"' not in home()
    # What is due follows too: today's diary, saved on the tablet.
    tablet.post(reverse("diary"), DIARY)
    assert "Filled in today" in home()
    page = phone.get(reverse("today"))
    assert page["Cache-Control"] == "no-store"  # nor does the browser or a proxy keep it
