"""The main menu is drawn once per role, page, language and "Today" link and then kept
(``main_nav``): each of those must still change what a user sees."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from backpath.accounts.models import User
from tests.pages import parse
from tests.personas import World
from tests.programs.clinic_exercise_helpers import publish


def menu(client: Client, path: str) -> dict[str, bool]:
    """The menu's links by their text, each with whether it is marked as the current page."""
    page = parse(client.get(path))
    nav = next(element for element in page.iter("nav") if "topbar__nav" in element.get("class", ""))
    return {
        "".join(link.itertext()).strip(): link.get("aria-current") == "page"
        for link in nav.iter("a")
    }


def speaking(user: User, language: str) -> User:
    user.language = language
    user.save(update_fields=["language"])
    return user


def test_the_current_page_is_marked_on_each_page(world: World) -> None:
    amy = world.client_for(speaking(world.amy, "en"))
    assert menu(amy, reverse("portal_home"))["Home"] is True
    on_diary = menu(amy, reverse("diary"))
    assert on_diary["Diary"] is True
    assert on_diary["Home"] is False
    assert menu(amy, reverse("learn"))["Learn"] is True


def test_the_menu_speaks_the_users_language(world: World) -> None:
    amy = world.client_for(speaking(world.amy, "en"))
    assert "Diary" in menu(amy, reverse("portal_home"))
    speaking(world.amy, "nl")
    dutch = menu(world.client_for(world.amy), reverse("portal_home"))
    assert "Diary" not in dutch
    assert "Dagboek" in dutch


def test_today_shows_once_the_patient_has_a_program(world: World) -> None:
    """On the pages that know whether there is a program (the home) and on those that leave
    it to the menu (the diary, learning)."""
    amy = world.client_for(speaking(world.amy, "en"))
    pages = [reverse("portal_home"), reverse("diary"), reverse("learn")]
    assert not any("Today" in menu(amy, page) for page in pages)
    publish(world, "bridge")
    assert all("Today" in menu(amy, page) for page in pages)


def test_only_the_clinic_admin_sees_the_clinics_settings(world: World) -> None:
    claire = menu(world.client_for(speaking(world.claire, "en")), reverse("dashboard"))
    xavier = menu(world.client_for(speaking(world.xavier, "en")), reverse("dashboard"))
    assert claire["Today"] is True
    assert xavier["Today"] is True
    assert "Team" not in claire
    assert "Access log" not in claire
    assert "Team" in xavier
    assert "Access log" in xavier
    assert "Diary" not in claire  # a clinician never gets the patient's menu


def test_a_visitor_gets_no_menu(world: World) -> None:
    page = parse(Client().get(reverse("login")))
    assert not any("topbar__nav" in element.get("class", "") for element in page.iter("nav"))
