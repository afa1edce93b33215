"""The patient list and the dashboard in a clinic of any size (issue #16).

Both answer a bounded page in a fixed number of queries however many patients the clinic
has; the patient list pages by name with a cursor (a patient's id) that is stable among equal
names; a search finds names whatever their case (and on PostgreSQL their accents and a typo);
"mine" narrows both to the clinician's own; another clinic's patients never appear.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backpath.accounts.models import Role, User
from backpath.auditlog.models import AccessEntry
from backpath.care import selectors, services
from backpath.care.models import EpisodeStatus, Patient
from backpath.care.session_checks import SessionDraft
from backpath.clinical.followup import AlertKind
from tests.care import list_data
from tests.pages import html, parse
from tests.personas import World

PAGE = selectors.PATIENT_PAGE
DASHBOARD_PAGE = selectors.DASHBOARD_PAGE
# The tests read the page's words (Next, More, the sections' titles) in English.
pytestmark = pytest.mark.usefixtures("english")
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram and accent search are PostgreSQL's"
)


def listed(response: Any) -> list[str]:
    """The patient list's rows as "Last, First", in page order."""
    table = next(parse(response).iter("tbody"), None)
    return [] if table is None else ["".join(a.itertext()) for a in table.iter("a")]


def link(response: Any, label: str) -> str | None:
    """The address of the page link named ``label`` (Next, Previous, More, ...)."""
    for a in parse(response).iter("a"):
        if "".join(a.itertext()).strip() == label:
            return a.get("href")
    return None


def posted(response: Any, label: str) -> dict[str, str] | None:
    """The fields of the page form whose button is ``label`` (a search's Next, Previous)."""
    for form in parse(response).iter("form"):
        buttons = ["".join(b.itertext()).strip() for b in form.iter("button")]
        if label in buttons:
            return {
                str(el.get("name")): el.get("value") or ""
                for el in form.iter("input")
                if el.get("name") != "csrfmiddlewaretoken"
            }
    return None


def count(client: Client, path: str, data: dict[str, str] | None = None) -> int:
    """The queries of one showing, after a warm-up."""

    def show() -> None:
        response = client.post(path, data) if data is not None else client.get(path)
        assert response.status_code == 200

    show()
    with CaptureQueriesContext(connection) as captured:
        show()
    return len(captured)


def walk(client: Client, first: Any) -> list[list[str]]:
    """Every page from ``first`` on by its Next control (a link, or a search's form)."""
    pages = [listed(first)]
    response = first
    while True:
        if (href := link(response, "Next")) is not None:
            response = client.get(href)
        elif (fields := posted(response, "Next")) is not None:
            response = client.post(reverse("patient_list"), fields)
        else:
            return pages
        assert response.status_code == 200
        pages.append(listed(response))


# --- a fixed number of queries at any size --------------------------------------------------


def grow(world: World) -> None:
    """From a handful of rows to several pages of everything both pages list."""
    clinic, claire = world.clinic_x, world.claire
    people = list_data.numbered(clinic, claire, 3 * PAGE)
    list_data.episodes(claire, people[:PAGE], sessions=3)
    waiting = list_data.episodes(claire, people[PAGE : PAGE + 30], EpisodeStatus.REVIEW)
    list_data.episodes(claire, people[PAGE + 30 : PAGE + 40], EpisodeStatus.URGENT)
    list_data.alerts(waiting)
    list_data.alerts(list_data.episodes(claire, people[2 * PAGE :]), AlertKind.WORSE)


def test_the_lists_keep_their_query_count_as_the_clinic_grows(world: World) -> None:
    claire = world.client_for(world.claire)
    some = list_data.numbered(world.clinic_x, world.claire, 3)
    shown = [
        (reverse("dashboard"), None),
        (reverse("dashboard") + "?scope=mine", None),
        (reverse("patient_list"), None),
        (reverse("patient_list") + "?scope=mine", None),
        (reverse("patient_list"), {"q": "P00"}),
        (reverse("patient_list"), {"q": "P00", "scope": "mine"}),
    ]
    small = [count(claire, path, data) for path, data in shown]
    # A page further on costs its cursor's lookup, the same at any size.
    further = [
        (reverse("dashboard") + f"?after={world.ben_episode.id}", None),
        (reverse("patient_list") + f"?after={some[0].id}", None),
        (reverse("patient_list"), {"q": "P00", "after": str(some[0].id)}),
    ]
    small_further = [count(claire, path, data) for path, data in further]

    grow(world)

    assert [count(claire, path, data) for path, data in shown] == small
    assert [count(claire, path, data) for path, data in further] == small_further


