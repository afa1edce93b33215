"""Education in the portal: the curriculum by week, a module with its check, progress."""

from __future__ import annotations

from django.urls import reverse

from backpath.auditlog.models import AccessEntry
from backpath.care.selectors import episode_record
from backpath.education.modules import modules
from backpath.learning.models import ModuleRead
from backpath.learning.views import reading_progress
from backpath.web.templatetags.backpath import reading_progress as reading_progress_text
from tests.personas import World


def test_it_opens_the_first_week_and_keeps_later_weeks_for_later(world: World) -> None:
    page = world.client_for(world.amy).get(reverse("learn"))
    assert page.status_code == 200
    rows = page.context["rows"]
    assert {r["id"] for r in rows if r["week"] == 1 and r["open"]} >= {"when_to_see_a_doctor"}
    later = next(r for r in rows if not r["open"])
    response = world.client_for(world.amy).get(reverse("learn_module", args=[later["id"]]))
    assert response.status_code == 404


def test_it_records_a_read_module_and_shows_it_to_the_clinician(world: World) -> None:
    module = modules()["when_to_see_a_doctor"]
    amy = world.client_for(world.amy)
    url = reverse("learn_module", args=[module.id])
    assert amy.get(url).status_code == 200
    incomplete = amy.post(url, {})
    assert incomplete.status_code == 400
    answers = {f"q{n}": str(q.answer) for n, q in enumerate(module.questions)}
    done = amy.post(url, answers)
    assert done.status_code == 200
    read = ModuleRead.objects.get(episode=world.amy_episode, module_id=module.id)
    assert (read.correct, read.asked) == (len(module.questions), len(module.questions))
    assert AccessEntry.objects.filter(actor=world.amy, detail="module.read").count() == 1
    episode_page = world.client_for(world.claire).get(
        reverse("episode_detail", kwargs={"episode_id": world.amy_episode.id})
    )
    assert episode_page.status_code == 200
    read_count, opened = reading_progress(world.amy_episode)
    assert read_count == 1
    assert opened >= 1
    assert reading_progress_text(episode_record(world.amy_episode)) in episode_page.content.decode()


def test_it_answers_404_for_an_unknown_module(world: World) -> None:
    assert world.client_for(world.amy).get("/me/learn/no_such_module/").status_code == 404
