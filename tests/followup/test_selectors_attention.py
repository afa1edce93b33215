"""The dashboard's attention list in pages (issue #16): urgent intakes, alerts and reviews
merged by rank, a bounded page at a time, the pages together the whole list in order."""

from __future__ import annotations

from django.urls import reverse

from backpath.accounts.models import Role, User
from backpath.care.models import Episode, EpisodeStatus
from backpath.care.selectors import Scope
from backpath.clinical.followup import AlertKind
from backpath.followup.selectors import REVIEW_RANK, attention
from tests.care import list_data
from tests.pages import parse
from tests.personas import World


def rows(world: World, n: int, status: str) -> list[Episode]:
    people = list_data.numbered(world.clinic_x, world.claire, n, last=status)
    return list(list_data.episodes(world.claire, people, status))


def crowd(world: World) -> None:
    """Seven urgent intakes, five red flags, nine reviews and eight flare-ups."""
    rows(world, 7, EpisodeStatus.URGENT)
    list_data.alerts(rows(world, 5, EpisodeStatus.TREATMENT), AlertKind.RED_FLAG)
    rows(world, 9, EpisodeStatus.REVIEW)
    list_data.alerts(rows(world, 8, EpisodeStatus.TREATMENT), AlertKind.FLARE)


def test_the_pages_together_are_the_whole_list_in_rank_order(world: World) -> None:
    crowd(world)
    everything = attention(world.claire, size=100)
    assert not everything.more
    assert [row.kind for row in everything] == (
        ["urgent"] * 7 + ["red_flag"] * 5 + ["review"] * 9 + ["flare"] * 8
    )
    assert [row.rank for row in everything] == sorted(row.rank for row in everything)
    assert REVIEW_RANK in {row.rank for row in everything}

    pages = [attention(world.claire, page=number, size=6) for number in range(1, 6)]
    assert [len(page) for page in pages] == [6, 6, 6, 6, 5]
    assert [page.more for page in pages] == [True, True, True, True, False]
    assert [row for page in pages for row in page] == everything.rows
    # A page beyond the end (its rows were handled meanwhile) is the first page.
    beyond = attention(world.claire, page=9, size=6)
    assert (beyond.number, beyond.rows) == (1, pages[0].rows)


def test_mine_keeps_the_rows_of_the_clinicians_own_episodes(world: World) -> None:
    crowd(world)
    chris = User.objects.create_user(
        "chris@x.example", None, clinic=world.clinic_x, role=Role.CLINICIAN
    )
    his = list_data.episodes(chris, list_data.numbered(world.clinic_x, chris, 2, last="His"))
    list_data.alerts(his[:1], AlertKind.WORSE)
    his[1].status = EpisodeStatus.REVIEW
    his[1].save(update_fields=["status"])
    mine = attention(chris, Scope.MINE)
    assert [(row.kind, row.episode.pk) for row in mine] == [
        ("worse", his[0].pk),
        ("review", his[1].pk),
    ]
    assert len(attention(chris, Scope.CLINIC, size=100)) == 7 + 5 + 9 + 8 + 2
    # Another clinic's clinician sees none of it, whatever the scope.
    for scope in Scope:
        assert not attention(world.yara, scope, size=100)


def test_the_dashboard_pages_the_list_with_more_and_previous(english: World) -> None:
    crowd(english)
    rows(english, 30, EpisodeStatus.REVIEW)
    claire = english.client_for(english.claire)

    def links(response: object) -> dict[str, str]:
        return {
            "".join(a.itertext()).strip(): str(a.get("href")) for a in parse(response).iter("a")
        }

    first = links(claire.get(reverse("dashboard")))
    assert "Previous" not in first
    second = links(claire.get(first["More"]))
    assert second["Previous"].endswith("attention=1")
    third = links(claire.get(second["More"]))
    assert "More" not in third  # 59 rows: the third page is the last