def test_the_lists_show_a_bounded_page(world: World) -> None:
    grow(world)
    claire = world.client_for(world.claire)
    patients = claire.get(reverse("patient_list"))
    assert len(listed(patients)) == PAGE
    dashboard = claire.get(reverse("dashboard"))
    attention, episodes = (
        next(s for s in parse(dashboard).iter("section") if title in "".join(s.itertext()))
        for title in ("Needs your attention", "Open episodes")
    )
    assert sum(1 for _ in attention.iter("tr")) == DASHBOARD_PAGE + 1  # and the header
    assert sum(1 for _ in episodes.iter("tr")) == DASHBOARD_PAGE + 1
    assert link(dashboard, "More") is not None
    assert link(dashboard, "Older") is not None
    # The sessions are counted for the shown rows: the newest episodes have none.
    assert '<td class="num">0</td>' in html(dashboard)


# --- pages of the patient list ---------------------------------------------------------------


def test_the_pages_go_forward_and_back_by_name_and_end(world: World) -> None:
    claire = world.client_for(world.claire)
    list_data.numbered(world.clinic_x, world.claire, 2 * PAGE + 5, last="Mol")
    first = claire.get(reverse("patient_list"))
    assert link(first, "Previous") is None
    pages = walk(claire, first)
    everyone = [row for page in pages for row in page]
    # Amy and Ben Test after the Mols: ordered by last name, first name.
    assert [len(page) for page in pages] == [PAGE, PAGE, 7]
    assert everyone == sorted(everyone, key=lambda row: row.split(", "))
    assert everyone[-2:] == ["Test, Amy", "Test, Ben"]

    second = claire.get(str(link(first, "Next")))
    last = claire.get(str(link(second, "Next")))
    assert link(last, "Next") is None  # the last page
    back = claire.get(str(link(last, "Previous")))
    assert listed(back) == listed(second)
    assert listed(claire.get(str(link(back, "Previous")))) == listed(first)


def test_the_pages_are_stable_among_equal_names(world: World) -> None:
    """A hundred and twenty patients all called Jan Jansen: each shown once, in id order."""
    claire = world.client_for(world.claire)
    jans = list_data.patients(world.clinic_x, world.claire, [("Jan", "Jansen")] * 120)
    seen: list[str] = []
    response = claire.get(reverse("patient_list"))
    while True:
        seen += [
            str(a.get("href")).rstrip("/").split("/")[-1]
            for a in next(parse(response).iter("tbody")).iter("a")
        ]
        if (href := link(response, "Next")) is None:
            break
        response = claire.get(href)
    ids = [str(p.id) for p in sorted(jans, key=lambda p: p.id)]
    assert seen[: len(ids)] == ids
    assert len(seen) == len(set(seen)) == 122


def test_the_address_carries_a_cursor_never_a_name(world: World) -> None:
    list_data.numbered(world.clinic_x, world.claire, PAGE + 1, last="Verborgen")
    claire = world.client_for(world.claire)
    href = str(link(claire.get(reverse("patient_list") + "?scope=mine"), "Next"))
    query = parse_qs(urlsplit(href).query)
    assert set(query) == {"scope", "after"}
    assert Patient.objects.filter(pk=query["after"][0]).exists()
    assert "Verborgen" not in href
    assert "P0" not in href


def test_a_bad_cursor_gives_the_first_page(world: World) -> None:
    claire = world.client_for(world.claire)
    first = listed(claire.get(reverse("patient_list")))
    for cursor in ("nonsense", "0" * 32, str(world.yara_patient.id), "%00"):
        for key in ("after", "before"):
            response = claire.get(reverse("patient_list"), {key: cursor})
            assert response.status_code == 200
            assert listed(response) == first
    for page in ("x", "-1", "0", "99999999999999999999", "²"):
        assert claire.get(reverse("dashboard"), {"attention": page}).status_code == 200


