"""No personal data in URLs (security review): the patient search and the home program's
suggestion are posted, so a name or a health detail never lands in a server log, a proxy log
or the browser's history. Both pages work as plain forms, without JavaScript.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

from django.test import Client
from django.urls import reverse

from backpath.auditlog.models import AccessEntry
from tests.pages import html, parse
from tests.personas import World


def forms_on(response: Any) -> list[Element]:
    return list(parse(response).iter("form"))


def names(form: Element) -> set[str]:
    return {el.get("name") or "" for el in form.iter() if el.tag in ("input", "select", "button")}


def listed(response: Any) -> set[str]:
    """The patients' first names in the list's table."""
    table = next(parse(response).iter("tbody"), None)
    if table is None:
        return set()
    return {"".join(a.itertext()).split(", ")[1] for a in table.iter("a")}


def urls_on(response: Any) -> list[str]:
    root = parse(response)
    return [
        value
        for el in root.iter()
        for attribute in ("href", "action", "src", "hx-get", "hx-post")
        if (value := el.get(attribute))
    ]


# --- the patient search ---------------------------------------------------------------------


def test_the_search_form_posts_with_csrf_and_no_form_puts_a_name_in_a_url(
    world: World,
) -> None:
    page = world.client_for(world.claire).get(reverse("patient_list"))
    assert page.status_code == 200
    search = [form for form in forms_on(page) if "q" in names(form)]
    assert len(search) == 1
    form = search[0]
    assert form.get("method") == "post"
    assert "?" not in (form.get("action") or "")
    assert "csrfmiddlewaretoken" in names(form)
    # No form on the page sends anything by GET (the language switch and logout post too).
    assert all((f.get("method") or "get").lower() == "post" for f in forms_on(page))


def test_searching_by_post_finds_the_patient(world: World) -> None:
    claire = world.client_for(world.claire)
    found = claire.post(reverse("patient_list"), {"q": "amy"})
    assert found.status_code == 200
    assert listed(found) == {"Amy"}
    # The result page carries the name in no URL: links go by id, the form posts again.
    assert not any("amy" in url.lower() for url in urls_on(found))
    assert 'value="amy"' in html(found)  # kept in the search box, in the page body only
    assert listed(claire.post(reverse("patient_list"), {"q": "Nobody"})) == set()
    # Still one access-log entry per showing of the list.
    assert AccessEntry.objects.filter(actor=world.claire, object_type="patient_list").count() == 2


def test_a_search_in_the_url_is_ignored(world: World) -> None:
    claire = world.client_for(world.claire)
    everyone = claire.get(reverse("patient_list"))
    ignored = claire.get(reverse("patient_list"), {"q": "Amy"})
    assert ignored.status_code == 200
    assert listed(ignored) == listed(everyone) == {"Amy", "Ben"}
    assert 'value="Amy"' not in html(ignored)


def test_the_search_works_as_a_plain_form_with_csrf_checks(world: World) -> None:
    """What a browser without JavaScript does: read the page, post the form with its token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.claire)
    assert client.post(reverse("patient_list"), {"q": "Amy"}).status_code == 403
    page = client.get(reverse("patient_list"))
    token = next(
        el.get("value")
        for el in parse(page).iter("input")
        if el.get("name") == "csrfmiddlewaretoken"
    )
    found = client.post(reverse("patient_list"), {"q": "Amy", "csrfmiddlewaretoken": token})
    assert found.status_code == 200
    assert listed(found) == {"Amy"}


def test_a_garbage_search_is_bounded_and_answers(world: World) -> None:
    claire = world.client_for(world.claire)
    for search in ("x" * 100_000, "Amy\x00", "% _ ' \" \\ ; --", "Amy " * 50):
        assert claire.post(reverse("patient_list"), {"q": search}).status_code == 200


def test_another_clinic_finds_nobody_of_this_one(world: World) -> None:
    found = world.client_for(world.yara).post(reverse("patient_list"), {"q": "Amy"})
    assert listed(found) == set()


def test_a_patient_cannot_search(world: World) -> None:
    response = world.client_for(world.amy).post(reverse("patient_list"), {"q": "Ben"})
    assert response.status_code == 404
    assert "Ben" not in html(response)


# --- the home program's suggestion ----------------------------------------------------------


def builder(world: World) -> str:
    return reverse("program_edit", kwargs={"episode_id": world.amy_episode.id})


def suggested(response: Any) -> list[str]:
    return [item["exercise_id"] for item in response.context["items"].initial]


def test_the_suggestion_form_posts_with_csrf(world: World) -> None:
    page = world.client_for(world.claire).get(builder(world))
    assert page.status_code == 200
    suggest = [form for form in forms_on(page) if "suggest" in names(form)]
    assert len(suggest) == 1
    assert suggest[0].get("method") == "post"
    assert "csrfmiddlewaretoken" in names(suggest[0])
    assert {"level", "equipment", "lrs_high_reactivity"} <= names(suggest[0])
    assert all((f.get("method") or "get").lower() == "post" for f in forms_on(page))


def test_suggesting_again_by_post_uses_what_the_clinician_adds(world: World) -> None:
    claire = world.client_for(world.claire)
    default = suggested(claire.get(builder(world)))
    easy = claire.post(builder(world), {"suggest": "1", "level": "1"})  # no equipment at home
    hard = claire.post(
        builder(world),
        {"suggest": "1", "level": "5", "equipment": ["mat", "chair", "wall", "band"]},
    )
    for response in (easy, hard):
        assert response.status_code == 200
        assert suggested(response)
        assert not any("level" in url for url in urls_on(response))
    assert suggested(easy) != suggested(hard)
    assert default
    # The builder below is not published by a suggestion.
    assert not world.amy_episode.programs.exists()


def test_a_suggestion_in_the_url_is_ignored(world: World) -> None:
    claire = world.client_for(world.claire)
    plain = suggested(claire.get(builder(world)))
    in_url = claire.get(builder(world), {"suggest": "1", "level": "5", "lrs_high_reactivity": "on"})
    assert in_url.status_code == 200
    assert suggested(in_url) == plain


def test_a_tampered_suggestion_answers_400_not_500(world: World) -> None:
    response = world.client_for(world.claire).post(builder(world), {"suggest": "1", "level": "x"})
    assert response.status_code == 400
    assert suggested(response)  # the default suggestion, with the problem shown