def test_a_search_pages_by_post_and_keeps_the_name_out_of_the_address(world: World) -> None:
    list_data.numbered(world.clinic_x, world.claire, PAGE + 3, last="Smit")
    list_data.numbered(world.clinic_x, world.claire, 10, last="Bakker")
    claire = world.client_for(world.claire)
    first = claire.post(reverse("patient_list"), {"q": "smit"})
    assert link(first, "Next") is None  # no link: the page's controls post
    fields = posted(first, "Next")
    assert fields is not None
    assert fields["q"] == "smit"
    pages = walk(claire, first)
    assert [len(page) for page in pages] == [PAGE, 3]
    assert all(row.startswith("Smit, ") for page in pages for row in page)
    assert posted(claire.post(reverse("patient_list"), fields), "Previous") is not None
    for form in parse(first).iter("form"):
        assert (form.get("method") or "get").lower() == "post"
        assert "smit" not in (form.get("action") or "")


# --- the search ------------------------------------------------------------------------------


def names(response: Any) -> set[str]:
    return set(listed(response))


@pytest.fixture
def named(world: World) -> World:
    list_data.patients(
        world.clinic_x,
        world.claire,
        [
            ("Jan", "Janssen"),
            ("Anna", "Müller"),
            ("Zoë", "de Vries"),
            ("Piet", "Jansen"),
            ("Henk", "Bakker"),
        ],
    )
    return world


def search(world: World, q: str, **extra: str) -> set[str]:
    response = world.client_for(world.claire).post(reverse("patient_list"), {"q": q, **extra})
    assert response.status_code == 200
    return names(response)


def test_a_search_ignores_case_and_finds_part_of_a_name(named: World) -> None:
    assert search(named, "BAKKER") == {"Bakker, Henk"}
    assert search(named, "bak") == {"Bakker, Henk"}
    assert search(named, "vries") == {"de Vries, Zoë"}
    # Every word must match, in the first or the last name.
    assert search(named, "piet jans") == {"Jansen, Piet"}
    assert search(named, "henk jans") == set()


@postgres_only
def test_a_search_ignores_accents_on_both_sides(named: World) -> None:
    assert search(named, "muller") == {"Müller, Anna"}
    assert search(named, "MÜLLER") == {"Müller, Anna"}
    assert search(named, "zoe") == {"de Vries, Zoë"}
    assert search(named, "Zoë vries") == {"de Vries, Zoë"}


@postgres_only
def test_a_search_forgives_a_typo(named: World) -> None:
    assert search(named, "Janssen") >= {"Janssen, Jan"}
    assert search(named, "Jansen") == {"Jansen, Piet", "Janssen, Jan"}  # one s too few
    assert search(named, "Bakkr") == {"Bakker, Henk"}
    assert search(named, "Smith") == set()


@postgres_only
def test_a_short_word_matches_the_start_of_a_name(named: World) -> None:
    assert search(named, "de") == {"de Vries, Zoë"}
    assert search(named, "h") == {"Bakker, Henk"}


def test_a_search_keeps_the_scope(named: World) -> None:
    assert search(named, "test", scope="mine") == {"Test, Amy", "Test, Ben"}
    # Chris, a second clinician, has none of his own yet.
    chris = User.objects.create_user(
        "chris@x.example", None, clinic=named.clinic_x, role=Role.CLINICIAN, language="en"
    )
    found = named.client_for(chris).post(reverse("patient_list"), {"q": "test", "scope": "mine"})
    assert names(found) == set()
    assert "No patient matches that name." in html(found)


# --- mine or the clinic's --------------------------------------------------------------------


@pytest.fixture
def chris(world: World) -> User:
    """A second clinician of clinic X: he adds Carl, opens Dora's episode (Claire added her)
    and holds a session in Amy's (Claire's)."""
    chris = User.objects.create_user(
        "chris@x.example", None, clinic=world.clinic_x, role=Role.CLINICIAN, language="en"
    )
    list_data.patients(world.clinic_x, chris, [("Carl", "Chris-added")])
    dora = list_data.patients(world.clinic_x, world.claire, [("Dora", "Opened")])
    list_data.episodes(chris, dora)
    services.session_record(
        actor=chris,
        episode=world.amy_episode,
        draft=SessionDraft(
            held_on=world.amy_episode.opened_at.date(),
            subjective="",
            objective="",
            analysis="",
            plan="",
            pain_now=None,
            interventions=("education",),
            deviation_reason="",
            over_budget_reason="",
        ),
        submission=None,
    )
    return chris


def test_mine_lists_the_patients_a_clinician_added_opened_or_treated(
    world: World, chris: User
) -> None:
    client = world.client_for(chris)
    clinic = {"Chris-added, Carl", "Opened, Dora", "Test, Amy", "Test, Ben"}
    assert names(client.get(reverse("patient_list"))) == clinic
    mine = client.get(reverse("patient_list"), {"scope": "mine"})
    assert names(mine) == {"Chris-added, Carl", "Opened, Dora", "Test, Amy"}
    assert 'aria-current="page"' in html(mine)
    assert names(world.client_for(world.claire).get(reverse("patient_list"), {"scope": "mine"}))
    assert names(world.client_for(world.claire).get(reverse("patient_list"), {"scope": "x"})) == (
        clinic
    )


def test_mine_on_the_dashboard_is_the_clinicians_own_episodes_and_their_alerts(
    world: World, chris: User
) -> None:
    ben = world.ben_episode
    list_data.alerts([ben])  # Claire's
    list_data.alerts([world.amy_episode], AlertKind.WORSE)  # Chris treated Amy
    client = world.client_for(chris)

    def section(response: Any, title: str) -> str:
        part = next(s for s in parse(response).iter("section") if title in "".join(s.itertext()))
        return " ".join("".join(part.itertext()).split())

    everything = client.get(reverse("dashboard"))
    assert "Ben Test" in section(everything, "Needs your attention")
    assert "Dora Opened" in section(everything, "Open episodes")
    mine = client.get(reverse("dashboard"), {"scope": "mine"})
    attention = section(mine, "Needs your attention")
    assert "Amy Test" in attention
    assert "Ben Test" not in attention
    episodes = section(mine, "Open episodes")
    assert "Dora Opened" in episodes
    assert "Amy Test" in episodes
    assert "Ben Test" not in episodes
    # The page links keep the scope.
    list_data.episodes(chris, list_data.numbered(world.clinic_x, chris, DASHBOARD_PAGE))
    more = client.get(reverse("dashboard"), {"scope": "mine"})
    assert parse_qs(urlsplit(str(link(more, "Older"))).query)["scope"] == ["mine"]


# --- who sees what ----------------------------------------------------------------------------


def test_another_clinics_patients_never_appear(world: World) -> None:
    list_data.numbered(world.clinic_y, world.yara, PAGE + 2, last="Elsewhere")
    claire = world.client_for(world.claire)
    for response in (
        claire.get(reverse("patient_list")),
        claire.get(reverse("patient_list"), {"scope": "mine"}),
        claire.get(reverse("dashboard")),
    ):
        assert "Elsewhere" not in html(response)
        assert "Yves" not in html(response)
    for q in ("Elsewhere", "Yves", "test"):
        found = names(claire.post(reverse("patient_list"), {"q": q}))
        assert not any("Elsewhere" in name or "Yves" in name for name in found)
    # A cursor from the other clinic is no way in either: it names no row here.
    elsewhere = world.client_for(world.yara).get(reverse("patient_list"))
    ours = claire.get(str(link(elsewhere, "Next")))
    assert names(ours) == {"Test, Amy", "Test, Ben"}


def test_a_patient_cannot_open_either_list(world: World) -> None:
    amy = world.client_for(world.amy)
    for response in (
        amy.get(reverse("patient_list"), {"scope": "mine"}),
        amy.post(reverse("patient_list"), {"q": "Ben", "after": str(world.ben_patient.id)}),
        amy.get(reverse("dashboard"), {"scope": "mine", "attention": "2"}),
    ):
        assert response.status_code == 404
        assert "Ben" not in html(response)
    anonymous = Client().get(reverse("patient_list"), {"scope": "mine"})
    assert anonymous.status_code == 302


def test_each_showing_is_one_access_log_entry(world: World) -> None:
    claire = world.client_for(world.claire)
    before = AccessEntry.objects.order_by("-id").values_list("id", flat=True).first()
    claire.get(reverse("patient_list"), {"scope": "mine"})
    claire.post(reverse("patient_list"), {"q": "amy", "after": str(world.amy_patient.id)})
    claire.get(reverse("dashboard"), {"attention": "2"})
    entries = AccessEntry.objects.filter(actor=world.claire, id__gt=before).values_list(
        "object_type", "patient_id"
    )
    assert list(entries.order_by("id")) == [
        ("patient_list", None),
        ("patient_list", None),
        ("dashboard", None),
    ]
